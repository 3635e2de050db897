import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZKDataTree
import ZKProtocol
import ZKServerCore

/// The one thread that owns the server core (see DESIGN.md, "Threads and
/// the request pipeline"). Connections hand it events; it steps the core
/// with them in arrival order and carries out each `Ready`.
final class StateLoop: @unchecked Sendable {
    // Everything below is touched only on `eventLoop`.
    let eventLoop: EventLoop
    @exclusivity(unchecked) private var core: ServerCore
    @exclusivity(unchecked) private var outlets: [ConnectionID: Outlet] = [:]
    /// Outlets holding replies not yet handed to their event loop.
    @exclusivity(unchecked) private var dirty: [Outlet] = []
    /// What the core's steps produced and this loop has not carried out
    /// yet; kept, so a step allocates nothing for it.
    @exclusivity(unchecked) private var ready = Ready()
    /// Transactions for the log, handed over together after each step.
    @exclusivity(unchecked) private var logBatch: [(TxnHeader, TxnBody)] = []
    private let logger: Logger
    private let clock: ServerClock
    /// Where transactions go to become durable; nil keeps them in memory.
    private let log: TransactionLogSink?
    /// `log != nil`, kept apart: testing the optional existential copies it.
    private let logs: Bool
    /// Which connections may be read from (outstanding requests, log queue).
    @exclusivity(unchecked) private(set) var throttle: RequestThrottle
    /// Changes for `throttle` found while carrying out actions.
    @exclusivity(unchecked) private var throttleChanges: [RequestThrottle.Change] = []
    /// The last zxid handed to the log, and the last it made durable: the
    /// log queue's depth is their difference (zxids of one epoch are
    /// consecutive).
    @exclusivity(unchecked) private var lastLoggedZxid: Int64 = 0
    @exclusivity(unchecked) private var lastDurableZxid: Int64 = 0
    /// Counted by the connections' batchers, shown by `mntr`.
    let backpressure = NIOLockedValueBox(BackpressureFigures())
    /// Reply bytes a connection may have encoded and unwritten before its
    /// further requests are held: a quarter of
    /// `queuedReplyBytesPerConnection`, at least 64 KiB (8 MiB when that
    /// limit is off).
    let replyBudget: Int
    /// Requests a connection may have handed to this loop and not yet had
    /// taken (`outstandingRequestsPerConnection`; 0: no limit). Immutable:
    /// batchers read it from their event loops.
    let requestsInTransitLimit: Int
    /// `queuedReplyBytesPerConnection` (0: no limit).
    private let maxQueuedReplyBytes: Int
    private let memoryTrim = MemoryTrim()
    /// Bounds the core's warnings in the server log: a client that hits a
    /// limit on every request must not fill the disk with log lines.
    @exclusivity(unchecked) private var warnings = WarningBudget()

    init(eventLoop: EventLoop, core: ServerCore, clock: ServerClock, log: TransactionLogSink?, logger: Logger) {
        self.eventLoop = eventLoop
        self.log = log
        logs = log != nil
        self.core = core
        self.clock = clock
        self.logger = logger
        throttle = RequestThrottle(core.config.limits)
        requestsInTransitLimit = core.config.limits.outstandingRequestsPerConnection
        let limit = core.config.limits.queuedReplyBytesPerConnection
        replyBudget = limit > 0 ? max(64 * 1024, limit / 4) : 8 * 1024 * 1024
        maxQueuedReplyBytes = limit
    }

    /// Tells each connection in `changes` to stop or resume reading.
    private func applyThrottle(_ changes: [RequestThrottle.Change]) {
        for change in changes {
            outlets[change.id]?.channel.pipeline.fireUserInboundEventTriggered(ReadGate.throttled(change.paused))
        }
    }

