import Testing
import ZKProtocol
@testable import ZKAuth

/// The `sasl` ACL scheme (Apache's SASLAuthenticationProvider).
struct SASLAuthProviderTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Each id with what ZooKeeper 3.8's SASLAuthenticationProvider.isValid
    /// answered for it.
    @Test("ACL ids are valid as KerberosName parses them", arguments: [
        ("jaasuser", true), ("a@b", true), ("a/b@c", true), ("a/b/c@d", false), ("a@b@c", false),
        ("@", true), ("/@", true), ("//@", false), ("a@b/c", false), ("", true), ("a/b", true),
        ("a/b/c", true), ("\u{e9}@\u{3a9}", true), ("a\n@b", true), ("svc/host@", true), ("@realm", true),
    ] as [(String, Bool)])
    func isValidMatchesApache(_ id: String, _ valid: Bool) {
        #expect(SASLAuthProvider().isValid(aclId: Self.bytes(id)) == valid)
    }

    @Test func sameNameMatches() {
        let provider = SASLAuthProvider()
        #expect(provider.matches(sessionId: Self.bytes("jaasuser"), aclId: Self.bytes("jaasuser")))
        #expect(!provider.matches(sessionId: Self.bytes("jaasuser"), aclId: Self.bytes("other")))
        #expect(!provider.matches(sessionId: Self.bytes("JAASUSER"), aclId: Self.bytes("jaasuser")))
    }

    @Test func userNamedSuperMatchesEveryACL() {
        #expect(SASLAuthProvider().matches(sessionId: Self.bytes("super"), aclId: Self.bytes("anyone-at-all")))
    }

    @Test func letAnySaslUserDoXOpensThatACLIdToEveryone() {
        let provider = SASLAuthProvider(letAnySaslUserDoX: "shared")
        #expect(provider.matches(sessionId: Self.bytes("bob"), aclId: Self.bytes("shared")))
        #expect(!provider.matches(sessionId: Self.bytes("bob"), aclId: Self.bytes("alice")))
        #expect(!SASLAuthProvider().matches(sessionId: Self.bytes("bob"), aclId: Self.bytes("shared")))
    }

    @Test func idsAreAuthenticated() {
        #expect(SASLAuthProvider().isAuthenticated)
    }

    @Test func grantsSaslIdThenSuperForSuperUsers() {
        let provider = SASLAuthProvider(superUsers: ["admin"])
        #expect(provider.grantedIds(authorizationID: "bob") == [Id(scheme: JuteBytes("sasl"), id: JuteBytes("bob"))])
        #expect(provider.grantedIds(authorizationID: "admin") == [
            Id(scheme: JuteBytes("sasl"), id: JuteBytes("admin")),
            Id(scheme: JuteBytes("super"), id: JuteBytes("")),
        ])
    }

    @Test func superUsersComeFromTheWholePropertyFamily() {
        let provider = SASLAuthProvider(systemProperties: [
            "zookeeper.superUser": "a", "zookeeper.superUser.1": "b", "zookeeper.superUserX": "c",
            "zookeeper.letAnySaslUserDoX": "shared",
        ])
        #expect(Set(provider.superUsers) == ["a", "b"])
        #expect(provider.letAnySaslUserDoX == "shared")
    }

    @Test func emptyAuthorizationIDIsNeverSuper() {
        let provider = SASLAuthProvider(superUsers: [""])
        #expect(provider.grantedIds(authorizationID: "").count == 1)
    }
}
