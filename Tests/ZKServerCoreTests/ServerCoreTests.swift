import Testing
import ZKProtocol
@testable import ZKServerCore

/// Drives a ServerCore as the shell would, with a hand-moved clock.
struct CoreHarness {
    var core: ServerCore
    var now = Now(monotonicNanos: 1_000_000_000, wallMillis: 1_700_000_000_000)
    var nextXid: [ConnectionID: Int32] = [:]
    var actions: [CoreAction] = []

    init(_ configure: (inout CoreConfig) -> Void = { _ in }) {
        var config = CoreConfig()
        configure(&config)
        core = ServerCore(config: config, now: now)
    }

    mutating func advance(millis: UInt64) {
        now.monotonicNanos += millis * 1_000_000
        now.wallMillis += Int64(millis)
    }

    /// Opens a connection and makes a session; returns the ConnectResponse.
    @discardableResult
    mutating func connect(_ id: ConnectionID, timeout: Int32 = 10000, session: Int64 = 0, password: [UInt8] = .init(repeating: 0, count: 16),
                          lastZxid: Int64 = 0) -> ConnectResponse? {
        actions = []
        core.connectionOpened(id, address: ClientAddress(bytes: [127, 0, 0, 1], host: "127.0.0.1", port: 5000 + Int(id.raw)), now: now, actions: &actions)
        let request = ConnectRequest(lastZxidSeen: lastZxid, timeOut: timeout, sessionId: session, passwd: JuteBytes(password))
        core.connect(id, request, now: now, actions: &actions)
        settle()
        for case .send(let to, .connectResponse(let response)) in actions where to == id { return response }
        return nil
    }

    /// Sends a request; returns the reply to it, and keeps every action.
    @discardableResult
    mutating func send(_ id: ConnectionID, _ request: ZKRequest) -> (header: ReplyHeader, body: ZKResponse?)? {
        let xid = nextXid[id, default: 1]
        nextXid[id] = xid + 1
        actions = []
        core.request(id, xid: xid, opCode: request.opCode, body: .success(request), now: now, actions: &actions)
        settle()
        for case .send(let to, .reply(let header, let body)) in actions where to == id && header.xid == xid {
            return (header, body)
        }
        return nil
    }

    /// Plays the log: every logged transaction becomes durable at once.
    /// With `holdLog` set, they stay in flight.
    var holdLog = false
    mutating func settle() {
        guard !holdLog else { return }
        var start = 0
        while true {
            let logged = actions[start...].compactMap { action -> Int64? in
                if case .log(let header, _) = action { return header.zxid }
                return nil
            }
            guard let last = logged.max() else { return }
            start = actions.count
            core.durable(upTo: Zxid(raw: last), now: now, actions: &actions)
        }
    }

    mutating func tick() {
        actions = []
        core.tick(now: now, actions: &actions)
        settle()
    }

    func events(for id: ConnectionID) -> [WatcherEvent] {
        actions.compactMap {
            if case .send(let to, .notification(_, let event)) = $0, to == id { return event }
            return nil
        }
    }

    func closed(_ id: ConnectionID) -> Bool {
        actions.contains { if case .close(let to, _) = $0 { return to == id }; return false }
    }
}

private func create(_ path: String, _ data: String = "", mode: CreateMode = .persistent, acl: [ACL] = ACL.openACLUnsafe) -> ZKRequest {
    .create(CreateRequest(path: JuteBytes(path), data: JuteBytes(data), acl: acl, flags: mode.code))
}

@Suite("ServerCore")
struct ServerCoreTests {
    @Test func sessionTimeoutIsClampedAndIdsCarryTheServerId() throws {
        var h = CoreHarness { $0.serverID = 3 }
        let lowResult = h.connect(1, timeout: 100)
        let low = try #require(lowResult)
        #expect(low.timeOut == 4000)
        let highResult = h.connect(2, timeout: 1_000_000)
        let high = try #require(highResult)
        #expect(high.timeOut == 40000)
        #expect(low.sessionId >> 56 == 3)
        #expect(high.sessionId == low.sessionId + 1)
        #expect(low.passwd.count == 16)
    }

