import ZKDataTree
import ZKProtocol

/// A node as the write pipeline sees it: the committed tree plus the
/// changes of writes prepared but not yet applied (Apache's ChangeRecord).
struct NodeRecord: Sendable {
    var stat: StatPersisted
    var childCount: Int
    var acl: [ACL]
}

/// Changes prepared but not yet applied, so that each write (and each op of
/// a multi) is validated against the state the earlier ones leave behind.
/// Entries go once the transaction that made them is applied.
struct PendingChanges: Sendable {
    /// path → (zxid of the change, record or nil for a pending delete).
    private(set) var records: [[UInt8]: (zxid: Zxid, node: NodeRecord?)] = [:]
    /// (zxid, path) in zxid order, to drop entries as transactions apply.
    private var order: [(zxid: Zxid, path: [UInt8])] = []
    private var orderHead = 0

    func record(_ path: [UInt8], in tree: DataTree) -> NodeRecord? {
        if let pending = records[path] { return pending.node }
        return tree.node(path).map { NodeRecord(stat: $0.stat, childCount: $0.childCount, acl: $0.acl) }
    }

    mutating func set(_ path: [UInt8], _ node: NodeRecord?, zxid: Zxid) {
        records[path] = (zxid, node)
        order.append((zxid, path))
    }

    /// Forgets changes made by transactions up to `zxid`, now in the tree.
    mutating func dropApplied(upTo zxid: Zxid) {
        while orderHead < order.count, order[orderHead].zxid <= zxid {
            let entry = order[orderHead]
            if let current = records[entry.path], current.zxid <= zxid { records[entry.path] = nil }
            orderHead += 1
        }
        if orderHead > 1024, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }

    var isEmpty: Bool { records.isEmpty }

    /// The session's ephemerals once pending changes apply.
    func ephemerals(of session: SessionID, in tree: DataTree) -> [[UInt8]] {
        var paths = Set(tree.ephemerals(of: session.raw))
        for (path, entry) in records {
            if let node = entry.node {
                if node.stat.ephemeralOwner == session.raw { paths.insert(path) }
            } else {
                paths.remove(path)
            }
        }
        return paths.sorted { $0.lexicographicallyPrecedes($1) }
    }
}

extension CreateMode {
    var isSequential: Bool {
        self == .persistentSequential || self == .ephemeralSequential || self == .persistentSequentialWithTTL
    }
    var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    var isTTL: Bool { self == .persistentWithTTL || self == .persistentSequentialWithTTL }
    var isContainer: Bool { self == .container }
}

/// Who is asking: the session and what its connection has authenticated as.
struct Requester: Sendable {
    var sessionID: SessionID
    var authIds: [Id]
    /// The client's address bytes, for ip ACLs.
    var clientAddress: [UInt8]
    var isSuper: Bool { authIds.contains { $0.scheme == "super" } }
}

/// Turns write requests into transactions, with Apache's checks in Apache's
/// order (PrepRequestProcessor). Each check throws the error the client gets.
struct Preparer {
    let tree: DataTree
    let access: AccessControl
    let requester: Requester
    let zxid: Zxid
    let time: Int64
    let extendedTypesEnabled: Bool
    /// `enforceQuota`: check quotas on create and setData.
    var enforceQuota = false
    /// `limits.ephemeralsPerSession`: 0 means no limit.
    var ephemeralsPerSession = 0

    /// Throws quotaExceeded when a hard quota would be passed.
    private func checkQuota(_ path: [UInt8], bytesDiff: Int64, countDiff: Int64) throws(ZKError) {
        guard enforceQuota else { return }
        if case .hard = QuotaCheck.evaluate(path: path, bytesDiff: bytesDiff, countDiff: countDiff, tree: tree) {
            throw .quotaExceeded
        }
    }

