import NIOCore
import Testing
@testable import ZKProtocol

@Suite("Framing")
struct FramingTests {
    private func frame(_ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        Framing.writeFrame(into: &buffer) { $0.writeBytes(payload) }
        return buffer
    }

    @Test func writesBigEndianLength() {
        let buffer = frame([9, 8, 7])
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 3, 9, 8, 7])
    }

    @Test func cutsBackToBackFramesAndWaitsForPartialOnes() throws {
        var stream = frame([1])
        var second = frame([2, 3])
        stream.writeBuffer(&second)
        let whole = Array(stream.readableBytesView)
        // Feed one byte at a time: frames appear exactly when complete.
        var input = ByteBuffer()
        var seen: [[UInt8]] = []
        for byte in whole {
            input.writeInteger(byte)
            while let payload = try Framing.nextFrame(from: &input, maxBufferBytes: 100) {
                seen.append(Array(payload.readableBytesView))
            }
        }
        #expect(seen == [[1], [2, 3]])
        #expect(input.readableBytes == 0)
    }

    @Test func emptyFrameIsValid() throws {
        var input = frame([])
        let payload = try Framing.nextFrame(from: &input, maxBufferBytes: 10)
        #expect(payload?.readableBytes == 0)
    }

    @Test func negativeLengthIsRejected() {
        var input = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xfe])
        #expect(throws: JuteError.invalidFrameLength(-2)) {
            try Framing.nextFrame(from: &input, maxBufferBytes: 100)
        }
        var null = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff])
        #expect(throws: JuteError.invalidFrameLength(-1)) {
            try Framing.nextFrame(from: &null, maxBufferBytes: 100)
        }
    }

    @Test func oversizedLengthIsRejectedBeforeThePayloadArrives() {
        // Only the 4-byte prefix is present: the limit is enforced without waiting.
        var input = ByteBuffer(bytes: [0x00, 0x10, 0x00, 0x00])
        #expect(throws: JuteError.frameTooLarge(length: 0x100000, limit: Framing.defaultMaxBufferBytes)) {
            try Framing.nextFrame(from: &input, maxBufferBytes: Framing.defaultMaxBufferBytes)
        }
        var atLimit = ByteBuffer(bytes: [0x00, 0x0f, 0xff, 0xff])
        #expect((try? Framing.nextFrame(from: &atLimit, maxBufferBytes: Framing.defaultMaxBufferBytes)) == .some(nil))
    }

    @Test func configurableLimit() {
        var input = frame([1, 2, 3, 4, 5])
        #expect(throws: JuteError.frameTooLarge(length: 5, limit: 4)) {
            try Framing.nextFrame(from: &input, maxBufferBytes: 4)
        }
    }
}
