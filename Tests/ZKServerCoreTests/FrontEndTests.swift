import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKServerCore

private let start = Now(monotonicNanos: 1_000_000_000, wallMillis: 1_700_000_000_000)
private let local = ClientAddress(bytes: [127, 0, 0, 1], host: "127.0.0.1", port: 5000)

private func makeFrontEnd(_ configure: (inout CoreConfig) -> Void = { _ in }) -> FrontEnd {
    var config = CoreConfig()
    configure(&config)
    let access = AccessControl(superDigest: nil, skipACL: false, sasl: nil)
    return FrontEnd(config: config, access: access, lastProcessedZxid: 0, now: start)
}

/// A front end with one connection carrying session 0x11.
private func withSession() -> FrontEnd {
    var frontEnd = makeFrontEnd()
    var actions: [CoreAction] = []
    frontEnd.connectionOpened(1, address: local, now: start, actions: &actions)
    frontEnd.connections[1]?.sessionID = 0x11
    return frontEnd
}

private func replies(_ actions: [CoreAction]) -> [ReplyHeader] {
    actions.compactMap { if case .send(1, .reply(let header, _)) = $0 { return header }; return nil }
}

@Suite("FrontEnd")
struct FrontEndTests {
    @Test func aReadIsAnsweredAtOnceFromTheTreeItIsGiven() {
        var frontEnd = withSession()
        let tree = DataTree(extendedTypesEnabled: false)
        var actions: [CoreAction] = []
        frontEnd.deferOrRun(1, .read(xid: 4, .exists(ExistsRequest(path: "/", watch: false))), tree: tree, actions: &actions)
        #expect(replies(actions).map(\.xid) == [4])
        #expect(replies(actions).map(\.err) == [.ok])
    }

    @Test func aReadWaitsBehindItsSessionsWriteAndRunsOnceTheWriteIsAnswered() {
        var frontEnd = withSession()
        var tree = DataTree(extendedTypesEnabled: false)
        var actions: [CoreAction] = []
        frontEnd.awaitWrite(1, zxid: 1)
        frontEnd.deferOrRun(1, .read(xid: 6, .exists(ExistsRequest(path: "/a", watch: false))), tree: tree, actions: &actions)
        #expect(actions.isEmpty)
        // The write applies (the composition's part), then the front end answers it.
        var triggers: [WatchTrigger] = []
        let header = TxnHeader(clientId: 0x11, cxid: 5, zxid: 1, time: start.wallMillis, type: .create)
        let result = tree.apply(header, .create(CreateTxn(path: "/a", data: "", acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1)),
                                triggers: &triggers)
        frontEnd.lastProcessedZxid = 1
        frontEnd.writeReply(1, xid: 5, .create, result, actions: &actions)
        frontEnd.finishHead(1, tree: tree, actions: &actions)
        #expect(replies(actions).map(\.xid) == [5, 6])
        #expect(replies(actions).map(\.err) == [.ok, .ok])
        #expect(replies(actions).map(\.zxid) == [1, 1])
        #expect(frontEnd.connections[1]?.queue.isEmpty == true)
    }

    @Test func aWatchEventGoesOnlyToAWatcherThatMayReadTheNode() {
        var frontEnd = withSession()
        var actions: [CoreAction] = []
        frontEnd.watches.addDataWatch(Array("/a".utf8), 1)
        let event = WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/a")
        let secret = [ACL(perms: .all, id: Id(scheme: "digest", id: "bob:x"))]
        frontEnd.deliver(WatchDelivery(connection: 1, event: event, zxid: 3, acl: secret), actions: &actions)
        #expect(actions.isEmpty)
        frontEnd.deliver(WatchDelivery(connection: 1, event: event, zxid: 3, acl: ACL.openACLUnsafe), actions: &actions)
        #expect(actions == [.send(1, .notification(ReplyHeader(xid: SpecialXid.notification, zxid: 3, err: .ok), event))])
    }

    @Test func aClosedConnectionTakesItsWatchesAndNamesItsSession() {
        var frontEnd = withSession()
        frontEnd.watches.addChildWatch(Array("/".utf8), 1)
        #expect(frontEnd.connectionClosed(1) == 0x11)
        #expect(frontEnd.watches.watchCount == 0)
        #expect(frontEnd.connectionClosed(1) == nil)
    }

    @Test func connectionsOverThePerHostLimitAreClosedAtOnce() {
        var frontEnd = makeFrontEnd { $0.maxClientConnectionsPerHost = 1 }
        var actions: [CoreAction] = []
        frontEnd.connectionOpened(1, address: local, now: start, actions: &actions)
        frontEnd.connectionOpened(2, address: local, now: start, actions: &actions)
        #expect(frontEnd.connections.keys.sorted() == [1])
        #expect(actions.count == 1)
        if case .close(2, _) = actions.first {} else { Issue.record("expected connection 2 closed, got \(actions)") }
    }

    @Test func aWriteIsHandedOnForTheProposerAndRefusedInOrderWhileTheLogIsDown() throws {
        var frontEnd = withSession()
        let tree = DataTree(extendedTypesEnabled: false)
        var actions: [CoreAction] = []
        let create = ZKRequest.create(CreateRequest(path: "/a", data: "", acl: ACL.openACLUnsafe, flags: 0))
        let handed = frontEnd.received(1, xid: 1, opCode: .create, body: .success(create), receivedNanos: nil, now: start,
                                       writesAccepted: true, tree: tree, actions: &actions)
        let write = try #require(handed?.write)
        #expect(handed?.sessionID == 0x11)
        #expect(write.xid == 1 && write.request == create && write.requester.sessionID == 0x11)
        #expect(actions.isEmpty)
        frontEnd.awaitWrite(1, zxid: 1)
        // With the log down the next write is refused, but only after the first is answered.
        let refused = frontEnd.received(1, xid: 2, opCode: .create, body: .success(create), receivedNanos: nil, now: start,
                                        writesAccepted: false, tree: tree, actions: &actions)
        #expect(refused?.write == nil)
        #expect(actions.isEmpty)
        frontEnd.reply(1, xid: 1, err: .systemError, actions: &actions)
        frontEnd.finishHead(1, tree: tree, actions: &actions)
        #expect(replies(actions).map(\.xid) == [1, 2])
        #expect(replies(actions).map(\.err) == [.systemError, .systemError])
    }

    @Test func aConnectionWithoutASessionHandsNothingOn() {
        var frontEnd = makeFrontEnd()
        var actions: [CoreAction] = []
        frontEnd.connectionOpened(1, address: local, now: start, actions: &actions)
        let handed = frontEnd.received(1, xid: 1, opCode: .exists, body: .success(.exists(ExistsRequest(path: "/", watch: false))),
                                       receivedNanos: nil, now: start, writesAccepted: true, tree: DataTree(extendedTypesEnabled: false),
                                       actions: &actions)
        #expect(handed == nil)
        #expect(actions.isEmpty)
    }
}
