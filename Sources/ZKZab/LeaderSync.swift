import ZKProtocol

/// The leader's side of Zab's discovery and synchronisation for one
/// leadership attempt, as a pure machine (Apache's `Leader.lead` up to
/// `startZkServer`, and `LearnerHandler` up to UPTODATE).
///
/// The shell feeds it `start()`, `connected(_:)`, `receive(from:_:)`,
/// `disconnected(_:)` and `tick()`; takes `ready()`; writes the epoch files,
/// sends the messages, acts on the decision; then calls `advance(_:)`.
/// `advance` is also how the machine learns an epoch file is durable, so
/// nothing that depends on one is emitted before it: LEADERINFO waits for
/// acceptedEpoch (ZOOKEEPER-2307: the file first, memory after), the sync
/// data waits for currentEpoch.
///
/// Per learner: FOLLOWERINFO/OBSERVERINFO → LEADERINFO → ACKEPOCH → DIFF,
/// TRUNC or SNAP and the committed proposals → NEWLEADER (always after the
/// sync data, ZOOKEEPER-3104) → ACK → UPTODATE. Once a quorum of voters
/// with the leader has acknowledged NEWLEADER the attempt is `established`
/// and the broadcast phase owns the synced links; learners that connect
/// later are synced the same way and reported in `synced`.
public struct LeaderSync: Sendable {
    /// The attempt's settings.
    public struct Configuration: Sendable {
        /// This server's id.
        public var myID: ServerID
        /// Who votes and what is a quorum.
        public var quorum: any ElectionQuorum
        /// The leader's `acceptedEpoch` file.
        public var acceptedEpoch: Int64
        /// The leader's `currentEpoch` file.
        public var currentEpoch: Int64
        /// The committed history learners are synced from.
        public var window: SyncWindow
        /// The quorum configuration text NEWLEADER carries.
        public var configText: [UInt8]
        /// The version of that configuration; a learner with a newer one is refused.
        public var configVersion: Int64
        /// Ticks a phase or a learner may take (`initLimit`).
        public var initLimitTicks: Int
        /// Always send SNAP (`zookeeper.forceSnapshotSync`, a testing knob).
        public var forceSnapshotSync: Bool
        /// Bounds.
        public var limits: SyncLimits
        /// A planted bug, for the random tests only.
        var plantedBug: PlantedSyncBug?

        /// Creates a configuration.
        public init(
            myID: ServerID, quorum: any ElectionQuorum, acceptedEpoch: Int64, currentEpoch: Int64,
            window: SyncWindow, configText: [UInt8] = [], configVersion: Int64 = 0, initLimitTicks: Int = 10,
            forceSnapshotSync: Bool = false, limits: SyncLimits = .defaults
        ) {
            self.myID = myID
            self.quorum = quorum
            self.acceptedEpoch = acceptedEpoch
            self.currentEpoch = currentEpoch
            self.window = window
            self.configText = configText
            self.configVersion = configVersion
            self.initLimitTicks = initLimitTicks
            self.forceSnapshotSync = forceSnapshotSync
            self.limits = limits
        }
    }

    /// Where the attempt stands.
    public enum Phase: String, Hashable, Sendable {
        /// Waiting for a quorum (with the leader) of FOLLOWERINFOs to fix the epoch.
        case gatheringEpoch
        /// The acceptedEpoch file is being written.
        case persistingAcceptedEpoch
        /// LEADERINFO sent; waiting for a quorum of ACKEPOCHs.
        case waitingForEpochAcks
        /// The currentEpoch file is being written.
        case persistingCurrentEpoch
        /// Sync data and NEWLEADER sent; waiting for a quorum of ACKs.
        case waitingForNewLeaderAcks
        /// A quorum is synced; the broadcast phase takes over.
        case established
        /// The attempt failed.
        case abandoned
    }

    private enum Stage: Hashable, Sendable {
        case awaitingHello
        case awaitingLeaderInfo
        case awaitingAckEpoch
        case ackedEpoch(peerLastZxid: Int64)
        case awaitingNewLeaderAck(SyncPlan)
        case synced(SyncPlan)
    }

    private struct Learner: Sendable {
        var sid: Int64 = 0
        var isObserver = false
        var acceptedEpoch: Int64 = -1
        var stage: Stage = .awaitingHello
        var lastProgressTick: Int
    }

    /// The settings.
    public let configuration: Configuration
    /// Where the attempt stands.
    public private(set) var phase: Phase = .gatheringEpoch
    /// The epoch this attempt proposes; fixed once a quorum has connected.
    public private(set) var newEpoch: Int64
    /// The leader's acceptedEpoch as last made durable.
    public private(set) var durableAcceptedEpoch: Int64
    /// The leader's currentEpoch as last made durable.
    public private(set) var durableCurrentEpoch: Int64

