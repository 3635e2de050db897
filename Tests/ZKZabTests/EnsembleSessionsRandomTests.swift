import Testing
import ZKProtocol
import ZKServerCore
@testable import ZKZab

/// One seeded run: a leader (server 1) and two followers, clients that
/// create sessions, touch them, move between servers and go silent, PINGs
/// at random intervals, all on one millisecond clock in 10 ms steps.
///
/// Checks: every session the leader expires was silent on every server for
/// at least its timeout, so in particular no session touched within its
/// timeout less one ping interval is ever expired; each expiry is reported
/// once; a session silent for its timeout plus a ping interval and a bucket
/// is expired; requests through the owner pass and through a former owner
/// get SESSIONMOVED; wrong passwords never reach the leader.
struct EnsembleSessionsRun {
    static let servers: [ServerID] = [1, 2, 3]
    static let leaderId: ServerID = 1
    static let stepMs: UInt64 = 10
    static let runMs: UInt64 = 60_000
    /// PINGs to each follower come every 500-1000 ms (Apache: tickTime/2).
    static let pingGapMs: ClosedRange<UInt64> = 500...1000
    static let clients = 8

    struct Client {
        var session: SessionID?
        var timeoutMs: UInt64 = 0
        var server: ServerID = 1
        var formerServers: Set<ServerID> = []
        /// Next time the client does something.
        var nextMs: UInt64 = 0
        /// Silent (disconnected) until `nextMs`, then reconnects.
        var gone = false
    }

    var failures: [String] = []
    var expiries = 0
    var moves = 0
    var revalidationsRefused = 0

    init(seed: UInt64, plantedBug: PlantedSessionBug? = nil) {
        var random = SeededRandom(seed: seed)
        var lead = LeaderSessionTracker(serverId: Self.leaderId, queue: SessionExpiryQueue())
        lead.plantedBug = plantedBug
        var learners: [ServerID: LearnerSessionTracker] = [:]
        var generators: [ServerID: SessionIdGenerator] = [:]
        var nextPing: [ServerID: UInt64] = [:]
        for server in Self.servers {
            generators[server] = try? SessionIdGenerator(serverId: server, elapsedMillis: Int64(seed * 1000), extendedTypesEnabled: true)
            guard server != Self.leaderId else { continue }
            var learner = LearnerSessionTracker(serverId: server)
            learner.plantedBug = plantedBug
            learners[server] = learner
            nextPing[server] = UInt64.random(in: Self.pingGapMs, using: &random)
        }
        /// Last client activity per session on any server (ms), and the
        /// session's timeout.
        var lastActivity: [SessionID: UInt64] = [:]
        var timeouts: [SessionID: UInt64] = [:]
        var reported: Set<SessionID> = []
        var clients = Array(repeating: Client(), count: Self.clients)

        func fail(_ text: String) { if failures.count < 5 { failures.append(text) } }

        var now: UInt64 = 0

        /// A client reconnects to `server`: password check there, then
        /// REVALIDATE at the leader; an invalid session means a new one.
        func reconnect(_ client: inout Client, _ session: SessionID, to server: ServerID) {
            let clock = Now(monotonicNanos: now * 1_000_000, wallMillis: Int64(now))
            let password = EnsembleSession.password(sessionId: session.raw)
            // Now and then a wrong password first: refused locally.
            if Bool.random(using: &random), Int.random(in: 0..<10, using: &random) == 0, var learner = learners[server] {
                let wrong = EnsembleSession.password(sessionId: session.raw &+ 1)
                if learner.reconnect(session, password: wrong, timeoutMs: Int32(client.timeoutMs), connection: 0) != .badPassword {
                    fail("t=\(now) wrong password of \(session) not refused at \(server)")
                }
                learners[server] = learner
            }
            var valid: Bool
            if server == Self.leaderId {
                valid = lead.revalidate(RevalidateRequest(sessionId: session.raw, timeoutMs: Int32(client.timeoutMs)), from: server, now: clock).valid
            } else if var learner = learners[server] {
                valid = false
                switch learner.reconnect(session, password: password, timeoutMs: Int32(client.timeoutMs), connection: UInt64(session.raw & 0xffff)) {
                case .revalidate(let packet):
                    do {
                        let answer = lead.revalidate(try RevalidateRequest(packet: packet), from: server, now: clock)
                        valid = try learner.revalidateAnswer(answer.packet(answering: packet))?.valid ?? false
                    } catch {
                        fail("revalidate unreadable: \(error)")
                    }
                case .badPassword, .tooManyPending:
                    fail("t=\(now) reconnect of \(session) refused at \(server)")
                }
                learners[server] = learner
            } else {
                valid = false
            }
            client.gone = false
            client.nextMs = now + Self.stepMs
            if valid {
                if reported.contains(session) { fail("t=\(now) expired \(session) revalidated") }
                lastActivity[session] = now
                if client.server != server { client.formerServers.insert(client.server) }
                client.formerServers.remove(server)
                client.server = server
                if lead.sessions[session]?.owner != server { fail("t=\(now) \(session) revalidated at \(server) but not its owner") }
            } else {
                revalidationsRefused += 1
                if !reported.contains(session) { fail("t=\(now) live \(session) refused at \(server)") }
                client.session = nil
            }
        }

        while now <= Self.runMs {
            let clock = Now(monotonicNanos: now * 1_000_000, wallMillis: Int64(now))

            // PINGs: each follower replies at once with its touches.
            for server in Self.servers where server != Self.leaderId {
                guard let due = nextPing[server], due <= now, var learner = learners[server] else { continue }
                let reply = learner.pingReply(to: Ping.fromLeader(lastProposedZxid: Int64(now)))
                learners[server] = learner
                do {
                    lead.pingReply(try Ping(packet: reply), from: server, now: clock)
                } catch {
                    fail("ping reply unreadable: \(error)")
                }
                nextPing[server] = now + UInt64.random(in: Self.pingGapMs, using: &random)
            }

            // Clients.
            for index in clients.indices where clients[index].nextMs <= now {
                var client = clients[index]
                defer { clients[index] = client }
                guard let session = client.session else {
                    // Connect anywhere and create a session (committed at once).
                    let server = Self.servers.randomElement(using: &random) ?? Self.leaderId
                    guard var ids = generators[server] else { continue }
                    let id = ids.next()
                    generators[server] = ids
                    let timeout = UInt64.random(in: 3000...12_000, using: &random) / 10 * 10
                    lead.sessionCreated(id, timeoutMs: Int32(timeout), owner: server, now: clock)
                    for key in learners.keys { learners[key]?.sessionCreated(id, timeoutMs: Int32(timeout)) }
                    client = Client(session: id, timeoutMs: timeout, server: server, nextMs: now + Self.stepMs)
                    lastActivity[id] = now
                    timeouts[id] = timeout
                    continue
                }
                if client.gone {
                    // Back after a silence: reconnect somewhere.
                    reconnect(&client, session, to: Self.servers.randomElement(using: &random) ?? Self.leaderId)
                    continue
                }
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < 8 {
                    let others = Self.servers.filter { $0 != client.server }
                    reconnect(&client, session, to: others.randomElement(using: &random) ?? Self.leaderId)
                    moves += 1
                } else if roll < 12 {
                    // Silent for a while: often past the timeout.
                    client.gone = true
                    client.nextMs = now + UInt64.random(in: client.timeoutMs / 2...client.timeoutMs * 3, using: &random)
                    continue
                } else {
                    // A heartbeat or request at its server.
                    if client.server == Self.leaderId {
                        lead.touch(session, by: Self.leaderId, now: clock)
                    } else {
                        learners[client.server]?.touch(session)
                    }
                    lastActivity[session] = now
                    if roll < 40 {
                        let answer = lead.checkOwner(session, server: client.server)
                        if answer != .ok { fail("t=\(now) request of live \(session) through its owner \(client.server): \(answer)") }
                        for former in client.formerServers where former != client.server {
                            let moved = lead.checkOwner(session, server: former)
                            if moved != .sessionMoved { fail("t=\(now) request of \(session) through former owner \(former): \(moved)") }
                        }
                    }
                }
                // Live clients are heard at least every third of the
                // timeout, as ZooKeeper clients ping.
                client.nextMs = now + UInt64.random(in: Self.stepMs...max(Self.stepMs, client.timeoutMs / 3 - 100), using: &random) / 10 * 10
            }

            // The leader's expiry tick: closeSession commits at once.
            for id in lead.expired(at: clock) {
                expiries += 1
                if !reported.insert(id).inserted { fail("t=\(now) \(id) expired twice") }
                let silent = now - (lastActivity[id] ?? 0)
                let timeout = timeouts[id] ?? 0
                if silent < timeout {
                    fail("t=\(now) \(id) expired after \(silent) ms of silence, timeout \(timeout) ms")
                }
                lead.sessionClosed(id)
                for key in learners.keys { learners[key]?.sessionClosed(id) }
            }
            // Liveness: silent past timeout + one ping gap + a bucket ⇒ gone.
            for (id, last) in lastActivity where !reported.contains(id) {
                if let timeout = timeouts[id], now > last + timeout + Self.pingGapMs.upperBound + 20, lead.sessions[id] != nil {
                    fail("t=\(now) \(id) silent \(now - last) ms with timeout \(timeout) ms, not expired")
                }
            }
            now += Self.stepMs
        }

    }
}

