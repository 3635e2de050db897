import Foundation

/// The `swiftzk cli` program: zkCli.sh's shell, commands, flags and output,
/// on ZKClient. The executable parses the flags and hands them here.
public enum CliMain {
    /// Runs one command given on the command line, or else the shell on
    /// stdin: interactive with line editing when stdin is a terminal,
    /// otherwise one command per line, printed as zkCli.sh prints them.
    ///
    /// - Parameters:
    ///   - server: the connect string, `host:port[,host:port...][/chroot]`.
    ///   - timeoutMs: the session timeout asked of the server.
    ///   - waitForConnection: wait for the session before reading commands.
    ///   - command: a command and its arguments; empty runs the shell.
    ///   - version: the swiftzk version the `version` command prints.
    /// - Returns: the exit status zkCli.sh would give (0 on success).
    public static func run(server: String, timeoutMs: Int, waitForConnection: Bool, command: [String], version: String) async -> Int32 {
        let shell = CliShell(host: server, timeoutMs: timeoutMs, waitForConnection: waitForConnection, toolVersion: version)
        let out = shell.out
        out.line("Connecting to \(server)")
        if !command.isEmpty {
            // Single command: ZooKeeperMain.processCmd on the arguments as given.
            // The connect event prints once a request waits for the
            // connection; a command refused by its parser exits before it.
            await shell.connect(server)
            await shell.processCmd(command)
            if !shell.quitRequested { await shell.closeSession(printEvent: false) }
            return shell.exitCode
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
        return shell.exitCode
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
