import NIOCore
import Testing
import ZKProtocol
import ZKZab

/// The messages of a live Apache 3.8.0 ensemble (see ApacheCaptures.swift).
@Suite("Captured from a live Apache 3.8 ensemble")
struct ApacheCaptureTests {
    private func notifications() throws -> [Notification] {
        try ApacheCaptures.all("capture.election.reply.").map { try Notification(decoding: $0.bytes) }
    }

    private func packets() throws -> [QuorumPacket] {
        var stream = ByteBuffer(bytes: ApacheCaptures.all("capture.quorum.").flatMap(\.bytes))
        var packets: [QuorumPacket] = []
        while let packet = try QuorumPacketStream.nextPacket(from: &stream) { packets.append(packet) }
        #expect(stream.readableBytes == 0)
        return packets
    }

    private func leaderSid() throws -> Int64 {
        try #require(try notifications().first { $0.state == .leading }?.leader)
    }

    @Test(arguments: [1, 2, 3])
    func eachMembersInitialMessageIsV1WithItsElectionAddress(sid: Int) throws {
        let bytes = ApacheCaptures.bytes("capture.election.initial.\(sid)")
        let message = try ElectionInitialMessage(decoding: bytes)
        #expect(message == .v1(sid: Int64(sid), address: ElectionAddress(host: "127.0.0.1", port: UInt16(23530 + sid))))
        #expect(message.encodedBytes == bytes)
    }

    @Test func everyMemberAnswersANonVoterWithTheSameVote() throws {
        let all = try notifications()
        #expect(all.count == 3)
        let leader = try leaderSid()
        for (index, notification) in all.enumerated() {
            #expect(notification.leader == leader)
            #expect(notification.state == (Int64(index + 1) == leader ? .leading : .following))
            #expect(notification.version == Notification.currentVersion)
            #expect(notification.peerEpoch == all[0].peerEpoch)
            #expect(notification.electionEpoch == all[0].electionEpoch)
            #expect(notification.encodedBytes == ApacheCaptures.all("capture.election.reply.")[index].bytes)
        }
    }

    @Test func notificationsCarryTheQuorumConfigText() throws {
        let config = try #require(try notifications()[0].config)
        let text = String(decoding: config, as: UTF8.self)
        #expect(text == (1...3).map { "server.\($0)=127.0.0.1:2352\($0):2353\($0):participant\n" }.joined() + "version=0")
    }

    @Test func theStreamDecodesToApachesPacketSequence() throws {
        let all = try packets()
        let types = all.compactMap(\.packetType)
        #expect(types.count == all.count)
        // Discovery and an empty DIFF, NEWLEADER after the sync data, then UPTODATE.
        #expect(Array(types.prefix(4)) == [.leaderInfo, .diff, .newLeader, .upToDate])
        #expect(Set(types.dropFirst(4)) == [.proposal, .commit, .ping, .revalidate, .sync])
        for (packet, capture) in zip(all, ApacheCaptures.all("capture.quorum.")) {
            #expect(packet.encodedBytes == capture.bytes, "\(capture.name)")
        }
    }

    @Test func discoveryAgreesOnTheNewEpoch() throws {
        let all = try packets()
        let leaderInfo = try LeaderInfo(packet: all[0])
        #expect(leaderInfo.protocolVersion == zab10ProtocolVersion)
        let vote = try notifications()[0]
        #expect(leaderInfo.newEpoch == vote.peerEpoch)
        #expect(all[1].zxid == ZxidMath.zxid(epoch: leaderInfo.newEpoch, counter: 0))
        let newLeader = try NewLeader(packet: all[2])
        #expect(newLeader.newEpoch == leaderInfo.newEpoch)
        #expect(newLeader.config == vote.config)
        #expect(all[3].zxid == -1)
        #expect(all[3].data.isNull)
    }

    @Test func proposalsAreContiguousDigestedAndCommittedInOrder() throws {
        let all = try packets()
        let proposals = try all.filter { $0.packetType == .proposal }.map { packet in
            let payload = try ProposalPayload(decoding: packet.data.bytesOrEmpty)
            #expect(payload.header.zxid == packet.zxid)
            return payload
        }
        #expect(proposals.map(\.header.type) == [.createSession, .create, .setData, .closeSession])
        let zxids = proposals.map(\.header.zxid)
        let epoch = ZxidMath.epoch(of: zxids[0])
        #expect(zxids == (1...4).map { ZxidMath.zxid(epoch: epoch, counter: Int64($0)) })
        #expect(all.filter { $0.packetType == .commit }.map(\.zxid) == zxids)
        #expect(proposals.allSatisfy { $0.digest?.version == 2 })
        #expect(proposals[1].body == .create(CreateTxn(path: "/probe", data: "hello", acl: QuorumPayloadTests.openACL, ephemeral: false, parentCVersion: 1)))
        #expect(proposals[2].body == .setData(SetDataTxn(path: "/probe", data: "world", version: 1)))
        #expect(proposals[3].body == .closeSession(CloseSessionTxn(paths2Delete: [])))
        // One session, made by the leader: its id carries the leader's sid.
        let sessionId = proposals[0].header.clientId
        #expect(proposals.allSatisfy { $0.header.clientId == sessionId })
        let leader = try leaderSid()
        #expect(sessionId >> 56 == leader)
        #expect(sessionId & 0xffff == 0) // the first id since start-up: initializeNextSessionId's low bits
    }

    @Test func theSessionPasswordIsJavaUtilRandomOfTheId() throws {
        let id = ApacheCaptures.bytes("capture.session.id").reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        let createSession = try #require(try packets().first { $0.packetType == .proposal })
        #expect(id == (try ProposalPayload(decoding: createSession.data.bytesOrEmpty).header.clientId))
        #expect(EnsembleSession.password(sessionId: id) == ApacheCaptures.bytes("capture.session.password"))
    }

    @Test func pingsRevalidateAndSyncDecode() throws {
        let all = try packets()
        let pings = try all.filter { $0.packetType == .ping }.map { try Ping(packet: $0) }
        #expect(!pings.isEmpty)
        #expect(pings.allSatisfy { $0.touches.isEmpty })
        #expect(zip(pings, pings.dropFirst()).allSatisfy { $0.zxid <= $1.zxid })
        let revalidate = try RevalidateResponse(packet: try #require(all.first { $0.packetType == .revalidate }))
        let sessionId = ApacheCaptures.bytes("capture.session.id").reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        #expect(revalidate == RevalidateResponse(sessionId: sessionId, valid: true))
        let sync = try #require(all.first { $0.packetType == .sync })
        #expect(sync == QuorumPacket(.sync, zxid: 0))
    }
}
