import ZKProtocol
import ZKServerCore
@testable import ZKZab

/// A seeded run of one leader and 2-4 learners through discovery and sync:
/// random histories, per-link FIFO delivery in a random interleaving,
/// readies carried out at random moments, and crashes between persists
/// (at most one per learner, one for the leader). Each server's disk is
/// modelled exactly: epoch files, a snapshot zxid and the log.
///
/// Checked at the moment each thing happens:
/// - acceptedEpoch ≥ currentEpoch after every epoch-file write, on every server;
/// - a learner writes currentEpoch only when its durable history is the
///   leader's committed history (every attempt syncs to the leader's L);
/// - when the leader takes a learner's NEWLEADER ACK, that learner's
///   durable history is the committed history;
/// - a TRUNC removes only transactions that were never committed;
/// - log appends continue the log.
/// And at the end: the leader established, every learner serving, and
/// every learner's history (after logging what was pending at UPTODATE)
/// equal to the leader's.
struct SyncRun {
    struct Disk {
        var acceptedEpoch: Int64
        var currentEpoch: Int64
        var snapshot: Int64?
        var log: [ProposalPayload]
    }

    enum LearnerState {
        case down
        case running(LearnerSync, LearnerLink)
        case serving(LearnerLink)
    }

    var failures: [String] = []
    var steps = 0
    var snaps = 0
    var truncs = 0
    var diffs = 0
    var crashes = 0

    let history: [ProposalPayload]
    let committed: Set<ProposalPayload>
    let window: SyncWindow
    let quorum: QuorumVerifier
    let bug: PlantedSyncBug?
    var random: SeededRandom
    var leaderDisk: Disk
    var leader: LeaderSync
    var leaderCrashBudget = 1
    var learnerIDs: [Int64] = []
    var disks: [Int64: Disk] = [:]
    var learners: [Int64: LearnerState] = [:]
    var crashBudget: [Int64: Int] = [:]
    var toLearner: [LearnerLink: [LeaderSyncSend]] = [:]
    var toLeader: [LearnerLink: [QuorumPacket]] = [:]
    var owner: [LearnerLink: Int64] = [:]
    var nextLink: UInt64 = 1

