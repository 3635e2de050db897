import NIOCore
import Testing
import ZKProtocol
import ZKZab

/// Random and mutated bytes through every decoder: each returns a value,
/// waits for more, or throws a ZabWireError; none traps. Seeded, so a
/// failure replays.
@Suite("Hostile input")
struct HostileInputTests {
    static let iterations = 3000

    private func feedEverywhere(_ bytes: [UInt8]) {
        var buffer = ByteBuffer(bytes: bytes)
        _ = try? ElectionInitialMessage.decode(from: &buffer)
        _ = try? Notification(decoding: bytes)
        buffer = ByteBuffer(bytes: bytes)
        _ = try? ElectionFraming.nextMessage(from: &buffer)
        buffer = ByteBuffer(bytes: bytes)
        while let packet = try? QuorumPacketStream.nextPacket(from: &buffer) {
            _ = try? LearnerHello(packet: packet)
            _ = try? LeaderInfo(packet: packet)
            _ = try? AckEpoch(packet: packet)
            _ = try? NewLeader(packet: packet)
            _ = try? Ping(packet: packet)
            _ = try? RevalidateRequest(packet: packet)
            _ = try? RevalidateResponse(packet: packet)
            _ = try? ForwardedRequest(packet: packet)
            _ = try? Activation(packet: packet)
            _ = try? ProposalPayload(decoding: packet.data.bytesOrEmpty)
        }
        _ = try? ProposalPayload(decoding: bytes)
        _ = try? EpochFile.parse(bytes)
        buffer = ByteBuffer(bytes: bytes)
        _ = try? QuorumAuth.nextPacket(from: &buffer)
    }

    @Test func randomBytesNeverTrap() {
        var random = JavaRandom(seed: 20261204)
        for _ in 0..<Self.iterations {
            let count = Int(UInt32(bitPattern: random.nextInt()) % 96)
            feedEverywhere(random.nextBytes(count: count))
        }
    }

    @Test func mutatedGoldenVectorsNeverTrap() {
        var random = JavaRandom(seed: 7)
        let seeds = ApacheVectors.all("").map(\.bytes) + ApacheCaptures.all("").map(\.bytes)
        for _ in 0..<Self.iterations {
            var bytes = seeds[Int(UInt32(bitPattern: random.nextInt()) % UInt32(seeds.count))]
            guard !bytes.isEmpty else { continue }
            switch UInt32(bitPattern: random.nextInt()) % 3 {
            case 0: // overwrite a byte, often a length's
                bytes[Int(UInt32(bitPattern: random.nextInt()) % UInt32(bytes.count))] = random.nextBytes(count: 1)[0]
            case 1: // cut short
                bytes = Array(bytes.prefix(Int(UInt32(bitPattern: random.nextInt()) % UInt32(bytes.count))))
            default: // a hostile length at a random 4-byte boundary
                let at = Int(UInt32(bitPattern: random.nextInt()) % UInt32(max(1, bytes.count / 4))) * 4
                if at + 4 <= bytes.count {
                    let values: [Int32] = [-2, -1, 0, Int32.max, 0x1f_ffff, 0x7fff]
                    let value = values[Int(UInt32(bitPattern: random.nextInt()) % UInt32(values.count))]
                    bytes.replaceSubrange(at..<at + 4, with: withUnsafeBytes(of: value.bigEndian, Array.init))
                }
            }
            feedEverywhere(bytes)
        }
    }
}
