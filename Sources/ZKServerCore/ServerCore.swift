import ZKDataTree
import ZKProtocol

/// The standalone server as a deterministic state machine: the composition
/// front end → proposer → log → committed state → front end.
///
/// It owns the tree, the sessions and the watches, through its three parts
/// (FrontEnd, Proposer, CommittedState). The shell feeds it each input
/// (connection events, decoded requests, log progress, ticks) with the time
/// through `step`, and carries out the `Ready` that comes back. It does no
/// I/O and reads no clock.
///
/// Writes follow Apache's pipeline: prepare (validate against the tree plus
/// the changes still in flight, assign a zxid) → `toLog` (the shell makes the
/// transaction durable) → `.durable(upTo:)` (apply in zxid order, fire
/// watches, reply). A session's later requests wait behind its unapplied
/// writes, so its replies stay in order and it reads its own writes.
public struct ServerCore: Sendable {
    public let config: CoreConfig
    /// The tree and the replicated session table, as every server holds them.
    public internal(set) var committed: CommittedState
    /// Zxids, prepared writes, session expiry and container reaping.
    public internal(set) var proposer: Proposer
    /// Connections, their request queues, reads, watches and replies.
    public internal(set) var frontEnd: FrontEnd
    /// Proposals handed to the log and not yet applied, in zxid order.
    var inFlight: [Proposal] = []
    var inFlightHead = 0
    /// False after the log failed, until the shell says it works again:
    /// writes are refused meanwhile, reads go on.
    public internal(set) var logAvailable = true
    /// Counts log failures; what was logged in a failed generation is void.
    public internal(set) var logGeneration = 0

    /// A fresh server, or one recovered from disk (`tree`, `sessions` with
    /// their timeouts, and the last zxid).
    public init(config: CoreConfig, now: Now, tree: DataTree? = nil, recoveredSessions: [SessionID: Int32] = [:]) {
        self.config = config
        let tree = tree ?? DataTree(extendedTypesEnabled: config.extendedTypesEnabled)
        committed = CommittedState(tree: tree, sessionTimeouts: recoveredSessions)
        var sessions = SessionTracker(serverID: config.serverID, wallMillis: now.wallMillis)
        for (id, timeout) in recoveredSessions {
            sessions.restore(id: id, timeoutMillis: timeout, secret: config.sessionSecret, now: now)
        }
        let access = AccessControl(superDigest: config.superDigest, skipACL: config.skipACL, sasl: config.saslProvider)
        frontEnd = FrontEnd(config: config, access: access, lastProcessedZxid: Zxid(raw: tree.lastProcessedZxid), now: now)
        proposer = Proposer(config: config, access: access, lastZxid: Zxid(raw: tree.lastProcessedZxid), sessions: sessions, now: now)
    }

    /// The committed tree.
    public var tree: DataTree { committed.tree }

    /// The live sessions (the proposer's: liveness, passwords, connections).
    public internal(set) var sessions: SessionTracker {
        get { proposer.sessions }
        _modify { yield &proposer.sessions }
        set { proposer.sessions = newValue }
    }

    /// The last zxid handed out.
    public var lastZxid: Zxid { proposer.lastZxid }

    /// The front end's connections.
    public internal(set) var connections: [ConnectionID: ClientConnection] {
        get { frontEnd.connections }
        _modify { yield &frontEnd.connections }
        set { frontEnd.connections = newValue }
    }

    /// The front end's watches.
    public internal(set) var watches: WatchManager {
        get { frontEnd.watches }
        _modify { yield &frontEnd.watches }
        set { frontEnd.watches = newValue }
    }

    /// The front end's counters.
    public internal(set) var stats: ServerStats {
        get { frontEnd.stats }
        _modify { yield &frontEnd.stats }
        set { frontEnd.stats = newValue }
    }

    var access: AccessControl { frontEnd.access }

    /// The time of the latest input, for the per-connection figures.
    var clockNow: Now {
        get { frontEnd.clockNow }
        set { frontEnd.clockNow = newValue }
    }

    /// Apache's abbreviation of an operation, as `cons` shows it (`lop`).
    static func operationName(_ op: OpCode) -> String { FrontEnd.operationName(op) }

