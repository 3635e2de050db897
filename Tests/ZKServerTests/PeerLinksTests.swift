import Logging
import NIOCore
import NIOPosix
import Testing
import ZKProtocol
import ZKServer
import ZKServerCore
import ZKZab

/// The real quorum rules for the election machine.
private struct MajorityQuorum: ElectionQuorum {
    let verifier: QuorumVerifier
    var votingMembers: Set<Int64> { verifier.votingMembers }
    func containsQuorum(_ servers: Set<Int64>) -> Bool { verifier.containsQuorum(servers) }
    func weight(of server: Int64) -> Int64 { verifier.weight(of: server) }
    var configText: String { verifier.configText }
}

/// Passes events to the election driver and keeps what happened to links.
private final class RecordingSink: PeerNetworkSink {
    let driver: ElectionDriver
    var open: [LinkID] = []
    var closes: [LinkID: LinkCloseReason] = [:]
    /// Whether the listener bound, failed to bind, or has not answered yet.
    var listening: Bool?

    init(driver: ElectionDriver) { self.driver = driver }

    func handle(_ event: PeerNetworkEvent, now: Now, network: any PeerNetwork) {
        switch event {
        case .listening: listening = true
        case .listenFailed: listening = false
        case let .linkOpened(id, _, _): open.append(id)
        case let .linkClosed(id, reason):
            open.removeAll { $0 == id }
            closes[id] = reason
        default: break
        }
        driver.handle(event, now: now, network: network)
    }

    func tick(now: Now, network: any PeerNetwork) { driver.tick(now: now, network: network) }
    var nextDeadline: Now? { driver.nextDeadline }
}

/// Three servers in one process, each with its own PeerLinks on loopback.
/// Each listener is bound on port 0 first; the drivers are made once every
/// real port is known, so no port is chosen, released and bound again.
private final class LoopbackEnsemble {
    var links: [ServerID: PeerLinks] = [:]
    var sinks: [ServerID: RecordingSink] = [:]
    let histories: [ServerID: Election.History]
    let ids: [ServerID]

    init(loop: EventLoop, count: Int, limits: PeerNetworkLimits, histories: [ServerID: Election.History]) {
        self.histories = histories
        self.ids = (1...Int64(count)).map { ServerID(raw: $0) }
        for id in ids {
            var logger = Logger(label: "swiftzk.peers.\(id)")
            logger.logLevel = .info
            let network = PeerLinks(eventLoop: loop, limits: limits, logger: logger)
            network.listen(on: PeerAddress(host: "127.0.0.1", port: 0))
            links[id] = network
        }
    }

    /// Every server's bound address, once all are bound.
    var boundAddresses: [ServerID: PeerAddress]? {
        let bound = links.compactMapValues(\.listeningAddress)
        return bound.count == ids.count ? bound : nil
    }

    /// Makes each server's election driver for the bound addresses.
    func makeDrivers(addresses: [ServerID: PeerAddress]) {
        let verifier = QuorumVerifier(majorityOf: ids.compactMap { id in
            addresses[id].map {
                QuorumServer(id: id.raw, addresses: [.init(host: "127.0.0.1", quorumPort: 1, electionPort: Int($0.port))], type: .participant)
            }
        })
        for id in ids {
            guard let network = links[id], let myAddress = addresses[id] else { continue }
            let peers = addresses.filter { $0.key != id }
            let driver = ElectionDriver(configuration: ElectionDriver.Configuration(
                election: Election.Configuration(myID: id, quorum: MajorityQuorum(verifier: verifier)),
                myAddress: myAddress, peers: peers
            ))
            let sink = RecordingSink(driver: driver)
            network.attach(sink)
            sinks[id] = sink
        }
    }

    func start() {
        for (id, network) in links.sorted(by: { $0.key < $1.key }) {
            guard let sink = sinks[id], let history = histories[id] else { continue }
            sink.driver.start(history: history, now: network.now(), network: network)
            network.rearmTimer()
        }
    }

