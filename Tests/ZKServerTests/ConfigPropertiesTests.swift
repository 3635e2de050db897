import Foundation
import Testing

@testable import ZKServer

/// zoo.cfg is a java.util.Properties file; these pin the parts of that format Apache users rely on.
@Suite struct ConfigPropertiesTests {
    private func pairs(_ text: String) throws -> [String] {
        try ZooCfgProperties.parse(text, file: "zoo.cfg").map { "\($0.key)=\($0.value)@\($0.origin.line ?? 0)" }
    }

    @Test(arguments: [
        ("tickTime=2000", "tickTime=2000@1"),
        ("tickTime = 2000", "tickTime=2000@1"),
        ("tickTime:2000", "tickTime=2000@1"),
        ("tickTime 2000", "tickTime=2000@1"),
        ("tickTime \t 2000", "tickTime=2000@1"),
        ("   tickTime=2000   ", "tickTime=2000@1"),
        ("tickTime  =  :2000", "tickTime=:2000@1"),
        ("key=a=b", "key=a=b@1"),
        ("key", "key=@1"),
        ("key=", "key=@1"),
    ])
    func separatorFormsAllGiveKeyAndValue(line: String, expected: String) throws {
        #expect(try pairs(line) == [expected])
    }

    @Test func commentsAndBlankLinesAreSkippedAndLinesCounted() throws {
        let text = "# comment\n! also a comment\n\n   \n  # indented comment\ntickTime=2000\n"
        #expect(try pairs(text) == ["tickTime=2000@6"])
    }

    @Test func aHashAfterTheKeyIsPartOfTheValue() throws {
        #expect(try pairs("dataDir=/data # not a comment") == ["dataDir=/data # not a comment@1"])
    }

    @Test func backslashContinuesALineAndDropsTheNextLinesLeadingBlanks() throws {
        let text = "4lw.commands.whitelist=ruok,\\\n    srvr,\\\n\tstat\nnext=1\n"
        #expect(try pairs(text) == ["4lw.commands.whitelist=ruok,srvr,stat@1", "next=1@4"])
    }

    @Test func aContinuedLineStartingWithHashIsNotAComment() throws {
        #expect(try pairs("a=1\\\n#2\n") == ["a=1#2@1"])
    }

    @Test func aCommentEndingInBackslashDoesNotContinue() throws {
        #expect(try pairs("# comment \\\na=1\n") == ["a=1@2"])
    }

    @Test func anEvenRunOfBackslashesIsEscapedAndDoesNotContinue() throws {
        #expect(try pairs("a=c:\\\\\nb=2\n") == ["a=c:\\@1", "b=2@2"])
    }

    @Test func aBackslashAtEndOfFileIsDropped() throws {
        #expect(try pairs("a=1\\") == ["a=1@1"])
    }

    @Test func crlfAndBareCrEndLinesAndCountOnce() throws {
        #expect(try pairs("a=1\r\nb=2\rc=3\n\r\nd=4") == ["a=1@1", "b=2@2", "c=3@3", "d=4@5"])
    }

    @Test func escapesAreDecoded() throws {
        let entries = try ZooCfgProperties.parse(#"k\=e\:y\ x=\u0041\t\qz\uD83D\uDE00"#, file: "zoo.cfg")
        #expect(entries.map(\.key) == ["k=e:y x"])
        #expect(entries.map(\.value) == ["A\tqz😀"])
    }

    @Test func aMalformedUnicodeEscapeNamesTheLineAndKey() throws {
        #expect(throws: ConfigError(file: "zoo.cfg", line: 2, key: "superDigest", message: #"expected \uXXXX with four hex digits, got "\u12x""#)) {
            try ZooCfgProperties.parse("a=1\nsuperDigest=\\u12x\n", file: "zoo.cfg")
        }
        let error = ConfigError(file: "zoo.cfg", line: 2, key: "superDigest", message: #"expected \uXXXX with four hex digits, got "\u12x""#)
        #expect(error.description == #"zoo.cfg:2: superDigest: expected \uXXXX with four hex digits, got "\u12x""#)
    }

    @Test func duplicatesAreAllReadAndTheLaterOneWins() throws {
        let entries = try ZooCfgProperties.parse("tickTime=1000\nclientPort=1\ntickTime=3000\n", file: "zoo.cfg")
        #expect(entries.count == 3)
        let effective = ZooCfgParser.laterWins(entries)
        #expect(effective.map { "\($0.key)=\($0.value)@\($0.origin.line ?? 0)" } == ["clientPort=1@2", "tickTime=3000@3"])
    }

    @Test func keysAreCaseSensitive() throws {
        let entries = try ZooCfgProperties.parse("TickTime=1\ntickTime=2\n", file: "zoo.cfg")
        #expect(ZooCfgParser.laterWins(entries).count == 2)
    }

    @Test func utf8WithByteOrderMarkIsDecoded() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("dataDir=/données".utf8)
        #expect(ZooCfgProperties.decode(bytes) == "dataDir=/données")
    }

    @Test func invalidUtf8FallsBackToLatin1LikeJava() {
        let bytes: [UInt8] = Array("dataDir=/donn".utf8) + [0xE9, 0x65, 0x73]
        #expect(ZooCfgProperties.decode(bytes) == "dataDir=/données")
    }

    @Test func javaTrimDropsControlCharactersAndSpaces() {
        #expect(ZooCfgProperties.javaTrim("\u{01} \t x y \u{0C}\n") == "x y")
        #expect(ZooCfgProperties.javaTrim(" \t ") == "")
    }
}
