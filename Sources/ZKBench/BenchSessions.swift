import Foundation
import Histogram
import NIOConcurrencyHelpers
import ZKClient
import ZKProtocol

extension BenchRunner {
    /// session-churn: at --rate per second, a new session connects, creates
    /// an ephemeral sequential node and closes. Latency is the whole cycle.
    /// At most 512 cycles run at once; a tick finding that many is counted
    /// as an error (the server cannot keep the rate).
    func sessionChurn() async throws -> BenchResult {
        let setup = try await connectSessions(1)[0]
        try await ensureNode(setup, "/bench-churn")
        await setup.close()
        struct Tally {
            var histogram = makeLatencyHistogram()
            var operations: UInt64 = 0
            var errors: UInt64 = 0
            var running = 0
        }
        let tally = NIOLockedValueBox(Tally())
        let configuration = sessionConfiguration
        let server = options.server
        let data = value.bytesOrEmpty
        let start = benchMonotonicNanos()
        let measureStart = start + UInt64(options.warmup * 1e9)
        let end = measureStart + UInt64(options.duration * 1e9)
        let intervalNs = UInt64(1e9 / options.rate)
        var serverBefore = serverSample()
        var clientBefore = ProcessSample.ownProcess()
        var sampledStart = false
        await withTaskGroup(of: Void.self) { group in
            var tick: UInt64 = 0
            while true {
                let due = start + tick * intervalNs
                if due >= end { break }
                await Self.sleep(untilNs: due)
                tick += 1
                if due >= measureStart && !sampledStart {
                    sampledStart = true
                    serverBefore = serverSample()
                    clientBefore = ProcessSample.ownProcess()
                }
                let measured = due >= measureStart
                let admitted = tally.withLockedValue { t -> Bool in
                    guard t.running < 512 else {
                        if measured { t.errors += 1 }
                        return false
                    }
                    t.running += 1
                    return true
                }
                guard admitted else { continue }
                group.addTask {
                    let begin = benchMonotonicNanos()
                    var ok = true
                    do {
                        let session = try await ZooKeeperSession.connect(server, configuration: configuration, timeout: .seconds(10))
                        do {
                            try await session.create("/bench-churn/s-", data: data, mode: .ephemeralSequential)
                        } catch {
                            ok = false
                        }
                        await session.close()
                    } catch {
                        ok = false
                    }
                    let now = benchMonotonicNanos()
                    tally.withLockedValue { t in
                        t.running -= 1
                        guard measured && now < end else { return }
                        if ok {
                            t.operations += 1
                            _ = t.histogram.record(now - begin)
                        } else {
                            t.errors += 1
                        }
                    }
                }
            }
            await Self.sleep(untilNs: end)
        }
        let serverAfter = serverSample()
        let clientAfter = ProcessSample.ownProcess()
        let t = tally.withLockedValue { $0 }
        var result = self.result(workload: "session-churn", operations: t.operations, errors: t.errors, seconds: options.duration,
                                 histogram: t.histogram, serverBefore: serverBefore, serverAfter: serverAfter,
                                 clientBefore: clientBefore, clientAfter: clientAfter)
        result.connections = 0
        result.inFlight = 0
        result.extra["target rate"] = options.rate
        result.notes.append("an operation is one session: connect, create an ephemeral, close")
        return result
    }

    /// idle-sessions: --sessions sessions that only ping (every third of
    /// --session-timeout). Reports the server's CPU seconds per second and
    /// RSS over --duration, after --warmup.
    func idleSessions() async throws -> BenchResult {
        let connectStart = benchMonotonicNanos()
        let sessions = try await connectSessions(options.sessions)
        let connectSeconds = Double(benchMonotonicNanos() - connectStart) / 1e9
        try? await Task.sleep(nanoseconds: UInt64(options.warmup * 1e9))
        let serverBefore = serverSample()
        let clientBefore = ProcessSample.ownProcess()
        try? await Task.sleep(nanoseconds: UInt64(options.duration * 1e9))
        let serverAfter = serverSample()
        let clientAfter = ProcessSample.ownProcess()
        let connected = sessions.filter { $0.state == .connected }.count
        await closeSessions(sessions)
        var result = self.result(workload: "idle-sessions", operations: 0, errors: UInt64(sessions.count - connected),
                                 seconds: options.duration, histogram: makeLatencyHistogram(),
                                 serverBefore: serverBefore, serverAfter: serverAfter,
                                 clientBefore: clientBefore, clientAfter: clientAfter)
        result.connections = sessions.count
        result.inFlight = 0
        result.extra["sessions"] = Double(sessions.count)
        result.extra["connect s"] = connectSeconds
        if let server = result.server {
            result.extra["server CPU s/s"] = server.cpuSecondsPerSecond
        }
        return result
    }
}
