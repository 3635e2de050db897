import ZKProtocol

/// A learner's side of Zab's discovery and synchronisation (Apache's
/// `Learner.registerWithLeader` and `syncWithLeader`), as a pure machine,
/// for one connection to a leader.
///
/// The shell feeds it `start()`, `receive(_:)` for each packet from the
/// leader, `disconnected()` and `tick()`; takes `ready()`; carries it out in
/// the order `LearnerSyncReady` states; then calls `advance(_:)`, which is
/// how the machine learns that what it asked to persist is durable. The
/// orders that matter are kept by waiting for that: ACKEPOCH only after a
/// new acceptedEpoch is on disk; at NEWLEADER the synced transactions (and a
/// SNAP's tree) are made durable first, currentEpoch is written only after
/// that, and the ACK only after both (ZOOKEEPER-3911, 4643, 4785).
///
/// Nothing is applied to the tree here: what is durable, and what the
/// broadcast phase must still log, is reported in `LearnerServing`.
public struct LearnerSync: Sendable {
    /// The learner's settings and durable state at the start.
    public struct Configuration: Sendable {
        /// This server's id.
        public var myID: ServerID
        /// OBSERVERINFO instead of FOLLOWERINFO.
        public var isObserver: Bool
        /// The `acceptedEpoch` file.
        public var acceptedEpoch: Int64
        /// The `currentEpoch` file.
        public var currentEpoch: Int64
        /// The last zxid in the log (or snapshot).
        public var lastLoggedZxid: Int64
        /// The version of the quorum configuration it holds.
        public var configVersion: Int64
        /// Ticks to wait for the leader before NEWLEADER is acknowledged (`initLimit`).
        public var initLimitTicks: Int
        /// Ticks to wait for the leader after that (`syncLimit`).
        public var syncLimitTicks: Int
        /// Bounds.
        public var limits: SyncLimits
        /// A planted bug, for the random tests only.
        var plantedBug: PlantedSyncBug?

        /// Creates a configuration.
        public init(
            myID: ServerID, isObserver: Bool = false, acceptedEpoch: Int64, currentEpoch: Int64, lastLoggedZxid: Int64,
            configVersion: Int64 = 0, initLimitTicks: Int = 10, syncLimitTicks: Int = 5, limits: SyncLimits = .defaults
        ) {
            self.myID = myID
            self.isObserver = isObserver
            self.acceptedEpoch = acceptedEpoch
            self.currentEpoch = currentEpoch
            self.lastLoggedZxid = lastLoggedZxid
            self.configVersion = configVersion
            self.initLimitTicks = initLimitTicks
            self.syncLimitTicks = syncLimitTicks
            self.limits = limits
        }
    }

    /// Where the learner stands.
    public enum Phase: String, Hashable, Sendable {
        /// FOLLOWERINFO sent; waiting for LEADERINFO.
        case registering
        /// Writing the new acceptedEpoch before ACKEPOCH.
        case persistingAcceptedEpoch
        /// ACKEPOCH sent; waiting for DIFF, TRUNC or SNAP.
        case awaitingSyncOp
        /// Taking PROPOSAL/COMMIT until NEWLEADER.
        case syncing
        /// NEWLEADER seen; making the synced transactions durable.
        case persistingTxns
        /// Writing currentEpoch before the ACK.
        case persistingCurrentEpoch
        /// NEWLEADER acknowledged; waiting for UPTODATE.
        case awaitingUpToDate
        /// In sync; the broadcast phase owns the connection.
        case serving
        /// Gave up; see the failure.
        case failed
    }

    private struct Queued: Sendable {
        var proposal: ProposalPayload
        var committed: Bool
    }

    /// The settings.
    public let configuration: Configuration
    /// Where the learner stands.
    public private(set) var phase: Phase = .registering
    /// The epoch the leader offered in LEADERINFO.
    public private(set) var newEpoch: Int64 = -1
    /// The acceptedEpoch as last made durable.
    public private(set) var durableAcceptedEpoch: Int64
    /// The currentEpoch as last made durable.
    public private(set) var durableCurrentEpoch: Int64
    /// The last zxid in the log, as the sync has left it so far.
    public private(set) var lastLoggedZxid: Int64
    /// DIFF, TRUNC or SNAP, once the leader has said.
    public private(set) var method: SyncMethod?

