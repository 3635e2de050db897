import NIOCore
import Testing
import ZKProtocol
import ZKZab

@Suite("Quorum port: payloads")
struct QuorumPayloadTests {
    static let config = NotificationTests.config

    private func packet(_ name: String) throws -> QuorumPacket {
        var buffer = ByteBuffer(bytes: ApacheVectors.bytes(name))
        return try #require(try QuorumPacketStream.nextPacket(from: &buffer))
    }

    // MARK: discovery

    @Test func followerAndObserverInfoMatchApache() throws {
        let follower = LearnerHello(isObserver: false, acceptedEpoch: 1, sid: 2, configVersion: 0)
        #expect(toHex(follower.packet.encodedBytes) == ApacheVectors.hex("quorum.followerinfo"))
        #expect(try LearnerHello(packet: packet("quorum.followerinfo")) == follower)
        let observer = LearnerHello(isObserver: true, acceptedEpoch: 3, sid: 4, configVersion: 0x1_0000_0000)
        #expect(toHex(observer.packet.encodedBytes) == ApacheVectors.hex("quorum.observerinfo"))
        #expect(try LearnerHello(packet: packet("quorum.observerinfo")) == observer)
    }

    @Test func learnerInfoIsReadByLengthAsLearnerHandlerDoes() throws {
        func hello(_ data: JuteBytes) throws -> LearnerHello {
            try LearnerHello(packet: QuorumPacket(.followerInfo, zxid: 0x4_0000_0000, data: data))
        }
        let full = LearnerInfo(serverid: 9, protocolVersion: 0x10000, configVersion: 7).encodedBytes
        #expect(try hello(JuteBytes(full)) == LearnerHello(isObserver: false, acceptedEpoch: 4, sid: 9, protocolVersion: 0x10000, configVersion: 7))
        // A 3.4 learner: sid and version, no config version.
        #expect(try hello(JuteBytes(Array(full.prefix(12)))) == LearnerHello(isObserver: false, acceptedEpoch: 4, sid: 9, protocolVersion: 0x10000, configVersion: nil))
        // Older still: sid only; the protocol version defaults to 1.
        #expect(try hello(JuteBytes(Array(full.prefix(8)))) == LearnerHello(isObserver: false, acceptedEpoch: 4, sid: 9, protocolVersion: 1, configVersion: nil))
        // No data: no sid (the leader assigns a negative temporary one).
        #expect(try hello(.null).sid == nil)
        #expect(try hello(JuteBytes(Array(full.prefix(5)))).sid == nil)
        #expect(throws: ZabWireError.invalidValue(message: "LearnerInfo", field: "type", value: 3)) {
            try LearnerHello(packet: QuorumPacket(.ack, zxid: 0))
        }
    }

    @Test func leaderInfoMatchesApache() throws {
        let info = LeaderInfo(newEpoch: 2)
        #expect(toHex(info.packet.encodedBytes) == ApacheVectors.hex("quorum.leaderinfo"))
        #expect(try LeaderInfo(packet: packet("quorum.leaderinfo")) == info)
        #expect(throws: ZabWireError.truncated(message: "LeaderInfo", field: "protocolVersion", needed: 4, available: 2)) {
            try LeaderInfo(packet: QuorumPacket(.leaderInfo, zxid: 0x2_0000_0000, data: [0, 1]))
        }
    }

    @Test func ackEpochMatchesApache() throws {
        let ack = AckEpoch(lastLoggedZxid: 0x1_0000_0003, currentEpoch: 1)
        #expect(toHex(ack.packet.encodedBytes) == ApacheVectors.hex("quorum.ackepoch"))
        #expect(try AckEpoch(packet: packet("quorum.ackepoch")) == ack)
        let already = AckEpoch(lastLoggedZxid: 0x2_0000_0000, currentEpoch: AckEpoch.alreadyAccepted)
        #expect(toHex(already.packet.encodedBytes) == ApacheVectors.hex("quorum.ackepoch.already"))
        #expect(throws: ZabWireError.truncated(message: "AckEpoch", field: "currentEpoch", needed: 4, available: 0)) {
            try AckEpoch(packet: QuorumPacket(.ackEpoch, zxid: 0))
        }
    }

    @Test func newLeaderCarriesTheConfigText() throws {
        let newLeader = NewLeader(newEpoch: 2, config: Self.config)
        #expect(toHex(newLeader.packet.encodedBytes) == ApacheVectors.hex("quorum.newleader"))
        #expect(try NewLeader(packet: packet("quorum.newleader")) == newLeader)
    }

    // MARK: broadcast

    static let createHeader = TxnHeader(clientId: 0x0100_014d_113b_0000, cxid: 1, zxid: 0x1_0000_0002, time: 1_764_000_000_000, type: .create)
    static let openACL = [ACL(perms: .all, id: Id(scheme: "world", id: "anyone"))]
    static let create = ProposalPayload(
        header: createHeader,
        body: .create(CreateTxn(path: "/probe", data: "hello", acl: openACL, ephemeral: false, parentCVersion: 1)),
        digest: TxnDigest(version: 2, treeDigest: 0x1_d67a_f7dd)
    )

    @Test func proposalMatchesApachesMarshalledTxn() throws {
        #expect(toHex(Self.create.proposalPacket.encodedBytes) == ApacheVectors.hex("quorum.proposal.create"))
        let decoded = try ProposalPayload(decoding: packet("quorum.proposal.create").data.bytesOrEmpty)
        #expect(decoded == Self.create)
        #expect(toHex(Self.create.informPacket.encodedBytes) == ApacheVectors.hex("quorum.inform.create"))
    }

    @Test func createSessionProposalCarriesTheTreeDigest() throws {
        let decoded = try ProposalPayload(decoding: packet("quorum.proposal.createsession").data.bytesOrEmpty)
        #expect(decoded.header.type == .createSession)
        #expect(decoded.body == .createSession(CreateSessionTxn(timeOut: 30000)))
        #expect(decoded.digest == TxnDigest(version: 2, treeDigest: 0x51c6_d660))
        #expect(decoded.proposalPacket.encodedBytes == ApacheVectors.bytes("quorum.proposal.createsession"))
    }

    @Test func theDigestIsOptional() throws {
        let decoded = try ProposalPayload(decoding: packet("quorum.proposal.setdata.nodigest").data.bytesOrEmpty)
        #expect(decoded.digest == nil)
        #expect(decoded.body == .setData(SetDataTxn(path: "/probe", data: [1, 2], version: 1)))
        #expect(decoded.proposalPacket.encodedBytes == ApacheVectors.bytes("quorum.proposal.setdata.nodigest"))
    }

    @Test func closeSessionWithAndWithoutItsPathList() throws {
        let header = TxnHeader(clientId: 0x0100_0000_0000_0001, cxid: 0, zxid: 0x1_0000_0009, time: 5, type: .closeSession)
        // 3.6+ writes the path list and a digest; older servers neither. A
        // bodiless closeSession with a digest is ambiguous on the wire, and
        // Apache never writes one.
        let current = ProposalPayload(header: header, body: .closeSession(CloseSessionTxn(paths2Delete: ["/e1", "/e2"])),
                                      digest: TxnDigest(version: 2, treeDigest: 42))
        #expect(try ProposalPayload(decoding: current.encodedBytes) == current)
        let old = ProposalPayload(header: header, body: .closeSession(nil), digest: nil)
        #expect(try ProposalPayload(decoding: old.encodedBytes) == old)
    }

    @Test func errorTxnsAreReplicatedToo() throws {
        let header = TxnHeader(clientId: 7, cxid: 3, zxid: 0x1_0000_000a, time: 5, type: .error)
        let payload = ProposalPayload(header: header, body: .error(ErrorTxn(err: .noNode)), digest: nil)
        #expect(try ProposalPayload(decoding: payload.encodedBytes) == payload)
    }

    @Test func aDigestCutShortIsRefused() {
        let bytes = Array(Self.create.encodedBytes.dropLast(5))
        #expect(throws: ZabWireError.truncated(message: "Proposal", field: "TxnDigest", needed: 12, available: 7)) {
            try ProposalPayload(decoding: bytes)
        }
    }

    @Test func bytesAfterTheDigestAreRefused() {
        #expect(throws: ZabWireError.trailingBytes(message: "Proposal", count: 2)) {
            try ProposalPayload(decoding: Self.create.encodedBytes + [0, 0])
        }
    }

    @Test(arguments: [OpCode.getData, .ping, .check, .sync, .unrecognized(77)])
    func typesApacheDoesNotReplicateAreRefused(type: OpCode) {
        var header = Self.createHeader
        header.type = type
        #expect(throws: ZabWireError.invalidValue(message: "Proposal", field: "TxnHeader.type", value: Int64(type.code))) {
            try ProposalPayload(decoding: header.encodedBytes)
        }
    }

    @Test func aTruncatedHeaderOrBodyIsATypedError() {
        #expect(throws: ZabWireError.self) { try ProposalPayload(decoding: Array(Self.create.encodedBytes.prefix(20))) }
        #expect(throws: ZabWireError.self) { try ProposalPayload(decoding: Array(Self.create.encodedBytes.prefix(40))) }
        #expect(throws: ZabWireError.self) { try ProposalPayload(decoding: []) }
    }

    @Test func activationPacketsMatchApache() throws {
        let commit = Activation(zxid: 0x1_0000_0009, designatedLeader: 3, proposal: nil)
        #expect(toHex(commit.packet.encodedBytes) == ApacheVectors.hex("quorum.commitandactivate"))
        #expect(try Activation(packet: packet("quorum.commitandactivate")) == commit)
        let setData = try ProposalPayload(decoding: packet("quorum.proposal.setdata.nodigest").data.bytesOrEmpty)
        let inform = Activation(zxid: 0x1_0000_0003, designatedLeader: 3, proposal: setData)
        #expect(toHex(inform.packet.encodedBytes) == ApacheVectors.hex("quorum.informandactivate"))
        #expect(try Activation(packet: packet("quorum.informandactivate")) == inform)
        #expect(throws: ZabWireError.truncated(message: "Activation", field: "designatedLeader", needed: 8, available: 4)) {
            try Activation(packet: QuorumPacket(.commitAndActivate, zxid: 1, data: [0, 0, 0, 1]))
        }
    }

    // MARK: sessions

    @Test func pingRepliesCarrySessionTouches() throws {
        let ping = Ping(zxid: 0x2_0000_0005, touches: [
            SessionTouch(sessionId: 0x0100_0000_0000_0001, timeoutMs: 30000),
            SessionTouch(sessionId: 0x0200_017f_3a2b_0000, timeoutMs: 4000),
        ])
        #expect(toHex(ping.reply().encodedBytes) == ApacheVectors.hex("quorum.ping.reply"))
        #expect(try Ping(packet: packet("quorum.ping.reply")) == ping)
        #expect(toHex(Ping(zxid: 0x2_0000_0005, touches: []).reply().encodedBytes) == ApacheVectors.hex("quorum.ping.reply.empty"))
        #expect(try Ping(packet: packet("quorum.ping.leader")) == Ping(zxid: 0x2_0000_0005, touches: []))
    }

    @Test func aPartialTouchIsRefused() {
        let data = Ping(zxid: 1, touches: [SessionTouch(sessionId: 1, timeoutMs: 2)]).reply().data.bytesOrEmpty + [0, 0, 0, 0, 0, 0, 0, 9]
        #expect(throws: ZabWireError.truncated(message: "Ping", field: "timeout", needed: 4, available: 0)) {
            try Ping(packet: QuorumPacket(.ping, zxid: 1, data: JuteBytes(data)))
        }
    }

    @Test func revalidateRequestAndResponseMatchApache() throws {
        let request = RevalidateRequest(sessionId: 0x0100_0000_0000_0001, timeoutMs: 30000)
        #expect(toHex(request.packet.encodedBytes) == ApacheVectors.hex("quorum.revalidate.request"))
        #expect(try RevalidateRequest(packet: packet("quorum.revalidate.request")) == request)
        let response = RevalidateResponse(sessionId: 0x0100_0000_0000_0001, valid: true)
        #expect(toHex(response.packet(answering: request.packet).encodedBytes) == ApacheVectors.hex("quorum.revalidate.response"))
        #expect(try RevalidateResponse(packet: packet("quorum.revalidate.response")) == response)
        let invalid = RevalidateResponse(sessionId: 5, valid: false)
        #expect(try RevalidateResponse(packet: invalid.packet(answering: request.packet)) == invalid)
        #expect(throws: ZabWireError.truncated(message: "RevalidateRequest", field: "timeout", needed: 4, available: 1)) {
            try RevalidateRequest(packet: QuorumPacket(.revalidate, zxid: -1, data: [0, 0, 0, 0, 0, 0, 0, 1, 2]))
        }
        #expect(throws: ZabWireError.truncated(message: "RevalidateResponse", field: "valid", needed: 1, available: 0)) {
            try RevalidateResponse(packet: QuorumPacket(.revalidate, zxid: -1, data: [0, 0, 0, 0, 0, 0, 0, 1]))
        }
    }

    @Test func forwardedRequestsMatchApache() throws {
        let create = CreateRequest(path: "/probe", data: "hello", acl: Self.openACL, flags: 0)
        let forwarded = ForwardedRequest(sessionId: 0x0200_017f_3a2b_0000, cxid: 7, type: .create, request: create.encodedBytes,
                                         authinfo: [Id(scheme: "ip", id: "127.0.0.1")])
        #expect(toHex(forwarded.packet.encodedBytes) == ApacheVectors.hex("quorum.request.create"))
        #expect(try ForwardedRequest(packet: packet("quorum.request.create")) == forwarded)
        let sync = try ForwardedRequest(packet: packet("quorum.request.sync"))
        #expect(sync.type == .sync)
        #expect(sync.authinfo == [])
        #expect(try SyncRequest(decoding: sync.request) == SyncRequest(path: "/"))
        #expect(throws: ZabWireError.truncated(message: "ForwardedRequest", field: "type", needed: 4, available: 2)) {
            try ForwardedRequest(packet: QuorumPacket(.request, zxid: -1, data: JuteBytes([UInt8](repeating: 0, count: 14))))
        }
    }

    @Test func decodersRefuseTheWrongPacketType() {
        let commit = QuorumPacket(.commit, zxid: 1)
        #expect(throws: ZabWireError.self) { try LeaderInfo(packet: commit) }
        #expect(throws: ZabWireError.self) { try AckEpoch(packet: commit) }
        #expect(throws: ZabWireError.self) { try NewLeader(packet: commit) }
        #expect(throws: ZabWireError.self) { try Ping(packet: commit) }
        #expect(throws: ZabWireError.self) { try RevalidateRequest(packet: commit) }
        #expect(throws: ZabWireError.self) { try RevalidateResponse(packet: commit) }
        #expect(throws: ZabWireError.self) { try ForwardedRequest(packet: commit) }
        #expect(throws: ZabWireError.self) { try Activation(packet: commit) }
    }
}
