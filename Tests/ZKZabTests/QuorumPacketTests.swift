import NIOCore
import Testing
import ZKProtocol
import ZKZab

@Suite("Quorum port: packets and stream")
struct QuorumPacketTests {
    @Test func typeNumbersAreApaches() {
        let expected: [(QuorumPacketType, Int32, String)] = [
            (.request, 1, "REQUEST"), (.proposal, 2, "PROPOSAL"), (.ack, 3, "ACK"), (.commit, 4, "COMMIT"),
            (.ping, 5, "PING"), (.revalidate, 6, "REVALIDATE"), (.sync, 7, "SYNC"), (.inform, 8, "INFORM"),
            (.commitAndActivate, 9, "COMMITANDACTIVATE"), (.newLeader, 10, "NEWLEADER"),
            (.followerInfo, 11, "FOLLOWERINFO"), (.upToDate, 12, "UPTODATE"), (.diff, 13, "DIFF"),
            (.trunc, 14, "TRUNC"), (.snap, 15, "SNAP"), (.observerInfo, 16, "OBSERVERINFO"),
            (.leaderInfo, 17, "LEADERINFO"), (.ackEpoch, 18, "ACKEPOCH"), (.informAndActivate, 19, "INFORMANDACTIVATE"),
        ]
        #expect(QuorumPacketType.allCases.count == expected.count)
        for (type, number, name) in expected {
            #expect(type.rawValue == number)
            #expect(type.name == name)
        }
        #expect(QuorumPacket(type: 20, zxid: 0, data: .null, authinfo: nil).packetType == nil)
    }

    // Reference doc §2.1, from Debian 3.8.0's jute.
    @Test func encodesTheReferenceDocFollowerInfo() {
        let hello = LearnerHello(isObserver: false, acceptedEpoch: 1, sid: 2, configVersion: 0)
        let expected = "0000000b 0000000100000000 00000014 0000000000000002 00010000 0000000000000000 ffffffff"
        #expect(toHex(QuorumPacketStream.bytes(of: hello.packet)) == toHex(fromHex(expected)))
    }

    @Test func encodesTheReferenceDocPing() throws {
        let packet = QuorumPacket(.ping, zxid: 0x2_0000_0005, data: JuteBytes([UInt8]()), authinfo: [])
        let expected = fromHex("00000005 0000000200000005 00000000 00000000")
        #expect(QuorumPacketStream.bytes(of: packet) == expected)
        var buffer = ByteBuffer(bytes: expected)
        #expect(try QuorumPacketStream.nextPacket(from: &buffer) == packet)
        #expect(try Ping(packet: packet).touches.isEmpty)
    }

    /// Every QuorumPacket Apache's classes wrote decodes and re-encodes to
    /// the same bytes, with nothing left over.
    @Test(arguments: ApacheVectors.all("quorum.").map(\.name))
    func apachePacketsRoundTrip(name: String) throws {
        let bytes = ApacheVectors.bytes(name)
        var buffer = ByteBuffer(bytes: bytes)
        let packet = try #require(try QuorumPacketStream.nextPacket(from: &buffer))
        #expect(buffer.readableBytes == 0)
        #expect(packet.packetType != nil)
        #expect(QuorumPacketStream.bytes(of: packet) == bytes)
    }

    @Test func markersAreBuiltAsApacheBuildsThem() {
        let cases: [(String, QuorumPacket)] = [
            ("quorum.diff", QuorumPacket(.diff, zxid: 0x1_0000_0005)),
            ("quorum.trunc", QuorumPacket(.trunc, zxid: 0x1_0000_0004)),
            ("quorum.snap", QuorumPacket(.snap, zxid: 0x1_0000_0005)),
            ("quorum.uptodate", QuorumPacket(.upToDate, zxid: -1)),
            ("quorum.ack", QuorumPacket(.ack, zxid: 0x2_0000_0001)),
            ("quorum.commit", QuorumPacket(.commit, zxid: 0x2_0000_0001)),
            ("quorum.sync", QuorumPacket(.sync, zxid: 0)),
            ("quorum.ping.leader", Ping.fromLeader(lastProposedZxid: 0x2_0000_0005)),
        ]
        for (name, packet) in cases {
            #expect(toHex(QuorumPacketStream.bytes(of: packet)) == ApacheVectors.hex(name), "\(name)")
        }
    }

    @Test func cutsBackToBackPacketsFedOneByteAtATime() throws {
        let names = ["quorum.followerinfo", "quorum.leaderinfo", "quorum.request.create", "quorum.proposal.create", "quorum.uptodate"]
        let wire = names.flatMap { ApacheVectors.bytes($0) }
        var input = ByteBuffer()
        var packets: [QuorumPacket] = []
        for byte in wire {
            input.writeInteger(byte)
            while let packet = try QuorumPacketStream.nextPacket(from: &input) { packets.append(packet) }
        }
        #expect(packets.map(\.packetType) == [.followerInfo, .leaderInfo, .request, .proposal, .upToDate])
        #expect(input.readableBytes == 0)
    }

