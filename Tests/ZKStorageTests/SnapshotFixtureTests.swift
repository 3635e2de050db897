import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

/// Apache's snapshots, read back. Expected values come from Apache's
/// SnapshotFormatter and from FileTxnSnapLog.restore (see ApacheOracle).
@Suite struct SnapshotFixtureTests {
    @Test(arguments: ApacheOracle.snapshotDigests)
    func readsApacheSnapshotWithItsSealsAndDigest(_ entry: (name: String, nodes: Int, digest: Int64)) throws {
        let snapshot = try SnapshotReader.read(Fixtures.path(entry.name), extendedTypesEnabled: true)
        #expect(snapshot.fileHeader == FileHeader(magic: StorageFormat.snapshotMagic, version: 2, dbid: -1))
        #expect(snapshot.zxid.raw == Int64(entry.name.dropFirst("snapshot.".count), radix: 16))
        #expect(snapshot.tree.lastProcessedZxid == snapshot.zxid.raw)
        // SnapshotFormatter's "count" includes Apache's "" alias of the root.
        #expect(snapshot.tree.nodeCount == entry.nodes)
        // Apache's own digest of the loaded tree.
        #expect(TreeDigest.of(snapshot.tree) == entry.digest)
        // 3.8 writes the ZxidDigest trailer, never the 3.9 lastProcessedZxid.
        #expect(snapshot.digest != nil)
        #expect(snapshot.lastProcessedZxid == nil)
    }

    @Test func snapshotBBEqualsApacheRestore() throws {
        let snapshot = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: true)
        #expect(dump(snapshot.tree, sessions: snapshot.sessions) == ApacheOracle.lines(ApacheOracle.snapshotBB))
        // SnapshotFormatter: "0x100000cd6490008, 30000, 0"
        #expect(snapshot.sessions == [0x1_0000_0cd6_4900_08: 30000])
        // A fuzzy snapshot: its digest is for 0xbc, one past the file name,
        // and the value is Apache's (read from the file's trailer).
        #expect(snapshot.digest == SnapshotDigest(zxid: 0xbc, version: 2, digest: 0x1a_95a1_26b7))
    }

    @Test func readsNodeStatAndACLs() throws {
        let tree = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: true).tree
        // SnapshotFormatter -d: "/climt-rc/d cZxid = 0xb9 mZxid = 0xba pZxid = 0xb9 dataVersion = 1 data = Y2hhbmdlZA=="
        let node = try #require(tree.node(path("/climt-rc/d")))
        #expect(node.stat.czxid == 0xb9)
        #expect(node.stat.mzxid == 0xba)
        #expect(node.stat.pzxid == 0xb9)
        #expect(node.stat.version == 1)
        #expect(node.data == "changed")
        // Two ACL entries through the ACL cache.
        let c2 = try #require(tree.node(path("/japi/c2")))
        #expect(c2.acl == [
            ACL(perms: [.read, .write], id: Id(scheme: "ip", id: "127.0.0.0/8")),
            ACL(perms: .admin, id: Id(scheme: "digest", id: "other:C9oU18wYV9MKI6QqDxMNatrbkNI=")),
        ])
        // The root is stored as "" with ACL id -1 (OPEN_ACL_UNSAFE).
        #expect(tree.node(ZNodePath.root)?.acl == ACL.openACLUnsafe)
        #expect(tree.node(ZNodePath.config)?.acl == ACL.readACLUnsafe)
        // Apache creates /zookeeper/config with aversion -1.
        #expect(tree.node(ZNodePath.config)?.stat.aversion == -1)
    }

    @Test func rebuildsIndexesFromOwners() throws {
        let tree = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: true).tree
        #expect(tree.containers.contains(path("/japi/container")))
        #expect(tree.ttls.contains(path("/climt/ttl")))
        #expect(tree.quotaPaths == [path("/zkcli")])
        // Without extended types a TTL owner is just an unknown session, as in Apache.
        let plain = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: false).tree
        #expect(plain.ttls.isEmpty)
        #expect(plain.ephemerals[Int64(bitPattern: 0xff00_0000_0000_ea60)]?.contains(path("/climt/ttl")) == true)
    }

    @Test func snapshotOfAnEmptyServer() throws {
        let snapshot = try SnapshotReader.read(Fixtures.path("snapshot.0"), extendedTypesEnabled: false)
        #expect(snapshot.sessions.isEmpty)
        #expect(snapshot.tree.nodes.keys.sorted { $0.lexicographicallyPrecedes($1) } ==
                [ZNodePath.root, ZNodePath.zookeeper, ZNodePath.config, ZNodePath.quota])
        // Apache writes an empty ZxidDigest (zxid 0) when it has none.
        #expect(snapshot.digest == SnapshotDigest(zxid: 0, version: 2, digest: 0))
    }

    @Test(arguments: Fixtures.snapshotNames)
    func apacheSnapshotsPassTheQuickCheck(_ name: String) {
        #expect(SnapshotReader.looksComplete(Fixtures.path(name)))
    }

    @Test func detectsEveryFlippedByte() throws {
        // Any single damaged byte must fail the read: a seal, a length or a
        // structure check catches it.
        let bytes = try Fixtures.bytes("snapshot.10")
        var undetected: [Int] = []
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x20
            if (try? SnapshotReader.decode(damaged, zxid: 0x10, extendedTypesEnabled: true)) != nil {
                undetected.append(index)
            }
        }
        #expect(undetected.isEmpty)
    }
}
