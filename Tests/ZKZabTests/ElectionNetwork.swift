import NIOCore
import ZKProtocol
import ZKServerCore
import ZKZab

// The real quorum rules drive the election in every test.
extension QuorumVerifier: ElectionQuorum {}

/// A seeded generator (SplitMix64): one seed, one run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func member(_ id: Int64, _ type: LearnerType = .participant) -> QuorumServer {
    QuorumServer(id: id, addresses: [.init(host: "127.0.0.1", quorumPort: 2888 + Int(id), electionPort: 3888 + Int(id))], type: type)
}

func ms(_ value: Int64) -> UInt64 { UInt64(value) * 1_000_000 }

/// A deterministic election network: every server's machine, messages in
/// flight with their delivery times (FIFO per link, as over TCP), and one
/// clock. Nothing runs on its own: `run` delivers messages and fires
/// deadlines in time order.
struct ElectionNetwork {
    struct InFlight {
        var at: UInt64
        var seq: Int
        var from: ServerID
        var to: ServerID
        var notification: Notification
    }

    /// How links behave: a fixed delay, or seeded random delays and drops.
    enum Links {
        case fixed(delayNanos: UInt64)
        case random(minDelayNanos: UInt64, maxDelayNanos: UInt64, dropPercent: Int)
    }

    struct Record {
        var server: ServerID
        var decision: ElectionDecision
        var atNanos: UInt64
    }

    struct Sent {
        var from: ServerID
        var to: ServerID
        var notification: Notification
        var atNanos: UInt64
    }

    let quorum: QuorumVerifier
    var nodes: [ServerID: Election] = [:]
    var histories: [ServerID: Election.History] = [:]
    var links: Links
    var random: SeededRandom
    var nowNanos: UInt64 = 0
    var inFlight: [InFlight] = []
    var seq = 0
    var linkClock: [Int64: UInt64] = [:]
    /// Links whose messages are held back until released (scripted delays).
    var held: Set<Int64> = []
    var heldMessages: [InFlight] = []
    var decisions: [Record] = []
    var sent: [Sent] = []
    var steps = 0

    /// When set, a small model of what Zab does after an election: a
    /// follower that cannot reach a LEADING leader within `syncLimit`, and a
    /// leader that no quorum follows by then, go back to LOOKING. That is how
    /// Apache recovers from an election that ended on different leaders.
    var syncLimitNanos: UInt64?
    var checks: [ServerID: UInt64] = [:]
    var established: ServerID?
    var restarts = 0

    init(quorum: QuorumVerifier, links: Links = .fixed(delayNanos: ms(1)), seed: UInt64 = 1, finalizeWait: TimeAmount = .milliseconds(200),
         wrap: (QuorumVerifier) -> any ElectionQuorum = { $0 }) {
        self.quorum = quorum
        self.links = links
        self.random = SeededRandom(seed: seed)
        for (id, server) in quorum.members {
            let configuration = Election.Configuration(
                myID: ServerID(raw: id), peerType: server.type == .observer ? .observer : .participant,
                quorum: wrap(quorum), finalizeWait: finalizeWait,
                minNotificationInterval: max(finalizeWait, .milliseconds(50))
            )
            nodes[ServerID(raw: id)] = Election(configuration: configuration)
        }
    }

    var now: Now { Now(monotonicNanos: nowNanos, wallMillis: 0) }

    private func linkKey(_ from: ServerID, _ to: ServerID) -> Int64 { from.raw << 20 | to.raw }

    mutating func hold(from: ServerID, to: ServerID) { held.insert(linkKey(from, to)) }

    mutating func release(from: ServerID, to: ServerID) {
        held.remove(linkKey(from, to))
        let releasing = heldMessages.filter { $0.from == from && $0.to == to }
        heldMessages.removeAll { $0.from == from && $0.to == to }
        for var message in releasing {
            message.at = max(message.at, nowNanos)
            inFlight.append(message)
        }
    }

    /// Starts `id` LOOKING with its history.
    mutating func start(_ id: ServerID, zxid: Int64, epoch: Int64) {
        let history = Election.History(lastLoggedZxid: zxid, currentEpoch: epoch)
        histories[id] = history
        let instant = now
        nodes[id]?.tick(now: instant)
        nodes[id]?.start(lookingWith: history)
        drain(id)
    }