    /// The number of transactions waiting for the log.
    public var unappliedCount: Int { inFlight.count - inFlightHead }

    // MARK: Connections

    /// A new connection. Over `maxClientCnxns` from its address, it is closed
    /// at once, as Apache does.
    mutating func connectionOpened(_ id: ConnectionID, address: ClientAddress, now: Now, actions: inout some CoreActionSink) {
        frontEnd.connectionOpened(id, address: address, now: now, actions: &actions)
    }

    /// The connection is gone (closed by either side). Its watches go; its
    /// session stays until it expires or the client resumes it elsewhere.
    mutating func connectionClosed(_ id: ConnectionID, now: Now) {
        guard let sessionID = frontEnd.connectionClosed(id) else { return }
        if sessions[sessionID]?.connection == id {
            sessions[sessionID]?.connection = nil
        }
    }

    /// The first packet of a connection.
    mutating func connect(_ id: ConnectionID, _ request: ConnectRequest, now: Now,
                          actions: inout some CoreActionSink) {
        guard connections[id] != nil else { return }
        clockNow = now
        stats.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        connections[id]?.lastOperation = "SESS"
        if Zxid(raw: request.lastZxidSeen) > committed.lastProcessedZxid {
            actions.append(.close(id, reason: "client has seen zxid \(Zxid(raw: request.lastZxidSeen)), ahead of this server's \(committed.lastProcessedZxid)"))
            return
        }
        let timeout = min(max(request.timeOut, config.minSessionTimeoutMillis), config.maxSessionTimeoutMillis)
        if request.sessionId == 0 {
            // A new session is a logged transaction: with the log down, say
            // so at once instead of leaving the client to time out.
            guard logAvailable else {
                actions.append(.close(id, reason: "cannot create a session: the transaction log is unavailable"))
                return
            }
            let (session, proposal) = proposer.createSession(timeoutMillis: timeout, connection: id, now: now)
            attach(id, session: session.id)
            log(proposal, actions: &actions)
            frontEnd.awaitWrite(id, zxid: Zxid(raw: proposal.header.zxid))
            return
        }
        guard let session = sessions[SessionID(raw: request.sessionId)], !session.closing,
              session.password == request.passwd.bytesOrEmpty else {
            frontEnd.send(id, .connectResponse(ConnectResponse(
                timeOut: 0, sessionId: 0, passwd: JuteBytes([UInt8](repeating: 0, count: 16)), readOnly: false)),
                 actions: &actions)
            actions.append(.close(id, reason: "session \(SessionID(raw: request.sessionId)) is expired, unknown or its password is wrong"))
            return
        }
        if let old = session.connection, old != id, connections[old] != nil {
            actions.append(.close(old, reason: "session \(session.id) moved to another connection"))
            connections[old]?.sessionID = nil
            watches.removeAll(old)
        }
        sessions[session.id]?.timeoutMillis = timeout
        sessions.touch(session.id, now: now)
        attach(id, session: session.id)
        frontEnd.send(id, .connectResponse(ConnectResponse(
            timeOut: timeout, sessionId: session.id.raw, passwd: JuteBytes(session.password), readOnly: false)),
             actions: &actions)
    }

    mutating func attach(_ id: ConnectionID, session: SessionID) {
        sessions[session]?.connection = id
        connections[id]?.sessionID = session
        let established = clockNow.wallMillis
        connections[id]?.establishedWallMillis = established
        let address = connections[id]?.address.display
        sessions[session]?.lastAddress = address
    }

    // MARK: Requests

