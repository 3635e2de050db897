import Testing
import ZKProtocol
import ZKServerCore
@testable import ZKZab

/// Scripted broadcast scenarios: three voters (leader 1, followers 2 and 3)
/// and observer 4, in epoch 1.
@Suite struct BroadcastScenarioTests {
    static let quorum = QuorumVerifier(majorityOf: [member(1), member(2), member(3), member(4, .observer)])
    static let z0 = ZxidMath.zxid(epoch: 1, counter: 0)
    static func z(_ counter: Int64, epoch: Int64 = 1) -> Int64 { ZxidMath.zxid(epoch: epoch, counter: counter) }

    /// A leader with followers 2, 3 and observer 4 synced to `z0`, its
    /// ready emptied.
    static func leader(limit: Int = 1000, syncLimit: Int64 = 2, lastZxid: Int64? = nil) -> BroadcastLeader {
        var leader = BroadcastLeader(configuration: .init(myID: 1, quorum: quorum, epoch: 1, syncLimitTicks: syncLimit,
                                                          limits: BroadcastLimits(maxOutstandingProposals: limit)),
                                     lastZxid: lastZxid)
        let start = lastZxid ?? z0
        #expect(leader.addLearner(2, isObserver: false, syncedTo: start) == .joined)
        #expect(leader.addLearner(3, isObserver: false, syncedTo: start) == .joined)
        #expect(leader.addLearner(4, isObserver: true, syncedTo: start) == .joined)
        leader.advance(leader.ready())
        return leader
    }

    static func follower(isObserver: Bool = false, lastZxid: Int64 = z0, epoch: Int64 = 1) -> BroadcastLearner {
        BroadcastLearner(configuration: .init(myID: isObserver ? 4 : 2, leader: 1, epoch: epoch, isObserver: isObserver), lastZxid: lastZxid)
    }

    static func ack(_ zxid: Int64) -> QuorumPacket { QuorumPacket(.ack, zxid: zxid) }
    static func commit(_ zxid: Int64) -> QuorumPacket { QuorumPacket(.commit, zxid: zxid) }

    /// Takes and clears the ready value.
    static func take(_ leader: inout BroadcastLeader) -> BroadcastReady {
        let ready = leader.ready()
        leader.advance(ready)
        return ready
    }

    static func take(_ learner: inout BroadcastLearner) -> BroadcastReady {
        let ready = learner.ready()
        learner.advance(ready)
        return ready
    }

    // MARK: Leader

    @Test func proposalGoesToFollowersAndTheLocalLogButNotToObservers() {
        var leader = Self.leader()
        let p1 = broadcastTxn(Self.z(1))
        #expect(leader.propose(p1) == .proposed)
        let ready = Self.take(&leader)
        #expect(ready.toPersist == [p1])
        #expect(ready.messages == [BroadcastMessage(to: 2, packet: p1.proposalPacket), BroadcastMessage(to: 3, packet: p1.proposalPacket)])
        #expect(ready.committed.isEmpty)
    }

