import ZKProtocol
import ZKServerCore
@testable import ZKZab

/// A transaction for zxid `zxid` whose bytes name it, so two different
/// transactions never compare equal.
func broadcastTxn(_ zxid: Int64, type: OpCode = .setData) -> ProposalPayload {
    let header = TxnHeader(clientId: 0x0100_0000_0000_0001, cxid: Int32(truncatingIfNeeded: zxid), zxid: zxid, time: 1_700_000_000_000, type: type)
    let set = SetDataTxn(path: JuteBytes(Array("/b".utf8)), data: JuteBytes(Array(String(zxid, radix: 16).utf8)), version: 0)
    return ProposalPayload(header: header, body: type == .reconfig ? .reconfig(set) : .setData(set), digest: nil)
}

/// A deterministic broadcast network for one epoch: a leader (server 1), two
/// followers (2, 3) and an observer (4), every link FIFO as over TCP, each
/// server's log a queue of writes that become durable in order at random
/// moments. One seed is one run. Each step picks one enabled event at
/// random: propose, deliver the head of one link, complete some of one
/// server's writes, tick, or crash a follower (it loses what was not
/// durable and never comes back). Invariants are checked after every step.
struct BroadcastNetwork {
    struct Options {
        var faults: BroadcastFaults = []
        var steps = 600
        var proposals = 60
        var maxOutstanding = 8
        var syncLimitTicks: Int64 = 10
        var crashPerMille = 1
        var learnerLimitFactor = 4
    }

    struct Outcome {
        var violations: [String] = []
        var leaderCommitted: Int64 = 0
        var crashes = 0
        /// Learners that halted at their pending limit and were dropped.
        var droppedAtLimit = 0
        var steppedDown: BroadcastStepDown?
        var refusedForLimit = 0
    }

    static let epoch: Int64 = 3
    static let start = ZxidMath.zxid(epoch: epoch, counter: 0)
    static let leaderID: ServerID = 1
    static let observerID: ServerID = 4

    static let quorumVerifier = QuorumVerifier(majorityOf: [member(1), member(2), member(3), member(4, .observer)])
    var quorum: QuorumVerifier { Self.quorumVerifier }
    let options: Options
    var random: SeededRandom
    var leader: BroadcastLeader
    var learners: [ServerID: BroadcastLearner] = [:]
    /// Packets in flight, per (from, to), in send order.
    var links: [Int64: [QuorumPacket]] = [:]
    /// Writes handed to each server's log and not yet durable.
    var writing: [ServerID: [Int64]] = [:]
    /// The zxid each server's log is durable through (its log is a prefix).
    var durableThrough: [ServerID: Int64] = [:]
    /// What each server applied, in order.
    var applied: [ServerID: [ProposalPayload]] = [:]
    /// Every transaction proposed, in order.
    var proposed: [ProposalPayload] = []
    /// COMMIT/INFORM zxids the leader sent, per destination.
    var commitsSent: [ServerID: Set<Int64>] = [:]
    var highestCommitted = start
    var nowTick: Int64 = 0
    var outcome = Outcome()

    init(seed: UInt64, options: Options = Options()) {
        self.options = options
        random = SeededRandom(seed: seed)
        let limits = BroadcastLimits(maxOutstandingProposals: options.maxOutstanding)
        // A learner holds what it logged until it is committed and durable
        // there, which can run past the leader's window when its disk or its
        // link lags; past its own limit it halts and the shell drops it.
        let learnerLimits = BroadcastLimits(maxOutstandingProposals: options.maxOutstanding * options.learnerLimitFactor)
        leader = BroadcastLeader(configuration: .init(myID: Self.leaderID, quorum: Self.quorumVerifier, epoch: Self.epoch,
                                                      syncLimitTicks: options.syncLimitTicks, limits: limits))
        leader.faults = options.faults
        for id: ServerID in [2, 3, 4] {
            var learner = BroadcastLearner(configuration: .init(myID: id, leader: Self.leaderID, epoch: Self.epoch,
                                                                isObserver: id == Self.observerID, limits: learnerLimits),
                                           lastZxid: Self.start)
            learner.faults = options.faults
            learners[id] = learner
            leader.addLearner(id, isObserver: id == Self.observerID, syncedTo: Self.start)
        }
        for id: ServerID in [1, 2, 3, 4] {
            durableThrough[id] = Self.start
            applied[id] = []
        }
    }

