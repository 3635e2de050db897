import ZKProtocol

/// The shell's id for one learner connection to the leader. It is given as
/// connections are accepted and never reused during a leadership attempt;
/// the learner's server id is only known once its FOLLOWERINFO arrives.
public struct LearnerLink: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The shell's number for the connection.
    public var raw: UInt64
    /// The link numbered `raw`.
    public init(raw: UInt64) { self.raw = raw }
    public static func < (lhs: LearnerLink, rhs: LearnerLink) -> Bool { lhs.raw < rhs.raw }
    /// "link 3".
    public var description: String { "link \(raw)" }
}

/// One thing to write to a learner, in order.
public enum LeaderSyncSend: Hashable, Sendable {
    /// A packet as it is.
    case packet(QuorumPacket)
    /// SNAP with `zxid`, then the tree serialised as Apache's snapshot
    /// stream and the "BenWasHere" signature: the shell writes all three
    /// from its data tree at this point of the stream.
    case snapshot(zxid: Int64)
}

/// Something for one learner connection.
public struct LeaderSyncMessage: Hashable, Sendable {
    /// The connection.
    public var to: LearnerLink
    /// What to write.
    public var send: LeaderSyncSend

    /// Creates a message.
    public init(to: LearnerLink, send: LeaderSyncSend) {
        self.to = to
        self.send = send
    }
}

/// An epoch file to write atomically (temporary file, fsync, rename).
public enum EpochWrite: Hashable, Sendable {
    /// The `acceptedEpoch` file.
    case acceptedEpoch(Int64)
    /// The `currentEpoch` file.
    case currentEpoch(Int64)
}

/// A learner the leader has brought up to date: it acknowledged NEWLEADER.
public struct SyncedLearner: Hashable, Sendable {
    /// Its connection.
    public var link: LearnerLink
    /// Its server id.
    public var sid: Int64
    /// Whether it is an observer.
    public var isObserver: Bool
    /// How it was synced.
    public var method: SyncMethod
    /// The last zxid queued to it; the broadcast phase forwards from here.
    public var lastQueuedZxid: Int64

    /// Creates a record.
    public init(link: LearnerLink, sid: Int64, isObserver: Bool, method: SyncMethod, lastQueuedZxid: Int64) {
        self.link = link
        self.sid = sid
        self.isObserver = isObserver
        self.method = method
        self.lastQueuedZxid = lastQueuedZxid
    }
}

/// The leadership attempt succeeded: a quorum acknowledged NEWLEADER.
public struct LeaderEstablished: Hashable, Sendable {
    /// The new epoch; the leader's zxids start at `epoch << 32`.
    public var epoch: Int64
    /// The learners synced so far (voters of the quorum and any others).
    public var learners: [SyncedLearner]

    /// Creates a decision.
    public init(epoch: Int64, learners: [SyncedLearner]) {
        self.epoch = epoch
        self.learners = learners
    }
}

/// What went wrong, for one learner or for the whole attempt.
public enum LeaderSyncError: Hashable, Sendable {
    /// The learner's first packet was not FOLLOWERINFO/OBSERVERINFO, or a
    /// later one was not the packet its phase expects.
    case unexpectedPacket(LearnerLink, type: Int32)
    /// The packet's data could not be read.
    case malformedPacket(LearnerLink, reason: String)
    /// The learner's configuration version is newer than ours.
    case learnerConfigAhead(LearnerLink, sid: Int64)
    /// Another connection already speaks for this server id.
    case duplicateServer(LearnerLink, sid: Int64)
    /// More connections than `SyncLimits.maxLearnerConnections`.
    case tooManyLearners(LearnerLink, limit: Int)
    /// The learner's (currentEpoch, lastZxid) is newer than the leader's:
    /// it must not follow us (Apache's "Follower is ahead of the leader").
    case learnerAhead(LearnerLink, sid: Int64, currentEpoch: Int64, lastZxid: Int64)
    /// A NEWLEADER ACK carried another zxid than `newEpoch << 32`.
    case wrongNewLeaderAck(LearnerLink, zxid: Int64)
    /// A learner made no progress for `initLimit` ticks.
    case learnerTimedOut(LearnerLink)
    /// No quorum reached the named phase within `initLimit` ticks: this
    /// leadership attempt is over; go back to election.
    case attemptTimedOut(phase: String)
}

/// What the shell must do after feeding `LeaderSync` its inputs, in this
/// order: write the epoch files (each durable before the next), then write
/// the messages (per link in order), close the links, act on the decision,
/// then call `LeaderSync.advance(_:)`.
public struct LeaderSyncReady: Hashable, Sendable {
    /// Epoch files to write, in order.
    public var persist: [EpochWrite] = []
    /// Packets and snapshot streams for learners, in order per link. Per
    /// learner at most LEADERINFO, the op packet, a PROPOSAL and a COMMIT
    /// per window proposal, NEWLEADER and UPTODATE, so the window's limit
    /// and `maxLearnerConnections` bound it.
    public var messages: [LeaderSyncMessage] = []
    /// Connections to close; nothing more is sent on them.
    public var disconnect: [LearnerLink] = []
    /// Set once, when a quorum acknowledged NEWLEADER.
    public var established: LeaderEstablished?
    /// Learners brought up to date after `established` was reported.
    public var synced: [SyncedLearner] = []
    /// Problems to log; those naming a link come with its disconnect.
    public var errors: [LeaderSyncError] = []
    /// Set when the attempt has failed: stop leading and go back to election.
    public var abandoned: Bool = false

    /// An empty value.
    public init() {}

    /// True when there is nothing to do.
    public var isEmpty: Bool {
        persist.isEmpty && messages.isEmpty && disconnect.isEmpty && established == nil && synced.isEmpty && errors.isEmpty && !abandoned
    }
}