    func create(_ opCode: OpCode, path rawPath: JuteBytes, data: JuteBytes, acl: [ACL]?, flags: Int32, ttl: Int64,
                pending: inout PendingChanges) throws(ZKError) -> TxnBody {
        let mode = CreateMode(code: flags)
        if case .unrecognized = mode { throw .badArguments }
        if mode.isTTL && !extendedTypesEnabled { throw .unimplemented }
        if mode.isTTL {
            guard EphemeralType.ttlOwner(ttl) != nil else { throw .badArguments }
        } else if ttl >= 0 {
            throw .badArguments
        }
        // A null path fails where Apache's PrepRequestProcessor first reads
        // it, with the marshalling error its NullPointerException becomes.
        guard var path = rawPath.bytes else { throw .marshallingError }
        guard let slash = path.lastIndex(of: 0x2f), !path.contains(0) else { throw .badArguments }
        let parentPath = slash == 0 ? ZNodePath.root : Array(path[..<slash])
        let fixedACL = try access.fixup(acl, requester: requester)
        guard let parent = pending.record(parentPath, in: tree) else { throw .noNode }
        try access.check(parent.acl, .create, requester)
        if mode.isSequential {
            path += Array(Self.sequenceSuffix(parent.stat.cversion).utf8)
        }
        guard ZNodePath.isValid(path) else { throw .badArguments }
        if pending.record(path, in: tree) != nil { throw .nodeExists }
        if case .session = tree.ephemeralOwnerType(parent.stat.ephemeralOwner) { throw .noChildrenForEphemerals }
        try checkQuota(path, bytesDiff: Int64(data.count), countDiff: 1)
        if mode.isEphemeral, ephemeralsPerSession > 0,
           pending.ephemerals(of: requester.sessionID, in: tree).count >= ephemeralsPerSession {
            throw .quotaExceeded
        }
        let newCVersion = parent.stat.cversion &+ 1
        let body: TxnBody
        let owner: Int64
        switch opCode {
        case .createContainer:
            body = .createContainer(CreateContainerTxn(path: JuteBytes(path), data: data, acl: fixedACL, parentCVersion: newCVersion))
            owner = EphemeralType.containerOwner
        case .createTTL:
            body = .createTTL(CreateTTLTxn(path: JuteBytes(path), data: data, acl: fixedACL, parentCVersion: newCVersion, ttl: ttl))
            owner = EphemeralType.ttlOwner(ttl) ?? 0
        default:
            body = .create(CreateTxn(path: JuteBytes(path), data: data, acl: fixedACL, ephemeral: mode.isEphemeral, parentCVersion: newCVersion))
            owner = mode.isEphemeral ? requester.sessionID.raw : 0
        }
        var updatedParent = parent
        updatedParent.childCount += 1
        updatedParent.stat.cversion = newCVersion
        updatedParent.stat.pzxid = zxid.raw
        pending.set(parentPath, updatedParent, zxid: zxid)
        pending.set(path, NodeRecord(stat: .created(zxid: zxid.raw, time: time, ephemeralOwner: owner), childCount: 0, acl: fixedACL), zxid: zxid)
        return body
    }

