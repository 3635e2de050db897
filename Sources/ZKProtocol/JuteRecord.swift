import NIOCore

/// A record of ZooKeeper's Jute schema (`zookeeper.jute`): its fields in
/// order, with no tags.
public protocol JuteRecord: Hashable, Sendable {
    /// Reads the record's fields in schema order.
    init(from reader: inout JuteReader) throws(JuteError)
    /// Appends the record's fields in schema order.
    func encode(to buffer: inout ByteBuffer)
}

extension JuteRecord {
    /// Decodes one record from the readable bytes of `buffer`. Bytes after the
    /// record are ignored, as Apache's servers ignore them.
    public init(decoding buffer: ByteBuffer) throws(JuteError) {
        var reader = JuteReader(buffer)
        try self.init(from: &reader)
    }

    /// Decodes one record from `bytes`.
    public init(decoding bytes: [UInt8]) throws(JuteError) {
        try self.init(decoding: ByteBuffer(bytes: bytes))
    }

    /// The record's encoding as a new buffer.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(to: &buffer)
        return buffer
    }

    /// The record's encoding as bytes.
    public var encodedBytes: [UInt8] {
        let buffer = encoded()
        return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }
}
