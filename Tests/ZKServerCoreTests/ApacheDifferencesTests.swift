import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKServerCore

// Each answer below was read off Apache ZooKeeper 3.8 with a raw-socket
// probe: ZKClient validates paths itself, so it cannot send these requests.

private func create(_ path: String, acl: [ACL] = ACL.openACLUnsafe) -> ZKRequest {
    .create(CreateRequest(path: JuteBytes(path), data: JuteBytes(""), acl: acl, flags: CreateMode.persistent.code))
}

@Suite("ServerCore matches Apache's answers")
struct ApacheDifferencesTests {
    @Test func existsAnswersWithTheStatOfANodeTheClientMayNotRead() throws {
        var h = CoreHarness()
        h.connect(1)
        h.connect(2)
        #expect(h.send(1, .auth(AuthPacket(type: 0, scheme: "digest", auth: "alice:secret")))?.header.err == .ok)
        let creatorOnly = [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]
        #expect(h.send(1, create("/private", acl: creatorOnly))?.header.err == .ok)
        #expect(h.send(2, .getData(GetDataRequest(path: "/private", watch: false)))?.header.err == .noAuth)
        let answer = h.send(2, .exists(ExistsRequest(path: "/private", watch: false)))
        let reply = try #require(answer)
        #expect(reply.header.err == .ok)
        guard case .exists(let response) = reply.body else { Issue.record("no Stat in \(reply)"); return }
        #expect(response.stat.czxid == h.core.tree.node(Array("/private".utf8))?.stat.czxid)
    }

    @Test(arguments: ["/p/", "/p//c", "//", "/p/./c", "/p/c/", "/nope/", "/p/\u{1}"])
    func deleteOfAnInvalidPathThatNamesNoNodeIsNoNode(path: String) {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/p"))
        h.send(1, create("/p/c"))
        #expect(h.send(1, .delete(DeleteRequest(path: JuteBytes(path), version: -1)))?.header.err == .noNode)
    }

    @Test(arguments: ["p", "", "/", "/zookeeper", "/p/c\u{0}"])
    func deleteWithoutASlashWithANulOrOfAServerNodeIsBadArguments(path: String) {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/p"))
        h.send(1, create("/p/c"))
        #expect(h.send(1, .delete(DeleteRequest(path: JuteBytes(path), version: -1)))?.header.err == .badArguments)
    }

    @Test func readsOfTheEmptyPathAnswerForTheRoot() throws {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/p"))
        h.send(1, create("/p/c"))
        let root = try #require(h.core.tree.node(ZNodePath.root))
        let exists = h.send(1, .exists(ExistsRequest(path: "", watch: false)))
        #expect(exists?.header.err == .ok)
        #expect(exists?.body == .exists(ExistsResponse(stat: root.clientStat)))
        #expect(h.send(1, .getData(GetDataRequest(path: "", watch: false)))?.body
            == .getData(GetDataResponse(data: root.data, stat: root.clientStat)))
        #expect(h.send(1, .getChildren(GetChildrenRequest(path: "", watch: false)))?.body
            == .getChildren(GetChildrenResponse(children: ["p", "zookeeper"])))
        #expect(h.send(1, .getChildren2(GetChildren2Request(path: "", watch: false)))?.header.err == .ok)
        #expect(h.send(1, .getACL(GetACLRequest(path: "")))?.body == .getACL(GetACLResponse(acl: root.acl, stat: root.clientStat)))
        // Apache counts every node under "" + "/": the root's descendants and the root.
        let underRoot = h.send(1, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/")))
        let underEmpty = h.send(1, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "")))
        guard case .getAllChildrenNumber(let a) = underRoot?.body, case .getAllChildrenNumber(let b) = underEmpty?.body else {
            Issue.record("no counts: \(String(describing: underRoot)), \(String(describing: underEmpty))")
            return
        }
        #expect(b.totalNumber == a.totalNumber + 1)
    }

    @Test func aNullPathIsAMarshallingErrorWhereApacheDereferencesIt() {
        var h = CoreHarness()
        h.connect(1)
        let marshalling: [ZKRequest] = [
            .exists(ExistsRequest(path: .null, watch: true)),
            .getData(GetDataRequest(path: .null, watch: true)),
            .getChildren(GetChildrenRequest(path: .null, watch: false)),
            .getChildren2(GetChildren2Request(path: .null, watch: false)),
            .getACL(GetACLRequest(path: .null)),
            .getAllChildrenNumber(GetAllChildrenNumberRequest(path: .null)),
            .delete(DeleteRequest(path: .null, version: -1)),
            .create(CreateRequest(path: .null, data: JuteBytes(""), acl: ACL.openACLUnsafe, flags: 0)),
        ]
        for request in marshalling {
            #expect(h.send(1, request)?.header.err == .marshallingError, "\(request.opCode)")
        }
        // Apache validates these paths first, and a null one is invalid.
        let badArguments: [ZKRequest] = [
            .setData(SetDataRequest(path: .null, data: JuteBytes("x"), version: -1)),
            .check(CheckVersionRequest(path: .null, version: -1)),
            .setACL(SetACLRequest(path: .null, acl: ACL.openACLUnsafe, version: -1)),
        ]
        for request in badArguments {
            #expect(h.send(1, request)?.header.err == .badArguments, "\(request.opCode)")
        }
        // In a multiRead it fails the whole request, as Apache's does.
        let multiRead = ZKRequest.multiRead(MultiRequest(ops: [
            .getData(GetDataRequest(path: "/", watch: false)), .getData(GetDataRequest(path: .null, watch: false)),
        ]))
        #expect(h.send(1, multiRead)?.header.err == .marshallingError)
        // sync echoes the path it was given, null included.
        #expect(h.send(1, .sync(SyncRequest(path: .null)))?.body == .sync(SyncResponse(path: .null)))
        // The connection lives on.
        #expect(!h.closed(1))
    }
}