    @Test func createGetSetDeleteWithVersions() throws {
        var h = CoreHarness()
        h.connect(1)
        let createdResult = h.send(1, create("/a", "one"))
        let created = try #require(createdResult)
        #expect(created.header.err == .ok)
        #expect(created.body == .create(CreateResponse(path: "/a")))
        #expect(h.send(1, create("/a"))?.header.err == .nodeExists)
        #expect(h.send(1, create("/x/y"))?.header.err == .noNode)
        #expect(h.send(1, create("bad"))?.header.err == .badArguments)
        #expect(h.send(1, create("/a/"))?.header.err == .badArguments)
        let gotResult = h.send(1, .getData(GetDataRequest(path: "/a", watch: false)))
        let got = try #require(gotResult)
        guard case .getData(let data) = got.body else { Issue.record("no data"); return }
        #expect(data.data == "one")
        #expect(h.send(1, .setData(SetDataRequest(path: "/a", data: "two", version: 5)))?.header.err == .badVersion)
        let setResult = h.send(1, .setData(SetDataRequest(path: "/a", data: "two", version: 0)))
        let set = try #require(setResult)
        guard case .setData(let stat) = set.body else { Issue.record("no stat"); return }
        #expect(stat.stat.version == 1)
        h.send(1, create("/a/child"))
        #expect(h.send(1, .delete(DeleteRequest(path: "/a", version: -1)))?.header.err == .notEmpty)
        #expect(h.send(1, .delete(DeleteRequest(path: "/zookeeper", version: -1)))?.header.err == .badArguments)
        #expect(h.send(1, .delete(DeleteRequest(path: "/a/child", version: 3)))?.header.err == .badVersion)
        #expect(h.send(1, .delete(DeleteRequest(path: "/a/child", version: 0)))?.header.err == .ok)
    }

    @Test func failedWritesStillTakeAZxid() throws {
        var h = CoreHarness()
        h.connect(1)
        let firstResult = h.send(1, create("/a"))
        let first = try #require(firstResult)
        let failedResult = h.send(1, create("/a"))
        let failed = try #require(failedResult)
        #expect(failed.header.zxid == first.header.zxid + 1)
    }

    @Test func sequentialNamesComeFromTheParentCversion() throws {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/q"))
        h.send(1, create("/q/other"))
        let seqResult = h.send(1, create("/q/n-", mode: .persistentSequential))
        let seq = try #require(seqResult)
        #expect(seq.body == .create(CreateResponse(path: "/q/n-0000000001")))
        #expect(Preparer.sequenceSuffix(-5) == "-000000005")
    }

    @Test func watchesFireOnceBeforeTheReply() throws {
        var h = CoreHarness()
        h.connect(1)
        h.connect(2)
        h.send(1, create("/w", "v"))
        h.send(2, .getData(GetDataRequest(path: "/w", watch: true)))
        h.send(2, .exists(ExistsRequest(path: "/w/new", watch: true)))
        h.send(2, .getChildren(GetChildrenRequest(path: "/w", watch: true)))
        h.send(1, .setData(SetDataRequest(path: "/w", data: "v2", version: -1)))
        #expect(h.events(for: 2).map(\.type) == [.nodeDataChanged])
        // The event is sent before the writer's reply.
        let eventIndex = h.actions.firstIndex { if case .send(2, .notification) = $0 { return true }; return false }
        let replyIndex = h.actions.firstIndex { if case .send(1, .reply) = $0 { return true }; return false }
        #expect(try #require(eventIndex) < #require(replyIndex))
        h.send(1, .setData(SetDataRequest(path: "/w", data: "v3", version: -1)))
        #expect(h.events(for: 2).isEmpty, "one-shot watch fired twice")
        h.send(1, create("/w/new"))
        #expect(h.events(for: 2).map(\.type) == [.nodeCreated, .nodeChildrenChanged])
    }

    @Test func persistentRecursiveWatchesSeeDescendantsButNotChildEvents() throws {
        var h = CoreHarness()
        h.connect(1)
        h.connect(2)
        h.send(1, create("/r"))
        h.send(2, .addWatch(AddWatchRequest(path: "/r", mode: AddWatchMode.persistentRecursive.code)))
        h.send(1, create("/r/a"))
        #expect(h.events(for: 2).map(\.type) == [.nodeCreated])
        h.send(1, create("/r/a/b"))
        #expect(h.events(for: 2).map(\.path) == ["/r/a/b"])
        h.send(1, .setData(SetDataRequest(path: "/r/a", data: "x", version: -1)))
        #expect(h.events(for: 2).map(\.type) == [.nodeDataChanged])
        #expect(h.send(2, .checkWatches(CheckWatchesRequest(path: "/r", type: WatcherType.persistentRecursive.code)))?.header.err == .ok)
        #expect(h.send(2, .removeWatches(RemoveWatchesRequest(path: "/r", type: WatcherType.any.code)))?.header.err == .ok)
        #expect(h.send(2, .removeWatches(RemoveWatchesRequest(path: "/r", type: WatcherType.any.code)))?.header.err == .noWatcher)
    }

