import ZKDataTree
import ZKProtocol

/// The part of the server that talks to clients: Apache's ServerCnxn and
/// CommitProcessor. It keeps the connections, each with its queue of
/// requests in arrival order, answers reads from the committed tree, keeps
/// watches and authentication, and turns applied writes into replies.
///
/// Writes it does not prepare: the composition (ServerCore) hands them to
/// the proposer and queues their zxid here, so that a session's later
/// requests wait behind its unapplied writes and its replies stay in order.
public struct FrontEnd: Sendable {
    /// The settings it acts on.
    public let config: CoreConfig
    let access: AccessControl
    /// Every open connection, with its session and its queue of requests.
    public internal(set) var connections: [ConnectionID: ClientConnection] = [:]
    /// The watches of every connection.
    public internal(set) var watches = WatchManager()
    /// Server-wide packet and latency counters.
    public internal(set) var stats = ServerStats()
    /// The zxid of the last applied transaction, for reply headers.
    public internal(set) var lastProcessedZxid: Zxid
    /// The time of the latest input, for the per-connection figures.
    var clockNow: Now
    /// Open connections per client address, for `maxClientCnxns` (counting
    /// through `connections` made each open cost a pass over all of them:
    /// with 2,000 open, a quarter of the state loop's time).
    private var connectionsByHost: [[UInt8]: Int] = [:]
    /// Sorted child lists of big nodes, between getChildren calls.
    var childListings: ChildListingCache

    init(config: CoreConfig, access: AccessControl, lastProcessedZxid: Zxid, now: Now) {
        childListings = ChildListingCache(limitBytes: config.limits.childListingCacheBytes)
        self.config = config
        self.access = access
        self.lastProcessedZxid = lastProcessedZxid
        clockNow = now
    }

    /// Apache's abbreviation of an operation, as `cons` shows it (`lop`).
    static func operationName(_ op: OpCode) -> String {
        switch op {
        case .ping: return "PING"
        case .createSession: return "SESS"
        case .multi: return "MULT"
        case .multiRead: return "MLTR"
        case .create, .create2, .createTTL, .createContainer: return "CREA"
        case .delete, .deleteContainer: return "DELE"
        case .setData: return "SETD"
        case .reconfig: return "RECO"
        case .setACL: return "SETA"
        case .closeSession: return "CLOS"
        case .sync: return "SYNC"
        case .check: return "CHEC"
        case .exists: return "EXIS"
        case .getData: return "GETD"
        case .setWatches: return "SETW"
        case .setWatches2: return "STW2"
        case .addWatch: return "ADDW"
        case .getACL: return "GETA"
        case .getChildren, .getChildren2: return "GETC"
        case .getAllChildrenNumber: return "GETACN"
        case .checkWatches: return "CHKW"
        case .removeWatches: return "REMW"
        case .whoAmI: return "HOMI"
        case .getEphemerals: return "GETE"
        default: return "NA"
        }
    }

    /// A new connection. Over `maxClientCnxns` from its address, it is closed
    /// at once, as Apache does.
    mutating func connectionOpened(_ id: ConnectionID, address: ClientAddress, now: Now, actions: inout some CoreActionSink) {
        let limit = config.maxClientConnectionsPerHost
        if limit > 0, connectionsByHost[address.bytes, default: 0] >= limit {
            actions.append(.close(id, reason: "too many connections from \(address.host) - max is \(limit)"))
            return
        }
        if config.maxConnections > 0, connections.count >= config.maxConnections {
            actions.append(.close(id, reason: "too many connections in total - max is \(config.maxConnections)"))
            return
        }
        connections[id] = ClientConnection(id: id, address: address, openedWallMillis: now.wallMillis)
        connectionsByHost[address.bytes, default: 0] += 1
    }

    /// The connection is gone: it and its watches are forgotten. Returns
    /// the session it carried, if any.
    mutating func connectionClosed(_ id: ConnectionID) -> SessionID? {
        guard let connection = connections.removeValue(forKey: id) else { return nil }
        let host = connection.address.bytes
        if let count = connectionsByHost[host], count > 1 {
            connectionsByHost[host] = count - 1
        } else {
            connectionsByHost[host] = nil
        }
        watches.removeAll(id)
        return connection.sessionID
    }

