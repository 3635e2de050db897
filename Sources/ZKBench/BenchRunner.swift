import Foundation
import Histogram
import Logging
import NIOCore
import NIOPosix
import ZKClient
import ZKProtocol

/// Runs one workload of `swiftzk bench` and measures it.
struct BenchRunner: Sendable {
    let options: BenchOptions
    let group: MultiThreadedEventLoopGroup

    init(options: BenchOptions, group: MultiThreadedEventLoopGroup) {
        self.options = options
        self.group = group
    }

    // MARK: Shared parts

    var sessionConfiguration: ZooKeeperSession.Configuration {
        var configuration = ZooKeeperSession.Configuration()
        configuration.sessionTimeout = .milliseconds(Int64(options.sessionTimeout * 1000))
        configuration.eventLoopGroup = group
        var logger = Logger(label: "swiftzk.bench")
        logger.logLevel = .error
        configuration.logger = logger
        return configuration
    }

    var value: JuteBytes { JuteBytes([UInt8](repeating: UInt8(ascii: "x"), count: options.valueSize)) }

    /// Opens `count` sessions, at most `concurrency` connecting at once.
    func connectSessions(_ count: Int, concurrency: Int = 200) async throws -> [ZooKeeperSession] {
        let configuration = sessionConfiguration
        let server = options.server
        return try await withThrowingTaskGroup(of: ZooKeeperSession.self) { group in
            var sessions: [ZooKeeperSession] = []
            sessions.reserveCapacity(count)
            var started = 0
            while started < min(count, concurrency) {
                group.addTask { try await ZooKeeperSession.connect(server, configuration: configuration, timeout: .seconds(30)) }
                started += 1
            }
            while let session = try await group.next() {
                sessions.append(session)
                if started < count {
                    group.addTask { try await ZooKeeperSession.connect(server, configuration: configuration, timeout: .seconds(30)) }
                    started += 1
                }
            }
            return sessions
        }
    }

    func closeSessions(_ sessions: [ZooKeeperSession]) async {
        await withTaskGroup(of: Void.self) { group in
            for (i, session) in sessions.enumerated() {
                if i >= 500 { await group.next() }
                group.addTask { await session.close() }
            }
        }
    }

    /// Creates `path` unless it exists.
    func ensureNode(_ session: ZooKeeperSession, _ path: String) async throws {
        do {
            _ = try await session.send(.create2(CreateRequest(path: JuteBytes(path), data: .null, acl: ACL.openACLUnsafe,
                                                              flags: CreateMode.persistent.code))).get()
        } catch let error as ZooKeeperError where error.code == .nodeExists {
        }
    }

    /// /bench/k-000000... with values of --value-size bytes (created, or set when they exist).
    func prepareKeys(_ session: ZooKeeperSession) async throws -> [JuteBytes] {
        try await ensureNode(session, "/bench")
        let paths = (0..<options.keys).map { JuteBytes("/bench/k-" + pad7($0)) }
        let value = self.value
        for chunk in stride(from: 0, to: paths.count, by: 1000) {
            let futures = paths[chunk..<min(paths.count, chunk + 1000)].map { path in
                session.send(.create2(CreateRequest(path: path, data: value, acl: ACL.openACLUnsafe, flags: CreateMode.persistent.code)))
                    .flatMapError { error in
                        guard let zkError = error as? ZooKeeperError, zkError.code == .nodeExists else {
                            return session.eventLoop.makeFailedFuture(error)
                        }
                        return session.send(.setData(SetDataRequest(path: path, data: value, version: -1)))
                    }
            }
            _ = try await EventLoopFuture.whenAllSucceed(futures, on: session.eventLoop).get()
        }
        return paths
    }

    func serverSample() -> ProcessSample? {
        options.serverPid.flatMap { ProcessSample.read(pid: $0) }
    }

    static func sleep(untilNs deadline: UInt64) async {
        let now = benchMonotonicNanos()
        if deadline > now { try? await Task.sleep(nanoseconds: deadline - now) }
    }

