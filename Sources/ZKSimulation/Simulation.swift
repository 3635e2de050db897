import SystemPackage
import ZKDataTree
import ZKProtocol
import ZKServerCore
import ZKStorage

/// How a simulation runs.
public struct SimulationOptions: Sendable {
    public var seed: UInt64
    public var steps: Int
    /// Simulated clients, one session each at a time.
    public var clients: Int
    /// Chance per step of a crash and restart.
    public var crashRate: Double
    /// Chance per step that the disk fills up (it empties again later).
    public var diskFullRate: Double
    /// Chance per step that fsyncs start failing for a while.
    public var fsyncFaultRate: Double
    /// Chance per step that a connection resets.
    public var resetRate: Double
    public var bugs: PlantedBug
    /// Findings of these invariants are counted in `ignored` but do not stop
    /// the run (known bugs of the core, reported, while the checker looks
    /// for others).
    public var ignoring: Set<Finding.Invariant> = []
    /// Keep the last events for a finding's trace (slower: every message
    /// is described).
    public var keepTrace = false
    /// How many events a finding's trace keeps.
    public var traceEvents = 60

    public init(seed: UInt64, steps: Int = 3000, clients: Int = 5, crashRate: Double = 0.002,
                diskFullRate: Double = 0.001, fsyncFaultRate: Double = 0.001, resetRate: Double = 0.004,
                bugs: PlantedBug = []) {
        self.seed = seed
        self.steps = steps
        self.clients = clients
        self.crashRate = crashRate
        self.diskFullRate = diskFullRate
        self.fsyncFaultRate = fsyncFaultRate
        self.resetRate = resetRate
        self.bugs = bugs
    }
}

/// A broken invariant.
public struct Finding: Sendable, CustomStringConvertible {
    public enum Invariant: String, Sendable, CaseIterable {
        case replyOrder = "replies in request order"
        case lostWrite = "acknowledged write lost"
        case zxidReused = "zxids strictly increase"
        case watchAfterReply = "watch event before the reply that shows the change"
        case ephemeralLeaked = "ephemerals gone with their session"
        case sequenceRepeated = "sequence numbers never repeat"
        case recoveredTreeDiffers = "recovered tree equals the tree at the last durable zxid"
        case recoveryFailed = "recovery succeeds"
        case appliedTreeDiffers = "applied tree equals the logged transactions"
        case noReply = "every request is answered"
        case writeAfterClose = "no write from a session after its closeSession is logged"
        case sessionStuckClosing = "a closing session is closed or expires"
    }

    public var step: Int
    public var invariant: Invariant
    public var detail: String
    /// The simulation's last events before the finding, oldest first.
    public var trace: [String] = []

    public var description: String { "step \(step): \(invariant.rawValue): \(detail)" }
}

/// What one seed did.
public struct SimulationResult: Sendable {
    public var seed: UInt64
    public var steps: Int
    public var simulatedNanos: UInt64
    public var findings: [Finding]
    public var crashes = 0
    public var logFailures = 0
    public var snapshots = 0
    public var acknowledgedWrites = 0
    public var expiredSessions = 0
    public var maxZxid: Zxid = 0
    /// Findings of ignored invariants: the first of each, and the count.
    public var ignored: [Finding.Invariant: (first: Finding, count: Int)] = [:]

    public init(seed: UInt64, steps: Int, simulatedNanos: UInt64, findings: [Finding]) {
        self.seed = seed
        self.steps = steps
        self.simulatedNanos = simulatedNanos
        self.findings = findings
    }

    /// The options besides seed and steps, as scripts/simulate flags.
    public var flags: [String] = []
    /// The same, for `swift test --filter ZKSimulationTests.replay`.
    public var environment: [String] = []

