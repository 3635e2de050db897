import NIOCore
import ZKProtocol
import ZKServerCore

/// What the frame decoder makes of one frame.
enum DecodedFrame: Sendable, Equatable {
    case connect(ConnectRequest)
    /// A request: its header, and its body or why the body did not decode
    /// (the core answers that with MARSHALLINGERROR).
    case request(xid: Int32, opCode: OpCode, body: Result<ZKRequest, JuteError>)
}

/// Cuts a client's byte stream into frames: the ConnectRequest first, then
/// RequestHeader + request body. A length prefix over `jute.maxbuffer` (or
/// negative) is refused before any of its payload is buffered, as Apache's
/// "Len error"; a frame whose header does not decode ends the connection.
struct RequestDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = DecodedFrame

    let maxFrameBytes: Int
    private var connected = false

    /// `expectingConnectRequest: false` starts past the handshake.
    init(maxFrameBytes: Int, expectingConnectRequest: Bool = true) {
        self.maxFrameBytes = maxFrameBytes
        connected = !expectingConnectRequest
    }

    mutating func decode(buffer: inout ByteBuffer) throws -> DecodedFrame? {
        guard let frame = try Framing.nextFrame(from: &buffer, maxBufferBytes: maxFrameBytes) else { return nil }
        guard connected else {
            connected = true
            return .connect(try ConnectRequest(decoding: frame))
        }
        var reader = JuteReader(frame)
        let header = try RequestHeader(from: &reader)
        let body: Result<ZKRequest, JuteError>
        do {
            body = .success(try ZKRequest(opCode: header.type, from: &reader))
        } catch {
            body = .failure(error)
        }
        return .request(xid: header.xid, opCode: header.type, body: body)
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodedFrame? {
        // A partial frame at EOF is dropped with the connection.
        try decode(buffer: &buffer)
    }
}
