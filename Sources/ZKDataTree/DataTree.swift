import ZKProtocol

/// The znode tree: a flat map from path to node, plus the indexes the server
/// needs (ephemerals by session, containers, TTL nodes).
///
/// The tree changes only by `apply`, one committed transaction at a time, in
/// zxid order, as in Apache ZooKeeper; replaying the same transactions gives
/// the same tree. Validation happens before, in the request pipeline.
public struct DataTree: Sendable {
    /// The znodes by path (see `Nodes`).
    public internal(set) var nodes = Nodes()
    /// Ephemeral node paths by owning session.
    public internal(set) var ephemerals: [Int64: Set<[UInt8]>] = [:]
    public internal(set) var containers: Set<[UInt8]> = []
    public internal(set) var ttls: Set<[UInt8]> = []
    /// Paths with a quota (a zookeeper_limits node under /zookeeper/quota).
    public internal(set) var quotaPaths: Set<[UInt8]> = []
    /// The zxid of the last transaction applied.
    public internal(set) var lastProcessedZxid: Int64 = 0
    /// The distinct ACL lists of nodes created or changed here, so nodes
    /// with equal ACLs share one array instead of a decoded copy each (as
    /// Apache's ReferenceCountedACLCache keeps one list per distinct ACL).
    /// A snapshot's nodes share their lists by its ACL cache already.
    private var aclLists: Set<[ACL]> = []
    /// Past this many distinct lists new ones are not interned (a bound on
    /// the set; unused lists are not tracked and never dropped).
    static let maxInternedACLLists = 10_000
    /// Whether TTL owners are recognised (`extendedTypesEnabled`).
    public let extendedTypesEnabled: Bool

    /// A tree with the nodes every ZooKeeper server has: `/`, `/zookeeper`,
    /// `/zookeeper/quota` and `/zookeeper/config`.
    public init(extendedTypesEnabled: Bool = false) {
        self.extendedTypesEnabled = extendedTypesEnabled
        nodes[ZNodePath.root] = DataNode(data: JuteBytes([]), acl: ACL.openACLUnsafe, stat: .zero, childPaths: [ZNodeKey(ZNodePath.zookeeper)])
        nodes[ZNodePath.zookeeper] = DataNode(
            data: JuteBytes([]), acl: ACL.openACLUnsafe, stat: .zero, childPaths: [ZNodeKey(ZNodePath.quota), ZNodeKey(ZNodePath.config)])
        nodes[ZNodePath.quota] = DataNode(data: JuteBytes([]), acl: ACL.openACLUnsafe, stat: .zero)
        // Apache marks /zookeeper/config with aversion -1.
        var configStat = StatPersisted.zero
        configStat.aversion = -1
        nodes[ZNodePath.config] = DataNode(data: JuteBytes([]), acl: ACL.readACLUnsafe, stat: configStat)
    }

    // MARK: Reading

    public func node(_ path: [UInt8]) -> DataNode? { nodes[path] }

    /// The number of znodes, the four server nodes included.
    public var nodeCount: Int { nodes.count }

    public func ephemeralOwnerType(_ owner: Int64) -> EphemeralType {
        EphemeralType(owner: owner, extendedTypesEnabled: extendedTypesEnabled)
    }

    /// Child names of `path`, sorted by bytes so replies are deterministic.
    public func children(of path: [UInt8]) -> [[UInt8]]? {
        // Siblings share the parent's prefix, so paths sort as their names do.
        nodes[path].map { $0.childPaths.map(\.bytes).sorted(by: ZNodeKey.precedes).map { ZNodePath.name(of: $0) } }
    }

    /// The number of nodes below `path`, at any depth.
    public func descendantCount(of path: [UInt8]) -> Int {
        guard let node = nodes[path] else { return 0 }
        var count = 0
        var stack = node.childPaths.map(\.bytes)
        while let next = stack.popLast() {
            count += 1
            if let child = nodes[next] {
                stack.append(contentsOf: child.childPaths.lazy.map(\.bytes))
            }
        }
        return count
    }