    /// One request after the handshake, in arrival order. `body` is the decoded
    /// record, or the reason it could not be decoded. `receivedNanos` is when
    /// the shell read it (monotonic), for the latency statistics.
    mutating func request(_ id: ConnectionID, xid: Int32, opCode: OpCode, body: Result<ZKRequest, JuteError>,
                          receivedNanos: UInt64? = nil, now: Now, actions: inout some CoreActionSink) {
        guard let (sessionID, write) = frontEnd.received(id, xid: xid, opCode: opCode, body: body, receivedNanos: receivedNanos,
                                                         now: now, writesAccepted: logAvailable, tree: committed.tree,
                                                         actions: &actions) else { return }
        sessions.touch(sessionID, now: now)
        guard let write else { return }
        // Writes are prepared at once, even behind unapplied ones: the
        // pending changes make each see the state the earlier leave.
        let proposal = proposer.propose(write.request, cxid: write.xid, write.requester, origin: write.origin,
                                        committed: committed, now: now, warnings: &actions)
        log(proposal, actions: &actions)
        frontEnd.awaitWrite(id, zxid: Zxid(raw: proposal.header.zxid))
    }

    // MARK: Log progress

    /// Every transaction up to `zxid` is durable: apply them in order, fire
    /// their watches, send their replies, and run what waited behind them.
    mutating func durable(upTo zxid: Zxid, now: Now, actions: inout some CoreActionSink) {
        clockNow = now
        while inFlightHead < inFlight.count, inFlight[inFlightHead].header.zxid <= zxid.raw {
            let txn = inFlight[inFlightHead]
            inFlightHead += 1
            complete(txn, now: now, actions: &actions)
        }
        if inFlightHead > 1024, inFlightHead * 2 > inFlight.count {
            inFlight.removeFirst(inFlightHead)
            inFlightHead = 0
        }
    }

    /// The log failed: nothing after `lastDurableZxid` was written. The
    /// writes waiting on it are answered with an error and forgotten, and
    /// later writes are refused until `logRecovered`. Their zxids are not
    /// handed out again: the log has a gap where they were.
    mutating func logFailed(after lastDurableZxid: Zxid, reason: String, now: Now, actions: inout some CoreActionSink) {
        durable(upTo: lastDurableZxid, now: now, actions: &actions)
        while inFlightHead < inFlight.count {
            let txn = inFlight[inFlightHead]
            inFlightHead += 1
            failed(txn, actions: &actions)
        }
        inFlight.removeAll()
        inFlightHead = 0
        proposer.discardUnapplied()
        logAvailable = false
        logGeneration += 1
    }

    /// The log works again (space came back): writes are accepted again.
    mutating func logRecovered() {
        logAvailable = true
    }

    // MARK: Admin actions

    /// Expires a session at once, as if it had timed out (an admin action).
    mutating func expireSession(_ sessionID: SessionID, now: Now, actions: inout some CoreActionSink) -> String {
        clockNow = now
        guard let session = sessions[sessionID], !session.closing else { return "no live session \(sessionID)\n" }
        log(proposer.closeSession(sessionID, origin: .expiry(sessionID), committed: committed, now: now), actions: &actions)
        actions.append(.warn("admin action: session \(sessionID) expired on request"))
        return "session \(sessionID) expired\n"
    }

    /// Closes every connection from `host` (an admin action); their sessions
    /// stay until they expire or their clients return.
    mutating func closeConnections(fromHost host: String, actions: inout some CoreActionSink) -> String {
        frontEnd.closeConnections(fromHost: host, actions: &actions)
    }

    // MARK: Time

    /// Expires silent sessions and reaps empty containers and expired TTL
    /// nodes. Call it often (every few tens of milliseconds).
    mutating func tick(now: Now, actions: inout some CoreActionSink) {
        clockNow = now
        for proposal in proposer.tick(committed: committed, now: now) {
            log(proposal, actions: &actions)
        }
    }
}

/// A request waiting in its connection's queue.
enum QueuedRequest: Sendable {
    /// A write handed to the log; its reply goes when this zxid applies.
    case write(Zxid)
    case read(xid: Int32, ZKRequest)
    /// A request answered with just an error (unknown or malformed), after
    /// which the connection may close.
    case error(xid: Int32, err: ZKError, close: Bool)
}

/// Who waits for a logged transaction.
enum TxnOrigin: Sendable {
    case request(ConnectionID, xid: Int32, opCode: OpCode)
    /// createSession of a new connection: the ConnectResponse waits for it.
    case connect(ConnectionID)
    case closeSession(ConnectionID, xid: Int32)
    case expiry(SessionID)
    /// The container reaper.
    case `internal`
}

