import NIOCore
import Testing
import ZKProtocol
import ZKServerCore
@testable import ZKZab

/// The sync conversation a live Apache 3.8.0 leader held with a late
/// non-voting follower (server 9, empty DIFF; see ApacheCaptures.swift),
/// played against both machines: our learner must follow Apache's leader,
/// and our leader must say the same bytes in the same situation.
struct SyncApacheCaptureTests {
    static let names = ["leaderinfo.1", "diff.1", "newleader.1", "uptodate.1"]

    func captured() throws -> [QuorumPacket] {
        try Self.names.map { name in
            var buffer = ByteBuffer(bytes: ApacheCaptures.bytes("capture.quorum.\(name)"))
            return try #require(try QuorumPacketStream.nextPacket(from: &buffer))
        }
    }

    @Test("our learner syncs with Apache 3.8's leader: LEADERINFO, empty DIFF, NEWLEADER, UPTODATE, as captured")
    func learnerFollowsApache() throws {
        let packets = try captured()
        var learner = LearnerSync(configuration: .init(myID: 9, acceptedEpoch: 0, currentEpoch: 0, lastLoggedZxid: zx(1, 0)))
        learner.start()
        _ = takeReady(&learner)
        learner.receive(packets[0])
        #expect(takeReady(&learner).persist == [.epoch(.acceptedEpoch(1))])
        #expect(takeReady(&learner).messages == [AckEpoch(lastLoggedZxid: zx(1, 0), currentEpoch: 0).packet])
        learner.receive(packets[1])
        learner.receive(packets[2])
        // Nothing to log: currentEpoch, then the ACK.
        #expect(takeReady(&learner).persist == [.epoch(.currentEpoch(1))])
        #expect(takeReady(&learner).messages == [QuorumPacket(.ack, zxid: zx(1, 0))])
        learner.receive(packets[3])
        let serving = takeReady(&learner)
        #expect(serving.serving == LearnerServing(epoch: 1, lastLoggedZxid: zx(1, 0), pendingProposals: [], committedZxids: []))
        #expect(serving.messages == [QuorumPacket(.ack, zxid: zx(1, 0))])
    }

    @Test("our leader sends a late non-voter the bytes Apache 3.8's leader sent")
    func leaderSaysWhatApacheSaid() throws {
        let config = try #require(try NewLeader(packet: captured()[2]).config)
        let quorum = QuorumVerifier(majorityOf: [member(1), member(2), member(3)])
        var leader = LeaderSync(configuration: .init(
            myID: 3, quorum: quorum, acceptedEpoch: 0, currentEpoch: 0,
            window: try SyncWindow(proposals: [], lastProcessedZxid: zx(1, 0)), configText: config
        ))
        leader.start()
        // Server 1 makes the quorum and the epoch is established.
        let one = LearnerLink(raw: 1)
        leader.connected(one)
        leader.receive(from: one, learnerHello(sid: 1, acceptedEpoch: 0))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: one, AckEpoch(lastLoggedZxid: zx(1, 0), currentEpoch: 0).packet)
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: one, QuorumPacket(.ack, zxid: zx(1, 0)))
        #expect(takeReady(&leader).established != nil)
        // Server 9, outside the configuration, joins late.
        let nine = LearnerLink(raw: 9)
        leader.connected(nine)
        leader.receive(from: nine, learnerHello(sid: 9, acceptedEpoch: 0))
        var sent = packets(takeReady(&leader), to: nine)
        leader.receive(from: nine, AckEpoch(lastLoggedZxid: zx(1, 0), currentEpoch: 0).packet)
        sent += packets(takeReady(&leader), to: nine)
        leader.receive(from: nine, QuorumPacket(.ack, zxid: zx(1, 0)))
        let last = takeReady(&leader)
        sent += packets(last, to: nine)
        #expect(last.synced.map(\.isObserver) == [true])
        #expect(sent.map(\.encodedBytes) == Self.names.map { ApacheCaptures.bytes("capture.quorum.\($0)") })
    }
}
