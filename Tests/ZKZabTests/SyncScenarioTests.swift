import Testing
import ZKProtocol
@testable import ZKZab

/// Apache's Zab1_0Test follower conversations, and the §7 bug scenarios,
/// replayed against LearnerSync.
struct SyncScenarioTests {
    func learner(sid: Int64 = 0, acceptedEpoch: Int64 = 0, currentEpoch: Int64 = 0, lastLogged: Int64 = 0, observer: Bool = false) -> LearnerSync {
        var machine = LearnerSync(configuration: .init(
            myID: ServerID(raw: sid), isObserver: observer, acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch,
            lastLoggedZxid: lastLogged
        ))
        machine.start()
        return machine
    }

    static let setData1000: ProposalPayload = ProposalPayload(
        header: TxnHeader(clientId: 4, cxid: 1414, zxid: zx(1, 1000), time: 55, type: .setData),
        body: .setData(SetDataTxn(path: JuteBytes(Array("/foo".utf8)), data: JuteBytes(Array("data2".utf8)), version: 2)),
        digest: nil
    )

    @Test("testNormalFollowerRun: SNAP path, acceptedEpoch written before ACKEPOCH, snapshot then currentEpoch then ACK")
    func normalFollowerRunSnap() {
        var learner = learner()
        let hello = takeReady(&learner)
        #expect(hello.messages == [learnerHello(sid: 0, acceptedEpoch: 0)])
        #expect(hello.messages.first?.zxid == 0)
        learner.receive(LeaderInfo(newEpoch: 1).packet)
        let accepted = takeReady(&learner)
        #expect(accepted.persist == [.epoch(.acceptedEpoch(1))])
        #expect(accepted.messages.isEmpty)
        let ackEpoch = takeReady(&learner)
        #expect(ackEpoch.messages == [AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet])
        #expect(hexBytes(AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet) == "00000012" + "0000000000000000" + "00000004" + "00000000" + "ffffffff")
        #expect(learner.durableAcceptedEpoch == 1 && learner.durableCurrentEpoch == 0)

        learner.receive(QuorumPacket(.snap, zxid: zx(1, 1), data: JuteBytes([])))
        let load = takeReady(&learner)
        #expect(load.loadSnapshot == zx(1, 1))
        learner.receive(NewLeader(newEpoch: 1, config: nil).packet)
        let snapshot = takeReady(&learner)
        #expect(snapshot.persist == [.snapshot(zxid: zx(1, 1))])
        #expect(snapshot.messages.isEmpty)
        let epoch = takeReady(&learner)
        #expect(epoch.persist == [.epoch(.currentEpoch(1))])
        #expect(epoch.messages.isEmpty)
        let ack = takeReady(&learner)
        #expect(ack.messages == [QuorumPacket(.ack, zxid: zx(1, 0))])
        #expect(learner.durableCurrentEpoch == 1)

        learner.receive(Self.setData1000.proposalPacket)
        learner.receive(QuorumPacket(.commit, zxid: zx(1, 1000)))
        learner.receive(QuorumPacket(.upToDate, zxid: 0))
        let serving = takeReady(&learner)
        #expect(serving.messages == [QuorumPacket(.ack, zxid: zx(1, 0))])
        #expect(serving.serving == LearnerServing(epoch: 1, lastLoggedZxid: zx(1, 1), pendingProposals: [Self.setData1000], committedZxids: [zx(1, 1000)]))
        #expect(learner.phase == .serving)
    }

