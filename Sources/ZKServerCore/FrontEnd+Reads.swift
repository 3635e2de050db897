import ZKDataTree
import ZKProtocol

// Read-only requests, answered from the applied tree, and authentication.
extension FrontEnd {
    // MARK: Reads

    mutating func read(_ id: ConnectionID, xid: Int32, _ request: ZKRequest, _ requester: Requester, tree: DataTree,
                       actions: inout some CoreActionSink) {
        // setWatches fires its catch-up events before its reply, as Apache does.
        var allWatchesSet = true
        if case .setWatches(let r) = request {
            allWatchesSet = setWatches(id, requester, tree: tree, relativeZxid: r.relativeZxid, data: r.dataWatches, exist: r.existWatches,
                                       child: r.childWatches, persistent: nil, recursive: nil, actions: &actions)
        } else if case .setWatches2(let r) = request {
            allWatchesSet = setWatches(id, requester, tree: tree, relativeZxid: r.relativeZxid, data: r.dataWatches, exist: r.existWatches,
                                       child: r.childWatches, persistent: r.persistentWatches,
                                       recursive: r.persistentRecursiveWatches, actions: &actions)
        }
        // The watches past the session's limit were not set; the client
        // hears it (the Java client ignores setWatches' error).
        guard allWatchesSet else {
            reply(id, xid: xid, err: .quotaExceeded, actions: &actions)
            return
        }
        do {
            let response = try answer(id, request, requester, tree: tree, actions: &actions)
            reply(id, xid: xid, err: .ok, response, actions: &actions)
        } catch {
            reply(id, xid: xid, err: error, actions: &actions)
        }
    }

