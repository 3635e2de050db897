/// A vote in FastLeaderElection: who the sender wants as leader, and the
/// history that candidate is known to have.
public struct Vote: Hashable, Sendable {
    /// The proposed leader's server id.
    public var leader: Int64
    /// The proposed leader's last logged zxid.
    public var zxid: Int64
    /// The election round ("logical clock") the vote was cast in.
    public var electionEpoch: Int64
    /// The proposed leader's currentEpoch.
    public var peerEpoch: Int64
    /// The state of the server casting the vote.
    public var state: ServerState
    /// The notification version it arrived with (0 before 3.4.6).
    public var version: Int32

    public init(leader: Int64, zxid: Int64, electionEpoch: Int64, peerEpoch: Int64, state: ServerState = .looking, version: Int32 = Notification.currentVersion) {
        self.leader = leader
        self.zxid = zxid
        self.electionEpoch = electionEpoch
        self.peerEpoch = peerEpoch
        self.state = state
        self.version = version
    }

    /// The value a non-voting server (observer) votes with for leader, zxid
    /// and peerEpoch: Java's `Long.MIN_VALUE`.
    public static let nonVoterValue = Int64.min

    /// True when a vote for `candidate` beats a vote for `current`: a higher
    /// peerEpoch, then a higher zxid, then a higher server id, compared as
    /// Java's signed longs (FastLeaderElection.totalOrderPredicate). The
    /// weight check (a weight-0 server never wins) needs the quorum
    /// configuration and is the caller's.
    public static func supersedes(
        candidate: (leader: Int64, zxid: Int64, peerEpoch: Int64),
        current: (leader: Int64, zxid: Int64, peerEpoch: Int64)
    ) -> Bool {
        (candidate.peerEpoch, candidate.zxid, candidate.leader) > (current.peerEpoch, current.zxid, current.leader)
    }

    /// True when this vote's candidate beats `other`'s (see `supersedes`).
    public func supersedes(_ other: Vote) -> Bool {
        Vote.supersedes(
            candidate: (leader, zxid, peerEpoch),
            current: (other.leader, other.zxid, other.peerEpoch)
        )
    }

    /// Whether two votes count as the same vote when tallying, as Apache's
    /// `Vote.equals`: while either side is LOOKING every field but the state
    /// must match; otherwise only the leader and peerEpoch, and only the
    /// leader when exactly one side is a version-0 vote (ZOOKEEPER-1805,
    /// ZOOKEEPER-1732). Stale zxids and rounds of servers already out of the
    /// election must not keep a late server from joining.
    public func agrees(with other: Vote) -> Bool {
        if state == .looking || other.state == .looking {
            return leader == other.leader && zxid == other.zxid
                && electionEpoch == other.electionEpoch && peerEpoch == other.peerEpoch
        }
        if (version > 0) != (other.version > 0) {
            return leader == other.leader
        }
        return leader == other.leader && peerEpoch == other.peerEpoch
    }
}
