import NIOCore
import ZKProtocol
import ZKServerCore
import ZKZab

/// The real quorum rules, as the election machine asks for them. A wrapper
/// rather than a conformance, so the shell can declare its own.
struct VerifierQuorum: ElectionQuorum {
    let verifier: QuorumVerifier
    var votingMembers: Set<Int64> { verifier.votingMembers }
    func containsQuorum(_ servers: Set<Int64>) -> Bool { verifier.containsQuorum(servers) }
    func weight(of server: Int64) -> Int64 { verifier.weight(of: server) }
    var configText: String { verifier.configText }
}

/// How a simulated election runs.
public struct SimElectionOptions: Sendable {
    public var seed: UInt64
    /// Voters, numbered 1...servers.
    public var servers: Int
    /// The links' delays and chunking.
    public var network: SimNetwork.Options
    /// Mean time between link resets while faults last, in nanoseconds; 0
    /// for none.
    public var meanResetIntervalNanos: UInt64
    /// Faults (resets, stalls) stop at this time, so the run can settle.
    public var faultsUntilNanos: UInt64
    /// Cut a random minority off from the start until a random time in this
    /// range; nil for no partition.
    public var partitionHealNanos: ClosedRange<UInt64>?
    /// Chance that a server stalls, at each reset.
    public var stallChance: Double
    /// The longest stall, in nanoseconds. Kept under finalizeWait (200 ms)
    /// by default: a server frozen for longer can be passed over by the
    /// others, as in Apache, and then the total order's pick is not the
    /// leader (seed 67 of 5 servers with 300 ms stalls).
    public var maxStallNanos: UInt64 = 150_000_000
    /// Servers start within this time of each other.
    public var startSpreadNanos: UInt64
    /// Zab's verdict after a decision (see `SimElection`), in nanoseconds.
    public var syncLimitNanos: UInt64
    /// The run fails if it has not settled by then.
    public var limitNanos: UInt64
    /// Planted bug: the drivers take each chunk to hold whole messages.
    public var plantWholeMessagePerChunk = false

    public init(seed: UInt64, servers: Int, network: SimNetwork.Options = SimNetwork.Options(),
                meanResetIntervalNanos: UInt64 = 150_000_000, faultsUntilNanos: UInt64 = 3_000_000_000,
                partitionHealNanos: ClosedRange<UInt64>? = 1_000_000_000...4_000_000_000, stallChance: Double = 0.2,
                startSpreadNanos: UInt64 = 5_000_000, syncLimitNanos: UInt64 = 2_000_000_000, limitNanos: UInt64 = 120_000_000_000) {
        self.seed = seed
        self.servers = servers
        self.network = network
        self.meanResetIntervalNanos = meanResetIntervalNanos
        self.faultsUntilNanos = faultsUntilNanos
        self.partitionHealNanos = partitionHealNanos
        self.stallChance = stallChance
        self.startSpreadNanos = startSpreadNanos
        self.syncLimitNanos = syncLimitNanos
        self.limitNanos = limitNanos
    }
}

/// What one simulated election did.
public struct SimElectionResult: Sendable {
    public var seed: UInt64
    /// Broken expectations; empty when the run passed.
    public var findings: [String] = []
    /// The leader every server ended on.
    public var leader: ServerID?
    /// The leader Apache's total order picks among the servers that could
    /// talk while the first election ran.
    public var expectedLeader: ServerID?
    public var settledNanos: UInt64 = 0
    public var resets = 0
    public var chunks = 0
    public var restarts = 0
    /// The network's delivered events, when traced.
    public var trace: [String] = []
}

/// Voters electing a leader through `ElectionDriver` over `SimNetwork`,
/// with delays, chunking, resets, stalls and a partition that heals.
///
/// Election alone does not promise agreement (a quorum may decide before a
/// lost better vote arrives); Apache leaves the rest to Zab. As in the
/// election tests, a small model of Zab's verdict stands in for it:
/// `syncLimit` after deciding, a follower whose leader is not LEADING (or
/// not reachable), and a leader that no quorum follows, go LOOKING again.
/// The first leader a quorum follows is established.
///
/// Expected: every server ends following one established leader, the one
/// Apache's total order (peerEpoch, zxid, sid) picks among the servers on
/// the majority side of the partition, with no wire error anywhere.
public final class SimElection {
    let options: SimElectionOptions
    var random: SimRandom
    let network: SimNetwork
    var drivers: [ServerID: ElectionDriver] = [:]
    var histories: [ServerID: Election.History] = [:]
    var nowNanos: UInt64 = 1_000_000_000
    var checks: [ServerID: UInt64] = [:]
    var established: ServerID?
    var restarts = 0

