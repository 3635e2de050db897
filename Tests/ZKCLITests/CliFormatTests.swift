import Testing
import ZKProtocol
@testable import ZKCLI

struct CliFormatTests {
    @Test func hexIsJavaLongToHexString() {
        #expect(CliFormat.hex(0) == "0")
        #expect(CliFormat.hex(0x1_0000_0002) == "100000002")
        #expect(CliFormat.hex(-1) == "ffffffffffffffff")
    }

    @Test func permsPrintInZkUtilOrder() {
        #expect(CliFormat.perms(.all) == "cdrwa")
        #expect(CliFormat.perms([.read, .admin]) == "ra")
        #expect(CliFormat.perms([]) == "")
    }

    @Test func idPrintsAsCsvRecordWithEscapes() {
        let id = Id(scheme: JuteBytes("digest"), id: JuteBytes("u,1:x%}"))
        #expect(CliFormat.id(id) == "'digest,'u%2C1:x%25%7D\n")
    }

    @Test func javaSplitDropsTrailingEmptyStrings() {
        #expect(CliFormat.javaSplit("a,b,,", ",") == ["a", "b"])
        #expect(CliFormat.javaSplit(",a", ",") == ["", "a"])
        #expect(CliFormat.javaSplit("", ",") == [""])
        #expect(CliFormat.javaSplit(",,", ",") == [])
    }

    @Test func javaSortedIsUtf16Order() {
        #expect(CliFormat.javaSorted(["b", "B", "a", "\u{1F600}", "\u{FF21}"]) == ["B", "a", "b", "\u{1F600}", "\u{FF21}"])
    }

    @Test func listIsJavaListToString() {
        #expect(CliFormat.list([]) == "[]")
        #expect(CliFormat.list(["a", "b"]) == "[a, b]")
    }

    @Test func aclTextParsesSchemeIdAndPerms() {
        let acl = CliFormat.parseACL("world:anyone:cdrwa,ip:10.0.0.0/8:r", err: CliOutput())
        #expect(acl == [
            ACL(perms: .all, id: Id(scheme: JuteBytes("world"), id: JuteBytes("anyone"))),
            ACL(perms: .read, id: Id(scheme: JuteBytes("ip"), id: JuteBytes("10.0.0.0/8"))),
        ])
    }

    @Test func pathProblemsUseZkCliMessages() {
        #expect(CliFormat.pathProblem("/a") == nil)
        #expect(CliFormat.pathProblem("a") == "Path must start with / character")
        #expect(CliFormat.pathProblem("/a/") == "Path must not end with / character")
        #expect(CliFormat.pathProblem("/a/", sequential: true) == nil)
        #expect(CliFormat.pathProblem("/a//b") == "Invalid path string \"/a//b\" caused by empty node name specified @3")
    }

    @Test func statPrintsElevenLinesAsStatPrinter() {
        let stat = Stat(czxid: 0x10, mzxid: 0x10, ctime: 0, mtime: 0, version: 3, cversion: 0, aversion: 0,
                        ephemeralOwner: 0, dataLength: 0, numChildren: 2, pzxid: 0x10)
        let lines = CliFormat.stat(stat).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 12)
        #expect(lines[0] == "cZxid = 0x10")
        #expect(lines[6] == "dataVersion = 3")
        #expect(lines[8] == "ephemeralOwner = 0x0")
        #expect(lines[10] == "numChildren = 2")
        #expect(lines[11] == "")
    }
}
