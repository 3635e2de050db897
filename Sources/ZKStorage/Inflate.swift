import SystemPackage
import ZKProtocol

// Reading compressed snapshots: `snapshot.<zxid>.gz` (java.util.zip's
// GZIPOutputStream) and `snapshot.<zxid>.snappy` (snappy-java's
// SnappyOutputStream), which Apache writes when
// zookeeper.snapshot.compression.method is "gz" or "snappy" (SnapStream).
// The file is decompressed in memory, up to a limit, then decoded as an
// uncompressed snapshot. This file holds that entry point, the DEFLATE
// decoder (RFC 1951) and the gzip member reader (RFC 1952);
// SnappyStream.swift holds the snappy side. Both are pure Swift: zlib and
// libsnappy are not linked.
//
// Every decoder here is total: any input gives bytes or a
// DecompressionError; it never reads outside its input and never produces
// more than its limit.

/// Why compressed data could not be decompressed: the offset in the
/// compressed input where the problem was found, and what it is.
struct DecompressionError: Error, Hashable, Sendable {
    var offset: Int
    var reason: String
}

/// Reads compressed snapshot files.
enum CompressedSnapshot {
    /// The most a compressed snapshot may decompress to (and the largest
    /// compressed file read): 2 GiB, the size of Java's largest array.
    static let maxDecompressedBytes = 1 << 31

    /// The compression methods Apache's SnapStream writes.
    static let methods: Set<String> = ["gz", "snappy"]

    /// Reads, decompresses and decodes the snapshot at `path`. Damage in the
    /// compressed stream is a `corruptSnapshot` at an offset in the file;
    /// damage found after decompression is reported at an offset in the
    /// decompressed data, which the reason says.
    static func read(_ path: FilePath, method: String, zxid: Zxid, extendedTypesEnabled: Bool,
                     limit: Int = maxDecompressedBytes, io: any StorageIO = PosixStorageIO()) throws(StorageError) -> Snapshot {
        guard methods.contains(method) else {
            throw .unsupportedCompression(file: path.text, method: method)
        }
        let input = try readWholeFile(path, limit: limit, io: io)
        let bytes = try decompress(input, method: method, file: path.text, limit: limit)
        do throws(StorageError) {
            return try SnapshotReader.decode(bytes, zxid: zxid, extendedTypesEnabled: extendedTypesEnabled, name: path.text)
        } catch {
            if case let .corruptSnapshot(file, offset, reason) = error {
                throw .corruptSnapshot(file: file, offset: offset, reason: reason + " (offset in the \(method)-decompressed data)")
            }
            throw error
        }
    }

    /// Decompresses a whole `gz` or `snappy` snapshot file held in memory.
    static func decompress(_ input: [UInt8], method: String, file: String,
                           limit: Int = maxDecompressedBytes) throws(StorageError) -> [UInt8] {
        do throws(DecompressionError) {
            switch method {
            case "gz": return try Gzip.decompress(input, limit: limit)
            case "snappy": return try SnappyStream.decompress(input, limit: limit)
            default: break
            }
        } catch {
            throw .corruptSnapshot(file: file, offset: Int64(error.offset), reason: "\(method): \(error.reason)")
        }
        throw .unsupportedCompression(file: file, method: method)
    }

    /// The whole file, refusing one larger than `limit`.
    static func readWholeFile(_ path: FilePath, limit: Int, io: any StorageIO) throws(StorageError) -> [UInt8] {
        let fd = try openForReading(io, path)
        defer { try? fd.close() }
        var window = try FileWindow(handle: fd, path: path)
        guard window.size <= Int64(limit) else {
            throw .corruptSnapshot(file: path.text, offset: 0,
                                   reason: "compressed file is \(window.size) bytes, more than the \(limit)-byte limit")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(max(0, window.size)))
        var offset: Int64 = 0
        while offset < window.size {
            let chunk = try window.bytes(at: offset, count: FileWindow.chunkBytes)
            if chunk.isEmpty { break }  // the file shrank while we read it
            bytes.append(contentsOf: chunk)
            offset += Int64(chunk.count)
        }
        return bytes
    }
}

// MARK: - gzip (RFC 1952)

/// gzip files as java.util.zip.GZIPInputStream reads them: one or more
/// members, each a header, a DEFLATE stream and a trailer with the CRC-32
/// and length (mod 2³²) of its data, both checked. Like Java, it accepts any
/// flag bits, checks the header CRC-16 when FHCRC is set, decodes members
/// concatenated after the first, and ignores bytes after a member that do
/// not start a valid member header.
enum Gzip {
    static let magic: [UInt8] = [0x1f, 0x8b]