    @Test func multiIsAtomicWithApacheResults() throws {
        var h = CoreHarness()
        h.connect(1)
        let ops: [MultiOp] = [
            .create(.create, CreateRequest(path: "/m1", data: "", acl: ACL.openACLUnsafe, flags: 0)),
            .check(CheckVersionRequest(path: "/missing", version: 0)),
            .delete(.delete, DeleteRequest(path: "/m1", version: -1)),
        ]
        let replyResult = h.send(1, .multi(MultiRequest(ops: ops)))
        let reply = try #require(replyResult)
        #expect(reply.header.err == .ok)
        #expect(reply.body == .multi(MultiResponse(results: [.error(.ok), .error(.noNode), .error(.runtimeInconsistency)])))
        #expect(h.send(1, .exists(ExistsRequest(path: "/m1", watch: false)))?.header.err == .noNode)
        let good: [MultiOp] = [
            .create(.create, CreateRequest(path: "/m1", data: "", acl: ACL.openACLUnsafe, flags: 0)),
            .create(.create, CreateRequest(path: "/m1/c", data: "", acl: ACL.openACLUnsafe, flags: 0)),
            .setData(SetDataRequest(path: "/m1", data: "d", version: 0)),
            .check(CheckVersionRequest(path: "/m1", version: 1)),
        ]
        let okResult = h.send(1, .multi(MultiRequest(ops: good)))
        let ok = try #require(okResult)
        guard case .multi(let results) = ok.body else { Issue.record("no multi body"); return }
        #expect(results.results.count == 4)
        #expect(results.results[0] == .create(CreateResponse(path: "/m1")))
        #expect(results.results[3] == .check)
    }

    @Test func silentSessionsExpireAndTheirEphemeralsGo() throws {
        var h = CoreHarness()
        let sessionResult = h.connect(1, timeout: 4000)
        let session = try #require(sessionResult)
        h.connect(2)
        h.send(1, create("/eph", mode: .ephemeral))
        h.send(2, .exists(ExistsRequest(path: "/eph", watch: true)))
        h.advance(millis: 3000)
        h.send(2, .ping)
        h.tick()
        #expect(!h.closed(1))
        h.advance(millis: 1001)
        h.tick()
        #expect(h.closed(1))
        #expect(h.events(for: 2).map(\.type) == [.nodeDeleted])
        #expect(h.core.sessions[SessionID(raw: session.sessionId)] == nil)
        // Resuming the expired session gets the expired reply and a close.
        let expiredResult = h.connect(3, session: session.sessionId, password: session.passwd.bytesOrEmpty)
        let expired = try #require(expiredResult)
        #expect(expired.timeOut == 0)
        #expect(expired.sessionId == 0)
        #expect(h.closed(3))
    }

    @Test func resumingMovesTheSessionAndClosesTheOldConnection() throws {
        var h = CoreHarness()
        let sessionResult = h.connect(1)
        let session = try #require(sessionResult)
        let wrongResult = h.connect(2, session: session.sessionId, password: [UInt8](repeating: 9, count: 16))
        let wrong = try #require(wrongResult)
        #expect(wrong.timeOut == 0)
        #expect(!h.closed(1))
        let movedResult = h.connect(3, session: session.sessionId, password: session.passwd.bytesOrEmpty)
        let moved = try #require(movedResult)
        #expect(moved.sessionId == session.sessionId)
        #expect(h.closed(1))
    }

    @Test func clientAheadOfTheServerIsRefused() {
        var h = CoreHarness()
        let response = h.connect(1, lastZxid: 99)
        #expect(response == nil)
        #expect(h.closed(1))
    }

    @Test func closeSessionDeletesEphemeralsAtOnce() throws {
        var h = CoreHarness()
        h.connect(1)
        h.connect(2)
        h.send(1, create("/gone", mode: .ephemeral))
        let replyResult = h.send(1, .closeSession)
        let reply = try #require(replyResult)
        #expect(reply.header.err == .ok)
        #expect(h.closed(1))
        #expect(h.send(2, .exists(ExistsRequest(path: "/gone", watch: false)))?.header.err == .noNode)
    }

