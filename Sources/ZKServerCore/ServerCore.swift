import ZKDataTree
import ZKProtocol

/// The standalone server as a deterministic state machine.
///
/// It owns the tree, the sessions and the watches. The shell feeds it
/// connection events and decoded requests with the time, and carries out the
/// actions it returns, in order. It does no I/O and reads no clock.
public struct ServerCore: Sendable {
    public let config: CoreConfig
    public private(set) var tree: DataTree
    public private(set) var sessions: SessionTracker
    public private(set) var watches = WatchManager()
    public internal(set) var connections: [ConnectionID: ClientConnection] = [:]
    let access: AccessControl
    /// The last zxid handed out.
    public private(set) var lastZxid: Int64 = 0
    public internal(set) var stats = ServerStats()
    var reaper: ContainerReaper

    public init(config: CoreConfig, now: Now) {
        self.config = config
        tree = DataTree(extendedTypesEnabled: config.extendedTypesEnabled)
        sessions = SessionTracker(serverID: config.serverID, wallMillis: now.wallMillis)
        access = AccessControl(superDigest: config.superDigest, skipACL: config.skipACL)
        reaper = ContainerReaper(lastCheckNanos: now.monotonicNanos)
    }

    // MARK: Connections

    /// A new connection. Over `maxClientCnxns` from its address, it is closed
    /// at once, as Apache does.
    public mutating func connectionOpened(_ id: ConnectionID, address: ClientAddress, now: Now, actions: inout [CoreAction]) {
        let limit = config.maxClientConnectionsPerHost
        if limit > 0, connections.values.lazy.filter({ $0.address.bytes == address.bytes }).count >= limit {
            actions.append(.close(id, reason: "too many connections from \(address.host) - max is \(limit)"))
            return
        }
        connections[id] = ClientConnection(id: id, address: address, openedWallMillis: now.wallMillis)
    }