    /// One request after the handshake, in arrival order. Reads, and
    /// requests answered with just an error, run now or wait in the
    /// connection's queue; a write comes back, to be proposed, unless
    /// `writesAccepted` is false (the log is down), when it is refused in
    /// order. Returns the session to count as heard from, or nil when the
    /// connection carries none.
    mutating func received(_ id: ConnectionID, xid: Int32, opCode: OpCode, body: Result<ZKRequest, JuteError>,
                           receivedNanos: UInt64?, now: Now, writesAccepted: Bool, tree: DataTree,
                           actions: inout some CoreActionSink) -> (sessionID: SessionID, write: WriteSubmission?)? {
        // One lookup, then in-place updates through the index: reading a
        // field through `connections[id]` copies the whole connection.
        guard let index = connections.index(forKey: id),
              let sessionID = connections.withValue(at: index, { $0.sessionID }) else { return nil }
        clockNow = now
        if let receivedNanos, now.monotonicNanos >= receivedNanos {
            let millis = Int64((now.monotonicNanos - receivedNanos) / 1_000_000)
            stats.latency.recordLatency(millis: millis)
            connections.values[index].latency.recordLatency(millis: millis)
        }
        stats.packetsReceived += 1
        connections.values[index].packetsReceived += 1
        connections.values[index].lastHeardWallMillis = now.wallMillis
        connections.values[index].lastOperation = Self.operationName(opCode)
        if xid >= 0 { connections.values[index].lastCxid = xid }
        if opCode != .ping { connections.values[index].lastRequestWallMillis = now.wallMillis }
        let request: ZKRequest
        switch body {
        case .success(let decoded):
            request = decoded
        case .failure(.unknownOpCode):
            // Apache answers ZUNIMPLEMENTED and then closes the connection.
            deferOrRun(id, at: index, .error(xid: xid, err: .unimplemented, close: true), tree: tree, actions: &actions)
            return (sessionID, nil)
        case .failure:
            deferOrRun(id, at: index, .error(xid: xid, err: .marshallingError, close: false), tree: tree, actions: &actions)
            return (sessionID, nil)
        }
        guard Self.isWrite(request) else {
            deferOrRun(id, at: index, .read(xid: xid, request), tree: tree, actions: &actions)
            return (sessionID, nil)
        }
        guard writesAccepted else {
            // Nothing can be made durable: refuse, in order, without a zxid.
            deferOrRun(id, at: index, .error(xid: xid, err: .systemError, close: false), tree: tree, actions: &actions)
            return (sessionID, nil)
        }
        let requester = connections.withValue(at: index) { $0.requester(sessionID) }
        let origin: TxnOrigin
        if case .closeSession = request {
            origin = .closeSession(id, xid: xid)
        } else {
            origin = .request(id, xid: xid, opCode: request.opCode)
        }
        return (sessionID, WriteSubmission(xid: xid, request: request, requester: requester, origin: origin))
    }

    /// A write of `id`'s was proposed: what the connection sends next waits
    /// until it is applied and answered.
    mutating func awaitWrite(_ id: ConnectionID, zxid: Zxid) {
        if let index = connections.index(forKey: id) { connections.values[index].queue.append(.write(zxid)) }
    }

    /// Whether a request changes the tree (and goes to the proposer).
    static func isWrite(_ request: ZKRequest) -> Bool {
        switch request {
        case .create, .create2, .createContainer, .createTTL, .delete, .deleteContainer, .setData, .setACL,
             .check, .reconfig, .multi, .closeSession:
            return true
        default:
            return false
        }
    }

    /// Closes every connection from `host` (an admin action); their sessions
    /// stay until they expire or their clients return.
    mutating func closeConnections(fromHost host: String, actions: inout some CoreActionSink) -> String {
        let doomed = connections.values.filter { $0.address.host == host && !$0.isFourLetterWord }.map(\.id).sorted()
        for id in doomed { actions.append(.close(id, reason: "admin action: every connection from \(host) closed on request")) }
        return "closed \(doomed.count) connections from \(host)\n"
    }

    /// Runs a non-write request now, or queues it behind the connection's
    /// unapplied writes.
    mutating func deferOrRun(_ id: ConnectionID, _ item: QueuedRequest, tree: DataTree, actions: inout some CoreActionSink) {
        guard let index = connections.index(forKey: id) else { return }
        deferOrRun(id, at: index, item, tree: tree, actions: &actions)
    }

    /// `index` is `id`'s place in `connections`, found by the caller.
    mutating func deferOrRun(_ id: ConnectionID, at index: [ConnectionID: ClientConnection].Index, _ item: QueuedRequest,
                             tree: DataTree, actions: inout some CoreActionSink) {
        if connections.withValue(at: index, { $0.queue.isEmpty }) {
            runQueued(id, at: index, item, tree: tree, actions: &actions)
        } else {
            connections.values[index].queue.append(item)
        }
    }

