import ArgumentParser
import Logging
import NIOCore
import ServiceLifecycle
import ZKServer

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
            try serverConfig.checkStandalone()
        } catch {
            throw ValidationError("\(error)")
        }
        for warning in serverConfig.warnings {
            logger.warning("\(warning)")
        }
        let server = ZooKeeperServer(config: serverConfig, logger: logger)
        // SIGTERM and SIGINT start the graceful stop; the process then ends
        // with status 0.
        let group = ServiceGroup(
            services: [ZooKeeperService(server: server, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
    }
}

/// The server as a service: started, served until a graceful stop, then
/// shut down.
///
/// A graceful stop lets a snapshot being written finish (up to 30 s), so a
/// stop right after start-up keeps the start-up snapshot; clients are served
/// meanwhile. Then the listener closes, the connections close, and the log
/// thread writes what it holds. Acknowledged writes are durable already.
struct ZooKeeperService: Service {
    let server: ZooKeeperServer
    let logger: Logger

    func run() async throws {
        let address = try await server.start()
        let host = address.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "?"
        logger.info("serving clients on \(host):\(address.port ?? 0)")
        let server = self.server
        let logger = self.logger
        try await withGracefulShutdownHandler {
            try await server.waitUntilClosed()
        } onGracefulShutdown: {
            logger.info("graceful stop: waiting for a snapshot in progress (up to 30 s)")
            server.afterSnapshots(timeout: .seconds(30)) { server.stopAccepting() }
        }
        try await server.shutdown()
        logger.info("stopped gracefully")
    }
}
