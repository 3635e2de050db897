import NIOCore
import Testing
import ZKProtocol
import ZKServerCore
import ZKZab

private func majority(_ ids: ClosedRange<Int64>, observers: [Int64] = []) -> QuorumVerifier {
    QuorumVerifier(majorityOf: ids.map { member($0) } + observers.map { member($0, .observer) })
}

private func zxid(_ epoch: Int64, _ counter: Int64) -> Int64 { ZxidMath.zxid(epoch: epoch, counter: counter) }

private func at(_ millis: Int64) -> Now { Now(monotonicNanos: ms(millis), wallMillis: 0) }

/// Scripted elections through the deterministic network, each telling one
/// of Apache's FastLeaderElection rules.
@Suite("Election scenarios")
struct ElectionScenarioTests {
    /// Every live server decided, and all on `leader`: it LEADING, the rest
    /// FOLLOWING (or OBSERVING), all with the same vote.
    private func expectAgreement(_ network: ElectionNetwork, leader: ServerID, observers: Set<ServerID> = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let votes = network.nodes.keys.compactMap { network.decision(of: $0)?.vote }
        #expect(votes.count == network.nodes.count, "every live server decides", sourceLocation: sourceLocation)
        for (id, node) in network.nodes {
            let expected: ServerState = id == leader ? .leading : observers.contains(id) ? .observing : .following
            #expect(node.state == expected, "server \(id)", sourceLocation: sourceLocation)
            #expect(network.decision(of: id)?.leader == leader, "server \(id)", sourceLocation: sourceLocation)
            #expect(network.decision(of: id)?.state == expected, "server \(id)", sourceLocation: sourceLocation)
        }
        #expect(Set(votes.map { [$0.leader, $0.zxid, $0.peerEpoch] }).count == 1, "one vote", sourceLocation: sourceLocation)
    }

