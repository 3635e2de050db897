import Testing
import ZKSimulation

/// Leader election through ElectionDriver over SimNetwork: the driver the
/// server runs, on links that chunk, delay, reset, stall and partition.
@Suite struct SimElectionTests {
    static let seeds = Array(UInt64(1)...200)

    /// Runs every seed; returns the failing ones, printed with their findings.
    static func failures(servers: Int, plant: Bool = false, quiet: Bool = false) -> [SimElectionResult] {
        seeds.compactMap { seed in
            var options = SimElectionOptions(seed: seed, servers: servers)
            options.plantWholeMessagePerChunk = plant
            let result = SimElection(options: options).run()
            guard !result.findings.isEmpty else { return nil }
            if !quiet { print("servers \(servers) seed \(seed): \(result.findings.joined(separator: "; "))") }
            return result
        }
    }

    @Test(arguments: [3, 5])
    func serversElectTheTotalOrdersLeaderUnderEveryFault(servers: Int) {
        let failed = Self.failures(servers: servers)
        #expect(failed.isEmpty, "\(failed.count) of \(Self.seeds.count) seeds failed: \(failed.map(\.seed))")
    }

    @Test func runsReallyChunkResetAndPartition() {
        var chunks = 0, resets = 0, restarts = 0
        for seed in UInt64(1)...20 {
            let result = SimElection(options: SimElectionOptions(seed: seed, servers: 5)).run()
            chunks += result.chunks
            resets += result.resets
            restarts += result.restarts
            #expect(result.leader != nil)
        }
        print("20 seeds of 5 servers: \(chunks) chunks, \(resets) resets, \(restarts) Zab-model restarts")
        #expect(chunks > 1000)
        #expect(resets > 100)
    }

    /// A driver that takes each chunk to hold whole messages loses bytes at
    /// chunk boundaries; the runs must catch it.
    @Test(arguments: [3, 5])
    func aDecoderThatAssumesWholeMessagesPerChunkIsCaught(servers: Int) {
        let caught = Self.failures(servers: servers, plant: true, quiet: true)
        let wire = caught.filter { $0.findings.contains { $0.contains("wire errors") } }.count
        let stuck = caught.filter { $0.findings.contains { $0.contains("no agreement") } }.count
        let wrong = caught.filter { $0.findings.contains { $0.contains("not the total order") } }.count
        print("planted whole-message-per-chunk, \(servers) servers: caught by \(caught.count) of \(Self.seeds.count) seeds (wire errors \(wire), no agreement \(stuck), wrong leader \(wrong))")
        #expect(caught.count > Self.seeds.count / 2)
    }
}
