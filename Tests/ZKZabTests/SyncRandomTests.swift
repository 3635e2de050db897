import Testing
@testable import ZKZab

/// 200 seeded runs of discovery and sync (see `SyncRun`), and the same
/// runs with each planted bug, which the checks must catch.
struct SyncRandomTests {
    static let seeds: ClosedRange<UInt64> = 1...200

    @Test("200 seeded runs: every learner ends with the leader's committed history, epochs and persists in order")
    func seededRuns() {
        var failures: [String] = []
        var totals = (snaps: 0, truncs: 0, diffs: 0, crashes: 0)
        for seed in Self.seeds {
            let run = SyncRun(seed: seed)
            totals.snaps += run.snaps
            totals.truncs += run.truncs
            totals.diffs += run.diffs
            totals.crashes += run.crashes
            if let first = run.failures.first { failures.append("seed \(seed): \(first)") }
        }
        print("seeded sync runs: \(totals.snaps) SNAPs, \(totals.truncs) TRUNCs, \(totals.diffs) DIFFs, \(totals.crashes) crashes over \(Self.seeds.count) seeds")
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        // The runs must exercise every path, or they prove little.
        #expect(totals.snaps > 50)
        #expect(totals.truncs > 10)
        #expect(totals.diffs > 100)
        #expect(totals.crashes > 50)
    }

    /// How many of the 200 seeds catch each planted bug, and the least the
    /// test accepts (measured, then set a little below).
    static let planted: [(PlantedSyncBug, Int)] = [
        // Measured: 126, 175, 69 and 38 of 200.
        (.learnerAcksNewLeaderBeforeFsync, 115),
        (.learnerWritesEpochBeforeTxns, 165),
        (.leaderSendsNewLeaderBeforeData, 60),
        (.leaderDiffsAcrossEpoch, 30),
    ]

    @Test("each planted bug is caught by the seeded runs", arguments: planted.map(\.0))
    func plantedBugCaught(_ bug: PlantedSyncBug) {
        var caught = 0
        var firstCaught: UInt64?
        for seed in Self.seeds {
            let run = SyncRun(seed: seed, bug: bug)
            if !run.failures.isEmpty {
                caught += 1
                if firstCaught == nil { firstCaught = seed }
            }
        }
        let minimum = Self.planted.first { $0.0 == bug }?.1 ?? 1
        print("planted \(bug): caught by \(caught) of \(Self.seeds.count) seeds, first at seed \(firstCaught.map(String.init) ?? "none")")
        #expect(caught >= minimum)
        #expect((firstCaught ?? .max) <= 40, "caught within seeds 1-40")
    }
}
