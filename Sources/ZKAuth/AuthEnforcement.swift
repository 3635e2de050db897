import ZKProtocol

/// Apache's `zookeeper.enforce.auth.enabled` / `zookeeper.enforce.auth.schemes`
/// (AuthenticationHelper): when enabled, a request other than auth (and
/// SASL) from a connection holding no id of an enforced scheme is refused.
///
/// The refusal is a ReplyHeader with the request's xid, zxid 0 and err
/// SESSIONCLOSEDREQUIRESASLAUTH (-124); then the connection is closed and
/// nothing more read from it. The session itself is not closed.
public struct AuthEnforcement: Sendable, Hashable {
    /// The schemes that count; empty when enforcement is off.
    public let schemes: [[UInt8]]

    /// A configuration mistake Apache refuses to start with.
    public enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Enforcement is on but no scheme is listed.
        case noSchemes
        /// A listed scheme has no provider on this server.
        case unknownScheme(String)
        /// `zookeeper.sessionRequireClientSASLAuth=true` needs SASL, which this server does not offer.
        case saslUnsupported

        /// What is wrong and how to fix it, naming the property.
        public var description: String {
            switch self {
            case .noSchemes:
                "zookeeper.enforce.auth.enabled is true, so zookeeper.enforce.auth.schemes must list at least one scheme, such as 'digest'"
            case .unknownScheme(let scheme):
                "zookeeper.enforce.auth.schemes: authentication scheme '\(scheme)' is not available; use 'digest' or 'ip'"
            case .saslUnsupported:
                "zookeeper.sessionRequireClientSASLAuth=true requires SASL authentication, which this server does not support; remove it or use zookeeper.enforce.auth.schemes=digest"
            }
        }
    }

    /// No enforcement (Apache's default).
    public static let disabled = AuthEnforcement(checkedSchemes: [])

    private init(checkedSchemes: [[UInt8]]) { self.schemes = checkedSchemes }

    /// Enforcement as configured. `schemesProperty` is the raw
    /// comma-separated value, split and trimmed as Java does (so a trailing
    /// comma is ignored but an empty entry in the middle is an unknown
    /// scheme). `requireClientSASLAuth` is `zookeeper.sessionRequireClientSASLAuth`.
    public init(
        enabled: Bool, schemesProperty: String?, requireClientSASLAuth: Bool = false,
        providers: AuthProviders = AuthProviders()
    ) throws(ConfigError) {
        if requireClientSASLAuth { throw .saslUnsupported }
        guard enabled else {
            self.init(checkedSchemes: [])
            return
        }
        let listed = schemesProperty.map { JavaText.split(Array($0.utf8), on: [UInt8(ascii: ",")], limit: 0) } ?? []
        let schemes = listed.map { Array(Self.javaTrim($0)) }
        guard !schemes.isEmpty else { throw .noSchemes }
        for scheme in schemes where providers.provider(forScheme: JuteBytes(scheme)) == nil {
            throw .unknownScheme(String(decoding: scheme, as: UTF8.self))
        }
        self.init(checkedSchemes: schemes)
    }

    /// Whether enforcement is on.
    public var isEnabled: Bool { !schemes.isEmpty }

    /// Whether a connection holding `authIds` may send ordinary requests.
    public func admits(authIds: [Id]) -> Bool {
        guard isEnabled else { return true }
        return authIds.contains { id in schemes.contains { $0 == id.scheme.bytes } }
    }

    /// Java's String.trim: strips chars <= U+0020 from both ends.
    private static func javaTrim(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first <= 0x20 { slice.removeFirst() }
        while let last = slice.last, last <= 0x20 { slice.removeLast() }
        return slice
    }
}
