/// The bounds of Zab's discovery and synchronisation machines. Each one is
/// enforced where the thing it bounds grows; going past it is an error the
/// machine reports, never a silent drop.
public struct SyncLimits: Hashable, Sendable {
    /// Most learner connections one leadership attempt holds at once,
    /// counted in connections. Apache has no bound; an ensemble has at most a
    /// few dozen members, so a stranger opening connections in a loop is
    /// refused past this.
    public var maxLearnerConnections: Int
    /// Most committed proposals a sync window may hold, in proposals
    /// (Apache keeps `zookeeper.commitLogCount` = 500 in memory; the on-disk
    /// log may add more, bounded by `snapshotSizeFactor`).
    public var maxWindowProposals: Int
    /// Most PROPOSAL/COMMIT/INFORM packets a learner holds between the sync
    /// op (DIFF/TRUNC/SNAP) and UPTODATE, in packets: the sync data itself
    /// plus the live proposals the leader forwards meanwhile.
    public var maxPacketsBufferedDuringSync: Int

    /// Defaults sized from Apache's: a window of 500 in memory plus a disk
    /// slice, and twice that buffered on a learner (PROPOSAL and COMMIT per
    /// transaction).
    public static let defaults = SyncLimits(
        maxLearnerConnections: 256,
        maxWindowProposals: 100_000,
        maxPacketsBufferedDuringSync: 250_000
    )

    /// Creates limits.
    public init(maxLearnerConnections: Int, maxWindowProposals: Int, maxPacketsBufferedDuringSync: Int) {
        self.maxLearnerConnections = maxLearnerConnections
        self.maxWindowProposals = maxWindowProposals
        self.maxPacketsBufferedDuringSync = maxPacketsBufferedDuringSync
    }
}
