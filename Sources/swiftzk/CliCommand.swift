import ArgumentParser
import Foundation
import ZKClient

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
        let shell = CliShell(host: server, timeoutMs: timeout, waitForConnection: waitForConnection)
        let out = shell.out
        out.line("Connecting to \(server)")
        if !command.isEmpty {
            // Single command: ZooKeeperMain.processCmd on the arguments as given.
            // The connect event prints once a request waits for the
            // connection; a command refused by its parser exits before it.
            await shell.connect(server)
            await shell.processCmd(command)
            if !shell.quitRequested { await shell.closeSession(printEvent: false) }
            if shell.exitCode != 0 { throw ExitCode(shell.exitCode) }
            return
        }
        await shell.connect(server)
        out.line("Welcome to ZooKeeper!")
        if isatty(0) != 0 {
            out.line("JLine support is enabled")
            await shell.awaitPendingConnect()
            let editor = CliLineEditor(out: out)
            while !shell.quitRequested,
                  let line = await editor.readLine(prompt: shell.prompt, complete: { line, start, word in
                      await shell.completions(line: line, wordStart: start, word: word)
                  }) {
                await shell.executeLine(line)
            }
        } else {
            out.line("JLine support is disabled")
            await shell.awaitPendingConnect()
            while !shell.quitRequested, let line = await CliLineEditor.plainLine() {
                await shell.executeLine(line)
            }
        }
        if !shell.quitRequested { await shell.closeSession(printEvent: false) }
        if shell.exitCode != 0 { throw ExitCode(shell.exitCode) }
    }
}

extension CliShell {
    /// JLineZNodeCompleter: the command word from the command list, a word
    /// starting with "/" from the children of its parent znode.
    func completions(line: String, wordStart: Int, word: String) async -> [String] {
        if wordStart == 0 {
            return Self.commandNames.filter { $0.hasPrefix(word) }
        }
        guard word.hasPrefix("/"), let session, isAlive else { return [] }
        let slash = word.lastIndex(of: "/") ?? word.startIndex
        let dir = slash == word.startIndex ? "/" : String(word[..<slash])
        let prefix = String(word[word.index(after: slash)...])
        guard let children = try? await session.getChildren(dir) else { return [] }
        let base = dir == "/" ? "/" : dir + "/"
        return CliFormat.javaSorted(children.filter { $0.hasPrefix(prefix) }).map { base + $0 }
    }
}
