import ZKDataTree
import ZKProtocol

// Read-only requests, answered from the applied tree, and authentication.
extension ServerCore {
    // MARK: Reads

    mutating func read(_ id: ConnectionID, xid: Int32, _ request: ZKRequest, _ requester: Requester,
                               actions: inout [CoreAction]) {
        // setWatches fires its catch-up events before its reply, as Apache does.
        if case .setWatches(let r) = request {
            setWatches(id, relativeZxid: r.relativeZxid, data: r.dataWatches, exist: r.existWatches,
                       child: r.childWatches, persistent: nil, recursive: nil, actions: &actions)
        } else if case .setWatches2(let r) = request {
            setWatches(id, relativeZxid: r.relativeZxid, data: r.dataWatches, exist: r.existWatches,
                       child: r.childWatches, persistent: r.persistentWatches,
                       recursive: r.persistentRecursiveWatches, actions: &actions)
        }
        do {
            let response = try answer(id, request, requester)
            reply(id, xid: xid, err: .ok, response, actions: &actions)
        } catch {
            reply(id, xid: xid, err: error, actions: &actions)
        }
    }

    /// The reply body of a read-only request, or its error.
    private mutating func answer(_ id: ConnectionID, _ request: ZKRequest, _ requester: Requester) throws(ZKError) -> ZKResponse {
        switch request {
        case .exists(let r):
            // Apache checks no ACL for exists: a node's Stat is anyone's.
            let path = try readPath(r.path)
            if path.contains(0) { throw .badArguments }
            if r.watch { watches.addDataWatch(path, id) }
            guard let node = readNode(path) else { throw .noNode }
            return .exists(ExistsResponse(stat: node.clientStat))
        case .getData(let r):
            return .getData(try getData(id, r, requester))
        case .getChildren(let r):
            return .getChildren(GetChildrenResponse(children: try getChildren(id, r.path, watch: r.watch, requester).children))
        case .getChildren2(let r):
            let (children, stat) = try getChildren(id, r.path, watch: r.watch, requester)
            return .getChildren2(GetChildren2Response(children: children, stat: stat))
        case .getACL(let r):
            guard let node = readNode(try readPath(r.path)) else { throw .noNode }
            try access.check(node.acl, [.read, .admin], requester)
            let mayAdmin = (try? access.check(node.acl, .admin, requester)) != nil
            let acl = mayAdmin ? node.acl : AccessControl.redactDigests(node.acl)
            return .getACL(GetACLResponse(acl: acl, stat: node.clientStat))
        case .getAllChildrenNumber(let r):
            let path = try readPath(r.path)
            guard let node = readNode(path) else { throw .noNode }
            try access.check(node.acl, .read, requester)
            // Apache counts the paths under `path + "/"`: for "" that is
            // every node but its "" alias, the root included.
            let count = path.isEmpty ? tree.descendantCount(of: ZNodePath.root) + 1 : tree.descendantCount(of: path)
            return .getAllChildrenNumber(GetAllChildrenNumberResponse(totalNumber: Int32(clamping: count)))
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
        let path = try readPath(r.path)
        guard let node = readNode(path) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        if r.watch { watches.addDataWatch(path, id) }
        return GetDataResponse(data: node.data, stat: node.clientStat)
    }

    private mutating func getChildren(_ id: ConnectionID, _ rawPath: JuteBytes, watch: Bool, _ requester: Requester)
        throws(ZKError) -> (children: [JuteBytes], stat: Stat) {
        let path = try readPath(rawPath)
        guard let node = readNode(path) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        if watch { watches.addChildWatch(path, id) }
        let children = (tree.children(of: path.isEmpty ? ZNodePath.root : path) ?? []).map { JuteBytes($0) }
        return (children, node.clientStat)
    }

    /// A read's node. Apache's DataTree keeps the root under "" as well as
    /// "/", so reads of "" answer for the root (watches stay on "", where
    /// no event ever fires, as in Apache).
    private func readNode(_ path: [UInt8]) -> DataNode? {
        tree.node(path.isEmpty ? ZNodePath.root : path)
    }

    /// A read's path. A null path (Jute length -1) fails as Apache's
    /// FinalRequestProcessor fails on it: with a marshalling error.
    private func readPath(_ path: JuteBytes) throws(ZKError) -> [UInt8] {
        guard let bytes = path.bytes else { throw .marshallingError }
        return bytes
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
            if let node = readNode(path) {
                if node.stat.mzxid > relativeZxid { fire(path, .nodeDataChanged, actions: &actions) }
                else { watches.addDataWatch(path, id) }
            } else {
                fire(path, .nodeDeleted, actions: &actions)
            }
        }
        for path in (exist ?? []).map(\.bytesOrEmpty) {
            if readNode(path) != nil { fire(path, .nodeCreated, actions: &actions) }
            else { watches.addDataWatch(path, id) }
        }
        for path in (child ?? []).map(\.bytesOrEmpty) {
            if let node = readNode(path) {
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

    mutating func authenticate(_ id: ConnectionID, xid: Int32, _ packet: AuthPacket, actions: inout [CoreAction]) {
        guard let outcome = connections[id]?.auth.processAuth(packet, providers: access.providers) else { return }
        send(id, .reply(ReplyHeader(xid: xid, zxid: 0, err: outcome.error), nil), actions: &actions)
        if outcome.closesConnection {
            actions.append(.close(id, reason: "authentication failed for scheme \(packet.scheme)"))
        }
    }

    // MARK: Replies

    mutating func reply(_ id: ConnectionID, xid: Int32, err: ZKError, _ body: ZKResponse? = nil,
                                actions: inout [CoreAction]) {
        let header = ReplyHeader(xid: xid, zxid: tree.lastProcessedZxid, err: err)
        stats.packetsSent += 1
        if let index = connections.index(forKey: id) {
            connections.values[index].lastZxid = tree.lastProcessedZxid
            connections.values[index].lastResponseWallMillis = clockNow.wallMillis
            connections.values[index].packetsSent += 1
        }
        actions.append(.send(id, .reply(header, err == .ok ? body : nil)))
    }

    mutating func send(_ id: ConnectionID, _ outbound: Outbound, actions: inout [CoreAction]) {
        stats.packetsSent += 1
        if let index = connections.index(forKey: id) { connections.values[index].packetsSent += 1 }
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
