import Foundation
import NIOConcurrencyHelpers
import Testing
import ZKClient

/// The two servers every interop test runs against.
enum ServerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case swiftzk
    case apache

    var testDescription: String { rawValue }
}

struct TestServerError: Error, CustomStringConvertible {
    var description: String
}

/// One real server process on loopback, started and stopped through
/// scripts/lib/testserver (which uses scripts/lib/servers.sh, as the
/// shell interop suites do). Its zoo.cfg is the project's shared one.
final class TestServer: Sendable {
    let kind: ServerKind
    let dir: String
    let port: NIOLockedValueBox<Int>

    static let repo: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    private static let started = NIOLockedValueBox<[String]>([])
    private static let nextPort = NIOLockedValueBox<Int>(23200 + Int(getpid() % 50) * 20)
    private static let cleanup: Void = {
        atexit {
            for dir in TestServer.started.withLockedValue({ $0 }) {
                _ = try? TestServer.script(["stop", dir])
            }
        }
    }()

    init(kind: ServerKind, dir: String, port: Int) {
        self.kind = kind
        self.dir = dir
        self.port = NIOLockedValueBox(port)
    }

    /// Starts a fresh server of `kind` with an empty dataDir.
    static func start(_ kind: ServerKind) async throws -> TestServer {
        _ = cleanup
        let dir = NSTemporaryDirectory() + "zkclient-it-\(kind.rawValue)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let server = TestServer(kind: kind, dir: dir, port: try freePort())
        try await server.launch()
        started.withLockedValue { $0.append(dir) }
        return server
    }

    /// A port nothing listens on, distinct from every port handed out before.
    static func freePort() throws -> Int {
        let start = nextPort.withLockedValue { value -> Int in
            value += 1
            return value
        }
        let out = try script(["free-port", String(start)]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(out) else { throw TestServerError(description: "no free port from \(start)") }
        nextPort.withLockedValue { $0 = max($0, port) }
        return port
    }

    var connectString: String { "127.0.0.1:\(port.withLockedValue { $0 })" }

    private func launch() async throws {
        try await Self.run(["start", kind.rawValue, String(port.withLockedValue { $0 }), dir])
    }

    /// Stops the server cleanly (SIGTERM).
    func stop() async throws { try await Self.run(["stop", dir]) }

    /// Kills the server (SIGKILL), as a crash.
    func kill() async throws { try await Self.run(["kill", dir]) }

    /// Starts it again on the same dataDir, on `newPort` if given.
    func restart(port newPort: Int? = nil) async throws {
        if let newPort { port.withLockedValue { $0 = newPort } }
        try await launch()
    }

    /// Stops the server and removes its files.
    func remove() {
        _ = try? Self.script(["stop", dir])
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Runs scripts/lib/testserver with posix_spawn and waitpid. (Foundation's
    /// Process left the script unreaped inside the test runner.) Output
    /// goes through files: a server the script starts inherits them.
    /// Runs the script on a thread of its own: starting Apache takes
    /// seconds, and a blocked thread of Swift's small cooperative pool would
    /// stall every other test meanwhile.
    @discardableResult
    static func run(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try script(arguments) })
            }
        }
    }

    @discardableResult
    static func script(_ arguments: [String]) throws -> String {
        let base = NSTemporaryDirectory() + "testserver-\(UUID().uuidString)"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([repo + "/scripts/lib/testserver"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ)
        guard rc == 0 else { throw TestServerError(description: "cannot run testserver: errno \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errors = FileManager.default.contents(atPath: base + ".err") ?? Data()
        guard status == 0 else {
            throw TestServerError(description: "testserver \(arguments.joined(separator: " ")) failed (status \(status)): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// One server of each kind shared by the tests that do not stop theirs;
/// each test works under its own path.
actor SharedServers {
    static let shared = SharedServers()
    private var servers: [ServerKind: TestServer] = [:]

    func server(_ kind: ServerKind) async throws -> TestServer {
        if let server = servers[kind] { return server }
        let server = try await TestServer.start(kind)
        servers[kind] = server
        return server
    }
}

/// A unique top-level path for one test.
func testRoot(_ name: String = #function) -> String {
    let clean = name.prefix(while: { $0 != "(" })
    return "/it-\(clean)-\(UUID().uuidString.prefix(8))"
}

/// Configuration for tests: short timeouts, hosts in the order given.
func testConfiguration(timeout: Duration = .seconds(10)) -> ZooKeeperSession.Configuration {
    var configuration = ZooKeeperSession.Configuration()
    configuration.sessionTimeout = timeout
    configuration.shuffleHosts = false
    configuration.reconnectBackoff = .milliseconds(200)
    return configuration
}

/// Waits until `condition` holds, polling; fails the test after `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for: \(what)")
    throw TestServerError(description: "timed out waiting for: \(what)")
}

/// The next event of a watch, or a test failure after `timeout`.
func nextEvent(_ watch: ZKWatch, timeout: Duration = .seconds(15)) async throws -> WatchedEvent? {
    try await withThrowingTaskGroup(of: WatchedEvent?.self) { group in
        group.addTask { await watch.next() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TestServerError(description: "no watch event within \(timeout)")
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

extension Array where Element == UInt8 {
    init(text: String) { self = Array(text.utf8) }
}
