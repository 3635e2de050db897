import Foundation
import Testing
@testable import ZKStorage

/// The gzip/DEFLATE and snappy decoders on their own: vectors from zlib,
/// java.util.zip and snappy-java, hand-built streams for every rule, and
/// random and truncated input (which must give an error, never a trap).
@Suite struct CompressedDecoderTests {
    static let limit = 1 << 24

    // MARK: gzip

    @Test(arguments: CompressedVectors.gzip.map { $0.name })
    func decodesGzipVectors(_ name: String) throws {
        let vector = try #require(CompressedVectors.gzip.first { $0.name == name })
        let expected = name == "two_members" ? CompressedVectors.sample(100) + CompressedVectors.sample(50)
                                             : CompressedVectors.sample(vector.length)
        #expect(try Gzip.decompress(CompressedVectors.bytes(vector.base64), limit: Self.limit) == expected)
    }

    @Test func everyProperPrefixOfAGzipFileIsAnError() {
        for vector in CompressedVectors.gzip where vector.name != "two_members" {
            let bytes = CompressedVectors.bytes(vector.base64)
            for length in 0..<bytes.count {
                #expect(throws: DecompressionError.self, "\(vector.name) cut at \(length)") {
                    _ = try Gzip.decompress(Array(bytes[..<length]), limit: Self.limit)
                }
            }
        }
    }

    @Test func secondMemberAndTrailingBytesAsJavaReadsThem() throws {
        let first = TestGzip.stored(Array("first ".utf8))
        let second = TestGzip.fixed(Array("second".utf8))
        #expect(try Gzip.decompress(first + second, limit: Self.limit) == Array("first second".utf8))
        // Bytes after a member that are not a member header are ignored, as
        // GZIPInputStream does ("ignore any malformed").
        #expect(try Gzip.decompress(first + [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], limit: Self.limit) == Array("first ".utf8))
        #expect(try Gzip.decompress(first + [0x1f], limit: Self.limit) == Array("first ".utf8))
        #expect(try Gzip.decompress(first + Array(second.prefix(9)), limit: Self.limit) == Array("first ".utf8))
        // But a second member whose header reads and whose data is damaged is an error.
        var damaged = second
        damaged[damaged.count - 5] ^= 1  // its CRC
        #expect(throws: DecompressionError.self) { _ = try Gzip.decompress(first + damaged, limit: Self.limit) }
        // Back-references do not reach into the previous member.
        var writer = DeflateWriter()
        writer.fixed([.match(length: 3, distance: 1)], final: true)
        let reaching = TestGzip.member(writer.finished, of: Array("   ".utf8))
        #expect(throws: DecompressionError.self) { _ = try Gzip.decompress(first + reaching, limit: Self.limit) }
    }

    @Test func checksGzipHeaderAndTrailer() throws {
        let good = TestGzip.stored(Array("hello".utf8))
        #expect(try Gzip.decompress(good, limit: Self.limit) == Array("hello".utf8))
        func damaged(_ index: Int, _ value: UInt8) -> [UInt8] {
            var bytes = good
            bytes[index] = value
            return bytes
        }
        let cases: [(String, [UInt8], String)] = [
            ("magic", damaged(1, 0x8c), "not in gzip format"),
            ("method", damaged(2, 7), "unsupported compression method"),
            ("crc", damaged(good.count - 8, good[good.count - 8] ^ 0xff), "CRC-32 mismatch"),
            ("size", damaged(good.count - 4, 6), "size mismatch"),
            ("FHCRC", damaged(3, 0x02), "CRC-16"),
            ("FEXTRA", damaged(3, 0x04), "file ends inside the gzip header"),
        ]
        for (name, bytes, reason) in cases {
            do {
                _ = try Gzip.decompress(bytes, limit: Self.limit)
                Issue.record("\(name): accepted")
            } catch {
                #expect(error.reason.contains(reason), "\(name): \(error.reason)")
            }
        }
        // Flags Java ignores (FTEXT, reserved bits), MTIME, XFL and OS change nothing.
        for (index, value) in [(3, UInt8(0xe1)), (4, 0x55), (8, 2), (9, 3)] {
            #expect(try Gzip.decompress(damaged(index, value), limit: Self.limit) == Array("hello".utf8))
        }
    }

    // MARK: DEFLATE rules

    /// Decodes one hand-written DEFLATE stream wrapped in gzip.
    private func inflate(_ deflate: [UInt8], expecting data: [UInt8] = [], limit: Int = limit) throws(DecompressionError) -> [UInt8] {
        try Gzip.decompress(TestGzip.member(deflate, of: data), limit: limit)
    }

    private func expectInvalid(_ deflate: [UInt8], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try inflate(deflate)
            Issue.record("accepted; expected \(reason)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.reason.contains(reason), "\(error.reason)", sourceLocation: sourceLocation)
        }
    }

    @Test func longestDistanceAndLength() throws {
        // 32768 bytes stored, then a fixed block copying 258 bytes from 32768 back.
        var rng = SplitMix64(state: 1)
        let prefix = rng.bytes(32768)
        var writer = DeflateWriter()
        writer.stored(prefix, final: false)
        writer.fixed([.match(length: 258, distance: 32768), .match(length: 258, distance: 1)], final: true)
        let expected = prefix + prefix[0..<258] + Array(repeating: prefix[257], count: 258)
        #expect(try inflate(writer.finished, expecting: expected) == expected)
        // One byte further back than the data is an error.
        var far = DeflateWriter()
        far.stored(Array(prefix[..<100]), final: false)
        far.fixed([.match(length: 3, distance: 101)], final: true)
        expectInvalid(far.finished, "reaches before the start")
    }

    @Test func rejectsWhatZlibRejects() {
        var blockType3 = DeflateWriter()
        blockType3.write(1, 1)
        blockType3.write(3, 2)
        blockType3.write(0, 16)
        expectInvalid(blockType3.finished, "invalid block type 3")

        var storedMismatch = DeflateWriter()
        storedMismatch.storedHeader(length: 3, complement: 3, final: true)
        expectInvalid(storedMismatch.finished + [1, 2, 3], "does not match its complement")

        for symbol in [286, 287] {
            var writer = DeflateWriter()
            writer.fixed([.literal(65), .symbol(symbol)], final: true)
            expectInvalid(writer.finished, "invalid literal/length code \(symbol)")
        }
        for symbol in [30, 31] {
            var writer = DeflateWriter()
            writer.fixed([.literal(65), .literal(66), .literal(67), .rawDistance(symbol)], final: true)
            expectInvalid(writer.finished, "invalid distance code \(symbol)")
        }

        // Streams cut short (no trailer after them, or its bytes would be read as more blocks).
        var noFinalBlock = DeflateWriter()
        noFinalBlock.fixed([.literal(65)], final: false)
        var noEnd = DeflateWriter()
        noEnd.fixed([.literal(65)], final: true, endOfBlock: false)
        for deflate in [noFinalBlock.finished, noEnd.finished] {
            #expect(throws: DecompressionError(offset: TestGzip.header.count + deflate.count, reason: "file ends inside the deflate stream")) {
                _ = try Gzip.decompress(TestGzip.header + deflate, limit: Self.limit)
            }
        }
    }

    @Test func dynamicBlocks() throws {
        let text = Array("abracadabra".utf8)
        var literalLengths = [Int](repeating: 0, count: 257)
        for byte in Set(text) { literalLengths[Int(byte)] = 3 }  // a b c d r: 5 codes
        literalLengths[256] = 3
        literalLengths += [3, 3]  // symbols 257, 258 (lengths 3, 4): 8 codes of 3 bits, complete
        let tokens = text.map { DeflateWriter.Token.literal($0) }

        // A single one-bit distance code is allowed though incomplete, and
        // so is having no distance codes at all.
        var single = DeflateWriter()
        single.dynamic(tokens + [.match(length: 4, distance: 1)], literalLengths: literalLengths, distanceLengths: [1], final: true)
        #expect(try inflate(single.finished, expecting: text + Array("aaaa".utf8)) == text + Array("aaaa".utf8))
        var none = DeflateWriter()
        none.dynamic(tokens, literalLengths: literalLengths, distanceLengths: [0], final: true)
        #expect(try inflate(none.finished, expecting: text) == text)

        // Codes of every length 1...15 (longer than the decoder's 10-bit table):
        // "a" 1 bit, "b" 2 bits, ... "n" 14 bits, "o" and end-of-block 15 bits.
        var long = [Int](repeating: 0, count: 257)
        for (index, byte) in Array("abcdefghijklmno".utf8).enumerated() { long[Int(byte)] = min(index + 1, 15) }
        long[256] = 15
        let alphabet = Array("onmlkjihgfedcbaabcdefghijklmnoaaaa".utf8)
        var longWriter = DeflateWriter()
        longWriter.dynamic(alphabet.map { .literal($0) }, literalLengths: long, distanceLengths: [0], final: true)
        #expect(try inflate(longWriter.finished, expecting: alphabet) == alphabet)

        // 286 length codes is the most; 287 is too many, so is 31 distance codes.
        var most = DeflateWriter()
        var withPadding = literalLengths + [Int](repeating: 0, count: 286 - literalLengths.count)
        most.dynamic(tokens, literalLengths: withPadding, distanceLengths: [0], final: true)
        #expect(try inflate(most.finished, expecting: text) == text)
        withPadding.append(0)
        var tooMany = DeflateWriter()
        tooMany.dynamic(tokens, literalLengths: withPadding, distanceLengths: [0], final: true)
        expectInvalid(tooMany.finished, "too many length or distance symbols")
        var tooManyDistances = DeflateWriter()
        tooManyDistances.dynamic(tokens, literalLengths: literalLengths, distanceLengths: [Int](repeating: 5, count: 31), final: true)
        expectInvalid(tooManyDistances.finished, "too many length or distance symbols")

        // Over-subscribed and incomplete codes.
        var over = literalLengths
        over[120] = 3  // a ninth 3-bit code
        var overWriter = DeflateWriter()
        overWriter.dynamic(tokens, literalLengths: over, distanceLengths: [1], final: true)
        expectInvalid(overWriter.finished, "literal/length code is over-subscribed")
        var incomplete = literalLengths
        incomplete[258] = 0
        var incompleteWriter = DeflateWriter()
        incompleteWriter.dynamic(tokens, literalLengths: incomplete, distanceLengths: [1], final: true)
        expectInvalid(incompleteWriter.finished, "literal/length code is incomplete")
        var incompleteDistances = DeflateWriter()
        incompleteDistances.dynamic(tokens, literalLengths: literalLengths, distanceLengths: [2, 2, 2], final: true)
        expectInvalid(incompleteDistances.finished, "distance code is incomplete")

        // The end-of-block code must have a length.
        var noEnd = literalLengths
        noEnd[256] = 0
        noEnd[120] = 3
        var noEndWriter = DeflateWriter()
        noEndWriter.dynamic(tokens, literalLengths: noEnd, distanceLengths: [1], final: true)
        expectInvalid(noEndWriter.finished, "no end-of-block code")

        // Using a distance when there are no distance codes.
        var unusable = DeflateWriter()
        unusable.dynamic(tokens + [.symbol(257)], literalLengths: literalLengths, distanceLengths: [0], final: true)
        expectInvalid(unusable.finished, "invalid Huffman code")
    }

    @Test func codeLengthRepeats() {
        // HLIT 257, HDIST 1, HCLEN 4 (16, 17, 18, 0: 2 bits each), then a
        // repeat (16) before any length.
        var writer = DeflateWriter()
        writer.write(1, 1)
        writer.write(2, 2)
        writer.write(0, 5)
        writer.write(0, 5)
        writer.write(0, 4)
        for _ in 0..<4 { writer.write(2, 3) }
        writer.writeCode(1, 2)  // symbol 16 (codes in symbol order: 0, 16, 17, 18)
        writer.write(0, 2)
        expectInvalid(writer.finished, "length repeat with no previous length")

        // 18 (zeros) repeated past HLIT + HDIST.
        var past = DeflateWriter()
        past.write(1, 1)
        past.write(2, 2)
        past.write(0, 5)
        past.write(0, 5)
        past.write(0, 4)
        for _ in 0..<4 { past.write(2, 3) }
        for _ in 0..<2 {
            past.writeCode(3, 2)  // symbol 18
            past.write(127, 7)    // 138 zeros
        }
        expectInvalid(past.finished, "code length repeat runs past the last symbol")
    }

    @Test func bigRoundTripThroughFixedBlocks() throws {
        // 256 KiB of text with long and short repeats, LZ77-compressed by the test's writer.
        var rng = SplitMix64(state: 7)
        var data: [UInt8] = []
        let words = (0..<64).map { _ in rng.bytes(Int.random(in: 2...12, using: &rng)) }
        while data.count < 256 * 1024 {
            data += words[Int.random(in: 0..<words.count, using: &rng)]
            if Int.random(in: 0..<50, using: &rng) == 0, data.count > 40000 {
                let start = Int.random(in: 0..<(data.count - 40000), using: &rng)
                data += data[start..<(start + Int.random(in: 100...3000, using: &rng))]
            }
        }
        #expect(try Gzip.decompress(TestGzip.fixed(data), limit: Self.limit) == data)
        #expect(try Gzip.decompress(TestGzip.stored(data), limit: Self.limit) == data)
    }

    @Test func outputIsCappedAtTheLimit() {
        // 1 literal then 8000 copies of 258: 2 MB from about 13 KB.
        var writer = DeflateWriter()
        writer.fixed([.literal(0)] + Array(repeating: .match(length: 258, distance: 1), count: 8000), final: true)
        let bomb = TestGzip.member(writer.finished, of: [UInt8](repeating: 0, count: 1 + 258 * 8000))
        #expect(bomb.count < 20000)
        #expect(throws: Never.self) { _ = try Gzip.decompress(bomb, limit: 4 << 20) }
        do {
            _ = try Gzip.decompress(bomb, limit: 1 << 20)
            Issue.record("limit not enforced")
        } catch {
            #expect(error.reason.contains("exceeds the 1048576-byte limit"))
        }
        // Stored data too.
        #expect(throws: DecompressionError.self) { _ = try Gzip.decompress(TestGzip.stored([UInt8](repeating: 1, count: 5000)), limit: 4999) }
        #expect(throws: Never.self) { _ = try Gzip.decompress(TestGzip.stored([UInt8](repeating: 1, count: 5000)), limit: 5000) }
    }

    // MARK: snappy

    @Test func decodesSnappyJavaStreams() throws {
        #expect(try SnappyStream.decompress(CompressedVectors.bytes(CompressedVectors.stream1024of5000), limit: Self.limit)
            == CompressedVectors.sample(5000))
        #expect(try SnappyStream.decompress(CompressedVectors.bytes(CompressedVectors.concatenated300and200), limit: Self.limit)
            == CompressedVectors.sample(300) + CompressedVectors.sample(200))
        #expect(try SnappyStream.decompress(CompressedVectors.bytes(CompressedVectors.emptyStream), limit: Self.limit) == [])
    }

    @Test func decodesRawSnappyBlocks() throws {
        for (base64, expected) in [(CompressedVectors.raw5000, CompressedVectors.sample(5000)),
                                   (CompressedVectors.rawLiteral300, (0..<300).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) })] {
            let block = CompressedVectors.bytes(base64)
            var output: [UInt8] = []
            try SnappyBlock.decompress(block, from: 0, to: block.count, into: &output, limit: Self.limit)
            #expect(output == expected)
        }
    }

    @Test func everySnappyElementForm() throws {
        // Literal lengths in the tag and in 1, 2, 3 and 4 extra bytes; copies
        // with 1-, 2- and 4-byte offsets, overlapping ones included.
        var rng = SplitMix64(state: 3)
        let random = rng.bytes(70000)
        for size in [1, 60, 61, 256, 257, 65536, 65537, 70000] {
            let data = Array(random.prefix(size))
            let block = TestSnappy.block(data)
            var output: [UInt8] = []
            try SnappyBlock.decompress(block, from: 0, to: block.count, into: &output, limit: Self.limit)
            #expect(output == data)
        }
        let fourByteLength: [UInt8] = [(59 + 4) << 2, 4, 0, 0, 0] + Array("hello".utf8)
        var output: [UInt8] = []
        try SnappyBlock.decompress([5] + fourByteLength, from: 0, to: 6 + 5, into: &output, limit: Self.limit)
        #expect(output == Array("hello".utf8))

        let text = Array("abcdefgh".utf8)
        for form in [TestSnappy.CopyForm.one, .two, .four] {
            let block = TestSnappy.varint(8 + 11 + 8) + TestSnappy.literal(text[...])
                + TestSnappy.copy(length: 11, offset: 1, form: form) + TestSnappy.copy(length: 8, offset: 19, form: form)
            var output: [UInt8] = []
            try SnappyBlock.decompress(block, from: 0, to: block.count, into: &output, limit: Self.limit)
            #expect(output == text + Array(repeating: UInt8(ascii: "h"), count: 11) + text)
        }
        // A stream of 64 KiB+ blocks with every copy as a 4-byte-offset copy.
        let data = CompressedVectors.sample(100_000)
        #expect(try SnappyStream.decompress(TestSnappy.stream(data, blockSize: 70000, copy4: true), limit: Self.limit) == data)
        #expect(try SnappyStream.decompress(TestSnappy.stream(data, blockSize: 1000), limit: Self.limit) == data)
    }

    @Test func rejectsBadSnappyBlocks() {
        func reason(_ block: [UInt8]) -> String? {
            var output: [UInt8] = []
            do {
                try SnappyBlock.decompress(block, from: 0, to: block.count, into: &output, limit: Self.limit)
                return nil
            } catch {
                return error.reason
            }
        }
        let abc = TestSnappy.literal(Array("abc".utf8)[...])
        #expect(reason([3] + abc) == nil)
        #expect(reason([]).map { $0.contains("ends inside its length") } == true)
        #expect(reason([0xff, 0xff, 0xff, 0xff, 0x1f]).map { $0.contains("does not fit in 32 bits") } == true)
        #expect(reason([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).map { $0.contains("does not fit in 32 bits") } == true)
        #expect(reason([0xff, 0xff, 0xff, 0xff, 0x0f] + abc).map { $0.contains("impossible") } == true)
        #expect(reason([4] + abc).map { $0.contains("decodes to 3 bytes, 4 declared") } == true)
        #expect(reason([2] + abc).map { $0.contains("runs past the declared length") } == true)
        #expect(reason([3, 8, 65]).map { $0.contains("runs past the block") } == true)
        #expect(reason([5, 0xf0]).map { $0.contains("block ends inside a literal length") } == true)
        #expect(reason([7] + abc + TestSnappy.copy(length: 4, offset: 0, form: .one)).map { $0.contains("copy offset 0") } == true)
        #expect(reason([7] + abc + TestSnappy.copy(length: 4, offset: 4, form: .two)).map { $0.contains("copy offset 4") } == true)
        #expect(reason([8] + abc + TestSnappy.copy(length: 4, offset: 3, form: .four)).map { $0.contains("decodes to 7 bytes") } == true)
        #expect(reason([7] + abc + [0x02, 0x01]).map { $0.contains("block ends inside a copy") } == true)
        #expect(reason([7] + abc + [0x03, 1, 0, 0]).map { $0.contains("block ends inside a copy") } == true)
        #expect(reason([7] + abc + [0x01]).map { $0.contains("block ends inside a copy") } == true)
    }

    @Test func snappyStreamFramingAsSnappyJavaReadsIt() throws {
        let text = Array("framing".utf8)
        let chunk = TestSnappy.chunk(TestSnappy.block(text))
        let stream = TestSnappy.header + chunk
        #expect(try SnappyStream.decompress(stream, limit: Self.limit) == text)
        // 1–3 bytes too few for a chunk length end the data, as in snappy-java.
        for extra in 1...3 {
            #expect(try SnappyStream.decompress(stream + [UInt8](repeating: 0, count: extra), limit: Self.limit) == text)
        }
        // A concatenated header with bad magic ends the data; version 0 is an error.
        var badMagic = TestSnappy.header
        badMagic[7] = 1
        #expect(try SnappyStream.decompress(stream + badMagic + chunk, limit: Self.limit) == text)
        var version0 = TestSnappy.header
        version0[11] = 0
        #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress(stream + version0 + chunk, limit: Self.limit) }
        #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress(stream + Array(TestSnappy.header.prefix(10)), limit: Self.limit) }
        // Chunk lengths: negative, zero, longer than the file.
        for length in [[0xff, 0xff, 0xff, 0xff], [0, 0, 0, 0], [0, 0, 1, 0]] as [[UInt8]] {
            #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress(stream + length + [1, 2, 3], limit: Self.limit) }
        }
        // No header: snappy-java would read a raw block; Apache never tries such a file.
        #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress(TestSnappy.block(text), limit: Self.limit) }
        #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress([], limit: Self.limit) }
        #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress(Array(TestSnappy.header.prefix(12)), limit: Self.limit) }
        // The limit holds across blocks, checked before a block is decoded.
        let big = TestSnappy.stream([UInt8](repeating: 7, count: 10000), blockSize: 1000)
        #expect(throws: DecompressionError.self) { _ = try SnappyStream.decompress(big, limit: 9999) }
        #expect(try SnappyStream.decompress(big, limit: 10000).count == 10000)
    }

    @Test func snappyStreamPrefixesGiveWholeBlocksOrErrors() throws {
        let bytes = CompressedVectors.bytes(CompressedVectors.stream1024of5000)
        let full = CompressedVectors.sample(5000)
        for length in 0..<bytes.count {
            if let output = try? SnappyStream.decompress(Array(bytes[..<length]), limit: Self.limit) {
                #expect(output.count % 1024 == 0 && full.starts(with: output), "cut at \(length)")
            }
        }
    }

    // MARK: Random input

    /// Random bytes, and random damage to valid streams, through every
    /// decoder: each call returns or throws; none traps or outgrows its limit.
    @Test func randomAndDamagedInputNeverTraps() {
        var rng = SplitMix64(state: 0x5eed)
        let limit = 1 << 20
        let gzipSeeds = CompressedVectors.gzip.map { CompressedVectors.bytes($0.base64) }
            + [TestGzip.fixed(CompressedVectors.sample(3000))]
        let snappySeeds = [CompressedVectors.bytes(CompressedVectors.stream1024of5000),
                           CompressedVectors.bytes(CompressedVectors.concatenated300and200),
                           TestSnappy.stream(CompressedVectors.sample(3000), blockSize: 1000, copy4: true)]
        var accepted = 0
        for round in 0..<3000 {
            let input: [UInt8]
            switch round % 4 {
            case 0:
                input = rng.bytes(Int.random(in: 0...600, using: &rng))
            case 1:
                // A valid gzip header or snappy header, then random bytes.
                input = (Bool.random(using: &rng) ? TestGzip.header : TestSnappy.header) + rng.bytes(Int.random(in: 0...600, using: &rng))
            default:
                var seed = round % 4 == 2 ? gzipSeeds.randomElement(using: &rng)! : snappySeeds.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let index = Int.random(in: 0..<seed.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: seed[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                    case 1: seed[index] = UInt8.random(in: 0...255, using: &rng)
                    default: seed.removeSubrange(index...)
                    }
                    if seed.isEmpty { break }
                }
                input = seed
            }
            for snappy in [false, true] {
                let output = snappy ? try? SnappyStream.decompress(input, limit: limit) : try? Gzip.decompress(input, limit: limit)
                if let output {
                    #expect(output.count <= limit)
                    accepted += 1
                }
            }
            var output: [UInt8] = []
            if (try? SnappyBlock.decompress(input, from: 0, to: input.count, into: &output, limit: limit)) != nil {
                #expect(output.count <= limit)
            }
        }
        // Damage the checksums miss (gzip header fields, snappy literals) is accepted.
        #expect(accepted > 0)
    }
}