    /// The ephemeral paths a session owns, sorted.
    public func ephemerals(of session: Int64) -> [[UInt8]] {
        (ephemerals[session] ?? []).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Bytes of all paths and data: what Apache reports as the approximate data size.
    public var pathAndDataBytes: Int {
        nodes.reduce(0) { $0 + $1.key.count + $1.value.data.count }
    }

    /// `acl`, or the equal list already held.
    private mutating func interned(_ acl: [ACL]) -> [ACL] {
        if let index = aclLists.firstIndex(of: acl) { return aclLists[index] }
        if aclLists.count < Self.maxInternedACLLists { aclLists.insert(acl) }
        return acl
    }

    /// Sets a node's ACL without touching its Stat. For recovery only: a
    /// fuzzy snapshot written by Apache can name an ACL list it does not
    /// hold (the list was added after the ACL map was written); the node's
    /// create, replayed from the log, carries the list. Returns false when
    /// there is no such node.
    @discardableResult
    public mutating func restoreACL(at path: [UInt8], _ acl: [ACL]) -> Bool {
        guard var node = nodes[path] else { return false }
        node.acl = interned(acl)
        nodes[path] = node
        return true
    }

    // MARK: Applying transactions

    /// Applies a committed transaction and returns what it did. Watch
    /// triggers are appended to `triggers` in the order Apache fires them.
    public mutating func apply(_ header: TxnHeader, _ body: TxnBody, triggers: inout [WatchTrigger]) -> TxnResult {
        let result = applyOne(header, body, triggers: &triggers)
        if header.zxid > lastProcessedZxid { lastProcessedZxid = header.zxid }
        return result
    }

    private mutating func applyOne(_ header: TxnHeader, _ body: TxnBody, triggers: inout [WatchTrigger]) -> TxnResult {
        let zxid = header.zxid
        var result = TxnResult(type: header.type)
        switch body {
        case .create(let txn):
            let owner = txn.ephemeral ? header.clientId : 0
            result = create(txn.path.bytesOrEmpty, txn.data, txn.acl ?? [], owner: owner,
                            parentCVersion: txn.parentCVersion, zxid: zxid, time: header.time, type: header.type, triggers: &triggers)
        case .createV0(let txn):
            let owner = txn.ephemeral ? header.clientId : 0
            result = create(txn.path.bytesOrEmpty, txn.data, txn.acl ?? [], owner: owner,
                            parentCVersion: -1, zxid: zxid, time: header.time, type: header.type, triggers: &triggers)
        case .createContainer(let txn):
            result = create(txn.path.bytesOrEmpty, txn.data, txn.acl ?? [], owner: EphemeralType.containerOwner,
                            parentCVersion: txn.parentCVersion, zxid: zxid, time: header.time, type: header.type, triggers: &triggers)
        case .createTTL(let txn):
            let owner = EphemeralType.ttlOwner(txn.ttl) ?? 0
            result = create(txn.path.bytesOrEmpty, txn.data, txn.acl ?? [], owner: owner,
                            parentCVersion: txn.parentCVersion, zxid: zxid, time: header.time, type: header.type, triggers: &triggers)
        case .delete(let txn):
            let path = txn.path.bytesOrEmpty
            result.path = path
            if !delete(path, zxid: zxid, triggers: &triggers) { result.err = .noNode }
        case .setData(let txn), .reconfig(let txn):
            let path = txn.path.bytesOrEmpty
            result.path = path
            if nodes[path] == nil {
                result.err = .noNode
            } else {
                let oldBytes = Int64(nodes[path]?.data.count ?? 0)
                nodes[path]?.data = txn.data
                adjustQuota(for: path, bytes: Int64(txn.data.count) - oldBytes, count: 0)
                nodes[path]?.stat.version = txn.version
                nodes[path]?.stat.mtime = header.time
                nodes[path]?.stat.mzxid = zxid
                if let node = nodes[path] {
                    result.stat = node.clientStat
                    triggers.append(WatchTrigger(path: path, type: .nodeDataChanged, acl: node.acl, zxid: zxid, data: true, child: false))
                }
            }
        case .setACL(let txn):
            let path = txn.path.bytesOrEmpty
            result.path = path
            if nodes[path] == nil {
                result.err = .noNode
            } else {
                let acl = interned(txn.acl ?? [])
                nodes[path]?.acl = acl
                nodes[path]?.stat.aversion = txn.version
                result.stat = nodes[path]?.clientStat
            }
        case .check(let txn):
            result.path = txn.path.bytesOrEmpty
            result.stat = nodes[txn.path.bytesOrEmpty]?.clientStat
        case .error(let txn):
            result.err = txn.err
        case .closeSession(let txn):
            let listed = txn?.paths2Delete?.map(\.bytesOrEmpty)
            let paths = listed ?? ephemerals(of: header.clientId)
            for path in paths.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                _ = delete(path, zxid: zxid, triggers: &triggers)
            }
            ephemerals[header.clientId] = nil
        case .multi(let txn):
            result.multi = applyMulti(header, txn.txns ?? [], triggers: &triggers)
            result.err = result.multi?.first(where: { $0.err != .ok })?.err ?? .ok
        case .createSession, .none:
            break
        }
        return result
    }