    /// The command that replays this seed.
    public var replayCommand: String {
        let script = (["scripts/simulate", "--seed", "\(seed)", "--steps", "\(steps)"] + flags).joined(separator: " ")
        let test = (["SIMULATION_SEED=\(seed)", "SIMULATION_STEPS=\(steps)"] + environment).joined(separator: " ")
        return "\(script)   (or: \(test) swift test --filter ZKSimulationTests.replay)"
    }
}

/// One deterministic run: the real ServerCore and the real ZKStorage code
/// on a simulated disk, network and clock, driven by simulated clients from
/// one seed. Invariants are checked after every step; the run stops at the
/// first broken one.
public final class Simulation {
    let options: SimulationOptions
    var random: SimRandom
    var diskRandom: SimRandom
    let disk: SimDisk
    let directory: DataDirectory
    let config: CoreConfig

    var monotonicNanos: UInt64 = 1_000_000_000
    var wallMillis: Int64 = 1_780_000_000_000
    var now: Now { Now(monotonicNanos: monotonicNanos, wallMillis: wallMillis) }

    var core: ServerCore
    var log: SimLogThread
    /// The tree as of the last durable zxid, built from the durable
    /// transactions alone; its triggers say which watches each zxid fires.
    var shadow: DataTree
    var triggers: [Int64: [WatchTrigger]] = [:]
    /// The last zxid handed to the log by this incarnation of the server.
    var lastLoggedZxid: Zxid = 0
    var maxAckedZxid: Zxid = 0

    var clients: [SimClient] = []
    var connections: [ConnectionID: SimConnection] = [:]
    var nextConnectionID: ConnectionID = 1
    var sequentialNames: [[UInt8]: Set<[UInt8]>] = [:]
    var deadSessions: Set<SessionID> = []
    /// The closeSession logged for each session, and its log generation.
    var closeLogged: [SessionID: (zxid: Zxid, generation: Int)] = [:]

    var fsyncFaultUntil: UInt64 = 0
    /// When the log last failed or recovered.
    var lastLogEventNanos: UInt64 = 0
    var diskFullUntil: UInt64 = 0

    var step = 0
    /// The last events, for a finding's trace.
    var recent: [String] = []

    func trace(_ event: @autoclosure () -> String) {
        guard options.keepTrace else { return }
        if recent.count >= options.traceEvents { recent.removeFirst() }
        recent.append("\(step) t=\(monotonicNanos / 1_000_000)ms \(event())")
    }
    public internal(set) var result: SimulationResult

    static let tickMillis: Int32 = 100

    public init(options: SimulationOptions) {
        self.options = options
        var random = SimRandom(seed: options.seed)
        diskRandom = random.fork()
        disk = SimDisk(random: random.fork())
        directory = DataDirectory(dataDir: FilePath("/sim/data"), io: disk)
        var config = CoreConfig()
        config.tickTimeMillis = Self.tickMillis
        config.minSessionTimeoutMillis = 400
        config.maxSessionTimeoutMillis = 4000
        config.extendedTypesEnabled = true
        config.containerCheckIntervalMillis = 500
        config.maxClientConnectionsPerHost = 0
        config.sessionSecret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        self.config = config
        self.random = random
        result = SimulationResult(seed: options.seed, steps: 0, simulatedNanos: 0, findings: [])
        let bugNames = PlantedBug.all.filter { options.bugs.contains($0.1) }.map(\.0)
        result.flags = bugNames.flatMap { ["--bug", $0] }
        if !bugNames.isEmpty { result.environment.append("SIMULATION_BUGS=" + bugNames.joined(separator: ",")) }
        if !options.ignoring.isEmpty {
            result.flags.append("--ignore-known-core-bugs")
            result.environment.append("SIMULATION_IGNORE_KNOWN=1")
        }
        if options.diskFullRate == 0 && options.fsyncFaultRate == 0 {
            result.flags.append("--no-log-faults")
            result.environment.append("SIMULATION_NO_LOG_FAULTS=1")
        }
        let start = Now(monotonicNanos: monotonicNanos, wallMillis: wallMillis)
        core = ServerCore(config: config, now: start)
        shadow = DataTree(extendedTypesEnabled: true)
        log = SimLogThread(directory: directory, lastZxid: 0, snapCount: 50, random: random.fork(), bugs: options.bugs)
        clients = (0..<options.clients).map { SimClient(index: $0) }
        // First start: recovery writes snapshot.0 into the empty directory.
        restart(afterCrash: false)
    }

