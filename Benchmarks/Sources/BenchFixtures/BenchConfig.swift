import Benchmark

/// The configuration every SwiftZK micro-benchmark shares.
///
/// Metrics: wallClock and heap allocations (mallocCountTotal, counted by the
/// malloc interposer) everywhere; cpuTotal only where an iteration takes
/// milliseconds, since Linux reports process CPU time in 10 ms ticks and a
/// sub-millisecond operation reads as 0. `instructions` needs hardware
/// counters (perf_event_open), which this machine kind lacks (`perf stat -e
/// instructions true` says "not supported"), so it is left out rather than
/// recorded as zeros.
public enum BenchConfig {
    /// What `baseline check` counts as a change, per metric. Times on a
    /// shared 2-core machine wander by several percent between runs, so only
    /// a 20% move of the lower quartile and median counts. Allocation counts
    /// are exact, so any move of the median counts. cpuTotal, in 10 ms ticks,
    /// is shown but not checked.
    public static func thresholds(for metrics: [BenchmarkMetric]) -> [BenchmarkMetric: BenchmarkThresholds] {
        var thresholds: [BenchmarkMetric: BenchmarkThresholds] = [:]
        for metric in metrics {
            switch metric {
            case .wallClock: thresholds[metric] = BenchmarkThresholds(relative: [.p25: 20, .p50: 20])
            case .mallocCountTotal: thresholds[metric] = BenchmarkThresholds(relative: [.p50: 0.5])
            default: thresholds[metric] = BenchmarkThresholds()
            }
        }
        return thresholds
    }

    /// Sets the defaults for every benchmark of the calling target: a short
    /// run (2 s or 100,000 iterations, whichever ends first) so the whole set
    /// takes about a minute.
    ///
    /// - Parameters:
    ///   - timeUnits: the unit times are shown in.
    ///   - cpuTotal: also record CPU time (for iterations of milliseconds).
    public static func install(timeUnits: BenchmarkTimeUnits = .nanoseconds, cpuTotal: Bool = false) {
        let metrics: [BenchmarkMetric] = [.wallClock] + (cpuTotal ? [.cpuTotal] : []) + [.mallocCountTotal]
        Benchmark.defaultConfiguration = .init(
            metrics: metrics,
            timeUnits: timeUnits,
            warmupIterations: 20,
            maxDuration: .seconds(2),
            maxIterations: 100_000,
            thresholds: thresholds(for: metrics)
        )
    }

    /// The defaults, measuring `scalingFactor` operations per iteration so
    /// that the figures shown are per operation.
    public static func perOperation(_ scalingFactor: BenchmarkScalingFactor = .kilo) -> Benchmark.Configuration {
        .init(scalingFactor: scalingFactor)
    }
}
