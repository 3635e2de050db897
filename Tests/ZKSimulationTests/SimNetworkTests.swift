import NIOCore
import Testing
import ZKProtocol
import ZKSimulation
import ZKZab

/// Runs a SimNetwork by itself: events are recorded per server, and a
/// handler may act on each one.
final class NetworkRecorder {
    let network: SimNetwork
    var events: [ServerID: [PeerNetworkEvent]] = [:]
    var nowNanos: UInt64 = 0

    init(seed: UInt64, options: SimNetwork.Options = SimNetwork.Options()) {
        network = SimNetwork(seed: seed, options: options)
    }

    func endpoint(_ id: ServerID) -> SimPeerEndpoint {
        network.endpoint(id) ?? network.addHost(id, address: "10.0.0.\(id.raw)")
    }

    /// Delivers everything due up to `untilNanos` (all, if nil).
    func run(untilNanos: UInt64? = nil, _ handler: (ServerID, PeerNetworkEvent) -> Void = { _, _ in }) {
        while let next = network.nextDueNanos, next <= (untilNanos ?? .max) {
            nowNanos = max(nowNanos, next)
            while let (id, event) = network.nextEvent(upTo: nowNanos) {
                events[id, default: []].append(event)
                handler(id, event)
            }
        }
        if let untilNanos { nowNanos = max(nowNanos, untilNanos); network.nowNanos = nowNanos }
    }

