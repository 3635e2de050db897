import ZKProtocol

/// The authentication schemes a server offers, as Apache's ProviderRegistry
/// holds them, with their settings.
///
/// Apache registers `ip` always and `digest` unless
/// `zookeeper.DigestAuthenticationProvider.enabled` is false. There is no
/// `world`, `auth` or `super` provider: `world:anyone` and `auth` are handled
/// inside fixupACL and checkACL, and `super` is only ever granted by digest
/// auth against the superDigest. `sasl` is registered when an
/// `authProvider.N` names the SASL provider. X.509 and custom provider
/// classes are not supported.
public struct AuthProviders: Sendable, Hashable {
    /// `zookeeper.DigestAuthenticationProvider.enabled` (default true).
    public var digestEnabled: Bool
    /// `zookeeper.DigestAuthenticationProvider.digestAlg` (default SHA1).
    public var digestAlgorithm: DigestAlgorithm
    /// `zookeeper.DigestAuthenticationProvider.superDigest`: a digest id such
    /// as `super:lK75jTNcA+U9vtVEw5vB51mj/w4=`. A session whose digest auth
    /// produces exactly this id also gets `super:` (ACLs no longer apply).
    public var superDigest: [UInt8]?
    /// The `sasl` scheme, when registered.
    public var sasl: SASLAuthProvider?

    /// Apache's defaults: `ip` and `digest` with SHA1, no super user.
    public init(digestEnabled: Bool = true, digestAlgorithm: DigestAlgorithm = .sha1, superDigest: [UInt8]? = nil,
                sasl: SASLAuthProvider? = nil) {
        self.digestEnabled = digestEnabled
        self.digestAlgorithm = digestAlgorithm
        self.superDigest = superDigest
        self.sasl = sasl
    }

    /// The registered provider for `scheme`, or nil (ProviderRegistry.getProvider).
    public func provider(forScheme scheme: JuteBytes) -> AuthProvider? {
        switch scheme.bytes {
        case AuthNames.ip?: .ip
        case AuthNames.digest? where digestEnabled: .digest
        case Array(SASLAuthProvider.scheme.utf8)?: sasl.map { .sasl($0) }
        default: nil
        }
    }

    /// The ids an auth packet adds to the session, or `.authFailed`
    /// (ZooKeeperServer.processPacket for OpCode.auth).
    ///
    /// - `digest`: the digest id of the auth data, preceded by `super:` when
    ///   that id equals `superDigest`. Any data is accepted, even without a
    ///   colon; only null data fails (Apache's provider throws on it).
    /// - `ip`: the connection's own `ip` id again; the data is ignored.
    /// - anything else, including a null scheme: `.authFailed`.
    ///
    /// `clientAddress` is the connection's peer address (4 or 16 bytes).
    public func processAuth(scheme: JuteBytes, auth: JuteBytes, clientAddress: [UInt8]) -> Result<[Id], ZKError> {
        switch provider(forScheme: scheme) {
        case .digest?:
            guard let data = auth.bytes else { return .failure(.authFailed) }
            let digestId = DigestAuth.hash(userPassword: data, algorithm: digestAlgorithm)
            let id = Id(scheme: JuteBytes(AuthNames.digest), id: JuteBytes(digestId))
            if let superDigest, superDigest == digestId {
                return .success([Id(scheme: JuteBytes(AuthNames.superScheme), id: JuteBytes([])), id])
            }
            return .success([id])
        case .ip?:
            guard let host = IPAddressMatcher.hostAddress(clientAddress) else { return .failure(.authFailed) }
            return .success([Id(scheme: JuteBytes(AuthNames.ip), id: JuteBytes(host))])
        case .sasl?, nil:
            // SASL runs over its own opcode; as an auth packet it always fails.
            return .failure(.authFailed)
        }
    }
}

/// A registered authentication scheme and its rules (Apache's
/// AuthenticationProvider implementations).
public enum AuthProvider: Sendable, Hashable {
    /// DigestAuthenticationProvider.
    case digest
    /// IPAuthenticationProvider.
    case ip
    /// SASLAuthenticationProvider.
    case sasl(SASLAuthProvider)

    /// Whether ids of this scheme stand for an authenticated identity, and so
    /// are what an `auth` ACL expands to. `digest` is; `ip` is not.
    public var isAuthenticated: Bool {
        switch self {
        case .digest: true
        case .ip: false
        case .sasl(let provider): provider.isAuthenticated
        }
    }

    /// Whether `id` is acceptable in an ACL of this scheme.
    public func isValid(aclId id: [UInt8]) -> Bool {
        switch self {
        case .digest: DigestAuth.isValidId(id)
        case .ip: IPAddressMatcher.isValid(aclId: id)
        case .sasl(let provider): provider.isValid(aclId: id)
        }
    }

    /// Whether a session id of this scheme satisfies an ACL id of this scheme:
    /// exact equality for `digest`, the address inside the network for `ip`.
    public func matches(sessionId: [UInt8], aclId: [UInt8]) -> Bool {
        switch self {
        case .digest: sessionId == aclId
        case .ip: IPAddressMatcher.matches(sessionId: sessionId, aclExpr: aclId)
        case .sasl(let provider): provider.matches(sessionId: sessionId, aclId: aclId)
        }
    }

    /// The user name whoAmI reports for a session id of this scheme
    /// (AuthenticationProvider.getUserName).
    public func userName(ofId id: [UInt8]) -> [UInt8] {
        switch self {
        case .digest: DigestAuth.userName(ofId: id)
        case .ip, .sasl: id
        }
    }
}
