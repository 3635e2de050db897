import NIOCore
import Testing
@testable import ZKProtocol

/// Decodes `bytes` as `T`; returns the error, or nil if it decoded.
private func decodeError<T: JuteRecord>(_ type: T.Type, _ bytes: [UInt8]) -> JuteError? {
    do {
        _ = try T(decoding: bytes)
        return nil
    } catch {
        return error
    }
}

private func isShortInput(_ error: JuteError?) -> Bool {
    switch error {
    case .truncated, .lengthExceedsInput: return true
    default: return false
    }
}

private func truncationsFail<T: JuteRecord & Arbitrary>(_ type: T.Type) {
    for seed in 0..<UInt64(60) {
        var g = Gen(seed: seed)
        let bytes = T.arbitrary(&g).encodedBytes
        for cut in 0..<bytes.count {
            let error = decodeError(T.self, Array(bytes[..<cut]))
            #expect(isShortInput(error), "\(T.self) seed \(seed) cut at \(cut) of \(bytes.count): \(String(describing: error))")
        }
    }
}

@Suite("Malformed input")
struct MalformedInputTests {
    @Test("every strict prefix of a record is a short-input error", arguments: allGeneratedRecordTypes.map { TypeBox($0) })
    func truncatedRecords(_ box: TypeBox) {
        truncationsFail(box.type)
    }

    @Test func truncatedCompositeRecords() {
        truncationsFail(MultiRequest.self)
        truncationsFail(MultiResponse.self)
        truncationsFail(RequestPacket.self)
    }

    @Test func errorsNameRecordAndField() {
        // A GetDataRequest whose path length runs past the end.
        let error = decodeError(GetDataRequest.self, [0, 0, 0, 9, 0x2f])
        #expect(error == .lengthExceedsInput(record: "GetDataRequest", field: "path", length: 9, available: 1))
        #expect(error?.description == "GetDataRequest.path: length 9 exceeds the 1 bytes left")
        let short = decodeError(Stat.self, [0, 0, 0])
        #expect(short == .truncated(record: "Stat", field: "czxid", needed: 8, available: 3))
    }

    @Test func negativeLengthsOtherThanNullAreErrors() {
        for length: Int32 in [-2, -3, -1000, Int32.min] {
            var buffer = ByteBuffer()
            buffer.writeJuteInt(length)
            buffer.writeJuteBool(false)
            let error = decodeError(GetDataRequest.self, Array(buffer.readableBytesView))
            #expect(error == .negativeLength(record: "GetDataRequest", field: "path", length: length))
            let vector = decodeError(GetChildrenResponse.self, Array(buffer.readableBytesView))
            #expect(vector == .negativeLength(record: "GetChildrenResponse", field: "children", length: length))
        }
    }

    @Test func hugeLengthsDoNotAllocate() {
        // A count claiming two billion elements must fail at once, before any
        // reservation, because the input cannot hold them.
        for length: Int32 in [16, 0x10000, 0x7fff_ffff] {
            var buffer = ByteBuffer()
            buffer.writeJuteInt(length)
            buffer.writeBytes([1, 2, 3])
            let bytes = Array(buffer.readableBytesView)
            #expect(decodeError(GetChildrenResponse.self, bytes) == .lengthExceedsInput(record: "GetChildrenResponse", field: "children", length: length, available: 3))
            #expect(decodeError(GetDataResponse.self, bytes) == .lengthExceedsInput(record: "GetDataResponse", field: "data", length: length, available: 3))
        }
    }

    @Test func garbageOpCodes() {
        for code: Int32 in [0, 10, 23, 24, 99, 108, 1000, -1, -10, -12, Int32.min, Int32.max] {
            var buffer = ByteBuffer()
            RequestHeader(xid: 1, type: OpCode(code: code)).encode(to: &buffer)
            buffer.writeBytes([0, 0, 0, 1, 0x2f, 0])
            let error = decodeError(RequestPacket.self, Array(buffer.readableBytesView))
            #expect(error == .unknownOpCode(code), "opcode \(code): \(String(describing: error))")
        }
    }

    @Test func multiWithForbiddenOperation() {
        // A multi may only hold create/delete/setData/check (and reads in multiRead).
        var buffer = ByteBuffer()
        MultiHeader(type: .sync, done: false, err: .unrecognized(-1)).encode(to: &buffer)
        SyncRequest(path: "/a").encode(to: &buffer)
        MultiHeader.end.encode(to: &buffer)
        #expect(decodeError(MultiRequest.self, Array(buffer.readableBytesView)) == .invalidValue(record: "MultiHeader", field: "type", value: 9))
    }

    @Test func multiWithoutTerminator() {
        var buffer = ByteBuffer()
        MultiHeader(type: .delete, done: false, err: .unrecognized(-1)).encode(to: &buffer)
        DeleteRequest(path: "/a", version: -1).encode(to: &buffer)
        #expect(isShortInput(decodeError(MultiRequest.self, Array(buffer.readableBytesView))))
    }

    @Test func randomBytesNeverCrash() {
        // Every decoder, fed random bytes, returns a value or a typed error.
        var g = Gen(seed: 42)
        for _ in 0..<3000 {
            let bytes = (0..<g.below(64)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            for type in allGeneratedRecordTypes { _ = decodeAny(type, bytes) }
            _ = decodeError(RequestPacket.self, bytes)
            _ = decodeError(ConnectRequest.self, bytes)
            _ = decodeError(MultiResponse.self, bytes)
            for op in OpCode.allCases {
                var reader = JuteReader(ByteBuffer(bytes: bytes))
                _ = try? ZKResponse(opCode: op, from: &reader)
                var txnReader = JuteReader(ByteBuffer(bytes: bytes))
                _ = try? TxnBody(type: op, from: &txnReader)
            }
        }
    }

    @Test func mutatedValidPacketsNeverCrash() {
        // Flipping bytes of real encodings reaches deeper than random noise.
        for seed in 0..<UInt64(3000) {
            var g = Gen(seed: seed)
            var bytes = RequestPacket.arbitrary(&g).encodedBytes
            guard !bytes.isEmpty else { continue }
            for _ in 0...g.below(4) {
                bytes[g.below(bytes.count)] = UInt8(truncatingIfNeeded: g.next())
            }
            if let packet = try? RequestPacket(decoding: bytes) {
                // Whatever decodes must re-encode and decode to the same value.
                #expect((try? RequestPacket(decoding: packet.encodedBytes)) == packet)
            }
        }
    }
}

private func decodeAny<T: JuteRecord>(_ type: T.Type, _ bytes: [UInt8]) -> Bool {
    (try? T(decoding: bytes)) != nil
}