    /// Apache's `%010d`: zero-padded to ten characters, sign included.
    static func sequenceSuffix(_ value: Int32) -> String {
        let digits = String(value.magnitude)
        let width = value < 0 ? 9 : 10
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// As Apache's getParentPathAndValidate: only a path without a slash,
    /// with a NUL, or naming the root or a /zookeeper node is refused
    /// (BADARGUMENTS); any other invalid path ("/a/", "/a//b") just names
    /// no node, and the lookups that follow answer NONODE. A null path is
    /// Apache's NullPointerException, a marshalling error.
    private func parentForDelete(_ rawPath: JuteBytes) throws(ZKError) -> [UInt8] {
        guard let path = rawPath.bytes else { throw .marshallingError }
        guard let slash = path.lastIndex(of: 0x2f), !path.contains(0), !ZNodePath.isSpecial(path) else {
            throw .badArguments
        }
        return slash == 0 ? ZNodePath.root : Array(path[..<slash])
    }

    func delete(path rawPath: JuteBytes, version: Int32, pending: inout PendingChanges) throws(ZKError) -> TxnBody {
        let parentPath = try parentForDelete(rawPath)
        let path = rawPath.bytesOrEmpty
        guard var parent = pending.record(parentPath, in: tree) else { throw .noNode }
        try access.check(parent.acl, .delete, requester)
        guard let node = pending.record(path, in: tree) else { throw .noNode }
        _ = try Self.nextVersion(node.stat.version, expected: version)
        guard node.childCount == 0 else { throw .notEmpty }
        parent.childCount -= 1
        parent.stat.pzxid = zxid.raw
        pending.set(parentPath, parent, zxid: zxid)
        pending.set(path, nil, zxid: zxid)
        return .delete(DeleteTxn(path: JuteBytes(path)))
    }

    /// The container reaper's delete: no ACL check, and only for an empty
    /// node that is not a session's ephemeral.
    func deleteContainer(path rawPath: JuteBytes, pending: inout PendingChanges) throws(ZKError) -> TxnBody {
        let parentPath = try parentForDelete(rawPath)
        let path = rawPath.bytesOrEmpty
        guard let node = pending.record(path, in: tree) else { throw .noNode }
        guard node.childCount == 0 else { throw .notEmpty }
        if case .session = tree.ephemeralOwnerType(node.stat.ephemeralOwner) { throw .badVersion }
        guard var parent = pending.record(parentPath, in: tree) else { throw .noNode }
        parent.childCount -= 1
        parent.stat.pzxid = zxid.raw
        pending.set(parentPath, parent, zxid: zxid)
        pending.set(path, nil, zxid: zxid)
        return .delete(DeleteTxn(path: JuteBytes(path)))
    }

    func setData(path rawPath: JuteBytes, data: JuteBytes, version: Int32, pending: inout PendingChanges) throws(ZKError) -> TxnBody {
        let path = rawPath.bytesOrEmpty
        guard ZNodePath.isValid(path) else { throw .badArguments }
        guard var node = pending.record(path, in: tree) else { throw .noNode }
        try access.check(node.acl, .write, requester)
        let oldBytes = Int64(tree.node(path)?.data.count ?? 0)
        try checkQuota(path, bytesDiff: Int64(data.count) - oldBytes, countDiff: 0)
        let newVersion = try Self.nextVersion(node.stat.version, expected: version)
        node.stat.version = newVersion
        node.stat.mtime = time
        node.stat.mzxid = zxid.raw
        pending.set(path, node, zxid: zxid)
        return .setData(SetDataTxn(path: JuteBytes(path), data: data, version: newVersion))
    }

    func setACL(path rawPath: JuteBytes, acl: [ACL]?, version: Int32, pending: inout PendingChanges) throws(ZKError) -> TxnBody {
        let path = rawPath.bytesOrEmpty
        guard ZNodePath.isValid(path) else { throw .badArguments }
        let fixedACL = try access.fixup(acl, requester: requester)
        guard var node = pending.record(path, in: tree) else { throw .noNode }
        try access.check(node.acl, .admin, requester)
        let newVersion = try Self.nextVersion(node.stat.aversion, expected: version)
        node.stat.aversion = newVersion
        node.acl = fixedACL
        pending.set(path, node, zxid: zxid)
        return .setACL(SetACLTxn(path: JuteBytes(path), acl: fixedACL, version: newVersion))
    }

    func check(path rawPath: JuteBytes, version: Int32, pending: inout PendingChanges) throws(ZKError) -> TxnBody {
        let path = rawPath.bytesOrEmpty
        guard ZNodePath.isValid(path) else { throw .badArguments }
        guard let node = pending.record(path, in: tree) else { throw .noNode }
        try access.check(node.acl, .read, requester)
        let next = try Self.nextVersion(node.stat.version, expected: version)
        return .check(CheckVersionTxn(path: JuteBytes(path), version: next))
    }

    /// -1 matches any version. The next version skips -1, which would mean
    /// "any" if a client sent it back.
    static func nextVersion(_ current: Int32, expected: Int32) throws(ZKError) -> Int32 {
        if expected != -1 && expected != current { throw .badVersion }
        let next = current &+ 1
        return next == -1 ? 0 : next
    }
}