    /// Each server's state and leader.
    var outcome: [Int64: String] {
        var result: [Int64: String] = [:]
        for (id, sink) in sinks {
            let election = sink.driver.election
            result[id.raw] = "\(election.state.name) \(election.currentVote?.leader ?? -1)"
        }
        return result
    }

    var decided: Bool { sinks.values.allSatisfy { $0.driver.election.state != .looking } }

    /// True once every listener bound, false once one failed, nil before.
    var allListening: Bool? {
        if sinks.values.contains(where: { $0.listening == false }) { return false }
        return sinks.values.allSatisfy { $0.listening == true } ? true : nil
    }

    func shutdown() { for network in links.values { network.shutdown() } }
}

@Suite(.serialized) struct PeerLinksTests {
    static let histories: [ServerID: Election.History] = [
        1: Election.History(lastLoggedZxid: ZxidMath.zxid(epoch: 1, counter: 5), currentEpoch: 1),
        2: Election.History(lastLoggedZxid: ZxidMath.zxid(epoch: 1, counter: 3), currentEpoch: 1),
        3: Election.History(lastLoggedZxid: ZxidMath.zxid(epoch: 1, counter: 4), currentEpoch: 1),
    ]

    /// Three servers whose listeners are bound on port 0, then started.
    fileprivate static func startEnsemble(
        group: EventLoopGroup, limits: PeerNetworkLimits
    ) async throws -> NIOLoopBound<LoopbackEnsemble> {
        let loop = group.next()
        let ensemble = try await loop.submit {
            NIOLoopBound(LoopbackEnsemble(loop: loop, count: 3, limits: limits, histories: Self.histories), eventLoop: loop)
        }.get()
        guard try await wait(30, on: loop, { ensemble.value.boundAddresses != nil }) else {
            throw PeerLinksTestError.cannotListen
        }
        try await loop.submit {
            let cluster = ensemble.value
            guard let addresses = cluster.boundAddresses else { return }
            cluster.makeDrivers(addresses: addresses)
            cluster.start()
        }.get()
        // Asked to listen where it already does, each reports listening again.
        guard try await wait(30, on: loop, { ensemble.value.allListening == true }) else {
            throw PeerLinksTestError.cannotListen
        }
        return ensemble
    }

    enum PeerLinksTestError: Error { case cannotListen }

    /// Polls `condition` on the loop every 20 ms until it holds or
    /// `seconds` of wall time have passed.
    static func wait(_ seconds: Int, on loop: EventLoop, _ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await loop.submit(condition).get() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await loop.submit(condition).get()
    }

