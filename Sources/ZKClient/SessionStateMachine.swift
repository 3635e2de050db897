import NIOCore
import ZKProtocol

/// The state of a session, as the application sees it.
public enum SessionState: Hashable, Sendable, CustomStringConvertible {
    /// Connecting for the first time; no session yet.
    case connecting
    /// Connected, the session is live.
    case connected
    /// The connection dropped; reconnecting with the same session id and
    /// password. Watches are kept and re-sent; calls made now fail with
    /// `.connectionLoss` if the attempt fails.
    case suspended
    /// The server expired the session. Terminal: nothing reconnects under it.
    case expired
    /// The server refused the credentials given to addAuth. Terminal.
    case authFailed
    /// Closed by this client. Terminal.
    case closed

    /// True for the states a session never leaves.
    public var isTerminal: Bool {
        switch self {
        case .expired, .authFailed, .closed: return true
        case .connecting, .connected, .suspended: return false
        }
    }

    public var description: String {
        switch self {
        case .connecting: return "connecting"
        case .connected: return "connected"
        case .suspended: return "suspended"
        case .expired: return "expired"
        case .authFailed: return "authFailed"
        case .closed: return "closed"
        }
    }
}

/// A successful reply: the body and the zxid the server stamped on it.
public struct ZKReply: Hashable, Sendable {
    /// The zxid in the ReplyHeader.
    public var zxid: Int64
    /// The decoded body.
    public var response: ZKResponse

    /// Creates a reply.
    public init(zxid: Int64, response: ZKResponse) {
        self.zxid = zxid
        self.response = response
    }
}

/// Timing and identity settings a session machine runs with.
struct SessionSettings: Sendable {
    /// The hosts, in the order to try them (already shuffled).
    var hosts: [ZKHost]
    /// The chroot, prepended by the API layer; the machine strips it from events.
    var chroot: String?
    /// The session timeout asked of the server.
    var requestedTimeoutMs: Int32
    /// How long closeSession may take before the socket is closed anyway.
    var closeTimeout: TimeAmount = .seconds(2)
    /// The pause after every host has been tried once without success
    /// (Apache's spin delay).
    var backoffAfterFullCycle: TimeAmount = .seconds(1)
    /// An existing session to resume (id and password), as Apache's
    /// constructor that takes them.
    var resume: (id: Int64, password: [UInt8])? = nil
}

/// The client's session and connection state machine.
///
/// It does no I/O and reads no clock: the shell feeds it events (a
/// connection opened or closed, a frame arrived, time passed, the
/// application called) and performs the actions it returns. `Completion`
/// is whatever the shell uses to answer a caller.
///
/// Rules, as Apache's ClientCnxn has them:
/// - The session timeout the server grants sets the read timeout (2/3 of
///   it), the ping interval (1/3 when idle) and the connect timeout (the
///   timeout divided by the number of hosts).
/// - A lost connection fails every call sent or queued with
///   `.connectionLoss`; the machine then tries the next host with the same
///   session id and password and, once in, re-sends credentials and watches.
/// - A ConnectResponse with timeout 0 means the session expired: every call
///   fails with `.sessionExpired`, the watches end, and the machine stops.
struct SessionStateMachine<Completion> {
    enum Action {
        /// Open a connection to `host` after `delay`, failing it after `timeout`.
        case connect(ZKHost, timeout: TimeAmount, delay: TimeAmount)
        /// Write this frame (length prefix included).
        case send(ByteBuffer)
        /// Close the current connection and ignore anything more from it.
        case closeConnection
        /// Answer a caller.
        case complete(Completion, Result<ZKReply, ZooKeeperError>)
        /// Hand an event to a watcher; `last` ends its sequence after it. A
        /// nil event ends the sequence without one.
        case watch(id: UInt64, event: WatchedEvent?, last: Bool)
        /// The session's state changed.
        case state(SessionState)
    }