struct EnsembleSessionsRandomTests {
    static let seeds: ClosedRange<UInt64> = 1...100

    @Test("100 seeded runs: no live session expires, every silent one does, once; ownership follows REVALIDATE")
    func seededRuns() {
        var failures: [String] = []
        var totals = (expiries: 0, moves: 0, refused: 0)
        for seed in Self.seeds {
            let run = EnsembleSessionsRun(seed: seed)
            totals.expiries += run.expiries
            totals.moves += run.moves
            totals.refused += run.revalidationsRefused
            if let first = run.failures.first { failures.append("seed \(seed): \(first)") }
        }
        print("seeded session runs: \(totals.expiries) expiries, \(totals.moves) moves, \(totals.refused) refused revalidations over \(Self.seeds.count) seeds")
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(totals.expiries > 200)
        #expect(totals.moves > 1000)
        #expect(totals.refused > 100)
    }

    /// How many of the 100 seeds catch each planted bug, and the least the
    /// test accepts (measured, then set a little below).
    static let planted: [(PlantedSessionBug, Int)] = [
        (.learnerDropsTouches, 90),
        (.leaderIgnoresFollowerTouches, 90),
    ]

    @Test("each planted bug is caught by the seeded runs", arguments: planted.map(\.0))
    func plantedBugIsCaught(bug: PlantedSessionBug) {
        let caught = Self.seeds.filter { !EnsembleSessionsRun(seed: $0, plantedBug: bug).failures.isEmpty }
        print("planted \(bug): caught by \(caught.count) of \(Self.seeds.count) seeds")
        let least = Self.planted.first { $0.0 == bug }?.1 ?? Self.seeds.count
        #expect(caught.count >= least)
    }
}
