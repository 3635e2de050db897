import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

@Suite struct SnapshotRoundTripTests {
    @Test(arguments: Fixtures.snapshotNames)
    func apacheSnapshotSurvivesOurWriter(_ name: String) throws {
        let original = try SnapshotReader.read(Fixtures.path(name), extendedTypesEnabled: true)
        let bytes = SnapshotWriter.encode(tree: original.tree, sessions: original.sessions)
        let copy = try SnapshotReader.decode(bytes, zxid: original.zxid, extendedTypesEnabled: true)
        #expect(sameTree(copy.tree, original.tree))
        #expect(copy.sessions == original.sessions)
        // Our digest trailer is exact and for the tree's own zxid.
        #expect(copy.digest == SnapshotDigest(zxid: original.zxid, digest: original.zxid > 0 ? TreeDigest.of(original.tree) : 0))
        #expect(copy.lastProcessedZxid == original.zxid)
        // Encoding is deterministic.
        #expect(SnapshotWriter.encode(tree: copy.tree, sessions: copy.sessions) == bytes)
    }

    @Test func writesAndReadsAVariedTree() throws {
        let (tree, sessions) = Samples.variedTree()
        try withTemporaryDirectory { directory in
            let file = try SnapshotWriter.write(tree: tree, sessions: sessions, to: FilePath(directory))
            #expect(file == FilePath(directory + "/snapshot." + hexString(tree.lastProcessedZxid)))
            // The temporary file is gone after the rename.
            #expect(try listDirectory(directory) == ["snapshot." + hexString(tree.lastProcessedZxid)])
            #expect(SnapshotReader.looksComplete(file))
            let snapshot = try SnapshotReader.read(file, extendedTypesEnabled: true)
            #expect(sameTree(snapshot.tree, tree))
            #expect(snapshot.sessions == sessions)
            #expect(snapshot.tree.node(path("/data/null"))?.data == .null)
            #expect(snapshot.tree.node(path("/data/empty"))?.data == JuteBytes([]))
        }
    }

    @Test func writesTheTrailersTheOptionsAskFor() throws {
        let (tree, sessions) = Samples.variedTree()
        for digest in [false, true] {
            for last in [false, true] {
                let options = SnapshotOptions(digestEnabled: digest, serializeLastProcessedZxid: last)
                let bytes = SnapshotWriter.encode(tree: tree, sessions: sessions, options: options)
                let snapshot = try SnapshotReader.decode(bytes, zxid: Zxid(raw: tree.lastProcessedZxid), extendedTypesEnabled: true)
                #expect((snapshot.digest != nil) == digest)
                #expect((snapshot.lastProcessedZxid != nil) == last)
                #expect(sameTree(snapshot.tree, tree))
            }
        }
    }

    @Test func sharesOneACLCacheEntryPerDistinctACL() throws {
        let (tree, sessions) = Samples.variedTree()
        let bytes = SnapshotWriter.encode(tree: tree, sessions: sessions)
        // Header 16, sessions 4 + 12 each, then the ACL cache size.
        let offset = 16 + 4 + 12 * sessions.count
        let aclCount = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        let distinct = Set(tree.nodes.values.map(\.acl)).subtracting([ACL.openACLUnsafe])
        #expect(aclCount == distinct.count)
    }

    @Test func rejectsANodeBeforeItsParent() throws {
        var bytes = SnapshotWriter.encode(tree: DataTree(), sessions: [:])
        // Rename "/zookeeper" to "/zookeepeX" so its children lose their parent.
        let name = Array("/zookeeper".utf8)
        let index = try #require(bytes.indices.first { bytes[$0...].starts(with: name) })
        bytes[index + name.count - 1] = UInt8(ascii: "X")
        #expect {
            _ = try SnapshotReader.decode(bytes, zxid: 0, extendedTypesEnabled: false)
        } throws: { error in
            guard case let .corruptSnapshot(_, offset, reason) = error as? StorageError else { return false }
            return offset > index && reason.contains("no parent")
        }
    }

    @Test func rejectsATruncatedSnapshotAtEveryLength() throws {
        // Apache's own file, and ours without trailers (ending at the first seal).
        let apache = try Fixtures.bytes("snapshot.10")
        let tree = try SnapshotReader.decode(apache, zxid: 0x10, extendedTypesEnabled: true).tree
        let ours = SnapshotWriter.encode(tree: tree, sessions: [1: 4000],
                                         options: SnapshotOptions(digestEnabled: false, serializeLastProcessedZxid: false))
        // Cut exactly before Apache's optional digest trailer (33 bytes: zxid,
        // version, digest, seal), the file is a complete older-format snapshot.
        let sealEnd = apache.count - 33
        #expect(try SnapshotReader.decode(Array(apache[..<sealEnd]), zxid: 0x10, extendedTypesEnabled: true).digest == nil)
        for bytes in [apache, ours] {
            for length in 0..<bytes.count where !(bytes == apache && length == sealEnd) {
                #expect(throws: StorageError.self) {
                    _ = try SnapshotReader.decode(Array(bytes[..<length]), zxid: 0x10, extendedTypesEnabled: true)
                }
            }
        }
    }

    @Test func aDamagedCompressedSnapshotIsAnErrorNotMisread() throws {
        // Compressed snapshots are read now (see Compressed*Tests); a gzip
        // header that stops short is corruption, named with file and offset.
        try withTemporaryDirectory { directory in
            let file = directory + "/snapshot.5.gz"
            try writeFile(file, [0x1f, 0x8b, 0, 0])
            #expect(throws: StorageError.corruptSnapshot(file: file, offset: 2, reason: "gz: unsupported compression method 0 (8, deflate, expected)")) {
                _ = try SnapshotReader.read(FilePath(file), extendedTypesEnabled: false)
            }
        }
    }
}

