import ZKDataTree
import ZKProtocol

/// A small deterministic random generator (SplitMix64), so failures replay.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Samples {
    /// A plausible next transaction for `tree`: sessions come and go, nodes
    /// of every kind are created, changed and deleted, some requests fail.
    static func randomTxn(zxid: Int64, tree: DataTree, sessions: [SessionID: Int32],
                          using generator: inout SeededGenerator) -> (TxnHeader, TxnBody) {
        let liveSessions = sessions.keys.sorted().map(\.raw)
        let session = liveSessions.randomElement(using: &generator) ?? 0
        func header(_ type: OpCode, _ client: Int64 = session) -> TxnHeader {
            .make(zxid: zxid, type: type, session: client, cxid: Int32(zxid), time: 1_700_000_000_000 + zxid * 10)
        }
        let paths = tree.nodes.keys.filter { !$0.starts(with: ZNodePath.zookeeper) }
            .sorted { $0.lexicographicallyPrecedes($1) }
        let existing = paths.randomElement(using: &generator) ?? ZNodePath.root
        let childPath = ZNodePath.child(existing, Array("n\(zxid)".utf8))
        let parentCVersion = (tree.node(existing)?.stat.cversion ?? 0) + 1
        let data = JuteBytes([UInt8](repeating: UInt8(truncatingIfNeeded: zxid), count: Int.random(in: 0...40, using: &generator)))
        let canCreateUnder = tree.node(existing).map { $0.stat.ephemeralOwner == 0 || tree.containers.contains(existing) } ?? false

        switch Int.random(in: 0..<100, using: &generator) {
        case 0..<6 where liveSessions.count < 5 || liveSessions.isEmpty:
            return (header(.createSession, 0x1_0000_0000_0000 + zxid), .createSession(CreateSessionTxn(timeOut: 4000)))
        case 6..<10 where !liveSessions.isEmpty:
            return (header(.closeSession), .closeSession(CloseSessionTxn(paths2Delete: tree.ephemerals(of: session).map { JuteBytes($0) })))
        case 10..<45 where canCreateUnder:
            let ephemeral = session != 0 && Bool.random(using: &generator)
            let acl = [ACL.openACLUnsafe, digestACL, mixedACL].randomElement(using: &generator) ?? ACL.openACLUnsafe
            return (header(.create), .create(CreateTxn(path: JuteBytes(childPath), data: data, acl: acl,
                                                      ephemeral: ephemeral, parentCVersion: parentCVersion)))
        case 45..<50 where canCreateUnder:
            return (header(.createContainer), .createContainer(CreateContainerTxn(
                path: JuteBytes(childPath), data: data, acl: ACL.openACLUnsafe, parentCVersion: parentCVersion)))
        case 50..<55 where canCreateUnder:
            return (header(.createTTL), .createTTL(CreateTTLTxn(
                path: JuteBytes(childPath), data: data, acl: ACL.openACLUnsafe, parentCVersion: parentCVersion, ttl: 5000)))
        case 55..<70 where existing != ZNodePath.root:
            let version = (tree.node(existing)?.stat.version ?? 0) + 1
            return (header(.setData), .setData(SetDataTxn(path: JuteBytes(existing), data: data, version: version)))
        case 70..<75 where existing != ZNodePath.root:
            let version = (tree.node(existing)?.stat.aversion ?? 0) + 1
            return (header(.setACL), .setACL(SetACLTxn(path: JuteBytes(existing), acl: mixedACL, version: version)))
        case 75..<88 where existing != ZNodePath.root && tree.node(existing)?.childPaths.isEmpty == true:
            let type: OpCode = tree.containers.contains(existing) ? .deleteContainer : .delete
            return (header(type), .delete(DeleteTxn(path: JuteBytes(existing))))
        case 88..<94 where canCreateUnder:
            let first = TxnBody.create(CreateTxn(path: JuteBytes(childPath), data: data, acl: ACL.openACLUnsafe,
                                                 ephemeral: false, parentCVersion: parentCVersion))
            let second = TxnBody.create(CreateTxn(path: JuteBytes(childPath + Array("/m".utf8)), data: data,
                                                  acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1))
            return (header(.multi), .multi(MultiTxn(txns: [Txn(type: .create, data: JuteBytes(first.encodedBytes)),
                                                           Txn(type: .create, data: JuteBytes(second.encodedBytes))])))
        default:
            return (header(.error), .error(ErrorTxn(err: .noNode)))
        }
    }
}
