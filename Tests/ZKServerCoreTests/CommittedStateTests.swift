import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKServerCore

private func header(_ zxid: Int64, session: Int64 = 0x11, _ type: OpCode) -> TxnHeader {
    TxnHeader(clientId: session, cxid: 1, zxid: zxid, time: 1_700_000_000_000, type: type)
}

@Suite("CommittedState")
struct CommittedStateTests {
    @Test func createSessionAndCloseSessionAloneChangeTheReplicatedSessionTable() {
        var state = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        _ = state.apply(header(1, .createSession), .createSession(CreateSessionTxn(timeOut: 8000)))
        #expect(state.sessionTimeouts == [0x11: 8000])
        _ = state.apply(header(2, .create), .create(CreateTxn(path: "/e", data: "", acl: ACL.openACLUnsafe, ephemeral: true, parentCVersion: 1)))
        #expect(state.sessionTimeouts == [0x11: 8000])
        #expect(state.tree.ephemerals(of: 0x11) == [Array("/e".utf8)])
        let (_, triggers) = state.apply(header(3, .closeSession), .closeSession(CloseSessionTxn(paths2Delete: ["/e"])))
        #expect(state.sessionTimeouts.isEmpty)
        #expect(state.tree.node(Array("/e".utf8)) == nil)
        #expect(triggers.contains { $0.path == Array("/e".utf8) && $0.type == .nodeDeleted })
        #expect(state.lastProcessedZxid == 3)
    }

    @Test func applyAnswersWithTheResultAndTheWatchEventsItFires() {
        var state = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        let (result, triggers) = state.apply(header(5, .create), .create(CreateTxn(path: "/a", data: "v", acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1)))
        #expect(result.err == .ok && result.path == Array("/a".utf8))
        #expect(triggers.map(\.type).contains(.nodeCreated))
        #expect(triggers.map(\.type).contains(.nodeChildrenChanged))
        let (failed, none) = state.apply(header(6, .error), .error(ErrorTxn(err: .noNode)))
        #expect(failed.err == .noNode && none.isEmpty)
        #expect(state.lastProcessedZxid == 6)
    }

    @Test func theSameTransactionsGiveTheSameStateOnEveryServer() {
        let log: [(TxnHeader, TxnBody)] = [
            (header(1, .createSession), .createSession(CreateSessionTxn(timeOut: 4000))),
            (header(2, .create), .create(CreateTxn(path: "/a", data: "x", acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1))),
            (header(3, .setData), .setData(SetDataTxn(path: "/a", data: "y", version: 1))),
            (header(4, session: 0x12, .createSession), .createSession(CreateSessionTxn(timeOut: 6000))),
        ]
        var one = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        var two = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        for (h, b) in log { _ = one.apply(h, b) }
        for (h, b) in log { _ = two.apply(h, b) }
        #expect(one.sessionTimeouts == two.sessionTimeouts)
        #expect(one.sessionTimeouts == [0x11: 4000, 0x12: 6000])
        #expect(one.tree.node(Array("/a".utf8))?.stat == two.tree.node(Array("/a".utf8))?.stat)
        #expect(one.tree.node(Array("/a".utf8))?.data == two.tree.node(Array("/a".utf8))?.data)
    }
}
