import NIOCore
import ZKProtocol

// libFuzzer entry point. The first input byte picks a decoder; the rest is
// what it reads. Every decoder must return a value or a typed error, never
// trap; whatever decodes must re-encode to bytes that decode to the same
// value (otherwise the harness aborts, which libFuzzer reports as a crash).

private func check<T: JuteRecord>(_ type: T.Type, _ bytes: ByteBuffer) {
    guard let value = try? T(decoding: bytes) else { return }
    let again = try? T(decoding: value.encoded())
    precondition(again == value, "\(T.self) does not survive a round trip")
}

private func checkFrames(_ bytes: ByteBuffer, limit: Int) {
    // The server's read path: cut frames, the first is a ConnectRequest and
    // the rest are requests.
    var input = bytes
    var first = true
    while true {
        let payload: ByteBuffer?
        do {
            payload = try Framing.nextFrame(from: &input, maxBufferBytes: limit)
        } catch {
            return
        }
        guard let payload else { return }
        if first {
            check(ConnectRequest.self, payload)
            first = false
        } else {
            check(RequestPacket.self, payload)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let body = ByteBuffer(bytes: UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch selector % 12 {
    case 0: checkFrames(body, limit: 4096)
    case 1: check(RequestPacket.self, body)
    case 2: check(ConnectRequest.self, body)
    case 3: check(ConnectResponse.self, body)
    case 4: check(MultiRequest.self, body)
    case 5: check(MultiResponse.self, body)
    case 6: check(WatcherEvent.self, body)
    case 7: check(ReplyHeader.self, body)
    case 8, 9:
        // A reply body for the opcode in the next byte.
        guard let code = body.getInteger(at: body.readerIndex, as: UInt8.self) else { return 0 }
        let opCode = OpCode.allCases[Int(code) % OpCode.allCases.count]
        var reader = JuteReader(body.getSlice(at: body.readerIndex + 1, length: body.readableBytes - 1) ?? ByteBuffer())
        if let response = try? ZKResponse(opCode: opCode, from: &reader) {
            var encoded = ByteBuffer()
            response.encode(to: &encoded)
            var again = JuteReader(encoded)
            precondition((try? ZKResponse(opCode: opCode, from: &again)) == response, "reply to \(opCode) does not survive a round trip")
        }
    default:
        // A log entry: TxnHeader, then the body its type selects.
        var reader = JuteReader(body)
        guard let header = try? TxnHeader(from: &reader) else { return 0 }
        if let txn = try? TxnBody(type: header.type, from: &reader) {
            var encoded = ByteBuffer()
            txn.encode(to: &encoded)
            var again = JuteReader(encoded)
            precondition((try? TxnBody(type: header.type, from: &again)) == txn, "\(header.type) txn does not survive a round trip")
        }
    }
    return 0
}
