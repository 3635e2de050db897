// Profiling harness for scripts/perf/callgrind: swiftzk's server without an
// async main. Valgrind 3.19 (Debian 12) crashes when libdispatch parks the
// main thread, which `swiftzk server` does. To build it, add to a copy of
// Package.swift:
//   package.targets.append(.executableTarget(name: "perfserver",
//       dependencies: ["ZKServer", .product(name: "Logging", package: "swift-log")]))
//   package.products.append(.executable(name: "perfserver", targets: ["perfserver"]))
// with this file as Sources/perfserver/main.swift; then
//   swift build -c release --product perfserver
// and run scripts/perf/callgrind with SWIFTZK=<that binary>.
import Foundation
import Logging
import ZKServer

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .info
    return handler
}
let logger = Logger(label: "swiftzk")
let args = CommandLine.arguments
let config = try ServerConfig.load(path: args.count > 2 ? args[2] : args[1], overrides: [])
let server = ZooKeeperServer(config: config, logger: logger)
Task.detached {
    do {
        let address = try await server.start()
        logger.info("serving clients on \(address)")
    } catch {
        logger.error("\(error)")
        exit(1)
    }
}
while true { sleep(1000) }
