import Foundation
import SystemPackage
@testable import ZKStorage

/// The compressed snapshots Apache ZooKeeper 3.8 wrote
/// (Tests/Fixtures/disk/apache-3.8-compressed).
enum CompressedFixtures {
    static let directory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures/disk/apache-3.8-compressed"
    }()

    static func path(_ method: String, _ name: String) -> FilePath { FilePath(directory + "/" + method + "/" + name) }

    static func bytes(_ method: String, _ name: String) throws -> [UInt8] {
        try readFile(directory + "/" + method + "/" + name)
    }

    static func files(_ method: String) throws -> [String] { try listDirectory(directory + "/" + method) }

    /// A dataDir whose version-2 holds copies of `names` from `method`'s directory.
    @discardableResult
    static func withDataDir<T>(_ method: String, _ names: [String]? = nil,
                               _ body: (String, DataDirectory) throws -> T) throws -> T {
        try withTemporaryDirectory { root in
            let version2 = root + "/version-2"
            try FileManager.default.createDirectory(atPath: version2, withIntermediateDirectories: true)
            for name in try names ?? files(method) {
                try FileManager.default.copyItem(atPath: directory + "/" + method + "/" + name, toPath: version2 + "/" + name)
            }
            return try body(version2, DataDirectory(dataDir: FilePath(root)))
        }
    }
}

/// A seeded generator, so random tests fail the same way every time.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

/// Writes DEFLATE streams bit by bit, independently of the decoder, so
/// tests can build any block, valid or not (RFC 1951).
struct DeflateWriter {
    enum Token {
        case literal(UInt8)
        case match(length: Int, distance: Int)
        /// A literal/length symbol written as is, with no extra bits.
        case symbol(Int)
        /// Length symbol 257 (length 3), then `distanceSymbol` with no extra bits.
        case rawDistance(Int)
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                             35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                               257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    /// `width` bits of `value`, least significant first.
    mutating func write(_ value: Int, _ width: Int) {
        buffer |= UInt64(value & ((1 << width) - 1)) << UInt64(count)
        count += width
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// A Huffman code: most significant bit first.
    mutating func writeCode(_ code: Int, _ length: Int) {
        for bit in stride(from: length - 1, through: 0, by: -1) { write(code >> bit & 1, 1) }
    }

    mutating func alignToByte() {
        if count > 0 { write(0, 8 - count) }
    }

    /// The stream so far, padded to a byte.
    var finished: [UInt8] {
        var copy = self
        copy.alignToByte()
        return copy.bytes
    }

    mutating func stored(_ data: [UInt8], final: Bool) {
        storedHeader(length: data.count, complement: data.count ^ 0xffff, final: final)
        bytes += data
    }

    mutating func storedHeader(length: Int, complement: Int, final: Bool) {
        write(final ? 1 : 0, 1)
        write(0, 2)
        alignToByte()
        bytes += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(complement & 0xff), UInt8(complement >> 8)]
    }

    static func fixedLiteralCode(_ symbol: Int) -> (code: Int, length: Int) {
        switch symbol {
        case 0...143: return (0x30 + symbol, 8)
        case 144...255: return (0x190 + symbol - 144, 9)
        case 256...279: return (symbol - 256, 7)
        default: return (0xc0 + symbol - 280, 8)
        }
    }

    mutating func fixed(_ tokens: [Token], final: Bool, endOfBlock: Bool = true) {
        write(final ? 1 : 0, 1)
        write(1, 2)
        let literals = (0..<288).map { Self.fixedLiteralCode($0) }
        let distances = (0..<32).map { (code: $0, length: 5) }
        emit(tokens, literals: literals, distances: distances, endOfBlock: endOfBlock)
    }

    /// A dynamic block with the given code lengths. The code lengths code
    /// gives symbols 0–15 four bits each (so each length is written as
    /// itself) and never uses repeats.
    mutating func dynamic(_ tokens: [Token], literalLengths: [Int], distanceLengths: [Int], final: Bool) {
        write(final ? 1 : 0, 1)
        write(2, 2)
        write(literalLengths.count - 257, 5)
        write(distanceLengths.count - 1, 5)
        write(19 - 4, 4)
        for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15] {
            write(symbol <= 15 ? 4 : 0, 3)
        }
        for length in literalLengths + distanceLengths { writeCode(length, 4) }
        emit(tokens, literals: Self.canonical(literalLengths), distances: Self.canonical(distanceLengths), endOfBlock: true)
    }

