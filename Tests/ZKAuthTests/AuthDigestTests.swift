import Testing
import ZKProtocol
@testable import ZKAuth

/// Expected ids come from Apache's own generator, run under Java 17:
/// `java -cp "/usr/share/java/*" org.apache.zookeeper.server.auth.DigestAuthenticationProvider user:pass`
/// and, for the first two, `echo -n 'user:pass' | openssl sha1 -binary | base64`.
struct AuthDigestTests {
    @Test(arguments: [
        ("super:secret", "super:lK75jTNcA+U9vtVEw5vB51mj/w4="),
        ("user:pass", "user:smGaoVKd/cQkjm7b88GyorAUz20="),
        ("a:b:c", "a:cLzgnoJ6mP5qz3w+mwvPE2vDgu0="),
        ("üser:päss", "üser:vded1Ovo1VwX+Ij5npqXFLuyBs4="),
        (":pw", ":krPDEYdCl854cFNT6IXnoMv+VVA="),
        ("user:", "user:kd7q5xGKLW+18xQTfO8iqRaFvsM="),
    ])
    func digestIdIsUserColonBase64OfSHA1OfWholeInput(input: String, expected: String) {
        #expect(DigestAuth.hash(userPassword: Array(input.utf8)) == Array(expected.utf8))
    }

    @Test func authDataWithoutColonIsStillHashedAsApacheDoes() {
        #expect(DigestAuth.hash(userPassword: Array("nocolon".utf8)) == Array("nocolon:Ra+cHr2ZoHvBjtNArFGNGlVie4g=".utf8))
        #expect(DigestAuth.hash(userPassword: []) == Array(":2jmj7l5rSw0yVb/vlWAYkK/YBwk=".utf8))
    }

    /// Apache decodes the auth bytes into a Java String before hashing, so
    /// malformed UTF-8 becomes U+FFFD (EF BF BD) the way Java groups it.
    @Test(arguments: [
        ([0xED, 0xA0, 0x80, 0x5A], "efbfbd5a3a4a585066527a773151367734673666356e4b734d374a614a4866553d"),
        ([0xE2, 0x82], "efbfbd3a6d3974334a32775955754837426e6767527967532f5059495143513d"),
        ([0xE2, 0x82, 0x3A], "efbfbd3a4c396864344e7270454c6e6169674b4d49535666783067776730453d"),
        ([0xC0, 0xAF, 0x3A, 0x78], "efbfbdefbfbd3a73676d3277646b6b73736b65655066394c723032546b554b4469553d"),
        ([0xF0, 0x9F, 0x98, 0x80, 0x3A], "f09f98803a70336b342f4e6857656d6977576e6168332f4d305144675a3032673d"),
        ([0xE0, 0x80, 0x80, 0x41], "efbfbdefbfbdefbfbd413a5641685848363457664a48573334624331336330327059564d5a303d"),
    ] as [([UInt8], String)])
    func malformedUTF8IsReplacedAsJavaDoesBeforeHashing(input: [UInt8], expectedHex: String) {
        #expect(hex(DigestAuth.hash(userPassword: input)) == expectedHex)
    }

    @Test func otherDigestAlgorithmsHashTheSameInput() {
        // python3 -c "import hashlib,base64;print(base64.b64encode(hashlib.sha256(b'user:pass').digest()))"
        #expect(DigestAuth.hash(userPassword: Array("user:pass".utf8), algorithm: .sha256)
            == Array("user:70yRTFkWmLJo2zxkFj6v2nIJpjDyNuvw7r8EVGDfcjo=".utf8))
        #expect(DigestAuth.hash(userPassword: Array("user:pass".utf8), algorithm: .md5)
            == Array("user:IaOShYhKJo1kWOP96wi+rA==".utf8))
    }

    @Test(arguments: [
        ("SHA1", DigestAlgorithm.sha1), ("sha", .sha1), ("SHA-1", .sha1),
        ("SHA-256", .sha256), ("sha256", .sha256), ("SHA384", .sha384), ("SHA-512", .sha512), ("md5", .md5),
    ])
    func digestAlgorithmAcceptsJavaNamesAndAliases(name: String, expected: DigestAlgorithm) {
        #expect(DigestAlgorithm(javaName: name) == expected)
    }

    @Test func digestAlgorithmRejectsNamesWeCannotCompute() {
        #expect(DigestAlgorithm(javaName: "SHA3-256") == nil)
        #expect(DigestAlgorithm(javaName: "RipeMD160") == nil)
    }

    /// Apache's isValid is `id.split(":").length == 2`, and Java's split drops
    /// trailing empty pieces.
    @Test(arguments: [
        ("user:hash", true), (":hash", true), ("user:hash:", true), ("user:hash::", true),
        ("u:h=", true), ("user:not base64 at all", true),
        ("user", false), ("user:", false), ("user::", false), ("user::hash", false),
        ("a:b:c", false), ("", false), (":", false), ("::", false),
    ])
    func digestIdValidityFollowsJavaSplit(id: String, valid: Bool) {
        #expect(DigestAuth.isValidId(Array(id.utf8)) == valid)
    }

    @Test func userNameIsTheTextBeforeTheFirstColon() {
        #expect(DigestAuth.userName(ofId: Array("alice:abc=".utf8)) == Array("alice".utf8))
        #expect(DigestAuth.userName(ofId: Array(":abc=".utf8)) == [])
        #expect(DigestAuth.userName(ofId: Array("plain".utf8)) == Array("plain".utf8))
    }

    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("\u{FF}\u{FE}", "w7/Dvg==")])
    func base64PadsLikeApachesEncoder(input: String, expected: String) {
        #expect(DigestAuth.base64(Array(input.utf8)) == Array(expected.utf8))
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
