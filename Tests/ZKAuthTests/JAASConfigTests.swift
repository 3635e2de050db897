import Testing
@testable import ZKAuth

/// Reading JAAS files as the JDK's ConfigFile reads them. The expectations
/// marked "JDK" were checked against JDK 17's
/// com.sun.security.auth.login.ConfigFile.
struct JAASConfigTests {
    /// kazoo/testing/harness.py writes exactly this for
    /// ZOOKEEPER_JAAS_AUTH=digest.
    static let kazooDigestJAAS = """

        Server {
            org.apache.zookeeper.server.auth.DigestLoginModule required
            user_super="super_secret"
            user_jaasuser="jaas_password";
        };
        """

    static func parse(_ text: String, _ properties: [String: String] = [:]) -> Result<JAASConfig, JAASError> {
        JAASConfig.parse(text: text, systemProperties: properties)
    }

    @Test func kazooHarnessFileGivesItsTwoUsers() throws {
        let config = try Self.parse(Self.kazooDigestJAAS).get()
        #expect(config.serverUsers() == ["super": "super_secret", "jaasuser": "jaas_password"])
        let entry = try #require(config.section("Server")?.entries.first)
        #expect(entry.loginModuleName == "org.apache.zookeeper.server.auth.DigestLoginModule")
        #expect(entry.controlFlag == .required)
        #expect(entry.options.map(\.key) == ["user_super", "user_jaasuser"])
    }

    @Test func kazooHarnessEmptyFileHasNoServerSection() throws {
        // The harness writes an empty jaas.conf when SASL is off.
        let config = try Self.parse("").get()
        #expect(config.section("Server") == nil)
        #expect(config.serverUsers().isEmpty)
    }

    @Test func kazooGSSAPIFileParsesWithNoDigestUsers() throws {
        let text = """
            Server {
              com.sun.security.auth.module.Krb5LoginModule required
              debug=true
              isInitiator=false
              useKeyTab=true
              keyTab="/tmp/krb/server.keytab"
              storeKey=true
              useTicketCache=false
              principal="zookeeper/127.0.0.1@KAZOOTEST.ORG";
            };
            """
        let config = try Self.parse(text).get()
        #expect(config.serverUsers().isEmpty)
        #expect(config.section("Server")?.entries.first?.option("principal") == "zookeeper/127.0.0.1@KAZOOTEST.ORG")
    }