    private enum Phase {
        case idle
        /// A connection is being opened (`.connect` was returned).
        case connecting(since: Now)
        /// Connected; ConnectRequest sent, waiting for the ConnectResponse.
        case handshaking(since: Now)
        case connected
        case terminal
    }

    private struct Pending {
        var opCode: OpCode
        var operation: String
        var path: String?
        var watch: WatchRegistration?
        var completion: Completion
        /// The encoded frame, kept while the request waits for a connection.
        var frame: ByteBuffer
    }

    let settings: SessionSettings
    private(set) var state: SessionState = .connecting
    private var phase: Phase = .idle
    private(set) var sessionID: Int64 = 0
    private(set) var password: [UInt8] = Array(repeating: 0, count: 16)
    private(set) var negotiatedTimeoutMs: Int32 = 0
    private(set) var lastZxid: Int64 = 0
    private(set) var currentHost: ZKHost?
    private var hostIndex = -1
    private var failedAttempts = 0
    private var lastXid: Int32 = 0
    private var inFlight: [Int32: Pending] = [:]
    private var queued: [(xid: Int32, pending: Pending)] = []
    private var authsSent: [AuthPacket] = []
    private var authWaiters: [Completion?] = []
    private(set) var watches = WatchRegistry()
    private var lastSend = Now(monotonicNanos: 0, wallMillis: 0)
    private var lastReceive = Now(monotonicNanos: 0, wallMillis: 0)
    private var connectedSince = Now(monotonicNanos: 0, wallMillis: 0)
    private var closing: (xid: Int32, deadline: Now, completion: Completion)?

    init(settings: SessionSettings) {
        self.settings = settings
        if let resume = settings.resume {
            sessionID = resume.id
            password = resume.password
        }
    }

    /// Requests sent and not yet answered.
    var inFlightCount: Int { inFlight.count }
    /// Requests waiting for a connection.
    var queuedCount: Int { queued.count }

    // MARK: Timing derived from the session timeout

    private var timeoutMs: Int64 {
        Int64(negotiatedTimeoutMs > 0 ? negotiatedTimeoutMs : settings.requestedTimeoutMs)
    }
    /// Two thirds of the session timeout, as Apache's client.
    var readTimeout: TimeAmount { .milliseconds(timeoutMs * 2 / 3) }
    /// A third of the session timeout: half the read timeout.
    var pingInterval: TimeAmount { .milliseconds(timeoutMs / 3) }
    /// The session timeout shared out over the hosts.
    var connectTimeout: TimeAmount {
        .milliseconds(max(1, Int64(settings.requestedTimeoutMs) / Int64(max(1, settings.hosts.count))))
    }

    // MARK: Inputs

    /// Starts the first connection attempt.
    mutating func start(now: Now) -> [Action] {
        guard case .idle = phase else { return [] }
        return nextAttempt(now: now, delay: .zero)
    }

    /// The connection asked for by `.connect` is open.
    mutating func connectionOpened(now: Now) -> [Action] {
        guard case .connecting = phase else { return [] }
        phase = .handshaking(since: now)
        lastReceive = now
        let request = ConnectRequest(protocolVersion: 0, lastZxidSeen: lastZxid, timeOut: settings.requestedTimeoutMs,
                                     sessionId: sessionID, passwd: JuteBytes(password), readOnly: false)
        var frame = ByteBuffer()
        Framing.writeFrame(request, into: &frame)
        lastSend = now
        return [.send(frame)]
    }