    /// The concatenated data of every member.
    static func decompress(_ input: [UInt8], limit: Int) throws(DecompressionError) -> [UInt8] {
        var inflater = Inflater(input: input, limit: limit)
        if input.count >= 18 {
            // The last member's ISIZE is a hint for a single-member file,
            // bounded so that a lying trailer cannot make us reserve much.
            let hint = Int(readLE32(input, at: input.count - 4))
            let bound = input.count > limit / 16 ? limit : input.count * 16
            inflater.output.reserveCapacity(min(hint, bound))
        }
        var bodyStart = try header(input, at: 0)
        var member = 1
        while true {
            let memberStart = inflater.output.count
            do throws(DecompressionError) {
                try inflater.inflateMember(at: bodyStart)
            } catch {
                throw DecompressionError(offset: error.offset, reason: (member > 1 ? "member \(member): " : "") + error.reason)
            }
            let end = inflater.position
            guard input.count - end >= 8 else {
                throw DecompressionError(offset: end, reason: "file ends inside the gzip trailer (CRC-32 and size)")
            }
            var crc = CRC32()
            crc.update(inflater.output[memberStart...])
            let storedCRC = readLE32(input, at: end)
            guard Int64(storedCRC) == crc.value else {
                throw DecompressionError(offset: end, reason: "CRC-32 mismatch: stored \(hex(storedCRC)), computed \(hex(UInt32(truncatingIfNeeded: crc.value)))")
            }
            let storedSize = readLE32(input, at: end + 4)
            let size = UInt32(truncatingIfNeeded: inflater.output.count - memberStart)
            guard storedSize == size else {
                throw DecompressionError(offset: end + 4, reason: "size mismatch: trailer says \(storedSize) bytes (mod 2^32), data is \(size)")
            }
            let next = end + 8
            // Java tries to read another member and, if what follows is not
            // one, stops there without an error.
            guard next < input.count, let start = try? header(input, at: next) else { break }
            bodyStart = start
            member += 1
        }
        return inflater.output
    }

    /// Checks a member header at `offset`; returns where its DEFLATE data starts.
    static func header(_ input: [UInt8], at offset: Int) throws(DecompressionError) -> Int {
        var position = offset
        func truncated() -> DecompressionError {
            DecompressionError(offset: input.count, reason: "file ends inside the gzip header")
        }
        // In Java's order: magic, method, then the rest of the fixed part.
        guard input.count - position >= 2 else { throw truncated() }
        guard input[position] == magic[0], input[position + 1] == magic[1] else {
            throw DecompressionError(offset: position, reason: "not in gzip format (no 1f 8b magic)")
        }
        guard input.count - position >= 3 else { throw truncated() }
        guard input[position + 2] == 8 else {
            throw DecompressionError(offset: position + 2, reason: "unsupported compression method \(input[position + 2]) (8, deflate, expected)")
        }
        guard input.count - position >= 10 else { throw truncated() }
        let flags = input[position + 3]
        position += 10  // magic, method, flags, mtime, xfl, os
        if flags & 0x04 != 0 {  // FEXTRA
            guard input.count - position >= 2 else { throw truncated() }
            let length = Int(input[position]) | Int(input[position + 1]) << 8
            position += 2
            guard input.count - position >= length else { throw truncated() }
            position += length
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while true {
                guard position < input.count else { throw truncated() }
                position += 1
                if input[position - 1] == 0 { break }
            }
        }
        if flags & 0x02 != 0 {  // FHCRC: the low 16 bits of the header's CRC-32
            guard input.count - position >= 2 else { throw truncated() }
            var crc = CRC32()
            crc.update(input[offset..<position])
            let stored = Int(input[position]) | Int(input[position + 1]) << 8
            guard stored == Int(crc.value & 0xffff) else {
                throw DecompressionError(offset: position, reason: "gzip header CRC-16 mismatch")
            }
            position += 2
        }
        return position
    }

    /// A little-endian UInt32 at `offset`; the caller checks the bounds.
    static func readLE32(_ input: [UInt8], at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in (offset..<(offset + 4)).reversed() { value = value << 8 | UInt32(input[index]) }
        return value
    }

    private static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}

// MARK: - DEFLATE (RFC 1951)

/// A DEFLATE decoder with zlib's rules (which java.util.zip uses): block
/// type 3, a stored length whose complement does not match, more than 286
/// length or 30 distance codes, an over-subscribed or incomplete Huffman
/// code (except a literal/length or distance code whose only code is one
/// bit long, or no distance codes at all), a missing end-of-block code, length symbols 286–287, distance
/// symbols 30–31 and a distance before the start of the stream are errors.
struct Inflater {
    private let input: [UInt8]
    /// The next input byte not yet loaded into the bit buffer.
    private(set) var position = 0
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0
    /// Everything decoded so far, across members.
    var output: [UInt8] = []
    /// The most `output` may hold.
    let limit: Int
    /// Where the current member's output starts: distances may not reach before it.
    private var streamStart = 0

