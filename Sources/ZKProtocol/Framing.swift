import NIOCore

/// ZooKeeper's framing: every packet after the TCP handshake is a 4-byte
/// big-endian length, then that many bytes.
public enum Framing {
    /// Apache's default `jute.maxbuffer`: 0xfffff bytes (1 MiB - 1).
    public static let defaultMaxBufferBytes = 0xfffff

    /// Takes one complete frame's payload off the front of `buffer`.
    ///
    /// Returns `nil` when more bytes are needed (nothing is consumed then).
    /// Throws for a negative length or one above `maxBufferBytes`, as
    /// Apache's server does ("Len error"), without waiting for the payload.
    public static func nextFrame(from buffer: inout ByteBuffer, maxBufferBytes: Int) throws(JuteError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard length >= 0 else { throw .invalidFrameLength(length) }
        guard Int(length) <= maxBufferBytes else { throw .frameTooLarge(length: length, limit: maxBufferBytes) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// Appends a frame whose payload `body` writes, patching in its length.
    @inlinable
    public static func writeFrame(into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        let start = buffer.writerIndex
        buffer.writeJuteInt(0)
        body(&buffer)
        let length = buffer.writerIndex - start - 4
        buffer.setInteger(Int32(truncatingIfNeeded: length), at: start, endianness: .big)
    }

    /// Appends `record` as one frame.
    @inlinable
    public static func writeFrame<R: JuteRecord>(_ record: R, into buffer: inout ByteBuffer) {
        writeFrame(into: &buffer) { record.encode(to: &$0) }
    }
}

/// A NIO decoder that cuts the inbound byte stream into frame payloads.
///
/// A bad length prefix is a `JuteError` raised through the pipeline; the
/// connection handler closes that one connection.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// The largest payload accepted (`jute.maxbuffer`).
    public let maxBufferBytes: Int

    public init(maxBufferBytes: Int = Framing.defaultMaxBufferBytes) {
        self.maxBufferBytes = maxBufferBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Framing.nextFrame(from: &buffer, maxBufferBytes: maxBufferBytes) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
