import ZKProtocol

/// One znode: its data, ACL, persisted stat and children.
public struct DataNode: Sendable {
    /// The data; null (created without data) is kept apart from empty, as
    /// Apache keeps a null byte array.
    public var data: JuteBytes
    public var acl: [ACL]
    public var stat: StatPersisted
    /// The children's full paths. The tree puts the same arrays here as
    /// it uses for the children's keys, so a child costs a set slot, not a
    /// second copy of its name.
    public var childPaths: Set<ZNodeKey>

    public init(data: JuteBytes, acl: [ACL], stat: StatPersisted, childPaths: Set<ZNodeKey> = []) {
        self.data = data
        self.acl = acl
        self.stat = stat
        self.childPaths = childPaths
    }

    /// The number of children.
    public var childCount: Int { childPaths.count }

    /// The client-facing Stat, as Apache's DataNode.copyStat makes it.
    ///
    /// - The stored cversion counts child creations; clients see every child
    ///   change, creations plus deletions: stored × 2 − children still there.
    /// - Containers and TTL nodes show ephemeralOwner 0.
    public var clientStat: Stat {
        let owner = stat.ephemeralOwner
        let special = owner == EphemeralType.containerOwner
            || (owner & EphemeralType.extendedMask == EphemeralType.extendedMask && owner & EphemeralType.reservedMask == 0)
        return Stat(
            czxid: stat.czxid, mzxid: stat.mzxid, ctime: stat.ctime, mtime: stat.mtime,
            version: stat.version, cversion: stat.cversion &* 2 &- Int32(clamping: childPaths.count), aversion: stat.aversion,
            ephemeralOwner: special ? 0 : owner, dataLength: Int32(clamping: data.count),
            numChildren: Int32(clamping: childPaths.count), pzxid: stat.pzxid)
    }
}

extension StatPersisted {
    /// The stat of a node created by transaction `zxid` at `time`.
    public static func created(zxid: Int64, time: Int64, ephemeralOwner: Int64) -> StatPersisted {
        StatPersisted(
            czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0,
            aversion: 0, ephemeralOwner: ephemeralOwner, pzxid: zxid)
    }

    /// All zeros: the stat of the nodes the server creates itself.
    public static let zero = StatPersisted(
        czxid: 0, mzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0,
        ephemeralOwner: 0, pzxid: 0)
}
