import ZKDataTree
import ZKProtocol

/// Apache ZooKeeper's tree digest (DigestCalculator version 2, summed as
/// AdHash): the wrapping sum over znodes of a CRC32 of the path, the data
/// and nine stat fields. Logs carry it per transaction (TxnDigest) and
/// snapshots once (ZxidDigest), so a server can detect a tree that diverged.
///
/// As in Apache, nodes under "/zookeeper/" count as 0 (their quota stats
/// are updated locally), "/zookeeper" itself counts, and the root is
/// hashed with the path "". Paths are hashed as their bytes; Apache hashes
/// `String.getBytes()` in the JVM's default charset, which is the same for
/// UTF-8 paths under a UTF-8 locale.
public enum TreeDigest {
    /// DigestCalculator's DIGEST_VERSION.
    public static let version: Int32 = 2

    private static let excludedPrefix: [UInt8] = Array("/zookeeper/".utf8)

    /// The digest of one node; 0 for nodes Apache leaves out.
    public static func node(path: [UInt8], data: JuteBytes, stat: StatPersisted) -> Int64 {
        if path.starts(with: excludedPrefix) { return 0 }
        var crc = CRC32()
        if path != ZNodePath.root { crc.update(path) }
        if let bytes = data.bytes { crc.update(bytes) }
        var fields: [UInt8] = []
        fields.reserveCapacity(60)
        fields.appendInt64(stat.czxid)
        fields.appendInt64(stat.mzxid)
        fields.appendInt64(stat.pzxid)
        fields.appendInt64(stat.ctime)
        fields.appendInt64(stat.mtime)
        fields.appendInt32(stat.version)
        fields.appendInt32(stat.cversion)
        fields.appendInt32(stat.aversion)
        fields.appendInt64(stat.ephemeralOwner)
        crc.update(fields)
        return crc.value
    }

    /// The digest of the node at `path` in `tree`, 0 if there is none.
    public static func node(path: [UInt8], in tree: DataTree) -> Int64 {
        guard let node = tree.nodes[path] else { return 0 }
        return self.node(path: path, data: node.data, stat: node.stat)
    }

    /// The digest of a whole tree: O(nodes + data).
    public static func of(_ tree: DataTree) -> Int64 {
        var sum: Int64 = 0
        for (path, node) in tree.nodes {
            sum &+= self.node(path: path, data: node.data, stat: node.stat)
        }
        return sum
    }
}

/// Keeps a tree's digest current as transactions are applied, by
/// re-hashing only the nodes each transaction can touch (the node, its
/// parent, a closed session's ephemerals), as Apache's NodeHashMap does.
public struct DigestTracker: Sendable {
    /// The digest of the tree as of the last `apply`.
    public private(set) var value: Int64

    /// Starts from the digest of `tree` as it is.
    public init(tree: DataTree) {
        value = TreeDigest.of(tree)
    }

    /// The TxnDigest a log entry carries after the last `apply`.
    public var txnDigest: TxnDigest { TxnDigest(version: TreeDigest.version, treeDigest: value) }

    /// Applies a transaction to `tree` (via `DataTree.apply`) and updates
    /// the digest.
    public mutating func apply(
        _ header: TxnHeader, _ body: TxnBody, to tree: inout DataTree, triggers: inout [WatchTrigger]
    ) -> TxnResult {
        var paths: Set<[UInt8]> = []
        Self.collectPaths(header, body, tree: tree, into: &paths)
        for path in paths { value &-= TreeDigest.node(path: path, in: tree) }
        let result = tree.apply(header, body, triggers: &triggers)
        for path in paths { value &+= TreeDigest.node(path: path, in: tree) }
        return result
    }

    /// The nodes a transaction can create, change or delete.
    static func collectPaths(_ header: TxnHeader, _ body: TxnBody, tree: DataTree, into paths: inout Set<[UInt8]>) {
        func withParent(_ path: [UInt8]) {
            paths.insert(path)
            if let parent = ZNodePath.parent(of: path) { paths.insert(parent) }
        }
        switch body {
        case .create(let txn): withParent(txn.path.bytesOrEmpty)
        case .createV0(let txn): withParent(txn.path.bytesOrEmpty)
        case .createContainer(let txn): withParent(txn.path.bytesOrEmpty)
        case .createTTL(let txn): withParent(txn.path.bytesOrEmpty)
        case .delete(let txn): withParent(txn.path.bytesOrEmpty)
        case .setData(let txn), .reconfig(let txn): paths.insert(txn.path.bytesOrEmpty)
        case .setACL(let txn): paths.insert(txn.path.bytesOrEmpty)
        case .closeSession(let txn):
            let listed = txn?.paths2Delete?.map(\.bytesOrEmpty) ?? []
            for path in listed + tree.ephemerals(of: header.clientId) { withParent(path) }
        case .multi(let txn):
            for sub in txn.txns ?? [] {
                guard let subBody = try? TxnBody(type: sub.type, bytes: sub.data.bytesOrEmpty) else { continue }
                var subHeader = header
                subHeader.type = sub.type
                collectPaths(subHeader, subBody, tree: tree, into: &paths)
            }
        case .check, .error, .createSession, .none:
            break
        }
    }
}