    /// Starts the timer that expires sessions and reaps containers.
    func startTicking(every interval: TimeAmount) {
        eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            core.step(.tick, now: clock.now(), into: &ready)
            perform()
        }
    }

    /// `backlog` counts the reply bytes handed to `channel` and not yet
    /// written (kept by its RequestBatcher).
    func opened(_ id: ConnectionID, channel: Channel, address: ClientAddress, backlog: NIOLockedValueBox<Int>) {
        eventLoop.execute { [self] in
            outlets[id] = Outlet(id, channel, backlog: backlog)
            applyThrottle(throttle.opened(id))
            core.step(.connectionOpened(id, address: address), now: clock.now(), into: &ready)
            perform()
        }
    }

    func closed(_ id: ConnectionID) {
        eventLoop.execute { [self] in
            outlets[id] = nil
            applyThrottle(throttle.closed(id))
            core.step(.connectionClosed(id), now: clock.now(), into: &ready)
            perform()
            memoryTrim.connectionClosed()
        }
    }

    /// A batch of inbound events from one connection's read burst.
    ///
    /// While the connection's replies not yet written to its socket pass
    /// `replyBudget`, its events wait here in arrival order (held), and are
    /// run once the batcher reports the backlog drained (`backlogDrained`).
    /// So a client that does not read its socket stops the server from
    /// producing more replies for it; it stops being read once its held
    /// and unanswered requests reach its outstanding limit.
    ///
    /// `requests` of the events are requests; `inTransit` counts the
    /// connection's requests handed here and not yet taken, and its batcher
    /// stops reading while it is at `requestsInTransitLimit` (the throttle
    /// cannot stop a connection while this loop is too busy to hear of its
    /// requests): taking them below the limit tells the batcher to resume.
    func handle(_ id: ConnectionID, _ events: [InboundEvent], requests: Int, inTransit: NIOLockedValueBox<Int>) {
        eventLoop.execute { [self] in
            let before = inTransit.withLockedValue { count in
                defer { count -= requests }
                return count
            }
            guard let outlet = outlets[id] else { return }
            if requestsInTransitLimit > 0, before >= requestsInTransitLimit, before - requests < requestsInTransitLimit {
                outlet.channel.pipeline.fireUserInboundEventTriggered(ReadGate.inTransitDrained)
            }
            applyThrottle(throttle.received(id, count: requests))
            outlet.hold(events)
            run(outlet, id)
        }
    }

    /// The batcher's backlog of unwritten replies for `id` fell below half
    /// the budget: run what was held.
    func backlogDrained(_ id: ConnectionID) {
        eventLoop.execute { [self] in
            guard let outlet = outlets[id], outlet.hasHeld else { return }
            run(outlet, id)
        }
    }

    /// Runs `outlet`'s held events through the core while its reply backlog
    /// is under budget.
    private func run(_ outlet: Outlet, _ id: ConnectionID) {
        let now = clock.now()
        // The backlog only shrinks while this runs (replies reach the
        // channel after it), so one look at it serves the whole run.
        outlet.refreshBacklog()
        var admitted = 0
        while let event = outlet.nextHeld(budget: replyBudget) {
            switch event {
            case .connect(let request):
                core.step(.connect(id, request), now: now, into: &ready)
            case .request(let xid, let opCode, let body, let receivedNanos):
                admitted += 1
                if case .failure(let error) = body {
                    logger.info("connection \(id): undecodable request xid \(xid): \(error)")
                }
                core.step(.request(id, xid: xid, opCode: opCode, body: body, receivedNanos: receivedNanos), now: now, into: &ready)
            }
            // Replies are encoded at once, so the budget sees them; the
            // run's transactions stay in `ready.toLog` and go to the log
            // together at the end.
            carryOutSends()
            if outlets[id] == nil { break }  // closed by the core
        }
        throttleChanges += throttle.admitted(id, count: admitted)
        perform()
    }

    /// Hands a point-in-time copy of the tree and the sessions (id →
    /// timeout) to `body`, from the state loop. The copy is O(1).
    ///
    /// The copy comes in a holder that only the state loop empties (see
    /// `release`): the tree's persistent map must never lose its last
    /// reference on another thread while the state loop changes the tree,
    /// or the map's in-place update can touch freed nodes.
    func snapshot(_ body: @escaping @Sendable (TreeHolder, [SessionID: Int32]) -> Void) {
        eventLoop.execute { [self] in
            let sessions = core.committed.sessionTimeouts
            body(TreeHolder(core.tree), sessions)
        }
    }

    /// Drops a snapshot's copy of the tree, on the state loop.
    func release(_ holder: TreeHolder) {
        eventLoop.execute { holder.drop() }
    }

    /// The answer to a four-letter word that needs the core's state.
    func fourLetterText(_ id: ConnectionID, _ word: FourLetterWord, process: [(String, String)]) -> EventLoopFuture<String> {
        eventLoop.submit { [self] in
            core.fourLetterWordReceived(id)
            let now = clock.now()
            switch word {
            case .srvr: return core.serverStatusText(withClients: false)
            case .stat: return core.serverStatusText(withClients: true)
            case .cons: return core.consText(now: now)
            case .dump: return core.dumpText(now: now)
            case .wchs: return core.watchSummaryText()
            case .wchc: return core.watchListText(byPath: false)
            case .wchp: return core.watchListText(byPath: true)
            case .mntr: return core.monitorText(process: process + monitorFigures())
            case .crst: return core.resetConnectionStats()
            case .srst: return core.resetServerStats()
            case .leak: return core.leakText(now: now)
            default: return ""
            }
        }
    }

    /// The limits and backpressure figures `mntr` adds (see `LimitsText`).
    private func monitorFigures() -> [ProcessFigure] {
        let figures = backpressure.withLockedValue { $0 }
        return LimitsText.monitorRows(core.config.limits) + [
            ("zk_requests_awaiting_reply", "\(throttle.total)"),
            ("zk_log_queue_depth", "\(logQueueDepth)"),
            ("zk_connections_throttled", "\(throttle.paused.count)"),
            ("zk_connections_paused_for_backpressure", "\(figures.pausedConnections)"),
            ("zk_connections_closed_for_unread_replies", "\(figures.closedForUnreadReplies)"),
        ]
    }

    /// Runs an admin action (`expi`, `clip`) and returns its report.
    func adminAction(_ id: ConnectionID, _ word: FourLetterWord, argument: String) -> EventLoopFuture<String> {
        eventLoop.submit { [self] in
            core.fourLetterWordReceived(id)
            let text: String
            switch word {
            case .expi:
                let digits = argument.hasPrefix("0x") ? String(argument.dropFirst(2)) : argument
                guard let raw = UInt64(digits, radix: 16) else { return "expi: expected a session id such as 0x1000abcd, got \"\(argument)\"\n" }
                text = core.expireSession(SessionID(raw: Int64(bitPattern: raw)), now: clock.now(), into: &ready)
            case .clip:
                guard !argument.isEmpty else { return "clip: expected a client address\n" }
                text = core.closeConnections(fromHost: argument, into: &ready)
            default:
                text = ""
            }
            perform()
            return text
        }
    }

    /// Carries out `ready` and empties it: sends and warnings at once, then
    /// the transactions go to the log in one batch. Without a log
    /// (in-memory mode) they count as durable at once, and what that step
    /// produces is carried out in turn.
    ///
    /// Replies are encoded into one buffer per connection and handed over
    /// once per step, in one task per event loop: a write from another
    /// thread costs a task hop, and a flush another.
    private func perform() {
        repeat {
            carryOutSends()
            var loggedInMemory: Int64?
            if logs {
                for (header, body) in ready.toLog { logBatch.append((header, body)) }
            } else if let last = ready.toLog.last {
                loggedInMemory = last.header.zxid
            }
            ready.removeAll(keepingCapacity: true)
            if !logBatch.isEmpty, let log, let first = logBatch.first, let last = logBatch.last {
                // With nothing queued, the depth counts from this batch (the
                // first after start-up starts past the recovered zxids).
                if lastLoggedZxid == lastDurableZxid { lastDurableZxid = first.0.zxid - 1 }
                log.append(logBatch, generation: core.logGeneration)
                logBatch.removeAll(keepingCapacity: true)
                lastLoggedZxid = last.0.zxid
                throttleChanges += throttle.logQueue(depth: logQueueDepth)
            }
            if !throttleChanges.isEmpty {
                applyThrottle(throttleChanges)
                throttleChanges.removeAll(keepingCapacity: true)
            }
            handOffReplies()
            if let zxid = loggedInMemory {
                core.step(.durable(upTo: Zxid(raw: zxid)), now: clock.now(), into: &ready)
            }
        } while !ready.isEmpty
    }

    /// Transactions handed to the log thread and not durable yet.
    private var logQueueDepth: Int { Int(clamping: max(0, lastLoggedZxid - lastDurableZxid)) }

    /// The log made everything up to `zxid` durable.
    func durable(upTo zxid: Int64) {
        eventLoop.execute { [self] in
            lastDurableZxid = zxid
            applyThrottle(throttle.logQueue(depth: logQueueDepth))
            core.step(.durable(upTo: Zxid(raw: zxid)), now: clock.now(), into: &ready)
            perform()
        }
    }

    /// The log failed after `zxid`.
    func logFailed(after zxid: Int64, reason: String) {
        eventLoop.execute { [self] in
            logger.error("transaction log failed after zxid \(hex(zxid)): \(reason); refusing writes until it recovers")
            // What was queued after `zxid` is dropped and answered with an error.
            lastLoggedZxid = zxid
            lastDurableZxid = zxid
            applyThrottle(throttle.logQueue(depth: 0))
            core.step(.logFailed(after: Zxid(raw: zxid), reason: reason), now: clock.now(), into: &ready)
            perform()
        }
    }

    func logRecovered() {
        eventLoop.execute { [self] in
            logger.notice("transaction log writable again; accepting writes")
            core.step(.logRecovered, now: clock.now(), into: &ready)
            perform()
        }
    }

    /// Carries out `ready.toSend` and `ready.warnings` and empties them;
    /// `ready.toLog` stays for `perform`.
    private func carryOutSends() {
        for action in ready.toSend { carryOut(action) }
        ready.toSend.removeAll(keepingCapacity: true)
        for message in ready.warnings { warn(message) }
        ready.warnings.removeAll(keepingCapacity: true)
    }

    private func carryOut(_ action: ConnectionAction) {
        switch action {
        case .send(let id, let outbound):
            guard let outlet = outlets[id] else { return }
            if case .reply = outbound { outlet.answered += 1 }
            if !outlet.isDirty {
                outlet.start()
                dirty.append(outlet)
            }
            Self.encode(outbound, into: &outlet.pending)
            // Replies the core released together (reads queued behind a
            // write, say) can pass the limit before any reaches the
            // channel: the connection closes here, before they pile up.
            let unwritten = outlet.pending.readableBytes + outlet.knownBacklog
            if maxQueuedReplyBytes > 0, unwritten > maxQueuedReplyBytes {
                outlets[id] = nil
                outlet.drop()
                logger.warning("closing connection \(id) from \(ClientAddress(outlet.channel.remoteAddress).display): \(unwritten) reply bytes queued and unread, over swiftzk.maxQueuedReplyBytes=\(maxQueuedReplyBytes)")
                backpressure.withLockedValue { $0.closedForUnreadReplies += 1 }
                outlet.channel.close(promise: nil)
            }
        case .close(let id, let reason):
            guard let outlet = outlets.removeValue(forKey: id) else { return }
            logger.info("closing connection \(id): \(reason)")
            // What was sent before goes first, then the close.
            let channel = outlet.channel
            let last = outlet.isDirty ? outlet.take() : channel.allocator.buffer(capacity: 0)
            channel.writeAndFlush(last).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    /// Logs a core warning, within `warnings`' budget.
    private func warn(_ message: String) {
        let now = NIODeadline.now().uptimeNanoseconds
        if let suppressed = warnings.startSecond(at: now), suppressed > 0 {
            logger.warning("\(suppressed) more core warnings in the last second were not logged (limit \(WarningBudget.perSecond) a second)")
        }
        if warnings.admit() { logger.warning("\(message)") }
    }

    /// Hands every dirty outlet's replies to its channel: one task per event
    /// loop, which writes and flushes each of its connections.
    private func handOffReplies() {
        guard !dirty.isEmpty else { return }
        // The throttle hears of each connection's replies once per step.
        for (i, outlet) in dirty.enumerated() where outlet.answered > 0 {
            if outlets[outlet.id] === outlet {
                throttleChanges += throttle.answered(outlet.id, count: outlet.answered)
            }
            dirty[i].answered = 0
        }
        if !throttleChanges.isEmpty {
            applyThrottle(throttleChanges)
            throttleChanges.removeAll(keepingCapacity: true)
        }
        if dirty.count == 1 {
            let outlet = dirty[0]
            dirty.removeAll(keepingCapacity: true)
            if outlet.isDirty { outlet.channel.writeAndFlush(outlet.take(), promise: nil) }
            return
        }
        var byLoop: [(loop: EventLoop, writes: [(Channel, ByteBuffer)])] = []
        for outlet in dirty where outlet.isDirty {
            let loop = outlet.channel.eventLoop
            let write = (outlet.channel, outlet.take())
            if let i = byLoop.firstIndex(where: { $0.loop === loop }) {
                byLoop[i].writes.append(write)
            } else {
                byLoop.append((loop, [write]))
            }
        }
        dirty.removeAll(keepingCapacity: true)
        for (loop, writes) in byLoop {
            loop.execute {
                for (channel, buffer) in writes { channel.writeAndFlush(buffer, promise: nil) }
            }
        }
    }

    static func encode(_ outbound: Outbound, into buffer: inout ByteBuffer) {
        switch outbound {
        case .connectResponse(let response):
            Framing.writeFrame(response, into: &buffer)
        case .reply(let header, let body):
            Framing.writeFrame(into: &buffer) { frame in
                header.encode(to: &frame)
                body?.encode(to: &frame)
            }
        case .notification(let header, let event):
            Framing.writeFrame(into: &buffer) { frame in
                header.encode(to: &frame)
                event.encode(to: &frame)
            }
        }
    }
}

/// A copy of the tree lent to another thread. Its last reference is dropped
/// on the state loop only (StateLoop.release).
final class TreeHolder: @unchecked Sendable {
    // Set on the state loop; read on the snapshot thread; cleared on the
    // state loop after the snapshot thread is done with it.
    private(set) var tree: DataTree?

    init(_ tree: DataTree) { self.tree = tree }

    fileprivate func drop() { tree = nil }
}

/// The log writer as the state loop sees it: `append` queues transactions;
/// the writer later reports `durable(upTo:)` or `logFailed` to the loop.
protocol TransactionLogSink: Sendable {
    /// Queues `entries` in order. `generation` is the core's log generation: entries
    /// of a generation that failed are dropped.
    func append(_ entries: [(TxnHeader, TxnBody)], generation: Int)
}

/// A connection as the state loop writes to it: its channel, and the
/// replies encoded for it since the last hand-off.
private final class Outlet {
    let id: ConnectionID
    let channel: Channel
    /// Replies encoded since the throttle last heard of them.
    @exclusivity(unchecked) var answered = 0
    /// Reply bytes handed to the channel and not yet written.
    let backlog: NIOLockedValueBox<Int>
    /// Events waiting for the reply backlog to drain, from `heldStart` on.
    /// At most `outstandingRequestsPerConnection` plus one read burst: the
    /// connection is not read while they count against that limit. (With
    /// that limit off, the channel's write high-water mark (64 KiB, at most
    /// the reply budget) stops the reading instead.)
    @exclusivity(unchecked) private var held: [InboundEvent] = []
    @exclusivity(unchecked) private var heldStart = 0
    /// Replies not yet handed to the channel (valid while `isDirty`).
    @exclusivity(unchecked) var pending = ByteBuffer()
    @exclusivity(unchecked) private(set) var isDirty = false
    /// The size of the last hand-off, to size the next buffer.
    @exclusivity(unchecked) private var lastBytes = 256

    init(_ id: ConnectionID, _ channel: Channel, backlog: NIOLockedValueBox<Int>) {
        self.id = id
        self.channel = channel
        self.backlog = backlog
    }

    var hasHeld: Bool { heldStart < held.count }

    /// `backlog` as last read: at least its value now, as the backlog only
    /// grows when the state loop hands replies over (see `start`).
    @exclusivity(unchecked) private(set) var knownBacklog = 0

    func refreshBacklog() { knownBacklog = backlog.withLockedValue { $0 } }

    func hold(_ events: [InboundEvent]) {
        if held.isEmpty {
            held = events
        } else {
            held.append(contentsOf: events)
        }
    }

    /// The next held event, unless the replies not yet written pass `budget`.
    func nextHeld(budget: Int) -> InboundEvent? {
        guard hasHeld else { return nil }
        let unwritten = (isDirty ? pending.readableBytes : 0) + knownBacklog
        guard unwritten < budget else { return nil }
        let event = held[heldStart]
        heldStart += 1
        if heldStart == held.count {
            held.removeAll(keepingCapacity: true)
            heldStart = 0
        } else if heldStart >= 1024, heldStart * 2 >= held.count {
            held.removeFirst(heldStart)
            heldStart = 0
        }
        return event
    }

    func start() {
        refreshBacklog()
        pending = channel.allocator.buffer(capacity: lastBytes)
        isDirty = true
    }

    /// Forgets the pending replies (the connection is closing).
    func drop() {
        pending = ByteBuffer()
        isDirty = false
    }

    /// The pending replies; the outlet is clean afterwards.
    func take() -> ByteBuffer {
        let buffer = pending
        pending = ByteBuffer()
        isDirty = false
        lastBytes = max(256, buffer.readableBytes)
        return buffer
    }
}

/// What a connection hands the state loop.
enum InboundEvent: Sendable {
    case connect(ConnectRequest)
    case request(xid: Int32, opCode: OpCode, body: Result<ZKRequest, JuteError>, receivedNanos: UInt64)
}

/// At most `perSecond` core warnings a second reach the log; the rest are
/// counted and reported as one line when the next second starts.
struct WarningBudget {
    /// Warning lines a second.
    static let perSecond = 20
    private var secondStartNanos: UInt64 = 0
    private var logged = 0
    private var suppressed = 0

    /// Starts a new one-second window when the current one is over;
    /// returns how many warnings the window that ended suppressed.
    mutating func startSecond(at nanos: UInt64) -> Int? {
        guard nanos >= secondStartNanos &+ 1_000_000_000 else { return nil }
        let ended = suppressed
        secondStartNanos = nanos
        logged = 0
        suppressed = 0
        return ended
    }

    /// True when one more warning fits in this second.
    mutating func admit() -> Bool {
        if logged < Self.perSecond {
            logged += 1
            return true
        }
        suppressed += 1
        return false
    }
}