    init(input: [UInt8], limit: Int) {
        self.input = input
        self.limit = limit
    }

    /// The offset of the input byte being decoded, for messages.
    private var offset: Int { position - bitCount / 8 }

    /// Decodes one DEFLATE stream starting at input offset `start`, up to
    /// and including its final block; afterwards `position` is the first
    /// byte after the stream.
    mutating func inflateMember(at start: Int) throws(DecompressionError) {
        position = start
        bitBuffer = 0
        bitCount = 0
        streamStart = output.count
        var final = false
        while !final {
            final = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try compressedBlock(literals: Self.fixedLiterals, distances: Self.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicCodes()
                try compressedBlock(literals: literals, distances: distances)
            default: throw failure("invalid block type 3")
            }
        }
        alignToByte()
    }

    // MARK: Bits

    private mutating func refill() {
        while bitCount <= 56, position < input.count {
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    /// The next `count` (0...32) bits, least significant first.
    private mutating func bits(_ count: Int) throws(DecompressionError) -> Int {
        if bitCount < count {
            refill()
            guard bitCount >= count else { throw truncated() }
        }
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    /// Drops the bits left in the current byte and gives back the whole
    /// bytes still in the bit buffer, so `position` is the next byte.
    private mutating func alignToByte() {
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
    }

    private mutating func symbol(_ code: HuffmanCode) throws(DecompressionError) -> Int {
        if bitCount < code.longest { refill() }
        let entry = code.table[Int(truncatingIfNeeded: bitBuffer) & code.mask]
        let length = Int(entry & 0xf)
        if length != 0 {
            guard length <= bitCount else { throw truncated() }
            bitBuffer >>= UInt64(length)
            bitCount -= length
            return Int(entry >> 4)
        }
        // Longer than the table, or no code: walk the canonical code a bit
        // at a time (as zlib's puff does).
        var value = 0
        var first = 0
        var index = 0
        for length in 1...max(1, code.longest) {
            guard length <= bitCount else { throw truncated() }
            value |= Int(truncatingIfNeeded: bitBuffer >> UInt64(length - 1)) & 1
            let count = code.counts[length]
            if value - first < count {
                bitBuffer >>= UInt64(length)
                bitCount -= length
                return Int(code.symbols[index + value - first])
            }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw failure("invalid Huffman code")
    }

    private func truncated() -> DecompressionError {
        DecompressionError(offset: input.count, reason: "file ends inside the deflate stream")
    }

    private func failure(_ reason: String) -> DecompressionError {
        DecompressionError(offset: offset, reason: "invalid deflate data: " + reason)
    }

    private func overLimit() -> DecompressionError {
        DecompressionError(offset: offset, reason: "decompressed data exceeds the \(limit)-byte limit")
    }

    // MARK: Blocks

    private mutating func storedBlock() throws(DecompressionError) {
        alignToByte()
        guard input.count - position >= 4 else { throw truncated() }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == complement ^ 0xffff else { throw failure("stored block length does not match its complement") }
        position += 4
        guard input.count - position >= length else { throw truncated() }
        guard limit - output.count >= length else { throw overLimit() }
        output.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    private mutating func compressedBlock(literals: HuffmanCode, distances: HuffmanCode) throws(DecompressionError) {
        while true {
            let literal = try symbol(literals)
            if literal < 256 {
                guard output.count < limit else { throw overLimit() }
                output.append(UInt8(truncatingIfNeeded: literal))
                continue
            }
            if literal == 256 { return }
            let lengthIndex = literal - 257
            guard lengthIndex < Self.lengthBase.count else { throw failure("invalid literal/length code \(literal)") }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try symbol(distances)
            guard distanceSymbol < Self.distanceBase.count else { throw failure("invalid distance code \(distanceSymbol)") }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count - streamStart else {
                throw failure("distance \(distance) reaches before the start of the data (\(output.count - streamStart) bytes decoded)")
            }
            guard limit - output.count >= length else { throw overLimit() }
            var from = output.count - distance
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
        }
    }

    private mutating func dynamicCodes() throws(DecompressionError) -> (HuffmanCode, HuffmanCode) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw failure("too many length or distance symbols (\(literalCount), \(distanceCount))")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(try bits(3))
        }
        let codeLengths = try code(codeLengthLengths, .codeLengths, "code lengths")
        let total = literalCount + distanceCount
        var lengths: [UInt8] = []
        lengths.reserveCapacity(total)
        while lengths.count < total {
            let codeLength = try symbol(codeLengths)
            let value: UInt8
            let repeats: Int
            switch codeLength {
            case 0...15:
                lengths.append(UInt8(codeLength))
                continue
            case 16:
                guard let previous = lengths.last else { throw failure("length repeat with no previous length") }
                value = previous
                repeats = 3 + (try bits(2))
            case 17:
                value = 0
                repeats = 3 + (try bits(3))
            default:
                value = 0
                repeats = 11 + (try bits(7))
            }
            guard total - lengths.count >= repeats else { throw failure("code length repeat runs past the last symbol") }
            lengths.append(contentsOf: repeatElement(value, count: repeats))
        }
        guard lengths[256] != 0 else { throw failure("no end-of-block code") }
        return (try code(Array(lengths[0..<literalCount]), .literalsLengths, "literal/length"),
                try code(Array(lengths[literalCount...]), .distances, "distance"))
    }

    private func code(_ lengths: [UInt8], _ kind: HuffmanCode.Kind, _ name: String) throws(DecompressionError) -> HuffmanCode {
        do throws(HuffmanCode.Problem) {
            return try HuffmanCode(lengths: lengths, kind: kind)
        } catch {
            throw failure("\(name) code is \(error)")
        }
    }

    // MARK: Tables

    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                             35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                              3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                               257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The fixed codes of block type 1: all 288 length symbols and 32
    /// distance symbols have codes, though 286, 287, 30 and 31 are invalid.
    static let fixedLiterals = HuffmanCode(canonical: (0..<288).map { symbol -> UInt8 in
        switch symbol {
        case 0..<144: return 8
        case 144..<256: return 9
        case 256..<280: return 7
        default: return 8
        }
    })
    static let fixedDistances = HuffmanCode(canonical: [UInt8](repeating: 5, count: 32))
}

/// A canonical Huffman code: a lookup table indexed by the next `bits`
/// input bits (least significant first) for codes up to `rootBits` long,
/// each entry the symbol << 4 | the code's length, 0 where no such code
/// matches; longer codes are decoded from `counts` and `symbols`. Capping
/// the table keeps the work per block small whatever the code lengths.
struct HuffmanCode: Sendable {
    enum Kind {
        case codeLengths, literalsLengths, distances
    }

    enum Problem: Error, CustomStringConvertible {
        case overSubscribed, incomplete, empty

        var description: String {
            switch self {
            case .overSubscribed: return "over-subscribed"
            case .incomplete: return "incomplete"
            case .empty: return "empty"
            }
        }
    }

    static let rootBits = 10

    let table: [UInt16]
    /// The table index width: min(longest, rootBits), at least 1.
    let bits: Int
    var mask: Int { table.count - 1 }
    /// The longest code's length (0 for no codes).
    let longest: Int
    /// How many codes of each length, 0...15.
    let counts: [Int]
    /// The symbols in canonical order: by code length, then by symbol.
    let symbols: [UInt16]

    /// Checks `lengths` (0...15 per symbol) as zlib's inflate_table does.
    init(lengths: [UInt8], kind: Kind) throws(Problem) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length & 0xf)] += 1 }
        counts[0] = 0
        let longest = counts.lastIndex { $0 > 0 } ?? 0
        if longest == 0 {
            // zlib accepts no codes at all and fails when one is used; for
            // the code lengths code that always ends in an error.
            if kind == .codeLengths { throw .empty }
        } else {
            var left = 1
            for length in 1...15 {
                left = left << 1 - counts[length]
                if left < 0 { throw .overSubscribed }
            }
            if left > 0, kind == .codeLengths || longest != 1 { throw .incomplete }
        }
        self.init(canonical: lengths)
    }

    /// Builds the code for lengths already known to be valid.
    init(canonical lengths: [UInt8]) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length & 0xf)] += 1 }
        counts[0] = 0
        let longest = counts.lastIndex { $0 > 0 } ?? 0
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
            offsets[length] = offsets[length - 1] + counts[length - 1]
        }
        let bits = max(1, min(longest, Self.rootBits))
        var table = [UInt16](repeating: 0, count: 1 << bits)
        var symbols = [UInt16](repeating: 0, count: counts.reduce(0, +))
        for (symbol, rawLength) in lengths.enumerated() {
            let length = Int(rawLength & 0xf)
            guard length > 0 else { continue }
            symbols[offsets[length]] = UInt16(truncatingIfNeeded: symbol)
            offsets[length] += 1
            let code = next[length]
            next[length] += 1
            guard length <= bits else { continue }
            var reversed = 0
            for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
            let entry = UInt16(truncatingIfNeeded: symbol << 4 | length)
            var index = reversed
            while index < table.count {
                table[index] = entry
                index += 1 << length
            }
        }
        self.table = table
        self.bits = bits
        self.longest = longest
        self.counts = counts
        self.symbols = symbols
    }
}