    /// The connection is gone (closed by either side). Its watches go; its
    /// session stays until it expires or the client resumes it elsewhere.
    public mutating func connectionClosed(_ id: ConnectionID, now: Now) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        watches.removeAll(id)
        if let sessionID = connection.sessionID, sessions[sessionID]?.connection == id {
            sessions[sessionID]?.connection = nil
        }
    }

    /// The first packet of a connection. `freshPassword` is 16 random bytes
    /// from the shell, used if a new session is made.
    public mutating func connect(_ id: ConnectionID, _ request: ConnectRequest, freshPassword: [UInt8], now: Now,
                                 actions: inout [CoreAction]) {
        guard connections[id] != nil else { return }
        stats.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        if request.lastZxidSeen > tree.lastProcessedZxid {
            actions.append(.close(id, reason: "client has seen zxid \(hex(request.lastZxidSeen)), ahead of this server's \(hex(tree.lastProcessedZxid))"))
            return
        }
        let timeout = min(max(request.timeOut, config.minSessionTimeoutMillis), config.maxSessionTimeoutMillis)
        if request.sessionId == 0 {
            let session = sessions.create(timeoutMillis: timeout, password: freshPassword, connection: id, now: now)
            let header = nextHeader(session: session.id, cxid: 0, type: .createSession, now: now)
            _ = applyTxn(header, .createSession(CreateSessionTxn(timeOut: timeout)), actions: &actions)
            attach(id, session: session.id)
            send(id, .connectResponse(ConnectResponse(
                timeOut: timeout, sessionId: session.id, passwd: JuteBytes(session.password), readOnly: false)),
                 actions: &actions)
            return
        }
        guard let session = sessions[request.sessionId], !session.closing,
              session.password == request.passwd.bytesOrEmpty else {
            send(id, .connectResponse(ConnectResponse(
                timeOut: 0, sessionId: 0, passwd: JuteBytes([UInt8](repeating: 0, count: 16)), readOnly: false)),
                 actions: &actions)
            actions.append(.close(id, reason: "session \(hex(request.sessionId)) is expired, unknown or its password is wrong"))
            return
        }
        if let old = session.connection, old != id, connections[old] != nil {
            actions.append(.close(old, reason: "session \(hex(session.id)) moved to another connection"))
            connections[old]?.sessionID = nil
            watches.removeAll(old)
        }
        sessions[session.id]?.timeoutMillis = timeout
        sessions.touch(session.id, now: now)
        attach(id, session: session.id)
        send(id, .connectResponse(ConnectResponse(
            timeOut: timeout, sessionId: session.id, passwd: JuteBytes(session.password), readOnly: false)),
             actions: &actions)
    }

    private mutating func attach(_ id: ConnectionID, session: Int64) {
        sessions[session]?.connection = id
        connections[id]?.sessionID = session
    }

    // MARK: Requests

    /// One request after the handshake, in arrival order. `body` is the decoded
    /// record, or the reason it could not be decoded.
    /// `receivedNanos` is when the shell read the request (monotonic), for
    /// the latency statistics.
    public mutating func request(_ id: ConnectionID, xid: Int32, opCode: OpCode, body: Result<ZKRequest, JuteError>,
                                 receivedNanos: UInt64? = nil, now: Now, actions: inout [CoreAction]) {
        guard let connection = connections[id], let sessionID = connection.sessionID else { return }
        if let receivedNanos, now.monotonicNanos >= receivedNanos {
            stats.recordLatency(millis: Int64((now.monotonicNanos - receivedNanos) / 1_000_000))
        }
        stats.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        connections[id]?.lastHeardWallMillis = now.wallMillis
        sessions.touch(sessionID, now: now)
        let request: ZKRequest
        switch body {
        case .success(let decoded):
            request = decoded
        case .failure(.unknownOpCode):
            reply(id, xid: xid, err: .unimplemented, actions: &actions)
            return
        case .failure:
            reply(id, xid: xid, err: .marshallingError, actions: &actions)
            return
        }
        let requester = Requester(sessionID: sessionID, authIds: connection.auth.ids, clientAddress: connection.address.bytes)
        switch request {
        case .ping:
            reply(id, xid: xid, err: .ok, actions: &actions)
        case .auth(let packet):
            authenticate(id, xid: xid, packet, actions: &actions)
        case .closeSession:
            let header = nextHeader(session: sessionID, cxid: xid, type: .closeSession, now: now)
            closeSession(sessionID, header: header, actions: &actions)
            reply(id, xid: xid, err: .ok, actions: &actions)
            actions.append(.close(id, reason: "client closed its session"))
            connections[id]?.sessionID = nil
        case .create(let r), .create2(let r), .createContainer(let r):
            write(id, xid: xid, request.opCode, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.create(request.opCode, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: -1, pending: &pending)
            }
        case .createTTL(let r):
            write(id, xid: xid, .createTTL, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.create(.createTTL, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: r.ttl, pending: &pending)
            }
        case .delete(let r):
            write(id, xid: xid, .delete, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.delete(path: r.path, version: r.version, pending: &pending)
            }
        case .deleteContainer(let r):
            write(id, xid: xid, .deleteContainer, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.deleteContainer(path: r.path, pending: &pending)
            }
        case .setData(let r):
            write(id, xid: xid, .setData, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.setData(path: r.path, data: r.data, version: r.version, pending: &pending)
            }
        case .setACL(let r):
            write(id, xid: xid, .setACL, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.setACL(path: r.path, acl: r.acl, version: r.version, pending: &pending)
            }
        case .check(let r):
            write(id, xid: xid, .check, requester, now: now, actions: &actions) { p, pending throws(ZKError) in
                try p.check(path: r.path, version: r.version, pending: &pending)
            }
        case .reconfig:
            let err: ZKError = config.reconfigEnabled ? .unimplemented : .reconfigDisabled
            write(id, xid: xid, .reconfig, requester, now: now, actions: &actions) { _, _ throws(ZKError) in throw err }
        case .multi(let multi):
            writeMulti(id, xid: xid, multi, requester, now: now, actions: &actions)
        default:
            read(id, xid: xid, request, requester, actions: &actions)
        }
    }

    // MARK: Writes

    private mutating func nextHeader(session: Int64, cxid: Int32, type: OpCode, now: Now) -> TxnHeader {
        lastZxid += 1
        return TxnHeader(clientId: session, cxid: cxid, zxid: lastZxid, time: now.wallMillis, type: type)
    }

    /// Prepares a write, commits it (or the error it raised, which still
    /// takes a zxid, as in Apache) and replies.
    private mutating func write(
        _ id: ConnectionID, xid: Int32, _ opCode: OpCode, _ requester: Requester, now: Now, actions: inout [CoreAction],
        _ prepare: (Preparer, inout PendingChanges) throws(ZKError) -> TxnBody
    ) {
        var header = nextHeader(session: requester.sessionID, cxid: xid, type: opCode, now: now)
        let preparer = makePreparer(requester, header: header)
        var pending = PendingChanges()
        let body: TxnBody
        do {
            body = try prepare(preparer, &pending)
        } catch {
            header.type = .error
            body = .error(ErrorTxn(err: error))
        }
        let result = applyTxn(header, body, actions: &actions)
        guard result.err == .ok else {
            reply(id, xid: xid, err: result.err, actions: &actions)
            return
        }
        let path = JuteBytes(result.path)
        let response: ZKResponse?
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

    private func makePreparer(_ requester: Requester, header: TxnHeader) -> Preparer {
        Preparer(tree: tree, access: access, requester: requester, zxid: header.zxid, time: header.time,
                 extendedTypesEnabled: config.extendedTypesEnabled)
    }

    /// A multi: every op is prepared against the ones before it; on the first
    /// failure the rest become runtimeInconsistency and nothing is applied.
    private mutating func writeMulti(_ id: ConnectionID, xid: Int32, _ multi: MultiRequest, _ requester: Requester,
                                     now: Now, actions: inout [CoreAction]) {
        let header = nextHeader(session: requester.sessionID, cxid: xid, type: .multi, now: now)
        let preparer = makePreparer(requester, header: header)
        var pending = PendingChanges()
        var failed = false
        var txns: [Txn] = []
        for op in multi.ops {
            if failed {
                txns.append(Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: .runtimeInconsistency)).encodedBytes)))
                continue
            }
            do throws(ZKError) {
                let body: TxnBody
                switch op {
                case .create(let opCode, let r):
                    body = try preparer.create(opCode, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: -1, pending: &pending)
                case .createTTL(let r):
                    body = try preparer.create(.createTTL, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: r.ttl, pending: &pending)
                case .delete(.deleteContainer, let r):
                    body = try preparer.deleteContainer(path: r.path, pending: &pending)
                case .delete(_, let r):
                    body = try preparer.delete(path: r.path, version: r.version, pending: &pending)
                case .setData(let r):
                    body = try preparer.setData(path: r.path, data: r.data, version: r.version, pending: &pending)
                case .check(let r):
                    body = try preparer.check(path: r.path, version: r.version, pending: &pending)
                case .getChildren, .getData:
                    // Reads belong in multiRead; Apache rejects them in a multi.
                    throw .badArguments
                }
                txns.append(Txn(type: op.opCode, data: JuteBytes(body.encodedBytes)))
            } catch {
                failed = true
                txns.append(Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: error)).encodedBytes)))
            }
        }
        let result = applyTxn(header, .multi(MultiTxn(txns: txns)), actions: &actions)
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
        reply(id, xid: xid, err: .ok, .multi(MultiResponse(results: results)), actions: &actions)
    }

    /// Applies a committed transaction and delivers the watch events it
    /// fired, before any reply that shows the change.
    private mutating func applyTxn(_ header: TxnHeader, _ body: TxnBody, actions: inout [CoreAction]) -> TxnResult {
        var triggers: [WatchTrigger] = []
        let result = tree.apply(header, body, triggers: &triggers)
        for trigger in triggers {
            for delivery in watches.trigger(trigger) {
                deliver(delivery, actions: &actions)
            }
        }
        return result
    }

    private mutating func deliver(_ delivery: WatchDelivery, actions: inout [CoreAction]) {
        guard let connection = connections[delivery.connection], let sessionID = connection.sessionID else { return }
        if let acl = delivery.acl {
            let requester = Requester(sessionID: sessionID, authIds: connection.auth.ids, clientAddress: connection.address.bytes)
            guard (try? access.check(acl, .read, requester)) != nil else { return }
        }
        send(delivery.connection, .notification(
            ReplyHeader(xid: SpecialXid.notification, zxid: delivery.zxid, err: .ok), delivery.event), actions: &actions)
    }

    /// Ends a session: deletes its ephemerals (firing their watches) and forgets it.
    private mutating func closeSession(_ sessionID: Int64, header: TxnHeader, actions: inout [CoreAction]) {
        sessions[sessionID]?.closing = true
        let paths = tree.ephemerals(of: sessionID).map { JuteBytes($0) }
        _ = applyTxn(header, .closeSession(CloseSessionTxn(paths2Delete: paths)), actions: &actions)
        sessions.remove(sessionID)
    }

    // MARK: Reads

    private mutating func read(_ id: ConnectionID, xid: Int32, _ request: ZKRequest, _ requester: Requester,
                               actions: inout [CoreAction]) {
        do {
            let response = try answer(id, request, requester)
            reply(id, xid: xid, err: .ok, response, actions: &actions)
        } catch {
            reply(id, xid: xid, err: error, actions: &actions)
        }
        if case .setWatches(let r) = request {
            setWatches(id, relativeZxid: r.relativeZxid, data: r.dataWatches, exist: r.existWatches,
                       child: r.childWatches, persistent: nil, recursive: nil, actions: &actions)
        } else if case .setWatches2(let r) = request {
            setWatches(id, relativeZxid: r.relativeZxid, data: r.dataWatches, exist: r.existWatches,
                       child: r.childWatches, persistent: r.persistentWatches,
                       recursive: r.persistentRecursiveWatches, actions: &actions)
        }
    }

    /// The reply body of a read-only request, or its error.
    private mutating func answer(_ id: ConnectionID, _ request: ZKRequest, _ requester: Requester) throws(ZKError) -> ZKResponse {
        switch request {
        case .exists(let r):
            let path = r.path.bytesOrEmpty
            if path.contains(0) { throw .badArguments }
            if let node = tree.node(path) { try access.check(node.acl, .read, requester) }
            if r.watch { watches.addDataWatch(path, id) }
            guard let node = tree.node(path) else { throw .noNode }
            return .exists(ExistsResponse(stat: node.clientStat))
        case .getData(let r):
            return .getData(try getData(id, r, requester))
        case .getChildren(let r):
            return .getChildren(GetChildrenResponse(children: try getChildren(id, r.path, watch: r.watch, requester).children))
        case .getChildren2(let r):
            let (children, stat) = try getChildren(id, r.path, watch: r.watch, requester)
            return .getChildren2(GetChildren2Response(children: children, stat: stat))
        case .getACL(let r):
            guard let node = tree.node(r.path.bytesOrEmpty) else { throw .noNode }
            try access.check(node.acl, [.read, .admin], requester)
            let mayAdmin = (try? access.check(node.acl, .admin, requester)) != nil
            let acl = mayAdmin ? node.acl : AccessControl.redactDigests(node.acl)
            return .getACL(GetACLResponse(acl: acl, stat: node.clientStat))
        case .getAllChildrenNumber(let r):
            let path = r.path.bytesOrEmpty
            guard let node = tree.node(path) else { throw .noNode }
            try access.check(node.acl, .read, requester)
            return .getAllChildrenNumber(GetAllChildrenNumberResponse(totalNumber: Int32(clamping: tree.descendantCount(of: path))))
        case .getEphemerals(let r):
            let prefix = r.prefixPath.bytesOrEmpty
            let all = tree.ephemerals(of: requester.sessionID)
            let trimmed = String(decoding: prefix, as: UTF8.self).trimmingWhitespace
            let matching = (trimmed.isEmpty || trimmed == "/") ? all : all.filter { $0.starts(with: prefix) }
            return .getEphemerals(GetEphemeralsResponse(ephemerals: matching.map { JuteBytes($0) }))
        case .sync(let r):
            return .sync(SyncResponse(path: r.path))
        case .multiRead(let multi):
            var results: [MultiResult] = []
            for op in multi.ops {
                do throws(ZKError) {
                    switch op {
                    case .getChildren(let r):
                        results.append(.getChildren(GetChildrenResponse(children: try getChildren(id, r.path, watch: r.watch, requester).children)))
                    case .getData(let r):
                        let response = try getData(id, r, requester)
                        results.append(.getData(response))
                    default:
                        throw .badArguments
                    }
                } catch {
                    results.append(.error(error))
                }
            }
            return .multi(MultiResponse(results: results))
        case .addWatch(let r):
            let mode = AddWatchMode(code: r.mode)
            if case .unrecognized = mode { throw .badArguments }
            watches.addPersistent(r.path.bytesOrEmpty, id, recursive: mode == .persistentRecursive)
            return .addWatch(ErrorResponse(err: .ok))
        case .checkWatches(let r):
            guard watches.contains(r.path.bytesOrEmpty, WatcherType(code: r.type), id) else { throw .noWatcher }
            return .empty
        case .removeWatches(let r):
            guard watches.remove(r.path.bytesOrEmpty, WatcherType(code: r.type), id) else { throw .noWatcher }
            return .empty
        case .whoAmI:
            return .whoAmI(WhoAmIResponse(clientInfo: access.clientInfo(requester.authIds)))
        case .setWatches, .setWatches2:
            return .empty
        case .sasl:
            throw .unimplemented
        default:
            throw .unimplemented
        }
    }

    private mutating func getData(_ id: ConnectionID, _ r: GetDataRequest, _ requester: Requester) throws(ZKError) -> GetDataResponse {
        let path = r.path.bytesOrEmpty
        guard let node = tree.node(path) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        if r.watch { watches.addDataWatch(path, id) }
        return GetDataResponse(data: node.data, stat: node.clientStat)
    }

    private mutating func getChildren(_ id: ConnectionID, _ rawPath: JuteBytes, watch: Bool, _ requester: Requester)
        throws(ZKError) -> (children: [JuteBytes], stat: Stat) {
        let path = rawPath.bytesOrEmpty
        guard let node = tree.node(path) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        if watch { watches.addChildWatch(path, id) }
        let children = (tree.children(of: path) ?? []).map { JuteBytes($0) }
        return (children, node.clientStat)
    }

    /// Re-registers a reconnecting client's watches, firing at once those
    /// whose node changed after `relativeZxid`.
    private mutating func setWatches(_ id: ConnectionID, relativeZxid: Int64, data: [JuteBytes]?, exist: [JuteBytes]?,
                                     child: [JuteBytes]?, persistent: [JuteBytes]?, recursive: [JuteBytes]?,
                                     actions: inout [CoreAction]) {
        func fire(_ path: [UInt8], _ type: EventType, actions: inout [CoreAction]) {
            let event = WatcherEvent(type: type, state: .syncConnected, path: JuteBytes(path))
            deliver(WatchDelivery(connection: id, event: event, zxid: -1, acl: nil), actions: &actions)
        }
        for path in (data ?? []).map(\.bytesOrEmpty) {
            if let node = tree.node(path) {
                if node.stat.mzxid > relativeZxid { fire(path, .nodeDataChanged, actions: &actions) }
                else { watches.addDataWatch(path, id) }
            } else {
                fire(path, .nodeDeleted, actions: &actions)
            }
        }
        for path in (exist ?? []).map(\.bytesOrEmpty) {
            if tree.node(path) != nil { fire(path, .nodeCreated, actions: &actions) }
            else { watches.addDataWatch(path, id) }
        }
        for path in (child ?? []).map(\.bytesOrEmpty) {
            if let node = tree.node(path) {
                if node.stat.pzxid > relativeZxid { fire(path, .nodeChildrenChanged, actions: &actions) }
                else { watches.addChildWatch(path, id) }
            } else {
                fire(path, .nodeDeleted, actions: &actions)
            }
        }
        for path in (persistent ?? []).map(\.bytesOrEmpty) { watches.addPersistent(path, id, recursive: false) }
        for path in (recursive ?? []).map(\.bytesOrEmpty) { watches.addPersistent(path, id, recursive: true) }
    }

    // MARK: Authentication

    private mutating func authenticate(_ id: ConnectionID, xid: Int32, _ packet: AuthPacket, actions: inout [CoreAction]) {
        guard let outcome = connections[id]?.auth.processAuth(packet, providers: access.providers) else { return }
        send(id, .reply(ReplyHeader(xid: xid, zxid: 0, err: outcome.error), nil), actions: &actions)
        if outcome.closesConnection {
            actions.append(.close(id, reason: "authentication failed for scheme \(packet.scheme)"))
        }
    }

    // MARK: Time

    /// Expires silent sessions and reaps empty containers and expired TTL
    /// nodes. Call it often (every few tens of milliseconds).
    public mutating func tick(now: Now, actions: inout [CoreAction]) {
        for sessionID in sessions.expired(at: now) {
            let connection = sessions[sessionID]?.connection
            let header = nextHeader(session: sessionID, cxid: 0, type: .closeSession, now: now)
            closeSession(sessionID, header: header, actions: &actions)
            if let connection {
                connections[connection]?.sessionID = nil
                actions.append(.close(connection, reason: "session \(hex(sessionID)) expired"))
            }
        }
        for path in reaper.due(tree: tree, config: config, now: now) {
            let requester = Requester(sessionID: 0, authIds: [], clientAddress: [])
            var header = nextHeader(session: 0, cxid: 0, type: .deleteContainer, now: now)
            var pending = PendingChanges()
            let body: TxnBody
            do {
                body = try makePreparer(requester, header: header).deleteContainer(path: JuteBytes(path), pending: &pending)
            } catch {
                header.type = .error
                body = .error(ErrorTxn(err: error))
            }
            _ = applyTxn(header, body, actions: &actions)
        }
    }

    // MARK: Replies

    private mutating func reply(_ id: ConnectionID, xid: Int32, err: ZKError, _ body: ZKResponse? = nil,
                                actions: inout [CoreAction]) {
        let header = ReplyHeader(xid: xid, zxid: tree.lastProcessedZxid, err: err)
        send(id, .reply(header, err == .ok ? body : nil), actions: &actions)
    }

    private mutating func send(_ id: ConnectionID, _ outbound: Outbound, actions: inout [CoreAction]) {
        stats.packetsSent += 1
        connections[id]?.packetsSent += 1
        actions.append(.send(id, outbound))
    }
}

extension Stat {
    static let zero = Stat(czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0,
                           ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 0)
}

extension String {
    /// The string without leading and trailing spaces and control characters,
    /// as Java's `String.trim`.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }),
              let last = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(scalars[first...last])
    }
}

/// `0x` and the value in hex, as Java's Long.toHexString prints it (unsigned).
public func hex(_ value: Int64) -> String {
    "0x" + String(UInt64(bitPattern: value), radix: 16)
}
