import ZKProtocol

/// The ids a connection is authenticated as (Apache's ServerCnxn.authInfo).
///
/// Every connection starts with `ip:<its peer address>`; each successful auth
/// packet adds more. Ids are a set: adding one already held changes nothing.
/// `ids` lists them in the order Apache's ConcurrentHashMap-backed set
/// iterates, because that order reaches clients through whoAmI and through
/// the entries an `auth` ACL expands to.
///
/// Apache attaches a snapshot of this list to each request when it is read
/// off the socket, while an auth packet is handled at once on the I/O thread.
/// So requests read before an auth packet are checked without its ids even
/// if they run later, and the auth reply can overtake their replies.
public struct AuthInfo: Sendable, Hashable {
    /// The connection's peer address (4 or 16 bytes), used by `ip` auth.
    public let clientAddress: [UInt8]
    private var idSet = JavaConcurrentKeySet<Id>()

    /// A connection from `clientAddress` (4 or 16 bytes): holds the `ip` id
    /// in Java's `getHostAddress()` form (IPv4-mapped peers as IPv4).
    public init(clientAddress: [UInt8]) {
        self.clientAddress = clientAddress
        if let host = IPAddressMatcher.hostAddress(clientAddress) {
            add(Id(scheme: JuteBytes(AuthNames.ip), id: JuteBytes(host)))
        }
    }

    /// The ids, in Apache's iteration order.
    public var ids: [Id] { idSet.elements }

    /// Whether the connection holds `id`.
    public func contains(_ id: Id) -> Bool { idSet.contains(id) }

    /// Adds `id` (ServerCnxn.addAuthInfo); false if it was already held.
    @discardableResult
    public mutating func add(_ id: Id) -> Bool {
        idSet.insert(id, javaHashCode: Self.javaHashCode(id))
    }

    /// Handles an auth packet (ZooKeeperServer.processPacket, OpCode.auth):
    /// adds the ids the scheme grants and says what to send back.
    ///
    /// The packet's `type` field is ignored, as Apache ignores it.
    public mutating func processAuth(_ packet: AuthPacket, providers: AuthProviders) -> AuthReply {
        switch providers.processAuth(scheme: packet.scheme, auth: packet.auth, clientAddress: clientAddress) {
        case .success(let granted):
            for id in granted { add(id) }
            return .ok
        case .failure:
            return .authFailed
        }
    }

    /// The jute-generated `Id.hashCode()`: 37 * (37 * 17 + scheme.hashCode())
    /// + id.hashCode(), with Java's String.hashCode and null as 0.
    static func javaHashCode(_ id: Id) -> Int32 {
        let scheme = id.scheme.bytes.map(JavaText.hashCode) ?? 0
        let value = id.id.bytes.map(JavaText.hashCode) ?? 0
        return 37 &* (37 &* 17 &+ scheme) &+ value
    }
}

/// What the server sends for an auth packet (ZooKeeperServer.processPacket).
public enum AuthReply: Sendable, Hashable {
    /// Reply with a ReplyHeader of the packet's xid (-4), zxid 0, err 0.
    case ok
    /// Reply with a ReplyHeader of the packet's xid (-4), zxid 0, err
    /// AUTHFAILED (-115); then close the connection once that reply is
    /// flushed and read nothing more from it.
    ///
    /// Apache does not close the session: it stays until it expires (or a
    /// client reconnects to it). No watch event is sent; the Java client
    /// turns the reply into its own AuthFailed state and event, which is
    /// terminal for that client handle.
    case authFailed

    /// The `err` of the reply header.
    public var error: ZKError {
        switch self {
        case .ok: .ok
        case .authFailed: .authFailed
        }
    }

    /// Whether the shell must close the connection after sending the reply.
    public var closesConnection: Bool { self == .authFailed }
}
