import Testing
import ZKDataTree
import ZKProtocol

private func header(_ zxid: Int64, _ type: OpCode, session: Int64 = 0x10, time: Int64 = 1000) -> TxnHeader {
    TxnHeader(clientId: session, cxid: 1, zxid: zxid, time: time, type: type)
}

private func createTxn(_ path: String, _ data: String = "", ephemeral: Bool = false, cversion: Int32) -> TxnBody {
    .create(CreateTxn(path: JuteBytes(path), data: JuteBytes(data), acl: ACL.openACLUnsafe, ephemeral: ephemeral, parentCVersion: cversion))
}

@Suite("DataTree")
struct DataTreeTests {
    @Test func freshTreeHasTheServerNodes() {
        let tree = DataTree()
        #expect(tree.children(of: Array("/".utf8)) == [Array("zookeeper".utf8)])
        #expect(tree.children(of: Array("/zookeeper".utf8)) == [Array("config".utf8), Array("quota".utf8)])
        #expect(tree.node(Array("/zookeeper/config".utf8))?.acl == ACL.readACLUnsafe)
        #expect(tree.nodeCount == 4)
        #expect(tree.descendantCount(of: Array("/".utf8)) == 3)
    }

    @Test func createSetDeleteKeepStatsAndFireWatches() {
        var tree = DataTree()
        var triggers: [WatchTrigger] = []
        var result = tree.apply(header(1, .create), createTxn("/a", "x", cversion: 1), triggers: &triggers)
        #expect(result.err == .ok)
        #expect(result.stat?.czxid == 1)
        #expect(triggers.map(\.type) == [.nodeCreated, .nodeChildrenChanged])
        #expect(triggers.map(\.path) == [Array("/a".utf8), Array("/".utf8)])
        let root = tree.node(Array("/".utf8))
        #expect(root?.stat.cversion == 1)
        #expect(root?.stat.pzxid == 1)

        triggers = []
        result = tree.apply(header(2, .setData, time: 2000), .setData(SetDataTxn(path: "/a", data: "yy", version: 1)), triggers: &triggers)
        #expect(result.stat?.version == 1)
        #expect(result.stat?.mzxid == 2)
        #expect(result.stat?.mtime == 2000)
        #expect(result.stat?.dataLength == 2)
        #expect(triggers.map(\.type) == [.nodeDataChanged])

        triggers = []
        result = tree.apply(header(3, .delete), .delete(DeleteTxn(path: "/a")), triggers: &triggers)
        #expect(result.err == .ok)
        #expect(tree.node(Array("/a".utf8)) == nil)
        #expect(triggers.map(\.type) == [.nodeDeleted, .nodeChildrenChanged])
        #expect(triggers[0].data && triggers[0].child)
        // A delete moves pzxid but not cversion, as in Apache.
        #expect(tree.node(Array("/".utf8))?.stat.cversion == 1)
        #expect(tree.node(Array("/".utf8))?.stat.pzxid == 3)
        #expect(tree.lastProcessedZxid == 3)
    }

    @Test func clientCversionCountsCreatesAndDeletesAsApache() {
        var tree = DataTree(extendedTypesEnabled: true)
        var triggers: [WatchTrigger] = []
        _ = tree.apply(header(1, .create), createTxn("/p", cversion: 1), triggers: &triggers)
        _ = tree.apply(header(2, .create), createTxn("/p/a", cversion: 1), triggers: &triggers)
        _ = tree.apply(header(3, .create), createTxn("/p/b", cversion: 2), triggers: &triggers)
        _ = tree.apply(header(4, .delete), .delete(DeleteTxn(path: "/p/a")), triggers: &triggers)
        let node = tree.node(Array("/p".utf8))
        // Stored: 2 creations. Clients see 2 creations + 1 deletion.
        #expect(node?.stat.cversion == 2)
        #expect(node?.clientStat.cversion == 3)
        _ = tree.apply(header(5, .createContainer), .createContainer(CreateContainerTxn(path: "/c", data: "", acl: ACL.openACLUnsafe, parentCVersion: 2)), triggers: &triggers)
        #expect(tree.node(Array("/c".utf8))?.clientStat.ephemeralOwner == 0)
        #expect(tree.node(Array("/zookeeper/config".utf8))?.clientStat.aversion == -1)
    }

    @Test func ephemeralsAreIndexedAndDeletedWithTheirSession() {
        var tree = DataTree()
        var triggers: [WatchTrigger] = []
        _ = tree.apply(header(1, .create, session: 7), createTxn("/e1", ephemeral: true, cversion: 1), triggers: &triggers)
        _ = tree.apply(header(2, .create, session: 7), createTxn("/e2", ephemeral: true, cversion: 2), triggers: &triggers)
        _ = tree.apply(header(3, .create, session: 8), createTxn("/p", cversion: 3), triggers: &triggers)
        #expect(tree.ephemerals(of: 7) == [Array("/e1".utf8), Array("/e2".utf8)])
        #expect(tree.node(Array("/e1".utf8))?.stat.ephemeralOwner == 7)
        _ = tree.apply(header(4, .closeSession, session: 7), .closeSession(nil), triggers: &triggers)
        #expect(tree.node(Array("/e1".utf8)) == nil)
        #expect(tree.node(Array("/e2".utf8)) == nil)
        #expect(tree.node(Array("/p".utf8)) != nil)
        #expect(tree.ephemerals(of: 7).isEmpty)
    }

