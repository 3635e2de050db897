import Crypto

/// The message digest behind `digest` ids, as named by the
/// `zookeeper.DigestAuthenticationProvider.digestAlg` property (default SHA1).
///
/// Apache passes the name to Java's `MessageDigest.getInstance`; these are the
/// algorithms we can compute with the names and aliases Java gives them.
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"
    case md5 = "MD5"

    /// The algorithm for a Java algorithm name (case-insensitive, with Java's
    /// aliases such as `SHA`, `SHA-1`, `SHA256`), or nil when we do not have it.
    public init?(javaName: String) {
        switch javaName.uppercased() {
        case "SHA", "SHA1", "SHA-1": self = .sha1
        case "SHA-256", "SHA256": self = .sha256
        case "SHA-384", "SHA384": self = .sha384
        case "SHA-512", "SHA512": self = .sha512
        case "MD5": self = .md5
        default: return nil
        }
    }

    func digest(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: bytes))
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        case .md5: Array(Insecure.MD5.hash(data: bytes))
        }
    }
}

/// The `digest` scheme's rules, as Apache's DigestAuthenticationProvider.
///
/// A client authenticates with `user:password`; its id is
/// `user:base64(SHA1("user:password"))`, and ACLs name that id.
public enum DigestAuth: Sendable {
    /// The id for auth data `user:password` (DigestAuthenticationProvider.generateDigest).
    ///
    /// The part before the first ':' is the user, and the digest covers the
    /// whole input. Apache requires no colon at all: `nocolon` gives
    /// `nocolon:` + base64(SHA1("nocolon")), and the empty input gives
    /// ":" + base64(SHA1("")). Apache decodes the auth bytes into a Java String
    /// first, so malformed UTF-8 is replaced by U+FFFD in both the user and
    /// the hashed bytes; we do the same, so the id is always valid UTF-8.
    public static func hash(userPassword: [UInt8], algorithm: DigestAlgorithm = .sha1) -> [UInt8] {
        let text = JavaText.utf8RoundTrip(userPassword)
        let user = text.firstIndex(of: UInt8(ascii: ":")).map { text[..<$0] } ?? text[...]
        return Array(user) + [UInt8(ascii: ":")] + base64(algorithm.digest(text))
    }

    /// Whether `id` may appear in a `digest` ACL (DigestAuthenticationProvider.isValid).
    ///
    /// Apache's only test is that Java's `id.split(":")` yields exactly two
    /// pieces. That split drops trailing empty pieces, so `u:h`, `:h`, `u:h:`
    /// and `u:h::` are valid, while `u`, `u:`, `u::h` and `u:h:x` are not. The
    /// hash part is not checked to be base64.
    public static func isValidId(_ id: [UInt8]) -> Bool {
        JavaText.split(id, on: [UInt8(ascii: ":")], limit: 0).count == 2
    }

    /// The user named by a `digest` id: the bytes before the first ':'
    /// (DigestAuthenticationProvider.getUserName), or the whole id without one.
    public static func userName(ofId id: [UInt8]) -> [UInt8] {
        Array(id.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with '=' padding, as DigestAuthenticationProvider.base64Encode.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let available = min(3, bytes.count - index)
            var value = UInt32(bytes[index]) << 16
            if available > 1 { value |= UInt32(bytes[index + 1]) << 8 }
            if available > 2 { value |= UInt32(bytes[index + 2]) }
            out.append(base64Alphabet[Int((value >> 18) & 0x3F)])
            out.append(base64Alphabet[Int((value >> 12) & 0x3F)])
            out.append(available > 1 ? base64Alphabet[Int((value >> 6) & 0x3F)] : UInt8(ascii: "="))
            out.append(available > 2 ? base64Alphabet[Int(value & 0x3F)] : UInt8(ascii: "="))
            index += available
        }
        return out
    }
}