    private var started = false
    private var ticks = 0
    private var lastHeardTick = 0
    private var queue: [Queued] = []
    private var bufferedPackets = 0
    private var lastQueued: Int64 = 0
    private var enforceContiguity = true
    private var snapshotZxid: Int64?
    private var snapshotUnsaved = false
    private var ackSent = false
    private var upToDateEarly = false
    private var deferredPersist: [LearnerPersist]?
    private var pending = LearnerSyncReady()

    /// A machine for one connection; it does nothing until `start()`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.durableAcceptedEpoch = configuration.acceptedEpoch
        self.durableCurrentEpoch = configuration.currentEpoch
        self.lastLoggedZxid = configuration.lastLoggedZxid
    }

    /// The zxid NEWLEADER carries and its ACK echoes.
    public var newLeaderZxid: Int64 { ZxidMath.zxid(epoch: newEpoch, counter: 0) }

    // MARK: Inputs

    /// Sends FOLLOWERINFO (or OBSERVERINFO) with our acceptedEpoch.
    public mutating func start() {
        guard !started else { return }
        started = true
        lastHeardTick = ticks
        let hello = LearnerHello(
            isObserver: configuration.isObserver, acceptedEpoch: durableAcceptedEpoch,
            sid: configuration.myID.raw, configVersion: configuration.configVersion
        )
        pending.messages.append(hello.packet)
    }

    /// One packet from the leader.
    public mutating func receive(_ packet: QuorumPacket) {
        guard started, phase != .failed, phase != .serving else { return }
        lastHeardTick = ticks
        switch phase {
        case .registering:
            receiveLeaderInfo(packet)
        case .awaitingSyncOp:
            receiveSyncOp(packet)
        case .syncing, .persistingTxns, .persistingCurrentEpoch, .awaitingUpToDate:
            receiveDuringSync(packet)
        case .persistingAcceptedEpoch, .serving, .failed:
            fail(.unexpectedPacket(type: packet.type))
        }
    }

    /// The shell could not read the snapshot stream after SNAP.
    public mutating func snapshotLoadFailed(reason: String) {
        fail(.malformedPacket(reason: "snapshot stream: \(reason)"))
    }

    /// The connection to the leader closed.
    public mutating func disconnected() {
        guard started, phase != .serving, phase != .failed else { return }
        fail(.disconnected)
    }

    /// Advances time by one tick; waiting for the leader past `initLimit`
    /// (before our NEWLEADER ACK) or `syncLimit` (after) fails.
    public mutating func tick() {
        guard started else { return }
        ticks += 1
        let limit: Int
        switch phase {
        case .registering, .awaitingSyncOp, .syncing: limit = configuration.initLimitTicks
        case .awaitingUpToDate: limit = configuration.syncLimitTicks
        default: return
        }
        if ticks - lastHeardTick >= limit { fail(.timedOut) }
    }

    // MARK: Output

    /// What to do now.
    public func ready() -> LearnerSyncReady { pending }

    /// True when `ready()` has something to do.
    public var hasReady: Bool { !pending.isEmpty }

    /// Marks `ready` (a value `ready()` returned) as done: truncation,
    /// snapshot load and persists are durable, messages are written.
    public mutating func advance(_ ready: LearnerSyncReady) {
        if ready.truncate != nil, pending.truncate == ready.truncate { pending.truncate = nil }
        if ready.loadSnapshot != nil, pending.loadSnapshot == ready.loadSnapshot { pending.loadSnapshot = nil }
        pending.persist.removeFirst(min(ready.persist.count, pending.persist.count))
        pending.messages.removeFirst(min(ready.messages.count, pending.messages.count))
        if ready.serving != nil { pending.serving = nil }
        if ready.failure != nil { pending.failure = nil }
        guard phase != .failed else { return }
        var wroteTxns = false
        for item in ready.persist {
            switch item {
            case .epoch(.acceptedEpoch(let epoch)):
                durableAcceptedEpoch = epoch
                if phase == .persistingAcceptedEpoch, epoch == newEpoch {
                    phase = .awaitingSyncOp
                    lastHeardTick = ticks
                    sendAckEpoch(currentEpoch: Int32(truncatingIfNeeded: durableCurrentEpoch))
                }
            case .epoch(.currentEpoch(let epoch)):
                durableCurrentEpoch = epoch
                if phase == .persistingCurrentEpoch, epoch == newEpoch { acknowledgeNewLeader() }
            case .snapshot:
                snapshotUnsaved = false
                wroteTxns = true
            case .txns:
                wroteTxns = true
            }
        }
        if let deferred = deferredPersist, !ready.messages.isEmpty {
            // The planted bug: the ACK went first; the data follows now.
            deferredPersist = nil
            pending.persist.append(contentsOf: deferred)
            return
        }
        if wroteTxns, phase == .persistingTxns { persistCurrentEpoch() }
    }

    // MARK: Discovery

    private mutating func receiveLeaderInfo(_ packet: QuorumPacket) {
        guard packet.packetType == .leaderInfo else { return fail(.unexpectedPacket(type: packet.type)) }
        let info: LeaderInfo
        do {
            info = try LeaderInfo(packet: packet)
        } catch {
            return fail(.malformedPacket(reason: "\(error)"))
        }
        newEpoch = info.newEpoch
        if info.newEpoch > durableAcceptedEpoch {
            // The file first; ACKEPOCH once it is durable (ZOOKEEPER-2307).
            phase = .persistingAcceptedEpoch
            pending.persist.append(.epoch(.acceptedEpoch(info.newEpoch)))
        } else if info.newEpoch == durableAcceptedEpoch {
            phase = .awaitingSyncOp
            sendAckEpoch(currentEpoch: AckEpoch.alreadyAccepted)
        } else {
            fail(.leaderEpochBehind(offered: info.newEpoch, accepted: durableAcceptedEpoch))
        }
    }

    private mutating func sendAckEpoch(currentEpoch: Int32) {
        pending.messages.append(AckEpoch(lastLoggedZxid: lastLoggedZxid, currentEpoch: currentEpoch).packet)
    }

    // MARK: Synchronisation

    private mutating func receiveSyncOp(_ packet: QuorumPacket) {
        switch packet.packetType {
        case .diff:
            method = .diff
        case .trunc:
            guard packet.zxid <= lastLoggedZxid else {
                return fail(.malformedPacket(reason: "TRUNC to \(Zxid(raw: packet.zxid)) is past our last zxid \(Zxid(raw: lastLoggedZxid))"))
            }
            method = .trunc
            pending.truncate = packet.zxid
            lastLoggedZxid = packet.zxid
        case .snap:
            method = .snap
            pending.loadSnapshot = packet.zxid
            snapshotZxid = packet.zxid
            snapshotUnsaved = true
            enforceContiguity = false
            lastLoggedZxid = packet.zxid
        default:
            return fail(.unexpectedPacket(type: packet.type))
        }
        lastQueued = lastLoggedZxid
        phase = .syncing
    }

    private mutating func receiveDuringSync(_ packet: QuorumPacket) {
        switch packet.packetType {
        case .proposal:
            guard let proposal = decodeProposal(packet) else { return }
            queueProposal(proposal, committed: false)
        case .inform:
            guard let proposal = decodeProposal(packet) else { return }
            queueProposal(proposal, committed: true)
        case .commit:
            guard countBuffered() else { return }
            if let snapshotZxid, packet.zxid <= snapshotZxid { return }
            guard let index = queue.firstIndex(where: { $0.proposal.header.zxid == packet.zxid }) else {
                return fail(.commitWithoutProposal(zxid: packet.zxid))
            }
            queue[index].committed = true
        case .newLeader:
            guard phase == .syncing else { return fail(.unexpectedPacket(type: packet.type)) }
            let epoch = ZxidMath.epoch(of: packet.zxid)
            guard epoch == newEpoch else { return fail(.newLeaderEpochMismatch(expected: newEpoch, got: epoch)) }
            receiveNewLeader()
        case .ping:
            // An Apache leader starts pinging a learner as soon as NEWLEADER
            // is queued; Learner.syncWithLeader ignores those pings, and so
            // do we (the broadcast phase answers pings).
            return
        case .upToDate:
            guard ackSent else { return fail(.unexpectedPacket(type: packet.type)) }
            if phase == .awaitingUpToDate {
                startServing()
            } else {
                upToDateEarly = true
            }
        default:
            fail(.unexpectedPacket(type: packet.type))
        }
    }

    private mutating func decodeProposal(_ packet: QuorumPacket) -> ProposalPayload? {
        do {
            let proposal = try ProposalPayload(decoding: packet.data.bytesOrEmpty)
            guard proposal.header.zxid == packet.zxid else {
                fail(.malformedPacket(reason: "packet zxid \(Zxid(raw: packet.zxid)) but transaction zxid \(Zxid(raw: proposal.header.zxid))"))
                return nil
            }
            return proposal
        } catch {
            fail(.malformedPacket(reason: "\(error)"))
            return nil
        }
    }

    private mutating func countBuffered() -> Bool {
        bufferedPackets += 1
        guard bufferedPackets <= configuration.limits.maxPacketsBufferedDuringSync else {
            fail(.tooManyPacketsDuringSync(limit: configuration.limits.maxPacketsBufferedDuringSync))
            return false
        }
        return true
    }

    private mutating func queueProposal(_ proposal: ProposalPayload, committed: Bool) {
        guard countBuffered() else { return }
        let zxid = proposal.header.zxid
        if let snapshotZxid, zxid <= snapshotZxid {
            // A fuzzy SNAP may already hold what is forwarded after it.
            return
        }
        // Within an epoch every zxid follows the one before; a new epoch may
        // start anywhere past it (Apache 3.9.4's enforceContinuousProposal,
        // here from the sync point on, not only between proposals).
        // After a SNAP the first one is taken as it comes, as Apache does
        // (its own tests forward 0x1000003e8 after a SNAP at 0x100000001).
        let sameEpoch = ZxidMath.epoch(of: zxid) == ZxidMath.epoch(of: lastQueued)
        let contiguous = sameEpoch ? zxid == lastQueued + 1 : ZxidMath.epoch(of: zxid) > ZxidMath.epoch(of: lastQueued)
        guard contiguous || !enforceContiguity else { return fail(.proposalNotContiguous(previous: lastQueued, zxid: zxid)) }
        enforceContiguity = true
        lastQueued = zxid
        queue.append(Queued(proposal: proposal, committed: committed))
    }

    private mutating func receiveNewLeader() {
        // The committed prefix is logged now; proposals not yet committed
        // stay queued for the broadcast phase, so a COMMIT that follows our
        // ACK still finds them (ZOOKEEPER-4394).
        var batch: [LearnerPersist] = []
        if snapshotUnsaved, let snapshotZxid { batch.append(.snapshot(zxid: snapshotZxid)) }
        let committedCount = queue.prefix(while: { $0.committed }).count
        if committedCount > 0 {
            let txns = queue.prefix(committedCount).map(\.proposal)
            queue.removeFirst(committedCount)
            batch.append(.txns(Array(txns)))
            lastLoggedZxid = txns.last?.header.zxid ?? lastLoggedZxid
        }
        switch configuration.plantedBug {
        case .learnerWritesEpochBeforeTxns:
            phase = .persistingCurrentEpoch
            pending.persist.append(.epoch(.currentEpoch(newEpoch)))
            pending.persist.append(contentsOf: batch)
        case .learnerAcksNewLeaderBeforeFsync where !batch.isEmpty:
            phase = .persistingTxns
            ackSent = true
            pending.messages.append(QuorumPacket(.ack, zxid: newLeaderZxid))
            deferredPersist = batch
        default:
            if batch.isEmpty {
                persistCurrentEpoch()
            } else {
                phase = .persistingTxns
                pending.persist.append(contentsOf: batch)
            }
        }
    }

    private mutating func persistCurrentEpoch() {
        phase = .persistingCurrentEpoch
        pending.persist.append(.epoch(.currentEpoch(newEpoch)))
    }

    private mutating func acknowledgeNewLeader() {
        phase = .awaitingUpToDate
        lastHeardTick = ticks
        if !ackSent {
            ackSent = true
            pending.messages.append(QuorumPacket(.ack, zxid: newLeaderZxid))
        }
        if upToDateEarly { startServing() }
    }

    private mutating func startServing() {
        phase = .serving
        pending.messages.append(QuorumPacket(.ack, zxid: ZxidMath.zxid(epoch: newEpoch, counter: 0)))
        pending.serving = LearnerServing(
            epoch: newEpoch, lastLoggedZxid: lastLoggedZxid,
            pendingProposals: queue.map(\.proposal),
            committedZxids: queue.filter(\.committed).map(\.proposal.header.zxid)
        )
        queue = []
    }

    // MARK: Failure

    private mutating func fail(_ error: LearnerSyncError) {
        guard phase != .failed else { return }
        phase = .failed
        pending.failure = LearnerSyncFailure(error: error, discardInMemoryTree: snapshotUnsaved)
        queue = []
    }
}
