import Logging
import ZKProtocol

/// The opt-in managed mode: one session at a time, replaced by a new one
/// when the server expires it, with the application's "on new session"
/// actions (re-create ephemerals, set watches again) run on each.
///
/// A new session is made only after the old one has expired (a terminal
/// state: its socket is closed and nothing reconnects under it), so the
/// application never holds two live sessions.
public actor ManagedZooKeeper {
    /// Something to do on every new session, the first one included.
    public typealias Action = @Sendable (ZooKeeperSession) async throws -> Void

    private let connectionString: String
    private let configuration: ZooKeeperSession.Configuration
    private var actions: [Action] = []
    private var session: ZooKeeperSession?
    private var monitor: Task<Void, Never>?
    private var closed = false
    private var generationCount = 0
    private var changeObservers: [AsyncStream<Int64>.Continuation] = []

    /// Describes the managed session; `start` connects it.
    public init(_ connectionString: String, configuration: ZooKeeperSession.Configuration = ZooKeeperSession.Configuration()) {
        self.connectionString = connectionString
        self.configuration = configuration
    }

    /// Adds an action for every new session. Registered after `start`, it
    /// runs on the current session at once as well.
    public func onNewSession(_ action: @escaping Action) async throws {
        actions.append(action)
        if let session, session.state == .connected {
            try await action(session)
        }
    }

    /// Connects the first session and runs the actions on it.
    public func start() async throws {
        guard session == nil, !closed else { return }
        try await replaceSession()
        startMonitor()
    }

    /// The live session. Throws when closed.
    public func current() throws(ZooKeeperError) -> ZooKeeperSession {
        guard !closed, let session else {
            throw ZooKeeperError(.sessionExpired, operation: "current", detail: "the managed session is closed or not started")
        }
        return session
    }

    /// How many sessions have been made so far.
    public var generation: Int { generationCount }

    /// The id of every new session, as it is made (after its actions ran).
    public func newSessions() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream<Int64>.makeStream()
        changeObservers.append(continuation)
        return stream
    }

    /// Closes the session; nothing is re-created after this.
    public func close() async {
        closed = true
        monitor?.cancel()
        monitor = nil
        await session?.close()
        for observer in changeObservers { observer.finish() }
        changeObservers = []
    }

    private func replaceSession() async throws {
        let fresh = try await ZooKeeperSession.connect(connectionString, configuration: configuration)
        session = fresh
        generationCount += 1
        for action in actions {
            do {
                try await action(fresh)
            } catch {
                configuration.logger.warning("on-new-session action failed on session 0x\(String(UInt64(bitPattern: fresh.sessionID), radix: 16)): \(error)")
            }
        }
        for observer in changeObservers { observer.yield(fresh.sessionID) }
    }

    private func startMonitor() {
        monitor = Task { [weak self] in
            while let self, !Task.isCancelled {
                guard let states = await self.currentStates() else { return }
                var ended: SessionState?
                for await state in states where state.isTerminal { ended = state }
                guard ended == .expired else { return }
                // Expired: the old session is dead for good; make its successor.
                while !Task.isCancelled {
                    do {
                        try await self.replaceIfOpen()
                        break
                    } catch {
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }

    private func currentStates() -> AsyncStream<SessionState>? {
        guard !closed, let session else { return nil }
        return session.stateChanges()
    }

    private func replaceIfOpen() async throws {
        guard !closed else { return }
        try await replaceSession()
    }
}
