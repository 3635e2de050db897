// snappy-java's stream format, which Apache's SnapStream writes through
// org.xerial.snappy.SnappyOutputStream for `snapshot.<zxid>.snappy`, and
// the raw snappy block format inside it, decoded in pure Swift (libsnappy
// is not linked). See Inflate.swift for the entry point.

/// The snappy-java stream, as org.xerial.snappy.SnappyInputStream (1.1.x)
/// reads it:
///
///     header  "\x82SNAPPY\0", int32 version, int32 compatible version (big-endian)
///     chunks  int32 compressed length (big-endian), then a raw snappy block
///
/// Each block decodes on its own (copies do not reach into earlier blocks);
/// SnappyOutputStream cuts the data into 32 KiB blocks. Where a chunk length
/// is expected, another header starts a concatenated stream. As in
/// snappy-java, 1–3 bytes left at the end (too few for a chunk length) and
/// a concatenated header whose magic is wrong end the data without an
/// error; a concatenated header with version below 1 is an error.
///
/// snappy-java reads input that lacks the header as one raw block; Apache
/// never writes that and never tries such a file (SnapStream
/// isValidSnapshot checks the header), so here it is an error.
enum SnappyStream {
    static let magic: [UInt8] = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]
    /// Magic, version and compatible version.
    static let headerBytes = 16

    static func decompress(_ input: [UInt8], limit: Int) throws(DecompressionError) -> [UInt8] {
        guard input.count >= headerBytes, input[0..<magic.count].elementsEqual(magic) else {
            if input.count < headerBytes, input.elementsEqual(magic.prefix(input.count)) {
                throw DecompressionError(offset: input.count, reason: "file ends inside the stream header")
            }
            throw DecompressionError(offset: 0, reason: "not a snappy-java stream (no \\x82SNAPPY\\0 header)")
        }
        var output: [UInt8] = []
        var position = headerBytes
        while input.count - position >= 4 {
            let chunkStart = position
            let length = readBE32(input, at: position)
            position += 4
            if length == readBE32(magic, at: 0) {
                // A concatenated stream's header.
                guard input.count - chunkStart >= headerBytes else {
                    throw DecompressionError(offset: chunkStart, reason: "file ends inside a concatenated stream header")
                }
                guard input[chunkStart..<(chunkStart + magic.count)].elementsEqual(magic) else { break }
                let version = readBE32(input, at: chunkStart + magic.count)
                guard version >= 1 else {
                    throw DecompressionError(offset: chunkStart + magic.count, reason: "concatenated stream has incompatible version \(version)")
                }
                position = chunkStart + headerBytes
                continue
            }
            guard length > 0 else {
                throw DecompressionError(offset: chunkStart, reason: "invalid chunk length \(length)")
            }
            guard input.count - position >= Int(length) else {
                throw DecompressionError(offset: chunkStart, reason: "file ends inside a chunk: \(length) bytes declared, \(input.count - position) left")
            }
            let end = position + Int(length)
            try SnappyBlock.decompress(input, from: position, to: end, into: &output, limit: limit)
            position = end
        }
        return output
    }

    static func readBE32(_ bytes: [UInt8], at offset: Int) -> Int32 {
        var value: UInt32 = 0
        for index in offset..<(offset + 4) { value = value << 8 | UInt32(bytes[index]) }
        return Int32(bitPattern: value)
    }
}

/// The raw snappy block format (format_description.txt in google/snappy):
/// a varint of the uncompressed length, then literals and copies. The block
/// must decode to exactly that length, using all its bytes, with every copy
/// inside what the block has produced.
enum SnappyBlock {
    /// Appends the block `input[start..<end]` to `output`.
    static func decompress(_ input: [UInt8], from start: Int, to end: Int,
                           into output: inout [UInt8], limit: Int) throws(DecompressionError) {
        var position = start
        func failure(_ reason: String, at offset: Int? = nil) -> DecompressionError {
            DecompressionError(offset: offset ?? position, reason: "invalid snappy block at offset \(start): " + reason)
        }

        // The uncompressed length: a little-endian base-128 varint of at most 32 bits.
        var declared = 0
        var shift = 0
        while true {
            guard position < end else { throw failure("block ends inside its length") }
            let byte = input[position]
            position += 1
            guard shift < 32, shift < 28 || byte < 0x10 else { throw failure("uncompressed length does not fit in 32 bits") }
            declared |= Int(byte & 0x7f) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        // A 3-byte copy yields at most 64 bytes: a larger claim is damage,
        // refused before anything is allocated for it.
        guard declared <= (end - start) * 22 else {
            throw failure("uncompressed length \(declared) is impossible for a \(end - start)-byte block", at: start)
        }
        guard limit - output.count >= declared else {
            throw DecompressionError(offset: start, reason: "decompressed data exceeds the \(limit)-byte limit")
        }
        let blockStart = output.count
        let blockEnd = blockStart + declared
        if output.capacity < blockEnd {
            // Geometric growth: reserving each block's exact end would copy
            // the whole output once per block.
            output.reserveCapacity(min(limit, max(blockEnd, output.capacity * 2)))
        }

        while position < end {
            let tag = input[position]
            let elementStart = position
            position += 1
            if tag & 3 == 0 {
                // Literal: length - 1 in the tag's upper six bits, or in the
                // 1–4 little-endian bytes after it when those bits are 60–63.
                var length = Int(tag >> 2)
                if length >= 60 {
                    let count = length - 59
                    guard end - position >= count else { throw failure("block ends inside a literal length", at: elementStart) }
                    length = 0
                    for index in (position..<(position + count)).reversed() { length = length << 8 | Int(input[index]) }
                    position += count
                }
                length += 1
                guard end - position >= length else { throw failure("literal of \(length) bytes runs past the block", at: elementStart) }
                guard blockEnd - output.count >= length else { throw failure("literal runs past the declared length \(declared)", at: elementStart) }
                output.append(contentsOf: input[position..<(position + length)])
                position += length
                continue
            }
            let length: Int
            let distance: Int
            switch tag & 3 {
            case 1:
                guard end - position >= 1 else { throw failure("block ends inside a copy", at: elementStart) }
                length = 4 + Int((tag >> 2) & 7)
                distance = Int(tag >> 5) << 8 | Int(input[position])
                position += 1
            case 2:
                guard end - position >= 2 else { throw failure("block ends inside a copy", at: elementStart) }
                length = 1 + Int(tag >> 2)
                distance = Int(input[position]) | Int(input[position + 1]) << 8
                position += 2
            default:
                guard end - position >= 4 else { throw failure("block ends inside a copy", at: elementStart) }
                length = 1 + Int(tag >> 2)
                distance = Int(input[position]) | Int(input[position + 1]) << 8
                    | Int(input[position + 2]) << 16 | Int(input[position + 3]) << 24
                position += 4
            }
            guard distance > 0, distance <= output.count - blockStart else {
                throw failure("copy offset \(distance) is outside the \(output.count - blockStart) bytes decoded", at: elementStart)
            }
            guard blockEnd - output.count >= length else { throw failure("copy runs past the declared length \(declared)", at: elementStart) }
            var from = output.count - distance
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
        }
        guard output.count == blockEnd else {
            throw failure("decodes to \(output.count - blockStart) bytes, \(declared) declared", at: end)
        }
    }
}
