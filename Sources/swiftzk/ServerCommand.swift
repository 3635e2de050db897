import ArgumentParser
import Dispatch
import Logging
import NIOCore
import ZKServer
#if canImport(Glibc)
import Glibc
#endif

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run a standalone ZooKeeper server.",
        discussion: """
            With no ZOO_CFG it runs on the embedded default: client port 2181 on \
            every address, tickTime 2000, data in ./swiftzk-data. With one, it reads \
            that zoo.cfg as Apache ZooKeeper 3.9 does.
            """
    )

    @Argument(help: "A zoo.cfg file. Omit it for the embedded default.")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "A cfg line applied after the file, as KEY=VALUE; repeatable. A leading 'zookeeper.' is dropped, so system properties work too.",
        valueName: "key=value"))
    var overrides: [String] = []

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "swiftzk")
        let serverConfig: ServerConfig
        do {
            serverConfig = try ServerConfig.load(path: config, overrides: overrides)
        } catch {
            throw ValidationError("\(error)")
        }
        for warning in serverConfig.warnings {
            logger.warning("\(warning)")
        }
        let server = ZooKeeperServer(config: serverConfig, logger: logger)
        let address = try await server.start()
        let stop = Self.stopOnTermination(server, logger: logger)
        defer { withExtendedLifetime(stop) {} }
        let host = address.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "?"
        logger.info("serving clients on \(host):\(address.port ?? 0)")
        try await server.waitUntilClosed()
    }

    /// SIGTERM and SIGINT let a snapshot being written finish (up to 30 s),
    /// then end the process by the same signal, so its exit status is what
    /// it was without the handler.
    static func stopOnTermination(_ server: ZooKeeperServer, logger: Logger) -> [DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("signal \(number): stopping")
                server.afterSnapshots(timeout: .seconds(30)) {
                    // libdispatch blocks the signal in its threads (it reads
                    // it from a signalfd): unblock it here, then take the
                    // default action.
                    signal(number, SIG_DFL)
                    var set = sigset_t()
                    sigemptyset(&set)
                    sigaddset(&set, number)
                    pthread_sigmask(SIG_UNBLOCK, &set, nil)
                    raise(number)
                    _exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }
}