    /// Runs every step, or until an invariant breaks.
    public func run() -> SimulationResult {
        while step < options.steps, result.findings.isEmpty {
            step += 1
            runStep()
        }
        result.steps = step
        result.simulatedNanos = monotonicNanos - 1_000_000_000
        result.maxZxid = max(result.maxZxid, core.lastZxid)
        return result
    }

    func report(_ invariant: Finding.Invariant, _ detail: String) {
        guard result.findings.isEmpty else { return }
        if options.ignoring.contains(invariant) {
            let finding = Finding(step: step, invariant: invariant, detail: detail, trace: recent)
            result.ignored[invariant] = (result.ignored[invariant]?.first ?? finding, (result.ignored[invariant]?.count ?? 0) + 1)
            return
        }
        result.findings.append(Finding(step: step, invariant: invariant, detail: detail, trace: recent))
    }

    // MARK: Steps

    func runStep() {
        advanceClock()
        carryOut(core.step(.tick, now: now))
        deliverDue()
        faults()
        let roll = random.int(0...99)
        if roll < 45 {
            clientActs(random.int(0...(clients.count - 1)))
        } else if roll < 85 {
            logStep()
        }
        for index in clients.indices { keepAlive(index) }
        if random.chance(options.crashRate) { crash() }
        checkInvariants()
    }

    func advanceClock() {
        var millis = UInt64(random.int(0...20))
        if random.chance(0.003) { millis += UInt64(random.int(500...6000)) }  // a process pause
        monotonicNanos += millis * 1_000_000
        wallMillis += Int64(millis)
        if random.chance(0.002) { wallMillis += Int64(random.int(-3_600_000...3_600_000)) }  // a wall-clock jump
    }

    func faults() {
        if monotonicNanos >= fsyncFaultUntil { disk.fsyncFailureRate = 0 }
        if random.chance(options.fsyncFaultRate) {
            disk.fsyncFailureRate = 0.3
            fsyncFaultUntil = monotonicNanos + UInt64(random.int(50...2000)) * 1_000_000
        }
        if monotonicNanos >= diskFullUntil { disk.capacityBytes = nil }
        if random.chance(options.diskFullRate) {
            disk.capacityBytes = disk.usedBytes + random.int(0...4096)
            diskFullUntil = monotonicNanos + UInt64(random.int(100...3000)) * 1_000_000
        }
        if random.chance(options.resetRate), let id = connections.keys.sorted().randomElement(using: &random) {
            resetConnection(id)
        }
        if random.chance(options.resetRate), let id = connections.keys.sorted().randomElement(using: &random) {
            connections[id]?.stalledUntil = monotonicNanos + UInt64(random.int(10...1500)) * 1_000_000
        }
    }

    // MARK: The core's Ready