    static func key(_ from: ServerID, _ to: ServerID) -> Int64 { from.raw << 20 | to.raw }
    static func ends(_ key: Int64) -> (from: ServerID, to: ServerID) { (ServerID(raw: key >> 20), ServerID(raw: key & 0xfffff)) }

    mutating func run() -> Outcome {
        for _ in 0..<options.steps {
            step()
            check()
            if !outcome.violations.isEmpty { return finish() }
        }
        quiesce()
        check()
        checkLiveness()
        return finish()
    }

    private mutating func finish() -> Outcome {
        outcome.leaderCommitted = ZxidMath.counter(of: leader.lastCommittedZxid)
        outcome.steppedDown = leader.stepDownReason
        return outcome
    }

    // MARK: Events

    mutating func step() {
        let roll = Int.random(in: 0..<1000, using: &random)
        if roll < options.crashPerMille {
            crashFollower()
        } else if roll < 60 {
            tick()
        } else if roll < 260, proposed.count < options.proposals {
            propose()
        } else if roll < 480 {
            completeWrites()
        } else {
            deliver()
        }
    }

    mutating func propose() {
        let zxid = nextZxid(after: leader.lastProposedZxid, epoch: Self.epoch)
        let payload = broadcastTxn(zxid)
        switch leader.propose(payload) {
        case .proposed: proposed.append(payload)
        case .tooManyOutstanding: outcome.refusedForLimit += 1
        case .stopped: break
        case let other: outcome.violations.append("propose \(hex(zxid)) refused: \(other)")
        }
        drain(Self.leaderID)
    }

    mutating func tick() {
        nowTick += 1
        leader.tick(now: nowTick)
        drain(Self.leaderID)
    }

    mutating func crashFollower() {
        let live = learners.keys.filter { $0 != Self.observerID }.sorted()
        guard let victim = live.randomElement(using: &random) else { return }
        outcome.crashes += 1
        writing[victim] = nil
        disconnect(victim)
    }

    /// Drops `victim`'s machine and connection; its log stays as it is.
    mutating func disconnect(_ victim: ServerID) {
        learners[victim] = nil
        // Its connection closes: what was on the way to it is gone; what it
        // sent may still be read by the leader, which has dropped it.
        for key in links.keys where Self.ends(key).to == victim { links[key] = nil }
        leader.removeLearner(victim)
        drain(Self.leaderID)
    }

    mutating func completeWrites() {
        let busy = writing.filter { !$0.value.isEmpty }.keys.sorted()
        guard let id = busy.randomElement(using: &random), let queue = writing[id] else { return }
        let count = Int.random(in: 1...queue.count, using: &random)
        let through = queue[count - 1]
        writing[id] = Array(queue.dropFirst(count))
        durableThrough[id] = through
        if id == Self.leaderID {
            leader.persisted(through: through)
        } else {
            learners[id]?.persisted(through: through)
        }
        drain(id)
    }

    mutating func deliver() {
        let busy = links.filter { !$0.value.isEmpty }.keys.sorted()
        guard let key = busy.randomElement(using: &random), var queue = links[key], !queue.isEmpty else { return }
        let packet = queue.removeFirst()
        links[key] = queue
        let (from, to) = Self.ends(key)
        if to == Self.leaderID {
            leader.step(from: from, packet)
            drain(Self.leaderID)
        } else if learners[to] != nil {
            // The learner's shell answers PING itself (with its sessions).
            if packet.packetType == .ping { send(from: to, to: Self.leaderID, packet) }
            learners[to]?.step(packet)
            drain(to)
        }
    }

    mutating func quiesce() {
        var rounds = 0
        while rounds < 100_000 {
            rounds += 1
            if links.values.contains(where: { !$0.isEmpty }) {
                deliver()
            } else if writing.values.contains(where: { !$0.isEmpty }) {
                completeWrites()
            } else {
                return
            }
            check()
            if !outcome.violations.isEmpty { return }
        }
        outcome.violations.append("did not quiesce in 100000 events")
    }