    /// Runs a request that has reached the head of its connection's queue.
    /// `index` is `id`'s place in `connections`.
    mutating func runQueued(_ id: ConnectionID, at index: [ConnectionID: ClientConnection].Index, _ item: QueuedRequest,
                            tree: DataTree, actions: inout some CoreActionSink) {
        guard let sessionID = connections.withValue(at: index, { $0.sessionID }) else { return }
        switch item {
        case .error(let xid, let err, let close):
            reply(id, xid: xid, err: err, actions: &actions)
            if close { actions.append(.close(id, reason: "unknown operation (xid \(xid))")) }
        case .read(_, .ping):
            // Apache answers every ping with the ping xid, whatever was sent.
            reply(id, xid: SpecialXid.ping, err: .ok, actions: &actions)
        case .read(let xid, .auth(let packet)):
            authenticate(id, xid: xid, packet, actions: &actions)
        case .read(let xid, .sasl(let request)):
            sasl(id, xid: xid, request, actions: &actions)
        case .read(let xid, let request):
            let requester = connections.withValue(at: index) { $0.requester(sessionID) }
            read(id, xid: xid, request, requester, tree: tree, actions: &actions)
        case .write:
            break
        }
    }

    /// The head of a connection's queue (a write) is answered: run what
    /// waited behind it, up to the next unapplied write.
    mutating func finishHead(_ id: ConnectionID, tree: DataTree, actions: inout some CoreActionSink) {
        guard var index = connections.index(forKey: id) else { return }
        connections.withValue(at: index) { connection in
            if case .write = connection.queue.first { connection.queue.removeFirst() }
        }
        while let next = connections.withValue(at: index, { $0.queue.first }) {
            if case .write = next { break }
            connections.values[index].queue.removeFirst()
            runQueued(id, at: index, next, tree: tree, actions: &actions)
            // runQueued may have changed the connections (a close, say).
            guard let again = connections.index(forKey: id) else { return }
            index = again
        }
    }

    /// The reply to an applied write.
    mutating func writeReply(_ id: ConnectionID, xid: Int32, _ opCode: OpCode, _ result: TxnResult, actions: inout some CoreActionSink) {
        if opCode == .multi {
            let results: [MultiResult] = (result.multi ?? []).map { sub in
                switch sub.type {
                case .create: return .create(CreateResponse(path: JuteBytes(sub.path)))
                case .create2, .createTTL, .createContainer:
                    return .create2(Create2Response(path: JuteBytes(sub.path), stat: sub.stat ?? Stat.zero))
                case .delete, .deleteContainer: return .delete
                case .setData: return .setData(SetDataResponse(stat: sub.stat ?? Stat.zero))
                case .check: return .check
                default: return .error(sub.err)
                }
            }
            // A multi that failed is still answered ok, with per-op errors.
            if result.multi == nil {
                reply(id, xid: xid, err: result.err, actions: &actions)
            } else {
                reply(id, xid: xid, err: .ok, .multi(MultiResponse(results: results)), actions: &actions)
            }
            return
        }
        guard result.err == .ok else {
            reply(id, xid: xid, err: result.err, actions: &actions)
            return
        }
        let path = JuteBytes(result.path)
        let response: ZKResponse
        switch opCode {
        case .create: response = .create(CreateResponse(path: path))
        case .create2, .createTTL, .createContainer:
            response = .create2(Create2Response(path: path, stat: result.stat ?? Stat.zero))
        case .setData, .check: response = .setData(SetDataResponse(stat: result.stat ?? Stat.zero))
        case .setACL: response = .setACL(SetACLResponse(stat: result.stat ?? Stat.zero))
        default: response = .empty
        }
        reply(id, xid: xid, err: .ok, response, actions: &actions)
    }

    mutating func deliver(_ delivery: WatchDelivery, actions: inout some CoreActionSink) {
        guard let index = connections.index(forKey: delivery.connection),
              let sessionID = connections.withValue(at: index, { $0.sessionID }) else { return }
        if let acl = delivery.acl {
            let requester = connections.withValue(at: index) { $0.requester(sessionID) }
            guard (try? access.check(acl, .read, requester)) != nil else { return }
        }
        send(delivery.connection, .notification(
            ReplyHeader(xid: SpecialXid.notification, zxid: delivery.zxid.raw, err: .ok), delivery.event), actions: &actions)
    }
}

/// A write the front end hands on: the proposer prepares it, the log takes
/// it, and `awaitWrite` tells the front end which zxid its reply waits for.
struct WriteSubmission: Sendable {
    var xid: Int32
    var request: ZKRequest
    var requester: Requester
    var origin: TxnOrigin
}
