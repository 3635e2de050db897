import Testing
@testable import ZKBench

struct BenchReportTests {
    @Test("numbers print with about four significant digits", arguments: [
        (12345.6, "12346"), (1000, "1000"), (123.456, "123.5"), (12.3456, "12.35"), (1.23456, "1.235"), (0, "0.000"), (-2.5, "-2.500"),
    ])
    func fmtKeepsFourSignificantDigits(value: Double, text: String) {
        #expect(fmt(value) == text)
    }

    @Test func latencyPercentilesComeFromNanoseconds() {
        var histogram = makeLatencyHistogram()
        for us in 1...1000 { histogram.record(UInt64(us) * 1000) }
        let latency = BenchLatency(histogram)
        #expect(latency.count == 1000)
        #expect(abs(latency.p50Us - 500) <= 1)
        #expect(abs(latency.p90Us - 900) <= 1)
        #expect(abs(latency.p99Us - 990) <= 1)
        #expect(abs(latency.maxUs - 1000) <= 1)
    }

    @Test func emptyHistogramGivesZeros() {
        let latency = BenchLatency(makeLatencyHistogram())
        #expect(latency.count == 0 && latency.p50Us == 0 && latency.maxUs == 0)
    }

    @Test func processReportDividesCpuByOperationsAndWindow() {
        let before = ProcessSample(cpuSeconds: 1, rssBytes: 0, peakRSSBytes: 0)
        let after = ProcessSample(cpuSeconds: 3, rssBytes: 10 << 20, peakRSSBytes: 12 << 20)
        let report = BenchProcessReport(pid: 7, before: before, after: after, operations: 4000, windowSeconds: 4)
        #expect(report.cpuSeconds == 2)
        #expect(report.cpuMsPer1kOps == 500)
        #expect(report.cpuSecondsPerSecond == 0.5)
        let idle = BenchProcessReport(pid: nil, before: before, after: after, operations: 0, windowSeconds: 0)
        #expect(idle.cpuMsPer1kOps == nil && idle.cpuSecondsPerSecond == 0)
    }

    @Test func tablePrintsSetupThroughputLatencyAndNotes() {
        var histogram = makeLatencyHistogram()
        histogram.record(250_000)
        let sample = ProcessSample(cpuSeconds: 0, rssBytes: 1 << 20, peakRSSBytes: 2 << 20)
        var result = BenchResult(
            workload: "read", servers: "127.0.0.1:2181", connections: 2, inFlight: 4, valueSize: 100, keys: 10,
            warmupSeconds: 1, durationSeconds: 2, operations: 5, errors: 0, opsPerSecond: 2.5,
            latency: BenchLatency(histogram), server: nil,
            client: BenchProcessReport(pid: nil, before: sample, after: sample, operations: 5, windowSeconds: 2))
        result.extra["watchers"] = 3
        result.notes.append("a note")
        let lines = result.table().split(separator: "\n").map(String.init)
        #expect(lines[0] == "swiftzk bench: read on 127.0.0.1:2181")
        #expect(lines[1] == "  setup          2 connections × 4 in flight, 100-byte values, 10 keys, 2.000 s measured after 1.000 s warm-up")
        #expect(lines[2] == "  operations     5 (2.500 ops/s), errors 0")
        #expect(lines[3].hasPrefix("  latency µs     p50 250.0"))
        #expect(lines[4] == "  bench          CPU 0.000 ms per 1,000 ops, 0.000 CPU s/s, RSS 1.000 MiB (peak 2.000 MiB) (this client, same machine)")
        #expect(lines[5] == "  watchers       3.000")
        #expect(lines[6] == "  note: a note")
    }

    @Test func jsonHasSortedKeys() {
        let sample = ProcessSample(cpuSeconds: 0, rssBytes: 0, peakRSSBytes: 0)
        let result = BenchResult(
            workload: "write", servers: "s", connections: 1, inFlight: 1, valueSize: 0, keys: 1,
            warmupSeconds: 0, durationSeconds: 1, operations: 0, errors: 0, opsPerSecond: 0,
            latency: BenchLatency(makeLatencyHistogram()), server: nil,
            client: BenchProcessReport(pid: nil, before: sample, after: sample, operations: 0, windowSeconds: 1))
        let json = result.json()
        #expect(json.hasPrefix("{"))
        let client = json.range(of: "\"client\"")
        let workload = json.range(of: "\"workload\"")
        #expect(client != nil && workload != nil)
        if let client, let workload { #expect(client.lowerBound < workload.lowerBound) }
    }
}

struct BenchOptionsTests {
    @Test func defaultsRun() {
        #expect(BenchOptions().problem == nil)
    }

    @Test func badOptionsNameTheFlag() {
        var options = BenchOptions()
        options.connections = 0
        #expect(options.problem == "--connections, --in-flight, --keys, --watchers, --sessions and --batch must be positive")
        options = BenchOptions()
        options.sessionTimeout = 0.5
        #expect(options.problem == "--duration and --rate must be positive, --warmup not negative, --session-timeout at least 1 s")
        options = BenchOptions()
        options.readPercent = 101
        #expect(options.problem == "--read-percent must be 0...100")
        options = BenchOptions()
        options.workload = .startup
        #expect(options.problem == "startup needs the server command after --, e.g. -- /usr/bin/swiftzk server zoo.cfg")
    }

    @Test func workloadNamesAreTheFlagValues() {
        #expect(BenchOptions.Workload.allCases.map(\.rawValue) == [
            "read", "write", "mixed", "create-delete", "watch-fanout", "session-churn", "idle-sessions", "load", "startup",
        ])
    }
}