    @Test func threeVotersStartingTogetherElectTheHighestSid() {
        var network = ElectionNetwork(quorum: majority(1...3))
        for id in 1...3 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 5), epoch: 1) }
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(network, leader: 3)
        // Everyone stayed in round 1 and waited finalizeWait after agreeing.
        #expect(network.decisions.allSatisfy { $0.decision.vote.electionEpoch == 1 })
        #expect(network.decisions.allSatisfy { $0.atNanos >= ms(200) && $0.atNanos < ms(250) })
    }

    struct HistoryCase: Sendable, CustomTestStringConvertible {
        let histories: [(zxid: Int64, epoch: Int64)]
        let leader: Int64
        let testDescription: String
    }

    static let historyCases: [HistoryCase] = [
        HistoryCase(histories: [(zxid(1, 9), 1), (zxid(1, 5), 1), (zxid(1, 5), 1)], leader: 1,
                    testDescription: "a higher zxid beats a higher sid"),
        HistoryCase(histories: [(zxid(1, 9), 1), (zxid(1, 5), 2), (zxid(1, 7), 1)], leader: 2,
                    testDescription: "a higher peerEpoch beats a higher zxid"),
        HistoryCase(histories: [(zxid(2, 1), 2), (zxid(2, 1), 2), (zxid(1, 9), 1), (zxid(2, 1), 2), (zxid(2, 0), 2)], leader: 4,
                    testDescription: "five voters: the highest (peerEpoch, zxid, sid)"),
    ]

    @Test(arguments: historyCases)
    func theBestHistoryWinsAndEveryoneAgrees(_ scenario: HistoryCase) {
        var network = ElectionNetwork(quorum: majority(1...Int64(scenario.histories.count)))
        for (index, history) in scenario.histories.enumerated() {
            network.start(ServerID(raw: Int64(index + 1)), zxid: history.zxid, epoch: history.epoch)
        }
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(network, leader: ServerID(raw: scenario.leader))
        #expect(network.decision(of: ServerID(raw: scenario.leader))?.vote.zxid == scenario.histories[Int(scenario.leader) - 1].zxid)
    }

    @Test func twoOfThreeStillElectWithOneServerDown() {
        var network = ElectionNetwork(quorum: majority(1...3))
        network.crash(3)
        network.start(1, zxid: zxid(1, 5), epoch: 1)
        network.start(2, zxid: zxid(1, 4), epoch: 1)
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(network, leader: 1)
    }

    @Test func threeOfFiveElectWithTwoDownButOneOfThreeCannot() {
        var five = ElectionNetwork(quorum: majority(1...5))
        five.crash(4)
        five.crash(5)
        for id in 1...3 { five.start(ServerID(raw: Int64(id)), zxid: zxid(1, 2), epoch: 1) }
        #expect(five.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(five, leader: 3)

        var three = ElectionNetwork(quorum: majority(1...3))
        three.crash(2)
        three.crash(3)
        three.start(1, zxid: zxid(1, 2), epoch: 1)
        three.run(untilNanos: ms(120_000))
        #expect(three.decisions.isEmpty)
        #expect(three.nodes[1]?.state == .looking)
    }

    @Test func aLateJoinerFollowsTheEstablishedLeaderEvenWithABetterHistory() {
        var network = ElectionNetwork(quorum: majority(1...5))
        let late: ServerID = 4
        let lateNode = network.nodes[late]
        network.crash(late)
        network.crash(5)
        for id in 1...3 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 3), epoch: 1) }
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(network, leader: 3)

        // Server 4 comes up with more history and a later round (it has been
        // through two elections before), so its round matches nobody's.
        var earlier = lateNode
        earlier?.start(lookingWith: .init(lastLoggedZxid: zxid(1, 9), currentEpoch: 1))
        if let ready = earlier?.ready() { earlier?.advance(ready) }
        network.nodes[late] = earlier
        network.start(late, zxid: zxid(1, 9), epoch: 1)
        #expect(network.nodes[late]?.logicalClock == 2)
        #expect(network.run(untilNanos: ms(10_000)) { $0.decision(of: late) != nil })
        let decision = network.decision(of: late)
        #expect(decision?.state == .following)
        #expect(decision?.leader == 3)
        // It joined through the out-of-election votes and took their round.
        #expect(network.nodes[late]?.logicalClock == 1)
        // The running servers answered its LOOKING notifications with their
        // own state and the vote they decided on.
        let answers = network.sent.filter { $0.from != late && $0.notification.state != .looking }
        #expect(Set(answers.map(\.notification.state)) == [.following, .leading])
        #expect(answers.allSatisfy { $0.notification.leader == 3 && $0.notification.electionEpoch == 1 })
    }

    @Test func aLateJoinerWillNotFollowALeaderNobodyHearsLeading() {
        var network = ElectionNetwork(quorum: majority(1...5))
        let late = network.nodes[5]
        network.crash(5)
        for id in 1...4 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 3), epoch: 1) }
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(network, leader: 4)
        // The leader dies; 1, 2 and 3 still say they follow it (Zab has not
        // told them yet). They are a quorum of 5, but checkLeader wants the
        // leader's own LEADING, so 5 keeps looking.
        network.crash(4)
        network.nodes[5] = late
        network.start(5, zxid: zxid(1, 1), epoch: 1)
        network.run(untilNanos: network.nowNanos + ms(60_000))
        #expect(network.decision(of: 5) == nil)
        #expect(network.nodes[5]?.state == .looking)
        #expect(network.sent.contains { $0.to == 5 && $0.notification.state == .following })
    }

    @Test func followersOfALostLeaderElectAnotherInTheNextRound() {
        var network = ElectionNetwork(quorum: majority(1...3))
        for id in 1...3 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 3), epoch: 1) }
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(network, leader: 3)
        // The leader dies and Zab sends its followers back to LOOKING, with
        // the history they synced under epoch 2.
        network.crash(3)
        network.decisions = []
        network.start(1, zxid: zxid(2, 0), epoch: 2)
        network.start(2, zxid: zxid(2, 0), epoch: 2)
        #expect(network.run(untilNanos: network.nowNanos + ms(5_000)) { $0.settled })
        expectAgreement(network, leader: 2)
        #expect(network.decisions.allSatisfy { $0.decision.vote.electionEpoch == 2 && $0.decision.vote.peerEpoch == 2 })
    }

    @Test func aHigherRoundFromAPeerResetsTheTally() {
        let quorum = majority(1...5)
        var election = Election(configuration: .init(myID: 1, quorum: quorum))
        election.tick(now: at(0))
        election.start(lookingWith: .init(lastLoggedZxid: zxid(1, 5), currentEpoch: 1))
        #expect(election.ready().messages.map(\.to) == [2, 3, 4, 5])
        #expect(election.ready().messages.allSatisfy { $0.notification.leader == 1 && $0.notification.electionEpoch == 1 })
        election.advance(election.ready())

        func looking(leader: Int64, zxid: Int64, round: Int64) -> Notification {
            Notification(state: .looking, leader: leader, zxid: zxid, electionEpoch: round, peerEpoch: 1, config: nil)
        }
        // A better vote in our round: adopt it and tell everyone.
        election.step(from: 2, looking(leader: 2, zxid: zxid(1, 7), round: 1))
        #expect(election.proposal.leader == 2)
        #expect(election.ready().messages.allSatisfy { $0.notification.leader == 2 })
        election.advance(election.ready())
        election.step(from: 3, looking(leader: 2, zxid: zxid(1, 7), round: 1))
        #expect(election.nextDeadline == at(200), "1, 2 and 3 agree: finalizeWait runs")

        // Server 4 is already in round 4, with a worse candidate. While
        // finalizing, a vote that is not better is dropped unread, round and
        // all, and the wait starts again.
        election.tick(now: at(50))
        election.step(from: 4, looking(leader: 4, zxid: zxid(1, 1), round: 4))
        #expect(election.logicalClock == 1)
        #expect(election.nextDeadline == at(250))

        // Not finalizing: the later round wins. Our tally is cleared and we
        // go back to the better of its candidate and our own history.
        var fresh = Election(configuration: .init(myID: 1, quorum: quorum, minNotificationInterval: .seconds(1)))
        fresh.start(lookingWith: .init(lastLoggedZxid: zxid(1, 5), currentEpoch: 1))
        fresh.advance(fresh.ready())
        fresh.step(from: 2, looking(leader: 2, zxid: zxid(1, 7), round: 1))
        fresh.advance(fresh.ready())
        fresh.step(from: 4, looking(leader: 4, zxid: zxid(1, 1), round: 4))
        #expect(fresh.logicalClock == 4)
        #expect(fresh.proposal == .init(leader: 1, zxid: zxid(1, 5), peerEpoch: 1))
        #expect(fresh.ready().messages.map(\.to) == [2, 3, 4, 5])
        #expect(fresh.ready().messages.allSatisfy { $0.notification.leader == 1 && $0.notification.electionEpoch == 4 })
        fresh.advance(fresh.ready())

        // Server 2's round-1 vote no longer counts, and 2 gets our round back.
        fresh.step(from: 2, looking(leader: 1, zxid: zxid(1, 5), round: 1))
        #expect(fresh.ready().messages == [ElectionMessage(to: 2, notification: Notification(
            state: .looking, leader: 1, zxid: zxid(1, 5), electionEpoch: 4, peerEpoch: 1, config: Array(quorum.configText.utf8)))])
        fresh.advance(fresh.ready())
        fresh.step(from: 3, looking(leader: 1, zxid: zxid(1, 5), round: 4))
        #expect(fresh.nextDeadline == at(1_000), "1 and 3 are not a quorum of 5: only the resend is due")
        fresh.step(from: 5, looking(leader: 1, zxid: zxid(1, 5), round: 4))
        #expect(fresh.nextDeadline == at(200), "1, 3 and 5 are: finalizeWait runs")
        fresh.tick(now: at(200))
        #expect(fresh.ready().decision == ElectionDecision(
            state: .leading, vote: Vote(leader: 1, zxid: zxid(1, 5), electionEpoch: 4, peerEpoch: 1, state: .leading, version: 0)))
    }

    @Test func anObserverFollowsWithoutVotingOrCounting() {
        // The observer has the most history; it is never a candidate.
        var network = ElectionNetwork(quorum: majority(1...3, observers: [4]))
        for id in 1...3 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 3), epoch: 1) }
        network.start(4, zxid: zxid(1, 9), epoch: 1)
        #expect(network.run(untilNanos: ms(30_000)) { $0.settled })
        expectAgreement(network, leader: 3, observers: [4])
        // Its notifications vote for nobody, and voters never send it theirs
        // unasked: everything it got was an answer.
        let fromObserver = network.sent.filter { $0.from == 4 }
        #expect(fromObserver.first?.notification.leader == Vote.nonVoterValue)
        for voter in 1...3 as ClosedRange<Int64> {
            let asked = network.sent.filter { $0.from == 4 && $0.to.raw == voter }.count
            let answered = network.sent.filter { $0.from.raw == voter && $0.to == 4 }.count
            #expect(answered > 0 && answered <= asked, "voter \(voter)")
        }
        #expect(network.decisions.allSatisfy { $0.decision.leader != 4 })

        // One voter and an observer are not a quorum of three voters.
        var lonely = ElectionNetwork(quorum: majority(1...3, observers: [4]))
        lonely.crash(2)
        lonely.crash(3)
        lonely.start(1, zxid: zxid(1, 3), epoch: 1)
        lonely.start(4, zxid: zxid(1, 3), epoch: 1)
        lonely.run(untilNanos: ms(120_000))
        #expect(lonely.decisions.isEmpty)
    }

    @Test func finalizeWaitLetsABetterLateVoteWin() {
        // 3 is best, but its notifications reach 1 and 2 only after 100 ms.
        // 1 and 2 agree on 2 at once; finalizeWait (200 ms) holds them.
        func script(finalizeWait: TimeAmount) -> ElectionNetwork {
            var network = ElectionNetwork(quorum: majority(1...3), finalizeWait: finalizeWait)
            network.hold(from: 3, to: 1)
            network.hold(from: 3, to: 2)
            for id in 1...3 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 3), epoch: 1) }
            network.run(untilNanos: ms(100))
            network.release(from: 3, to: 1)
            network.release(from: 3, to: 2)
            network.run(untilNanos: ms(10_000)) { $0.settled }
            return network
        }
        let patient = script(finalizeWait: .milliseconds(200))
        expectAgreement(patient, leader: 3)
        #expect(patient.decisions.allSatisfy { $0.decision.leader == 3 })

        // With a 50 ms wait, 1 and 2 settle on 2 before 3 is heard; 3 then
        // joins them as a follower.
        let hasty = script(finalizeWait: .milliseconds(50))
        expectAgreement(hasty, leader: 2)
        #expect(hasty.decisions.filter { $0.server != 3 }.allSatisfy { $0.atNanos < ms(100) })
    }

    @Test func theResendIntervalDoublesFrom200msAndCapsAt60s() {
        var election = Election(configuration: .init(myID: 1, quorum: majority(1...3)))
        election.tick(now: at(0))
        election.start(lookingWith: .init(lastLoggedZxid: zxid(1, 1), currentEpoch: 1))
        election.advance(election.ready())
        var resends: [UInt64] = []
        while resends.count < 12, let deadline = election.nextDeadline {
            election.tick(now: deadline)
            #expect(election.ready().messages.map(\.to) == [2, 3])
            election.advance(election.ready())
            resends.append(deadline.monotonicNanos / 1_000_000)
        }
        let intervals = zip(resends, [0] + resends).map { $0 - $1 }
        #expect(intervals == [200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 60_000, 60_000, 60_000])

        // A notification that arrives restarts the wait at the current interval.
        var other = Election(configuration: .init(myID: 1, quorum: majority(1...3)))
        other.start(lookingWith: .init(lastLoggedZxid: zxid(1, 1), currentEpoch: 1))
        other.tick(now: at(150))
        other.step(from: 2, Notification(state: .looking, leader: 1, zxid: zxid(1, 0), electionEpoch: 1, peerEpoch: 1, config: nil))
        #expect(other.nextDeadline == at(350))
    }

    @Test func aServerOutOfTheElectionAnswersOnlyLookingPeers() {
        var network = ElectionNetwork(quorum: majority(1...3))
        for id in 1...3 { network.start(ServerID(raw: Int64(id)), zxid: zxid(1, 3), epoch: 1) }
        #expect(network.run(untilNanos: ms(5_000)) { $0.settled })
        var follower = network.nodes[1]
        follower?.step(from: 2, Notification(state: .following, leader: 3, zxid: zxid(1, 3), electionEpoch: 1, peerEpoch: 1, config: nil))
        #expect(follower?.hasReady == false)
        follower?.updateElectionVote(peerEpoch: 2)
        follower?.step(from: 2, Notification(state: .looking, leader: 2, zxid: zxid(1, 3), electionEpoch: 7, peerEpoch: 1, config: nil))
        let answer = follower?.ready().messages.first?.notification
        #expect(answer?.state == .following)
        #expect(answer?.leader == 3)
        #expect(answer?.electionEpoch == 1)
        #expect(answer?.peerEpoch == 2)
    }

    @Test func hierarchicalQuorumsDecideByGroups() throws {
        let servers = (1...9).map { member(Int64($0)) }
        let groups: [Int64: Set<Int64>] = [1: [1, 2, 3], 2: [4, 5, 6], 3: [7, 8, 9]]
        let quorum = try QuorumVerifier(members: servers, groups: groups, weights: [:])

        // Four servers in two groups with a majority each: a quorum.
        var twoGroups = ElectionNetwork(quorum: quorum)
        for id in [3, 6, 7, 8, 9] as [Int64] { twoGroups.crash(ServerID(raw: id)) }
        for id in [1, 2, 4, 5] as [Int64] { twoGroups.start(ServerID(raw: id), zxid: zxid(1, 2), epoch: 1) }
        #expect(twoGroups.run(untilNanos: ms(5_000)) { $0.settled })
        expectAgreement(twoGroups, leader: 5)

        // Four servers again, but only group 1 has a majority: no quorum.
        var oneGroup = ElectionNetwork(quorum: quorum)
        for id in [5, 6, 7, 8, 9] as [Int64] { oneGroup.crash(ServerID(raw: id)) }
        for id in [1, 2, 3, 4] as [Int64] { oneGroup.start(ServerID(raw: id), zxid: zxid(1, 2), epoch: 1) }
        oneGroup.run(untilNanos: ms(120_000))
        #expect(oneGroup.decisions.isEmpty)

        // A server of weight 0 is never elected, however much history it has.
        let weighted = try QuorumVerifier(members: servers, groups: groups, weights: [5: 0])
        var zeroWeight = ElectionNetwork(quorum: weighted)
        for id in [3, 7, 8, 9] as [Int64] { zeroWeight.crash(ServerID(raw: id)) }
        for id in [1, 2, 4, 6] as [Int64] { zeroWeight.start(ServerID(raw: id), zxid: zxid(1, 2), epoch: 1) }
        zeroWeight.start(5, zxid: zxid(1, 9), epoch: 1)
        #expect(zeroWeight.run(untilNanos: ms(30_000)) { $0.settled })
        expectAgreement(zeroWeight, leader: 6)
    }
}
