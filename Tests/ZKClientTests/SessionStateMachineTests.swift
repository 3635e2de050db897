import NIOCore
import Testing
import ZKProtocol
@testable import ZKClient

/// The client's session machine, fed events by hand: each test is a story
/// of inputs and the actions they must produce.
@Suite("Session state machine")
struct SessionStateMachineTests {
    typealias Machine = SessionStateMachine<Int>

    let hosts = [ZKHost(host: "10.0.0.1", port: 2181), ZKHost(host: "10.0.0.2", port: 2181)]
    let t0 = Now(monotonicNanos: 1_000_000_000, wallMillis: 1_700_000_000_000)

    func machine(chroot: String? = nil, timeoutMs: Int32 = 30_000) -> Machine {
        Machine(settings: SessionSettings(hosts: hosts, chroot: chroot, requestedTimeoutMs: timeoutMs))
    }

    /// Drives a machine through start, open and a granted session.
    func connected(_ m: inout Machine, session: Int64 = 0x1234, timeoutMs: Int32 = 30_000, at now: Now? = nil) -> [Machine.Action] {
        let now = now ?? t0
        _ = m.start(now: now)
        _ = m.connectionOpened(now: now)
        return m.frameReceived(ConnectResponse(timeOut: timeoutMs, sessionId: session, passwd: JuteBytes(Array(repeating: 7, count: 16))).encoded(), now: now)
    }

    // MARK: Frames the machine sends, decoded

    static func frames(_ actions: [Machine.Action]) -> [ByteBuffer] {
        actions.compactMap {
            if case .send(var frame) = $0 {
                guard let length = frame.readInteger(as: Int32.self), frame.readableBytes == Int(length) else { return nil }
                return frame
            }
            return nil
        }
    }

    static func requests(_ actions: [Machine.Action]) throws -> [RequestPacket] {
        try frames(actions).map { try RequestPacket(decoding: $0) }
    }

    static func completions(_ actions: [Machine.Action]) -> [(Int, Result<ZKReply, ZooKeeperError>)] {
        actions.compactMap { if case .complete(let c, let r) = $0 { return (c, r) } else { return nil } }
    }

    static func states(_ actions: [Machine.Action]) -> [SessionState] {
        actions.compactMap { if case .state(let s) = $0 { return s } else { return nil } }
    }

    static func connects(_ actions: [Machine.Action]) -> [ZKHost] {
        actions.compactMap { if case .connect(let h, _, _) = $0 { return h } else { return nil } }
    }

    static func reply(xid: Int32, zxid: Int64 = 5, err: ZKError = .ok, _ body: ZKResponse? = nil) -> ByteBuffer {
        var buffer = ByteBuffer()
        ReplyHeader(xid: xid, zxid: zxid, err: err).encode(to: &buffer)
        body?.encode(to: &buffer)
        return buffer
    }

    static let stat = Stat(czxid: 1, mzxid: 2, ctime: 3, mtime: 4, version: 5, cversion: 6, aversion: 7,
                           ephemeralOwner: 0, dataLength: 1, numChildren: 0, pzxid: 1)

    // MARK: Stories

    @Test func connectsToTheFirstHostAndSendsConnectRequestWithTheTimeout() throws {
        var m = machine(timeoutMs: 9000)
        let start = m.start(now: t0)
        #expect(Self.connects(start) == [hosts[0]])
        if case .connect(_, let timeout, let delay) = start[0] {
            #expect(timeout == .milliseconds(4500))  // the timeout shared over two hosts
            #expect(delay == .zero)
        }
        let opened = m.connectionOpened(now: t0)
        let frame = try #require(Self.frames(opened).first)
        let request = try ConnectRequest(decoding: frame)
        #expect(request.timeOut == 9000 && request.sessionId == 0 && request.passwd.count == 16 && request.lastZxidSeen == 0)
    }

