import Crypto
import ZKProtocol

/// Session passwords: the first 16 bytes of HMAC-SHA256(secret, session id).
///
/// The server keeps one random secret (in the dataDir once durability is
/// on), so a session's password can be checked again after a restart without
/// storing it, as Apache ZooKeeper can; unlike Apache's fixed-seed generator,
/// nobody can compute a password from a session id alone.
public enum SessionPassword {
    public static let length = 16

    public static func derive(secret: [UInt8], sessionID: SessionID) -> [UInt8] {
        var id = sessionID.raw.bigEndian
        let message = withUnsafeBytes(of: &id) { Array($0) }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return Array(Array(mac).prefix(length))
    }
}
