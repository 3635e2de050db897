import ZKProtocol

/// The `sasl` scheme's ACL rules (Apache's SASLAuthenticationProvider),
/// registered when a `zookeeper.authProvider.N` system property, or an
/// `authProvider.N` line of zoo.cfg, names
/// `org.apache.zookeeper.server.auth.SASLAuthenticationProvider`.
///
/// Without it `sasl` ACLs are InvalidACL, and an auth packet (opcode 100)
/// with scheme `sasl` fails either way: the provider's handleAuthentication
/// always answers AUTHFAILED, since SASL runs over opcode 102 instead.
public struct SASLAuthProvider: Sendable, Hashable {
    /// The scheme name.
    public static let scheme = "sasl"

    /// `zookeeper.letAnySaslUserDoX`: an ACL id equal to it is matched by
    /// every `sasl` session id.
    public var letAnySaslUserDoX: String?
    /// The values of `zookeeper.superUser` and of every
    /// `zookeeper.superUser.<suffix>` property: a SASL id equal to one also
    /// gets `super:` (ACLs no longer apply).
    public var superUsers: [String]

    /// Apache's defaults: neither property set.
    public init(letAnySaslUserDoX: String? = nil, superUsers: [String] = []) {
        self.letAnySaslUserDoX = letAnySaslUserDoX
        self.superUsers = superUsers
    }

    /// Reads `zookeeper.letAnySaslUserDoX` and the `zookeeper.superUser`
    /// family from Java system properties (ZooKeeperServer.isSaslSuperUser
    /// takes the exact key and any key continuing with a '.').
    public init(systemProperties: [String: String]) {
        let prefix = "zookeeper.superUser"
        self.init(
            letAnySaslUserDoX: systemProperties["zookeeper.letAnySaslUserDoX"],
            superUsers: systemProperties.filter { key, _ in
                key == prefix || key.utf16.starts(with: (prefix + ".").utf16)
            }.keys.sorted().compactMap { systemProperties[$0] }
        )
    }

    /// `sasl` ids stand for an authenticated identity, so an `auth` ACL
    /// expands to them.
    public var isAuthenticated: Bool { true }

    /// Whether `id` may appear in a `sasl` ACL: anything without `@`, or a
    /// Kerberos principal `service[/host]@realm` (KerberosName's pattern;
    /// any other name with `@`, such as `a@b@c`, is refused).
    public func isValid(aclId id: [UInt8]) -> Bool {
        // '@' and '/' are ASCII, so the bytes split as the decoded String.
        let at = UInt8(ascii: "@"), slash = UInt8(ascii: "/")
        guard let atIndex = id.firstIndex(of: at) else { return true }
        let realm = id[(atIndex + 1)...]
        return !realm.contains(at) && !realm.contains(slash) && id[..<atIndex].count(where: { $0 == slash }) <= 1
    }

    /// Whether a session's `sasl` id satisfies a `sasl` ACL id: the same
    /// name, or the session is the user `super`, or the ACL id is
    /// `letAnySaslUserDoX`. Compared as Java Strings.
    public func matches(sessionId: [UInt8], aclId: [UInt8]) -> Bool {
        let session = JavaText.utf16(sessionId), acl = JavaText.utf16(aclId)
        if session == Array("super".utf16) || session == acl { return true }
        guard let letAnySaslUserDoX else { return false }
        return acl == Array(letAnySaslUserDoX.utf16)
    }

    /// The ids a completed SASL exchange adds to the connection, in the
    /// order ZooKeeperServer.processSasl adds them: `sasl:<id>`, then
    /// `super:` when `authorizationID` is a super user.
    public func grantedIds(authorizationID: String) -> [Id] {
        var ids = [Id(scheme: JuteBytes(Self.scheme), id: JuteBytes(authorizationID))]
        let units = Array(authorizationID.utf16)
        if !units.isEmpty, superUsers.contains(where: { Array($0.utf16) == units }) {
            ids.append(Id(scheme: JuteBytes("super"), id: JuteBytes("")))
        }
        return ids
    }
}