    @Test(.timeLimit(.minutes(3)))
    func threeServersOnLoopbackElectTheSameLeader() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let ensemble = try await Self.startEnsemble(group: group, limits: .defaults)
        let decided = try await Self.wait(30, on: loop) { ensemble.value.decided }
        let outcome = try await loop.submit { ensemble.value.outcome }.get()
        #expect(decided, "\(outcome)")
        // Server 1 has the highest zxid in the one epoch: the total order's pick.
        #expect(outcome == [1: "LEADING 1", 2: "FOLLOWING 1", 3: "FOLLOWING 1"])
        let wireErrors = try await loop.submit { ensemble.value.sinks.values.map(\.driver.wireErrorCount).reduce(0, +) }.get()
        #expect(wireErrors == 0)
        try await loop.submit { ensemble.value.shutdown() }.get()
        try await group.shutdownGracefully()
    }

    @Test(.timeLimit(.minutes(3)))
    func aSendOverTheLinkLimitClosesThatLinkAndTheOthersKeepWorking() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        var limits = PeerNetworkLimits.defaults
        limits.maxQueuedBytesPerLink = 64 * 1024
        let ensemble = try await Self.startEnsemble(group: group, limits: limits)
        let decided = try await Self.wait(30, on: loop) { ensemble.value.decided }
        let firstOutcome = try await loop.submit { ensemble.value.outcome }.get()
        #expect(decided, "\(firstOutcome)")

        // Server 2 sends more than its limit on one of its links at once.
        let victim = try await loop.submit { () -> LinkID? in
            let cluster = ensemble.value
            guard let sink = cluster.sinks[2], let network = cluster.links[2], let link = sink.open.first else { return nil }
            network.send(ByteBuffer(repeating: 0x55, count: 100 * 1024), on: link)
            return link
        }.get()
        let link = try #require(victim)
        let closed = try await Self.wait(5, on: loop) { ensemble.value.sinks[2]?.closes[link] != nil }
        #expect(closed)
        let reason = try await loop.submit { ensemble.value.sinks[2]?.closes[link] }.get()
        #expect(reason == .sendQueueFull(queuedBytes: 100 * 1024, limitBytes: 64 * 1024))

        // The others keep working: server 2 looks again and rejoins leader 1
        // over fresh links, and 1 and 3 never left it.
        try await loop.submit {
            let cluster = ensemble.value
            guard let sink = cluster.sinks[2], let network = cluster.links[2], let history = cluster.histories[2] else { return }
            sink.driver.restart(history: history, now: network.now(), network: network)
            network.rearmTimer()
        }.get()
        let rejoined = try await Self.wait(30, on: loop) {
            ensemble.value.sinks[2]?.driver.decisions.count == 2 && ensemble.value.decided
        }
        let outcome = try await loop.submit { ensemble.value.outcome }.get()
        #expect(rejoined, "\(outcome)")
        #expect(outcome == [1: "LEADING 1", 2: "FOLLOWING 1", 3: "FOLLOWING 1"])
        try await loop.submit { ensemble.value.shutdown() }.get()
        try await group.shutdownGracefully()
    }

    @Test(.timeLimit(.minutes(3)))
    func aPeerThatStopsReadingIsDroppedOnceTheSendQueuePassesTheLimit() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        var limits = PeerNetworkLimits.defaults
        limits.maxQueuedBytesPerLink = 64 * 1024
        let ensemble = try await Self.startEnsemble(group: group, limits: limits)
        let decided = try await Self.wait(30, on: loop) { ensemble.value.decided }
        let firstOutcome = try await loop.submit { ensemble.value.outcome }.get()
        #expect(decided, "\(firstOutcome)")

        // Servers 1 and 3 stop reading; server 2 writes 16 KiB at a time, each
        // within the limit, until the kernel's buffers are full and NIO's
        // queue passes 64 KiB.
        let outcome = try await loop.submit { () -> (LinkID?, Int) in
            let cluster = ensemble.value
            for id in [ServerID(1), ServerID(3)] {
                guard let sink = cluster.sinks[id], let network = cluster.links[id] else { continue }
                for link in sink.open { network.setReading(false, on: link) }
            }
            guard let sink = cluster.sinks[2], let network = cluster.links[2], let link = sink.open.first else { return (nil, 0) }
            var sent = 0
            // At most 64 MiB, far beyond loopback's socket buffers.
            while sent < 64 * 1024 * 1024, sink.open.contains(link), network.queuedBytes(on: link) + 16 * 1024 <= limits.maxQueuedBytesPerLink {
                network.send(ByteBuffer(repeating: 0x55, count: 16 * 1024), on: link)
                sent += 16 * 1024
            }
            network.send(ByteBuffer(repeating: 0x55, count: 16 * 1024), on: link)
            return (link, sent)
        }.get()
        let link = try #require(outcome.0)
        print("stuck peer: \(outcome.1) bytes written before NIO's queue reached the limit")
        #expect(outcome.1 < 64 * 1024 * 1024)
        #expect(try await Self.wait(5, on: loop) { ensemble.value.sinks[2]?.closes[link] != nil })
        let reason = try await loop.submit { ensemble.value.sinks[2]?.closes[link] }.get()
        guard case .sendQueueFull(_, let limit) = reason else {
            Issue.record("expected sendQueueFull, got \(String(describing: reason))")
            return
        }
        #expect(limit == 64 * 1024)
        try await loop.submit { ensemble.value.shutdown() }.get()
        try await group.shutdownGracefully()
    }
}