    /// The reply body of a read-only request, or its error.
    private mutating func answer(_ id: ConnectionID, _ request: ZKRequest, _ requester: Requester, tree: DataTree,
                                 actions: inout some CoreActionSink) throws(ZKError) -> ZKResponse {
        switch request {
        case .exists(let r):
            // Apache checks no ACL for exists: a node's Stat is anyone's.
            let path = try readPath(r.path)
            if path.contains(0) { throw .badArguments }
            if r.watch {
                try admitWatches(id, path, data: true, child: false, requester, actions: &actions)
                watches.addDataWatch(path, id)
            }
            guard let node = readNode(path, tree) else { throw .noNode }
            return .exists(ExistsResponse(stat: node.clientStat))
        case .getData(let r):
            return .getData(try getData(id, r, requester, tree: tree, actions: &actions))
        case .getChildren(let r):
            return .getChildren(GetChildrenResponse(
                children: try getChildren(id, r.path, watch: r.watch, requester, tree: tree, actions: &actions).children))
        case .getChildren2(let r):
            let (children, stat) = try getChildren(id, r.path, watch: r.watch, requester, tree: tree, actions: &actions)
            return .getChildren2(GetChildren2Response(children: children, stat: stat))
        case .getACL(let r):
            guard let node = readNode(try readPath(r.path), tree) else { throw .noNode }
            try access.check(node.acl, [.read, .admin], requester)
            let mayAdmin = (try? access.check(node.acl, .admin, requester)) != nil
            let acl = mayAdmin ? node.acl : AccessControl.redactDigests(node.acl)
            return .getACL(GetACLResponse(acl: acl, stat: node.clientStat))
        case .getAllChildrenNumber(let r):
            let path = try readPath(r.path)
            guard let node = readNode(path, tree) else { throw .noNode }
            try access.check(node.acl, .read, requester)
            // Apache counts the paths under `path + "/"`: for "" that is
            // every node but its "" alias, the root included.
            let count = path.isEmpty ? tree.descendantCount(of: ZNodePath.root) + 1 : tree.descendantCount(of: path)
            return .getAllChildrenNumber(GetAllChildrenNumberResponse(totalNumber: Int32(clamping: count)))
        case .getEphemerals(let r):
            let prefix = r.prefixPath.bytesOrEmpty
            let all = tree.ephemerals(of: requester.sessionID.raw)
            let trimmed = String(decoding: prefix, as: UTF8.self).trimmingWhitespace
            let matching = (trimmed.isEmpty || trimmed == "/") ? all : all.filter { $0.starts(with: prefix) }
            return .getEphemerals(GetEphemeralsResponse(ephemerals: matching.map { JuteBytes($0) }))
        case .sync(let r):
            return .sync(SyncResponse(path: r.path))
        case .multiRead(let multi):
            var results: [MultiResult] = []
            for op in multi.ops {
                // A null path is Apache's NullPointerException, which fails
                // the whole multiRead (after the ops before it have run).
                switch op {
                case .getChildren(let r) where r.path.isNull: throw .marshallingError
                case .getData(let r) where r.path.isNull: throw .marshallingError
                default: break
                }
                do throws(ZKError) {
                    switch op {
                    case .getChildren(let r):
                        let children = try getChildren(id, r.path, watch: r.watch, requester, tree: tree, actions: &actions).children
                        results.append(.getChildren(GetChildrenResponse(children: children)))
                    case .getData(let r):
                        let response = try getData(id, r, requester, tree: tree, actions: &actions)
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
            let recursive = mode == .persistentRecursive
            try admitWatches(id, r.path.bytesOrEmpty, data: true, child: !recursive, requester, actions: &actions)
            watches.addPersistent(r.path.bytesOrEmpty, id, recursive: recursive)
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

    private mutating func getData(_ id: ConnectionID, _ r: GetDataRequest, _ requester: Requester, tree: DataTree,
                                  actions: inout some CoreActionSink) throws(ZKError) -> GetDataResponse {
        let path = try readPath(r.path)
        guard let node = readNode(path, tree) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        if r.watch {
            try admitWatches(id, path, data: true, child: false, requester, actions: &actions)
            watches.addDataWatch(path, id)
        }
        return GetDataResponse(data: node.data, stat: node.clientStat)
    }

    private mutating func getChildren(_ id: ConnectionID, _ rawPath: JuteBytes, watch: Bool, _ requester: Requester,
                                      tree: DataTree, actions: inout some CoreActionSink) throws(ZKError) -> (children: [JuteBytes], stat: Stat) {
        let path = try readPath(rawPath)
        guard let node = readNode(path, tree) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        if watch {
            try admitWatches(id, path, data: false, child: true, requester, actions: &actions)
            watches.addChildWatch(path, id)
        }
        let stat = node.clientStat
        let listed = path.isEmpty ? ZNodePath.root : path
        if let kept = childListings.lookup(listed, stat) { return (kept, stat) }
        let children = (tree.children(of: listed) ?? []).map { JuteBytes($0) }
        childListings.store(listed, stat, children)
        return (children, stat)
    }

    /// Refuses a watch that would take the session past
    /// `limits.watchesPerSession` (0: no limit), with a warning naming both.
    private func admitWatches(_ id: ConnectionID, _ path: [UInt8], data: Bool, child: Bool, _ requester: Requester,
                              actions: inout some CoreActionSink) throws(ZKError) {
        let limit = config.limits.watchesPerSession
        guard limit > 0 else { return }
        let added = watches.addedCount(path, id, data: data, child: child)
        let held = watches.watchCount(of: id)
        guard added > 0, held + added > limit else { return }
        actions.append(.warn("session \(requester.sessionID) holds \(held) watches, at its limit swiftzk.maxWatchesPerSession=\(limit): refused a watch on \(String(decoding: path, as: UTF8.self)) with QUOTAEXCEEDED"))
        throw .quotaExceeded
    }

    /// A read's node. Apache's DataTree keeps the root under "" as well as
    /// "/", so reads of "" answer for the root (watches stay on "", where
    /// no event ever fires, as in Apache).
    private func readNode(_ path: [UInt8], _ tree: DataTree) -> DataNode? {
        tree.node(path.isEmpty ? ZNodePath.root : path)
    }

    /// A read's path. A null path (Jute length -1) fails as Apache's
    /// FinalRequestProcessor fails on it: with a marshalling error.
    private func readPath(_ path: JuteBytes) throws(ZKError) -> [UInt8] {
        guard let bytes = path.bytes else { throw .marshallingError }
        return bytes
    }

    /// Re-registers a reconnecting client's watches, firing at once those
    /// whose node changed after `relativeZxid`. False when some were not set
    /// because the session reached its watch limit.
    private mutating func setWatches(_ id: ConnectionID, _ requester: Requester, tree: DataTree, relativeZxid: Int64, data: [JuteBytes]?,
                                     exist: [JuteBytes]?, child: [JuteBytes]?, persistent: [JuteBytes]?,
                                     recursive: [JuteBytes]?, actions: inout some CoreActionSink) -> Bool {
        var refused = false
        func admitted(_ path: [UInt8], data: Bool, child: Bool, actions: inout some CoreActionSink) -> Bool {
            // One warning per setWatches, not one per path.
            if refused && config.limits.watchesPerSession > 0
                && watches.addedCount(path, id, data: data, child: child) > 0 { return false }
            do throws(ZKError) {
                try admitWatches(id, path, data: data, child: child, requester, actions: &actions)
                return true
            } catch {
                refused = true
                return false
            }
        }
        func fire(_ path: [UInt8], _ type: EventType, actions: inout some CoreActionSink) {
            let event = WatcherEvent(type: type, state: .syncConnected, path: JuteBytes(path))
            deliver(WatchDelivery(connection: id, event: event, zxid: -1, acl: nil), actions: &actions)
        }
        for path in (data ?? []).map(\.bytesOrEmpty) {
            if let node = readNode(path, tree) {
                if node.stat.mzxid > relativeZxid { fire(path, .nodeDataChanged, actions: &actions) }
                else if admitted(path, data: true, child: false, actions: &actions) { watches.addDataWatch(path, id) }
            } else {
                fire(path, .nodeDeleted, actions: &actions)
            }
        }
        for path in (exist ?? []).map(\.bytesOrEmpty) {
            if readNode(path, tree) != nil { fire(path, .nodeCreated, actions: &actions) }
            else if admitted(path, data: true, child: false, actions: &actions) { watches.addDataWatch(path, id) }
        }
        for path in (child ?? []).map(\.bytesOrEmpty) {
            if let node = readNode(path, tree) {
                if node.stat.pzxid > relativeZxid { fire(path, .nodeChildrenChanged, actions: &actions) }
                else if admitted(path, data: false, child: true, actions: &actions) { watches.addChildWatch(path, id) }
            } else {
                fire(path, .nodeDeleted, actions: &actions)
            }
        }
        for path in (persistent ?? []).map(\.bytesOrEmpty) where admitted(path, data: true, child: true, actions: &actions) {
            watches.addPersistent(path, id, recursive: false)
        }
        for path in (recursive ?? []).map(\.bytesOrEmpty) where admitted(path, data: true, child: false, actions: &actions) {
            watches.addPersistent(path, id, recursive: true)
        }
        return !refused
    }

    // MARK: Authentication

    mutating func authenticate(_ id: ConnectionID, xid: Int32, _ packet: AuthPacket, actions: inout some CoreActionSink) {
        guard let outcome = connections[id]?.auth.processAuth(packet, providers: access.providers) else { return }
        send(id, .reply(ReplyHeader(xid: xid, zxid: 0, err: outcome.error), nil), actions: &actions)
        if outcome.closesConnection {
            actions.append(.close(id, reason: "authentication failed for scheme \(packet.scheme)"))
        }
    }

    // MARK: Replies

    mutating func reply(_ id: ConnectionID, xid: Int32, err: ZKError, _ body: ZKResponse? = nil,
                                actions: inout some CoreActionSink) {
        let header = ReplyHeader(xid: xid, zxid: lastProcessedZxid.raw, err: err)
        stats.packetsSent += 1
        if let index = connections.index(forKey: id) {
            connections.values[index].lastZxid = lastProcessedZxid
            connections.values[index].lastResponseWallMillis = clockNow.wallMillis
            connections.values[index].packetsSent += 1
        }
        actions.append(.send(id, .reply(header, err == .ok ? body : nil)))
    }

    mutating func send(_ id: ConnectionID, _ outbound: Outbound, actions: inout some CoreActionSink) {
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
