import CZlib
@testable import ZKStorage

// libFuzzer entry point for the DEFLATE and gzip decoders (ZKStorage's
// Inflate.swift). The first byte picks the path:
//   even: the rest is a raw DEFLATE stream. Our Inflater and the system zlib
//         (which java.util.zip wraps) must agree: both decode it to the same
//         bytes, or both refuse it.
//   odd:  the rest is a gzip file; Gzip.decompress must return bytes or a
//         DecompressionError and never trap.
// Output is capped at `limit` bytes; a stream that reaches it is not compared.

private let limit = 1 << 16

/// zlib's raw inflate of `input`: the bytes, nil when zlib refuses the
/// stream, or .tooLong when it reaches the limit.
private enum ZlibResult: Equatable {
    case bytes([UInt8])
    case refused
    case tooLong
}

private func zlibInflate(_ input: [UInt8]) -> ZlibResult {
    var stream = z_stream()
    guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return .refused }
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: limit + 1)
    var input = input
    let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = UInt32(outBuffer.count)
            return inflate(&stream, Z_FINISH)
        }
    }
    let produced = Int(stream.total_out)
    if produced > limit { return .tooLong }
    guard status == Z_STREAM_END else { return .refused }
    return .bytes(Array(output[0..<produced]))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 1 {
        _ = try? Gzip.decompress(body, limit: limit)
        return 0
    }
    var inflater = Inflater(input: body, limit: limit)
    let ours: ZlibResult
    do {
        try inflater.inflateMember(at: 0)
        ours = .bytes(inflater.output)
    } catch {
        ours = error.reason.contains("-byte limit") ? .tooLong : .refused
    }
    let theirs = zlibInflate(body)
    if ours == .tooLong || theirs == .tooLong { return 0 }
    precondition(ours == theirs, "Inflater and zlib disagree: ours \(ours), zlib \(theirs)")
    return 0
}