    /// The connection failed to open, or closed, or the shell gave up on it.
    mutating func connectionLost(now: Now) -> [Action] {
        switch phase {
        case .idle, .terminal: return []
        case .connecting, .handshaking, .connected: break
        }
        let wasConnected: Bool
        if case .connected = phase { wasConnected = true } else { wasConnected = false }
        var flapped = false
        var actions: [Action] = []
        let lost = ZooKeeperError(.connectionLoss, operation: "", detail: "connection to \(currentHost.map(\.description) ?? "server") lost")
        actions += failAll(with: lost)
        if wasConnected {
            // A connection that dropped within a second of its handshake is
            // followed by the backoff, so two handles fighting over one
            // session (each reconnect moves it and drops the other) cannot spin.
            flapped = now - connectedSince < .seconds(1)
            failedAttempts = 0
            if state != .suspended && state != .connecting {
                state = .suspended
                actions.append(.state(.suspended))
            }
        } else {
            failedAttempts += 1
        }
        if let closing, now >= closing.deadline {
            return actions + finishClose(now: now)
        }
        let fullCycle = failedAttempts > 0 && failedAttempts % max(1, settings.hosts.count) == 0
        actions += nextAttempt(now: now, delay: fullCycle || flapped ? settings.backoffAfterFullCycle : .zero)
        return actions
    }

    /// One frame from the server (the length prefix already removed).
    mutating func frameReceived(_ frame: ByteBuffer, now: Now) -> [Action] {
        lastReceive = now
        switch phase {
        case .handshaking:
            return handshakeReply(frame, now: now)
        case .connected:
            return reply(frame, now: now)
        case .idle, .connecting, .terminal:
            return []
        }
    }

    /// Time passed: read timeout, pings, handshake timeout, close deadline.
    mutating func tick(now: Now) -> [Action] {
        if let closing, now >= closing.deadline {
            return [.closeConnection] + finishClose(now: now)
        }
        switch phase {
        case .connecting(let since), .handshaking(let since):
            // The NIO connect timeout covers the TCP part; this covers a
            // server that accepts and never answers the ConnectRequest.
            if now - since >= connectTimeout + .milliseconds(50) {
                return [.closeConnection] + connectionLost(now: now)
            }
            return []
        case .connected:
            if now - lastReceive >= readTimeout {
                return [.closeConnection] + connectionLost(now: now)
            }
            if now - lastSend >= pingInterval {
                lastSend = now
                var frame = ByteBuffer()
                Framing.writeFrame(into: &frame) { RequestHeader(xid: SpecialXid.ping, type: .ping).encode(to: &$0) }
                return [.send(frame)]
            }
            return []
        case .idle, .terminal:
            return []
        }
    }

    /// When `tick` next has something to do.
    var nextDeadline: Now? {
        var candidates: [Now] = []
        if let closing { candidates.append(closing.deadline) }
        switch phase {
        case .connecting(let since), .handshaking(let since):
            candidates.append(since + connectTimeout + .milliseconds(50))
        case .connected:
            candidates.append(lastReceive + readTimeout)
            candidates.append(lastSend + pingInterval)
        case .idle, .terminal:
            break
        }
        return candidates.min()
    }

    /// A call from the application. `request` carries server paths (chroot
    /// included); `path` is the caller's, for errors.
    mutating func submit(_ request: ZKRequest, operation: String, path: String?, watch: WatchRegistration? = nil,
                         completion: Completion, now: Now) -> [Action] {
        if let refusal = refusal(operation: operation, path: path) {
            return [.complete(completion, .failure(refusal))]
        }
        let xid = nextXid()
        var frame = ByteBuffer()
        Framing.writeFrame(RequestPacket(xid: xid, request: request), into: &frame)
        let pending = Pending(opCode: request.opCode, operation: operation, path: path, watch: watch,
                              completion: completion, frame: frame)
        if case .connected = phase {
            inFlight[xid] = pending
            lastSend = now
            return [.send(frame)]
        }
        queued.append((xid, pending))
        return []
    }

