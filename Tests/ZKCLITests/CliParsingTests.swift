import Testing
@testable import ZKCLI

struct CliParsingTests {
    @Test("a line splits into words as zkCli's regex splits it", arguments: [
        ("ls /", ["ls", "/"]),
        ("  create   /a   data  ", ["create", "/a", "data"]),
        ("set /a \"two words\"", ["set", "/a", "two words"]),
        ("set /a 'single quoted'", ["set", "/a", "single quoted"]),
        ("set /a \"unclosed", ["set", "/a", "unclosed"]),
        ("get\t/x", ["get", "/x"]),
        ("", []),
    ])
    func wordsSplitLikeZkCli(line: String, expected: [String]) {
        #expect(CliLine.words(line) == expected)
    }

    @Test func flagsValuesAndArgumentsAreSeparated() throws {
        let parsed = try CliOptions(["s": false, "v": true]).parse(["set", "-s", "-v", "3", "/a", "data"])
        #expect(parsed.args == ["set", "/a", "data"])
        #expect(parsed.has("s"))
        #expect(parsed.value("v") == "3")
    }

    @Test func concatenatedLettersTakeTheRestAsTheValue() throws {
        let parsed = try CliOptions(["s": false, "v": true]).parse(["set", "-sv7", "/a"])
        #expect(parsed.has("s"))
        #expect(parsed.value("v") == "7")
        #expect(parsed.args == ["set", "/a"])
    }

    @Test func aNegativeNumberIsAValue() throws {
        let parsed = try CliOptions(["v": true]).parse(["delete", "-v", "-1", "/a"])
        #expect(parsed.value("v") == "-1")
    }

    @Test func wordsAfterDoubleDashAreArguments() throws {
        let parsed = try CliOptions(["s": false]).parse(["ls", "--", "-s"])
        #expect(parsed.args == ["ls", "-s"])
        #expect(!parsed.has("s"))
    }

    @Test func unknownFlagIsRefusedWithCommonsCliMessage() {
        #expect(throws: CliFailure.self) { try CliOptions(["s": false]).parse(["ls", "-x", "/"]) }
        do {
            _ = try CliOptions(["s": false]).parse(["ls", "-x", "/"])
        } catch {
            #expect(error.message == "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x")
            #expect(error.exitCode == 1)
        }
    }

    @Test func flagWithoutItsValueIsRefused() {
        do {
            _ = try CliOptions(["v": true]).parse(["set", "-v"])
            Issue.record("parsed a flag missing its value")
        } catch {
            #expect(error.message == "org.apache.commons.cli.MissingArgumentException: Missing argument for option: v")
        }
    }

    @Test func groupAllowsOneMemberAndMayBeRequired() {
        let group: (members: Set<String>, required: Bool, display: String) = (["n", "b"], true, "[-n num, -b bytes]")
        let options = CliOptions(["n": true, "b": true], group: group)
        do {
            _ = try options.parse(["setquota", "-n", "1", "-b", "2", "/a"])
            Issue.record("two members of one group were accepted")
        } catch {
            #expect(error.message == "org.apache.commons.cli.AlreadySelectedException: The option 'b' was specified "
                    + "but an option from this group has already been selected: 'n'")
        }
        do {
            _ = try options.parse(["setquota", "/a"])
            Issue.record("a required group was left out")
        } catch {
            #expect(error.message == "org.apache.commons.cli.MissingOptionException: Missing required option: [-n num, -b bytes]")
        }
    }
}
