import NIOCore
import ZKProtocol

/// Reads the big-endian fields of a Zab payload (written by Java's
/// `DataOutputStream`) from a bounded buffer, throwing a `ZabWireError` that
/// names the message and field instead of trapping.
struct WireReader {
    var buffer: ByteBuffer
    let message: String

    init(_ buffer: ByteBuffer, _ message: String) {
        self.buffer = buffer
        self.message = message
    }

    init(_ bytes: [UInt8], _ message: String) {
        self.init(ByteBuffer(bytes: bytes), message)
    }

    var remaining: Int { buffer.readableBytes }

    mutating func readInt(_ field: String) throws(ZabWireError) -> Int32 {
        guard let value = buffer.readInteger(endianness: .big, as: Int32.self) else {
            throw .truncated(message: message, field: field, needed: 4, available: buffer.readableBytes)
        }
        return value
    }

    mutating func readLong(_ field: String) throws(ZabWireError) -> Int64 {
        guard let value = buffer.readInteger(endianness: .big, as: Int64.self) else {
            throw .truncated(message: message, field: field, needed: 8, available: buffer.readableBytes)
        }
        return value
    }

    /// Java's `readBoolean`: any non-zero byte is true.
    mutating func readBool(_ field: String) throws(ZabWireError) -> Bool {
        guard let value = buffer.readInteger(as: UInt8.self) else {
            throw .truncated(message: message, field: field, needed: 1, available: 0)
        }
        return value != 0
    }

    mutating func readBytes(_ field: String, count: Int) throws(ZabWireError) -> [UInt8] {
        guard count <= buffer.readableBytes, let bytes = buffer.readBytes(length: count) else {
            throw .truncated(message: message, field: field, needed: count, available: buffer.readableBytes)
        }
        return bytes
    }

    mutating func readRest() -> [UInt8] {
        buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Reads a nested Jute record.
    mutating func readRecord<R: JuteRecord>(_ type: R.Type) throws(ZabWireError) -> R {
        var reader = JuteReader(buffer)
        let record: R
        do {
            record = try R(from: &reader)
        } catch {
            throw .jute(error)
        }
        buffer = reader.unread
        return record
    }

    /// Throws unless every byte was read.
    func expectEnd() throws(ZabWireError) {
        guard buffer.readableBytes == 0 else { throw .trailingBytes(message: message, count: buffer.readableBytes) }
    }
}