    /// addAuth: sent now and again after every reconnect.
    mutating func addAuth(_ packet: AuthPacket, completion: Completion, now: Now) -> [Action] {
        if let refusal = refusal(operation: "addAuth", path: nil) {
            return [.complete(completion, .failure(refusal))]
        }
        authsSent.append(packet)
        guard case .connected = phase else {
            // Sent with the others once connected; the caller is answered
            // with the reply to that send.
            pendingAuthCompletions.append(completion)
            return []
        }
        authWaiters.append(completion)
        lastSend = now
        return [.send(Self.authFrame(packet))]
    }
    private var pendingAuthCompletions: [Completion] = []

    /// A watch to record locally without a request (used when a server
    /// already holds it, e.g. restoring a local registration). Returns nothing.
    mutating func registerLocalWatch(_ registration: WatchRegistration) {
        watches.add(registration.kind, path: registration.serverPath, id: registration.id)
    }

    /// Removes local watchers after a successful removeWatches (or with
    /// `local`, without asking the server): each is told and ended.
    mutating func removeLocalWatches(serverPath: String, type: WatcherType) -> [Action] {
        let clientPath = stripChroot(serverPath)
        return watches.remove(path: serverPath, type: type).map { removed in
            .watch(id: removed.id, event: WatchedEvent(type: removed.event, state: .syncConnected, path: clientPath), last: true)
        }
    }

    /// Whether a watcher of `type` is registered locally on `serverPath`.
    func hasLocalWatch(serverPath: String, type: WatcherType) -> Bool {
        watches.has(path: serverPath, type: type)
    }

    /// close(): closeSession, then the socket; answered when done.
    mutating func close(completion: Completion, now: Now) -> [Action] {
        if case .terminal = phase { return [.complete(completion, .success(ZKReply(zxid: 0, response: .empty)))] }
        if case .idle = phase {
            phase = .terminal
            return teardown(.closed, detail: "session closed by this client") + [.complete(completion, .success(ZKReply(zxid: 0, response: .empty)))]
        }
        if closing != nil {
            return [.complete(completion, .success(ZKReply(zxid: 0, response: .empty)))]
        }
        let xid = nextXid()
        closing = (xid, now + settings.closeTimeout, completion)
        // A session the server never granted has nothing to close there.
        if sessionID == 0 {
            return [.closeConnection] + finishClose(now: now)
        }
        var frame = ByteBuffer()
        Framing.writeFrame(RequestPacket(xid: xid, request: .closeSession), into: &frame)
        if case .connected = phase {
            lastSend = now
            return [.send(frame)]
        }
        return []
    }

    // MARK: Internals

    private func refusal(operation: String, path: String?) -> ZooKeeperError? {
        switch state {
        case .expired:
            return ZooKeeperError(.sessionExpired, operation: operation, path: path, detail: "the session expired")
        case .closed:
            return ZooKeeperError(.sessionExpired, operation: operation, path: path, detail: "session closed by this client")
        case .authFailed:
            return ZooKeeperError(.authFailed, operation: operation, path: path, detail: "the server refused this session's credentials")
        case .connecting, .connected, .suspended:
            if closing != nil {
                return ZooKeeperError(.sessionExpired, operation: operation, path: path, detail: "the session is closing")
            }
            return nil
        }
    }

    private mutating func nextXid() -> Int32 {
        lastXid = lastXid == Int32.max ? 1 : lastXid + 1
        return lastXid
    }

    private static func authFrame(_ packet: AuthPacket) -> ByteBuffer {
        var frame = ByteBuffer()
        Framing.writeFrame(into: &frame) {
            RequestHeader(xid: SpecialXid.auth, type: .auth).encode(to: &$0)
            packet.encode(to: &$0)
        }
        return frame
    }

    private mutating func nextAttempt(now: Now, delay: TimeAmount) -> [Action] {
        guard !settings.hosts.isEmpty else { return [] }
        hostIndex = (hostIndex + 1) % settings.hosts.count
        let host = settings.hosts[hostIndex]
        currentHost = host
        phase = .connecting(since: now + delay)
        return [.connect(host, timeout: connectTimeout, delay: delay)]
    }