    public init(options: SimElectionOptions, keepTrace: Bool = false) {
        self.options = options
        var random = SimRandom(seed: options.seed)
        self.network = SimNetwork(seed: random.next(), options: options.network)
        self.random = random
        network.keepTrace = keepTrace
    }

    var now: Now { Now(monotonicNanos: nowNanos, wallMillis: 1_780_000_000_000 + Int64(nowNanos / 1_000_000)) }

    static func address(_ sid: Int64) -> PeerAddress { PeerAddress(host: "10.0.0.\(sid)", port: 3888) }

    public func run() -> SimElectionResult {
        let ids = (1...Int64(options.servers)).map { ServerID(raw: $0) }
        let verifier = QuorumVerifier(majorityOf: ids.map {
            QuorumServer(id: $0.raw, addresses: [.init(host: Self.address($0.raw).host, quorumPort: 2888, electionPort: 3888)], type: .participant)
        })
        let start = nowNanos
        network.nowNanos = nowNanos
        var starts: [(at: UInt64, id: ServerID)] = []
        for id in ids {
            network.addHost(id, address: Self.address(id.raw).host)
            let epoch = Int64(random.int(1...3))
            let zxidEpoch = Int64(random.int(Int(epoch - 1)...Int(epoch)))
            histories[id] = Election.History(lastLoggedZxid: ZxidMath.zxid(epoch: zxidEpoch, counter: Int64(random.int(0...4))), currentEpoch: epoch)
            var peers: [ServerID: PeerAddress] = [:]
            for other in ids where other != id { peers[other] = Self.address(other.raw) }
            let configuration = ElectionDriver.Configuration(
                election: Election.Configuration(myID: id, quorum: VerifierQuorum(verifier: verifier)),
                myAddress: Self.address(id.raw), peers: peers
            )
            let driver = ElectionDriver(configuration: configuration)
            driver.plantedWholeMessagePerChunk = options.plantWholeMessagePerChunk
            drivers[id] = driver
            starts.append((start + UInt64.random(in: 0...options.startSpreadNanos, using: &random), id))
        }
        var isolated: Set<ServerID> = []
        var healAt: UInt64?
        if let range = options.partitionHealNanos {
            let size = random.int(1...((options.servers - 1) / 2))
            isolated = Set(ids.shuffled(using: &random).prefix(size))
            network.isolate(isolated)
            healAt = start + UInt64.random(in: range, using: &random)
        }
        let majority = ids.filter { !isolated.contains($0) }
        let expected = majority.max { a, b in
            guard let x = histories[a], let y = histories[b] else { return false }
            return (x.currentEpoch, x.lastLoggedZxid, a.raw) < (y.currentEpoch, y.lastLoggedZxid, b.raw)
        }
        var nextFault: UInt64? = options.meanResetIntervalNanos > 0 ? start + nextGap() : nil
        let faultsEnd = start + options.faultsUntilNanos
        starts.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        var startIndex = 0

        var result = SimElectionResult(seed: options.seed)
        result.expectedLeader = expected
        while nowNanos <= start + options.limitNanos {
            if startIndex == starts.count, healAt == nil, settled { break }
            // The next instant anything happens.
            var next = network.nextDueNanos
            func consider(_ t: UInt64?) { if let t { next = min(next ?? t, t) } }
            if startIndex < starts.count { consider(starts[startIndex].at) }
            for driver in drivers.values { consider(driver.nextDeadline?.monotonicNanos) }
            for at in checks.values { consider(at) }
            consider(healAt)
            if let fault = nextFault, fault <= faultsEnd { consider(fault) }
            guard let at = next else { break }
            nowNanos = max(nowNanos, at)
            network.nowNanos = nowNanos

            while startIndex < starts.count, starts[startIndex].at <= nowNanos {
                let id = starts[startIndex].id
                startIndex += 1
                if let driver = drivers[id], let endpoint = network.endpoint(id), let history = histories[id] {
                    driver.start(history: history, now: now, network: endpoint)
                }
            }
            if let heal = healAt, heal <= nowNanos {
                network.heal()
                healAt = nil
            }
            if let fault = nextFault, fault <= nowNanos {
                if fault <= faultsEnd {
                    network.resetRandomLink()
                    if random.chance(options.stallChance) {
                        network.stall(ids[random.int(0...(ids.count - 1))], untilNanos: nowNanos + UInt64.random(in: 1...options.maxStallNanos, using: &random))
                    }
                    nextFault = nowNanos + nextGap()
                } else {
                    nextFault = nil
                }
            }
            while let (id, event) = network.nextEvent(upTo: nowNanos) {
                guard let driver = drivers[id], let endpoint = network.endpoint(id) else { continue }
                let before = driver.decisions.count
                driver.handle(event, now: now, network: endpoint)
                if driver.decisions.count > before { checks[id] = nowNanos + options.syncLimitNanos }
            }
            for id in ids {
                guard let driver = drivers[id], let endpoint = network.endpoint(id) else { continue }
                if let deadline = driver.nextDeadline?.monotonicNanos, deadline <= nowNanos {
                    let before = driver.decisions.count
                    driver.tick(now: now, network: endpoint)
                    if driver.decisions.count > before { checks[id] = nowNanos + options.syncLimitNanos }
                }
            }
            for (id, at) in checks.sorted(by: { $0.key < $1.key }) where at <= nowNanos {
                check(id)
            }
        }
        result.settledNanos = nowNanos - start
        result.resets = network.resets
        result.chunks = network.chunksDelivered
        result.restarts = restarts
        result.trace = network.trace
        if settled, let leader = established {
            result.leader = leader
            if leader != expected {
                result.findings.append("leader \(leader) is not the total order's pick \(expected.map(String.init(describing:)) ?? "-") (isolated \(isolated.sorted()))")
            }
        } else {
            let states = ids.compactMap { id in
                drivers[id].map { "\(id):\($0.election.state.name)->\($0.election.currentVote?.leader ?? -1)" }
            }
            result.findings.append("no agreement after \((nowNanos - start) / 1_000_000) ms: \(states.joined(separator: " "))")
        }
        for id in ids {
            if let driver = drivers[id], driver.wireErrorCount > 0 {
                result.findings.append("server \(id): \(driver.wireErrorCount) wire errors, last: \(driver.lastWireError ?? "")")
            }
        }
        return result
    }

