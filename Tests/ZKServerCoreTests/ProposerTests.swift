import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKServerCore

private let start = Now(monotonicNanos: 1_000_000_000, wallMillis: 1_700_000_000_000)

private func makeProposer(_ config: CoreConfig = CoreConfig()) -> Proposer {
    let access = AccessControl(superDigest: nil, skipACL: false, sasl: nil)
    return Proposer(config: config, access: access, lastZxid: 0,
                    sessions: SessionTracker(serverID: 1, wallMillis: start.wallMillis), now: start)
}

private func create(_ path: String, ephemeral: Bool = false) -> ZKRequest {
    .create(CreateRequest(path: JuteBytes(path), data: "", acl: ACL.openACLUnsafe,
                          flags: (ephemeral ? CreateMode.ephemeral : CreateMode.persistent).code))
}

@Suite("Proposer")
struct ProposerTests {
    @Test func everyProposalTakesTheNextZxidAndAFailedCheckIsAnErrorTxn() {
        var proposer = makeProposer()
        let committed = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        let me = Requester(sessionID: 0x11, authIds: [], clientAddress: [127, 0, 0, 1])
        var warnings: [CoreAction] = []
        let first = proposer.propose(create("/a"), cxid: 1, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        let again = proposer.propose(create("/a"), cxid: 2, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        let orphan = proposer.propose(create("/none/b"), cxid: 3, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        #expect([first, again, orphan].map(\.header.zxid) == [1, 2, 3])
        #expect(first.header.type == .create)
        // The second create sees the first, still unapplied, through the pending changes.
        #expect(again.body == .error(ErrorTxn(err: .nodeExists)))
        #expect(orphan.body == .error(ErrorTxn(err: .noNode)))
        #expect(warnings.isEmpty)
    }

    @Test func pendingChangesGoOnceTheirTransactionsApply() {
        var proposer = makeProposer()
        var committed = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        let me = Requester(sessionID: 0x11, authIds: [], clientAddress: [])
        var warnings: [CoreAction] = []
        let created = proposer.propose(create("/a"), cxid: 1, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        #expect(!proposer.pending.isEmpty)
        _ = committed.apply(created.header, created.body)
        proposer.applied(upTo: Zxid(raw: created.header.zxid))
        #expect(proposer.pending.isEmpty)
        let deleted = proposer.propose(.delete(DeleteRequest(path: "/a", version: -1)), cxid: 2, me, origin: .internal,
                                       committed: committed, now: start, warnings: &warnings)
        #expect(deleted.body == .delete(DeleteTxn(path: "/a")))
    }

    @Test func aSilentSessionIsProposedClosedWithItsEphemeralsPendingOnesIncluded() throws {
        var proposer = makeProposer()
        var committed = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        let (session, opened) = proposer.createSession(timeoutMillis: 4000, connection: 1, now: start)
        #expect(opened.body == .createSession(CreateSessionTxn(timeOut: 4000)))
        _ = committed.apply(opened.header, opened.body)
        let me = Requester(sessionID: session.id, authIds: [], clientAddress: [])
        var warnings: [CoreAction] = []
        _ = proposer.propose(create("/e", ephemeral: true), cxid: 1, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        var later = start
        later.monotonicNanos += 3_999_000_000
        #expect(proposer.tick(committed: committed, now: later).isEmpty)
        later.monotonicNanos += 20_000_000
        let closes = proposer.tick(committed: committed, now: later)
        let close = try #require(closes.first)
        #expect(closes.count == 1)
        #expect(close.header.type == .closeSession && close.header.clientId == session.id.raw)
        #expect(close.body == .closeSession(CloseSessionTxn(paths2Delete: ["/e"])))
        #expect(proposer.sessions[session.id]?.closing == true)
        // Nothing expires it twice.
        later.monotonicNanos += 1_000_000_000
        #expect(proposer.tick(committed: committed, now: later).isEmpty)
    }

    @Test func zxidsOfProposalsVoidedByALogFailureAreNeverHandedOutAgain() {
        var proposer = makeProposer()
        let committed = CommittedState(tree: DataTree(extendedTypesEnabled: false))
        let me = Requester(sessionID: 0x11, authIds: [], clientAddress: [])
        var warnings: [CoreAction] = []
        let lost = proposer.propose(create("/lost"), cxid: 1, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        proposer.discardUnapplied()
        let next = proposer.propose(create("/lost"), cxid: 2, me, origin: .internal, committed: committed, now: start, warnings: &warnings)
        #expect(next.header.zxid == lost.header.zxid + 1)
        // The voided create left no pending change behind.
        #expect(next.header.type == .create)
    }
}