    // MARK: The shell

    mutating func send(from: ServerID, to: ServerID, _ packet: QuorumPacket) {
        links[Self.key(from, to), default: []].append(packet)
    }

    mutating func drain(_ id: ServerID) {
        let ready: BroadcastReady
        if id == Self.leaderID {
            ready = leader.ready()
            leader.advance(ready)
        } else {
            guard let learner = learners[id] else { return }
            ready = learner.ready()
            learners[id]?.advance(ready)
        }
        for payload in ready.toPersist { writing[id, default: []].append(payload.header.zxid) }
        for message in ready.messages {
            if id == Self.leaderID, message.packet.packetType == .commit || message.packet.packetType == .inform {
                if commitsSent[message.to, default: []].insert(message.packet.zxid).inserted == false {
                    outcome.violations.append("leader sent \(message.packet.packetType?.name ?? "?") \(hex(message.packet.zxid)) to \(message.to) twice")
                }
            }
            send(from: id, to: message.to, message.packet)
        }
        for payload in ready.committed { apply(payload, at: id) }
        for error in ready.errors {
            if case .tooManyPending = error {
                outcome.droppedAtLimit += 1
                disconnect(id)
            } else {
                outcome.violations.append("server \(id): \(error)")
            }
        }
    }

    mutating func apply(_ payload: ProposalPayload, at id: ServerID) {
        let zxid = payload.header.zxid
        let last = applied[id]?.last?.header.zxid ?? Self.start
        let expected = nextZxid(after: last, epoch: Self.epoch)
        if zxid != expected {
            outcome.violations.append("server \(id) applied \(hex(zxid)) after \(hex(last)): out of order, a gap or twice")
        }
        let index = applied[id]?.count ?? 0
        if index >= proposed.count || proposed[index] != payload {
            outcome.violations.append("server \(id) applied \(hex(zxid)) at position \(index), not what the leader proposed there")
        }
        if (durableThrough[id] ?? Self.start) < zxid {
            outcome.violations.append("server \(id) applied \(hex(zxid)) before its own log held it")
        }
        applied[id, default: []].append(payload)
    }

    // MARK: Invariants

    mutating func check() {
        highestCommitted = max(highestCommitted, leader.lastCommittedZxid)
        for learner in learners.values { highestCommitted = max(highestCommitted, learner.lastCommittedZxid) }
        // Every committed zxid is durable on a quorum of voters: logs are
        // prefixes, so checking the highest is enough.
        if highestCommitted > Self.start {
            let holders = durableThrough.filter { $0.value >= highestCommitted }.keys.map(\.raw)
            if !quorum.containsQuorum(Set(holders)) {
                outcome.violations.append("\(hex(highestCommitted)) committed but durable only on \(holders.sorted())")
            }
        }
        // Every server applied a prefix of one sequence (checked per apply
        // against the proposals); and no one applied past the quorum's commit.
        for (id, sequence) in applied {
            if let last = sequence.last?.header.zxid, last > highestCommitted {
                outcome.violations.append("server \(id) applied \(hex(last)) beyond the commit point \(hex(highestCommitted))")
            }
        }
    }

    /// Once everything is delivered and durable, a leader that kept its
    /// quorum has committed and applied all it proposed, and so has every
    /// live learner.
    mutating func checkLiveness() {
        guard options.faults.isEmpty, leader.stepDownReason == nil else { return }
        let liveVoters = Set([Self.leaderID.raw] + learners.keys.map(\.raw))
        guard quorum.containsQuorum(liveVoters) else { return }
        let last = proposed.last?.header.zxid ?? Self.start
        if leader.lastAppliedZxid != last {
            outcome.violations.append("leader applied through \(hex(leader.lastAppliedZxid)) of \(hex(last)) after quiescing")
        }
        for (id, learner) in learners where learner.lastAppliedZxid != last {
            outcome.violations.append("server \(id) applied through \(hex(learner.lastAppliedZxid)) of \(hex(last)) after quiescing")
        }
    }
}

func hex(_ zxid: Int64) -> String { "0x" + String(zxid, radix: 16) }
