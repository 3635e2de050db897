import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZKProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the driver remembers of the session for readers on other threads.
struct SessionSnapshot: Sendable {
    var state: SessionState = .connecting
    var sessionID: Int64 = 0
    var password: [UInt8] = []
    var negotiatedTimeoutMs: Int32 = 0
    var host: ZKHost?
    var closeRequested = false
}

/// The shell around `SessionStateMachine`: owns the connection, the timer,
/// the callers' promises and the watchers' streams, and runs every input
/// on one event loop.
final class SessionDriver: @unchecked Sendable {
    // Everything below `loop` is touched on `loop` only, except `snapshot`,
    // which has its own lock.
    let loop: any EventLoop
    private var machine: SessionStateMachine<EventLoopPromise<ZKReply>>
    private let transport: any ZKTransport
    let logger: Logger
    private var connection: (any ZKTransportConnection)?
    private var generation = 0
    private var watchers: [UInt64: AsyncStream<WatchedEvent>.Continuation] = [:]
    private var stateObservers: [UInt64: AsyncStream<SessionState>.Continuation] = [:]
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var flushScheduled = false
    private var needsFlush = false
    private let ids = NIOLockedValueBox<UInt64>(0)
    let snapshot = NIOLockedValueBox(SessionSnapshot())

    init(settings: SessionSettings, loop: any EventLoop, transport: any ZKTransport, logger: Logger) {
        self.loop = loop
        self.machine = SessionStateMachine(settings: settings)
        self.transport = transport
        self.logger = logger
    }

    var chroot: String? { machine.settings.chroot }

    func serverPath(_ path: String) -> String { machine.addChroot(path) }
    func clientPath(_ serverPath: String) -> String { machine.stripChroot(serverPath) }

    /// A new id for a watcher or an observer (any thread).
    func newID() -> UInt64 {
        ids.withLockedValue { $0 += 1; return $0 }
    }

    // MARK: Inputs, from any thread

    func start() {
        onLoop { $0.execute($0.machine.start(now: Self.now())) }
    }

    /// Sends a request; the future completes on the session's loop.
    func submit(_ request: ZKRequest, operation: String, path: String?, watch: WatchRegistration? = nil) -> EventLoopFuture<ZKReply> {
        let promise = loop.makePromise(of: ZKReply.self)
        onLoop { driver in
            driver.execute(driver.machine.submit(request, operation: operation, path: path, watch: watch,
                                                 completion: promise, now: Self.now()))
        }
        return promise.futureResult
    }

    func addAuth(_ packet: AuthPacket) -> EventLoopFuture<ZKReply> {
        let promise = loop.makePromise(of: ZKReply.self)
        onLoop { $0.execute($0.machine.addAuth(packet, completion: promise, now: Self.now())) }
        return promise.futureResult
    }

    func close() -> EventLoopFuture<ZKReply> {
        snapshot.withLockedValue { $0.closeRequested = true }
        let promise = loop.makePromise(of: ZKReply.self)
        onLoop { $0.execute($0.machine.close(completion: promise, now: Self.now())) }
        return promise.futureResult
    }

    /// Registers the stream a watch's events go to, before its request is sent.
    func addWatcher(_ id: UInt64, _ continuation: AsyncStream<WatchedEvent>.Continuation) {
        onLoop { $0.watchers[id] = continuation }
    }

    /// Ends a watcher whose request failed (so nothing was registered).
    func dropWatcher(_ id: UInt64) {
        onLoop { driver in
            driver.watchers.removeValue(forKey: id)?.finish()
        }
    }

    func removeLocalWatches(serverPath: String, type: WatcherType) {
        onLoop { $0.execute($0.machine.removeLocalWatches(serverPath: serverPath, type: type)) }
    }

    func hasLocalWatch(serverPath: String, type: WatcherType) -> EventLoopFuture<Bool> {
        loop.submit { self.machine.hasLocalWatch(serverPath: serverPath, type: type) }
    }

    func observeStates(_ id: UInt64, _ continuation: AsyncStream<SessionState>.Continuation) {
        onLoop { driver in
            let state = driver.machine.state
            continuation.yield(state)
            if state.isTerminal {
                continuation.finish()
            } else {
                driver.stateObservers[id] = continuation
            }
        }
    }

    func stopObserving(_ id: UInt64) {
        onLoop { $0.stateObservers.removeValue(forKey: id) }
    }

    /// Counts for diagnostics and tests: (in flight, queued, watchers).
    func counts() -> EventLoopFuture<(inFlight: Int, queued: Int, watchers: Int)> {
        loop.submit { (self.machine.inFlightCount, self.machine.queuedCount, self.machine.watches.count) }
    }

