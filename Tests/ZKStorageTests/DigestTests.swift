import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

/// Our digest against the digests Apache wrote: every log entry's TxnDigest
/// and the trees Apache loaded.
@Suite struct DigestTests {
    @Test func everyLoggedDigestMatchesOurReplay() throws {
        var tree = try SnapshotReader.read(Fixtures.path("snapshot.0"), extendedTypesEnabled: true).tree
        var tracker = DigestTracker(tree: tree)
        var checked = 0
        for name in Fixtures.logNames {
            for record in try TxnLogContents(path: Fixtures.path(name)).records {
                var triggers: [WatchTrigger] = []
                _ = tracker.apply(record.header, record.entry.body, to: &tree, triggers: &triggers)
                #expect(tracker.value == TreeDigest.of(tree))
                // Apache logs no digest with error transactions.
                guard let logged = record.entry.digest else { continue }
                #expect(logged.treeDigest == tracker.value, "zxid 0x\(hexString(record.zxid)) in \(name)")
                checked += 1
            }
        }
        #expect(checked == 192 - 35)
        #expect(tracker.value == Int64(ApacheOracle.value("digest", in: ApacheOracle.recovered) ?? ""))
    }

    @Test func snapshotDigestTrailersMatchReplay() throws {
        // Each fuzzy snapshot records the digest at some zxid: replaying the
        // log to that zxid must give the same value.
        var digests: [Zxid: Int64] = [:]
        var tree = try SnapshotReader.read(Fixtures.path("snapshot.0"), extendedTypesEnabled: true).tree
        var tracker = DigestTracker(tree: tree)
        for name in Fixtures.logNames {
            for record in try TxnLogContents(path: Fixtures.path(name)).records {
                var triggers: [WatchTrigger] = []
                _ = tracker.apply(record.header, record.entry.body, to: &tree, triggers: &triggers)
                digests[record.zxid] = tracker.value
            }
        }
        var compared = 0
        for name in Fixtures.snapshotNames.dropFirst() {
            let trailer = try #require(try SnapshotReader.read(Fixtures.path(name), extendedTypesEnabled: true).digest)
            #expect(trailer.version == 2)
            #expect(digests[trailer.zxid] == trailer.digest, "\(name)")
            compared += 1
        }
        #expect(compared == 12)
    }

    @Test func nodesUnderZookeeperDoNotCount() {
        let stat = StatPersisted.created(zxid: 5, time: 7, ephemeralOwner: 0)
        #expect(TreeDigest.node(path: path("/zookeeper/quota/x"), data: "d", stat: stat) == 0)
        #expect(TreeDigest.node(path: path("/zookeeper"), data: "d", stat: stat) != 0)
        // The root hashes as "".
        #expect(TreeDigest.node(path: ZNodePath.root, data: "", stat: stat)
                != TreeDigest.node(path: path("/"), data: "x", stat: stat))
    }
}
