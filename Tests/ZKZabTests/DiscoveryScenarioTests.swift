import Testing
import ZKProtocol
import ZKServerCore
@testable import ZKZab

func hexBytes(_ packet: QuorumPacket) -> String {
    QuorumPacketStream.bytes(of: packet).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Takes the machine's ready value and marks it done, as a shell would
/// after carrying it out.
func takeReady(_ leader: inout LeaderSync) -> LeaderSyncReady {
    let ready = leader.ready()
    leader.advance(ready)
    return ready
}

func takeReady(_ learner: inout LearnerSync) -> LearnerSyncReady {
    let ready = learner.ready()
    learner.advance(ready)
    return ready
}

func packets(_ ready: LeaderSyncReady, to link: LearnerLink) -> [QuorumPacket] {
    ready.messages.filter { $0.to == link }.compactMap { if case .packet(let p) = $0.send { return p } else { return nil } }
}

func learnerHello(sid: Int64, acceptedEpoch: Int64, observer: Bool = false) -> QuorumPacket {
    LearnerHello(isObserver: observer, acceptedEpoch: acceptedEpoch, sid: sid, configVersion: 0).packet
}

/// Apache's Zab1_0Test leader conversations, replayed against LeaderSync
/// with packets built by our codecs in Apache's bytes.
struct DiscoveryScenarioTests {
    static let quorum = QuorumVerifier(majorityOf: [member(0), member(1), member(2)])
    let link1 = LearnerLink(raw: 1)
    let link2 = LearnerLink(raw: 2)

    func leader(acceptedEpoch: Int64 = 0, currentEpoch: Int64 = 0, window: SyncWindow? = nil, force: Bool = false,
                quorum: QuorumVerifier = DiscoveryScenarioTests.quorum) throws -> LeaderSync {
        let window = try window ?? SyncWindow(proposals: [], lastProcessedZxid: 0)
        var machine = LeaderSync(configuration: .init(
            myID: 0, quorum: quorum, acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch,
            window: window, configText: Array("server.0=127.0.0.1:2888:3888\nversion=0".utf8), initLimitTicks: 10,
            forceSnapshotSync: force
        ))
        machine.start()
        return machine
    }

    @Test("FOLLOWERINFO in Apache's bytes: zxid acceptedEpoch<<32, LearnerInfo(sid, 0x10000, configVersion), null auth")
    func followerInfoBytes() {
        #expect(hexBytes(learnerHello(sid: 2, acceptedEpoch: 1))
            == "0000000b" + "0000000100000000" + "00000014" + "0000000000000002" + "00010000" + "0000000000000000" + "ffffffff")
    }

    @Test("testNormalRun from the leader: FOLLOWERINFO(0) → LEADERINFO(1<<32) → ACKEPOCH(0,0) → DIFF(0) → NEWLEADER → ACK → UPTODATE")
    func normalRun() throws {
        var leader = try leader()
        #expect(!leader.hasReady)
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 0))
        // ZOOKEEPER-2307: the acceptedEpoch file is written before anyone hears of the epoch.
        let first = takeReady(&leader)
        #expect(first.persist == [.acceptedEpoch(1)])
        #expect(first.messages.isEmpty)
        let second = takeReady(&leader)
        #expect(packets(second, to: link1) == [LeaderInfo(newEpoch: 1).packet])
        #expect(hexBytes(LeaderInfo(newEpoch: 1).packet) == "00000011" + "0000000100000000" + "00000004" + "00010000" + "ffffffff")
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        let third = takeReady(&leader)
        #expect(third.persist == [.currentEpoch(1)])
        #expect(third.messages.isEmpty)
        let sync = takeReady(&leader)
        #expect(packets(sync, to: link1) == [
            QuorumPacket(.diff, zxid: 0),
            NewLeader(newEpoch: 1, config: Array("server.0=127.0.0.1:2888:3888\nversion=0".utf8)).packet,
        ])
        #expect(leader.phase == .waitingForNewLeaderAcks)
        leader.receive(from: link1, QuorumPacket(.ack, zxid: zx(1, 0)))
        let done = takeReady(&leader)
        #expect(packets(done, to: link1) == [QuorumPacket(.upToDate, zxid: -1)])
        #expect(done.established == LeaderEstablished(epoch: 1, learners: [
            SyncedLearner(link: link1, sid: 1, isObserver: false, method: .diff, lastQueuedZxid: 0),
        ]))
        #expect(leader.phase == .established)
        #expect(leader.durableAcceptedEpoch == 1 && leader.durableCurrentEpoch == 1)
    }

    @Test("forceSnapshotSync: the SNAP stream goes out at L, then NEWLEADER")
    func forcedSnap() throws {
        var leader = try leader(window: SyncWindow(proposals: [syncTxn(1, 1)], lastProcessedZxid: zx(1, 1)), force: true)
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 1))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        #expect(leader.newEpoch == 2)
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        _ = takeReady(&leader)
        let sync = takeReady(&leader)
        #expect(sync.messages.map(\.send) == [
            .snapshot(zxid: zx(1, 1)),
            .packet(NewLeader(newEpoch: 2, config: Array("server.0=127.0.0.1:2888:3888\nversion=0".utf8)).packet),
        ])
    }

    @Test("testLeaderBehind: a learner that accepted epoch 20 makes the leader propose 21")
    func leaderBehind() throws {
        var leader = try leader()
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 20))
        #expect(takeReady(&leader).persist == [.acceptedEpoch(21)])
        #expect(packets(takeReady(&leader), to: link1).map(\.zxid) == [zx(21, 0)])
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        _ = takeReady(&leader)
        let sync = packets(takeReady(&leader), to: link1)
        #expect(sync.map(\.packetType) == [.diff, .newLeader])
        #expect(sync.last?.zxid == zx(21, 0))
        leader.receive(from: link1, QuorumPacket(.ack, zxid: zx(21, 0)))
        #expect(packets(takeReady(&leader), to: link1).map(\.packetType) == [.upToDate])
    }

    @Test("testLastAcceptedEpoch: acceptedEpoch 5 proposes 6; a learner at 6 raises it to 7")
    func lastAcceptedEpoch() throws {
        var leader = try leader(acceptedEpoch: 5, currentEpoch: 5)
        #expect(leader.newEpoch == 6)
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 6))
        #expect(leader.newEpoch == 7)
        #expect(takeReady(&leader).persist == [.acceptedEpoch(7)])
    }

    @Test("testAbandonBeforeACKEpoch: no ACKEPOCH within initLimit ⇒ the attempt ends and currentEpoch is never written")
    func abandonBeforeAckEpoch() throws {
        var leader = try leader()
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 0))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        var all: [LeaderSyncReady] = []
        for _ in 0..<10 {
            leader.tick()
            all.append(takeReady(&leader))
        }
        #expect(leader.phase == .abandoned)
        #expect(all.contains { $0.abandoned })
        #expect(all.flatMap(\.persist).isEmpty)
        #expect(leader.durableCurrentEpoch == 0)
        #expect(all.flatMap(\.disconnect).contains(link1))
    }

    @Test("a learner newer than the leader by (currentEpoch, lastZxid) is dropped; the rest carry on")
    func learnerAheadDropped() throws {
        var leader = try leader(acceptedEpoch: 1, currentEpoch: 1, window: SyncWindow(proposals: [syncTxn(1, 1), syncTxn(1, 2)], lastProcessedZxid: zx(1, 2)))
        leader.connected(link1)
        leader.connected(link2)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 1))
        leader.receive(from: link2, learnerHello(sid: 2, acceptedEpoch: 1))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        // Same currentEpoch, longer log: ahead.
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: zx(1, 3), currentEpoch: 1).packet)
        let dropped = takeReady(&leader)
        #expect(dropped.disconnect == [link1])
        #expect(dropped.errors == [.learnerAhead(link1, sid: 1, currentEpoch: 1, lastZxid: zx(1, 3))])
        #expect(dropped.persist.isEmpty)
        // A later currentEpoch is ahead whatever the zxid.
        leader.receive(from: link2, AckEpoch(lastLoggedZxid: 0, currentEpoch: 2).packet)
        #expect(takeReady(&leader).disconnect == [link2])
        #expect(leader.phase == .waitingForEpochAcks)
    }

    @Test("ACKEPOCH(-1) (already accepted) does not count towards the epoch quorum")
    func alreadyAcceptedNotCounted() throws {
        var leader = try leader()
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 0))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: AckEpoch.alreadyAccepted).packet)
        #expect(takeReady(&leader).persist.isEmpty)
        #expect(leader.phase == .waitingForEpochAcks)
    }

    @Test("NEWLEADER comes after every DIFF packet (ZOOKEEPER-3104); the NEWLEADER ACK must carry newEpoch<<32")
    func newLeaderAfterDiffData() throws {
        let window = try SyncWindow(proposals: [syncTxn(1, 1), syncTxn(1, 2), syncTxn(1, 3)], lastProcessedZxid: zx(1, 3))
        var leader = try leader(acceptedEpoch: 1, currentEpoch: 1, window: window)
        leader.connected(link1)
        leader.connected(link2)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 1))
        leader.receive(from: link2, learnerHello(sid: 2, acceptedEpoch: 1))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: zx(1, 1), currentEpoch: 1).packet)
        leader.receive(from: link2, AckEpoch(lastLoggedZxid: zx(1, 1), currentEpoch: 1).packet)
        _ = takeReady(&leader)
        let sync = takeReady(&leader)
        let toOne = packets(sync, to: link1)
        #expect(toOne.map(\.packetType) == [.diff, .proposal, .commit, .proposal, .commit, .newLeader])
        #expect(toOne.map(\.zxid) == [zx(1, 3), zx(1, 2), zx(1, 2), zx(1, 3), zx(1, 3), zx(2, 0)])
        #expect(toOne[1] == syncTxn(1, 2).proposalPacket)
        leader.receive(from: link2, QuorumPacket(.ack, zxid: zx(1, 3)))
        let wrong = takeReady(&leader)
        #expect(wrong.errors == [.wrongNewLeaderAck(link2, zxid: zx(1, 3))])
        #expect(wrong.established == nil)
        leader.receive(from: link1, QuorumPacket(.ack, zxid: zx(2, 0)))
        #expect(takeReady(&leader).established?.learners.map(\.lastQueuedZxid) == [zx(1, 3)])
    }

    @Test("observers are synced but their ACKs never make a quorum; a late learner gets UPTODATE at once")
    func observersDoNotCount() throws {
        let quorum = QuorumVerifier(majorityOf: [member(0), member(1), member(2), member(3, .observer)])
        var leader = try leader(quorum: quorum)
        let observer = LearnerLink(raw: 3)
        leader.connected(observer)
        leader.receive(from: observer, learnerHello(sid: 3, acceptedEpoch: 0, observer: true))
        #expect(takeReady(&leader).persist.isEmpty)
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 0))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: observer, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        #expect(takeReady(&leader).persist.isEmpty)
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: observer, QuorumPacket(.ack, zxid: zx(1, 0)))
        #expect(takeReady(&leader).established == nil)
        leader.receive(from: link1, QuorumPacket(.ack, zxid: zx(1, 0)))
        let established = takeReady(&leader)
        #expect(established.established?.learners.map(\.sid) == [1, 3])
        #expect(established.established?.learners.map(\.isObserver) == [false, true])
        // Server 2 comes late: it is synced on its own and reported in `synced`.
        leader.connected(link2)
        leader.receive(from: link2, learnerHello(sid: 2, acceptedEpoch: 0))
        #expect(packets(takeReady(&leader), to: link2) == [LeaderInfo(newEpoch: 1).packet])
        leader.receive(from: link2, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        #expect(packets(takeReady(&leader), to: link2).map(\.packetType) == [.diff, .newLeader])
        leader.receive(from: link2, QuorumPacket(.ack, zxid: zx(1, 0)))
        let late = takeReady(&leader)
        #expect(packets(late, to: link2).map(\.packetType) == [.upToDate])
        #expect(late.synced.map(\.sid) == [2])
    }

    @Test("after establishment a silent learner is dropped after initLimit ticks; before it, no NEWLEADER quorum abandons the attempt")
    func timeouts() throws {
        var leader = try leader()
        leader.connected(link1)
        leader.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 0))
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        leader.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        _ = takeReady(&leader)
        _ = takeReady(&leader)
        // NEWLEADER is out; link 1 never acknowledges it.
        var waited: [LeaderSyncReady] = []
        for _ in 0..<10 {
            leader.tick()
            waited.append(takeReady(&leader))
        }
        #expect(leader.phase == .abandoned)
        #expect(waited.flatMap(\.errors).contains(.attemptTimedOut(phase: "waitingForNewLeaderAcks")))

        var established = try self.leader()
        established.connected(link1)
        established.receive(from: link1, learnerHello(sid: 1, acceptedEpoch: 0))
        _ = takeReady(&established)
        _ = takeReady(&established)
        established.receive(from: link1, AckEpoch(lastLoggedZxid: 0, currentEpoch: 0).packet)
        _ = takeReady(&established)
        _ = takeReady(&established)
        established.receive(from: link1, QuorumPacket(.ack, zxid: zx(1, 0)))
        _ = takeReady(&established)
        established.connected(link2)
        established.receive(from: link2, learnerHello(sid: 2, acceptedEpoch: 0))
        _ = takeReady(&established)
        var dropped: [LeaderSyncReady] = []
        for _ in 0..<10 {
            established.tick()
            dropped.append(takeReady(&established))
        }
        #expect(established.phase == .established)
        #expect(dropped.flatMap(\.errors) == [.learnerTimedOut(link2)])
        #expect(dropped.flatMap(\.disconnect) == [link2])
        #expect(established.syncedLearners.map(\.sid) == [1])
    }

    @Test("a first packet other than FOLLOWERINFO, a duplicate sid, or too many links are refused")
    func refusals() throws {
        var leader = try leader()
        leader.connected(link1)
        leader.receive(from: link1, QuorumPacket(.ping, zxid: 0))
        #expect(takeReady(&leader).errors == [.unexpectedPacket(link1, type: QuorumPacketType.ping.rawValue)])
        leader.connected(link2)
        leader.receive(from: link2, learnerHello(sid: 0, acceptedEpoch: 0))
        #expect(takeReady(&leader).errors == [.duplicateServer(link2, sid: 0)])
        let limits = SyncLimits(maxLearnerConnections: 1, maxWindowProposals: 10, maxPacketsBufferedDuringSync: 10)
        var small = LeaderSync(configuration: .init(myID: 0, quorum: Self.quorum, acceptedEpoch: 0, currentEpoch: 0,
                                                    window: try SyncWindow(proposals: [], lastProcessedZxid: 0), limits: limits))
        small.start()
        small.connected(link1)
        small.connected(link2)
        #expect(takeReady(&small).errors == [.tooManyLearners(link2, limit: 1)])
    }
}
