import Testing
import ZKClient
import ZKProtocol

/// Every operation of the protocol through ZKClient, against each server.
@Suite("ZKClient operations")
struct OperationTests {
    @Test(arguments: ServerKind.allCases)
    func createInEveryModeAndReadBack(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let root = testRoot()
        let (path, stat) = try await zk.createWithStat(root, data: Array(text: "top"))
        #expect(path == root)
        #expect(stat.version == 0 && stat.dataLength == 3 && stat.ephemeralOwner == 0)

        let ephemeral = try await zk.createWithStat(root + "/e", mode: .ephemeral)
        #expect(ephemeral.stat.ephemeralOwner == zk.sessionID)
        let seq1 = try await zk.create(root + "/s-", mode: .persistentSequential)
        let seq2 = try await zk.create(root + "/s-", mode: .ephemeralSequential)
        #expect(seq1 == root + "/s-0000000001")
        #expect(seq2 == root + "/s-0000000002")
        let container = try await zk.createWithStat(root + "/c", mode: .container)
        #expect(container.path == root + "/c")
        let ttl = try await zk.createWithStat(root + "/t", mode: .persistentWithTTL, ttl: 60_000)
        #expect(ttl.path == root + "/t")
        #expect(try await zk.exists(root + "/t") != nil)
        let ttlSeq = try await zk.create(root + "/ts-", mode: .persistentSequentialWithTTL, ttl: 60_000)
        #expect(ttlSeq.hasPrefix(root + "/ts-"))

        let children = try await zk.getChildren(root).sorted()
        #expect(children == ["c", "e", "s-0000000001", "s-0000000002", "t", "ts-0000000005"])
        #expect(try await zk.getAllChildrenNumber(root) == 6)
        let ephemerals = try await zk.getEphemerals(root)
        #expect(Set(ephemerals) == [root + "/e", root + "/s-0000000002"])

        await #expect(throws: ZooKeeperError.self) { try await zk.create(root + "/t", mode: .persistentWithTTL) }
        let exists = await #expect(throws: ZooKeeperError.self) { try await zk.create(root) }
        #expect(exists?.code == .nodeExists)
        #expect(exists?.path == root)
        #expect(exists?.description.hasPrefix("KeeperErrorCode = NodeExists for \(root)") == true)
        let noParent = await #expect(throws: ZooKeeperError.self) { try await zk.create(root + "/missing/x") }
        #expect(noParent?.code == .noNode)
        let underEphemeral = await #expect(throws: ZooKeeperError.self) { try await zk.create(root + "/e/x") }
        #expect(underEphemeral?.code == .noChildrenForEphemerals)
        let badPath = await #expect(throws: ZooKeeperError.self) { try await zk.create("nope") }
        #expect(badPath?.code == .badArguments)
        #expect(badPath?.detail?.contains("Path must start with / character") == true)
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func dataStatVersionsAndDelete(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let root = testRoot()
        try await zk.create(root, data: Array(text: "v0"))
        let node = try await zk.getData(root)
        #expect(node.data == Array(text: "v0"))
        let stat = try await zk.setData(root, data: Array(text: "v1"), version: 0)
        #expect(stat.version == 1)
        let stale = await #expect(throws: ZooKeeperError.self) { try await zk.setData(root, data: [], version: 0) }
        #expect(stale?.code == .badVersion)
        #expect(try await zk.exists(root)?.version == 1)
        #expect(try await zk.exists(root + "/none") == nil)
        let missing = await #expect(throws: ZooKeeperError.self) { try await zk.getData(root + "/none") }
        #expect(missing?.code == .noNode)
        #expect(missing?.operation == "getData")

        try await zk.create(root + "/child")
        let notEmpty = await #expect(throws: ZooKeeperError.self) { try await zk.delete(root) }
        #expect(notEmpty?.code == .notEmpty)
        let wrongVersion = await #expect(throws: ZooKeeperError.self) { try await zk.delete(root + "/child", version: 5) }
        #expect(wrongVersion?.code == .badVersion)
        try await zk.delete(root + "/child", version: 0)
        let (children, parent) = try await zk.getChildrenWithStat(root)
        #expect(children.isEmpty)
        #expect(parent.cversion == 2)
        try await zk.delete(root)
        #expect(try await zk.exists(root) == nil)
        #expect(try await zk.sync(root) == root)
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func aclsAndDigestAuth(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let owner = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let other = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let root = testRoot()
        try await owner.addAuth(scheme: "digest", auth: Array(text: "alice:secret"))
        let who = try await owner.whoAmI()
        #expect(who.contains { $0.authScheme.string == "digest" && $0.user.string == "alice" })
        try await owner.create(root, data: Array(text: "private"), acl: ACL.creatorAllACL)
        let (acl, stat) = try await owner.getACL(root)
        #expect(acl.count == 1 && acl[0].id.scheme.string == "digest" && acl[0].perms == .all)
        #expect(stat.aversion == 0)
        let denied = await #expect(throws: ZooKeeperError.self) { try await other.getData(root) }
        #expect(denied?.code == .noAuth)
        // exists checks no ACL, as Apache's FinalRequestProcessor: the Stat
        // of a node the client may not read is still given.
        #expect(try await other.exists(root)?.dataLength == 7)
        try await owner.setACL(root, acl: ACL.readACLUnsafe, version: 0)
        #expect(try await other.getData(root).data == Array(text: "private"))
        let readOnly = await #expect(throws: ZooKeeperError.self) { try await other.setData(root, data: []) }
        #expect(readOnly?.code == .noAuth)
        let badACL = await #expect(throws: ZooKeeperError.self) {
            try await other.create(root + "x", acl: ACL.creatorAllACL)
        }
        #expect(badACL?.code == .invalidACL)
        await owner.close()
        await other.close()
    }

    @Test(arguments: ServerKind.allCases)
    func multiCommitsAllOrNothingAndMultiReadAnswersEach(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let zk = try await ZooKeeperSession.connect(server.connectString + testRoot(), configuration: testConfiguration())
        // The chroot itself must exist before anything is made under it.
        let plain = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let chroot = String(zk.connectionString.chroot ?? "")
        try await plain.create(chroot)

        let results = try await zk.multi([
            .create("/a", data: Array(text: "1")),
            .create("/a/b-", mode: .persistentSequential),
            .setData("/a", data: Array(text: "2"), version: 0),
            .check("/a", version: 1),
        ])
        #expect(results.count == 4)
        if case .create(let created) = results[1] {
            #expect(created.path.string == "/a/b-0000000000")
        } else {
            Issue.record("expected a create result, got \(results[1])")
        }
        #expect(try await plain.getData(chroot + "/a").data == Array(text: "2"))

        let failed = await #expect(throws: ZooKeeperError.self) {
            try await zk.multi([.create("/c"), .delete("/a/none"), .setData("/a", data: [])])
        }
        #expect(failed?.code == .noNode)
        #expect(failed?.path == "/a/none")
        #expect(failed?.multiResults == [.error(.ok), .error(.noNode), .error(.runtimeInconsistency)])
        #expect(try await zk.exists("/c") == nil)

        let reads = try await zk.multiRead([.getData("/a"), .getChildren("/a"), .getData("/none")])
        #expect(reads.count == 3)
        if case .getData(let data) = reads[0] { #expect(data.data.bytes == Array(text: "2")) } else { Issue.record("getData result: \(reads[0])") }
        if case .getChildren(let children) = reads[1] { #expect(children.children?.count == 1) } else { Issue.record("getChildren result: \(reads[1])") }
        #expect(reads[2] == .error(.noNode))
        await zk.close()
        await plain.close()
    }

    @Test(arguments: ServerKind.allCases)
    func oneShotWatchesFireOnceWithChrootedPaths(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let root = testRoot()
        let plain = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        try await plain.create(root)
        let zk = try await ZooKeeperSession.connect(server.connectString + root, configuration: testConfiguration())

        let (missing, existWatch) = try await zk.existsAndWatch("/n")
        #expect(missing == nil)
        try await plain.create(root + "/n", data: Array(text: "x"))
        #expect(try await nextEvent(existWatch) == WatchedEvent(type: .nodeCreated, state: .syncConnected, path: "/n"))
        #expect(await existWatch.next() == nil)

        let (_, dataWatch) = try await zk.getDataAndWatch("/n")
        let (_, _, childWatch) = try await zk.getChildrenAndWatch("/")
        try await plain.setData(root + "/n", data: Array(text: "y"))
        #expect(try await nextEvent(dataWatch) == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: "/n"))
        try await plain.create(root + "/m")
        #expect(try await nextEvent(childWatch) == WatchedEvent(type: .nodeChildrenChanged, state: .syncConnected, path: "/"))

        let failed = await #expect(throws: ZooKeeperError.self) { try await zk.getDataAndWatch("/none") }
        #expect(failed?.code == .noNode)
        await zk.close()
        await plain.close()
    }

    @Test(arguments: ServerKind.allCases)
    func persistentAndRecursiveWatchesUntilRemoved(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let root = testRoot()
        let tree = root + "-tree"
        try await zk.create(root)
        try await zk.create(tree)
        // One mode per path: Apache 3.8 keeps only the last addWatch mode of a
        // session on one path (3.9 keeps both), so the two watch different paths.
        let persistent = try await zk.addWatch(root, mode: .persistent)
        let recursive = try await zk.addWatch(tree, mode: .persistentRecursive)
        try await zk.create(root + "/a")
        try await zk.setData(root + "/a", data: [1])
        try await zk.setData(root, data: [2])
        try await zk.create(tree + "/a")
        try await zk.create(tree + "/a/b")
        try await zk.setData(tree, data: [2])
        #expect(try await nextEvent(persistent) == WatchedEvent(type: .nodeChildrenChanged, state: .syncConnected, path: root))
        #expect(try await nextEvent(persistent) == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: root))
        #expect(try await nextEvent(recursive) == WatchedEvent(type: .nodeCreated, state: .syncConnected, path: tree + "/a"))
        #expect(try await nextEvent(recursive) == WatchedEvent(type: .nodeCreated, state: .syncConnected, path: tree + "/a/b"))
        #expect(try await nextEvent(recursive) == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: tree))

        // .any, not .persistent: Apache 3.8 answers removeWatches of the
        // persistent types with MarshallingError.
        try await zk.removeWatches(root, type: .any)
        #expect(try await nextEvent(persistent) == WatchedEvent(type: .persistentWatchRemoved, state: .syncConnected, path: root))
        #expect(await persistent.next() == nil)
        try await zk.setData(tree + "/a", data: [3])
        #expect(try await nextEvent(recursive) == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: tree + "/a"))
        try await zk.removeWatches(tree, type: .any)
        #expect(try await nextEvent(recursive)?.type == .persistentWatchRemoved)
        let none = await #expect(throws: ZooKeeperError.self) { try await zk.removeWatches(root, type: .data) }
        #expect(none?.code == .noWatcher)

        let (_, dataWatch) = try await zk.getDataAndWatch(root)
        try await zk.removeWatches(root, type: .data)
        #expect(try await nextEvent(dataWatch) == WatchedEvent(type: .dataWatchRemoved, state: .syncConnected, path: root))
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func manyRequestsInFlightOnOneConnection(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let root = testRoot()
        try await zk.create(root, data: Array(text: "x"))
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for i in 0..<2000 {
                group.addTask {
                    if i % 4 == 0 { return try await zk.setData(root, data: Array(text: "\(i)")).version }
                    return try await zk.getData(root).stat.version
                }
            }
            var count = 0
            for try await _ in group { count += 1 }
            #expect(count == 2000)
        }
        #expect(try await zk.getData(root).stat.version == 500)
        await zk.close()
    }
}
