import ZKProtocol

/// How the leader brings one learner up to date.
public enum SyncMethod: String, Hashable, Sendable {
    /// DIFF: the learner's history is a prefix of ours; send what follows.
    case diff
    /// TRUNC: the learner has transactions past ours in the same epoch; it
    /// cuts its log back, then takes what follows.
    case trunc
    /// SNAP: send the whole tree.
    case snap
}

/// The leader's choice for one learner and the packets it implies, as
/// Apache's `LearnerHandler.syncFollower` and `queueCommittedProposals`
/// decide them (reference §2.4).
public struct SyncPlan: Hashable, Sendable {
    /// DIFF, TRUNC or SNAP.
    public var method: SyncMethod
    /// The zxid the DIFF, TRUNC or SNAP packet carries: for DIFF the
    /// window's max (or the learner's own zxid when it is already in sync),
    /// for TRUNC where to cut, for SNAP the leader's lastProcessedZxid.
    public var zxid: Int64
    /// Committed proposals to send after the op packet, each as PROPOSAL
    /// then COMMIT.
    public var proposals: [ProposalPayload]
    /// The last zxid queued to the learner once this plan is sent (Apache's
    /// `currentZxid` handed to `startForwarding`): the broadcast phase
    /// forwards everything after it.
    public var lastQueuedZxid: Int64

    /// Creates a plan.
    public init(method: SyncMethod, zxid: Int64, proposals: [ProposalPayload] = [], lastQueuedZxid: Int64) {
        self.method = method
        self.zxid = zxid
        self.proposals = proposals
        self.lastQueuedZxid = lastQueuedZxid
    }

    /// The plan for a learner whose last logged zxid is `peerLastZxid`.
    ///
    /// One deliberate difference from Apache: when the learner is past the
    /// window's end (`p > max`), Apache sends TRUNC(max) whatever the
    /// epochs; here a TRUNC never crosses an epoch there either, and the
    /// learner gets a SNAP, as Apache already does inside the window.
    public static func choose(peerLastZxid: Int64, window: SyncWindow, forceSnapshot: Bool = false) -> SyncPlan {
        choose(peerLastZxid: peerLastZxid, window: window, forceSnapshot: forceSnapshot, plantedBug: nil)
    }

    static func choose(peerLastZxid p: Int64, window: SyncWindow, forceSnapshot: Bool, plantedBug: PlantedSyncBug?) -> SyncPlan {
        let last = window.lastProcessedZxid
        let snap = SyncPlan(method: .snap, zxid: last, lastQueuedZxid: last)
        let minZxid = window.minZxid
        let maxZxid = window.maxZxid
        let peerAtNewEpoch = ZxidMath.counter(of: p) == 0
        if forceSnapshot { return snap }
        if p == last {
            return SyncPlan(method: .diff, zxid: p, lastQueuedZxid: p)
        }
        if p > maxZxid, !peerAtNewEpoch {
            guard ZxidMath.epoch(of: p) == ZxidMath.epoch(of: maxZxid) else { return snap }
            return SyncPlan(method: .trunc, zxid: maxZxid, lastQueuedZxid: maxZxid)
        }
        guard minZxid <= p, p <= maxZxid else {
            // Before the window: the shell puts the on-disk log slice in the
            // window when it has one, so here only a snapshot will do.
            return snap
        }
        var op: (SyncMethod, Int64)?
        var previous: Int64?
        var queued = p
        var proposals: [ProposalPayload] = []
        for proposal in window.proposals {
            let zxid = proposal.header.zxid
            if zxid < p {
                previous = zxid
                continue
            }
            if op == nil {
                if zxid == p {
                    op = (.diff, maxZxid)
                    continue
                }
                if peerAtNewEpoch {
                    op = (.diff, maxZxid)
                } else {
                    // The learner has transactions we lack: cut back to the
                    // last one we share, but never across an epoch.
                    if ZxidMath.epoch(of: zxid) != ZxidMath.epoch(of: p) {
                        guard plantedBug == .leaderDiffsAcrossEpoch else { return snap }
                        op = (.diff, maxZxid)
                    } else {
                        guard let previous else { return snap }
                        op = (.trunc, previous)
                    }
                }
            }
            guard zxid > queued else { continue }
            proposals.append(proposal)
            queued = zxid
        }
        if op == nil, peerAtNewEpoch { op = (.diff, maxZxid) }
        guard let op else { return snap }
        return SyncPlan(method: op.0, zxid: op.1, proposals: proposals, lastQueuedZxid: queued)
    }
}

/// Bugs planted on purpose so the random tests can show they catch them.
/// Never set outside tests.
enum PlantedSyncBug: Hashable, Sendable, CaseIterable {
    /// Learner: ACK NEWLEADER before the synced transactions are durable.
    case learnerAcksNewLeaderBeforeFsync
    /// Learner: write currentEpoch before the synced transactions (ZOOKEEPER-4643).
    case learnerWritesEpochBeforeTxns
    /// Leader: queue NEWLEADER before the DIFF/TRUNC data (ZOOKEEPER-3104).
    case leaderSendsNewLeaderBeforeData
    /// Leader: DIFF a learner whose tail diverges in an older epoch instead
    /// of sending a snapshot, so the tail survives.
    case leaderDiffsAcrossEpoch
}
