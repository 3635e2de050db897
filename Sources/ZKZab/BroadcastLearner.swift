import NIOCore
import ZKProtocol

/// A follower's or observer's side of Zab's broadcast phase for one
/// established epoch, as a pure machine (Apache's `Follower.processPacket`,
/// `FollowerZooKeeperServer.logRequest`/`commit`, `Observer.processPacket`).
///
/// A follower logs each PROPOSAL in order, ACKs it once the shell reports it
/// durable with `persisted(through:)`, and applies it once the leader's
/// COMMIT names it and it is durable here. An observer logs and applies each
/// INFORM (already committed by a quorum), in zxid order. The shell feeds
/// every packet from the leader to `step(_:)`, then carries out `ready()`
/// and calls `advance(_:)`; PING replies (which carry the learner's
/// sessions), SYNC and REVALIDATE are the shell's.
///
/// The first fault in what the leader sends (an out-of-order zxid, a COMMIT
/// that is not the oldest pending proposal, unreadable data) halts the
/// machine with an error in `ready()`; the shell drops the connection and
/// goes LOOKING.
public struct BroadcastLearner: Sendable {
    /// The learner's settings.
    public struct Configuration: Sendable {
        /// This server's id.
        public var myID: ServerID
        /// The leader, to whom ACKs go.
        public var leader: ServerID
        /// The established epoch.
        public var epoch: Int64
        /// Observer (INFORM) or follower (PROPOSAL, COMMIT).
        public var isObserver: Bool
        /// The bounds.
        public var limits: BroadcastLimits