    /// Carries out a Ready: what it sends goes to the clients at once, its
    /// transactions to the simulated log.
    func carryOut(_ ready: Ready) {
        for action in ready.toSend {
            switch action {
            case .send(let id, let outbound):
                enqueueToClient(id, .outbound(outbound))
            case .close(let id, _):
                enqueueToClient(id, .closed)
            }
        }
        for (header, body) in ready.toLog {
            let zxid = Zxid(raw: header.zxid)
            if zxid <= lastLoggedZxid {
                report(.zxidReused, "zxid \(zxid) logged after \(lastLoggedZxid) (\(header.type)); log generation \(core.logGeneration)")
            }
            lastLoggedZxid = max(lastLoggedZxid, zxid)
            let session = SessionID(raw: header.clientId)
            if header.type == .closeSession {
                // The first close counts: a second one is itself a write after close.
                if closeLogged[session]?.generation != core.logGeneration {
                    closeLogged[session] = (zxid, core.logGeneration)
                }
            } else if header.type != .error, let close = closeLogged[session], close.generation == core.logGeneration,
                      header.clientId != 0 {
                report(.writeAfterClose, "\(header.type) of session \(session) logged at \(zxid), after its closeSession at \(close.zxid)")
            }
            trace("log \(zxid) \(header.type) session \(session)")
            log.append(header, body, generation: core.logGeneration)
        }
    }

    func logStep() {
        for event in log.step(nowNanos: monotonicNanos) {
            switch event {
            case .durable(let zxid, let entries):
                trace("durable up to \(zxid)")
                for entry in entries where entry.header.zxid > shadow.lastProcessedZxid {
                    var fired: [WatchTrigger] = []
                    _ = shadow.apply(entry.header, entry.body, triggers: &fired)
                    triggers[entry.header.zxid] = fired
                }
                carryOut(core.step(.durable(upTo: zxid), now: now))
                if TreeDigest.of(core.tree) != TreeDigest.of(shadow) {
                    report(.appliedTreeDiffers, "after durable(upTo: \(zxid)) the core's tree (\(hex(core.tree.lastProcessedZxid))) differs from the logged transactions applied in order")
                }
            case .failed(let after):
                result.logFailures += 1
                lastLogEventNanos = monotonicNanos
                trace("log failed after \(after)")
                carryOut(core.step(.logFailed(after: after, reason: "simulated"), now: now))
                if options.bugs.contains(.reuseZxidAfterLogFailure) { rebuildCore() }
            case .recovered:
                lastLogEventNanos = monotonicNanos
                trace("log recovered")
                carryOut(core.step(.logRecovered, now: now))
            case .rolled:
                takeSnapshot()
            }
        }
    }

    func takeSnapshot() {
        let sessions = core.sessions.sessions.mapValues(\.timeoutMillis)
        trace("snapshot at \(hex(core.tree.lastProcessedZxid)) with sessions \(sessions.keys.sorted().map(\.description))")
        if (try? directory.writeSnapshot(tree: core.tree, sessions: sessions)) != nil { result.snapshots += 1 }
        if random.chance(0.3) { _ = try? directory.purge(snapRetainCount: 3) }
    }

    /// The planted shell bug: a new core from the old one's tree.
    func rebuildCore() {
        for id in connections.keys.sorted() { resetConnection(id) }
        let sessions = core.sessions.sessions.mapValues(\.timeoutMillis)
        core = ServerCore(config: config, now: now, tree: core.tree, recoveredSessions: sessions)
    }

    // MARK: Crash and restart

    func crash() {
        result.crashes += 1
        trace("crash")
        let expiring = Set(core.sessions.sessions.values.filter(\.closing).map(\.id))
        for id in connections.keys.sorted() { dropConnection(id, tellCore: false) }
        disk.crash()
        disk.capacityBytes = nil
        disk.fsyncFailureRate = 0
        restart(afterCrash: true, forgetting: options.bugs.contains(.forgetExpiringSessionsAtCrash) ? expiring : [])
    }

