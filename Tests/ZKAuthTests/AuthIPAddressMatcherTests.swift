import Testing
import ZKProtocol
@testable import ZKAuth

/// The validity and match tables were checked against Apache 3.9.5's
/// IPAuthenticationProvider compiled and run under Java 17.
struct AuthIPAddressMatcherTests {
    @Test(arguments: [
        // IPv4, with Integer.parseInt's leniency.
        "127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.0/8", "10.1.2.3/0", "10.1.2.3/32",
        "+1.2.3.4", "-0.0.0.0", "010.0.0.1", "1.2.3.4/+8", "1.2.3.4/-0",
        "\u{FF11}.2.3.4", "\u{0661}\u{0662}.0.0.1", "1.2.3.4/\u{FF18}",
        // IPv6.
        "::", "::1", "1::", "fe80::/10", "0:0:0:0:0:0:0:1", "FFFF::abcd/128", "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8", "-1::", "+1:\u{FF21}::f", "2001:db8::/0",
    ])
    func validIPAclIds(id: String) {
        #expect(IPAddressMatcher.isValid(aclId: Array(id.utf8)))
    }

    @Test(arguments: [
        "", "localhost", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "-1.0.0.0", "1..2.3", "1.2.3.4.",
        " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/8/9", "1.2.3.4/x",
        "1.2.3.1a", "+.1.2.3", "2147483648.0.0.1",
        "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", ":::", "1::2::3", "::1:2:3:4:5:6:7:8", ":1::", "1::2:",
        "12345::", "g::", "::ffff:1.2.3.4", "fe80::1%eth0", "::/129", "::/-1", "+::", "-::",
        "\u{1D7CF}.0.0.1",
    ])
    func invalidIPAclIds(id: String) {
        #expect(!IPAddressMatcher.isValid(aclId: Array(id.utf8)))
    }

    @Test func parsedNetworkHasHostBitsCleared() throws {
        let matcher = try #require(IPAddressMatcher(aclId: Array("10.1.255.3/12".utf8)))
        #expect(matcher.network == [10, 0, 0, 0])
        #expect(matcher.prefixBits == 12)
        let v6 = try #require(IPAddressMatcher(aclId: Array("fe80:ffff::1/17".utf8)))
        #expect(v6.network == [0xFE, 0x80, 0x80] + [UInt8](repeating: 0, count: 13))
        #expect(try #require(IPAddressMatcher(aclId: Array("-1::".utf8))).network == [0xFF, 0xFF] + [UInt8](repeating: 0, count: 14))
    }

    @Test(arguments: [
        ("127.0.0.1", [127, 0, 0, 1], true),
        ("127.0.0.1", [127, 0, 0, 2], false),
        ("10.0.0.0/8", [10, 200, 3, 4], true),
        ("10.0.0.0/8", [11, 0, 0, 0], false),
        ("10.1.2.3/0", [192, 168, 1, 1], true),
        ("192.168.1.0/31", [192, 168, 1, 1], true),
        ("192.168.1.0/31", [192, 168, 1, 2], false),
        ("192.168.1.128/25", [192, 168, 1, 127], false),
        ("192.168.1.128/25", [192, 168, 1, 255], true),
        ("1.2.3.4/32", [1, 2, 3, 4], true),
        // IPv4-mapped IPv6 peers count as IPv4.
        ("127.0.0.1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1], true),
        ("::ffff:7f00:1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1], false),
        // IPv6.
        ("::1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], true),
        ("0:0:0:0:0:0:0:1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], true),
        ("fe80::/10", [0xFE, 0xBF, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9], true),
        ("fe80::/10", [0xFE, 0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], false),
        // The families never cross, even with /0.
        ("::/0", [127, 0, 0, 1], false),
        ("0.0.0.0/0", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], false),
        ("0.0.0.0/0", [1, 2, 3], false),
    ] as [(String, [UInt8], Bool)])
    func clientAddressMatchesCIDR(acl: String, client: [UInt8], expected: Bool) throws {
        let matcher = try #require(IPAddressMatcher(aclId: Array(acl.utf8)))
        #expect(matcher.matches(clientAddress: client) == expected)
    }

    /// Apache's matches(id, aclExpr) takes the session's id as text.
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.0/8", true),
        ("127.0.0.1", "127.0.0.1/33", false),
        ("0:0:0:0:0:0:0:1", "::1", true),
        ("0:0:0:0:0:0:0:1", "::1/127", true),
        ("0:0:0:0:0:0:0:2", "::1/127", false),
        ("0:0:0:0:0:0:0:1", "127.0.0.1", false),
        ("127.0.0.1/32", "127.0.0.1", false),
        ("fe80:0:0:0:0:0:0:1%2", "fe80::/10", false),
        ("junk", "0.0.0.0/0", false),
    ])
    func sessionIdMatchesACLExpression(sessionId: String, acl: String, expected: Bool) {
        #expect(IPAddressMatcher.matches(sessionId: Array(sessionId.utf8), aclExpr: Array(acl.utf8)) == expected)
    }

    @Test(arguments: [
        ([127, 0, 0, 1], "127.0.0.1"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 7], "10.0.0.7"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "0:0:0:0:0:0:0:1"),
        ([0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0xAB, 0xCD, 0x00, 0x0F], "2001:db8:0:0:0:0:abcd:f"),
        // IPv4-compatible (not mapped) stays IPv6, as in Java.
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 7], "0:0:0:0:0:0:a00:7"),
    ] as [([UInt8], String)])
    func hostAddressIsJavasGetHostAddressForm(address: [UInt8], expected: String) {
        #expect(IPAddressMatcher.hostAddress(address) == Array(expected.utf8))
    }

    @Test func hostAddressRejectsOtherLengths() {
        #expect(IPAddressMatcher.hostAddress([]) == nil)
        #expect(IPAddressMatcher.hostAddress([1, 2, 3, 4, 5]) == nil)
    }

    @Test func hostAddressParsesBackToTheSameBytes() throws {
        let address: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        let text = try #require(IPAddressMatcher.hostAddress(address))
        #expect(IPAddressMatcher.parseAddress(text) == address)
    }
}