    private var started = false
    private var ticks = 0
    private var phaseStartTick = 0
    private var learners: [LearnerLink: Learner] = [:]
    private var connecting: Set<Int64> = []
    private var electing: Set<Int64> = []
    private var newLeaderAcks: Set<Int64> = []
    private var nextTemporarySid: Int64 = -1
    private var pending = LeaderSyncReady()

    /// A machine for one attempt; it does nothing until `start()`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.newEpoch = configuration.acceptedEpoch + 1
        self.durableAcceptedEpoch = configuration.acceptedEpoch
        self.durableCurrentEpoch = configuration.currentEpoch
    }

    /// The zxid NEWLEADER carries and its ACK must echo.
    public var newLeaderZxid: Int64 { ZxidMath.zxid(epoch: newEpoch, counter: 0) }

    /// The learners synced so far.
    public var syncedLearners: [SyncedLearner] {
        learners.keys.sorted().compactMap { link in syncedRecord(link) }
    }

    // MARK: Inputs

    /// Begins the attempt: the leader counts itself among the connected.
    public mutating func start() {
        guard !started else { return }
        started = true
        phaseStartTick = ticks
        connecting.insert(configuration.myID.raw)
        checkEpochQuorum()
    }

    /// A learner connection was accepted.
    public mutating func connected(_ link: LearnerLink) {
        guard started, phase != .abandoned, learners[link] == nil else { return }
        guard learners.count < configuration.limits.maxLearnerConnections else {
            drop(link, .tooManyLearners(link, limit: configuration.limits.maxLearnerConnections))
            return
        }
        learners[link] = Learner(lastProgressTick: ticks)
    }

    /// A learner connection closed.
    public mutating func disconnected(_ link: LearnerLink) {
        // Counts already given stay, as in Apache: an epoch or an ACK once
        // given is not taken back by a closed socket.
        learners[link] = nil
    }

    /// One packet from a learner. Packets of a learner already synced belong
    /// to the broadcast phase and are ignored here.
    public mutating func receive(from link: LearnerLink, _ packet: QuorumPacket) {
        guard started, phase != .abandoned, var learner = learners[link] else { return }
        learner.lastProgressTick = ticks
        learners[link] = learner
        switch learner.stage {
        case .awaitingHello:
            receiveHello(from: link, packet)
        case .awaitingAckEpoch:
            guard packet.packetType == .ackEpoch else { return unexpected(link, packet) }
            let ack: AckEpoch
            do {
                ack = try AckEpoch(packet: packet)
            } catch {
                return drop(link, .malformedPacket(link, reason: "\(error)"))
            }
            receiveAckEpoch(from: link, ack)
        case .awaitingNewLeaderAck(let plan):
            guard packet.packetType == .ack else { return unexpected(link, packet) }
            guard packet.zxid == newLeaderZxid else {
                return drop(link, .wrongNewLeaderAck(link, zxid: packet.zxid))
            }
            receiveNewLeaderAck(from: link, plan: plan)
        case .awaitingLeaderInfo, .ackedEpoch:
            // We have not spoken yet; a learner has nothing to say.
            unexpected(link, packet)
        case .synced:
            return
        }
    }

    /// Advances time by one tick: a phase, or a learner, that has waited
    /// `initLimit` ticks fails.
    public mutating func tick() {
        guard started else { return }
        ticks += 1
        guard phase != .abandoned else { return }
        let limit = configuration.initLimitTicks
        switch phase {
        case .gatheringEpoch, .waitingForEpochAcks, .waitingForNewLeaderAcks:
            if ticks - phaseStartTick >= limit {
                abandon(.attemptTimedOut(phase: phase.rawValue))
                return
            }
        default:
            break
        }
        for link in learners.keys.sorted() {
            guard let learner = learners[link] else { continue }
            switch learner.stage {
            case .synced, .awaitingLeaderInfo, .ackedEpoch:
                // Synced links are the broadcast phase's; the others wait
                // for the leader, not the learner.
                continue
            default:
                if ticks - learner.lastProgressTick >= limit { drop(link, .learnerTimedOut(link)) }
            }
        }
    }

    // MARK: Output

    /// What to do now.
    public func ready() -> LeaderSyncReady { pending }

    /// True when `ready()` has something to do.
    public var hasReady: Bool { !pending.isEmpty }

    /// Marks `ready` (a value `ready()` returned) as done: its epoch files
    /// are durable and its messages written. What was queued since stays.
    public mutating func advance(_ ready: LeaderSyncReady) {
        pending.persist.removeFirst(min(ready.persist.count, pending.persist.count))
        pending.messages.removeFirst(min(ready.messages.count, pending.messages.count))
        pending.disconnect.removeFirst(min(ready.disconnect.count, pending.disconnect.count))
        pending.synced.removeFirst(min(ready.synced.count, pending.synced.count))
        pending.errors.removeFirst(min(ready.errors.count, pending.errors.count))
        if ready.established != nil { pending.established = nil }
        if ready.abandoned { pending.abandoned = false }
        for write in ready.persist { durable(write) }
    }

    // MARK: Discovery

    private mutating func receiveHello(from link: LearnerLink, _ packet: QuorumPacket) {
        guard packet.packetType == .followerInfo || packet.packetType == .observerInfo else {
            return unexpected(link, packet)
        }
        let hello: LearnerHello
        do {
            hello = try LearnerHello(packet: packet)
        } catch {
            return drop(link, .malformedPacket(link, reason: "\(error)"))
        }
        guard hello.protocolVersion >= zab10ProtocolVersion else {
            return drop(link, .malformedPacket(link, reason: "protocol version \(hello.protocolVersion) is older than Zab 1.0"))
        }
        let sid: Int64
        if let given = hello.sid {
            sid = given
        } else {
            sid = nextTemporarySid
            nextTemporarySid -= 1
        }
        if let configVersion = hello.configVersion, configVersion > configuration.configVersion {
            return drop(link, .learnerConfigAhead(link, sid: sid))
        }
        if sid == configuration.myID.raw || learners.contains(where: { $0.key != link && $0.value.stage != .awaitingHello && $0.value.sid == sid }) {
            return drop(link, .duplicateServer(link, sid: sid))
        }
        guard var learner = learners[link] else { return }
        learner.sid = sid
        learner.isObserver = hello.isObserver || !configuration.quorum.votingMembers.contains(sid)
        learner.acceptedEpoch = hello.acceptedEpoch
        learner.stage = .awaitingLeaderInfo
        learners[link] = learner
        if phase == .gatheringEpoch {
            // Any learner's acceptedEpoch raises the proposal, as Apache's
            // getEpochToPropose does, or it would refuse LEADERINFO; only
            // voters count towards the quorum.
            if hello.acceptedEpoch >= newEpoch { newEpoch = hello.acceptedEpoch + 1 }
            if !learner.isObserver { connecting.insert(sid) }
            checkEpochQuorum()
        } else if durableAcceptedEpoch >= newEpoch {
            sendLeaderInfo(to: link)
        }
    }

    private mutating func checkEpochQuorum() {
        guard phase == .gatheringEpoch, configuration.quorum.containsQuorum(connecting) else { return }
        guard newEpoch <= EpochFile.maxEpoch else {
            abandon(.attemptTimedOut(phase: "epoch \(newEpoch) does not fit a zxid"))
            return
        }
        phase = .persistingAcceptedEpoch
        pending.persist.append(.acceptedEpoch(newEpoch))
    }

    private mutating func sendLeaderInfo(to link: LearnerLink) {
        guard var learner = learners[link], learner.stage == .awaitingLeaderInfo else { return }
        learner.stage = .awaitingAckEpoch
        learner.lastProgressTick = ticks
        learners[link] = learner
        pending.messages.append(LeaderSyncMessage(to: link, send: .packet(LeaderInfo(newEpoch: newEpoch).packet)))
    }

    private mutating func receiveAckEpoch(from link: LearnerLink, _ ack: AckEpoch) {
        guard var learner = learners[link] else { return }
        let peerCurrentEpoch = Int64(ack.currentEpoch)
        if peerCurrentEpoch != Int64(AckEpoch.alreadyAccepted) {
            // Apache skips this once the epoch is acknowledged; checking a
            // late learner too costs nothing and keeps a newer history from
            // being cut by a TRUNC.
            let ours = (configuration.currentEpoch, configuration.window.lastProcessedZxid)
            if peerCurrentEpoch > ours.0 || (peerCurrentEpoch == ours.0 && ack.lastLoggedZxid > ours.1) {
                return drop(link, .learnerAhead(link, sid: learner.sid, currentEpoch: peerCurrentEpoch, lastZxid: ack.lastLoggedZxid))
            }
            if ack.lastLoggedZxid != -1, !learner.isObserver { electing.insert(learner.sid) }
        }
        learner.stage = .ackedEpoch(peerLastZxid: ack.lastLoggedZxid)
        learners[link] = learner
        switch phase {
        case .waitingForEpochAcks:
            checkEpochAckQuorum()
        case .waitingForNewLeaderAcks, .established:
            startSync(link)
        default:
            break
        }
    }

    private mutating func checkEpochAckQuorum() {
        guard phase == .waitingForEpochAcks else { return }
        var acked = electing
        acked.insert(configuration.myID.raw)
        guard configuration.quorum.containsQuorum(acked) else { return }
        phase = .persistingCurrentEpoch
        pending.persist.append(.currentEpoch(newEpoch))
    }

    private mutating func durable(_ write: EpochWrite) {
        switch write {
        case .acceptedEpoch(let epoch):
            durableAcceptedEpoch = epoch
            guard phase == .persistingAcceptedEpoch, epoch == newEpoch else { return }
            phase = .waitingForEpochAcks
            phaseStartTick = ticks
            for link in learners.keys.sorted() { sendLeaderInfo(to: link) }
            checkEpochAckQuorum()
        case .currentEpoch(let epoch):
            durableCurrentEpoch = epoch
            guard phase == .persistingCurrentEpoch, epoch == newEpoch else { return }
            phase = .waitingForNewLeaderAcks
            phaseStartTick = ticks
            for link in learners.keys.sorted() {
                if case .ackedEpoch = learners[link]?.stage { startSync(link) }
            }
            checkNewLeaderQuorum()
        }
    }

    // MARK: Synchronisation

    private mutating func startSync(_ link: LearnerLink) {
        guard var learner = learners[link], case .ackedEpoch(let peerLastZxid) = learner.stage else { return }
        let plan = SyncPlan.choose(
            peerLastZxid: peerLastZxid, window: configuration.window,
            forceSnapshot: configuration.forceSnapshotSync, plantedBug: configuration.plantedBug
        )
        learner.stage = .awaitingNewLeaderAck(plan)
        learner.lastProgressTick = ticks
        learners[link] = learner
        let newLeader = LeaderSyncMessage(
            to: link, send: .packet(NewLeader(newEpoch: newEpoch, config: configuration.configText).packet)
        )
        switch plan.method {
        case .diff: pending.messages.append(LeaderSyncMessage(to: link, send: .packet(QuorumPacket(.diff, zxid: plan.zxid))))
        case .trunc: pending.messages.append(LeaderSyncMessage(to: link, send: .packet(QuorumPacket(.trunc, zxid: plan.zxid))))
        case .snap: pending.messages.append(LeaderSyncMessage(to: link, send: .snapshot(zxid: plan.zxid)))
        }
        if configuration.plantedBug == .leaderSendsNewLeaderBeforeData { pending.messages.append(newLeader) }
        for proposal in plan.proposals {
            pending.messages.append(LeaderSyncMessage(to: link, send: .packet(proposal.proposalPacket)))
            pending.messages.append(LeaderSyncMessage(to: link, send: .packet(QuorumPacket(.commit, zxid: proposal.header.zxid))))
        }
        // NEWLEADER goes after every sync packet (ZOOKEEPER-3104).
        if configuration.plantedBug != .leaderSendsNewLeaderBeforeData { pending.messages.append(newLeader) }
    }

    private mutating func receiveNewLeaderAck(from link: LearnerLink, plan: SyncPlan) {
        guard var learner = learners[link] else { return }
        learner.stage = .synced(plan)
        learners[link] = learner
        if !learner.isObserver { newLeaderAcks.insert(learner.sid) }
        if phase == .established {
            pending.messages.append(LeaderSyncMessage(to: link, send: .packet(QuorumPacket(.upToDate, zxid: -1))))
            if let record = syncedRecord(link) { pending.synced.append(record) }
        } else {
            checkNewLeaderQuorum()
        }
    }

    private mutating func checkNewLeaderQuorum() {
        guard phase == .waitingForNewLeaderAcks else { return }
        var acked = newLeaderAcks
        acked.insert(configuration.myID.raw)
        guard configuration.quorum.containsQuorum(acked) else { return }
        phase = .established
        var synced: [SyncedLearner] = []
        for link in learners.keys.sorted() {
            guard let record = syncedRecord(link) else { continue }
            pending.messages.append(LeaderSyncMessage(to: link, send: .packet(QuorumPacket(.upToDate, zxid: -1))))
            synced.append(record)
        }
        pending.established = LeaderEstablished(epoch: newEpoch, learners: synced)
    }

    private func syncedRecord(_ link: LearnerLink) -> SyncedLearner? {
        guard let learner = learners[link], case .synced(let plan) = learner.stage else { return nil }
        return SyncedLearner(link: link, sid: learner.sid, isObserver: learner.isObserver, method: plan.method, lastQueuedZxid: plan.lastQueuedZxid)
    }

    // MARK: Failure

    private mutating func unexpected(_ link: LearnerLink, _ packet: QuorumPacket) {
        drop(link, .unexpectedPacket(link, type: packet.type))
    }

    private mutating func drop(_ link: LearnerLink, _ error: LeaderSyncError) {
        learners[link] = nil
        pending.errors.append(error)
        pending.disconnect.append(link)
    }

    private mutating func abandon(_ error: LeaderSyncError) {
        phase = .abandoned
        pending.errors.append(error)
        pending.abandoned = true
        for link in learners.keys.sorted() { pending.disconnect.append(link) }
        learners = [:]
    }
}
