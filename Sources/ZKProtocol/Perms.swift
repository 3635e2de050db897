/// ACL permission bits, as carried in ACL.perms (ZooDefs.Perms).
///
/// Any 32-bit value decodes; bits with no name are kept as they are.
public struct Perms: OptionSet, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let read = Perms(rawValue: 1 << 0)
    public static let write = Perms(rawValue: 1 << 1)
    public static let create = Perms(rawValue: 1 << 2)
    public static let delete = Perms(rawValue: 1 << 3)
    public static let admin = Perms(rawValue: 1 << 4)
    public static let all: Perms = [.read, .write, .create, .delete, .admin]
}

extension ZKError: Error {}

extension ACL {
    /// `world:anyone` with every permission (ZooDefs.Ids.OPEN_ACL_UNSAFE).
    public static let openACLUnsafe: [ACL] = [ACL(perms: .all, id: Id(scheme: "world", id: "anyone"))]
    /// `world:anyone` with read only (ZooDefs.Ids.READ_ACL_UNSAFE).
    public static let readACLUnsafe: [ACL] = [ACL(perms: .read, id: Id(scheme: "world", id: "anyone"))]
    /// `auth:` with every permission: the creator's authenticated ids (ZooDefs.Ids.CREATOR_ALL_ACL).
    public static let creatorAllACL: [ACL] = [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]
}

/// Reserved xids: the values a RequestHeader or ReplyHeader uses for traffic
/// that is not a numbered client request (ClientCnxn's constants).
public enum SpecialXid {
    /// A watch event sent by the server.
    public static let notification: Int32 = -1
    /// A ping and its reply.
    public static let ping: Int32 = -2
    /// An auth packet and its reply.
    public static let auth: Int32 = -4
    /// The SetWatches sent after a reconnect, and its reply.
    public static let setWatches: Int32 = -8
}
