import Testing
import ZKZab

@Suite("Votes")
struct VoteTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let candidate: (leader: Int64, zxid: Int64, peerEpoch: Int64)
        let current: (leader: Int64, zxid: Int64, peerEpoch: Int64)
        let wins: Bool
        var testDescription: String { "\(candidate) vs \(current) -> \(wins)" }
    }

    // FastLeaderElection.totalOrderPredicate: peerEpoch, then zxid, then sid.
    static let cases: [Case] = [
        Case(candidate: (1, 0, 2), current: (3, 0x1_0000_0009, 1), wins: true),   // higher epoch beats more history
        Case(candidate: (1, 0x1_0000_0005, 1), current: (3, 0x1_0000_0004, 1), wins: true),
        Case(candidate: (1, 0x1_0000_0004, 1), current: (3, 0x1_0000_0005, 1), wins: false),
        Case(candidate: (3, 5, 1), current: (2, 5, 1), wins: true),                // tie broken by the higher sid
        Case(candidate: (2, 5, 1), current: (3, 5, 1), wins: false),
        Case(candidate: (3, 5, 1), current: (3, 5, 1), wins: false),               // equal is not better
        Case(candidate: (1, 0, 0), current: (Int64.min, Int64.min, Int64.min), wins: true), // any vote beats a non-voter's
        Case(candidate: (9, -1, 0), current: (1, 0, 0), wins: false),              // signed, as Java compares
    ]

    @Test(arguments: cases)
    func totalOrderIsPeerEpochThenZxidThenSid(c: Case) {
        #expect(Vote.supersedes(candidate: c.candidate, current: c.current) == c.wins)
        let a = Vote(leader: c.candidate.leader, zxid: c.candidate.zxid, electionEpoch: 1, peerEpoch: c.candidate.peerEpoch)
        let b = Vote(leader: c.current.leader, zxid: c.current.zxid, electionEpoch: 7, peerEpoch: c.current.peerEpoch)
        #expect(a.supersedes(b) == c.wins)
    }

    @Test func lookingVotesMustMatchInEveryField() {
        let a = Vote(leader: 3, zxid: 10, electionEpoch: 2, peerEpoch: 1, state: .looking)
        #expect(a.agrees(with: Vote(leader: 3, zxid: 10, electionEpoch: 2, peerEpoch: 1, state: .following)))
        #expect(!a.agrees(with: Vote(leader: 3, zxid: 11, electionEpoch: 2, peerEpoch: 1, state: .following)))
        #expect(!a.agrees(with: Vote(leader: 3, zxid: 10, electionEpoch: 3, peerEpoch: 1, state: .leading)))
    }

    @Test func votesOutOfElectionCompareOnlyLeaderAndEpoch() {
        // ZOOKEEPER-1805: running servers report a stale zxid and round.
        let a = Vote(leader: 3, zxid: 10, electionEpoch: 2, peerEpoch: 1, state: .following)
        #expect(a.agrees(with: Vote(leader: 3, zxid: 99, electionEpoch: 8, peerEpoch: 1, state: .leading)))
        #expect(!a.agrees(with: Vote(leader: 3, zxid: 10, electionEpoch: 2, peerEpoch: 2, state: .leading)))
        // ZOOKEEPER-1732: a version-0 vote is compared on the leader alone.
        #expect(a.agrees(with: Vote(leader: 3, zxid: 10, electionEpoch: 2, peerEpoch: 5, state: .leading, version: 0)))
        #expect(!a.agrees(with: Vote(leader: 2, zxid: 10, electionEpoch: 2, peerEpoch: 1, state: .leading, version: 0)))
    }

    @Test func zxidArithmetic() {
        #expect(ZxidMath.epoch(of: 0x5_0000_0007) == 5)
        #expect(ZxidMath.counter(of: 0x5_0000_0007) == 7)
        #expect(ZxidMath.zxid(epoch: 5, counter: 7) == 0x5_0000_0007)
        #expect(ZxidMath.zxid(epoch: 1, counter: 0xffff_ffff) == 0x1_ffff_ffff)
    }
}
