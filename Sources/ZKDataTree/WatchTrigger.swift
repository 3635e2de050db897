import ZKProtocol

/// A change that may fire watches, produced when the tree applies a
/// transaction. The watch manager (ZKServerCore) turns it into events.
public struct WatchTrigger: Equatable, Sendable {
    public var path: [UInt8]
    public var type: EventType
    /// The ACL of the node the event is about: watchers without READ on it
    /// are not told.
    public var acl: [ACL]
    /// The zxid of the transaction that made the change.
    public var zxid: Int64
    /// Fire data watches (getData/exists and persistent ones).
    public var data: Bool
    /// Fire child watches (getChildren and persistent ones).
    public var child: Bool

    public init(path: [UInt8], type: EventType, acl: [ACL], zxid: Int64, data: Bool, child: Bool) {
        self.path = path
        self.type = type
        self.acl = acl
        self.zxid = zxid
        self.data = data
        self.child = child
    }
}
