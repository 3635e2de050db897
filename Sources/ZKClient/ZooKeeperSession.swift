import Logging
import NIOCore
import NIOPosix
import ZKProtocol

/// One ZooKeeper session and, at any moment, at most one connection.
///
/// The session reconnects by itself (same id and password, watches
/// re-sent) after a lost connection, and stops for good when the server
/// expires it or `close()` is called. Drop every reference without calling
/// `close()` and it logs a warning and closes itself: a handle cannot leak
/// a live session.
///
/// ```swift
/// let zk = try await ZooKeeperSession.connect("127.0.0.1:2181/app")
/// try await zk.create("/config", data: Array("v1".utf8))
/// let (node, watch) = try await zk.getDataAndWatch("/config")
/// for await event in watch { print(event) }
/// await zk.close()
/// ```
public final class ZooKeeperSession: Sendable {
    /// Settings for a session.
    public struct Configuration: Sendable {
        /// The session timeout asked of the server; it answers with the one it grants.
        public var sessionTimeout: Duration = .seconds(30)
        /// How long `close()` waits for the server to confirm closeSession.
        public var closeTimeout: Duration = .seconds(2)
        /// The pause after every listed host has failed once.
        public var reconnectBackoff: Duration = .seconds(1)
        /// Shuffle the hosts, as Apache's client does. Tests turn it off.
        public var shuffleHosts = true
        /// Where the session's connection lives.
        public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
        /// How connections are made.
        public var transport: any ZKTransport = NIOTransport()
        /// Resume this session (id and password from another handle's
        /// `sessionID` and `sessionPassword`) instead of starting a new one.
        public var resume: (id: Int64, password: [UInt8])? = nil
        /// Where warnings go (a released, unclosed session; expiry).
        public var logger = Logger(label: "swiftzk.client")

        /// The defaults.
        public init() {}
    }

    let driver: SessionDriver
    /// The parsed connection string.
    public let connectionString: ConnectionString

    /// Starts a session; it connects in the background. Use `connect(_:)`
    /// to wait for the connection, or `waitUntilConnected`.
    public init(_ connectionString: String, configuration: Configuration = Configuration()) throws(ZooKeeperError) {
        let parsed = try ConnectionString(connectionString)
        self.connectionString = parsed
        var generator = SystemRandomNumberGenerator()
        let hosts = configuration.shuffleHosts ? parsed.shuffledHosts(using: &generator) : parsed.hosts
        let timeoutMs = Int32(clamping: configuration.sessionTimeout.milliseconds)
        let settings = SessionSettings(hosts: hosts, chroot: parsed.chroot, requestedTimeoutMs: timeoutMs,
                                       closeTimeout: .milliseconds(configuration.closeTimeout.milliseconds),
                                       backoffAfterFullCycle: .milliseconds(configuration.reconnectBackoff.milliseconds),
                                       resume: configuration.resume)
        driver = SessionDriver(settings: settings, loop: configuration.eventLoopGroup.next(),
                               transport: configuration.transport, logger: configuration.logger)
        driver.start()
    }

    /// Starts a session and waits until it is connected. Throws, and closes
    /// the session, when it does not connect within `timeout` (default: the
    /// session timeout) or ends first (expired, auth failed).
    public static func connect(_ connectionString: String, configuration: Configuration = Configuration(),
                               timeout: Duration? = nil) async throws(ZooKeeperError) -> ZooKeeperSession {
        let session = try ZooKeeperSession(connectionString, configuration: configuration)
        do {
            try await session.waitUntilConnected(timeout: timeout ?? configuration.sessionTimeout)
        } catch {
            await session.close()
            throw error
        }
        return session
    }

    deinit {
        let wasClosed = driver.snapshot.withLockedValue { $0.closeRequested || $0.state.isTerminal }
        if !wasClosed {
            let id = driver.snapshot.withLockedValue { $0.sessionID }
            driver.logger.warning("ZooKeeperSession released without close(); closing session 0x\(String(UInt64(bitPattern: id), radix: 16)) now")
            _ = driver.close()
        }
    }

    // MARK: State

    /// The current state.
    public var state: SessionState { driver.snapshot.withLockedValue { $0.state } }
    /// The session id the server granted (0 before the first connection).
    public var sessionID: Int64 { driver.snapshot.withLockedValue { $0.sessionID } }
    /// The session password the server granted.
    public var sessionPassword: [UInt8] { driver.snapshot.withLockedValue { $0.password } }
    /// The session timeout the server granted, in milliseconds (0 before).
    public var negotiatedTimeoutMs: Int32 { driver.snapshot.withLockedValue { $0.negotiatedTimeoutMs } }
    /// The server of the current (or last) connection.
    public var currentServer: ZKHost? { driver.snapshot.withLockedValue { $0.host } }

    /// The session's states from now on, starting with the current one. The
    /// sequence ends after a terminal state.
    public func stateChanges() -> AsyncStream<SessionState> {
        let id = driver.newID()
        let driver = self.driver
        return AsyncStream { continuation in
            continuation.onTermination = { _ in driver.stopObserving(id) }
            driver.observeStates(id, continuation)
        }
    }

    /// Waits until the session is connected. Throws `.operationTimeout`
    /// after `timeout`, or the terminal state's error.
    public func waitUntilConnected(timeout: Duration) async throws(ZooKeeperError) {
        let states = stateChanges()
        let outcome: ZooKeeperError? = await withTaskGroup(of: ZooKeeperError?.self) { group in
            group.addTask {
                for await state in states {
                    switch state {
                    case .connected: return nil
                    case .expired: return ZooKeeperError(.sessionExpired, operation: "connect", detail: "the session expired")
                    case .authFailed: return ZooKeeperError(.authFailed, operation: "connect")
                    case .closed: return ZooKeeperError(.sessionExpired, operation: "connect", detail: "session closed by this client")
                    case .connecting, .suspended: continue
                    }
                }
                return ZooKeeperError(.sessionExpired, operation: "connect", detail: "session ended")
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return ZooKeeperError(.operationTimeout, operation: "connect",
                                      detail: "not connected within \(timeout) to \(self.connectionString)")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let outcome { throw outcome }
    }

    /// Sends closeSession and closes the connection. The session's
    /// ephemeral nodes go at once; pending calls fail with
    /// `.sessionExpired`; watch sequences end. Safe to call twice.
    public func close() async {
        _ = try? await driver.close().get()
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