    private func nextGap() -> UInt64 {
        // Uniform around the mean.
        UInt64.random(in: 1...(2 * options.meanResetIntervalNanos), using: &random)
    }

    /// Every server follows the established leader, which leads.
    var settled: Bool {
        guard let leader = established, drivers[leader]?.election.state == .leading else { return false }
        return drivers.values.allSatisfy { $0.election.state != .looking && $0.election.currentVote?.leader == leader.raw }
    }

    private func reachable(_ a: ServerID, _ b: ServerID) -> Bool {
        !network.partitions.contains(SimNetwork.HostPair(a, b))
    }

    /// Zab's verdict on `id`'s election result, syncLimit after it decided.
    private func check(_ id: ServerID) {
        checks[id] = nil
        guard let driver = drivers[id], driver.election.state != .looking, let vote = driver.election.currentVote,
              let history = histories[id], let endpoint = network.endpoint(id) else { return }
        let leader = ServerID(raw: vote.leader)
        if driver.election.state == .leading {
            let followers = drivers.filter {
                $0.value.election.state != .looking && $0.value.election.currentVote?.leader == leader.raw && reachable($0.key, leader)
            }
            if followers.count * 2 > options.servers {
                established = established ?? leader
                if established == leader { return }
            }
        } else if established == leader, reachable(id, leader) {
            return
        } else if established == nil, drivers[leader]?.election.state == .leading, reachable(id, leader) {
            checks[id] = nowNanos + options.syncLimitNanos
            return
        }
        restarts += 1
        driver.restart(history: history, now: now, network: endpoint)
    }
}
