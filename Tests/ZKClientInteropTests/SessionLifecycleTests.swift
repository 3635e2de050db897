import Testing
import ZKClient
import ZKProtocol

/// Reconnects, expiry, failover and leak-proof release, each against a
/// server of its own that the test stops and starts.
@Suite("ZKClient session lifecycle")
struct SessionLifecycleTests {
    @Test(arguments: ServerKind.allCases)
    func watchesSurviveAForcedDisconnectAndFireAfterReconnect(kind: ServerKind) async throws {
        let server = try await TestServer.start(kind)
        defer { server.remove() }
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration(timeout: .seconds(20)))
        try await zk.create("/w", data: Array(text: "1"))
        try await zk.create("/gone")
        let (_, dataWatch) = try await zk.getDataAndWatch("/w")
        let (_, _, childWatch) = try await zk.getChildrenAndWatch("/")
        let (_, deleteWatch) = try await zk.existsAndWatch("/gone")
        let states = zk.stateChanges()
        var iterator = states.makeAsyncIterator()
        #expect(await iterator.next() == .connected)
        let session = zk.sessionID

        try await server.kill()
        #expect(await iterator.next() == .suspended)
        try await server.restart()
        #expect(await iterator.next() == .connected)
        #expect(zk.sessionID == session)

        let other = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        try await other.setData("/w", data: Array(text: "2"))
        try await other.delete("/gone")
        #expect(try await nextEvent(dataWatch) == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: "/w"))
        #expect(try await nextEvent(deleteWatch) == WatchedEvent(type: .nodeDeleted, state: .syncConnected, path: "/gone"))
        #expect(try await nextEvent(childWatch) == WatchedEvent(type: .nodeChildrenChanged, state: .syncConnected, path: "/"))
        await other.close()
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func aChangeMadeWhileDisconnectedFiresTheWatchOnReconnect(kind: ServerKind) async throws {
        let server = try await TestServer.start(kind)
        defer { server.remove() }
        var configuration = testConfiguration(timeout: .seconds(20))
        configuration.reconnectBackoff = .seconds(3)
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: configuration)
        try await zk.create("/w", data: Array(text: "1"))
        let (_, dataWatch) = try await zk.getDataAndWatch("/w")
        try await server.kill()
        try await server.restart()
        // The watcher's session is still reconnecting (its backoff is 3 s)
        // when another client changes the node: SetWatches carries the last
        // zxid it saw, so the server fires the watch as it reconnects.
        let other = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        try await other.setData("/w", data: Array(text: "2"))
        #expect(try await nextEvent(dataWatch) == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: "/w"))
        await other.close()
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func aSessionExpiredFromOutsideFailsCallsEndsWatchesAndNeverReconnects(kind: ServerKind) async throws {
        let server = try await TestServer.start(kind)
        defer { server.remove() }
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        try await zk.create("/eph", mode: .ephemeral)
        let (_, watch) = try await zk.getDataAndWatch("/eph")
        let states = zk.stateChanges()

        // Expire it the way operators and kazoo's tests do: a second handle
        // on the same session id and password closes the session.
        var resume = testConfiguration()
        resume.resume = (zk.sessionID, zk.sessionPassword)
        let intruder = try await ZooKeeperSession.connect(server.connectString, configuration: resume)
        #expect(intruder.sessionID == zk.sessionID)
        await intruder.close()

        var seen: [SessionState] = []
        for await state in states { seen.append(state) }
        #expect(seen.last == .expired)
        #expect(zk.state == .expired)
        // The watch ended without an event; calls fail at once, typed.
        #expect(try await nextEvent(watch) == nil)
        let refused = await #expect(throws: ZooKeeperError.self) { try await zk.getData("/") }
        #expect(refused?.code == .sessionExpired)
        // Nothing reconnects under the dead session.
        try await Task.sleep(for: .seconds(1))
        #expect(zk.state == .expired)
        let checker = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        #expect(try await checker.exists("/eph") == nil)
        await checker.close()
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func failoverRotatesPastADownHostAndResumesTheSession(kind: ServerKind) async throws {
        let server = try await TestServer.start(kind)
        defer { server.remove() }
        let up = server.port.withLockedValue { $0 }
        let down = try TestServer.freePort()
        // The first host listed is down: the client must rotate to the second.
        let zk = try await ZooKeeperSession.connect("127.0.0.1:\(down),127.0.0.1:\(up)",
                                                    configuration: testConfiguration(timeout: .seconds(20)))
        #expect(zk.currentServer?.port == up)
        try await zk.create("/eph", mode: .ephemeral)
        let session = zk.sessionID

        // The server moves to the other listed port (same dataDir): the
        // session follows it there.
        try await server.stop()
        try await server.restart(port: down)
        try await eventually("reconnected to the moved server") { zk.state == .connected && zk.currentServer?.port == down }
        #expect(zk.sessionID == session)
        #expect(try await zk.exists("/eph")?.ephemeralOwner == session)
        await zk.close()
    }

    @Test(arguments: ServerKind.allCases)
    func aSessionReleasedWithoutCloseClosesItselfAndItsEphemeralsGoAtOnce(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let root = testRoot()
        let watcher = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        try await watcher.create(root)
        do {
            // A 60 s session timeout: only an explicit closeSession removes
            // the ephemeral within the few seconds the test waits.
            let leaked = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration(timeout: .seconds(60)))
            try await leaked.create(root + "/eph", mode: .ephemeral)
        }
        try await eventually("the released session's ephemeral is deleted", timeout: .seconds(5)) {
            try await watcher.exists(root + "/eph") == nil
        }
        await watcher.close()
    }

    @Test(arguments: ServerKind.allCases)
    func closeEndsWatchesAndLaterCallsFail(kind: ServerKind) async throws {
        let server = try await SharedServers.shared.server(kind)
        let root = testRoot()
        let zk = try await ZooKeeperSession.connect(server.connectString, configuration: testConfiguration())
        try await zk.create(root)
        let (_, watch) = try await zk.getDataAndWatch(root)
        await zk.close()
        #expect(zk.state == .closed)
        #expect(try await nextEvent(watch) == nil)
        let refused = await #expect(throws: ZooKeeperError.self) { try await zk.exists(root) }
        #expect(refused?.code == .sessionExpired)
        await zk.close()
    }
}