    @Test func aclsAreEnforced() throws {
        var h = CoreHarness()
        h.connect(1)
        h.connect(2)
        #expect(h.send(1, .auth(AuthPacket(type: 0, scheme: "digest", auth: "alice:secret")))?.header.err == .ok)
        let creator = [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]
        #expect(h.send(1, create("/private", "s", acl: creator))?.header.err == .ok)
        #expect(h.send(2, .getData(GetDataRequest(path: "/private", watch: false)))?.header.err == .noAuth)
        #expect(h.send(1, .getData(GetDataRequest(path: "/private", watch: false)))?.header.err == .ok)
        #expect(h.send(2, create("/bad", acl: []))?.header.err == .invalidACL)
        #expect(h.send(2, create("/bad", acl: creator))?.header.err == .invalidACL)
        // Unknown schemes fail authentication and close the connection.
        #expect(h.send(2, .auth(AuthPacket(type: 0, scheme: "nope", auth: "x")))?.header.err == .authFailed)
        #expect(h.closed(2))
    }

    @Test func unknownAndMalformedRequestsGetApacheErrors() {
        var h = CoreHarness()
        h.connect(1)
        h.actions = []
        h.core.request(1, xid: 7, opCode: .unrecognized(999), body: .failure(.unknownOpCode(999)), now: h.now, actions: &h.actions)
        #expect(h.actions.contains { if case .send(1, .reply(let header, nil)) = $0 { return header.err == .unimplemented && header.xid == 7 }; return false })
        // Apache closes the connection after an unknown operation.
        #expect(h.closed(1))
        h.connect(2)
        h.actions = []
        h.core.request(2, xid: 8, opCode: .create, body: .failure(.truncated(record: "CreateRequest", field: "path", needed: 4, available: 0)), now: h.now, actions: &h.actions)
        #expect(h.actions.contains { if case .send(2, .reply(let header, nil)) = $0 { return header.err == .marshallingError }; return false })
        #expect(!h.closed(2))
    }

