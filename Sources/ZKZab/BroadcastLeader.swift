import NIOCore
import ZKProtocol

/// The leader's side of Zab's broadcast phase for one established epoch, as
/// a pure machine (Apache's `Leader.propose`, `processAck`, `tryToCommit` and
/// the syncLimit check of `Leader.lead`). No sockets, no clock, no disk.
///
/// The shell feeds it `propose(_:)` for every transaction the proposer
/// prepared, `persisted(through:)` when its own log is durable,
/// `step(from:_:)` for every packet a learner sends, `addLearner`/
/// `removeLearner` as learners finish sync or disconnect, and `tick(now:)`;
/// then it carries out `ready()` and calls `advance(_:)`.
///
/// A proposal commits when a quorum has ACKed it, the leader's own ACK
/// counting only once its own log holds it, and every earlier proposal has
/// committed. It is handed to the shell to apply once it is committed and
/// durable here, so the leader's memory is never ahead of its own log.
public struct BroadcastLeader: Sendable {
    /// The leader's settings.
    public struct Configuration: Sendable {
        /// This server's id.
        public var myID: ServerID
        /// Who votes and what is a quorum.
        public var quorum: any ElectionQuorum
        /// The established epoch every proposal must carry.
        public var epoch: Int64
        /// Apache's `syncLimit`: a follower not heard from for more ticks
        /// than this no longer counts as synced.
        public var syncLimitTicks: Int64
        /// The bounds.
        public var limits: BroadcastLimits

        /// Creates a configuration.
        public init(myID: ServerID, quorum: any ElectionQuorum, epoch: Int64, syncLimitTicks: Int64,
                    limits: BroadcastLimits = .defaults) {
            self.myID = myID
            self.quorum = quorum
            self.epoch = epoch
            self.syncLimitTicks = syncLimitTicks
            self.limits = limits
        }
    }

    /// What `propose(_:)` did.
    public enum ProposeResult: Hashable, Sendable {
        /// Sent to the followers and queued for the local log.
        case proposed
        /// The zxid is not `expected` (previous + 1 in the epoch); nothing changed.
        case notNextZxid(expected: Int64)
        /// The zxid's counter is 0xffffffff; the machine steps down (see `BroadcastStepDown`).
        case counterExhausted
        /// `limit` proposals are outstanding; try again after some commit and apply.
        case tooManyOutstanding(limit: Int)
        /// The machine has stepped down.
        case stopped
    }

    /// What `addLearner` did.
    public enum JoinResult: Hashable, Sendable {
        /// The learner is in the forwarding set.
        case joined
        /// The learner's synced zxid is outside what the leader can continue
        /// from: the last applied zxid through the last proposed one.
        case syncedOutOfRange(lowest: Int64, highest: Int64)
        /// The machine has stepped down.
        case stopped
    }

    /// A learner in the forwarding set.
    public struct Learner: Hashable, Sendable {
        /// Observers get INFORM and never vote.
        public var isObserver: Bool
        /// The tick of the last packet seen from it (or of its join).
        public var lastSeenTick: Int64
    }

    /// The settings.
    public let configuration: Configuration
    /// The last zxid proposed.
    public private(set) var lastProposedZxid: Int64
    /// The last zxid a quorum committed.
    public private(set) var lastCommittedZxid: Int64
    /// The last zxid the local log reported durable.
    public private(set) var lastPersistedZxid: Int64
    /// The last zxid handed to the shell to apply.
    public private(set) var lastAppliedZxid: Int64
    /// The forwarding set.
    public private(set) var learners: [ServerID: Learner] = [:]
    /// Why the machine stopped, once it has.
    public private(set) var stepDownReason: BroadcastStepDown?
    /// ACKs ignored so far: zero counter, already committed, never proposed,
    /// or from a server that is not a forwarding follower.
    public private(set) var ignoredAcks = 0
    /// The last tick seen.
    public private(set) var nowTick: Int64 = 0

    var faults: BroadcastFaults = []
    /// Proposals lastApplied+1 ... lastProposed, in order, with their ACKs.
    private var proposals = CircularBuffer<Outstanding>()
    private var pending = BroadcastReady()

    private struct Outstanding: Sendable {
        var payload: ProposalPayload
        var acks: Set<Int64>
        /// Set for a reconfig: commit with COMMITANDACTIVATE/INFORMANDACTIVATE.
        var designatedLeader: Int64?
    }

