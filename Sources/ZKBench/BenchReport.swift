import Foundation
import Histogram

/// Latency percentiles of one run, in microseconds.
struct BenchLatency: Codable, Sendable {
    var count: UInt64
    var p50Us: Double
    var p90Us: Double
    var p99Us: Double
    var p999Us: Double
    var maxUs: Double

    /// From a histogram of nanoseconds.
    init(_ histogram: Histogram<UInt64>) {
        count = histogram.totalCount
        func us(_ percentile: Double) -> Double {
            histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1000
        }
        p50Us = us(50)
        p90Us = us(90)
        p99Us = us(99)
        p999Us = us(99.9)
        maxUs = histogram.totalCount == 0 ? 0 : Double(histogram.max) / 1000
    }
}

/// A histogram for latencies in nanoseconds, 1 µs to 10 minutes, three
/// significant digits.
func makeLatencyHistogram() -> Histogram<UInt64> {
    Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
}

/// CPU and memory of one process over the measured window.
struct BenchProcessReport: Codable, Sendable {
    var pid: Int32?
    var cpuSeconds: Double
    /// CPU milliseconds per 1,000 operations (= CPU µs per operation).
    var cpuMsPer1kOps: Double?
    /// CPU seconds per wall-clock second (1.0 = one core busy).
    var cpuSecondsPerSecond: Double
    var rssBytes: Int
    var peakRSSBytes: Int

    init(pid: Int32?, before: ProcessSample, after: ProcessSample, operations: UInt64, windowSeconds: Double) {
        self.pid = pid
        cpuSeconds = max(0, after.cpuSeconds - before.cpuSeconds)
        cpuMsPer1kOps = operations > 0 ? cpuSeconds * 1e6 / Double(operations) : nil
        cpuSecondsPerSecond = windowSeconds > 0 ? cpuSeconds / windowSeconds : 0
        rssBytes = after.rssBytes
        peakRSSBytes = after.peakRSSBytes
    }
}

/// Everything one `swiftzk bench` run measured; `--json` prints it as is.
public struct BenchResult: Codable, Sendable {
    var workload: String
    var servers: String
    var connections: Int
    var inFlight: Int
    var valueSize: Int
    var keys: Int
    var warmupSeconds: Double
    var durationSeconds: Double
    var operations: UInt64
    var errors: UInt64
    var opsPerSecond: Double
    var latency: BenchLatency
    /// The server, with --server-pid.
    var server: BenchProcessReport?
    /// This process: the client, on the same machine as the server.
    var client: BenchProcessReport
    /// Workload-specific figures (watchers, sessions, startup time, ...).
    var extra: [String: Double] = [:]
    /// Remarks on the run, such as the client limiting the load.
    public internal(set) var notes: [String] = []

    /// The result as pretty-printed JSON with sorted keys (`--json`).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The result as the text table `swiftzk bench` prints.
    public func table() -> String {
        var lines: [String] = []
        lines.append("swiftzk bench: \(workload) on \(servers)")
        lines.append("  setup          \(connections) connections × \(inFlight) in flight, \(valueSize)-byte values, \(keys) keys, "
                     + "\(fmt(durationSeconds)) s measured after \(fmt(warmupSeconds)) s warm-up")
        lines.append("  operations     \(operations) (\(fmt(opsPerSecond)) ops/s), errors \(errors)")
        if latency.count > 0 {
            lines.append("  latency µs     p50 \(fmt(latency.p50Us))   p90 \(fmt(latency.p90Us))   p99 \(fmt(latency.p99Us))   "
                         + "p99.9 \(fmt(latency.p999Us))   max \(fmt(latency.maxUs))   (\(latency.count) samples)")
        }
        if let server {
            lines.append("  server         " + describe(server))
        }
        lines.append("  bench          " + describe(client) + " (this client, same machine)")
        for key in extra.keys.sorted() {
            lines.append("  \(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(fmt(extra[key] ?? 0))")
        }
        for note in notes {
            lines.append("  note: \(note)")
        }
        return lines.joined(separator: "\n")
    }

    private func describe(_ process: BenchProcessReport) -> String {
        var parts: [String] = []
        if let perOps = process.cpuMsPer1kOps {
            parts.append("CPU \(fmt(perOps)) ms per 1,000 ops")
        }
        parts.append("\(fmt(process.cpuSecondsPerSecond)) CPU s/s")
        parts.append("RSS \(fmt(Double(process.rssBytes) / 1_048_576)) MiB (peak \(fmt(Double(process.peakRSSBytes) / 1_048_576)) MiB)")
        return parts.joined(separator: ", ")
    }
}

/// A number with about four significant digits, no exponent.
func fmt(_ value: Double) -> String {
    let magnitude = abs(value)
    if magnitude >= 1000 { return String(format: "%.0f", value) }
    if magnitude >= 100 { return String(format: "%.1f", value) }
    if magnitude >= 10 { return String(format: "%.2f", value) }
    return String(format: "%.3f", value)
}
