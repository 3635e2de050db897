import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix
import ZKClient
import ZKProtocol

/// `swiftzk bench`: load any ZooKeeper server (swiftzk or Apache) through
/// the project's client library and report throughput, latency
/// percentiles, and the server's CPU and memory.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a ZooKeeper server: throughput, latency percentiles, server CPU and memory.",
        discussion: """
            Workloads:
              read           getData of a random key (--keys nodes under /bench)
              write          setData of a random key
              mixed          --read-percent reads, the rest writes
              create-delete  create an ephemeral sequential node, then delete it
              watch-fanout   --watchers sessions each watch one node (getData); one writer
                             sets it; latency = write sent -> each event received
              session-churn  connect, create an ephemeral, close, at --rate per second
              idle-sessions  --sessions sessions that only ping; server CPU s/s and RSS
              load           create --count znodes (multis of --batch) under /bench-load
              startup        run the server command given after --, time from exec to the
                             first successful connect+getData, then stop it

            The closed-loop workloads keep --in-flight requests outstanding on each of \
            --connections sessions; each reply sends the next request. The client runs on \
            the same machine: its own CPU per 1,000 operations is reported, so a client-bound \
            run shows itself. With --server-pid, the server's CPU (utime+stime over the \
            measured window) and RSS (VmRSS, VmHWM) come from /proc.
            """
    )

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case read, write, mixed
        case createDelete = "create-delete"
        case watchFanout = "watch-fanout"
        case sessionChurn = "session-churn"
        case idleSessions = "idle-sessions"
        case load, startup
    }

    @Option(help: "host:port[,host:port...] of the server.")
    var server: String = "127.0.0.1:2181"
    @Option(help: "Workload: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workload: Workload = .read
    @Option(help: "Sessions (connections) for the closed-loop workloads.")
    var connections = 8
    @Option(help: "Requests kept outstanding per connection.")
    var inFlight = 32
    @Option(help: "Measured seconds.")
    var duration: Double = 10
    @Option(help: "Seconds of load before measuring.")
    var warmup: Double = 3
    @Option(help: "Bytes per value.")
    var valueSize = 100
    @Option(help: "Number of keys for read, write and mixed.")
    var keys = 1000
    @Option(help: "Percentage of reads for mixed.")
    var readPercent = 90
    @Option(help: "Watcher sessions for watch-fanout.")
    var watchers = 100
    @Option(help: "Sessions for idle-sessions.")
    var sessions = 1000
    @Option(help: "Sessions per second for session-churn.")
    var rate: Double = 100
    @Option(help: "Znodes to create for load.")
    var count = 100_000
    @Option(help: "Creates per multi for load.")
    var batch = 500
    @Option(help: "Session timeout asked of the server, seconds (pings go every third of it).")
    var sessionTimeout: Double = 10
    @Option(help: "Event loop threads for the client's connections.")
    var clientThreads = 2
    @Option(help: "The server's process id: report its CPU and memory.")
    var serverPid: Int32?
    @Option(help: "startup: where the server's output goes.")
    var serverLog = "/dev/null"
    @Option(help: "startup: give up after this many seconds.")
    var startupTimeout: Double = 120
    @Flag(help: "Print the result as JSON.")
    var json = false
    @Argument(parsing: .postTerminator, help: "startup: the server command and its arguments (after --).")
    var command: [String] = []

    func validate() throws {
        guard connections > 0, inFlight > 0, keys > 0, valueSize >= 0, watchers > 0, sessions > 0, batch > 0, count >= 0 else {
            throw ValidationError("--connections, --in-flight, --keys, --watchers, --sessions and --batch must be positive")
        }
        guard duration > 0, warmup >= 0, rate > 0, sessionTimeout >= 1 else {
            throw ValidationError("--duration and --rate must be positive, --warmup not negative, --session-timeout at least 1 s")
        }
        guard (0...100).contains(readPercent) else { throw ValidationError("--read-percent must be 0...100") }
        if workload == .startup && command.isEmpty {
            throw ValidationError("startup needs the server command after --, e.g. -- /usr/bin/swiftzk server zoo.cfg")
        }
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        let bench = BenchRunner(options: self, group: group)
        var result: BenchResult
        switch workload {
        case .read, .write, .mixed, .createDelete, .load:
            result = try await bench.closedLoop()
        case .watchFanout:
            result = try await bench.watchFanout()
        case .sessionChurn:
            result = try await bench.sessionChurn()
        case .idleSessions:
            result = try await bench.idleSessions()
        case .startup:
            result = try await bench.startup()
        }
        if let server = result.server, let serverPerOps = server.cpuMsPer1kOps, let clientPerOps = result.client.cpuMsPer1kOps,
           serverPerOps > 0, clientPerOps > serverPerOps {
            result.notes.append("the client used \(fmt(clientPerOps / serverPerOps))× the server's CPU per operation; "
                                + "on a shared machine the client may limit the load")
        }
        try? await group.shutdownGracefully()
        print(json ? result.json() : result.table())
    }
}