    @Test func failedMultiAppliesNothing() {
        var tree = DataTree()
        var triggers: [WatchTrigger] = []
        let txns = [
            Txn(type: .create, data: JuteBytes(createTxn("/m", cversion: 1).encodedBytes)),
            Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: .noNode)).encodedBytes)),
            Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: .runtimeInconsistency)).encodedBytes)),
        ]
        let result = tree.apply(header(1, .multi), .multi(MultiTxn(txns: txns)), triggers: &triggers)
        #expect(result.multi?.map(\.err) == [.ok, .noNode, .runtimeInconsistency])
        #expect(result.err == .noNode)
        #expect(tree.node(Array("/m".utf8)) == nil)
        #expect(triggers.isEmpty)
        #expect(tree.lastProcessedZxid == 1)
    }

    @Test func containersAndTTLsAreIndexed() {
        var tree = DataTree(extendedTypesEnabled: true)
        var triggers: [WatchTrigger] = []
        _ = tree.apply(header(1, .createContainer), .createContainer(CreateContainerTxn(path: "/c", data: "", acl: ACL.openACLUnsafe, parentCVersion: 1)), triggers: &triggers)
        _ = tree.apply(header(2, .createTTL), .createTTL(CreateTTLTxn(path: "/t", data: "", acl: ACL.openACLUnsafe, parentCVersion: 2, ttl: 500)), triggers: &triggers)
        #expect(tree.containers == [Array("/c".utf8)])
        #expect(tree.ttls == [Array("/t".utf8)])
        #expect(tree.node(Array("/c".utf8))?.stat.ephemeralOwner == Int64.min)
        #expect(tree.ephemeralOwnerType(tree.node(Array("/t".utf8))?.stat.ephemeralOwner ?? 0) == .ttl(500))
    }
}

@Suite("Quotas")
struct QuotaTests {
    private func create(_ tree: inout DataTree, _ zxid: Int64, _ path: String, _ data: String) {
        var triggers: [WatchTrigger] = []
        let cversion = (tree.node(ZNodePathParent(path))?.stat.cversion ?? 0) + 1
        _ = tree.apply(TxnHeader(clientId: 1, cxid: 1, zxid: zxid, time: 1, type: .create),
                       .create(CreateTxn(path: JuteBytes(path), data: JuteBytes(data), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: cversion)),
                       triggers: &triggers)
    }

    @Test func statsFollowTheSubtree() {
        var tree = DataTree()
        create(&tree, 1, "/app", "abc")
        create(&tree, 2, "/app/x", "12")
        // What zkCli's setquota does: the limits node, then the stats node.
        create(&tree, 3, "/zookeeper/quota/app", "")
        create(&tree, 4, "/zookeeper/quota/app/zookeeper_limits", "count=10,bytes=-1")
        create(&tree, 5, "/zookeeper/quota/app/zookeeper_stats", "count=0,bytes=0")
        #expect(tree.node(Array("/zookeeper/quota/app/zookeeper_stats".utf8))?.data == "count=2,bytes=5")
        create(&tree, 6, "/app/y", "4444")
        #expect(tree.node(Array("/zookeeper/quota/app/zookeeper_stats".utf8))?.data == "count=3,bytes=9")
        var triggers: [WatchTrigger] = []
        _ = tree.apply(TxnHeader(clientId: 1, cxid: 1, zxid: 7, time: 1, type: .delete), .delete(DeleteTxn(path: "/app/x")), triggers: &triggers)
        #expect(tree.node(Array("/zookeeper/quota/app/zookeeper_stats".utf8))?.data == "count=2,bytes=7")
        #expect(tree.quotaPrefix(of: Array("/app/y".utf8)) == Array("/app".utf8))
        #expect(tree.quotaPrefix(of: Array("/apple".utf8)) == nil)
    }

    @Test func statsTrackTextMatchesApache() {
        var stats = StatsTrack("count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=10")
        #expect(stats.count == 5)
        #expect(stats.countHardLimit == 10)
        #expect(stats.text == "count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=10")
        stats = StatsTrack("count=1,bytes=2")
        #expect(stats.text == "count=1,bytes=2")
    }
}

private func ZNodePathParent(_ path: String) -> [UInt8] {
    ZNodePath.parent(of: Array(path.utf8)) ?? ZNodePath.root
}