    @Test("testNormalFollowerRunWithDiff: DIFF, PROPOSAL+COMMIT, NEWLEADER ⇒ txns durable, then currentEpoch, then ACK")
    func normalFollowerRunWithDiff() {
        var learner = learner()
        _ = takeReady(&learner)
        learner.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&learner)
        _ = takeReady(&learner)
        learner.receive(QuorumPacket(.diff, zxid: zx(1, 1)))
        let session = ProposalPayload(
            header: TxnHeader(clientId: 4, cxid: 1414, zxid: zx(1, 2), time: 55, type: .createSession),
            body: .createSession(CreateSessionTxn(timeOut: 0x333)), digest: nil
        )
        learner.receive(session.proposalPacket)
        learner.receive(QuorumPacket(.commit, zxid: zx(1, 2)))
        learner.receive(NewLeader(newEpoch: 1, config: nil).packet)
        let txns = takeReady(&learner)
        #expect(txns.persist == [.txns([session])])
        #expect(txns.messages.isEmpty)
        let epoch = takeReady(&learner)
        #expect(epoch.persist == [.epoch(.currentEpoch(1))])
        #expect(epoch.messages.isEmpty)
        #expect(takeReady(&learner).messages == [QuorumPacket(.ack, zxid: zx(1, 0))])
        learner.receive(QuorumPacket(.upToDate, zxid: 0))
        let serving = takeReady(&learner)
        #expect(serving.serving?.lastLoggedZxid == zx(1, 2))
        #expect(serving.serving?.pendingProposals == [])
    }

    @Test("LEADERINFO at our acceptedEpoch ⇒ ACKEPOCH(-1) at once; below it ⇒ the learner gives up")
    func leaderInfoEpochs() {
        var same = learner(acceptedEpoch: 3, currentEpoch: 2, lastLogged: zx(2, 4))
        _ = takeReady(&same)
        same.receive(LeaderInfo(newEpoch: 3).packet)
        let ack = takeReady(&same)
        #expect(ack.persist.isEmpty)
        #expect(ack.messages == [AckEpoch(lastLoggedZxid: zx(2, 4), currentEpoch: -1).packet])

        var behind = learner(acceptedEpoch: 3, currentEpoch: 2)
        _ = takeReady(&behind)
        behind.receive(LeaderInfo(newEpoch: 2).packet)
        #expect(takeReady(&behind).failure == LearnerSyncFailure(error: .leaderEpochBehind(offered: 2, accepted: 3), discardInMemoryTree: false))
    }

    @Test("TRUNC asks for the log to be cut, then proposals continue from the cut")
    func trunc() {
        var learner = learner(acceptedEpoch: 1, currentEpoch: 1, lastLogged: zx(1, 7))
        _ = takeReady(&learner)
        learner.receive(LeaderInfo(newEpoch: 2).packet)
        _ = takeReady(&learner)
        _ = takeReady(&learner)
        learner.receive(QuorumPacket(.trunc, zxid: zx(1, 5)))
        #expect(takeReady(&learner).truncate == zx(1, 5))
        learner.receive(syncTxn(1, 6, tag: 9).proposalPacket)
        learner.receive(QuorumPacket(.commit, zxid: zx(1, 6)))
        learner.receive(NewLeader(newEpoch: 2, config: nil).packet)
        #expect(takeReady(&learner).persist == [.txns([syncTxn(1, 6, tag: 9)])])

        var past = self.learner(acceptedEpoch: 1, currentEpoch: 1, lastLogged: zx(1, 3))
        _ = takeReady(&past)
        past.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&past)
        past.receive(QuorumPacket(.trunc, zxid: zx(1, 5)))
        #expect(takeReady(&past).failure != nil)
    }

    @Test("ZOOKEEPER-3642: a SNAP not yet written at failure must be discarded; after NEWLEADER's write it need not")
    func unsavedSnapshotDiscarded() {
        var learner = learner()
        _ = takeReady(&learner)
        learner.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&learner)
        _ = takeReady(&learner)
        learner.receive(QuorumPacket(.snap, zxid: zx(1, 1)))
        _ = takeReady(&learner)
        learner.disconnected()
        #expect(takeReady(&learner).failure == LearnerSyncFailure(error: .disconnected, discardInMemoryTree: true))

        var saved = self.learner()
        _ = takeReady(&saved)
        saved.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&saved)
        _ = takeReady(&saved)
        saved.receive(QuorumPacket(.snap, zxid: zx(1, 1)))
        saved.receive(NewLeader(newEpoch: 1, config: nil).packet)
        _ = takeReady(&saved)
        saved.disconnected()
        #expect(takeReady(&saved).failure == LearnerSyncFailure(error: .disconnected, discardInMemoryTree: false))

        var diff = self.learner()
        _ = takeReady(&diff)
        diff.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&diff)
        _ = takeReady(&diff)
        diff.receive(QuorumPacket(.diff, zxid: 0))
        diff.tick()
        for _ in 0..<10 { diff.tick() }
        #expect(takeReady(&diff).failure == LearnerSyncFailure(error: .timedOut, discardInMemoryTree: false))
    }

    @Test("ZOOKEEPER-4394: DIFF→PROPOSAL→COMMIT→PROPOSAL→NEWLEADER→COMMIT→UPTODATE keeps the open proposal for the late COMMIT")
    func commitAfterNewLeaderAck() {
        var learner = learner(acceptedEpoch: 1, currentEpoch: 1, lastLogged: zx(1, 1))
        _ = takeReady(&learner)
        learner.receive(LeaderInfo(newEpoch: 2).packet)
        _ = takeReady(&learner)
        _ = takeReady(&learner)
        learner.receive(QuorumPacket(.diff, zxid: zx(1, 2)))
        learner.receive(syncTxn(1, 2).proposalPacket)
        learner.receive(QuorumPacket(.commit, zxid: zx(1, 2)))
        learner.receive(syncTxn(2, 1).proposalPacket)
        learner.receive(NewLeader(newEpoch: 2, config: nil).packet)
        #expect(takeReady(&learner).persist == [.txns([syncTxn(1, 2)])])
        #expect(takeReady(&learner).persist == [.epoch(.currentEpoch(2))])
        #expect(takeReady(&learner).messages == [QuorumPacket(.ack, zxid: zx(2, 0))])
        learner.receive(QuorumPacket(.commit, zxid: zx(2, 1)))
        // Apache pings once NEWLEADER is queued; a ping during sync is ignored.
        learner.receive(QuorumPacket(.ping, zxid: zx(2, 1)))
        #expect(learner.phase == .awaitingUpToDate)
        learner.receive(QuorumPacket(.upToDate, zxid: -1))
        let serving = takeReady(&learner)
        #expect(learner.phase == .serving)
        #expect(serving.serving?.pendingProposals == [syncTxn(2, 1)])
        #expect(serving.serving?.committedZxids == [zx(2, 1)])
    }

    @Test("proposals must be contiguous within an epoch (ZOOKEEPER-4925); a new epoch may begin")
    func contiguity() {
        func diffLearner() -> LearnerSync {
            var learner = self.learner(acceptedEpoch: 1, currentEpoch: 1, lastLogged: zx(1, 3))
            _ = takeReady(&learner)
            learner.receive(LeaderInfo(newEpoch: 2).packet)
            _ = takeReady(&learner)
            _ = takeReady(&learner)
            learner.receive(QuorumPacket(.diff, zxid: zx(1, 9)))
            return learner
        }
        var gap = diffLearner()
        gap.receive(syncTxn(1, 5).proposalPacket)
        #expect(takeReady(&gap).failure?.error == .proposalNotContiguous(previous: zx(1, 3), zxid: zx(1, 5)))
        var newEpoch = diffLearner()
        newEpoch.receive(syncTxn(1, 4).proposalPacket)
        newEpoch.receive(syncTxn(2, 1).proposalPacket)
        #expect(newEpoch.phase == .syncing)
        newEpoch.receive(syncTxn(2, 3).proposalPacket)
        #expect(takeReady(&newEpoch).failure?.error == .proposalNotContiguous(previous: zx(2, 1), zxid: zx(2, 3)))
        var unknownCommit = diffLearner()
        unknownCommit.receive(QuorumPacket(.commit, zxid: zx(1, 4)))
        #expect(takeReady(&unknownCommit).failure?.error == .commitWithoutProposal(zxid: zx(1, 4)))
    }

    @Test("the sync buffer has a limit in packets; NEWLEADER of another epoch and UPTODATE before our ACK are refused")
    func limitsAndOrder() {
        var learner = LearnerSync(configuration: .init(
            myID: 1, acceptedEpoch: 1, currentEpoch: 1, lastLoggedZxid: zx(1, 0),
            limits: SyncLimits(maxLearnerConnections: 1, maxWindowProposals: 1, maxPacketsBufferedDuringSync: 3)
        ))
        learner.start()
        learner.receive(LeaderInfo(newEpoch: 2).packet)
        _ = takeReady(&learner)
        _ = takeReady(&learner)
        learner.receive(QuorumPacket(.diff, zxid: 0))
        learner.receive(syncTxn(1, 1).proposalPacket)
        learner.receive(QuorumPacket(.commit, zxid: zx(1, 1)))
        learner.receive(syncTxn(1, 2).proposalPacket)
        #expect(learner.phase == .syncing)
        learner.receive(QuorumPacket(.commit, zxid: zx(1, 2)))
        #expect(takeReady(&learner).failure?.error == .tooManyPacketsDuringSync(limit: 3))

        var other = self.learner()
        _ = takeReady(&other)
        other.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&other)
        _ = takeReady(&other)
        other.receive(QuorumPacket(.diff, zxid: 0))
        other.receive(NewLeader(newEpoch: 2, config: nil).packet)
        #expect(takeReady(&other).failure?.error == .newLeaderEpochMismatch(expected: 1, got: 2))

        var early = self.learner()
        _ = takeReady(&early)
        early.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&early)
        _ = takeReady(&early)
        early.receive(QuorumPacket(.diff, zxid: 0))
        early.receive(QuorumPacket(.upToDate, zxid: -1))
        #expect(takeReady(&early).failure?.error == .unexpectedPacket(type: QuorumPacketType.upToDate.rawValue))
    }

    @Test("an observer sends OBSERVERINFO and takes INFORM during sync as committed")
    func observer() {
        var observer = learner(sid: 5, observer: true)
        #expect(takeReady(&observer).messages.first?.packetType == .observerInfo)
        observer.receive(LeaderInfo(newEpoch: 1).packet)
        _ = takeReady(&observer)
        _ = takeReady(&observer)
        observer.receive(QuorumPacket(.diff, zxid: 0))
        observer.receive(syncTxn(1, 1).informPacket)
        observer.receive(NewLeader(newEpoch: 1, config: nil).packet)
        #expect(takeReady(&observer).persist == [.txns([syncTxn(1, 1)])])
    }
}
