import ZKProtocol

/// A quorum packet the broadcast machine wants sent to one server.
public struct BroadcastMessage: Hashable, Sendable {
    /// The server to send it to.
    public var to: ServerID
    /// What to send.
    public var packet: QuorumPacket

    /// Creates a message.
    public init(to: ServerID, packet: QuorumPacket) {
        self.to = to
        self.packet = packet
    }
}

/// Why a broadcast machine stopped. Each one ends the machine: it refuses
/// proposals and ignores packets afterwards, and the shell goes back to
/// LOOKING (Apache's `Leader.shutdown`, `Follower` exiting its loop).
public enum BroadcastStepDown: Hashable, Sendable {
    /// The next zxid would have counter 0xffffffff: the leader must force a
    /// new epoch (ZOOKEEPER-1277). Carries the refused zxid.
    case zxidCounterExhausted(zxid: Int64)
    /// At a tick, the leader and the followers heard from within syncLimit
    /// ticks were not a quorum (Apache: "Not sufficient followers synced").
    case lostQuorum(synced: [ServerID])
}

/// A fault a learner's broadcast machine found in what the leader sent. Each
/// one halts the machine; the shell drops the connection and goes LOOKING.
public enum BroadcastError: Error, Hashable, Sendable {
    /// COMMIT for a zxid that is not the oldest uncommitted proposal (`expected`,
    /// nil when none is pending). Apache exits the JVM (UNMATCHED_TXN_COMMIT).
    case unmatchedCommit(zxid: Int64, expected: Int64?)
    /// A PROPOSAL (or, at an observer, INFORM) whose zxid is not the next one:
    /// previous + 1 in this epoch, or counter 1 for the epoch's first.
    case zxidNotNext(type: QuorumPacketType, zxid: Int64, expected: Int64)
    /// The packet's zxid and its TxnHeader's zxid differ.
    case zxidMismatch(type: QuorumPacketType, packetZxid: Int64, headerZxid: Int64)
    /// The packet's data could not be read.
    case malformed(type: QuorumPacketType, zxid: Int64, error: ZabWireError)
    /// More proposals logged and not yet applied than `BroadcastLimits.maxOutstandingProposals`.
    case tooManyPending(limit: Int)
}

/// The bounds of a broadcast machine.
public struct BroadcastLimits: Hashable, Sendable {
    /// Proposals a leader keeps between `propose` and the local apply of their
    /// commit, and a learner between PROPOSAL and its apply. Apache sets none;
    /// its `globalOutstandingLimit` (1000 requests) is what bounds it there,
    /// so we take the same figure. `propose` refuses above it.
    public var maxOutstandingProposals: Int

    /// 1000 proposals, as Apache's globalOutstandingLimit.
    public static let defaults = BroadcastLimits(maxOutstandingProposals: 1000)

    /// Creates limits.
    public init(maxOutstandingProposals: Int) {
        self.maxOutstandingProposals = maxOutstandingProposals
    }
}

/// What the shell must do after feeding a broadcast machine its inputs, in
/// this order: append and fsync `toPersist` (report it with `persisted`
/// when durable; the machine does not wait), send `messages` in order, apply
/// `committed`, act on `activations`, `errors` and `stepDown`; then call
/// `advance(_:)` with this value.
///
/// Everything here is bounded by the machine's outstanding-proposal limit
/// (a proposal appears at most once in `toPersist` and once in `committed`,
/// and yields at most two packets per learner, plus one PING per learner per
/// tick) as long as the shell advances. Packets the shell has taken but a
/// slow learner has not read are the shell's to bound (Apache has no limit
/// there either); it should drop that learner's connection past its limit.
public struct BroadcastReady: Hashable, Sendable {
    /// Proposals to append to the log and fsync, in zxid order.
    public var toPersist: [ProposalPayload]
    /// Packets to send, in order; per destination the order matters.
    public var messages: [BroadcastMessage]
    /// Transactions committed by a quorum and durable here, to apply in this
    /// (zxid) order.
    public var committed: [ProposalPayload]
    /// Reconfigs committed (COMMITANDACTIVATE / INFORMANDACTIVATE): the shell
    /// switches configuration after applying the transaction of the same zxid.
    public var activations: [Activation]
    /// What a learner found wrong; the first one halts the machine.
    public var errors: [BroadcastError]
    /// Set once, when a leader must step down.
    public var stepDown: BroadcastStepDown?

    /// Creates a ready value.
    public init(toPersist: [ProposalPayload] = [], messages: [BroadcastMessage] = [], committed: [ProposalPayload] = [],
                activations: [Activation] = [], errors: [BroadcastError] = [], stepDown: BroadcastStepDown? = nil) {
        self.toPersist = toPersist
        self.messages = messages
        self.committed = committed
        self.activations = activations
        self.errors = errors
        self.stepDown = stepDown
    }

    /// True when there is nothing to do.
    public var isEmpty: Bool {
        toPersist.isEmpty && messages.isEmpty && committed.isEmpty && activations.isEmpty && errors.isEmpty && stepDown == nil
    }

    /// Drops what `done` (an earlier `ready()` of the same machine) held: the
    /// machine only appends, so that is a prefix of each list.
    mutating func remove(_ done: BroadcastReady) {
        toPersist.removeFirst(min(done.toPersist.count, toPersist.count))
        messages.removeFirst(min(done.messages.count, messages.count))
        committed.removeFirst(min(done.committed.count, committed.count))
        activations.removeFirst(min(done.activations.count, activations.count))
        errors.removeFirst(min(done.errors.count, errors.count))
        if done.stepDown != nil, done.stepDown == stepDown { stepDown = nil }
    }
}

/// Bugs planted on purpose so the seeded tests can show their checker
/// catches them. Tests only; empty in every real machine.
struct BroadcastFaults: OptionSet, Hashable, Sendable {
    let rawValue: Int
    /// A follower ACKs a PROPOSAL as soon as it arrives, before it is durable.
    static let followerAcksBeforePersist = BroadcastFaults(rawValue: 1 << 0)
    /// The leader commits a proposal on its first ACK, whoever sent it.
    static let leaderCommitsOnFirstAck = BroadcastFaults(rawValue: 1 << 1)
    /// The leader counts its own ACK when it proposes, before its persist.
    static let leaderCountsOwnVoteBeforePersist = BroadcastFaults(rawValue: 1 << 2)
}

/// The zxid a proposal after `last` must carry in `epoch`: previous + 1 in
/// the same epoch, or counter 1 when `last` is from an earlier epoch.
func nextZxid(after last: Int64, epoch: Int64) -> Int64 {
    ZxidMath.epoch(of: last) == epoch ? last + 1 : ZxidMath.zxid(epoch: epoch, counter: 1)
}
