import BenchFixtures
import Benchmark
import ZKDataTree
import ZKProtocol
import ZKServerCore

/// A watch manager that already holds one data watch on each of the other
/// 9,999 keys, spread over 1,000 connections, as a busy ensemble's would;
/// the benchmarks add their watchers (connections from 10,000 up) on
/// /bench/key-000123.
final class WatchState {
    var watches = WatchManager()
    let hotPath = BenchFixtures.keyPath(123)
    let change: WatchTrigger

    /// - Parameter recursiveWatchersOnParent: persistent recursive watches
    ///   on /bench to add, from connection 10,000 up.
    init(recursiveWatchersOnParent: Int = 0) {
        for index in 0..<BenchFixtures.prefilledNodeCount where index != 123 {
            watches.addDataWatch(BenchFixtures.keyPath(index), ConnectionID(index % 1_000))
        }
        change = WatchTrigger(
            path: hotPath, type: .nodeDataChanged, acl: ACL.openACLUnsafe, zxid: 0x1_0000_2711, data: true, child: false)
        for watcher in firstWatcher..<firstWatcher + ConnectionID(recursiveWatchersOnParent) {
            watches.addPersistent(BenchFixtures.parentPath, watcher, recursive: true)
        }
    }
}

private let firstWatcher: ConnectionID = 10_000

// What a setData costs in watch handling: firing one-shot watches (which
// removes them), persistent recursive watches (which fire from an
// ancestor), and the getData-with-watch then setData cycle of a single
// client.
let benchmarks: @Sendable () -> Void = {
    BenchConfig.install()

    // One-shot watches are gone once fired, so each iteration sets them
    // again (not measured) and then fires them (measured). Figures are per trigger.
    for (watcherCount, label, timeUnits) in [(10, "10", BenchmarkTimeUnits.nanoseconds), (1_000, "1,000", .microseconds)] {
        Benchmark(
            "Watch trigger, \(label) one-shot watchers on a path", configuration: .init(timeUnits: timeUnits)
        ) { benchmark, state in
            for watcher in firstWatcher..<firstWatcher + ConnectionID(watcherCount) {
                state.watches.addDataWatch(state.hotPath, watcher)
            }
            benchmark.startMeasurement()
            let deliveries = state.watches.trigger(state.change)
            benchmark.stopMeasurement()
            precondition(deliveries.count == watcherCount, "fired \(deliveries.count)")
        } setup: {
            WatchState()
        }
    }

    // A persistent recursive watch on /bench (as Curator's CuratorCache
    // sets) fires for every key below it and stays. Figures are per trigger.
    Benchmark("Watch trigger, 100 recursive watchers on the parent") { benchmark, state in
        let deliveries = state.watches.trigger(state.change)
        precondition(deliveries.count == 100, "fired \(deliveries.count)")
        blackHole(deliveries)
    } setup: {
        WatchState(recursiveWatchersOnParent: 100)
    }

    // getData with watch=true, then the setData that fires it: per cycle.
    Benchmark("Watch add then trigger, 1 watcher", configuration: BenchConfig.perOperation(.kilo)) { benchmark, state in
        for _ in benchmark.scaledIterations {
            state.watches.addDataWatch(state.hotPath, firstWatcher)
            blackHole(state.watches.trigger(state.change))
        }
    } setup: {
        WatchState()
    }
}