    func result(workload: String, operations: UInt64, errors: UInt64, seconds: Double, histogram: Histogram<UInt64>,
                serverBefore: ProcessSample?, serverAfter: ProcessSample?,
                clientBefore: ProcessSample, clientAfter: ProcessSample) -> BenchResult {
        var server: BenchProcessReport?
        if let serverBefore, let serverAfter {
            server = BenchProcessReport(pid: options.serverPid, before: serverBefore, after: serverAfter,
                                        operations: operations, windowSeconds: seconds)
        }
        return BenchResult(
            workload: workload, servers: options.server, connections: options.connections, inFlight: options.inFlight,
            valueSize: options.valueSize, keys: options.keys, warmupSeconds: options.warmup, durationSeconds: seconds,
            operations: operations, errors: errors, opsPerSecond: seconds > 0 ? Double(operations) / seconds : 0,
            latency: BenchLatency(histogram), server: server,
            client: BenchProcessReport(pid: getpid(), before: clientBefore, after: clientAfter,
                                       operations: operations, windowSeconds: seconds))
    }

    // MARK: Closed loop: read, write, mixed, create-delete, load

    func closedLoop() async throws -> BenchResult {
        let sessions = try await connectSessions(options.connections)
        let plan: ClosedLoopPlan
        switch options.workload {
        case .read, .write, .mixed:
            let paths = try await prepareKeys(sessions[0])
            let readPercent = options.workload == .read ? 100 : options.workload == .write ? 0 : options.readPercent
            plan = .keys(paths: paths, value: value, readPercent: readPercent)
        case .createDelete:
            try await ensureNode(sessions[0], "/bench-cd")
            plan = .createDelete(prefix: JuteBytes("/bench-cd/c-"), value: value)
        default:
            try await ensureNode(sessions[0], "/bench-load")
            plan = .load(parent: "/bench-load", count: options.count, batch: options.batch, value: value)
        }
        let isLoad = options.workload == .load
        let start = benchMonotonicNanos()
        let window = isLoad
            ? BenchWindow(measureStartNs: 0, endNs: .max)
            : BenchWindow(measureStartNs: start + UInt64(options.warmup * 1e9),
                          endNs: start + UInt64((options.warmup + options.duration) * 1e9))
        let drivers = sessions.enumerated().map { index, session in
            ClosedLoopConnection(session: session, plan: plan, window: window, index: index, connections: sessions.count)
        }
        var serverBefore = serverSample()
        var clientBefore = ProcessSample.ownProcess()
        let finished = drivers.map { $0.run(inFlight: options.inFlight) }
        var seconds: Double
        if isLoad {
            for future in finished { try await future.get() }
            seconds = Double(benchMonotonicNanos() - start) / 1e9
        } else {
            await Self.sleep(untilNs: window.measureStartNs)
            serverBefore = serverSample()
            clientBefore = ProcessSample.ownProcess()
            seconds = options.duration
        }
        await Self.sleep(untilNs: isLoad ? 0 : window.endNs)
        let serverAfter = serverSample()
        let clientAfter = ProcessSample.ownProcess()
        for future in finished { try await future.get() }

        var histogram = makeLatencyHistogram()
        var operations: UInt64 = 0, errors: UInt64 = 0, created: UInt64 = 0
        var errorCodes: [String: UInt64] = [:]
        for driver in drivers {
            histogram.add(driver.histogram)
            operations += driver.operations
            errors += driver.errors
            created += driver.created
            errorCodes.merge(driver.errorCodes, uniquingKeysWith: +)
        }
        await closeSessions(sessions)
        var result = self.result(workload: options.workload.rawValue, operations: isLoad ? created : operations, errors: errors,
                                 seconds: seconds, histogram: histogram, serverBefore: serverBefore, serverAfter: serverAfter,
                                 clientBefore: clientBefore, clientAfter: clientAfter)
        if isLoad {
            result.warmupSeconds = 0
            result.extra["multis"] = Double(operations)
            result.notes.append("latency is per multi of \(options.batch) creates")
        }
        for (code, n) in errorCodes.sorted(by: { $0.key < $1.key }) {
            result.notes.append("error \(code): \(n)")
        }
        return result
    }
}