    @Test func commitNeedsAFollowersAckAndTheLeadersOwnAfterItsPersist() {
        var leader = Self.leader()
        let p1 = broadcastTxn(Self.z(1))
        leader.propose(p1)
        _ = Self.take(&leader)
        leader.step(from: 2, Self.ack(Self.z(1)))
        // One ACK of three voters: the leader's own does not count before its persist.
        #expect(leader.lastCommittedZxid == Self.z0)
        #expect(Self.take(&leader).isEmpty)
        leader.persisted(through: Self.z(1))
        #expect(leader.lastCommittedZxid == Self.z(1))
        let ready = Self.take(&leader)
        #expect(ready.messages == [
            BroadcastMessage(to: 2, packet: Self.commit(Self.z(1))),
            BroadcastMessage(to: 3, packet: Self.commit(Self.z(1))),
            BroadcastMessage(to: 4, packet: p1.informPacket),
        ])
        #expect(ready.committed == [p1])
    }

    @Test func leadersPersistAloneDoesNotCommit() {
        var leader = Self.leader()
        leader.propose(broadcastTxn(Self.z(1)))
        leader.persisted(through: Self.z(1))
        #expect(leader.lastCommittedZxid == Self.z0)
        #expect(Self.take(&leader).committed.isEmpty)
    }

    @Test func twoFollowersCommitButTheLeaderAppliesOnlyOnceItsLogHoldsIt() {
        var leader = Self.leader()
        let p1 = broadcastTxn(Self.z(1))
        leader.propose(p1)
        _ = Self.take(&leader)
        leader.step(from: 2, Self.ack(Self.z(1)))
        leader.step(from: 3, Self.ack(Self.z(1)))
        #expect(leader.lastCommittedZxid == Self.z(1))
        let first = Self.take(&leader)
        #expect(first.messages.count == 3)
        #expect(first.committed.isEmpty)
        leader.persisted(through: Self.z(1))
        #expect(Self.take(&leader) == BroadcastReady(committed: [p1]))
    }

    @Test func commitsInZxidOrderEvenWhenALaterProposalHasItsQuorumFirst() {
        var leader = Self.leader()
        let p1 = broadcastTxn(Self.z(1)), p2 = broadcastTxn(Self.z(2))
        leader.propose(p1)
        leader.propose(p2)
        leader.persisted(through: Self.z(2))
        _ = Self.take(&leader)
        leader.step(from: 3, Self.ack(Self.z(2)))
        #expect(leader.lastCommittedZxid == Self.z0)
        #expect(Self.take(&leader).isEmpty)
        leader.step(from: 2, Self.ack(Self.z(1)))
        let ready = Self.take(&leader)
        #expect(ready.committed == [p1, p2])
        #expect(ready.messages.filter { $0.to == 2 }.map(\.packet) == [Self.commit(Self.z(1)), Self.commit(Self.z(2))])
        #expect(ready.messages.filter { $0.to == 4 }.map(\.packet) == [p1.informPacket, p2.informPacket])
    }

    @Test func acksWithZeroCounterOrAlreadyCommittedOrFutureOrFromStrangersAndObserversAreIgnored() {
        var leader = Self.leader()
        leader.propose(broadcastTxn(Self.z(1)))
        leader.persisted(through: Self.z(1))
        _ = Self.take(&leader)
        leader.step(from: 2, Self.ack(Self.z0))  // NEWLEADER/UPTODATE style
        leader.step(from: 2, Self.ack(Self.z(5)))  // never proposed
        leader.step(from: 9, Self.ack(Self.z(1)))  // not a learner
        leader.step(from: 4, Self.ack(Self.z(1)))  // an observer
        leader.step(from: 2, Self.ack(Self.z(1, epoch: 0)))  // an older epoch
        #expect(leader.lastCommittedZxid == Self.z0)
        #expect(leader.ignoredAcks == 5)
        leader.step(from: 2, Self.ack(Self.z(1)))
        #expect(leader.lastCommittedZxid == Self.z(1))
        leader.step(from: 3, Self.ack(Self.z(1)))  // already committed
        #expect(leader.ignoredAcks == 6)
        #expect(Self.take(&leader).messages.count == 3)
    }

    @Test func proposeRefusesAZxidThatIsNotTheNext() {
        var leader = Self.leader()
        #expect(leader.propose(broadcastTxn(Self.z(2))) == .notNextZxid(expected: Self.z(1)))
        #expect(leader.propose(broadcastTxn(Self.z(1, epoch: 2))) == .notNextZxid(expected: Self.z(1)))
        #expect(leader.propose(broadcastTxn(Self.z0)) == .notNextZxid(expected: Self.z(1)))
        #expect(leader.lastProposedZxid == Self.z0)
        #expect(Self.take(&leader).isEmpty)
    }

    @Test func theFirstProposalOfAnEpochAfterAnOlderLastZxidHasCounterOne() {
        var leader = Self.leader(lastZxid: ZxidMath.zxid(epoch: 0, counter: 7))
        #expect(leader.propose(broadcastTxn(ZxidMath.zxid(epoch: 0, counter: 8))) == .notNextZxid(expected: Self.z(1)))
        #expect(leader.propose(broadcastTxn(Self.z(1))) == .proposed)
    }

    @Test func counterFFFFFFFFStepsDownToForceANewEpoch() {
        var leader = Self.leader(lastZxid: Self.z(0xffff_fffe))
        let last = Self.z(0xffff_ffff)
        #expect(leader.propose(broadcastTxn(last)) == .counterExhausted)
        let ready = Self.take(&leader)
        #expect(ready.stepDown == .zxidCounterExhausted(zxid: last))
        #expect(ready.messages.isEmpty && ready.toPersist.isEmpty)
        #expect(leader.propose(broadcastTxn(last)) == .stopped)
        leader.step(from: 2, Self.ack(last))
        leader.tick(now: 1)
        #expect(Self.take(&leader).isEmpty)
    }

    @Test func proposeRefusesAboveTheOutstandingLimitUntilSomethingIsApplied() {
        var leader = Self.leader(limit: 2)
        #expect(leader.propose(broadcastTxn(Self.z(1))) == .proposed)
        #expect(leader.propose(broadcastTxn(Self.z(2))) == .proposed)
        #expect(leader.propose(broadcastTxn(Self.z(3))) == .tooManyOutstanding(limit: 2))
        leader.step(from: 2, Self.ack(Self.z(1)))
        leader.step(from: 3, Self.ack(Self.z(1)))
        // Committed but not durable here: still outstanding.
        #expect(leader.propose(broadcastTxn(Self.z(3))) == .tooManyOutstanding(limit: 2))
        leader.persisted(through: Self.z(1))
        #expect(leader.outstandingCount == 1)
        #expect(leader.propose(broadcastTxn(Self.z(3))) == .proposed)
    }

    @Test func lostQuorumWhenFewerThanAQuorumIsHeardWithinSyncLimit() {
        var leader = Self.leader(syncLimit: 2)
        leader.tick(now: 1)
        #expect(Self.take(&leader).messages.map(\.packet.packetType) == [.ping, .ping, .ping])
        leader.tick(now: 2)
        leader.step(from: 2, QuorumPacket(.ping, zxid: Self.z0))
        leader.step(from: 4, QuorumPacket(.ping, zxid: Self.z0))  // observers do not count
        leader.tick(now: 3)
        #expect(leader.syncedServers == [1, 2])
        leader.tick(now: 4)
        #expect(leader.stepDownReason == nil)
        leader.tick(now: 5)
        #expect(leader.syncedServers == [1])
        #expect(leader.stepDownReason == .lostQuorum(synced: [1]))
        #expect(Self.take(&leader).stepDown == .lostQuorum(synced: [1]))
        #expect(leader.propose(broadcastTxn(Self.z(1))) == .stopped)
    }

    @Test func aLearnerJoiningMidwayGetsTheOutstandingProposals() {
        var leader = BroadcastLeader(configuration: .init(myID: 1, quorum: Self.quorum, epoch: 1, syncLimitTicks: 5))
        leader.addLearner(2, isObserver: false, syncedTo: Self.z0)
        let p1 = broadcastTxn(Self.z(1)), p2 = broadcastTxn(Self.z(2))
        leader.propose(p1)
        leader.propose(p2)
        leader.step(from: 2, Self.ack(Self.z(1)))
        leader.step(from: 2, Self.ack(Self.z(2)))
        _ = Self.take(&leader)
        // One follower of three voters: nothing commits until the leader's log holds it.
        #expect(leader.lastCommittedZxid == Self.z0)
        leader.persisted(through: Self.z(1))
        #expect(leader.lastAppliedZxid == Self.z(1))
        _ = Self.take(&leader)
        #expect(leader.addLearner(3, isObserver: false, syncedTo: Self.z0) == .syncedOutOfRange(lowest: Self.z(1), highest: Self.z(2)))
        #expect(leader.addLearner(3, isObserver: false, syncedTo: Self.z(1)) == .joined)
        #expect(Self.take(&leader).messages == [BroadcastMessage(to: 3, packet: p2.proposalPacket)])
        leader.step(from: 3, Self.ack(Self.z(2)))
        leader.persisted(through: Self.z(2))
        let ready = Self.take(&leader)
        #expect(ready.committed == [p2])
        #expect(ready.messages.map(\.to) == [2, 3])
        #expect(leader.addLearner(4, isObserver: true, syncedTo: Self.z(3)) == .syncedOutOfRange(lowest: Self.z(2), highest: Self.z(2)))
    }

    @Test func aLearnerRejoiningBehindACommitNotYetAppliedGetsProposalAndCommitOrInform() {
        var leader = Self.leader()
        let p1 = broadcastTxn(Self.z(1))
        leader.propose(p1)
        leader.step(from: 2, Self.ack(Self.z(1)))
        leader.step(from: 3, Self.ack(Self.z(1)))
        _ = Self.take(&leader)
        // Committed by the followers, not applied: the leader's log is behind.
        #expect(leader.lastCommittedZxid == Self.z(1) && leader.lastAppliedZxid == Self.z0)
        #expect(leader.addLearner(3, isObserver: false, syncedTo: Self.z0) == .joined)
        #expect(leader.addLearner(4, isObserver: true, syncedTo: Self.z0) == .joined)
        #expect(Self.take(&leader).messages == [
            BroadcastMessage(to: 3, packet: p1.proposalPacket),
            BroadcastMessage(to: 3, packet: Self.commit(Self.z(1))),
            BroadcastMessage(to: 4, packet: p1.informPacket),
        ])
        leader.removeLearner(2)
        leader.persisted(through: Self.z(1))
        #expect(Self.take(&leader) == BroadcastReady(committed: [p1]))
    }

    @Test func aReconfigCommitsAsAnActivation() throws {
        var leader = Self.leader()
        let reconfig = broadcastTxn(Self.z(1), type: .reconfig)
        leader.propose(reconfig, designatedLeader: 2)
        _ = Self.take(&leader)
        leader.persisted(through: Self.z(1))
        leader.step(from: 3, Self.ack(Self.z(1)))
        let ready = Self.take(&leader)
        let toFollower = try #require(ready.messages.first { $0.to == 2 }?.packet)
        let toObserver = try #require(ready.messages.first { $0.to == 4 }?.packet)
        #expect(toFollower.packetType == .commitAndActivate)
        #expect(toObserver.packetType == .informAndActivate)
        #expect(try Activation(packet: toObserver) == Activation(zxid: Self.z(1), designatedLeader: 2, proposal: reconfig))
        #expect(ready.activations == [Activation(zxid: Self.z(1), designatedLeader: 2, proposal: nil)])

        var follower = Self.follower()
        follower.step(reconfig.proposalPacket)
        follower.persisted(through: Self.z(1))
        follower.step(toFollower)
        #expect(Self.take(&follower).activations == [Activation(zxid: Self.z(1), designatedLeader: 2, proposal: nil)])
        var observer = Self.follower(isObserver: true)
        observer.step(toObserver)
        observer.persisted(through: Self.z(1))
        let observed = Self.take(&observer)
        #expect(observed.committed == [reconfig])
        #expect(observed.activations == [Activation(zxid: Self.z(1), designatedLeader: 2, proposal: nil)])
    }

    // MARK: Follower and observer

    @Test func followerPersistsThenAcksThenAppliesOnCommit() {
        var follower = Self.follower()
        let p1 = broadcastTxn(Self.z(1)), p2 = broadcastTxn(Self.z(2))
        follower.step(p1.proposalPacket)
        follower.step(p2.proposalPacket)
        #expect(Self.take(&follower) == BroadcastReady(toPersist: [p1, p2]))
        follower.persisted(through: Self.z(1))
        #expect(Self.take(&follower).messages == [BroadcastMessage(to: 1, packet: Self.ack(Self.z(1)))])
        follower.step(Self.commit(Self.z(1)))
        follower.step(Self.commit(Self.z(2)))
        // z2 is committed but not durable here yet.
        #expect(Self.take(&follower) == BroadcastReady(committed: [p1]))
        follower.persisted(through: Self.z(2))
        #expect(Self.take(&follower) == BroadcastReady(messages: [BroadcastMessage(to: 1, packet: Self.ack(Self.z(2)))], committed: [p2]))
    }

    @Test func commitThatIsNotTheOldestPendingProposalIsAnError() {
        var follower = Self.follower()
        follower.step(broadcastTxn(Self.z(1)).proposalPacket)
        follower.step(broadcastTxn(Self.z(2)).proposalPacket)
        follower.step(Self.commit(Self.z(2)))
        #expect(follower.haltedBy == .unmatchedCommit(zxid: Self.z(2), expected: Self.z(1)))
        let ready = Self.take(&follower)
        #expect(ready.errors == [.unmatchedCommit(zxid: Self.z(2), expected: Self.z(1))])
        // Halted: nothing more happens.
        follower.step(Self.commit(Self.z(1)))
        follower.persisted(through: Self.z(2))
        #expect(Self.take(&follower).isEmpty)
    }

    @Test func commitWithNothingPendingIsAnError() {
        var follower = Self.follower()
        follower.step(Self.commit(Self.z(1)))
        #expect(Self.take(&follower).errors == [.unmatchedCommit(zxid: Self.z(1), expected: nil)])
    }

    @Test func aGapInProposalZxidsIsAnError() {
        var follower = Self.follower()
        let p1 = broadcastTxn(Self.z(1))
        follower.step(p1.proposalPacket)
        follower.step(broadcastTxn(Self.z(3)).proposalPacket)
        let ready = Self.take(&follower)
        #expect(ready.toPersist == [p1])
        #expect(ready.errors == [.zxidNotNext(type: .proposal, zxid: Self.z(3), expected: Self.z(2))])
        var other = Self.follower()
        other.step(broadcastTxn(Self.z(1, epoch: 2)).proposalPacket)
        #expect(other.haltedBy == .zxidNotNext(type: .proposal, zxid: Self.z(1, epoch: 2), expected: Self.z(1)))
    }

    @Test func aFollowerSyncedToAnOlderEpochTakesCounterOneFirst() {
        var follower = Self.follower(lastZxid: ZxidMath.zxid(epoch: 1, counter: 9), epoch: 2)
        follower.step(broadcastTxn(Self.z(1, epoch: 2)).proposalPacket)
        #expect(follower.haltedBy == nil)
        #expect(follower.lastLoggedZxid == Self.z(1, epoch: 2))
    }

    @Test func unreadableOrMislabelledProposalsAreErrors() {
        var follower = Self.follower()
        follower.step(QuorumPacket(.proposal, zxid: Self.z(1), data: JuteBytes([0, 1, 2])))
        guard case .malformed(type: .proposal, zxid: Self.z(1), error: _)? = follower.haltedBy else {
            Issue.record("expected malformed, got \(String(describing: follower.haltedBy))")
            return
        }
        var other = Self.follower()
        let p1 = broadcastTxn(Self.z(1))
        other.step(QuorumPacket(.proposal, zxid: Self.z(2), data: JuteBytes(p1.encodedBytes)))
        #expect(other.haltedBy == .zxidMismatch(type: .proposal, packetZxid: Self.z(2), headerZxid: Self.z(1)))
    }

    @Test func followerRefusesMoreThanTheLimitOfPendingProposals() {
        var follower = BroadcastLearner(configuration: .init(myID: 2, leader: 1, epoch: 1, limits: BroadcastLimits(maxOutstandingProposals: 2)),
                                        lastZxid: Self.z0)
        follower.step(broadcastTxn(Self.z(1)).proposalPacket)
        follower.step(broadcastTxn(Self.z(2)).proposalPacket)
        follower.step(broadcastTxn(Self.z(3)).proposalPacket)
        #expect(follower.haltedBy == .tooManyPending(limit: 2))
    }

    @Test func observerLogsAndAppliesInformAndIgnoresProposalsAndCommits() {
        var observer = Self.follower(isObserver: true)
        let p1 = broadcastTxn(Self.z(1)), p2 = broadcastTxn(Self.z(2))
        observer.step(p1.proposalPacket)
        observer.step(Self.commit(Self.z(1)))
        #expect(Self.take(&observer).isEmpty)
        observer.step(p1.informPacket)
        observer.step(p2.informPacket)
        #expect(Self.take(&observer) == BroadcastReady(toPersist: [p1, p2]))
        observer.persisted(through: Self.z(2))
        // Observers never ACK.
        #expect(Self.take(&observer) == BroadcastReady(committed: [p1, p2]))
        observer.step(broadcastTxn(Self.z(4)).informPacket)
        #expect(observer.haltedBy == .zxidNotNext(type: .inform, zxid: Self.z(4), expected: Self.z(3)))
    }

    @Test func followerIgnoresInformAndTheShellsPackets() {
        var follower = Self.follower()
        follower.step(broadcastTxn(Self.z(1)).informPacket)
        follower.step(QuorumPacket(.ping, zxid: Self.z0))
        follower.step(QuorumPacket(.sync, zxid: 0))
        follower.step(QuorumPacket(type: 99, zxid: 0, data: .null, authinfo: nil))
        #expect(Self.take(&follower).isEmpty)
        #expect(follower.haltedBy == nil)
    }

    // MARK: Three servers together

    @Test func threeServersCommitWhatTheLeaderProposesInOrder() {
        var network = BroadcastNetwork(seed: 7, options: .init(crashPerMille: 0))
        let outcome = network.run()
        #expect(outcome.violations == [])
        #expect(outcome.steppedDown == nil)
        #expect(network.proposed.count > 20)
        #expect(outcome.leaderCommitted == Int64(network.proposed.count))
        for id: ServerID in [1, 2, 3, 4] { #expect(network.applied[id] == network.proposed) }
    }
}
