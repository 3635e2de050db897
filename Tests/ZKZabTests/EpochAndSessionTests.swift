import Testing
import ZKZab

@Suite("Epoch files")
struct EpochFileTests {
    @Test(arguments: [Int64(0), 1, 42, 0xffff_ffff])
    func writesPlainDecimalWithoutNewline(epoch: Int64) throws {
        let bytes = EpochFile.encode(epoch)
        #expect(bytes == Array(String(epoch).utf8))
        #expect(try EpochFile.parse(bytes) == epoch)
    }

    @Test func acceptsOneTrailingLineEnding() throws {
        #expect(try EpochFile.parse(Array("7\n".utf8)) == 7)
        #expect(try EpochFile.parse(Array("7\r\n".utf8)) == 7)
        #expect(try EpochFile.parse(Array("+7".utf8)) == 7)   // Long.parseLong accepts a plus sign
        #expect(try EpochFile.parse(Array("-0".utf8)) == 0)
    }

    @Test(arguments: ["", "\n", " 1", "1 ", "1\n\n", "1\n2", "0x10", "1.0", "abc", "-1", "+", "4294967296",
                      "99999999999", "12345678901234"])
    func refusesAnythingElseWithAReason(text: String) {
        #expect(throws: ZabWireError.self) {
            try EpochFile.parse(Array(text.utf8), fileName: "currentEpoch")
        }
    }

    @Test func errorsNameTheFileAndTheProblem() {
        do {
            _ = try EpochFile.parse(Array("1x".utf8), fileName: "acceptedEpoch")
            Issue.record("accepted 1x")
        } catch {
            #expect(error.description == "epoch file: acceptedEpoch holds \"1x\"; expected only decimal digits")
        }
        do {
            _ = try EpochFile.parse([], fileName: "currentEpoch")
            Issue.record("accepted an empty file")
        } catch {
            #expect(error.description == "epoch file: currentEpoch is empty; expected a decimal epoch such as 1")
        }
    }

    @Test func fileNamesAreApaches() {
        #expect(EpochFile.acceptedEpochFileName == "acceptedEpoch")
        #expect(EpochFile.currentEpochFileName == "currentEpoch")
    }
}

@Suite("Ensemble sessions")
struct EnsembleSessionTests {
    /// Reference doc §3 (Debian JVM) plus GoldenVectors.java's extra seeds.
    @Test(arguments: ApacheVectors.lines.filter { $0.hasPrefix("password ") })
    func passwordsMatchJavaUtilRandom(line: String) {
        let fields = line.split(separator: " ")
        let sessionId = Int64(bitPattern: UInt64(fields[1], radix: 16) ?? 0)
        #expect(toHex(EnsembleSession.password(sessionId: sessionId)) == String(fields[2]))
    }

    @Test func referenceDocPasswordVectors() {
        #expect(toHex(EnsembleSession.password(sessionId: 0x0100_0000_0000_0000)) == "f22acd4a97e69d6d20a49bb638eadb38")
        #expect(toHex(EnsembleSession.password(sessionId: 0x0100_0a1b_2c3d_0000)) == "99540115b2ac339b9f3f41ba4b39270b")
        #expect(toHex(EnsembleSession.password(sessionId: 0x0300_017f_3a2b_0001)) == "6ad3b3b53896f321826130c47581c791")
    }

    @Test func onlyTheLow48BitsOfTheSessionIdReachThePassword() {
        // java.util.Random keeps 48 bits of its seed, so the server byte does not change the password.
        #expect(EnsembleSession.password(sessionId: 0x0100_0000_0000_0000) == EnsembleSession.password(sessionId: 0))
        #expect(EnsembleSession.password(sessionId: 0x0500_0000_0000_0007) == EnsembleSession.password(sessionId: 7))
    }

    @Test func javaRandomNextIntMatchesTheJVM() {
        var random = JavaRandom(seed: 42)
        let ints = (0..<5).map { _ in random.nextInt() }
        #expect(ints == [-1_170_105_035, 234_785_527, -1_360_544_799, 205_897_768, 1_325_939_940])
    }

    @Test func javaRandomNextBytesDropsTheUnusedBytesOfTheLastInt() {
        var random = JavaRandom(seed: -7)
        #expect(toHex(random.nextBytes(count: 7)) == "8c2ae544838bc8")
    }

    @Test func initialSessionIdPutsTheServerIdInTheTopByte() {
        // ((millis << 24) >>> 8) | (sid << 56)
        let millis: Int64 = 0x0179_abcd_ef12
        #expect(EnsembleSession.initialSessionId(serverId: 1, elapsedMillis: millis) == 0x0179_abcd_ef12_0000 | (1 << 56))
        #expect(EnsembleSession.initialSessionId(serverId: 3, elapsedMillis: 0x1_0000_0000) == 0x0301_0000_0000_0000)
        // Bits of the clock above 40 are shifted out.
        #expect(EnsembleSession.initialSessionId(serverId: 2, elapsedMillis: 0x7f00_0000_0000_0001) == 0x0200_0000_0001_0000)
        // The server id's low byte only, as Java's long shift.
        #expect(EnsembleSession.initialSessionId(serverId: 0x102, elapsedMillis: 0) == 0x0200_0000_0000_0000)
        // Server 255 at millis 0 would be ... no: 0x80 at 0 is Long.MIN_VALUE, the container marker, so it moves on by one.
        #expect(EnsembleSession.initialSessionId(serverId: 0x80, elapsedMillis: 0) == Int64.min + 1)
    }
}