    /// A multi's sub-transactions share its header. If any is an error, none
    /// is applied: each reports ok before the failure and
    /// runtimeInconsistency after it, as Apache does.
    private mutating func applyMulti(_ header: TxnHeader, _ txns: [Txn], triggers: inout [WatchTrigger]) -> [TxnResult] {
        let failed = txns.contains { $0.type == .error }
        var afterFailure = false
        var results: [TxnResult] = []
        for sub in txns {
            var subHeader = header
            subHeader.type = sub.type
            guard let body = try? TxnBody(type: sub.type, bytes: sub.data.bytesOrEmpty) else {
                results.append(TxnResult(type: .error, err: .marshallingError))
                continue
            }
            if case .error = body { afterFailure = true }
            if failed, sub.type != .error {
                results.append(TxnResult(type: .error, err: afterFailure ? .runtimeInconsistency : .ok))
                continue
            }
            results.append(applyOne(subHeader, body, triggers: &triggers))
        }
        return results
    }

    private mutating func create(
        _ path: [UInt8], _ data: JuteBytes, _ acl: [ACL], owner: Int64, parentCVersion: Int32,
        zxid: Int64, time: Int64, type: OpCode, triggers: inout [WatchTrigger]
    ) -> TxnResult {
        var result = TxnResult(type: type, path: path)
        guard let parentPath = ZNodePath.parent(of: path), let parentStat = nodes[parentPath]?.stat else {
            result.err = .noNode
            return result
        }
        guard nodes[path] == nil else {
            result.err = .nodeExists
            return result
        }
        let newCVersion = parentCVersion == -1 ? parentStat.cversion &+ 1 : parentCVersion
        // Replaying a fuzzy snapshot's range must not move these backwards.
        if newCVersion > parentStat.cversion {
            nodes[parentPath]?.stat.cversion = newCVersion
            nodes[parentPath]?.stat.pzxid = zxid
        }
        // In place: copying the parent out would copy its whole child set.
        nodes[parentPath]?.childPaths.insert(ZNodeKey(path))
        let parentACL = nodes[parentPath]?.acl ?? []
        let node = DataNode(data: data, acl: interned(acl), stat: .created(zxid: zxid, time: time, ephemeralOwner: owner))
        nodes[path] = node
        switch ephemeralOwnerType(owner) {
        case .container: containers.insert(path)
        case .ttl: ttls.insert(path)
        case .session(let session): ephemerals[session, default: []].insert(path)
        case .none: break
        }
        quotaNodeCreated(path)
        adjustQuota(for: path, bytes: Int64(data.count), count: 1)
        result.stat = node.clientStat
        triggers.append(WatchTrigger(path: path, type: .nodeCreated, acl: acl, zxid: zxid, data: true, child: false))
        triggers.append(WatchTrigger(path: parentPath, type: .nodeChildrenChanged, acl: parentACL, zxid: zxid, data: false, child: true))
        return result
    }

    private mutating func delete(_ path: [UInt8], zxid: Int64, triggers: inout [WatchTrigger]) -> Bool {
        guard let parentPath = ZNodePath.parent(of: path), let node = nodes.removeValue(forKey: path) else {
            return false
        }
        if let pzxid = nodes[parentPath]?.stat.pzxid {
            nodes[parentPath]?.childPaths.remove(ZNodeKey(path))
            if zxid > pzxid { nodes[parentPath]?.stat.pzxid = zxid }
        }
        switch ephemeralOwnerType(node.stat.ephemeralOwner) {
        case .container: containers.remove(path)
        case .ttl: ttls.remove(path)
        case .session(let session):
            ephemerals[session]?.remove(path)
            if ephemerals[session]?.isEmpty == true { ephemerals[session] = nil }
        case .none: break
        }
        quotaNodeDeleted(path)
        adjustQuota(for: path, bytes: -Int64(node.data.count), count: -1)
        triggers.append(WatchTrigger(path: path, type: .nodeDeleted, acl: node.acl, zxid: zxid, data: true, child: true))
        let parentACL = nodes[parentPath]?.acl ?? []
        triggers.append(WatchTrigger(path: parentPath, type: .nodeChildrenChanged, acl: parentACL, zxid: zxid, data: false, child: true))
        return true
    }
}
