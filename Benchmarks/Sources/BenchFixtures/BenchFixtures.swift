import ZKDataTree
import ZKProtocol

/// Shapes shared by the benchmarks: ZooKeeper-like keys under one parent
/// (`/bench/key-000123`), 100-byte values, open ACLs, as a typical
/// configuration or coordination workload stores them.
public enum BenchFixtures {
    /// Nodes under `/bench` in a prefilled tree.
    public static let prefilledNodeCount = 10_000
    /// Size of every value: a small config blob or lock owner record.
    public static let valueBytes = 100

    public static let parentPath: [UInt8] = Array("/bench".utf8)

    /// `/bench/key-000123`: six digits, zero-padded.
    public static func keyPath(_ index: Int) -> [UInt8] {
        let digits = String(index)
        return Array(("/bench/key-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8)
    }

    /// A 100-byte value that differs per `seed`, so no two sets look alike.
    public static func value(seed: Int = 0) -> [UInt8] {
        (0..<valueBytes).map { UInt8(truncatingIfNeeded: 0x61 + ($0 + seed) % 26) }
    }

    /// The header of a transaction applied to the tree (session 0x1000, time fixed).
    public static func header(zxid: Int64, type: OpCode) -> TxnHeader {
        TxnHeader(clientId: 0x1000, cxid: Int32(truncatingIfNeeded: zxid), zxid: zxid, time: 1_764_000_000_000 + zxid, type: type)
    }

    /// A create transaction for a persistent node with an open ACL.
    public static func createTxn(_ path: [UInt8], data: [UInt8]) -> TxnBody {
        .create(CreateTxn(path: JuteBytes(path), data: JuteBytes(data), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1))
    }

    /// A tree holding `/bench` and `nodeCount` children `/bench/key-NNNNNN`,
    /// each with a 100-byte value, built by applying create transactions as
    /// the server does. Its lastProcessedZxid is `nodeCount + 1`.
    public static func prefilledTree(nodeCount: Int = prefilledNodeCount) -> DataTree {
        var tree = DataTree()
        var triggers: [WatchTrigger] = []
        var zxid: Int64 = 1
        _ = tree.apply(header(zxid: zxid, type: .create), createTxn(parentPath, data: []), triggers: &triggers)
        for index in 0..<nodeCount {
            zxid += 1
            _ = tree.apply(header(zxid: zxid, type: .create), createTxn(keyPath(index), data: value(seed: index)), triggers: &triggers)
            triggers.removeAll(keepingCapacity: true)
        }
        precondition(tree.nodeCount == nodeCount + 5, "prefilled tree: expected \(nodeCount + 5) nodes, got \(tree.nodeCount)")
        return tree
    }
}