    @Test func requestsMadeBeforeTheSessionIsGrantedGoOutInOrderAfterIt() throws {
        var m = machine()
        _ = m.start(now: t0)
        #expect(m.submit(.getData(GetDataRequest(path: "/a", watch: false)), operation: "getData", path: "/a", completion: 1, now: t0).isEmpty)
        #expect(m.submit(.exists(ExistsRequest(path: "/b", watch: false)), operation: "exists", path: "/b", completion: 2, now: t0).isEmpty)
        _ = m.connectionOpened(now: t0)
        let actions = m.frameReceived(ConnectResponse(timeOut: 20_000, sessionId: 9, passwd: JuteBytes(Array(repeating: 1, count: 16))).encoded(), now: t0)
        #expect(Self.states(actions) == [.connected])
        let sent = try Self.requests(actions)
        #expect(sent.map(\.xid) == [1, 2])
        #expect(sent.map(\.request.opCode) == [.getData, .exists])
        #expect(m.sessionID == 9 && m.negotiatedTimeoutMs == 20_000)
    }

    @Test func repliesAreMatchedByXidAndStampTheLastZxid() throws {
        var m = machine()
        _ = connected(&m)
        _ = m.submit(.getData(GetDataRequest(path: "/a", watch: false)), operation: "getData", path: "/a", completion: 10, now: t0)
        _ = m.submit(.delete(DeleteRequest(path: "/b", version: -1)), operation: "delete", path: "/b", completion: 20, now: t0)
        // The second answered first: each answer reaches its own caller.
        let second = Self.completions(m.frameReceived(Self.reply(xid: 2, zxid: 40, err: .noNode), now: t0))
        #expect(second.count == 1 && second[0].0 == 20)
        if case .failure(let error) = second[0].1 {
            #expect(error.code == .noNode && error.operation == "delete" && error.path == "/b")
        } else { Issue.record("expected a failure") }
        let first = Self.completions(m.frameReceived(Self.reply(xid: 1, zxid: 41, .getData(GetDataResponse(data: "x", stat: Self.stat))), now: t0))
        #expect(first.count == 1 && first[0].0 == 10)
        if case .success(let reply) = first[0].1 {
            #expect(reply.response == .getData(GetDataResponse(data: "x", stat: Self.stat)) && reply.zxid == 41)
        } else { Issue.record("expected a success") }
        #expect(m.lastZxid == 41)
        #expect(m.inFlightCount == 0)
    }

    @Test func aReplyToNothingSentDropsTheConnection() {
        var m = machine()
        _ = connected(&m)
        let actions = m.frameReceived(Self.reply(xid: 77), now: t0)
        #expect(actions.contains { if case .closeConnection = $0 { return true } else { return false } })
        #expect(Self.connects(actions) == [hosts[1]])
        #expect(m.state == .suspended)
    }

