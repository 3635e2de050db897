import ZKProtocol

/// Something a learner must make durable, in order, each one before the
/// next begins.
public enum LearnerPersist: Hashable, Sendable {
    /// An epoch file, written atomically.
    case epoch(EpochWrite)
    /// The data tree loaded from the leader's SNAP, written as a snapshot at
    /// `zxid` (Apache takes it at NEWLEADER).
    case snapshot(zxid: Int64)
    /// Append these transactions to the log and fsync.
    case txns([ProposalPayload])
}

/// The learner is in sync and serves: the broadcast phase takes over.
public struct LearnerServing: Hashable, Sendable {
    /// The epoch it follows.
    public var epoch: Int64
    /// The last zxid durable in its log (or snapshot).
    public var lastLoggedZxid: Int64
    /// Proposals received during sync and not yet logged, oldest first: the
    /// broadcast phase logs them and ACKs each after its fsync.
    public var pendingProposals: [ProposalPayload]
    /// Which of those the leader has already committed, in order.
    public var committedZxids: [Int64]

    /// Creates a decision.
    public init(epoch: Int64, lastLoggedZxid: Int64, pendingProposals: [ProposalPayload], committedZxids: [Int64]) {
        self.epoch = epoch
        self.lastLoggedZxid = lastLoggedZxid
        self.pendingProposals = pendingProposals
        self.committedZxids = committedZxids
    }
}

/// Why a learner gave up on this leader.
public enum LearnerSyncError: Hashable, Sendable {
    /// LEADERINFO offered an epoch below the one we accepted.
    case leaderEpochBehind(offered: Int64, accepted: Int64)
    /// A packet this phase does not expect.
    case unexpectedPacket(type: Int32)
    /// A packet's data could not be read.
    case malformedPacket(reason: String)
    /// A PROPOSAL's zxid does not follow the one before within its epoch
    /// (Apache 3.9.4's enforceContinuousProposal).
    case proposalNotContiguous(previous: Int64, zxid: Int64)
    /// A COMMIT for a zxid we hold no proposal for.
    case commitWithoutProposal(zxid: Int64)
    /// NEWLEADER for another epoch than LEADERINFO's.
    case newLeaderEpochMismatch(expected: Int64, got: Int64)
    /// More packets than `SyncLimits.maxPacketsBufferedDuringSync`.
    case tooManyPacketsDuringSync(limit: Int)
    /// The leader said nothing for the allowed ticks.
    case timedOut
    /// The connection closed.
    case disconnected
}

/// How a learner's attempt ended badly.
public struct LearnerSyncFailure: Hashable, Sendable {
    /// Why.
    public var error: LearnerSyncError
    /// True when the in-memory tree holds a SNAP that was never written: the
    /// shell must throw the tree away and reload from disk before it syncs
    /// again, or the next DIFF would build on data that is not durable
    /// (ZOOKEEPER-3642).
    public var discardInMemoryTree: Bool

    /// Creates a failure.
    public init(error: LearnerSyncError, discardInMemoryTree: Bool) {
        self.error = error
        self.discardInMemoryTree = discardInMemoryTree
    }
}

/// What the shell must do after feeding `LearnerSync` its inputs, in this
/// order: truncate the log, load the snapshot stream, make `persist` durable
/// (in order), send the messages, act on `serving` or `failure`, then call
/// `LearnerSync.advance(_:)`.
public struct LearnerSyncReady: Hashable, Sendable {
    /// Cut the log back so that `zxid` is its last transaction (TRUNC).
    public var truncate: Int64?
    /// Read the snapshot stream that follows the SNAP packet off the
    /// connection into a fresh in-memory tree; its last zxid is this.
    public var loadSnapshot: Int64?
    /// Things to make durable, in order.
    public var persist: [LearnerPersist] = []
    /// Packets for the leader, in order.
    public var messages: [QuorumPacket] = []
    /// Set once, at UPTODATE.
    public var serving: LearnerServing?
    /// Set once, when the attempt fails; close the connection.
    public var failure: LearnerSyncFailure?

    /// An empty value.
    public init() {}

    /// True when there is nothing to do.
    public var isEmpty: Bool {
        truncate == nil && loadSnapshot == nil && persist.isEmpty && messages.isEmpty && serving == nil && failure == nil
    }
}
