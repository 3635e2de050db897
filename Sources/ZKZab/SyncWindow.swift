import ZKProtocol

/// The leader's committed history it can sync learners from: the last
/// committed proposals in zxid order (Apache's in-memory committedLog, with
/// the on-disk log slice in front of it when the shell reads one) and the
/// leader's lastProcessedZxid.
///
/// The proposals must be contiguous: each zxid is the one before plus one,
/// or the first of a later epoch (counter 1). A hole would let a DIFF skip a
/// transaction the learner then never gets, which is how ZOOKEEPER-4925 lost
/// data, so a window with one is refused rather than repaired.
public struct SyncWindow: Hashable, Sendable {
    /// The committed proposals, oldest first.
    public let proposals: [ProposalPayload]
    /// The leader's last processed zxid (`L` in the reference).
    public let lastProcessedZxid: Int64

    /// Why a window was refused.
    public enum Problem: Error, Hashable, Sendable {
        /// `zxid` does not follow `previous`.
        case hole(previous: Int64, zxid: Int64)
        /// The last proposal is not the leader's lastProcessedZxid, so the
        /// window would not say what lies between them.
        case endsBeforeLastProcessed(maxZxid: Int64, lastProcessedZxid: Int64)
        /// More proposals than `SyncLimits.maxWindowProposals`.
        case tooManyProposals(count: Int, limit: Int)
    }

    /// Checks and makes a window. An empty window is Apache's empty
    /// committedLog: min = max = lastProcessedZxid.
    public init(proposals: [ProposalPayload], lastProcessedZxid: Int64, limits: SyncLimits = .defaults) throws(Problem) {
        guard proposals.count <= limits.maxWindowProposals else {
            throw .tooManyProposals(count: proposals.count, limit: limits.maxWindowProposals)
        }
        var previous: Int64?
        for proposal in proposals {
            let zxid = proposal.header.zxid
            if let previous, !SyncWindow.follows(zxid, previous) {
                throw .hole(previous: previous, zxid: zxid)
            }
            previous = zxid
        }
        if let last = previous, last != lastProcessedZxid {
            throw .endsBeforeLastProcessed(maxZxid: last, lastProcessedZxid: lastProcessedZxid)
        }
        self.proposals = proposals
        self.lastProcessedZxid = lastProcessedZxid
    }

    /// The oldest zxid the window covers (`minCommittedLog`).
    public var minZxid: Int64 { proposals.first?.header.zxid ?? lastProcessedZxid }
    /// The newest zxid the window covers (`maxCommittedLog`).
    public var maxZxid: Int64 { proposals.last?.header.zxid ?? lastProcessedZxid }

    /// Whether `zxid` may come right after `previous` in one history: the
    /// next counter of the same epoch, or the first of a later epoch.
    public static func follows(_ zxid: Int64, _ previous: Int64) -> Bool {
        if zxid == previous + 1, ZxidMath.epoch(of: zxid) == ZxidMath.epoch(of: previous) { return true }
        return ZxidMath.epoch(of: zxid) > ZxidMath.epoch(of: previous) && ZxidMath.counter(of: zxid) == 1
    }
}