    static func canonical(_ lengths: [Int]) -> [(code: Int, length: Int)] {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { counts[length] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1...15 {
            code = (code + counts[bits - 1]) << 1
            next[bits] = code
        }
        var codes: [(code: Int, length: Int)] = []
        for length in lengths {
            if length == 0 {
                codes.append((0, 0))
            } else {
                codes.append((next[length], length))
                next[length] += 1
            }
        }
        return codes
    }

    private mutating func emit(_ tokens: [Token], literals: [(code: Int, length: Int)],
                               distances: [(code: Int, length: Int)], endOfBlock: Bool) {
        for token in tokens {
            switch token {
            case let .literal(byte):
                writeCode(literals[Int(byte)].code, literals[Int(byte)].length)
            case let .symbol(symbol):
                writeCode(literals[symbol].code, literals[symbol].length)
            case let .rawDistance(symbol):
                writeCode(literals[257].code, literals[257].length)
                writeCode(distances[symbol].code, distances[symbol].length)
            case let .match(length, distance):
                let li = Self.lengthBase.lastIndex { $0 <= length }!
                writeCode(literals[257 + li].code, literals[257 + li].length)
                write(length - Self.lengthBase[li], Self.lengthExtra[li])
                let di = Self.distanceBase.lastIndex { $0 <= distance }!
                writeCode(distances[di].code, distances[di].length)
                write(distance - Self.distanceBase[di], Self.distanceExtra[di])
            }
        }
        if endOfBlock { writeCode(literals[256].code, literals[256].length) }
    }

    /// Greedy LZ77 over `data` (3-byte hash, any distance up to 32768, lengths up to 258).
    static func tokens(for data: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var last: [Int: Int] = [:]
        var index = 0
        while index < data.count {
            if index + 3 <= data.count {
                let key = Int(data[index]) << 16 | Int(data[index + 1]) << 8 | Int(data[index + 2])
                if let candidate = last[key], index - candidate <= 32768 {
                    var length = 0
                    while length < 258, index + length < data.count, data[candidate + length] == data[index + length] { length += 1 }
                    if length >= 3 {
                        for position in index..<(index + length) where position + 3 <= data.count {
                            last[Int(data[position]) << 16 | Int(data[position + 1]) << 8 | Int(data[position + 2])] = position
                        }
                        tokens.append(.match(length: length, distance: index - candidate))
                        index += length
                        continue
                    }
                }
                last[key] = index
            }
            tokens.append(.literal(data[index]))
            index += 1
        }
        return tokens
    }
}

enum TestGzip {
    static let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]

    /// One gzip member around `deflate`, with the trailer for `data`.
    static func member(_ deflate: [UInt8], of data: [UInt8]) -> [UInt8] {
        var crc = CRC32()
        crc.update(data)
        return header + deflate + le32(UInt32(crc.value)) + le32(UInt32(truncatingIfNeeded: data.count))
    }

    /// `data` in stored blocks.
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var writer = DeflateWriter()
        var start = 0
        repeat {
            let end = min(data.count, start + 65535)
            writer.stored(Array(data[start..<end]), final: end == data.count)
            start = end
        } while start < data.count
        return member(writer.finished, of: data)
    }

    /// `data` in one fixed-Huffman block, LZ77-compressed.
    static func fixed(_ data: [UInt8]) -> [UInt8] {
        var writer = DeflateWriter()
        writer.fixed(DeflateWriter.tokens(for: data), final: true)
        return member(writer.finished, of: data)
    }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

/// Writes snappy-java streams and raw snappy blocks, independently of the
/// decoder.
enum TestSnappy {
    static let header: [UInt8] = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]

    static func varint(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7f | 0x80))
            rest >>= 7
        }
        return bytes + [UInt8(rest)]
    }

    static func literal(_ data: ArraySlice<UInt8>) -> [UInt8] {
        let n = data.count - 1
        if n < 60 { return [UInt8(n << 2)] + data }
        let width = n < 1 << 8 ? 1 : n < 1 << 16 ? 2 : n < 1 << 24 ? 3 : 4
        return [UInt8((59 + width) << 2)] + (0..<width).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + data
    }

    enum CopyForm { case one, two, four }

    static func copy(length: Int, offset: Int, form: CopyForm) -> [UInt8] {
        switch form {
        case .one: return [UInt8((offset >> 8) << 5 | (length - 4) << 2 | 1), UInt8(offset & 0xff)]
        case .two: return [UInt8((length - 1) << 2 | 2), UInt8(offset & 0xff), UInt8(offset >> 8)]
        case .four: return [UInt8((length - 1) << 2 | 3)] + (0..<4).map { UInt8(truncatingIfNeeded: offset >> (8 * $0)) }
        }
    }

    /// A raw block: greedy matches on a 4-byte hash, each copy in the
    /// shortest form or, with `copy4`, always as a 4-byte-offset copy.
    static func block(_ data: [UInt8], copy4: Bool = false) -> [UInt8] {
        var out = varint(data.count)
        var last: [UInt32: Int] = [:]
        var literalStart = 0
        var index = 0
        while index + 4 <= data.count {
            let key = data[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if let candidate = last[key] {
                var length = 4
                while length < 64, index + length < data.count, data[candidate + length] == data[index + length] { length += 1 }
                if literalStart < index { out += literal(data[literalStart..<index]) }
                let offset = index - candidate
                let form: CopyForm = copy4 ? .four : (length <= 11 && offset < 2048 ? .one : offset < 65536 ? .two : .four)
                out += copy(length: length, offset: offset, form: form)
                for position in index..<(index + length) where position + 4 <= data.count {
                    last[data[position..<(position + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }] = position
                }
                index += length
                literalStart = index
                continue
            }
            last[key] = index
            index += 1
        }
        if literalStart < data.count { out += literal(data[literalStart...]) }
        return out
    }

    /// A snappy-java stream of `data` in blocks of `blockSize`.
    static func stream(_ data: [UInt8], blockSize: Int = 32768, copy4: Bool = false) -> [UInt8] {
        var out = header
        var start = 0
        while start < data.count {
            let end = min(data.count, start + blockSize)
            out += chunk(block(Array(data[start..<end]), copy4: copy4))
            start = end
        }
        return out
    }

    static func chunk(_ block: [UInt8]) -> [UInt8] {
        let n = UInt32(block.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + block
    }
}
