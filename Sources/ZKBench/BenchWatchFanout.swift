import Histogram
import NIOConcurrencyHelpers
import ZKClient
import ZKProtocol

/// What the writer and the watcher tasks of watch-fanout share.
private struct FanoutState {
    var armed = 0
    var received = 0
    /// When the current round's setData was sent; 0 before the first.
    var writeSentNs: UInt64 = 0
    var measuring = false
    var histogram = makeLatencyHistogram()
    var measuredEvents: UInt64 = 0
}

extension BenchRunner {
    /// watch-fanout: --watchers sessions each hold a getData watch on one
    /// node; one writer sets it. Latency is from the setData's send to each
    /// event's arrival in the watcher's task (so it includes the client's
    /// delivery through an AsyncStream). A round starts when every watch is
    /// re-armed, so no event is missed.
    func watchFanout() async throws -> BenchResult {
        let path = "/bench-fanout"
        let watcherCount = options.watchers
        let writer = try await connectSessions(1)[0]
        try await ensureNode(writer, path)
        let watchers = try await connectSessions(watcherCount)
        let state = NIOLockedValueBox(FanoutState())

        let start = benchMonotonicNanos()
        let measureStart = start + UInt64(options.warmup * 1e9)
        let end = measureStart + UInt64(options.duration * 1e9)
        var serverBefore = serverSample()
        var clientBefore = ProcessSample.ownProcess()
        var serverAfter: ProcessSample?
        var clientAfter = clientBefore
        var errors: UInt64 = 0
        var rounds = 0

        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in watchers {
                group.addTask {
                    while true {
                        let watch: ZKWatch
                        do {
                            watch = try await session.getDataAndWatch(path).watch
                        } catch {
                            return  // closed at the end
                        }
                        state.withLockedValue { $0.armed += 1 }
                        guard await watch.next() != nil else { return }
                        let now = benchMonotonicNanos()
                        state.withLockedValue {
                            $0.received += 1
                            if $0.measuring {
                                _ = $0.histogram.record(now - $0.writeSentNs)
                                $0.measuredEvents += 1
                            }
                        }
                    }
                }
            }
            var sampledStart = false
            while benchMonotonicNanos() < end {
                let target = watcherCount * (rounds + 1)
                guard await Self.wait(for: state, timeoutNs: 30_000_000_000, { $0.armed >= target }) else {
                    errors += 1
                    break
                }
                let now = benchMonotonicNanos()
                if now >= measureStart && !sampledStart {
                    sampledStart = true
                    serverBefore = serverSample()
                    clientBefore = ProcessSample.ownProcess()
                }
                state.withLockedValue {
                    $0.writeSentNs = now
                    $0.measuring = now >= measureStart
                }
                do {
                    _ = try await writer.send(.setData(SetDataRequest(path: JuteBytes(path), data: value, version: -1))).get()
                } catch {
                    errors += 1
                }
                guard await Self.wait(for: state, timeoutNs: 30_000_000_000, { $0.received >= target }) else {
                    errors += 1
                    break
                }
                rounds += 1
            }
            serverAfter = serverSample()
            clientAfter = ProcessSample.ownProcess()
            await closeSessions(watchers + [writer])
            try await group.waitForAll()
        }
        let (histogram, events) = state.withLockedValue { ($0.histogram, $0.measuredEvents) }
        var result = self.result(workload: "watch-fanout", operations: events, errors: errors, seconds: options.duration,
                                 histogram: histogram, serverBefore: serverBefore, serverAfter: serverAfter,
                                 clientBefore: clientBefore, clientAfter: clientAfter)
        result.connections = watcherCount + 1
        result.inFlight = 1
        result.extra["watchers"] = Double(watcherCount)
        result.extra["rounds"] = Double(rounds)
        result.notes.append("operations are watch events delivered; latency is setData sent -> event received")
        return result
    }

    /// Polls `state` every 200 µs until `ready` holds; false after the timeout.
    private static func wait(for state: NIOLockedValueBox<FanoutState>, timeoutNs: UInt64,
                             _ ready: @escaping (FanoutState) -> Bool) async -> Bool {
        let deadline = benchMonotonicNanos() + timeoutNs
        while !state.withLockedValue({ ready($0) }) {
            if benchMonotonicNanos() >= deadline { return false }
            try? await Task.sleep(nanoseconds: 200_000)
        }
        return true
    }
}
