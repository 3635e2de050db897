import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZKDataTree
import ZKProtocol
import ZKServerCore

/// The one thread that owns the server core (see DESIGN.md, "Threads and
/// the request pipeline"). Connections hand it events; it runs them through
/// the core in arrival order and carries out the actions.
final class StateLoop: @unchecked Sendable {
    // Everything below is touched only on `eventLoop`.
    let eventLoop: EventLoop
    private var core: ServerCore
    private var outlets: [ConnectionID: Outlet] = [:]
    /// Outlets holding replies not yet handed to their event loop.
    private var dirty: [Outlet] = []
    /// Transactions for the log, handed over together after each step.
    private var logBatch: [(TxnHeader, TxnBody)] = []
    private let logger: Logger
    private let clock: ServerClock
    /// Where transactions go to become durable; nil keeps them in memory.
    private let log: TransactionLogSink?
    private let memoryTrim = MemoryTrim()

    init(eventLoop: EventLoop, core: ServerCore, clock: ServerClock, log: TransactionLogSink?, logger: Logger) {
        self.eventLoop = eventLoop
        self.log = log
        self.core = core
        self.clock = clock
        self.logger = logger
    }

    /// Starts the timer that expires sessions and reaps containers.
    func startTicking(every interval: TimeAmount) {
        eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            var actions: [CoreAction] = []
            core.tick(now: clock.now(), actions: &actions)
            perform(actions)
        }
    }

    func opened(_ id: ConnectionID, channel: Channel, address: ClientAddress) {
        eventLoop.execute { [self] in
            outlets[id] = Outlet(channel)
            var actions: [CoreAction] = []
            core.connectionOpened(id, address: address, now: clock.now(), actions: &actions)
            perform(actions)
        }
    }

    func closed(_ id: ConnectionID) {
        eventLoop.execute { [self] in
            outlets[id] = nil
            core.connectionClosed(id, now: clock.now())
            memoryTrim.connectionClosed()
        }
    }

    /// A batch of inbound events from one connection's read burst.
    func handle(_ id: ConnectionID, _ events: [InboundEvent]) {
        eventLoop.execute { [self] in
            var actions: [CoreAction] = []
            let now = clock.now()
            for event in events {
                switch event {
                case .connect(let request):
                    core.connect(id, request, now: now, actions: &actions)
                case .request(let xid, let opCode, let body, let receivedNanos):
                    if case .failure(let error) = body {
                        logger.info("connection \(id): undecodable request xid \(xid): \(error)")
                    }
                    core.request(id, xid: xid, opCode: opCode, body: body, receivedNanos: receivedNanos, now: now, actions: &actions)
                }
            }
            perform(actions)
        }
    }

    /// Hands a point-in-time copy of the tree and the sessions (id →
    /// timeout) to `body`, from the state loop. The copy is O(1).
    ///
    /// The copy comes in a holder that only the state loop empties (see
    /// `release`): the tree's persistent map must never lose its last
    /// reference on another thread while the state loop changes the tree,
    /// or the map's in-place update can touch freed nodes.
    func snapshot(_ body: @escaping @Sendable (TreeHolder, [Int64: Int32]) -> Void) {
        eventLoop.execute { [self] in
            let sessions = core.sessions.sessions.mapValues(\.timeoutMillis)
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
            case .mntr: return core.monitorText(process: process)
            case .crst: return core.resetConnectionStats()
            case .srst: return core.resetServerStats()
            case .leak: return core.leakText(now: now)
            default: return ""
            }
        }
    }

    /// Runs an admin action (`expi`, `clip`) and returns its report.
    func adminAction(_ id: ConnectionID, _ word: FourLetterWord, argument: String) -> EventLoopFuture<String> {
        eventLoop.submit { [self] in
            core.fourLetterWordReceived(id)
            var actions: [CoreAction] = []
            let text: String
            switch word {
            case .expi:
                let digits = argument.hasPrefix("0x") ? String(argument.dropFirst(2)) : argument
                guard let raw = UInt64(digits, radix: 16) else { return "expi: expected a session id such as 0x1000abcd, got \"\(argument)\"\n" }
                text = core.expireSession(Int64(bitPattern: raw), now: clock.now(), actions: &actions)
            case .clip:
                guard !argument.isEmpty else { return "clip: expected a client address\n" }
                text = core.closeConnections(fromHost: argument, actions: &actions)
            default:
                text = ""
            }
            perform(actions)
            return text
        }
    }

    /// Carries out the core's actions. Transactions go to the log; without
    /// one (in-memory mode) they count as durable at once.
    ///
    /// Replies are encoded into one buffer per connection and handed over
    /// once per step, in one task per event loop: a write from another
    /// thread costs a task hop, and a flush another.
    private func perform(_ first: [CoreAction]) {
        var actions = first
        while !actions.isEmpty {
            var loggedInMemory: Int64?
            for action in actions {
                if case .log(let header, let body) = action {
                    if log != nil { logBatch.append((header, body)) } else { loggedInMemory = header.zxid }
                } else {
                    carryOut(action)
                }
            }
            if let log, !logBatch.isEmpty {
                log.append(logBatch, epoch: core.logEpoch)
                logBatch.removeAll(keepingCapacity: true)
            }
            handOffReplies()
            actions = []
            if let zxid = loggedInMemory {
                core.durable(upTo: zxid, now: clock.now(), actions: &actions)
            }
        }
    }

    /// The log made everything up to `zxid` durable.
    func durable(upTo zxid: Int64) {
        eventLoop.execute { [self] in
            var actions: [CoreAction] = []
            core.durable(upTo: zxid, now: clock.now(), actions: &actions)
            perform(actions)
        }
    }

    /// The log failed after `zxid`.
    func logFailed(after zxid: Int64, reason: String) {
        eventLoop.execute { [self] in
            logger.error("transaction log failed after zxid \(hex(zxid)): \(reason); refusing writes until it recovers")
            var actions: [CoreAction] = []
            core.logFailed(after: zxid, reason: reason, now: clock.now(), actions: &actions)
            perform(actions)
        }
    }

    func logRecovered() {
        eventLoop.execute { [self] in
            logger.notice("transaction log writable again; accepting writes")
            core.logRecovered()
        }
    }

    private func carryOut(_ action: CoreAction) {
            switch action {
            case .send(let id, let outbound):
                guard let outlet = outlets[id] else { return }
                if !outlet.isDirty {
                    outlet.start()
                    dirty.append(outlet)
                }
                Self.encode(outbound, into: &outlet.pending)
            case .close(let id, let reason):
                guard let outlet = outlets.removeValue(forKey: id) else { return }
                logger.info("closing connection \(id): \(reason)")
                // What was sent before goes first, then the close.
                let channel = outlet.channel
                let last = outlet.isDirty ? outlet.take() : channel.allocator.buffer(capacity: 0)
                channel.writeAndFlush(last).whenComplete { _ in
                    channel.close(promise: nil)
                }
            case .log:
                break
            case .warn(let message):
                logger.warning("\(message)")
            }
    }

    /// Hands every dirty outlet's replies to its channel: one task per event
    /// loop, which writes and flushes each of its connections.
    private func handOffReplies() {
        guard !dirty.isEmpty else { return }
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
    /// Queues `entries` in order. `epoch` is the core's log epoch: entries
    /// of an epoch that failed are dropped.
    func append(_ entries: [(TxnHeader, TxnBody)], epoch: Int)
}

/// A connection as the state loop writes to it: its channel, and the
/// replies encoded for it since the last hand-off.
private final class Outlet {
    let channel: Channel
    /// Replies not yet handed to the channel (valid while `isDirty`).
    var pending = ByteBuffer()
    private(set) var isDirty = false
    /// The size of the last hand-off, to size the next buffer.
    private var lastBytes = 256

    init(_ channel: Channel) { self.channel = channel }

    func start() {
        pending = channel.allocator.buffer(capacity: lastBytes)
        isDirty = true
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