    /// A leader whose log, applied state and commits all end at `lastZxid`
    /// (after NEWLEADER: `epoch << 32`, Apache's `startZkServer`).
    public init(configuration: Configuration, lastZxid: Int64? = nil) {
        self.configuration = configuration
        let start = lastZxid ?? ZxidMath.zxid(epoch: configuration.epoch, counter: 0)
        lastProposedZxid = start
        lastCommittedZxid = start
        lastPersistedZxid = start
        lastAppliedZxid = start
    }

    /// Proposals not yet applied locally.
    public var outstandingCount: Int { proposals.count }

    // MARK: Inputs

    /// Proposes `payload`, whose TxnHeader carries the zxid the proposer
    /// gave it. For a reconfig, `designatedLeader` makes its commit an
    /// activation.
    @discardableResult
    public mutating func propose(_ payload: ProposalPayload, designatedLeader: Int64? = nil) -> ProposeResult {
        guard stepDownReason == nil else { return .stopped }
        let zxid = payload.header.zxid
        let expected = nextZxid(after: lastProposedZxid, epoch: configuration.epoch)
        guard zxid == expected else { return .notNextZxid(expected: expected) }
        guard ZxidMath.counter(of: zxid) != 0xffff_ffff else {
            stop(.zxidCounterExhausted(zxid: zxid))
            return .counterExhausted
        }
        guard proposals.count < configuration.limits.maxOutstandingProposals else {
            return .tooManyOutstanding(limit: configuration.limits.maxOutstandingProposals)
        }
        var acks: Set<Int64> = []
        if faults.contains(.leaderCountsOwnVoteBeforePersist) { acks.insert(configuration.myID.raw) }
        proposals.append(Outstanding(payload: payload, acks: acks, designatedLeader: designatedLeader))
        lastProposedZxid = zxid
        let packet = payload.proposalPacket
        for (id, learner) in learners.sorted(by: { $0.key < $1.key }) where !learner.isObserver {
            pending.messages.append(BroadcastMessage(to: id, packet: packet))
        }
        pending.toPersist.append(payload)
        tryToCommit()
        return .proposed
    }

    /// The local log is durable through `zxid`: the leader's own ACK counts
    /// for every proposal up to it.
    public mutating func persisted(through zxid: Int64) {
        guard stepDownReason == nil else { return }
        let through = min(zxid, lastProposedZxid)
        guard through > lastPersistedZxid else { return }
        for index in proposals.indices {
            let proposed = proposals[index].payload.header.zxid
            if proposed > lastPersistedZxid, proposed <= through {
                proposals[index].acks.insert(configuration.myID.raw)
            }
        }
        lastPersistedZxid = through
        tryToCommit()
        release()
    }

    /// Takes a packet from learner `sender`: any packet proves it alive; an
    /// ACK is counted. Other types (REQUEST, PING replies' sessions,
    /// REVALIDATE) are the shell's.
    public mutating func step(from sender: ServerID, _ packet: QuorumPacket) {
        guard stepDownReason == nil else { return }
        guard learners[sender] != nil else {
            if packet.packetType == .ack { ignoredAcks += 1 }
            return
        }
        learners[sender]?.lastSeenTick = nowTick
        if packet.packetType == .ack { processAck(from: sender, zxid: packet.zxid) }
    }

    /// Adds a learner that has synced through `syncedTo` to the forwarding
    /// set, and sends it what it lacks of the outstanding proposals (Apache's
    /// `startForwarding`): a follower gets each later PROPOSAL, and COMMIT for
    /// those already committed; an observer gets INFORM for committed ones.
    /// A learner already present starts over from `syncedTo`.
    @discardableResult
    public mutating func addLearner(_ id: ServerID, isObserver: Bool, syncedTo: Int64) -> JoinResult {
        guard stepDownReason == nil else { return .stopped }
        guard syncedTo >= lastAppliedZxid, syncedTo <= lastProposedZxid else {
            return .syncedOutOfRange(lowest: lastAppliedZxid, highest: lastProposedZxid)
        }
        learners[id] = Learner(isObserver: isObserver, lastSeenTick: nowTick)
        for entry in proposals where entry.payload.header.zxid > syncedTo {
            let zxid = entry.payload.header.zxid
            let committed = zxid <= lastCommittedZxid
            if isObserver {
                if committed { pending.messages.append(BroadcastMessage(to: id, packet: informPacket(entry))) }
            } else {
                pending.messages.append(BroadcastMessage(to: id, packet: entry.payload.proposalPacket))
                if committed { pending.messages.append(BroadcastMessage(to: id, packet: commitPacket(entry))) }
            }
        }
        return .joined
    }

    /// Takes a learner out of the forwarding set (its connection closed).
    /// ACKs it already sent still count: they were durable when sent.
    public mutating func removeLearner(_ id: ServerID) {
        learners[id] = nil
    }

