import NIOPosix

/// What `swiftzk bench` runs: the workload, its load and where to send it.
/// The executable fills this from its flags; the defaults are the flags'.
public struct BenchOptions: Sendable {
    /// One load shape of `swiftzk bench`.
    public enum Workload: String, CaseIterable, Sendable {
        case read, write, mixed
        case createDelete = "create-delete"
        case watchFanout = "watch-fanout"
        case sessionChurn = "session-churn"
        case idleSessions = "idle-sessions"
        case load, startup
    }

    /// host:port[,host:port...] of the server.
    public var server = "127.0.0.1:2181"
    /// The load shape.
    public var workload = Workload.read
    /// Sessions (connections) for the closed-loop workloads.
    public var connections = 8
    /// Requests kept outstanding per connection.
    public var inFlight = 32
    /// Measured seconds.
    public var duration: Double = 10
    /// Seconds of load before measuring.
    public var warmup: Double = 3
    /// Bytes per value.
    public var valueSize = 100
    /// Number of keys for read, write and mixed.
    public var keys = 1000
    /// Percentage of reads for mixed.
    public var readPercent = 90
    /// Watcher sessions for watch-fanout.
    public var watchers = 100
    /// Sessions for idle-sessions.
    public var sessions = 1000
    /// Sessions per second for session-churn.
    public var rate: Double = 100
    /// Znodes to create for load.
    public var count = 100_000
    /// Creates per multi for load.
    public var batch = 500
    /// Session timeout asked of the server, in seconds.
    public var sessionTimeout: Double = 10
    /// Event loop threads for the client's connections.
    public var clientThreads = 2
    /// The server's process id, to report its CPU and memory.
    public var serverPid: Int32?
    /// startup: where the server's output goes.
    public var serverLog = "/dev/null"
    /// startup: give up after this many seconds.
    public var startupTimeout: Double = 120
    /// startup: the server command and its arguments.
    public var command: [String] = []

    /// Options with every default.
    public init() {}

    /// Why these options cannot run, as the message to show, or nil when they can.
    public var problem: String? {
        guard connections > 0, inFlight > 0, keys > 0, valueSize >= 0, watchers > 0, sessions > 0, batch > 0, count >= 0 else {
            return "--connections, --in-flight, --keys, --watchers, --sessions and --batch must be positive"
        }
        guard duration > 0, warmup >= 0, rate > 0, sessionTimeout >= 1 else {
            return "--duration and --rate must be positive, --warmup not negative, --session-timeout at least 1 s"
        }
        guard (0...100).contains(readPercent) else { return "--read-percent must be 0...100" }
        if workload == .startup && command.isEmpty {
            return "startup needs the server command after --, e.g. -- /usr/bin/swiftzk server zoo.cfg"
        }
        return nil
    }
}

/// A bench run that could not measure what it was asked to.
public struct BenchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and where to look.
    public var description: String
}

/// Runs `swiftzk bench` workloads.
public enum Bench {
    /// Runs the workload `options` name against its server and measures it.
    /// - Throws: a connection failure, or ``BenchError`` when startup's
    ///   server never answered.
    public static func run(_ options: BenchOptions) async throws -> BenchResult {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: options.clientThreads)
        let bench = BenchRunner(options: options, group: group)
        var result: BenchResult
        switch options.workload {
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
        return result
    }
}
