import Testing
import ZKClient
import ZKProtocol

/// The recipes, each against both servers.
@Suite("ZKClient recipes")
struct RecipeTests {
    @Test(arguments: ServerKind.allCases)
    func aRestartedInstanceReplacesItsCrashedIncarnationAndIsListedOnce(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let services = testRoot() + "/services/api"
        let registration = ServiceRegistration(servicePath: services, instanceID: "instance-7", data: Array(text: "10.0.0.7:8080"))

        // The first incarnation registers, then its process "crashes": the
        // socket dies and nothing more is sent, so its session lives on in
        // the server until the (30 s) timeout.
        let transport = FaultyTransport()
        var crashing = testConfiguration(timeout: .seconds(30))
        crashing.transport = transport
        let first = try await ZooKeeperSession.connect(server.connectString, configuration: crashing)
        let firstStat = try await registration.register(on: first)
        #expect(firstStat.ephemeralOwner == first.sessionID)
        let firstSession = first.sessionID
        transport.crash()

        // The restart, well within that timeout.
        let second = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let observer = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let before = try #require(try await observer.exists(registration.path))
        #expect(before.ephemeralOwner == firstSession)
        let stat = try await registration.register(on: second)
        #expect(stat.ephemeralOwner == second.sessionID)
        #expect(try await observer.getChildren(services) == ["instance-7"])
        #expect(try await observer.exists(registration.path)?.ephemeralOwner == second.sessionID)
        #expect(try await observer.getData(registration.path).data == Array(text: "10.0.0.7:8080"))
        // Registering again on the same session changes nothing.
        #expect(try await registration.register(on: second).czxid == stat.czxid)
        #expect(try await observer.getChildren(services).count == 1)
        await second.close()
        await observer.close()
        await first.close()
    }

    @Test(arguments: ServerKind.allCases)
    func theLockIsExclusiveAndPassesInArrivalOrder(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let path = testRoot() + "/lock"
        var sessions: [ZooKeeperSession] = []
        for _ in 0..<3 { sessions.append(try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())) }
        let locks = sessions.map { DistributedLock(session: $0, path: path) }
        try await locks[0].acquire()

        let order = OrderLog()
        let second = Task { try await locks[1].acquire(); await order.add(1) }
        try await eventually("the second contender is queued") { try await locks[0].contenders().count == 2 }
        let third = Task { try await locks[2].acquire(); await order.add(2) }
        try await eventually("the third contender is queued") { try await locks[0].contenders().count == 3 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await order.entries.isEmpty)

        try await locks[0].release()
        try await second.value
        #expect(await order.entries == [1])
        try await Task.sleep(for: .milliseconds(300))
        #expect(await order.entries == [1])
        try await locks[1].release()
        try await third.value
        #expect(await order.entries == [1, 2])
        try await locks[2].release()
        #expect(try await locks[0].contenders().isEmpty)
        for session in sessions { await session.close() }
    }

    @Test(arguments: ServerKind.allCases)
    func leadershipPassesWhenTheLeadersSessionEnds(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let path = testRoot() + "/election"
        let a = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let b = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        let electionA = LeaderElection(session: a, path: path)
        let electionB = LeaderElection(session: b, path: path)
        try await electionA.campaign(data: Array(text: "a"))
        #expect(try await electionA.isLeader())
        let bWins = Task { try await electionB.campaign(data: Array(text: "b")) }
        try await eventually("b is queued") {
            let queued = try await b.getChildren(path).count
            return queued == 2
        }
        #expect(try await electionB.leaderData() == Array(text: "a"))
        #expect(try await electionB.isLeader() == false)

        await a.close()
        try await bWins.value
        #expect(try await electionB.isLeader())
        #expect(try await electionB.leaderData() == Array(text: "b"))
        try await electionB.resign()
        #expect(try await electionB.leaderData() == nil)
        await b.close()
    }

    @Test(arguments: ServerKind.allCases)
    func aProtectedCreateWhoseReplyIsLostIsFoundNotRepeated(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let root = testRoot()
        let transport = FaultyTransport()
        var configuration = testConfiguration()
        configuration.transport = transport
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: configuration)
        try await zk.create(root)
        transport.dropNextReply()
        let path = try await zk.createProtected(root + "/job-", data: Array(text: "payload"), mode: .persistentSequential)
        let children = try await zk.getChildren(root)
        #expect(children.count == 1)
        #expect(path == root + "/" + children[0])
        #expect(children[0].hasPrefix("_c_") && children[0].hasSuffix("job-0000000000"))
        #expect(try await zk.getData(path).data == Array(text: "payload"))
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func theManagedModeMakesANewSessionAfterExpiryAndRerunsItsActions(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let services = testRoot() + "/services"
        let registration = ServiceRegistration(servicePath: services, instanceID: "worker-1", data: Array(text: "w1"))
        let managed = ManagedZooKeeper(server.connectString, configuration: testConfiguration())
        try await managed.onNewSession { session in try await registration.register(on: session) }
        let newSessions = await managed.newSessions()
        try await managed.start()
        let first = try await managed.current()
        #expect(try await first.exists(registration.path)?.ephemeralOwner == first.sessionID)

        var resume = testConfiguration()
        resume.resume = (first.sessionID, first.sessionPassword)
        let intruder = try await ZooKeeperSession.connect(server.connectString, configuration: resume)
        await intruder.close()

        var iterator = newSessions.makeAsyncIterator()
        #expect(await iterator.next() == first.sessionID)
        let replacement = try #require(await iterator.next())
        #expect(replacement != first.sessionID)
        #expect(first.state == .expired)
        let second = try await managed.current()
        #expect(second.sessionID == replacement)
        #expect(second.state == .connected)
        #expect(await managed.generation == 2)
        #expect(try await second.getChildren(services) == ["worker-1"])
        #expect(try await second.exists(registration.path)?.ephemeralOwner == replacement)
        await managed.close()
    }
}

actor OrderLog {
    private(set) var entries: [Int] = []
    func add(_ value: Int) { entries.append(value) }
}
