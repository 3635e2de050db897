import Testing
@testable import ZKAuth

/// Reading digest-response directives as the JDK's parseDirectives does.
struct SASLDirectivesTests {
    static let keys = ["username", "realm", "nonce", "nonce-count", "digest-uri", "authzid"]

    static func parse(_ text: String) -> Result<SASLDirectives, SASLDirectives.ParseError> {
        SASLDirectives.parse(Array(text.utf8), keys: keys)
    }

    static func value(_ text: String, _ key: String) -> String? {
        guard case .success(let directives) = parse(text), let index = keys.firstIndex(of: key) else { return nil }
        return directives[index].map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("values are read", arguments: [
        ("username=\"bob\"", "username", "bob"),
        ("username=bob", "username", "bob"),
        ("username=\"a,b=c\"", "username", "a,b=c"),
        ("username=\"a\\\"b\\\\c\\d\"", "username", "a\"b\\cd"),
        ("  username = \"bob\"  ,  realm=r", "realm", "r"),
        ("username=\"bob\"\r\n\t,realm=r", "realm", "r"),
        ("username=\"bob\" realm=r", "realm", "r"),
        (",,username=x,,", "username", "x"),
        ("USERNAME=x", "username", "x"),
        ("Digest-URI=u", "digest-uri", "u"),
        ("u\u{17F}ername=x", "username", "x"),
        ("d\u{131}gest-ur\u{130}=u", "digest-uri", "u"),
        ("username=a\"b", "username", "a\"b"),
        ("username=a=b", "username", "a=b"),
        ("username=\"\"", "username", ""),
        ("nc=1,nonce-count=2", "nonce-count", "2"),
        ("username=x,authzid", "authzid", ""),
    ] as [(String, String, String)])
    func readsValue(_ text: String, _ key: String, _ expected: String) {
        #expect(Self.value(text, key) == expected)
    }

    @Test func unknownKeysAreIgnoredEvenTwice() {
        #expect(Self.value("nc=1,nc=2,foo=\"x\",username=u", "username") == "u")
    }

    @Test("malformed input is refused with the JDK's message", arguments: [
        ("username=\"a", "Unmatched quote found for directive: username with value: a"),
        ("username=\"a\\", "Unmatched quote found for directive: username with value: a"),
        ("username=\"a\"b", "Expecting comma or linear whitespace after quoted string: \"a\""),
        ("=x", "Empty directive key"),
        ("username,realm=x", "Directive key contains a ',':username"),
        ("username x", "'=' expected after key: username"),
        ("username ", "'=' expected after key: username"),
        ("username=", "Valueless directive found: username"),
        ("username=  ", "Valueless directive found: username"),
        ("username=a,USERNAME=b", "DIGEST-MD5: peer sent more than one USERNAME directive: b"),
    ] as [(String, String)])
    func refusesMalformed(_ text: String, _ message: String) {
        #expect(Self.parse(text) == .failure(SASLDirectives.ParseError(message: message)))
    }

    @Test func emptyInputHasNoDirectives() throws {
        let directives = try Self.parse(" \r\n").get()
        #expect(directives.values.allSatisfy { $0 == nil })
    }

    @Test func equalsIgnoreCaseFollowsJava() {
        #expect(SASLDirectives.javaEqualsIgnoreCase(Array("ZOO\u{212A}EEPER".utf16), "zookeeper"))
        #expect(SASLDirectives.javaEqualsIgnoreCase(Array("zookeeper".utf16), "zookeeper"))
        #expect(!SASLDirectives.javaEqualsIgnoreCase(Array("zookeepe".utf16), "zookeeper"))
        #expect(!SASLDirectives.javaEqualsIgnoreCase(Array("zookeepér".utf16), "zookeeper"))
    }
}