    private func onLoop(_ body: @escaping @Sendable (SessionDriver) -> Void) {
        if loop.inEventLoop {
            body(self)
        } else {
            loop.execute { body(self) }
        }
    }

    // MARK: Performing actions

    private func execute(_ actions: [SessionStateMachine<EventLoopPromise<ZKReply>>.Action]) {
        for action in actions {
            switch action {
            case .connect(let host, let timeout, let delay):
                connect(host, timeout: timeout, delay: delay)
            case .send(let frame):
                connection?.write(frame)
                needsFlush = true
            case .closeConnection:
                generation += 1
                connection?.close()
                connection = nil
            case .complete(let promise, let result):
                promise.completeWith(result.mapError { $0 as any Error })
            case .watch(let id, let event, let last):
                guard let continuation = watchers[id] else { continue }
                if let event { continuation.yield(event) }
                if last {
                    continuation.finish()
                    watchers[id] = nil
                }
            case .state(let state):
                publish(state)
            }
        }
        if needsFlush && !flushScheduled {
            // One flush for everything queued in this turn of the loop.
            flushScheduled = true
            loop.execute {
                self.flushScheduled = false
                self.needsFlush = false
                self.connection?.flush()
            }
        }
        armTimer()
    }

    private func publish(_ state: SessionState) {
        let (id, password, timeout, host) = (machine.sessionID, machine.password, machine.negotiatedTimeoutMs, machine.currentHost)
        snapshot.withLockedValue {
            $0.state = state
            $0.sessionID = id
            $0.password = password
            $0.negotiatedTimeoutMs = timeout
            $0.host = host
        }
        switch state {
        case .connected:
            logger.debug("session connected", metadata: ["sessionid": "0x\(String(UInt64(bitPattern: id), radix: 16))", "server": "\(host.map(\.description) ?? "?")", "timeoutMs": "\(timeout)"])
        case .suspended:
            logger.info("connection lost; reconnecting with the same session", metadata: ["sessionid": "0x\(String(UInt64(bitPattern: id), radix: 16))"])
        case .expired, .authFailed:
            logger.warning("session ended: \(state)", metadata: ["sessionid": "0x\(String(UInt64(bitPattern: id), radix: 16))"])
        case .connecting, .closed:
            break
        }
        for continuation in stateObservers.values {
            continuation.yield(state)
            if state.isTerminal { continuation.finish() }
        }
        if state.isTerminal {
            stateObservers = [:]
            timer?.cancel()
            timer = nil
            timerDeadline = nil
        }
    }

    private func connect(_ host: ZKHost, timeout: TimeAmount, delay: TimeAmount) {
        generation += 1
        let attempt = generation
        let open = { [self] in
            guard attempt == generation else { return }
            transport.connect(
                to: host, on: loop, timeout: timeout,
                onFrame: { [self] frame in
                    guard attempt == generation else { return }
                    execute(machine.frameReceived(frame, now: Self.now()))
                },
                onClose: { [self] in
                    guard attempt == generation else { return }
                    generation += 1
                    connection = nil
                    execute(machine.connectionLost(now: Self.now()))
                }
            ).whenComplete { [self] result in
                switch result {
                case .success(let opened):
                    guard attempt == generation else {
                        opened.close()
                        return
                    }
                    connection = opened
                    execute(machine.connectionOpened(now: Self.now()))
                    connection?.flush()
                case .failure(let error):
                    guard attempt == generation else { return }
                    logger.debug("connect to \(host) failed: \(error)")
                    generation += 1
                    execute(machine.connectionLost(now: Self.now()))
                }
            }
        }
        if delay > .zero {
            loop.scheduleTask(in: delay) { open() }
        } else {
            open()
        }
    }

    private func armTimer() {
        guard let next = machine.nextDeadline else { return }
        let deadline = NIODeadline.uptimeNanoseconds(next.monotonicNanos)
        // Later deadlines let the armed timer fire early and re-arm; only an
        // earlier one replaces it, so a busy session does not re-arm per request.
        if let armed = timerDeadline, armed <= deadline, timer != nil { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = loop.scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            execute(machine.tick(now: Self.now()))
        }
    }

    /// The clocks, read here at the edge and handed to the state machine:
    /// NIO's monotonic uptime, which its timers use, and the wall clock.
    static func now() -> Now {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Now(monotonicNanos: NIODeadline.now().uptimeNanoseconds,
                   wallMillis: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}
