import ArgumentParser
import ZKBench

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

    typealias Workload = BenchOptions.Workload

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

    var options: BenchOptions {
        var options = BenchOptions()
        options.server = server
        options.workload = workload
        options.connections = connections
        options.inFlight = inFlight
        options.duration = duration
        options.warmup = warmup
        options.valueSize = valueSize
        options.keys = keys
        options.readPercent = readPercent
        options.watchers = watchers
        options.sessions = sessions
        options.rate = rate
        options.count = count
        options.batch = batch
        options.sessionTimeout = sessionTimeout
        options.clientThreads = clientThreads
        options.serverPid = serverPid
        options.serverLog = serverLog
        options.startupTimeout = startupTimeout
        options.command = command
        return options
    }

    func validate() throws {
        if let problem = options.problem { throw ValidationError(problem) }
    }

    func run() async throws {
        let result: BenchResult
        do {
            result = try await Bench.run(options)
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
        print(json ? result.json() : result.table())
    }
}

extension BenchOptions.Workload: ExpressibleByArgument {}