    func restart(afterCrash: Bool, forgetting: Set<SessionID> = []) {
        let recovered: RecoveredState
        do throws(StorageError) {
            recovered = try directory.recover(extendedTypesEnabled: true)
        } catch {
            report(.recoveryFailed, "\(error)\n  files: \(disk.listing.joined(separator: ", "))")
            return
        }
        let z = recovered.lastZxid
        if afterCrash {
            if z < maxAckedZxid || z.raw < shadow.lastProcessedZxid {
                report(.lostWrite, "recovered up to \(z), but \(hex(shadow.lastProcessedZxid)) was reported durable and \(maxAckedZxid) acknowledged")
                return
            }
            var expected = shadow
            for entry in log.maybeOnDisk where entry.header.zxid > expected.lastProcessedZxid && entry.header.zxid <= z.raw {
                var fired: [WatchTrigger] = []
                _ = expected.apply(entry.header, entry.body, triggers: &fired)
            }
            if expected.lastProcessedZxid != z.raw {
                report(.recoveredTreeDiffers, "recovered up to \(z); the transactions written reach only \(hex(expected.lastProcessedZxid))")
                return
            }
            let (want, got) = (TreeDigest.of(expected), TreeDigest.of(recovered.tree))
            if want != got {
                report(.recoveredTreeDiffers, "digest at \(z): expected \(want), recovered \(got)")
                return
            }
        }
        var sessions = recovered.sessions
        for id in forgetting { sessions[id] = nil }
        trace("restart at \(z) with sessions \(sessions.keys.sorted().map(\.description)) from \(recovered.snapshot?.name ?? "-") + \(recovered.replayedTxnCount) txns")
        // A close counts only if it applied: a zxid at or below the recovered
        // one may also be a close a log failure voided (its zxid skipped).
        closeLogged = closeLogged.filter { $0.value.zxid <= z && sessions[$0.key] == nil }
        core = ServerCore(config: config, now: now, tree: recovered.tree, recoveredSessions: sessions)
        shadow = recovered.tree
        lastLoggedZxid = z
        log = SimLogThread(directory: directory, lastZxid: z, snapCount: 50, random: random.fork(), bugs: options.bugs)
        // As the server does: snapshot the recovered tree at start-up.
        takeSnapshot()
    }

    // MARK: Invariants after every step

    func checkInvariants() {
        guard result.findings.isEmpty else { return }
        for (owner, all) in core.tree.ephemerals {
            let session = SessionID(raw: owner)
            guard !all.isEmpty, core.sessions[session] == nil else { continue }
            // Nodes created after the session's close are `writeAfterClose`.
            let paths = all.filter { path in
                guard let close = closeLogged[session], let node = core.tree.node(path) else { return true }
                return node.stat.czxid < close.zxid.raw
            }
            if paths.isEmpty { continue }
            report(.ephemeralLeaked, "session \(session) is gone but owns \(paths.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) })")
            return
        }
        let slack = UInt64(Self.tickMillis) * 3 * 1_000_000
        let stuck = UInt64(10_000) * 1_000_000
        for session in core.sessions.sessions.values where session.closing && core.logAvailable
            && monotonicNanos > session.deadlineNanos + stuck {
            // A close logged in this generation and not yet durable is on its
            // way (process pauses can hold the log past 10 s).
            if let close = closeLogged[session.id], close.generation == core.logGeneration,
               close.zxid > core.committed.lastProcessedZxid { continue }
            report(.sessionStuckClosing, "session \(session.id) has been closing for over 10 s past its deadline with the log working; it owns \(core.tree.ephemerals(of: session.id.raw).count) ephemerals")
            return
        }
        // A log failure voids expiries in flight; the next tick logs them
        // again, so give it that long.
        let settled = core.logAvailable && monotonicNanos > lastLogEventNanos + slack
        for session in deadSessions where settled {
            guard let live = core.sessions[session], !live.closing else { continue }
            if monotonicNanos > live.deadlineNanos + slack {
                report(.ephemeralLeaked, "session \(session) was closed or expired, yet lives on past its deadline")
                return
            }
        }
        for client in clients {
            if let first = client.outstanding.first, monotonicNanos > first.sentNanos + 120_000_000_000 {
                report(.noReply, "client \(client.index) waits \((monotonicNanos - first.sentNanos) / 1_000_000_000) s for xid \(first.xid) (\(first.op))")
                return
            }
        }
    }
}