/// Trees and transactions for tests.
enum Samples {
    static let session: Int64 = 0x1_0000_0000_0042
    static let digestACL = [ACL(perms: .all, id: Id(scheme: "digest", id: "user:hash="))]
    static let mixedACL = [ACL(perms: [.read, .write], id: Id(scheme: "ip", id: "10.0.0.0/8")),
                           ACL(perms: .admin, id: Id(scheme: "world", id: "anyone"))]

    static func create(_ p: String, data: JuteBytes = "v", acl: [ACL] = ACL.openACLUnsafe, ephemeral: Bool = false) -> TxnBody {
        .create(CreateTxn(path: JuteBytes(p), data: data, acl: acl, ephemeral: ephemeral, parentCVersion: -1))
    }

    /// A tree with every kind of node: null and empty data, binary data,
    /// several ACLs, ephemerals, a container, a TTL node, a quota, depth.
    static func variedTree() -> (DataTree, [SessionID: Int32]) {
        var tree = DataTree(extendedTypesEnabled: true)
        var zxid: Int64 = 0
        func apply(_ body: TxnBody, type: OpCode = .create, session: Int64 = session) {
            zxid += 1
            var triggers: [WatchTrigger] = []
            _ = tree.apply(TxnHeader.make(zxid: zxid, type: type, session: session, time: 1_700_000_000_000 + zxid), body, triggers: &triggers)
        }
        apply(.createSession(CreateSessionTxn(timeOut: 30000)), type: .createSession)
        apply(create("/data"))
        apply(create("/data/null", data: .null))
        apply(create("/data/empty", data: JuteBytes([])))
        apply(create("/data/binary", data: JuteBytes((0...255).map { UInt8($0) })))
        apply(create("/data/big", data: JuteBytes([UInt8](repeating: 0x5a, count: 100_000))))
        apply(create("/acl"))
        apply(create("/acl/digest", acl: digestACL))
        apply(create("/acl/mixed", acl: mixedACL))
        apply(create("/acl/mixed2", acl: mixedACL))
        apply(create("/acl/read", acl: ACL.readACLUnsafe))
        apply(create("/eph", ephemeral: true))
        apply(create("/eph2", ephemeral: true), session: session + 1)
        apply(.createContainer(CreateContainerTxn(path: "/container", data: "c", acl: ACL.openACLUnsafe, parentCVersion: -1)),
              type: .createContainer)
        apply(.createTTL(CreateTTLTxn(path: "/ttl", data: "t", acl: ACL.openACLUnsafe, parentCVersion: -1, ttl: 60000)),
              type: .createTTL)
        apply(create("/deep"))
        var deep = "/deep"
        for level in 0..<40 {
            deep += "/n\(level)"
            apply(create(deep))
        }
        apply(create("/unicode-ünï-☃"))
        apply(create("/zookeeper/quota/data"))
        apply(create("/zookeeper/quota/data/zookeeper_limits", data: "count=10,bytes=-1"))
        apply(create("/zookeeper/quota/data/zookeeper_stats", data: "count=0,bytes=0"))
        apply(.setData(SetDataTxn(path: "/data", data: "changed", version: 1)), type: .setData)
        apply(.setACL(SetACLTxn(path: "/acl", acl: digestACL, version: 1)), type: .setACL)
        return (tree, [SessionID(raw: session): 30000, SessionID(raw: session + 1): 4000])
    }
}