    init(seed: UInt64, bug: PlantedSyncBug? = nil) {
        self.bug = bug
        var random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 17)
        // The committed history: 1-3 epochs of 1-5 transactions.
        var history: [ProposalPayload] = []
        let epochs = Int64.random(in: 1...3, using: &random)
        for epoch in 1...epochs {
            for counter in 1...Int64.random(in: 1...5, using: &random) { history.append(syncTxn(epoch, counter)) }
        }
        self.history = history
        self.committed = Set(history)
        let lastZxid = history.last?.header.zxid ?? 0
        let leaderCurrent = epochs + Int64.random(in: 0...1, using: &random)
        leaderDisk = Disk(acceptedEpoch: leaderCurrent + Int64.random(in: 0...1, using: &random), currentEpoch: leaderCurrent, snapshot: nil, log: history)
        let keep = Int.random(in: 0...history.count, using: &random)
        do {
            window = try SyncWindow(proposals: Array(history.suffix(keep)), lastProcessedZxid: lastZxid)
        } catch {
            preconditionFailure("generated window: \(error)")
        }
        let count = Int.random(in: 2...4, using: &random)
        learnerIDs = (1...Int64(count)).map { $0 }
        quorum = QuorumVerifier(majorityOf: ([0] + learnerIDs).map { member($0) })
        for sid in learnerIDs {
            // Half the learners stop at an epoch's end, where divergent
            // tails and epoch moves can happen; the rest anywhere.
            let inner = (1..<history.count).filter {
                ZxidMath.epoch(of: history[$0].header.zxid) > ZxidMath.epoch(of: history[$0 - 1].header.zxid)
            }
            let epochEnds = inner.isEmpty ? [history.count] : inner
            let k = Bool.random(using: &random)
                ? Int.random(in: 0...history.count, using: &random)
                : epochEnds[Int.random(in: 0..<epochEnds.count, using: &random)]
            var log = Array(history.prefix(k))
            var currentEpoch = log.last.map { ZxidMath.epoch(of: $0.header.zxid) } ?? 0
            if let last = log.last, Bool.random(using: &random) {
                // An uncommitted tail from a leader of an older epoch that
                // fell: only where the committed history moves to a later
                // epoch (or ends in an epoch the leader has moved past).
                let epoch = ZxidMath.epoch(of: last.header.zxid)
                let nextEpoch = k < history.count ? ZxidMath.epoch(of: history[k].header.zxid) : leaderCurrent
                if nextEpoch > epoch {
                    let counter = ZxidMath.counter(of: last.header.zxid)
                    for extra in 1...Int64.random(in: 1...3, using: &random) {
                        log.append(syncTxn(epoch, counter + extra, tag: 1000 + sid))
                    }
                }
            } else if k == history.count || (k > 0 && ZxidMath.epoch(of: history[k].header.zxid) > currentEpoch) {
                // At an epoch's end a learner may have moved on to the next epoch.
                if currentEpoch < leaderCurrent, Bool.random(using: &random) { currentEpoch += 1 }
            }
            let accepted = currentEpoch + Int64.random(in: 0...1, using: &random)
            disks[sid] = Disk(acceptedEpoch: accepted, currentEpoch: currentEpoch, snapshot: nil, log: log)
            learners[sid] = .down
            crashBudget[sid] = 1
        }
        self.random = random
        leader = LeaderSync(configuration: .init(myID: 0, quorum: quorum, acceptedEpoch: 0, currentEpoch: 0, window: window))
        startLeader()
        run()
    }

    // MARK: Helpers

    func durableHistory(_ disk: Disk) -> [ProposalPayload] {
        let base = disk.snapshot.map { zxid in history.filter { $0.header.zxid <= zxid } } ?? []
        return base + disk.log
    }

    func lastZxid(_ disk: Disk) -> Int64 { disk.log.last?.header.zxid ?? disk.snapshot ?? 0 }

    mutating func fail(_ text: String) {
        if failures.count < 5 { failures.append("step \(steps): \(text)") }
    }

    mutating func startLeader() {
        var configuration = LeaderSync.Configuration(
            myID: 0, quorum: quorum, acceptedEpoch: leaderDisk.acceptedEpoch, currentEpoch: leaderDisk.currentEpoch,
            window: window, initLimitTicks: 100
        )
        configuration.plantedBug = bug
        leader = LeaderSync(configuration: configuration)
        leader.start()
    }

    mutating func connect(_ sid: Int64) {
        guard let disk = disks[sid] else { return }
        var configuration = LearnerSync.Configuration(
            myID: ServerID(raw: sid), acceptedEpoch: disk.acceptedEpoch, currentEpoch: disk.currentEpoch,
            lastLoggedZxid: lastZxid(disk), initLimitTicks: 100, syncLimitTicks: 100
        )
        configuration.plantedBug = bug
        var machine = LearnerSync(configuration: configuration)
        machine.start()
        let link = LearnerLink(raw: nextLink)
        nextLink += 1
        owner[link] = sid
        toLearner[link] = []
        toLeader[link] = []
        leader.connected(link)
        learners[sid] = .running(machine, link)
    }

    /// Closes a link from the leader's side: the learner sees it closed.
    mutating func closeLink(_ link: LearnerLink) {
        toLearner[link] = nil
        toLeader[link] = nil
        leader.disconnected(link)
        guard let sid = owner[link], case .running(var machine, let current) = learners[sid], current == link else { return }
        machine.disconnected()
        learners[sid] = .running(machine, link)
    }

    mutating func crashLearner(_ sid: Int64) {
        crashes += 1
        if case .running(_, let link) = learners[sid] {
            toLearner[link] = nil
            toLeader[link] = nil
            leader.disconnected(link)
        }
        learners[sid] = .down
    }

    mutating func crashLeader() {
        crashes += 1
        for link in Array(toLearner.keys) { closeLink(link) }
        startLeader()
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    // MARK: The loop

    mutating func run() {
        while steps < 40_000 {
            steps += 1
            var actions: [Int] = []
            if leader.hasReady { actions.append(0) }
            for sid in learnerIDs {
                switch learners[sid] {
                case .running(let machine, _) where machine.hasReady: actions.append(Int(sid) * 10 + 1)
                case .down: actions.append(Int(sid) * 10 + 2)
                default: break
                }
            }
            for link in toLearner.keys.sorted() where !(toLearner[link] ?? []).isEmpty { actions.append(Int(link.raw) * 10 + 3 + 1_000_000) }
            for link in toLeader.keys.sorted() where !(toLeader[link] ?? []).isEmpty { actions.append(Int(link.raw) * 10 + 4 + 1_000_000) }
            if isSettled() { break }
            if actions.isEmpty || chance(2) {
                tickAll()
                continue
            }
            let action = actions[Int.random(in: 0..<actions.count, using: &random)]
            if action == 0 {
                leaderReady()
            } else if action >= 1_000_000 {
                let link = LearnerLink(raw: UInt64((action - 1_000_000) / 10))
                if action % 10 == 3 { deliverToLearner(link) } else { deliverToLeader(link) }
            } else if action % 10 == 1 {
                learnerReady(Int64(action / 10))
            } else {
                connect(Int64(action / 10))
            }
        }
        if !isSettled() { fail("did not settle: leader \(leader.phase), learners \(learnerIDs.map { describe($0) })") }
        finalChecks()
    }

    func describe(_ sid: Int64) -> String {
        switch learners[sid] {
        case .running(let machine, _): return "\(sid):\(machine.phase)"
        case .serving: return "\(sid):serving"
        default: return "\(sid):down"
        }
    }

    func isSettled() -> Bool {
        guard leader.phase == .established, !leader.hasReady else { return false }
        for sid in learnerIDs { guard case .serving = learners[sid] else { return false } }
        return toLearner.values.allSatisfy(\.isEmpty) && toLeader.values.allSatisfy(\.isEmpty)
    }

    mutating func tickAll() {
        leader.tick()
        for sid in learnerIDs {
            if case .running(var machine, let link) = learners[sid] {
                machine.tick()
                learners[sid] = .running(machine, link)
            }
        }
    }

    mutating func deliverToLearner(_ link: LearnerLink) {
        guard var queue = toLearner[link], !queue.isEmpty, let sid = owner[link] else { return }
        let send = queue.removeFirst()
        toLearner[link] = queue
        guard case .running(var machine, let current) = learners[sid], current == link else { return }
        switch send {
        case .packet(let packet): machine.receive(packet)
        case .snapshot(let zxid):
            snaps += 1
            machine.receive(QuorumPacket(.snap, zxid: zxid))
        }
        learners[sid] = .running(machine, link)
    }

    mutating func deliverToLeader(_ link: LearnerLink) {
        guard var queue = toLeader[link], !queue.isEmpty, let sid = owner[link] else { return }
        let packet = queue.removeFirst()
        toLeader[link] = queue
        if packet.packetType == .ack, packet.zxid == leader.newLeaderZxid, let disk = disks[sid], durableHistory(disk) != history {
            fail("leader takes the NEWLEADER ACK of \(sid) whose durable history ends at \(Zxid(raw: lastZxid(disk))) with \(disk.log.count) log entries, not the committed \(history.count)")
        }
        leader.receive(from: link, packet)
    }

    mutating func leaderReady() {
        let ready = leader.ready()
        for write in ready.persist {
            if leaderCrashBudget > 0, chance(15) {
                leaderCrashBudget -= 1
                crashLeader()
                return
            }
            switch write {
            case .acceptedEpoch(let epoch): leaderDisk.acceptedEpoch = epoch
            case .currentEpoch(let epoch): leaderDisk.currentEpoch = epoch
            }
            if leaderDisk.acceptedEpoch < leaderDisk.currentEpoch {
                fail("leader acceptedEpoch \(leaderDisk.acceptedEpoch) < currentEpoch \(leaderDisk.currentEpoch)")
            }
        }
        for message in ready.messages where toLearner[message.to] != nil {
            if case .packet(let packet) = message.send {
                switch packet.packetType {
                case .diff: diffs += 1
                case .trunc: truncs += 1
                default: break
                }
            }
            toLearner[message.to, default: []].append(message.send)
        }
        for link in ready.disconnect { closeLink(link) }
        if let established = ready.established {
            for learner in established.learners where learner.lastQueuedZxid != window.lastProcessedZxid {
                fail("learner \(learner.sid) synced to \(Zxid(raw: learner.lastQueuedZxid)), not L")
            }
        }
        leader.advance(ready)
        if leader.phase == .abandoned { crashLeader() }
    }

    mutating func learnerReady(_ sid: Int64) {
        guard case .running(var machine, let link) = learners[sid], var disk = disks[sid] else { return }
        let ready = machine.ready()
        let canCrash = (crashBudget[sid] ?? 0) > 0
        func crashHere(_ run: inout SyncRun) -> Bool {
            guard canCrash, run.chance(8) else { return false }
            run.crashBudget[sid] = 0
            run.disks[sid] = disk
            run.crashLearner(sid)
            return true
        }
        if let zxid = ready.truncate {
            if crashHere(&self) { return }
            if let snapshot = disk.snapshot, snapshot > zxid { fail("learner \(sid) truncates to \(Zxid(raw: zxid)) below its snapshot") }
            for removed in disk.log where removed.header.zxid > zxid && committed.contains(removed) {
                fail("learner \(sid) truncates committed \(Zxid(raw: removed.header.zxid))")
            }
            disk.log.removeAll { $0.header.zxid > zxid }
        }
        for item in ready.persist {
            if crashHere(&self) { return }
            switch item {
            case .epoch(.acceptedEpoch(let epoch)):
                disk.acceptedEpoch = epoch
            case .epoch(.currentEpoch(let epoch)):
                disk.currentEpoch = epoch
                if durableHistory(disk) != history {
                    fail("learner \(sid) writes currentEpoch \(epoch) with durable history ending \(Zxid(raw: lastZxid(disk))) (\(disk.log.count) log entries), not the committed \(history.count)")
                }
            case .snapshot(let zxid):
                disk.snapshot = zxid
                disk.log = []
            case .txns(let txns):
                for txn in txns {
                    if txn.header.zxid <= lastZxid(disk) { fail("learner \(sid) appends \(Zxid(raw: txn.header.zxid)) after \(Zxid(raw: lastZxid(disk)))") }
                    disk.log.append(txn)
                }
            }
            if disk.acceptedEpoch < disk.currentEpoch {
                fail("learner \(sid) acceptedEpoch \(disk.acceptedEpoch) < currentEpoch \(disk.currentEpoch)")
            }
        }
        disks[sid] = disk
        if toLeader[link] != nil { toLeader[link, default: []].append(contentsOf: ready.messages) }
        machine.advance(ready)
        if let serving = ready.serving {
            // The broadcast phase logs what was pending.
            for txn in serving.pendingProposals where txn.header.zxid > lastZxid(disk) { disk.log.append(txn) }
            disks[sid] = disk
            learners[sid] = .serving(link)
            return
        }
        if ready.failure != nil {
            if toLearner[link] != nil {
                toLearner[link] = nil
                toLeader[link] = nil
                leader.disconnected(link)
            }
            learners[sid] = .down
            return
        }
        learners[sid] = .running(machine, link)
    }

    mutating func finalChecks() {
        guard failures.isEmpty else { return }
        for sid in learnerIDs {
            guard case .serving = learners[sid], let disk = disks[sid] else { continue }
            if durableHistory(disk) != history {
                fail("learner \(sid) ends with \(durableHistory(disk).map { Zxid(raw: $0.header.zxid) }), leader has \(history.map { Zxid(raw: $0.header.zxid) })")
            }
            if disk.currentEpoch != leader.newEpoch { fail("learner \(sid) currentEpoch \(disk.currentEpoch), leader's epoch \(leader.newEpoch)") }
        }
    }
}
