#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import ZKClient
import ZKProtocol

extension BenchRunner {
    /// startup: runs the server command, measures from just before exec to
    /// the first getData("/") answered on a connected session, reads the
    /// server's RSS then, and stops it (SIGTERM, SIGKILL after 15 s).
    /// Attempts start every 5 ms, so the figure is within about 5 ms of the
    /// true one. With a large dataDir this is the recovery time.
    func startup() async throws -> BenchResult {
        var arguments = options.command
        let executable = Self.resolve(arguments.removeFirst())
        _ = FileManager.default.createFile(atPath: options.serverLog, contents: nil)
        let log = FileHandle(forWritingAtPath: options.serverLog)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log

        // Each attempt is a new session that tries one connection (a long
        // backoff stops it retrying), started every 5 ms while earlier
        // ones may still wait: a server that accepts TCP before it serves
        // (Apache binds early) can hold an attempt until its timeout, and
        // a later attempt must not wait behind it.
        var probeConfiguration = sessionConfiguration
        probeConfiguration.reconnectBackoff = .seconds(60)
        let configuration = probeConfiguration
        let server = options.server
        let clientBefore = ProcessSample.ownProcess()
        let start = benchMonotonicNanos()
        try process.run()
        let pid = process.processIdentifier
        let deadline = start + UInt64(options.startupTimeout * 1e9)
        let served = NIOLockedValueBox<UInt64?>(nil)
        var attempts = 0
        await withTaskGroup(of: Void.self) { group in
            while served.withLockedValue({ $0 }) == nil && benchMonotonicNanos() < deadline && process.isRunning {
                attempts += 1
                group.addTask {
                    guard let session = try? ZooKeeperSession(server, configuration: configuration) else { return }
                    do {
                        try await session.waitUntilConnected(timeout: .seconds(2))
                        _ = try await session.send(.getData(GetDataRequest(path: JuteBytes("/"), watch: false))).get()
                        let now = benchMonotonicNanos()
                        served.withLockedValue { $0 = min($0 ?? now, now) }
                    } catch {
                    }
                    await session.close()
                }
                try? await Task.sleep(nanoseconds: 5_000_000)
            }
            group.cancelAll()
        }
        let servingNs = served.withLockedValue { $0 }.map { $0 - start }
        let serverSample = ProcessSample.read(pid: pid)
        let clientAfter = ProcessSample.ownProcess()
        Self.stop(process)
        guard let servingNs else {
            throw BenchError(description: "the server (pid \(pid)) did not answer getData on \(options.server) within "
                                  + "\(options.startupTimeout) s; see \(options.serverLog)")
        }
        let seconds = Double(servingNs) / 1e9
        let zero = ProcessSample(cpuSeconds: 0, rssBytes: 0, peakRSSBytes: 0)
        var result = self.result(workload: "startup", operations: 1, errors: 0, seconds: seconds,
                                 histogram: makeLatencyHistogram(),
                                 serverBefore: serverSample.map { _ in zero }, serverAfter: serverSample,
                                 clientBefore: clientBefore, clientAfter: clientAfter)
        result.server?.pid = pid
        result.connections = 1
        result.inFlight = 1
        result.warmupSeconds = 0
        result.extra["serving ms"] = seconds * 1000
        result.extra["attempts"] = Double(attempts)
        result.notes.append("serving = exec -> first getData answered; server CPU is its total until then")
        return result
    }

    /// A command name looked up in PATH, as a shell would; a path is kept.
    static func resolve(_ name: String) -> String {
        if name.contains("/") { return name }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }

    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<300 where process.isRunning {
            usleep(50_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}
