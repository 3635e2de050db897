@testable import ZKStorage

// libFuzzer entry point for the snappy decoders (ZKStorage's
// SnappyStream.swift). The first byte picks the path:
//   even: the rest is a snappy-java stream (SnappyStream.decompress);
//   odd:  the rest is one raw snappy block (SnappyBlock.decompress), which
//         on success must produce exactly the length its varint declares.
// Either must return bytes or a DecompressionError and never trap.

private let limit = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 {
        if let output = try? SnappyStream.decompress(body, limit: limit) {
            precondition(output.count <= limit, "snappy stream output passed the limit")
        }
        return 0
    }
    var output: [UInt8] = []
    guard (try? SnappyBlock.decompress(body, from: 0, to: body.count, into: &output, limit: limit)) != nil else { return 0 }
    var declared = 0
    var shift = 0
    for byte in body {
        declared |= Int(byte & 0x7f) << shift
        shift += 7
        if byte & 0x80 == 0 { break }
    }
    precondition(output.count == declared, "snappy block decoded to \(output.count) bytes, declared \(declared)")
    return 0
}