    func received(_ id: ServerID, on link: LinkID? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        for case let .received(l, buffer) in events[id] ?? [] where link == nil || l == link {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    func closes(_ id: ServerID) -> [LinkCloseReason] {
        (events[id] ?? []).compactMap { if case let .linkClosed(_, reason) = $0 { return reason } else { return nil } }
    }

    func opened(_ id: ServerID) -> [LinkID] {
        (events[id] ?? []).compactMap { if case let .linkOpened(link, _, _) = $0 { return link } else { return nil } }
    }

    /// Server 1 listens, server 2 connects; returns 2's link once open.
    func connectTwoToOne() -> LinkID {
        endpoint(1).listen(on: PeerAddress(host: "10.0.0.1", port: 3888))
        run()
        let link = endpoint(2).connect(to: PeerAddress(host: "10.0.0.1", port: 3888))
        run()
        return link
    }
}

@Suite struct SimNetworkTests {
    @Test func bytesOnALinkArriveInOrderWhateverTheChunking() {
        for seed in UInt64(1)...20 {
            let net = NetworkRecorder(seed: seed)
            let link = net.connectTwoToOne()
            #expect(net.opened(2) == [link])
            var sent: [UInt8] = []
            var random = SimRandom(seed: seed)
            var sends = 0
            for round in 0..<50 {
                for _ in 0..<random.int(1...4) {
                    let bytes = (0..<random.int(1...300)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    sent += bytes
                    sends += 1
                    net.endpoint(2).send(ByteBuffer(bytes: bytes), on: link)
                }
                net.run(untilNanos: UInt64(round) * 3_000_000)
            }
            net.run()
            #expect(net.received(1) == sent, "seed \(seed)")
            // Chunks neither match the sends one to one nor keep their edges.
            let chunks = (net.events[1] ?? []).filter { if case .received = $0 { return true } else { return false } }.count
            #expect(chunks != sends, "seed \(seed): \(chunks) chunks for \(sends) sends")
        }
    }

    @Test func aResetLosesBytesInFlightAndBothEndsSeeIt() {
        let net = NetworkRecorder(seed: 7)
        let link = net.connectTwoToOne()
        net.endpoint(2).send(ByteBuffer(bytes: Array(repeating: 1, count: 100)), on: link)
        #expect(net.endpoint(2).queuedBytes(on: link) == 100)
        #expect(net.network.resetRandomLink())
        net.run()
        #expect(net.received(1).isEmpty)
        #expect(net.closes(1).count == 1)
        #expect(net.closes(2).count == 1)
        guard case .reset = net.closes(1).first, case .reset = net.closes(2).first else {
            Issue.record("expected resets, got \(net.closes(1)) and \(net.closes(2))")
            return
        }
        // Sending on the dead link does nothing.
        net.endpoint(2).send(ByteBuffer(bytes: [1]), on: link)
        net.run()
        #expect(net.received(1).isEmpty)
    }

    @Test func aCloseDeliversWhatWasSentThenEOF() {
        let net = NetworkRecorder(seed: 3)
        let link = net.connectTwoToOne()
        net.endpoint(2).send(ByteBuffer(bytes: Array(0..<200)), on: link)
        net.endpoint(2).close(link)
        net.run()
        #expect(net.received(1) == Array(0..<200))
        #expect(net.closes(1) == [.closedByPeer])
        #expect(net.closes(2) == [.closedLocally])
        guard case .linkClosed = net.events[1]?.last else {
            Issue.record("EOF must come after the bytes")
            return
        }
    }

    @Test func aPartitionBlocksConnectsAndResetsLinksAcrossIt() {
        let net = NetworkRecorder(seed: 11)
        let link = net.connectTwoToOne()
        net.network.isolate([1])
        net.run()
        #expect(net.closes(1).count == 1)
        #expect(net.closes(2).count == 1)
        let attempt = net.endpoint(2).connect(to: PeerAddress(host: "10.0.0.1", port: 3888))
        net.run()
        #expect(net.opened(2) == [link])
        guard case let .linkClosed(id, .connectFailed) = net.events[2]?.last, id == attempt else {
            Issue.record("connect across a partition must fail, got \(String(describing: net.events[2]?.last))")
            return
        }
        net.network.heal()
        let again = net.endpoint(2).connect(to: PeerAddress(host: "10.0.0.1", port: 3888))
        net.run()
        #expect(net.opened(2) == [link, again])
    }

    @Test func connectIsRefusedWithoutAListenerOrToACrashedServer() {
        let net = NetworkRecorder(seed: 5)
        _ = net.endpoint(1)
        _ = net.endpoint(2).connect(to: PeerAddress(host: "10.0.0.1", port: 3888))
        net.run()
        #expect(net.closes(2) == [.connectFailed("connection refused by 10.0.0.1:3888")])
        let link = net.connectTwoToOne()
        #expect(net.opened(2) == [link])
        net.network.crash(1)
        net.run()
        guard case .reset = net.closes(2).last else {
            Issue.record("a crash resets the peer's links")
            return
        }
        _ = net.endpoint(2).connect(to: PeerAddress(host: "10.0.0.1", port: 3888))
        net.run()
        #expect(net.closes(2).last == .connectFailed("connection refused by 10.0.0.1:3888"))
    }

    @Test func aPeerThatStopsReadingFillsTheSendQueueAndTheLinkCloses() {
        var options = SimNetwork.Options()
        options.limits.maxQueuedBytesPerLink = 10_000
        let net = NetworkRecorder(seed: 9, options: options)
        let link = net.connectTwoToOne()
        guard let inbound = net.opened(1).first else {
            Issue.record("no inbound link")
            return
        }
        net.endpoint(1).setReading(false, on: inbound)
        for _ in 0..<9 { net.endpoint(2).send(ByteBuffer(bytes: Array(repeating: 7, count: 1000)), on: link) }
        net.run()
        #expect(net.received(1).isEmpty)
        #expect(net.endpoint(2).queuedBytes(on: link) == 9000)
        net.endpoint(2).send(ByteBuffer(bytes: Array(repeating: 7, count: 1001)), on: link)
        net.run()
        #expect(net.closes(2) == [.sendQueueFull(queuedBytes: 10_001, limitBytes: 10_000)])
        guard case .reset = net.closes(1).first else {
            Issue.record("the stuck peer sees a reset")
            return
        }
    }

    @Test func readingResumesWhereItStopped() {
        let net = NetworkRecorder(seed: 2)
        let link = net.connectTwoToOne()
        let inbound = net.opened(1)[0]
        net.endpoint(1).setReading(false, on: inbound)
        net.endpoint(2).send(ByteBuffer(bytes: Array(0..<100)), on: link)
        net.run()
        #expect(net.received(1).isEmpty)
        net.endpoint(1).setReading(true, on: inbound)
        net.run()
        #expect(net.received(1) == Array(0..<100))
        #expect(net.endpoint(2).queuedBytes(on: link) == 0)
    }

    @Test func oneSeedGivesOneTrace() {
        func trace(_ seed: UInt64) -> [String] {
            let result = SimElection(options: SimElectionOptions(seed: seed, servers: 5), keepTrace: true).run()
            return result.trace
        }
        let a = trace(42)
        #expect(a.count > 100)
        #expect(a == trace(42))
        #expect(a != trace(43))
    }
}
