import Foundation
import Logging
import ZKClient
import ZKProtocol

/// The shell behind `swiftzk cli`: ZooKeeperMain's command loop, built-in
/// commands (history, redo, printwatches, connect, quit) and session
/// handling. The ZooKeeper commands are in CliCommands.swift.
final class CliShell {
    let out = CliOutput()
    var session: ZooKeeperSession?
    /// Prints the session's state changes as watch events; ends with the session.
    var monitor: Task<Void, Never>?
    var host: String
    var timeoutMs: Int
    var waitForConnection: Bool
    var history: [Int: String] = [:]
    var commandCount = 0
    /// The last command's result; the process exits with it.
    var exitCode: Int32 = 0
    /// Set by quit.
    var quitRequested = false
    /// The swiftzk version the version command prints.
    let toolVersion: String

    init(host: String, timeoutMs: Int, waitForConnection: Bool, toolVersion: String = "") {
        self.toolVersion = toolVersion
        self.host = host
        self.timeoutMs = timeoutMs
        self.waitForConnection = waitForConnection
    }

    /// Command -> option text, as ZooKeeperMain.usage() lists them (sorted
    /// as Java sorts strings: capitals first).
    static let usageTable: [(String, String)] = [
        ("addWatch", "[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE"),
        ("addauth", "scheme auth"),
        ("close", ""),
        ("config", "[-c] [-w] [-s]"),
        ("connect", "host:port"),
        ("create", "[-s] [-e] [-c] [-t ttl] path [data] [acl]"),
        ("delete", "[-v version] path"),
        ("deleteall", "path [-b batch size]"),
        ("delquota", "[-n|-b|-N|-B] path"),
        ("get", "[-s] [-w] path"),
        ("getAcl", "[-s] path"),
        ("getAllChildrenNumber", "path"),
        ("getEphemerals", "path"),
        ("history", ""),
        ("listquota", "path"),
        ("ls", "[-s] [-w] [-R] path"),
        ("printwatches", "on|off"),
        ("quit", ""),
        ("reconfig", "[-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | [-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]"),
        ("redo", "cmdno"),
        ("removewatches", "path [-c|-d|-a] [-l]"),
        ("set", "[-s] [-v version] path data"),
        ("setAcl", "[-s] [-v version] [-R] path acl"),
        ("setquota", "-n|-b|-N|-B val path"),
        ("stat", "[-w] path"),
        ("sync", "path"),
        ("version", ""),
        ("whoami", ""),
    ]
    static let commandNames = usageTable.map(\.0)

    static func usageLine(_ command: String) -> String {
        let options = usageTable.first { $0.0 == command }?.1 ?? ""
        return command + " " + options
    }

    func usage() {
        var text = "ZooKeeper -server host:port -client-configuration properties-file cmd args\n"
        for (command, options) in Self.usageTable { text += "\t\(command) \(options)\n" }
        out.write(text, toError: true)
    }

    /// The prompt JLine mode shows: "[zk: host(CONNECTED) 0] ".
    var prompt: String {
        "[zk: \(host)(\(stateName)) \(commandCount)] "
    }

    /// Apache's ZooKeeper.States name for the session's state.
    var stateName: String {
        guard let session else { return "CLOSED" }
        switch session.state {
        case .connecting, .suspended: return "CONNECTING"
        case .connected: return "CONNECTED"
        case .expired, .closed: return "CLOSED"
        case .authFailed: return "AUTH_FAILED"
        }
    }

    /// ZooKeeper.States.isAlive(): not closed and not auth-failed.
    var isAlive: Bool {
        guard let session else { return false }
        return !session.state.isTerminal
    }

    // MARK: Sessions

    /// ZooKeeperMain.connectToZK: closes a live session, then starts one to
    /// `newHost`. With -waitforconnection, waits for the connect event.
    func connect(_ newHost: String) async {
        if isAlive { await closeSession(printEvent: true) }
        host = newHost
        var configuration = ZooKeeperSession.Configuration()
        configuration.sessionTimeout = .milliseconds(timeoutMs)
        var logger = Logger(label: "swiftzk.cli")
        logger.logLevel = .critical
        configuration.logger = logger
        let session: ZooKeeperSession
        do {
            session = try ZooKeeperSession(newHost, configuration: configuration)
        } catch {
            out.line(error.detail ?? error.description, toError: true)
            self.session = nil
            return
        }
        self.session = session
        let (task, connected) = CliShell.startMonitor(session, out)
        monitor = task
        if waitForConnection {
            await awaitConnected(connected)
        } else {
            pendingConnect = connected
        }
    }

    /// The connect event not yet waited for (without -waitforconnection the
    /// first command waits for it, as Apache's first request waits for the
    /// connection).
    var pendingConnect: AsyncStream<Void>?