    @Test func hashIsNotAComment() {
        // JDK: '#' is an ordinary char to StreamTokenizer, so a misplaced one
        // is a syntax error, not a comment.
        #expect(Self.parse("Server { # m required; };")
            == .failure(.unexpected(line: 1, expected: "a login module class name or '}'", found: "'#'")))
    }

    @Test func commentsQuotesAndEscapes() throws {
        let good = """
            /* users */ Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required // trailing
                user_a="p\\"q\\\\r\\tz\\101\\0"
                "user_b c"="x;y}z"
                user_d=plainword
                user_e="";
            };
            Client { m optional username="bob" password="pw"; };
            """
        let config = try Self.parse(good).get()
        #expect(config.serverUsers() == ["a": "p\"q\\r\tzA\u{0}", "b c": "x;y}z", "d": "plainword", "e": ""])
        #expect(config.serverUsers(section: "Client").isEmpty)
        #expect(config.section("Client")?.entries.first?.option("username") == "bob")
    }

    @Test func everyModuleOfTheSectionContributesUsersLaterWinning() throws {
        let text = """
            Server {
                a required user_x="1" user_y="1" user_y="2";
                b optional user_x="3" other="z";
            };
            """
        #expect(try Self.parse(text).get().serverUsers() == ["x": "3", "y": "2"])
    }

    @Test("control flags are case-insensitive", arguments: ["required", "REQUIRED", "Requisite", "sufficient", "OPTIONAL", "requ\u{131}red"])
    func controlFlagAnyCase(_ flag: String) throws {
        let config = try Self.parse("S { m \(flag); };").get()
        #expect(config.section("S")?.entries.count == 1)
    }

    @Test func sectionNamesAreCaseSensitiveWithNoOtherFallback() throws {
        let config = try Self.parse("server { m required user_a=\"1\"; }; other { m required user_b=\"2\"; };").get()
        #expect(config.section("Server") == nil)
        #expect(config.serverUsers().isEmpty)
        #expect(config.serverUsers(section: "server") == ["a": "1"])
    }

    @Test func sectionWithoutModulesCountsAsAbsent() throws {
        #expect(try Self.parse("Server { };").get().section("Server") == nil)
    }

    @Test func quotedAndSingleQuotedSectionNames() throws {
        let config = try Self.parse("\"Ser ver\" { m required; }; 'Single' { m required; };").get()
        #expect(config.section("Ser ver") != nil)
        #expect(config.section("Single") != nil)
    }

    @Test func namelessSectionIsAcceptedOnce() throws {
        // JDK: a number or symbol before '{' gives a section named null.
        #expect(try Self.parse("12 { m required; }; Server { m required user_a=\"1\"; };").get().serverUsers() == ["a": "1"])
        #expect(throws: JAASError.self) { try Self.parse("12 { m required; }; ; { m required; };").get() }
    }

    @Test func loneSlashCommentsOutTheNextLineWhenItEndsALine() throws {
        // JDK: StreamTokenizer consumes the char after '/', even a newline.
        let text = "Server { m required /\nuser_a=\"1\"\nuser_b=\"2\"; };"
        #expect(try Self.parse(text).get().serverUsers() == ["b": "2"])
    }

    @Test func unterminatedStringEndsAtTheLineEnd() throws {
        // JDK: no error; the value is the rest of the line.
        let text = "Server { m required user_a=\"abc\n; };"
        #expect(try Self.parse(text).get().serverUsers() == ["a": "abc"])
    }

    @Test func unterminatedBlockCommentEndsTheFile() throws {
        #expect(try Self.parse("Server { m required user_a=\"1\"; }; /* never closed").get().serverUsers() == ["a": "1"])
    }

    @Test("property expansion in option values", arguments: [
        ("${zk.home}/x", "/opt/zk/x"),
        ("${/}", "/"),
        ("a${{b}}c", "a${{b}}c"),
        ("${unclosed", "${unclosed"),
        ("${zk.home}${zk.home}", "/opt/zk/opt/zk"),
        ("$", "$"),
    ])
    func expandsProperties(_ value: String, _ expected: String) throws {
        let config = try Self.parse("Server { m required user_a=\"\(value)\"; };", ["zk.home": "/opt/zk"]).get()
        #expect(config.serverUsers() == ["a": expected])
    }

    @Test func undefinedPropertyIsAnError() {
        #expect(Self.parse("Server {\n m required\n user_a=\"${nope}\"; };") == .failure(.undefinedProperty(line: 3, name: "nope")))
    }

    @Test func valueExpandingToNothingIsAnError() {
        #expect(Self.parse("Server { m required user_a=\"${e}\"; };", ["e": ""]) == .failure(.emptyExpansion(line: 1, value: "${e}")))
    }

    @Test("errors name the line", arguments: [
        ("Server {\n  m required\n  user_a=\"1\"\n};", 4, "expected an option key or ';', found '}'"),
        ("Server {\n  m bogus;\n};", 2, "control flag must be required, requisite, sufficient or optional, got 'bogus'"),
        ("Server { m required; };\nServer { m required; };", 2, "section 'Server' is defined twice"),
        ("Server {\n  m required user_a \"1\";\n};", 2, "expected '=' after option key 'user_a', found \"1\""),
        ("Server {\n  m required;\n}", 3, "expected ';' after the section's closing '}', found the end of the file"),
        ("Server\n{ \"\" required; };", 2, "the login module class name is empty"),
        ("Server { m required k=12; };", 1, "found a number"),
        ("Server { m required k='v'; };", 1, "found 'v' in single quotes"),
        ("/* a\n b */ Server {\n m required user_a=\"1\" ;\n} x", 4, "expected ';' after the section's closing '}', found 'x'"),
    ] as [(String, Int, String)])
    func errorsNameTheLine(_ text: String, _ line: Int, _ message: String) {
        guard case .failure(let error) = Self.parse(text) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.line == line)
        #expect(error.description.contains("line \(line):"))
        #expect(error.description.contains(message))
    }

    @Test func randomTextNeverCrashes() {
        var random = SASLDigestMD5ServerTests.SeededGenerator(state: 77)
        let pieces = ["Server", "{", "}", ";", "=", "\"", "'", "/", "*", "\\", "${", "}}", "\n", "\r", " ", "m", "required",
                      "user_a", "12", "-", ".", "\u{e9}", "\u{1F600}", "\u{0}", "\u{85}"]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            _ = Self.parse(text, ["x": "y"])
        }
    }
}
