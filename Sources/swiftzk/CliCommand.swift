import ArgumentParser
import ZKCLI

/// `swiftzk cli`: zkCli.sh's shell, commands, flags and output, on ZKClient.
struct CliCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cli",
        abstract: "A ZooKeeper shell with zkCli.sh's commands, flags and output.",
        discussion: """
            Without a command: an interactive shell (line editing, history, tab completion \
            of commands and znode paths) when stdin is a terminal, otherwise one command \
            per line of stdin, printed exactly as zkCli.sh prints them. With a command \
            (swiftzk cli -server host:port ls /): runs it and exits with its status.
            """
    )

    @Option(name: .customLong("server", withSingleDash: true), help: "host:port[,host:port...][/chroot]")
    var server = "localhost:2181"

    @Option(name: .customLong("timeout", withSingleDash: true), help: "Session timeout in milliseconds.")
    var timeout = 30000

    @Flag(name: .customShort("r"), help: "Accepted for zkCli.sh compatibility (read-only mode is not supported).")
    var readOnly = false

    @Flag(name: .customLong("waitforconnection", withSingleDash: true), help: "Wait for the connection before reading commands.")
    var waitForConnection = false

    @Option(name: .customLong("client-configuration", withSingleDash: true), help: "Accepted for zkCli.sh compatibility; ignored.")
    var clientConfiguration: String?

    @Argument(parsing: .captureForPassthrough, help: "A command and its arguments, run instead of the shell.")
    var command: [String] = []

    func run() async throws {
        let status = await CliMain.run(server: server, timeoutMs: timeout, waitForConnection: waitForConnection, command: command,
                                          version: SwiftZK.configuration.version)
        if status != 0 { throw ExitCode(status) }
    }
}