    private mutating func failAll(with error: ZooKeeperError) -> [Action] {
        var actions: [Action] = []
        for (_, pending) in inFlight.sorted(by: { $0.key < $1.key }) {
            var e = error
            e.operation = pending.operation
            e.path = pending.path
            actions.append(.complete(pending.completion, .failure(e)))
        }
        inFlight = [:]
        for (_, pending) in queued {
            var e = error
            e.operation = pending.operation
            e.path = pending.path
            actions.append(.complete(pending.completion, .failure(e)))
        }
        queued = []
        for waiter in authWaiters {
            if let waiter {
                var e = error
                e.operation = "addAuth"
                actions.append(.complete(waiter, .failure(e)))
            }
        }
        authWaiters = []
        return actions
    }

    private mutating func handshakeReply(_ frame: ByteBuffer, now: Now) -> [Action] {
        guard let response = try? ConnectResponse(decoding: frame) else {
            return [.closeConnection] + connectionLost(now: now)
        }
        if response.timeOut <= 0 {
            phase = .terminal
            var actions = teardown(.expired, detail: "the session expired")
            actions.insert(.closeConnection, at: 0)
            if let closing {
                self.closing = nil
                actions.append(.complete(closing.completion, .success(ZKReply(zxid: 0, response: .empty))))
            }
            return actions
        }
        sessionID = response.sessionId
        password = response.passwd.bytesOrEmpty
        negotiatedTimeoutMs = response.timeOut
        phase = .connected
        connectedSince = now
        lastSend = now
        var actions: [Action] = []
        if state != .connected {
            state = .connected
            actions.append(.state(.connected))
        }
        // Credentials first, then watches, then the calls that waited: the
        // server sees them in that order, as after an Apache client's
        // primeConnection.
        let fresh = pendingAuthCompletions
        pendingAuthCompletions = []
        let old = authsSent.count - fresh.count
        for (i, packet) in authsSent.enumerated() {
            actions.append(.send(Self.authFrame(packet)))
            authWaiters.append(i >= old ? fresh[i - old] : nil)
        }
        if !watches.isEmpty {
            actions.append(.send(setWatchesFrame()))
        }
        for (xid, pending) in queued {
            inFlight[xid] = pending
            actions.append(.send(pending.frame))
        }
        queued = []
        if let closing {
            var frame = ByteBuffer()
            Framing.writeFrame(RequestPacket(xid: closing.xid, request: .closeSession), into: &frame)
            actions.append(.send(frame))
        }
        return actions
    }

    private func setWatchesFrame() -> ByteBuffer {
        func list(_ kind: WatchKind) -> [JuteBytes] { watches.paths(kind).map { JuteBytes($0) } }
        let persistent = list(.persistent), recursive = list(.persistentRecursive)
        var frame = ByteBuffer()
        Framing.writeFrame(into: &frame) { buffer in
            if persistent.isEmpty && recursive.isEmpty {
                RequestHeader(xid: SpecialXid.setWatches, type: .setWatches).encode(to: &buffer)
                SetWatches(relativeZxid: lastZxid, dataWatches: list(.data), existWatches: list(.exist),
                           childWatches: list(.child)).encode(to: &buffer)
            } else {
                RequestHeader(xid: SpecialXid.setWatches, type: .setWatches2).encode(to: &buffer)
                SetWatches2(relativeZxid: lastZxid, dataWatches: list(.data), existWatches: list(.exist),
                            childWatches: list(.child), persistentWatches: persistent,
                            persistentRecursiveWatches: recursive).encode(to: &buffer)
            }
        }
        return frame
    }

