import ZKProtocol

/// The `type` of a QuorumPacket on the quorum port, with Apache's numbers
/// (the constants in `Leader`).
public enum QuorumPacketType: Int32, Hashable, Sendable, CaseIterable {
    /// Learner → leader: a client write (or sync, createSession, closeSession)
    /// forwarded for the leader to prepare.
    case request = 1
    /// Leader → follower: a transaction to log and acknowledge.
    case proposal = 2
    /// Learner → leader: a proposal (or NEWLEADER, or UPTODATE) is durable.
    case ack = 3
    /// Leader → follower: the proposal at `zxid` has a quorum; apply it.
    case commit = 4
    /// Both ways: liveness, and the learner's session touches on the way back.
    case ping = 5
    /// Both ways: may this session move to the asking learner?
    case revalidate = 6
    /// Leader → learner: the answer to a forwarded `sync`.
    case sync = 7
    /// Leader → observer: a committed transaction, whole.
    case inform = 8
    /// Leader → follower: COMMIT of a reconfig, naming the designated leader.
    case commitAndActivate = 9
    /// Leader → learner: the end of synchronisation; carries the leader's config.
    case newLeader = 10
    /// Follower → leader: first packet, with LearnerInfo.
    case followerInfo = 11
    /// Leader → learner: start serving.
    case upToDate = 12
    /// Leader → learner: proposals follow.
    case diff = 13
    /// Leader → learner: truncate the log to `zxid`.
    case trunc = 14
    /// Leader → learner: a snapshot stream follows.
    case snap = 15
    /// Observer → leader: first packet, with LearnerInfo.
    case observerInfo = 16
    /// Leader → learner: the proposed epoch and the leader's protocol version.
    case leaderInfo = 17
    /// Learner → leader: the epoch is accepted; the learner's currentEpoch.
    case ackEpoch = 18
    /// Leader → observer: INFORM of a reconfig, naming the designated leader.
    case informAndActivate = 19

    /// The name Apache logs (`LearnerHandler.packetToString`).
    public var name: String {
        switch self {
        case .request: return "REQUEST"
        case .proposal: return "PROPOSAL"
        case .ack: return "ACK"
        case .commit: return "COMMIT"
        case .ping: return "PING"
        case .revalidate: return "REVALIDATE"
        case .sync: return "SYNC"
        case .inform: return "INFORM"
        case .commitAndActivate: return "COMMITANDACTIVATE"
        case .newLeader: return "NEWLEADER"
        case .followerInfo: return "FOLLOWERINFO"
        case .upToDate: return "UPTODATE"
        case .diff: return "DIFF"
        case .trunc: return "TRUNC"
        case .snap: return "SNAP"
        case .observerInfo: return "OBSERVERINFO"
        case .leaderInfo: return "LEADERINFO"
        case .ackEpoch: return "ACKEPOCH"
        case .informAndActivate: return "INFORMANDACTIVATE"
        }
    }
}

extension QuorumPacket {
    /// The packet's type, or `nil` for a number Apache does not define.
    public var packetType: QuorumPacketType? { QuorumPacketType(rawValue: type) }

    /// A packet as Apache builds most of them: no data and no auth ids, both
    /// written as Jute's null (-1).
    public init(_ type: QuorumPacketType, zxid: Int64, data: JuteBytes = .null, authinfo: [Id]? = nil) {
        self.init(type: type.rawValue, zxid: zxid, data: data, authinfo: authinfo)
    }
}
