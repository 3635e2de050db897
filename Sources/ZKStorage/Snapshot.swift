import ZKDataTree
import ZKProtocol

/// The content of a snapshot file: sessions, the tree and the trailers.
public struct Snapshot: Sendable {
    /// The zxid in the file name: the last transaction applied when the
    /// snapshot was started. Recovery replays the log after it.
    public var zxid: Zxid
    /// The header as found ("ZKSN", version 2, dbid -1 from Apache).
    public var fileHeader: FileHeader
    /// Session id → timeout in milliseconds.
    public var sessions: [SessionID: Int32]
    /// The tree; its `lastProcessedZxid` is `zxid`.
    public var tree: DataTree
    /// Nodes whose ACL id the snapshot's ACL map lacks (a fuzzy snapshot by
    /// Apache). They hold `SnapshotReader.unresolvedACL` until recovery
    /// replays their create.
    public var unresolvedACLPaths: Set<[UInt8]> = []
    /// The ZxidDigest trailer (3.6+, `zookeeper.digest.enabled`), if present.
    public var digest: SnapshotDigest?
    /// The lastProcessedZxid trailer (3.9+,
    /// `zookeeper.serializeLastProcessedZxid.enabled`), if present.
    public var lastProcessedZxid: Zxid?

    /// A snapshot from its parts.
    public init(zxid: Zxid, fileHeader: FileHeader, sessions: [SessionID: Int32], tree: DataTree,
                digest: SnapshotDigest? = nil, lastProcessedZxid: Zxid? = nil) {
        self.zxid = zxid
        self.fileHeader = fileHeader
        self.sessions = sessions
        self.tree = tree
        self.digest = digest
        self.lastProcessedZxid = lastProcessedZxid
    }
}

/// Apache's DataTree.ZxidDigest: the tree digest as of transaction `zxid`.
/// A fuzzy snapshot's digest can be for a zxid after the file name's;
/// zxid 0 means "no digest" (Apache writes that when it has none).
public struct SnapshotDigest: Hashable, Sendable {
    /// The transaction the digest is for; 0 for none.
    public var zxid: Zxid
    /// DigestCalculator's version (2 since 3.6).
    public var version: Int32
    /// The tree digest (see `TreeDigest`).
    public var digest: Int64

    /// A digest for `zxid`.
    public init(zxid: Zxid, version: Int32 = TreeDigest.version, digest: Int64) {
        self.zxid = zxid
        self.version = version
        self.digest = digest
    }
}

/// How snapshots are written.
public struct SnapshotOptions: Sendable {
    /// Write the ZxidDigest trailer (`zookeeper.digest.enabled`, default true).
    public var digestEnabled: Bool
    /// Write the lastProcessedZxid trailer, as Apache 3.9 does by default
    /// (`zookeeper.serializeLastProcessedZxid.enabled`). 3.8 ignores it.
    public var serializeLastProcessedZxid: Bool
    /// fsync the file before it is renamed into place.
    public var fsync: Bool

    /// Apache 3.9's defaults: both trailers, fsync.
    public init(digestEnabled: Bool = true, serializeLastProcessedZxid: Bool = true, fsync: Bool = true) {
        self.digestEnabled = digestEnabled
        self.serializeLastProcessedZxid = serializeLastProcessedZxid
        self.fsync = fsync
    }
}
