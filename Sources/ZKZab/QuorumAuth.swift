import NIOCore
import ZKProtocol

/// Quorum SASL's handshake packet (`QuorumAuthPacket`), which a peer with
/// `quorum.auth.enableSasl=true` sends right after the election initial
/// message and before FOLLOWERINFO. SwiftZK does not run quorum SASL yet;
/// this lets a shell tell such a peer apart and refuse it by name.
public enum QuorumAuth {
    /// `QuorumAuth.QUORUM_AUTH_MAGIC_NUMBER` (-0xa0dbcafecafe1234 in Java's
    /// long arithmetic), the packet's first long.
    public static let magic: Int64 = 0x5f24_3501_3501_edcc

    /// The packet's status field.
    public enum Status: Int32, Hashable, Sendable, CaseIterable {
        case inProgress = 0
        case success = 1
        case error = -1
    }

    /// Whether the next packet is an auth packet, as Apache's
    /// `nextPacketIsAuth` peeks: `nil` until 8 bytes are there. Consumes
    /// nothing.
    public static func nextPacketIsAuth(_ buffer: ByteBuffer) -> Bool? {
        buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int64.self).map { $0 == magic }
    }

    /// The packet a peer sends with `status` and a SASL token.
    public static func packet(_ status: Status, token: [UInt8]?) -> QuorumAuthPacket {
        QuorumAuthPacket(magic: magic, status: status.rawValue, token: JuteBytes(token))
    }

    /// Takes one auth packet off the front of `buffer`; `nil` when more bytes
    /// are needed (nothing consumed). The token is bounded like any quorum
    /// buffer; a wrong magic or an unknown status is refused.
    public static func nextPacket(from buffer: inout ByteBuffer, limits: ZabLimits = .apacheDefaults) throws(ZabWireError) -> (status: Status, token: [UInt8]?)? {
        let start = buffer.readerIndex
        guard let magicValue = buffer.getInteger(at: start, endianness: .big, as: Int64.self),
              let statusValue = buffer.getInteger(at: start + 8, endianness: .big, as: Int32.self),
              let length = buffer.getInteger(at: start + 12, endianness: .big, as: Int32.self)
        else { return nil }
        guard magicValue == magic else {
            throw .invalidValue(message: "QuorumAuthPacket", field: "magic", value: magicValue)
        }
        guard let status = Status(rawValue: statusValue) else {
            throw .invalidValue(message: "QuorumAuthPacket", field: "status", value: Int64(statusValue))
        }
        guard length >= -1 else {
            throw .negativeLength(message: "QuorumAuthPacket", field: "token", length: Int64(length))
        }
        guard Int(length) <= limits.maxQuorumBufferBytes else {
            throw .lengthExceedsLimit(message: "QuorumAuthPacket", field: "token", length: Int64(length), limit: limits.maxQuorumBufferBytes)
        }
        if length == -1 {
            buffer.moveReaderIndex(forwardBy: 16)
            return (status, nil)
        }
        guard let token = buffer.getBytes(at: start + 16, length: Int(length)) else { return nil }
        buffer.moveReaderIndex(forwardBy: 16 + Int(length))
        return (status, token)
    }
}