    func awaitPendingConnect() async {
        if let stream = pendingConnect {
            pendingConnect = nil
            await awaitConnected(stream)
        }
    }

    private func awaitConnected(_ stream: AsyncStream<Void>) async {
        let timeout = Duration.milliseconds(timeoutMs)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Closes the session; the Closed event is printed (as Apache's client
    /// queues one on close) unless `printEvent` is false.
    func closeSession(printEvent: Bool) async {
        guard let session else { return }
        if !printEvent { monitor?.cancel() }
        await session.close()
        await monitor?.value
        monitor = nil
    }

    private static func startMonitor(_ session: ZooKeeperSession, _ out: CliOutput) -> (Task<Void, Never>, AsyncStream<Void>) {
        let pair = AsyncStream<Void>.makeStream()
        let signal = pair.continuation
        let task = Task { await printStates(of: session, to: out, connected: signal) }
        return (task, pair.stream)
    }

    /// ZooKeeperMain's watcher for the session itself: a state change
    /// prints as an event of type None.
    private static func printStates(of session: ZooKeeperSession, to out: CliOutput,
                                    connected signal: AsyncStream<Void>.Continuation) async {
        var last: SessionState = .connecting
        for await state in session.stateChanges() where state != last {
            last = state
            if let name = keeperStateName(state) {
                out.event("WatchedEvent state:\(name) type:None path:null")
            }
            if state == .connected { signal.yield() }
            if state.isTerminal { break }
        }
        signal.finish()
    }

    static func keeperStateName(_ state: SessionState) -> String? {
        switch state {
        case .connecting: return nil
        case .connected: return "SyncConnected"
        case .suspended: return "Disconnected"
        case .expired: return "Expired"
        case .authFailed: return "AuthFailed"
        case .closed: return "Closed"
        }
    }

    /// Prints a watch's events until it ends.
    func printEvents(_ watch: ZKWatch) {
        let out = self.out
        Task {
            for await event in watch { out.event(event.description) }
        }
    }

    // MARK: The command loop

    /// ZooKeeperMain.executeLine.
    func executeLine(_ line: String) async {
        guard !line.isEmpty else { return }
        let words = CliLine.words(line)
        history[commandCount] = line
        if !words.isEmpty { await processCmd(words) }
        commandCount += 1
    }

    /// ZooKeeperMain.processCmd: errors go to stderr and set the exit code.
    func processCmd(_ words: [String]) async {
        do throws(CliFailure) {
            try await processZKCmd(words)
            // quit exits with the status of the command before it.
            if !quitRequested { exitCode = 0 }
        } catch {
            exitCode = error.exitCode
            out.line(error.message, toError: true)
        }
    }

    private func processZKCmd(_ words: [String]) async throws(CliFailure) {
        guard let command = words.first else {
            usage()
            throw CliFailure(message: "No command entered")
        }
        guard Self.commandNames.contains(command) else {
            usage()
            throw CliFailure(message: "Command not found: Command not found \(command)", exitCode: 127)
        }
        switch command {
        case "quit":
            await closeSession(printEvent: true)
            quitRequested = true
            return
        case "redo" where words.count >= 2:
            guard let index = Self.javaDecode(words[1]), index >= 0, index < commandCount,
                  let line = history[index] else {
                throw CliFailure(message: "Command index out of range")
            }
            let again = CliLine.words(line)
            if again.first == "redo" { throw CliFailure(message: "No redoing redos") }
            history[commandCount] = line
            await processCmd(again)
        case "history":
            for i in max(0, commandCount - 10)...commandCount {
                out.line("\(i) - \(history[i] ?? "null")")
            }
        case "printwatches":
            if words.count == 1 {
                out.line("printwatches is \(out.watchesPrinted ? "on" : "off")")
            } else {
                out.watchesPrinted = words[1] == "on"
            }
        case "connect":
            await connect(words.count >= 2 ? words[1] : host)
        default:
            break
        }
        // Everything below needs a live session, and says so even after the
        // built-in commands above (as ZooKeeperMain does).
        guard isAlive, let session else {
            out.line("Not connected")
            return
        }
        try await runZooKeeperCommand(command, words, session)
    }

    /// Integer.decode: decimal, 0x/#hex, leading-0 octal, with a sign.
    static func javaDecode(_ text: String) -> Int? {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        let value: Int?
        if body.hasPrefix("0x") || body.hasPrefix("0X") { value = Int(body.dropFirst(2), radix: 16) }
        else if body.hasPrefix("#") { value = Int(body.dropFirst(), radix: 16) }
        else if body.hasPrefix("0") && body.count > 1 { value = Int(body.dropFirst(), radix: 8) }
        else { value = Int(body) }
        return value.map { negative ? -$0 : $0 }
    }
}