    @Test func writesWaitForTheLogAndReadsWaitBehindTheirSessionsWrites() throws {
        var h = CoreHarness()
        h.connect(1)
        h.connect(2)
        h.holdLog = true
        #expect(h.send(1, create("/slow", "v")) == nil, "a write must not be answered before it is durable")
        let logged = h.actions.compactMap { action -> Int64? in
            if case .log(let header, _) = action { return header.zxid }
            return nil
        }
        #expect(logged.count == 1)
        // The same session's read waits behind its write...
        #expect(h.send(1, .exists(ExistsRequest(path: "/slow", watch: false))) == nil)
        // ...another session's read does not, and does not see the write yet.
        #expect(h.send(2, .exists(ExistsRequest(path: "/slow", watch: false)))?.header.err == .noNode)
        h.actions = []
        h.core.durable(upTo: Zxid(raw: try #require(logged.first)), now: h.now, actions: &h.actions)
        let replies = h.actions.compactMap { action -> (Int32, ZKError)? in
            if case .send(1, .reply(let header, _)) = action { return (header.xid, header.err) }
            return nil
        }
        #expect(replies.map(\.0) == [1, 2])
        #expect(replies.map(\.1) == [.ok, .ok])
    }

    @Test func aFailedLogRefusesWritesButKeepsReads() throws {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/kept"))
        h.holdLog = true
        h.send(1, create("/lost"))
        h.actions = []
        h.core.logFailed(after: h.core.committed.lastProcessedZxid, reason: "disk full", now: h.now, actions: &h.actions)
        #expect(h.actions.contains { if case .send(1, .reply(let header, nil)) = $0 { return header.err == .systemError }; return false })
        h.holdLog = false
        #expect(h.send(1, create("/refused"))?.header.err == .systemError)
        #expect(h.send(1, .exists(ExistsRequest(path: "/kept", watch: false)))?.header.err == .ok)
        #expect(h.send(1, .exists(ExistsRequest(path: "/lost", watch: false)))?.header.err == .noNode)
        h.core.logRecovered()
        #expect(h.send(1, create("/again"))?.header.err == .ok)
    }

    @Test func aLogFailureLeavesAGapInTheZxidsInsteadOfReusingThem() throws {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/kept"))
        let durable = h.core.committed.lastProcessedZxid
        h.holdLog = true
        h.send(1, create("/lost"))
        h.send(1, create("/lost2"))
        let handedOut = h.core.lastZxid
        #expect(handedOut == durable.next.next)
        h.actions = []
        h.core.logFailed(after: durable, reason: "disk full", now: h.now, actions: &h.actions)
        h.core.logRecovered()
        h.holdLog = false
        h.actions = []
        h.send(1, create("/again"))
        let logged = h.actions.compactMap { action -> Int64? in
            if case .log(let header, _) = action { return header.zxid }
            return nil
        }
        #expect(logged == [handedOut.next.raw])
        #expect(h.core.committed.lastProcessedZxid == handedOut.next)
    }

    @Test func quotasAreEnforcedOnlyWhenAskedAsInApache() throws {
        for enforce in [false, true] {
            // What zkCli's setquota writes: limits, then stats (which count
            // the quota'd node itself). /soft has a soft count of 1, /hard a
            // hard count of 2 (Apache checks the hard limit when one is set).
            var h = CoreHarness { $0.enforceQuota = enforce }
            h.connect(1)
            for (name, limits) in [("soft", "count=1,bytes=-1"), ("hard", "count=-1,bytes=-1=;countHardLimit=2")] {
                h.send(1, create("/\(name)"))
                h.send(1, create("/zookeeper/quota/\(name)"))
                h.send(1, create("/zookeeper/quota/\(name)/zookeeper_limits", limits))
                h.send(1, create("/zookeeper/quota/\(name)/zookeeper_stats", "count=0,bytes=0"))
            }
            #expect(h.send(1, create("/soft/a"))?.header.err == .ok)
            let warned = h.actions.contains { if case .warn = $0 { return true }; return false }
            #expect(warned == enforce, "a soft limit passed is logged, only with enforceQuota")
            #expect(h.send(1, create("/hard/a"))?.header.err == .ok)
            #expect(h.send(1, create("/hard/b"))?.header.err == (enforce ? .quotaExceeded : .ok),
                    "a hard limit refuses, only with enforceQuota")
        }
    }

    @Test func leakNamesDuplicateRegistrationsAndConsShowsOwnership() throws {
        var h = CoreHarness()
        for id in (1...3).map(ConnectionID.init(raw:)) {
            h.connect(id)
            if id == 1 { h.send(1, create("/services")); h.send(1, create("/services/x")) }
            h.send(id, create("/services/x/member-", "host-a:8080", mode: .ephemeralSequential))
        }
        let leak = h.core.leakText(now: h.now)
        #expect(leak.contains("host 127.0.0.1: 3 sessions, 3 connections"))
        #expect(leak.contains("duplicate registrations: 3 sessions under /services/x: same data \"host-a:8080\""))
        #expect(leak.contains("duplicate registrations: 3 sessions under /services/x: same name member-<seq>"))
        let cons = h.core.consText(now: h.now)
        #expect(cons.contains("lop=CREA"))
        #expect(cons.contains("ephemerals=1,watches=0)"))
        let dump = h.core.dumpText(now: h.now)
        #expect(dump.contains("Sessions with Ephemerals (3):"))
        #expect(dump.contains("connected from /127.0.0.1:5001"))
        #expect(JavaDate.text(wallMillis: 1_795_641_372_000) == "Wed Nov 25 21:16:12 UTC 2026")
    }

    @Test func adminActionsExpireASessionAndCloseAHostsConnections() throws {
        var h = CoreHarness()
        let firstResult = h.connect(1)
        let first = try #require(firstResult)
        h.connect(2)
        h.send(1, create("/owned", mode: .ephemeral))
        h.actions = []
        #expect(h.core.expireSession(SessionID(raw: first.sessionId), now: h.now, actions: &h.actions) == "session \(hex(first.sessionId)) expired\n")
        h.settle()
        #expect(h.closed(1))
        h.core.connectionClosed(1, now: h.now)  // the shell closes it
        #expect(h.send(2, .exists(ExistsRequest(path: "/owned", watch: false)))?.header.err == .noNode)
        h.actions = []
        #expect(h.core.closeConnections(fromHost: "127.0.0.1", actions: &h.actions) == "closed 1 connections from 127.0.0.1\n")
        #expect(h.closed(2))
    }

    @Test func connectionsPerHostAreLimited() {
        var h = CoreHarness { $0.maxClientConnectionsPerHost = 2 }
        h.connect(1)
        h.connect(2)
        #expect(h.connect(3) == nil)
        #expect(h.closed(3))
        h.core.connectionClosed(1, now: h.now)
        #expect(h.connect(4) != nil)
    }

    @Test func containersAreReapedOnceEmptied() throws {
        var h = CoreHarness { $0.containerCheckIntervalMillis = 100 }
        h.connect(1)
        h.send(1, .createContainer(CreateRequest(path: "/c", data: "", acl: ACL.openACLUnsafe, flags: CreateMode.container.code)))
        h.send(1, create("/c/x"))
        h.send(1, .delete(DeleteRequest(path: "/c/x", version: -1)))
        h.advance(millis: 200)
        h.tick()
        #expect(h.send(1, .exists(ExistsRequest(path: "/c", watch: false)))?.header.err == .noNode)
    }
}