    private func header(type: Int32 = 5, zxid: Int64 = 1) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(type)
        buffer.writeInteger(zxid)
        return buffer
    }

    @Test(arguments: [Int32(-2), -100, Int32.min])
    func negativeDataLengthIsRefused(length: Int32) {
        var buffer = header()
        buffer.writeInteger(length)
        #expect(throws: ZabWireError.negativeLength(message: "QuorumPacket", field: "data", length: Int64(length))) {
            try QuorumPacketStream.nextPacket(from: &buffer)
        }
    }

    @Test func oversizeDataIsRefusedBeforeItArrives() throws {
        let limit = ZabLimits.apacheDefaults.maxQuorumBufferBytes
        #expect(limit == 0x1f_fffe)
        var buffer = header()
        buffer.writeInteger(Int32(limit + 1))
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "QuorumPacket", field: "data", length: Int64(limit + 1), limit: limit)) {
            try QuorumPacketStream.nextPacket(from: &buffer)
        }
        var atLimit = header()
        atLimit.writeInteger(Int32(limit))
        #expect(try QuorumPacketStream.nextPacket(from: &atLimit) == nil)
        #expect(atLimit.readableBytes == 16)
    }

    @Test func aSmallerConfiguredLimitIsEnforced() {
        var limits = ZabLimits.apacheDefaults
        limits.maxQuorumBufferBytes = 8
        var buffer = ByteBuffer(bytes: ApacheVectors.bytes("quorum.followerinfo"))
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "QuorumPacket", field: "data", length: 20, limit: 8)) {
            try QuorumPacketStream.nextPacket(from: &buffer, limits: limits)
        }
    }

    @Test func authinfoCountAndLengthsAreBounded() {
        var tooMany = header()
        tooMany.writeInteger(Int32(-1))
        tooMany.writeInteger(Int32(1025))
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "QuorumPacket", field: "authinfo", length: 1025, limit: 1024)) {
            try QuorumPacketStream.nextPacket(from: &tooMany)
        }
        var negative = header()
        negative.writeInteger(Int32(-1))
        negative.writeInteger(Int32(-3))
        #expect(throws: ZabWireError.negativeLength(message: "QuorumPacket", field: "authinfo", length: -3)) {
            try QuorumPacketStream.nextPacket(from: &negative)
        }
        var badScheme = header()
        badScheme.writeInteger(Int32(-1))
        badScheme.writeInteger(Int32(1))
        badScheme.writeInteger(Int32(-7))
        #expect(throws: ZabWireError.negativeLength(message: "QuorumPacket", field: "authinfo.scheme", length: -7)) {
            try QuorumPacketStream.nextPacket(from: &badScheme)
        }
        var hugeId = header()
        hugeId.writeInteger(Int32(-1))
        hugeId.writeInteger(Int32(1))
        hugeId.writeInteger(Int32(2))
        hugeId.writeBytes([0x69, 0x70])
        hugeId.writeInteger(Int32.max)
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "QuorumPacket", field: "authinfo.id", length: Int64(Int32.max), limit: 0x1f_fffe)) {
            try QuorumPacketStream.nextPacket(from: &hugeId)
        }
    }

    @Test func everyPrefixOfAPacketWaitsForMore() throws {
        let bytes = ApacheVectors.bytes("quorum.request.create")
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: Array(bytes.prefix(cut)))
            #expect(try QuorumPacketStream.nextPacket(from: &buffer) == nil)
            #expect(buffer.readableBytes == cut)
        }
    }
}

@Suite("Quorum SASL auth packet")
struct QuorumAuthTests {
    @Test func matchesApachesCreatePacket() throws {
        #expect(toHex(QuorumAuth.packet(.success, token: [1, 2, 3]).encodedBytes) == ApacheVectors.hex("auth.success"))
        #expect(toHex(QuorumAuth.packet(.inProgress, token: nil).encodedBytes) == ApacheVectors.hex("auth.inprogress.null"))
        var buffer = ByteBuffer(bytes: ApacheVectors.bytes("auth.success") + ApacheVectors.bytes("auth.inprogress.null"))
        #expect(QuorumAuth.nextPacketIsAuth(buffer) == true)
        let first = try #require(try QuorumAuth.nextPacket(from: &buffer))
        #expect(first.status == .success && first.token == [1, 2, 3])
        let second = try #require(try QuorumAuth.nextPacket(from: &buffer))
        #expect(second.status == .inProgress && second.token == nil)
        #expect(buffer.readableBytes == 0)
    }

    @Test func aFollowerInfoIsNotAnAuthPacket() {
        #expect(QuorumAuth.nextPacketIsAuth(ByteBuffer(bytes: ApacheVectors.bytes("quorum.followerinfo"))) == false)
        #expect(QuorumAuth.nextPacketIsAuth(ByteBuffer(bytes: [0x5f, 0x24])) == nil)
    }

    @Test func badMagicStatusOrTokenLengthIsRefused() throws {
        var wrongMagic = ByteBuffer(bytes: ApacheVectors.bytes("quorum.followerinfo"))
        #expect(throws: ZabWireError.self) { try QuorumAuth.nextPacket(from: &wrongMagic) }
        var badStatus = ByteBuffer(bytes: ApacheVectors.bytes("auth.success"))
        badStatus.setInteger(Int32(7), at: 8)
        #expect(throws: ZabWireError.invalidValue(message: "QuorumAuthPacket", field: "status", value: 7)) {
            try QuorumAuth.nextPacket(from: &badStatus)
        }
        var huge = ByteBuffer(bytes: ApacheVectors.bytes("auth.success"))
        huge.setInteger(Int32.max, at: 12)
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "QuorumAuthPacket", field: "token", length: Int64(Int32.max), limit: 0x1f_fffe)) {
            try QuorumAuth.nextPacket(from: &huge)
        }
        var partial = ByteBuffer(bytes: Array(ApacheVectors.bytes("auth.success").dropLast()))
        let waiting = try QuorumAuth.nextPacket(from: &partial)
        #expect(waiting == nil)
        #expect(partial.readableBytes == 18)
    }
}