    private mutating func reply(_ frame: ByteBuffer, now: Now) -> [Action] {
        var reader = JuteReader(frame)
        guard let header = try? ReplyHeader(from: &reader) else {
            return [.closeConnection] + connectionLost(now: now)
        }
        switch header.xid {
        case SpecialXid.notification:
            guard let event = try? WatcherEvent(from: &reader) else {
                return [.closeConnection] + connectionLost(now: now)
            }
            let serverPath = event.path.string ?? "/"
            let clientPath = stripChroot(serverPath)
            let delivered = WatchedEvent(type: event.type, state: event.state, path: clientPath)
            return watches.materialize(event.type, path: serverPath).map {
                .watch(id: $0.id, event: delivered, last: $0.last)
            }
        case SpecialXid.ping, SpecialXid.setWatches:
            return []
        case SpecialXid.auth:
            let waiter = authWaiters.isEmpty ? nil : authWaiters.removeFirst()
            if header.err == .authFailed {
                phase = .terminal
                var actions: [Action] = [.closeConnection]
                if let waiter {
                    actions.append(.complete(waiter, .failure(ZooKeeperError(.authFailed, operation: "addAuth"))))
                }
                return actions + teardown(.authFailed, detail: "the server refused this session's credentials")
            }
            if let waiter {
                if header.err == .ok {
                    return [.complete(waiter, .success(ZKReply(zxid: header.zxid, response: .empty)))]
                }
                return [.complete(waiter, .failure(ZooKeeperError(header.err, operation: "addAuth")))]
            }
            return []
        default:
            break
        }
        if header.zxid > 0 { lastZxid = header.zxid }
        if let closing, header.xid == closing.xid {
            return [.closeConnection] + finishClose(now: now)
        }
        guard let pending = inFlight.removeValue(forKey: header.xid) else {
            // A reply to nothing we sent: the stream is out of step.
            return [.closeConnection] + connectionLost(now: now)
        }
        if header.err != .ok {
            if header.err == .noNode, let watch = pending.watch, pending.opCode == .exists {
                watches.add(.exist, path: watch.serverPath, id: watch.id)
            }
            return [.complete(pending.completion, .failure(ZooKeeperError(header.err, operation: pending.operation, path: pending.path)))]
        }
        let response: ZKResponse
        do {
            response = try ZKResponse(opCode: pending.opCode, from: &reader)
        } catch {
            return [.complete(pending.completion, .failure(ZooKeeperError(.marshallingError, operation: pending.operation,
                                                                        path: pending.path, detail: "\(error)")))]
        }
        if let watch = pending.watch {
            watches.add(watch.kind, path: watch.serverPath, id: watch.id)
        }
        return [.complete(pending.completion, .success(ZKReply(zxid: header.zxid, response: response)))]
    }

    private mutating func finishClose(now: Now) -> [Action] {
        guard let closing else { return [] }
        self.closing = nil
        phase = .terminal
        return teardown(.closed, detail: "session closed by this client")
            + [.complete(closing.completion, .success(ZKReply(zxid: 0, response: .empty)))]
    }

    /// Ends the session for good: fail every call, end every watch, report the state.
    private mutating func teardown(_ final: SessionState, detail: String) -> [Action] {
        let code: ZKError = final == .authFailed ? .authFailed : .sessionExpired
        var actions = failAll(with: ZooKeeperError(code, operation: "", detail: detail))
        for completion in pendingAuthCompletions {
            actions.append(.complete(completion, .failure(ZooKeeperError(code, operation: "addAuth", detail: detail))))
        }
        pendingAuthCompletions = []
        for id in watches.removeAll() {
            actions.append(.watch(id: id, event: nil, last: true))
        }
        state = final
        actions.append(.state(final))
        return actions
    }

    func stripChroot(_ serverPath: String) -> String {
        guard let chroot = settings.chroot else { return serverPath }
        if serverPath == chroot { return "/" }
        if serverPath.hasPrefix(chroot + "/") { return String(serverPath.dropFirst(chroot.count)) }
        return serverPath
    }

    func addChroot(_ path: String) -> String {
        guard let chroot = settings.chroot else { return path }
        return path == "/" ? chroot : chroot + path
    }
}