    @Test func aLostConnectionFailsPendingCallsAndReconnectsWithTheSameSession() throws {
        var m = machine()
        _ = connected(&m, session: 0x55)
        _ = m.frameReceived(Self.reply(xid: -2, zxid: 0), now: t0)
        _ = m.submit(.getData(GetDataRequest(path: "/a", watch: false)), operation: "getData", path: "/a", completion: 1, now: t0)
        _ = m.frameReceived(Self.reply(xid: 1, zxid: 99, .getData(GetDataResponse(data: "x", stat: Self.stat))), now: t0)
        _ = m.submit(.sync(SyncRequest(path: "/")), operation: "sync", path: "/", completion: 2, now: t0)

        let lost = m.connectionLost(now: t0)
        let failed = Self.completions(lost)
        #expect(failed.count == 1 && failed[0].0 == 2)
        if case .failure(let error) = failed[0].1 { #expect(error.code == .connectionLoss && error.operation == "sync") }
        #expect(Self.states(lost) == [.suspended])
        #expect(Self.connects(lost) == [hosts[1]])

        let opened = m.connectionOpened(now: t0)
        let request = try ConnectRequest(decoding: try #require(Self.frames(opened).first))
        #expect(request.sessionId == 0x55)
        #expect(request.passwd.bytes == Array(repeating: 7, count: 16))
        #expect(request.lastZxidSeen == 99)
        let back = m.frameReceived(ConnectResponse(timeOut: 30_000, sessionId: 0x55, passwd: JuteBytes(Array(repeating: 7, count: 16))).encoded(), now: t0)
        #expect(Self.states(back) == [.connected])
    }

    @Test func afterAReconnectCredentialsThenWatchesThenWaitingCallsAreSent() throws {
        var m = machine(chroot: "/app")
        _ = connected(&m)
        _ = m.addAuth(AuthPacket(type: 0, scheme: "digest", auth: "u:p"), completion: 50, now: t0)
        _ = m.frameReceived(Self.reply(xid: SpecialXid.auth, zxid: 0), now: t0)
        let watch = WatchRegistration(kind: .data, serverPath: "/app/a", id: 1)
        _ = m.submit(.getData(GetDataRequest(path: "/app/a", watch: true)), operation: "getData", path: "/a", watch: watch, completion: 1, now: t0)
        _ = m.frameReceived(Self.reply(xid: 1, zxid: 12, .getData(GetDataResponse(data: "x", stat: Self.stat))), now: t0)
        let child = WatchRegistration(kind: .child, serverPath: "/app", id: 2)
        _ = m.submit(.getChildren2(GetChildren2Request(path: "/app", watch: true)), operation: "getChildren", path: "/", watch: child, completion: 2, now: t0)
        _ = m.frameReceived(Self.reply(xid: 2, zxid: 12, .getChildren2(GetChildren2Response(children: [], stat: Self.stat))), now: t0)
        let missing = WatchRegistration(kind: .data, serverPath: "/app/none", id: 3)
        _ = m.submit(.exists(ExistsRequest(path: "/app/none", watch: true)), operation: "exists", path: "/none", watch: missing, completion: 3, now: t0)
        _ = m.frameReceived(Self.reply(xid: 3, zxid: 12, err: .noNode), now: t0)

        _ = m.connectionLost(now: t0)
        _ = m.submit(.sync(SyncRequest(path: "/app")), operation: "sync", path: "/", completion: 4, now: t0)
        _ = m.connectionOpened(now: t0)
        let actions = m.frameReceived(ConnectResponse(timeOut: 30_000, sessionId: 0x1234, passwd: JuteBytes(Array(repeating: 7, count: 16))).encoded(), now: t0)
        let frames = Self.frames(actions)
        #expect(frames.count == 3)
        var auth = JuteReader(frames[0])
        #expect(try RequestHeader(from: &auth) == RequestHeader(xid: SpecialXid.auth, type: .auth))
        #expect(try AuthPacket(from: &auth).scheme == "digest")
        var set = JuteReader(frames[1])
        #expect(try RequestHeader(from: &set) == RequestHeader(xid: SpecialXid.setWatches, type: .setWatches))
        let watches = try SetWatches(from: &set)
        #expect(watches.relativeZxid == 12)
        #expect(watches.dataWatches == ["/app/a"] && watches.childWatches == ["/app"] && watches.existWatches == ["/app/none"])
        #expect(try RequestPacket(decoding: frames[2]).request.opCode == .sync)
    }

    @Test func persistentWatchesAreResentWithSetWatches2() throws {
        var m = machine()
        _ = connected(&m)
        let watch = WatchRegistration(kind: .persistentRecursive, serverPath: "/r", id: 1)
        _ = m.submit(.addWatch(AddWatchRequest(path: "/r", mode: 1)), operation: "addWatch", path: "/r", watch: watch, completion: 1, now: t0)
        _ = m.frameReceived(Self.reply(xid: 1, .addWatch(ErrorResponse(err: .ok))), now: t0)
        _ = m.connectionLost(now: t0)
        _ = m.connectionOpened(now: t0)
        let actions = m.frameReceived(ConnectResponse(timeOut: 30_000, sessionId: 0x1234, passwd: JuteBytes(Array(repeating: 7, count: 16))).encoded(), now: t0)
        var reader = JuteReader(try #require(Self.frames(actions).first))
        #expect(try RequestHeader(from: &reader).type == .setWatches2)
        #expect(try SetWatches2(from: &reader).persistentRecursiveWatches == ["/r"])
    }

    @Test func notificationsReachTheirWatchersOnceWithTheChrootStripped() {
        var m = machine(chroot: "/app")
        _ = connected(&m)
        _ = m.submit(.getData(GetDataRequest(path: "/app/a", watch: true)), operation: "getData", path: "/a",
                     watch: WatchRegistration(kind: .data, serverPath: "/app/a", id: 7), completion: 1, now: t0)
        _ = m.frameReceived(Self.reply(xid: 1, .getData(GetDataResponse(data: "x", stat: Self.stat))), now: t0)
        _ = m.submit(.addWatch(AddWatchRequest(path: "/app", mode: 1)), operation: "addWatch", path: "/",
                     watch: WatchRegistration(kind: .persistentRecursive, serverPath: "/app", id: 8), completion: 2, now: t0)
        _ = m.frameReceived(Self.reply(xid: 2, .addWatch(ErrorResponse(err: .ok))), now: t0)

        var event = ByteBuffer()
        ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: .ok).encode(to: &event)
        WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/app/a").encode(to: &event)
        let first = m.frameReceived(event, now: t0)
        let expected = WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: "/a")
        let delivered = first.compactMap { action -> (UInt64, WatchedEvent?, Bool)? in
            if case .watch(let id, let e, let last) = action { return (id, e, last) } else { return nil }
        }
        #expect(delivered.count == 2)
        #expect(delivered.contains { $0.0 == 7 && $0.1 == expected && $0.2 })
        #expect(delivered.contains { $0.0 == 8 && $0.1 == expected && !$0.2 })
        // The one-shot watch is gone; the recursive one stays.
        let second = m.frameReceived(event, now: t0)
        #expect(second.count == 1)
    }

    @Test func aConnectResponseWithTimeoutZeroExpiresTheSessionForGood() {
        var m = machine()
        _ = connected(&m)
        _ = m.submit(.getData(GetDataRequest(path: "/a", watch: true)), operation: "getData", path: "/a",
                     watch: WatchRegistration(kind: .data, serverPath: "/a", id: 3), completion: 1, now: t0)
        _ = m.frameReceived(Self.reply(xid: 1, .getData(GetDataResponse(data: "x", stat: Self.stat))), now: t0)
        _ = m.connectionLost(now: t0)
        _ = m.connectionOpened(now: t0)
        let expired = m.frameReceived(ConnectResponse(timeOut: 0, sessionId: 0, passwd: JuteBytes(Array(repeating: 0, count: 16))).encoded(), now: t0)
        #expect(Self.states(expired) == [.expired])
        #expect(expired.contains { if case .closeConnection = $0 { return true } else { return false } })
        #expect(expired.contains { if case .watch(3, nil, true) = $0 { return true } else { return false } })
        #expect(Self.connects(expired).isEmpty)
        // Nothing reconnects under it, and every call fails at once.
        #expect(m.connectionLost(now: t0).isEmpty)
        #expect(m.tick(now: t0 + .seconds(60)).isEmpty)
        let refused = Self.completions(m.submit(.sync(SyncRequest(path: "/")), operation: "sync", path: "/", completion: 9, now: t0))
        if case .failure(let error) = refused.first?.1 { #expect(error.code == .sessionExpired) } else { Issue.record("expected a refusal") }
    }

    @Test func idleSessionsPingEveryThirdOfTheTimeoutAndDropAfterTwoThirdsOfSilence() throws {
        var m = machine(timeoutMs: 3000)
        _ = connected(&m, timeoutMs: 3000)
        #expect(m.tick(now: t0 + .milliseconds(900)).isEmpty)
        let ping = m.tick(now: t0 + .milliseconds(1000))
        #expect(try Self.requests(ping).map(\.request) == [.ping])
        #expect(m.nextDeadline == t0 + .milliseconds(2000))
        _ = m.frameReceived(Self.reply(xid: SpecialXid.ping, zxid: 0), now: t0 + .milliseconds(1010))
        // Nothing heard for 2 s (2/3 of 3 s): the connection is given up.
        let dropped = m.tick(now: t0 + .milliseconds(3010))
        #expect(dropped.contains { if case .closeConnection = $0 { return true } else { return false } })
        #expect(Self.states(dropped) == [.suspended])
        #expect(Self.connects(dropped) == [hosts[1]])
    }

    @Test func afterEveryHostFailsTheNextAttemptWaitsTheBackoff() {
        var m = machine()
        _ = m.start(now: t0)
        let first = m.connectionLost(now: t0)
        if case .connect(let host, _, let delay) = first.last { #expect(host == hosts[1] && delay == .zero) }
        let second = m.connectionLost(now: t0)
        if case .connect(let host, _, let delay) = second.last { #expect(host == hosts[0] && delay == .seconds(1)) }
    }

    @Test func closeSendsCloseSessionAndEndsTheSessionWhenAnswered() throws {
        var m = machine()
        _ = connected(&m)
        _ = m.submit(.getData(GetDataRequest(path: "/a", watch: true)), operation: "getData", path: "/a",
                     watch: WatchRegistration(kind: .data, serverPath: "/a", id: 3), completion: 1, now: t0)
        _ = m.frameReceived(Self.reply(xid: 1, .getData(GetDataResponse(data: "x", stat: Self.stat))), now: t0)
        let closing = m.close(completion: 2, now: t0)
        let sent = try Self.requests(closing)
        #expect(sent.map(\.request) == [.closeSession])
        let refused = Self.completions(m.submit(.sync(SyncRequest(path: "/")), operation: "sync", path: "/", completion: 9, now: t0))
        if case .failure(let error) = refused.first?.1 { #expect(error.code == .sessionExpired) }
        let done = m.frameReceived(Self.reply(xid: sent[0].xid), now: t0)
        #expect(Self.states(done) == [.closed])
        #expect(Self.completions(done).map(\.0) == [2])
        #expect(done.contains { if case .watch(3, nil, true) = $0 { return true } else { return false } })
    }

    @Test func closeGivesUpOnAnUnansweredCloseSessionAfterTheCloseTimeout() {
        var m = machine()
        _ = connected(&m)
        _ = m.close(completion: 2, now: t0)
        #expect(m.tick(now: t0 + .seconds(1)).isEmpty)
        let done = m.tick(now: t0 + .seconds(2))
        #expect(Self.states(done) == [.closed])
        #expect(Self.completions(done).map(\.0) == [2])
    }

    @Test func aRefusedAuthEndsTheSession() {
        var m = machine()
        _ = connected(&m)
        _ = m.addAuth(AuthPacket(type: 0, scheme: "digest", auth: "u:bad"), completion: 5, now: t0)
        let actions = m.frameReceived(Self.reply(xid: SpecialXid.auth, zxid: 0, err: .authFailed), now: t0)
        #expect(Self.states(actions) == [.authFailed])
        if case .failure(let error) = Self.completions(actions).first?.1 { #expect(error.code == .authFailed) }
        #expect(Self.connects(m.connectionLost(now: t0)).isEmpty)
    }
}

@Suite("Connection strings and paths")
struct ConnectionStringTests {
    @Test func hostsPortsAndChroot() throws {
        let parsed = try ConnectionString("a:1,b,[::1]:3/app/x")
        #expect(parsed.hosts == [ZKHost(host: "a", port: 1), ZKHost(host: "b", port: 2181), ZKHost(host: "::1", port: 3)])
        #expect(parsed.chroot == "/app/x")
        #expect(try ConnectionString("h:2181/").chroot == nil)
        #expect(parsed.description == "a:1,b:2181,[::1]:3/app/x")
    }

    @Test(arguments: ["", "/app", "h:0", "h:x", "h:2181/app/", "[::1"])
    func invalidStringsAreRefusedWithTheReason(_ text: String) {
        #expect(throws: ZooKeeperError.self) { try ConnectionString(text) }
    }

    @Test(arguments: [
        ("a", "Path must start with / character"),
        ("/a/", "Path must not end with / character"),
        ("/a//b", "empty node name specified @3"),
        ("/a/./b", "relative paths not allowed @3"),
        ("/a/../b", "relative paths not allowed @4"),
        ("/a\u{1}", "invalid character @2"),
        ("", "Path length must be > 0"),
    ])
    func pathsAreCheckedWithApachesMessages(_ path: String, _ reason: String) {
        #expect(ZKPath.problem(path) == reason)
    }

    @Test func validPaths() {
        for path in ["/", "/a", "/a/b.c", "/a/..b", "/zookeeper/quota"] {
            #expect(ZKPath.problem(path) == nil)
        }
        #expect(throws: Never.self) { try ZKPath.validate("/a/", sequential: true, operation: "create") }
    }
}