    /// Takes `id` out: its machine stops and messages to it are lost.
    mutating func crash(_ id: ServerID) {
        nodes[id] = nil
        checks[id] = nil
    }

    func decision(of id: ServerID) -> ElectionDecision? { decisions.last { $0.server == id }?.decision }

    mutating func drain(_ id: ServerID) {
        guard let ready = nodes[id]?.ready(), !ready.isEmpty else { return }
        for message in ready.messages {
            sent.append(Sent(from: id, to: message.to, notification: message.notification, atNanos: nowNanos))
            guard nodes[message.to] != nil else { continue }
            let delay: UInt64
            switch links {
            case .fixed(let nanos):
                delay = nanos
            case .random(let low, let high, let dropPercent):
                if Int.random(in: 0..<100, using: &random) < dropPercent { continue }
                delay = UInt64.random(in: low...high, using: &random)
            }
            let key = linkKey(id, message.to)
            let at = max(nowNanos + delay, linkClock[key] ?? 0)
            linkClock[key] = at
            seq += 1
            let flight = InFlight(at: at, seq: seq, from: id, to: message.to, notification: message.notification)
            if held.contains(key) { heldMessages.append(flight) } else { inFlight.append(flight) }
        }
        if let decision = ready.decision {
            decisions.append(Record(server: id, decision: decision, atNanos: nowNanos))
            if let syncLimitNanos { checks[id] = nowNanos + syncLimitNanos }
        }
        nodes[id]?.advance(ready)
    }

    /// Runs until `done` holds, nothing is left to do, or `limitNanos`.
    @discardableResult
    mutating func run(untilNanos limitNanos: UInt64, maxSteps: Int = 200_000, done: (ElectionNetwork) -> Bool = { _ in false }) -> Bool {
        while steps < maxSteps {
            if done(self) { return true }
            var next = inFlight.map(\.at).min()
            for node in nodes.values {
                if let deadline = node.nextDeadline?.monotonicNanos { next = min(next ?? deadline, deadline) }
            }
            for at in checks.values { next = min(next ?? at, at) }
            guard let at = next, at <= limitNanos else { break }
            nowNanos = max(nowNanos, at)
            steps += 1
            // Deliver everything due, oldest first.
            let due = inFlight.filter { $0.at <= nowNanos }.sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
            inFlight.removeAll { $0.at <= nowNanos }
            let instant = now
            for message in due where nodes[message.to] != nil {
                nodes[message.to]?.tick(now: instant)
                drain(message.to)
                nodes[message.to]?.step(from: message.from, message.notification)
                drain(message.to)
            }
            for id in nodes.keys.sorted() {
                if let deadline = nodes[id]?.nextDeadline?.monotonicNanos, deadline <= nowNanos {
                    nodes[id]?.tick(now: instant)
                    drain(id)
                }
            }
            for (id, at) in checks.sorted(by: { $0.key < $1.key }) where at <= nowNanos {
                check(id)
            }
        }
        return done(self)
    }

    /// Zab's verdict on an election result, `syncLimit` after the decision.
    private mutating func check(_ id: ServerID) {
        checks[id] = nil
        guard let node = nodes[id], node.state != .looking, let vote = node.currentVote, let history = histories[id] else { return }
        let leader = ServerID(raw: vote.leader)
        if node.state == .leading {
            let followers = nodes.filter { $0.value.state != .looking && $0.value.currentVote?.leader == leader.raw }
            if quorum.containsQuorum(Set(followers.keys.map(\.raw))) {
                established = established ?? leader
                if established == leader { return }
            }
        } else if established == leader {
            return
        } else if established == nil, nodes[leader]?.state == .leading {
            checks[id] = nowNanos + (syncLimitNanos ?? 0)
            return
        }
        restarts += 1
        let instant = now
        nodes[id]?.tick(now: instant)
        nodes[id]?.start(lookingWith: history)
        drain(id)
    }

    /// Every live server has decided, on the same leader, and that leader leads.
    var settled: Bool {
        guard let leaderNode = nodes.values.first(where: { $0.state == .leading }), let leader = leaderNode.currentVote?.leader else { return false }
        return nodes.values.allSatisfy { $0.state != .looking && $0.currentVote?.leader == leader }
    }
}
