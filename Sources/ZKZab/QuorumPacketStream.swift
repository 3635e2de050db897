import NIOCore
import ZKProtocol

/// The quorum port's byte stream: QuorumPacket records back to back, with no
/// length prefix (Apache's Learner and LearnerHandler write them with
/// `BinaryOutputArchive.writeRecord` straight onto the socket).
///
/// With no frame to bound a packet, the limits bound each field instead, as
/// Apache's `BinaryInputArchive` does with `jute.maxbuffer` + extrasize: a
/// length above its limit is refused as soon as its 4 bytes arrive, before
/// anything is buffered for it.
public enum QuorumPacketStream {
    /// Takes one complete packet off the front of `buffer`.
    ///
    /// Returns `nil` when more bytes are needed; nothing is consumed then.
    /// Throws for a negative or oversized length or count.
    public static func nextPacket(from buffer: inout ByteBuffer, limits: ZabLimits = .apacheDefaults) throws(ZabWireError) -> QuorumPacket? {
        guard let length = try completePacketLength(in: buffer, limits: limits) else { return nil }
        guard let slice = buffer.getSlice(at: buffer.readerIndex, length: length) else { return nil }
        var reader = JuteReader(slice)
        let packet: QuorumPacket
        do {
            packet = try QuorumPacket(from: &reader)
        } catch {
            throw .jute(error)
        }
        buffer.moveReaderIndex(forwardBy: length)
        return packet
    }

    /// Appends `packet` as Apache writes it.
    public static func write(_ packet: QuorumPacket, into buffer: inout ByteBuffer) {
        packet.encode(to: &buffer)
    }

    /// The bytes of `packet` as Apache writes it.
    public static func bytes(of packet: QuorumPacket) -> [UInt8] {
        packet.encodedBytes
    }

    /// Walks the packet's lengths without copying: the byte count of the
    /// first packet in `buffer` once all of it is there, else `nil`.
    static func completePacketLength(in buffer: ByteBuffer, limits: ZabLimits) throws(ZabWireError) -> Int? {
        var offset = buffer.readerIndex
        let end = buffer.writerIndex
        // type (4) + zxid (8)
        offset += 12
        guard offset <= end else { return nil }
        guard let dataLength = try lengthField(buffer, at: &offset, end: end, field: "data", limit: limits.maxQuorumBufferBytes) else { return nil }
        offset += dataLength
        guard offset <= end else { return nil }
        guard let count = try lengthField(buffer, at: &offset, end: end, field: "authinfo", limit: limits.maxAuthIds) else { return nil }
        for _ in 0..<count {
            guard let scheme = try lengthField(buffer, at: &offset, end: end, field: "authinfo.scheme", limit: limits.maxQuorumBufferBytes) else { return nil }
            offset += scheme
            guard offset <= end else { return nil }
            guard let id = try lengthField(buffer, at: &offset, end: end, field: "authinfo.id", limit: limits.maxQuorumBufferBytes) else { return nil }
            offset += id
            guard offset <= end else { return nil }
        }
        return offset - buffer.readerIndex
    }

    /// Reads a Jute length or count at `offset`: -1 (null) counts as 0.
    private static func lengthField(_ buffer: ByteBuffer, at offset: inout Int, end: Int, field: String, limit: Int) throws(ZabWireError) -> Int? {
        guard offset + 4 <= end, let value = buffer.getInteger(at: offset, endianness: .big, as: Int32.self) else { return nil }
        offset += 4
        if value == -1 { return 0 }
        guard value >= 0 else { throw .negativeLength(message: "QuorumPacket", field: field, length: Int64(value)) }
        guard Int(value) <= limit else {
            throw .lengthExceedsLimit(message: "QuorumPacket", field: field, length: Int64(value), limit: limit)
        }
        return Int(value)
    }
}