        /// Creates a configuration.
        public init(myID: ServerID, leader: ServerID, epoch: Int64, isObserver: Bool = false, limits: BroadcastLimits = .defaults) {
            self.myID = myID
            self.leader = leader
            self.epoch = epoch
            self.isObserver = isObserver
            self.limits = limits
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// The last zxid received and queued for the log.
    public private(set) var lastLoggedZxid: Int64
    /// The last zxid the local log reported durable.
    public private(set) var lastPersistedZxid: Int64
    /// The last zxid the leader committed (for an observer: the last INFORM).
    public private(set) var lastCommittedZxid: Int64
    /// The last zxid handed to the shell to apply.
    public private(set) var lastAppliedZxid: Int64
    /// The error that halted the machine, once one has.
    public private(set) var haltedBy: BroadcastError?

    var faults: BroadcastFaults = []
    /// Transactions lastApplied+1 ... lastLogged, in order.
    private var entries = CircularBuffer<Entry>()
    private var pending = BroadcastReady()

    private struct Entry: Sendable {
        var payload: ProposalPayload
        var activation: Activation?
    }

    /// A learner whose log and applied state end at `lastZxid`, the zxid it
    /// synced to.
    public init(configuration: Configuration, lastZxid: Int64) {
        self.configuration = configuration
        lastLoggedZxid = lastZxid
        lastPersistedZxid = lastZxid
        lastCommittedZxid = lastZxid
        lastAppliedZxid = lastZxid
    }

    /// Transactions received and not yet applied.
    public var pendingCount: Int { entries.count }

    // MARK: Inputs

    /// Takes a packet from the leader.
    public mutating func step(_ packet: QuorumPacket) {
        guard haltedBy == nil, let type = packet.packetType else { return }
        switch (type, configuration.isObserver) {
        case (.proposal, false):
            guard let payload = readPayload(packet, type: type, data: packet.data.bytesOrEmpty) else { return }
            guard append(payload, type: type, activation: nil) else { return }
            if faults.contains(.followerAcksBeforePersist) { ack(payload.header.zxid) }
        case (.commit, false), (.commitAndActivate, false):
            var activation: Activation?
            if type == .commitAndActivate {
                do {
                    activation = try Activation(packet: packet)
                } catch {
                    halt(.malformed(type: type, zxid: packet.zxid, error: error))
                    return
                }
            }
            commit(packet.zxid, activation: activation)
        case (.inform, true):
            guard let payload = readPayload(packet, type: type, data: packet.data.bytesOrEmpty) else { return }
            guard append(payload, type: type, activation: nil) else { return }
            lastCommittedZxid = payload.header.zxid
        case (.informAndActivate, true):
            let activation: Activation
            do {
                activation = try Activation(packet: packet)
            } catch {
                halt(.malformed(type: type, zxid: packet.zxid, error: error))
                return
            }
            guard let payload = activation.proposal else { return }
            guard checkZxids(packet, type: type, headerZxid: payload.header.zxid) else { return }
            guard append(payload, type: type, activation: Activation(zxid: activation.zxid, designatedLeader: activation.designatedLeader, proposal: nil)) else {
                return
            }
            lastCommittedZxid = payload.header.zxid
        default:
            // An observer ignores PROPOSAL and COMMIT after sync, as Apache's
            // Observer does; the rest is the shell's.
            return
        }
        release()
    }

    /// The local log is durable through `zxid`: a follower ACKs each
    /// proposal up to it, in order.
    public mutating func persisted(through zxid: Int64) {
        guard haltedBy == nil else { return }
        let through = min(zxid, lastLoggedZxid)
        guard through > lastPersistedZxid else { return }
        if !configuration.isObserver, !faults.contains(.followerAcksBeforePersist) {
            for entry in entries where entry.payload.header.zxid > lastPersistedZxid && entry.payload.header.zxid <= through {
                ack(entry.payload.header.zxid)
            }
        }
        lastPersistedZxid = through
        release()
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

    // MARK: Steps

    private mutating func readPayload(_ packet: QuorumPacket, type: QuorumPacketType, data: [UInt8]) -> ProposalPayload? {
        let payload: ProposalPayload
        do {
            payload = try ProposalPayload(decoding: data)
        } catch {
            halt(.malformed(type: type, zxid: packet.zxid, error: error))
            return nil
        }
        guard checkZxids(packet, type: type, headerZxid: payload.header.zxid) else { return nil }
        return payload
    }

    private mutating func checkZxids(_ packet: QuorumPacket, type: QuorumPacketType, headerZxid: Int64) -> Bool {
        guard packet.zxid == headerZxid else {
            halt(.zxidMismatch(type: type, packetZxid: packet.zxid, headerZxid: headerZxid))
            return false
        }
        return true
    }

    /// Queues `payload` for the log if it is the next zxid. A gap is an error
    /// here, where Apache 3.8 only logs it in broadcast (3.9.4+ refuses it
    /// during sync): a follower that logs around a hole would ACK a history
    /// the leader does not have.
    private mutating func append(_ payload: ProposalPayload, type: QuorumPacketType, activation: Activation?) -> Bool {
        let zxid = payload.header.zxid
        let expected = nextZxid(after: lastLoggedZxid, epoch: configuration.epoch)
        guard zxid == expected else {
            halt(.zxidNotNext(type: type, zxid: zxid, expected: expected))
            return false
        }
        guard entries.count < configuration.limits.maxOutstandingProposals else {
            halt(.tooManyPending(limit: configuration.limits.maxOutstandingProposals))
            return false
        }
        entries.append(Entry(payload: payload, activation: activation))
        lastLoggedZxid = zxid
        pending.toPersist.append(payload)
        return true
    }

    /// COMMIT must name the oldest uncommitted proposal
    /// (FollowerZooKeeperServer.commit). Apache only warns when nothing is
    /// pending; that cannot happen in broadcast, so it is an error here too.
    private mutating func commit(_ zxid: Int64, activation: Activation?) {
        let expected = lastCommittedZxid < lastLoggedZxid ? nextZxid(after: lastCommittedZxid, epoch: configuration.epoch) : nil
        guard let expected, zxid == expected, let first = entries.first?.payload.header.zxid else {
            halt(.unmatchedCommit(zxid: zxid, expected: expected))
            return
        }
        if let activation {
            let index = entries.index(entries.startIndex, offsetBy: Int(zxid - first))
            entries[index].activation = Activation(zxid: zxid, designatedLeader: activation.designatedLeader, proposal: nil)
        }
        lastCommittedZxid = zxid
    }

    private mutating func ack(_ zxid: Int64) {
        pending.messages.append(BroadcastMessage(to: configuration.leader, packet: QuorumPacket(.ack, zxid: zxid)))
    }

    /// Hands the shell what is both committed and durable here.
    private mutating func release() {
        while lastAppliedZxid < min(lastCommittedZxid, lastPersistedZxid), let entry = entries.popFirst() {
            lastAppliedZxid = entry.payload.header.zxid
            pending.committed.append(entry.payload)
            if let activation = entry.activation { pending.activations.append(activation) }
        }
    }

    private mutating func halt(_ error: BroadcastError) {
        haltedBy = error
        pending.errors.append(error)
    }
}
