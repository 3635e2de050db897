import Testing
import ZKStorage

@Suite struct ChecksumTests {
    @Test func adler32MatchesKnownValues() {
        // RFC 1950's Adler-32 of "Wikipedia" is 0x11E60398; of nothing, 1.
        #expect(Adler32().value == 1)
        #expect(Adler32(Array("Wikipedia".utf8)).value == 0x11E6_0398)
    }

    @Test func adler32IsIncremental() {
        let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        var split = Adler32()
        split.update(bytes[..<3])
        split.update(bytes[3..<12_345])
        split.update(bytes[12_345...])
        #expect(split.value == Adler32(bytes).value)
    }

    @Test func adler32HandlesLongRunsOfHighBytes() {
        // 0xff bytes past zlib's NMAX block make the sums wrap if the modulo
        // is taken too late.
        let bytes = [UInt8](repeating: 0xff, count: 100_000)
        var a: UInt64 = 1, b: UInt64 = 0
        for byte in bytes {
            a = (a + UInt64(byte)) % 65521
            b = (b + a) % 65521
        }
        #expect(Adler32(bytes).value == Int64(b << 16 | a))
    }
}
