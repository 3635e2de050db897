import Testing
import ZKProtocol
import ZKServerCore
@testable import ZKZab

// The leader's tracker runs over the standalone server's real expiry queue
// (10 ms buckets).
extension SessionExpiryQueue: SessionDeadlineQueue {}

func esNow(_ millis: UInt64) -> Now { Now(monotonicNanos: millis * 1_000_000, wallMillis: Int64(millis)) }

typealias ESLeader = LeaderSessionTracker<SessionExpiryQueue>

func esLeader(_ id: ServerID = 1) -> ESLeader { ESLeader(serverId: id, queue: SessionExpiryQueue()) }

@Suite("Ensemble sessions: leader and learner trackers")
struct EnsembleSessionsTests {
    let s1 = SessionID(raw: 0x0200_0000_0000_0001)
    let s2 = SessionID(raw: 0x0200_0000_0000_0002)

    @Test func touchesReachTheLeaderOnlyThroughPingReplies() throws {
        var lead = esLeader()
        var learner = LearnerSessionTracker(serverId: 2)
        lead.sessionCreated(s1, timeoutMs: 4000, owner: 2, now: esNow(0))
        learner.sessionCreated(s1, timeoutMs: 4000)
        _ = learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 1))   // reports the create

        // The client keeps touching the learner; without a PING the leader
        // never hears of it and expires the session at its deadline.
        var unreported = lead
        for t in stride(from: UInt64(500), through: 3500, by: 500) {
            expectNow(learner.touch(s1))
            expectNow(unreported.expired(at: esNow(t)).isEmpty)
        }
        expectNow(unreported.expired(at: esNow(4000)) == [s1])

        // The same touches, carried by PING replies, keep it alive.
        for t in stride(from: UInt64(1000), through: 20_000, by: 1000) {
            learner.touch(s1)
            let reply = learner.pingReply(to: Ping.fromLeader(lastProposedZxid: Int64(t)))
            let ping = try Ping(packet: reply)
            #expect(ping.zxid == Int64(t))
            #expect(ping.touches == [SessionTouch(sessionId: s1.raw, timeoutMs: 4000)])
            expectNow(lead.pingReply(ping, from: 2, now: esNow(t)) == 1)
            expectNow(lead.expired(at: esNow(t)).isEmpty)
        }
        expectNow(lead.expired(at: esNow(23_990)).isEmpty)
        expectNow(lead.expired(at: esNow(24_000)) == [s1])
    }

    @Test func expiryIsReportedOnceAndNothingRevivesIt() {
        var lead = esLeader()
        lead.sessionCreated(s1, timeoutMs: 3000, owner: 1, now: esNow(0))
        lead.sessionCreated(s2, timeoutMs: 6000, owner: 1, now: esNow(0))
        expectNow(lead.expired(at: esNow(2999)).isEmpty)
        expectNow(lead.expired(at: esNow(3000)) == [s1])
        expectNow(lead.expired(at: esNow(3010)).isEmpty)
        expectNow(!lead.touch(s1, by: 1, now: esNow(3020)))
        expectNow(lead.checkOwner(s1, server: 1) == .sessionExpired)
        expectNow(!lead.revalidate(RevalidateRequest(sessionId: s1.raw, timeoutMs: 3000), from: 2, now: esNow(3030)).valid)
        expectNow(lead.expired(at: esNow(100_000)) == [s2])
        expectNow(lead.expired(at: esNow(200_000)).isEmpty)
        // The closeSession commits: gone from the table.
        lead.sessionClosed(s1)
        #expect(lead.sessions[s1] == nil)
        #expect(lead.sessions[s2]?.closing == true)
    }

    @Test func revalidateMovesOwnershipAndTheOldOwnerGetsSessionMoved() throws {
        var lead = esLeader()
        var learner3 = LearnerSessionTracker(serverId: 3)
        lead.sessionCreated(s1, timeoutMs: 5000, owner: 2, now: esNow(0))
        learner3.sessionCreated(s1, timeoutMs: 5000)
        expectNow(lead.checkOwner(s1, server: 2) == .ok)
        expectNow(lead.checkOwner(s1, server: 3) == .sessionMoved)

        // The client moves to server 3.
        let step = learner3.reconnect(s1, password: EnsembleSession.password(sessionId: s1.raw), timeoutMs: 5000, connection: 77)
        guard case .revalidate(let packet) = step else { Issue.record("\(step)"); return }
        #expect(packet.zxid == -1)
        let request = try RevalidateRequest(packet: packet)
        let answer = lead.revalidate(request, from: 3, now: esNow(4000))
        #expect(answer.valid)
        let back = try learner3.revalidateAnswer(answer.packet(answering: packet))
        #expect(back?.connection == 77)
        #expect(back?.valid == true)
        #expect(learner3.pendingRevalidations.isEmpty)

        #expect(lead.sessions[s1]?.owner == 3)
        expectNow(lead.checkOwner(s1, server: 3) == .ok)
        expectNow(lead.checkOwner(s1, server: 2) == .sessionMoved)
        expectNow(lead.checkOwner(s1, server: 1) == .sessionMoved)
        // The revalidation touched it: 5 s from 4 s.
        expectNow(lead.expired(at: esNow(8990)).isEmpty)
        // A late PING from the old owner still keeps it alive, as in Apache,
        // without taking ownership back.
        expectNow(lead.pingReply(Ping(zxid: 0, touches: [SessionTouch(sessionId: s1.raw, timeoutMs: 5000)]), from: 2, now: esNow(8000)) == 1)
        #expect(lead.sessions[s1]?.owner == 3)
        expectNow(lead.expired(at: esNow(12_990)).isEmpty)
        expectNow(lead.expired(at: esNow(13_000)) == [s1])
    }

    @Test func unknownSessionsAreInvalidEverywhere() throws {
        var lead = esLeader()
        let unknown = SessionID(raw: 0x0300_0000_0000_0042)
        expectNow(!lead.revalidate(RevalidateRequest(sessionId: unknown.raw, timeoutMs: 4000), from: 2, now: esNow(0)).valid)
        expectNow(lead.checkOwner(unknown, server: 2) == .sessionExpired)
        expectNow(!lead.touch(unknown, by: 1, now: esNow(0)))
        expectNow(lead.pingReply(Ping(zxid: 0, touches: [SessionTouch(sessionId: unknown.raw, timeoutMs: 4000)]), from: 2, now: esNow(0)) == 0)
        #expect(lead.sessions.isEmpty)

        // The learner still asks the leader (it cannot know), and relays "no".
        var learner = LearnerSessionTracker(serverId: 2)
        expectNow(!learner.touch(unknown))
        let step = learner.reconnect(unknown, password: EnsembleSession.password(sessionId: unknown.raw), timeoutMs: 4000, connection: 5)
        guard case .revalidate(let packet) = step else { Issue.record("\(step)"); return }
        let answer = lead.revalidate(try RevalidateRequest(packet: packet), from: 2, now: esNow(1))
        let back = try learner.revalidateAnswer(answer.packet(answering: packet))
        #expect(back?.connection == 5)
        #expect(back?.valid == false)
        // An answer nobody waits for is dropped.
        expectNow(try learner.revalidateAnswer(answer.packet(answering: packet)) == nil)
    }

    @Test func aWrongPasswordIsRefusedWithoutAskingTheLeader() {
        var learner = LearnerSessionTracker(serverId: 2)
        learner.sessionCreated(s1, timeoutMs: 4000)
        expectNow(learner.reconnect(s1, password: EnsembleSession.password(sessionId: s2.raw), timeoutMs: 4000, connection: 1) == .badPassword)
        expectNow(learner.reconnect(s1, password: [], timeoutMs: 4000, connection: 1) == .badPassword)
        expectNow(learner.reconnect(0, password: EnsembleSession.password(sessionId: 0), timeoutMs: 4000, connection: 1) == .badPassword)
        #expect(learner.pendingRevalidations.isEmpty)
    }

    @Test func passwordsAreApachesReferenceVectors() {
        #expect(toHex(EnsembleSession.password(sessionId: 0x0100_0000_0000_0000)) == "f22acd4a97e69d6d20a49bb638eadb38")
        #expect(toHex(EnsembleSession.password(sessionId: 0x0100_0A1B_2C3D_0000)) == "99540115b2ac339b9f3f41ba4b39270b")
        #expect(toHex(EnsembleSession.password(sessionId: 0x0300_017F_3A2B_0001)) == "6ad3b3b53896f321826130c47581c791")
        // A learner accepts exactly those bytes for that session.
        var learner = LearnerSessionTracker(serverId: 3)
        let id = SessionID(raw: 0x0100_0000_0000_0000)
        let good = learner.reconnect(id, password: bytesFromHex("f22acd4a97e69d6d20a49bb638eadb38"), timeoutMs: 4000, connection: 9)
        guard case .revalidate = good else { Issue.record("\(good)"); return }
        expectNow(learner.reconnect(id, password: bytesFromHex("f22acd4a97e69d6d20a49bb638eadb39"), timeoutMs: 4000, connection: 9) == .badPassword)
    }

    @Test func touchListIsOrderedDeduplicatedAndBounded() throws {
        var learner = LearnerSessionTracker(serverId: 2, limits: EnsembleSessionsLimits(maxTouchesPerPing: 3, maxPendingRevalidations: 8))
        let ids = (1...5).map { SessionID(raw: 0x0200_0000_0000_0000 + $0) }
        func timeout(_ id: SessionID) -> Int32 { Int32(1000 * (id.raw & 0xffff)) }
        for id in ids { learner.sessionCreated(id, timeoutMs: timeout(id)) }
        _ = learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 0))   // the creates: 3
        _ = learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 0))   // the creates: 2
        #expect(learner.touchedCount == 0)

        for id in [ids[4], ids[1], ids[4], ids[0], ids[3], ids[1], ids[2], ids[4]] { expectNow(learner.touch(id)) }
        #expect(learner.touchedCount == 5)
        let first = try Ping(packet: learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 7)))
        #expect(first.touches.map(\.sessionId) == [ids[4], ids[1], ids[0]].map(\.raw))
        let expectedTimeouts = [ids[4], ids[1], ids[0]].map(timeout)
        #expect(first.touches.map(\.timeoutMs) == expectedTimeouts)
        // Touched again while waiting: still listed once, in its old place.
        learner.touch(ids[2])
        learner.touch(ids[0])
        let second = try Ping(packet: learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 8)))
        #expect(second.touches.map(\.sessionId) == [ids[3], ids[2], ids[0]].map(\.raw))
        let third = try Ping(packet: learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 9)))
        #expect(third.touches.isEmpty)
        // An empty reply has empty data, not null, as Apache's learner sends.
        expectNow(learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 9)).data.bytes == [])
        // A closed session is dropped from the list.
        learner.touch(ids[1])
        learner.sessionClosed(ids[1])
        expectNow(!learner.touch(ids[1]))
        expectNow(try Ping(packet: learner.pingReply(to: Ping.fromLeader(lastProposedZxid: 9))).touches.isEmpty)
    }

    @Test func pingReplyEchoesTheLeadersZxidAndAuth() throws {
        var learner = LearnerSessionTracker(serverId: 2)
        learner.sessionCreated(s1, timeoutMs: 4000)
        let leaderPing = QuorumPacket(type: QuorumPacketType.ping.rawValue, zxid: 0x2_0000_0005, data: .null,
                                      authinfo: [Id(scheme: JuteBytes("digest"), id: JuteBytes("a"))])
        let reply = learner.pingReply(to: leaderPing)
        #expect(reply.zxid == 0x2_0000_0005)
        #expect(reply.authinfo == [Id(scheme: JuteBytes("digest"), id: JuteBytes("a"))])
        #expect(toHex(reply.data.bytesOrEmpty) == "0200000000000001" + "00000fa0")
    }

    @Test func pendingRevalidationsAreBounded() {
        var learner = LearnerSessionTracker(serverId: 2, limits: EnsembleSessionsLimits(maxTouchesPerPing: 10, maxPendingRevalidations: 2))
        func reconnect(_ raw: Int64, _ token: UInt64) -> LearnerSessionTracker.Reconnect {
            learner.reconnect(SessionID(raw: raw), password: EnsembleSession.password(sessionId: raw), timeoutMs: 4000, connection: token)
        }
        guard case .revalidate = reconnect(11, 1), case .revalidate = reconnect(12, 2) else { Issue.record("refused"); return }
        expectNow(reconnect(13, 3) == .tooManyPending)
        // The same session again replaces its waiting connection.
        guard case .revalidate = reconnect(12, 4) else { Issue.record("refused a repeat"); return }
        #expect(learner.pendingRevalidations == [SessionID(raw: 11): 1, SessionID(raw: 12): 4])
        expectNow(learner.leaderLost() == [1, 4])
        guard case .revalidate = reconnect(13, 5) else { Issue.record("still full"); return }
    }

    @Test func aNewLeaderRebuildsTheTableWithFreshDeadlines() {
        var old = esLeader(1)
        old.sessionCreated(s1, timeoutMs: 4000, owner: 2, now: esNow(0))
        old.sessionCreated(s2, timeoutMs: 8000, owner: 3, now: esNow(0))
        // Server 2 takes over at 3.5 s from the committed sessions.
        let committed = Dictionary(uniqueKeysWithValues: old.sessions.values.map { ($0.id, $0.timeoutMs) })
        var new = ESLeader(serverId: 2, committed: committed, queue: SessionExpiryQueue(), now: esNow(3500))
        #expect(new.sessions.count == 2)
        #expect(new.sessions[s1]?.deadlineNanos == esNow(7500).monotonicNanos)
        #expect(new.sessions[s2]?.deadlineNanos == esNow(11_500).monotonicNanos)
        #expect(new.sessions.values.allSatisfy { $0.owner == nil && !$0.closing })
        expectNow(new.expired(at: esNow(7490)).isEmpty)
        expectNow(new.expired(at: esNow(7500)) == [s1])
        // No owner yet: the first server to send a request takes it.
        expectNow(new.checkOwner(s2, server: 3) == .ok)
        expectNow(new.checkOwner(s2, server: 1) == .sessionMoved)
        expectNow(new.expired(at: esNow(11_500)) == [s2])
    }

    @Test func sessionIdsCarryTheServerAndCountUp() throws {
        var ids = try SessionIdGenerator(serverId: 3, elapsedMillis: 0x17F_3A2B, extendedTypesEnabled: true)
        let first = ids.next()
        #expect(first.raw == EnsembleSession.initialSessionId(serverId: 3, elapsedMillis: 0x17F_3A2B))
        #expect(first.raw >> 56 == 3)
        expectNow(ids.next().raw == first.raw + 1)
        expectNow(ids.next().raw == first.raw + 2)
        #expect(throws: EnsembleSessionsError.serverIdTooLarge(255)) {
            _ = try SessionIdGenerator(serverId: 255, elapsedMillis: 1, extendedTypesEnabled: true)
        }
        var top = try SessionIdGenerator(serverId: 254, elapsedMillis: 1, extendedTypesEnabled: true)
        expectNow(UInt64(bitPattern: top.next().raw) >> 56 == 254)
        // Without extended types Apache takes any id; so do we.
        var big = try SessionIdGenerator(serverId: 255, elapsedMillis: 1, extendedTypesEnabled: false)
        expectNow(UInt64(bitPattern: big.next().raw) >> 56 == 255)
    }
}

func bytesFromHex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
        bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

/// `#expect` for a condition that calls a mutating method: the macro
/// captures its operands in closures, which cannot mutate.
func expectNow(_ condition: Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, comment, sourceLocation: sourceLocation)
}