    /// Advances time to `now` (in ticks): PINGs every learner, as Apache's
    /// leader loop does, then steps down unless the leader and the followers
    /// heard from within syncLimit ticks form a quorum.
    public mutating func tick(now: Int64) {
        guard stepDownReason == nil else { return }
        if now > nowTick { nowTick = now }
        let ping = QuorumPacket(.ping, zxid: lastProposedZxid)
        for id in learners.keys.sorted() {
            pending.messages.append(BroadcastMessage(to: id, packet: ping))
        }
        let synced = syncedServers
        if !configuration.quorum.containsQuorum(Set(synced.map(\.raw))) {
            stop(.lostQuorum(synced: synced))
        }
    }

    /// The leader and the followers heard from within syncLimit ticks
    /// (Apache's `LearnerHandler.synced`), sorted.
    public var syncedServers: [ServerID] {
        var synced = [configuration.myID]
        for (id, learner) in learners where !learner.isObserver && nowTick <= learner.lastSeenTick + configuration.syncLimitTicks {
            synced.append(id)
        }
        return synced.sorted()
    }

    // MARK: Output

    /// What to do now.
    public func ready() -> BroadcastReady { pending }

    /// True when `ready()` has something to do.
    public var hasReady: Bool { !pending.isEmpty }

    /// Marks `ready` (a value `ready()` returned) as done; what was queued
    /// since stays.
    public mutating func advance(_ ready: BroadcastReady) {
        pending.remove(ready)
    }

    // MARK: Commit

    private mutating func processAck(from sender: ServerID, zxid: Int64) {
        // NEWLEADER/UPTODATE ACKs carry a zero counter; they are sync's.
        guard ZxidMath.counter(of: zxid) != 0, zxid > lastCommittedZxid, zxid <= lastProposedZxid,
              learners[sender]?.isObserver == false, let index = index(of: zxid)
        else {
            ignoredAcks += 1
            return
        }
        proposals[index].acks.insert(sender.raw)
        tryToCommit()
    }

    private func index(of zxid: Int64) -> CircularBuffer<Outstanding>.Index? {
        // Proposals hold consecutive zxids of the epoch, the first one after
        // lastApplied (or counter 1 when lastApplied is of an earlier epoch).
        guard let first = proposals.first?.payload.header.zxid else { return nil }
        let offset = zxid - first
        guard offset >= 0, offset < Int64(proposals.count) else { return nil }
        return proposals.index(proposals.startIndex, offsetBy: Int(offset))
    }

    /// Commits, in zxid order, every proposal a quorum has ACKed whose
    /// predecessors have committed.
    private mutating func tryToCommit() {
        while lastCommittedZxid < lastProposedZxid {
            let zxid = nextZxid(after: lastCommittedZxid, epoch: configuration.epoch)
            guard let index = index(of: zxid) else { return }
            let entry = proposals[index]
            let hasQuorum = faults.contains(.leaderCommitsOnFirstAck)
                ? !entry.acks.isEmpty
                : configuration.quorum.containsQuorum(entry.acks)
            guard hasQuorum else { return }
            lastCommittedZxid = zxid
            for (id, learner) in learners.sorted(by: { $0.key < $1.key }) {
                let packet = learner.isObserver ? informPacket(entry) : commitPacket(entry)
                pending.messages.append(BroadcastMessage(to: id, packet: packet))
            }
        }
        release()
    }

    /// Hands the shell what is both committed and durable here.
    private mutating func release() {
        while lastAppliedZxid < min(lastCommittedZxid, lastPersistedZxid), let entry = proposals.popFirst() {
            lastAppliedZxid = entry.payload.header.zxid
            pending.committed.append(entry.payload)
            if let leader = entry.designatedLeader {
                pending.activations.append(Activation(zxid: lastAppliedZxid, designatedLeader: leader, proposal: nil))
            }
        }
    }

    private func commitPacket(_ entry: Outstanding) -> QuorumPacket {
        guard let leader = entry.designatedLeader else { return QuorumPacket(.commit, zxid: entry.payload.header.zxid) }
        return Activation(zxid: entry.payload.header.zxid, designatedLeader: leader, proposal: nil).packet
    }

    private func informPacket(_ entry: Outstanding) -> QuorumPacket {
        guard let leader = entry.designatedLeader else { return entry.payload.informPacket }
        return Activation(zxid: entry.payload.header.zxid, designatedLeader: leader, proposal: entry.payload).packet
    }

    private mutating func stop(_ reason: BroadcastStepDown) {
        stepDownReason = reason
        pending.stepDown = reason
    }
}
