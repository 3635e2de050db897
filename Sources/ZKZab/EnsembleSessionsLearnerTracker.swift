import ZKProtocol

/// A learner's view of the global sessions (Apache's
/// `LearnerSessionTracker` without local sessions), as a pure machine.
///
/// It knows the committed sessions and their timeouts, collects the ones
/// its own clients touch until the next PING, and asks the leader to
/// REVALIDATE a session a client reconnects with. It never expires
/// anything: only the leader does.
public struct LearnerSessionTracker: Sendable {
    /// What to do with a reconnect (a ConnectRequest naming a session).
    public enum Reconnect: Hashable, Sendable {
        /// The password is not the session's: refuse, as Apache's
        /// `checkPasswd` does, without asking the leader.
        case badPassword
        /// Send this REVALIDATE to the leader; the answer comes back
        /// through `revalidateAnswer(_:)`.
        case revalidate(QuorumPacket)
        /// `maxPendingRevalidations` are outstanding: refuse the reconnect.
        case tooManyPending
    }

    public let serverId: ServerID
    public let limits: EnsembleSessionsLimits
    /// Committed global sessions and their timeouts in ms.
    public private(set) var known: [SessionID: Int32] = [:]
    /// Sessions touched since the last PING reply, in order of first touch.
    private var touchOrder: [SessionID] = []
    private var touched: Set<SessionID> = []
    /// Reconnects waiting for the leader: session → the caller's token for
    /// the client connection.
    public private(set) var pendingRevalidations: [SessionID: UInt64] = [:]
    var plantedBug: PlantedSessionBug?

    public init(serverId: ServerID, limits: EnsembleSessionsLimits = .defaults) {
        self.serverId = serverId
        self.limits = limits
    }

    /// Sessions touched and not yet reported.
    public var touchedCount: Int { touchOrder.count }

    /// A committed createSession (also after a sync, for every session in
    /// the leader's state). Like Apache's `commitSession`, it counts as a
    /// touch, so the next PING reports it.
    public mutating func sessionCreated(_ id: SessionID, timeoutMs: Int32) {
        known[id] = timeoutMs
        touch(id)
    }

    /// A committed closeSession: the session is forgotten.
    public mutating func sessionClosed(_ id: SessionID) {
        known[id] = nil
        if touched.remove(id) != nil { touchOrder.removeAll { $0 == id } }
    }

    /// A client of this server was heard from. False for a session this
    /// learner does not know (not committed, or closed). Each session is
    /// listed once per PING however often it is touched.
    @discardableResult
    public mutating func touch(_ id: SessionID) -> Bool {
        guard known[id] != nil else { return false }
        if touched.insert(id).inserted { touchOrder.append(id) }
        return true
    }

    /// The reply to the leader's PING: its zxid and auth ids echoed, with the
    /// sessions touched since the last reply, oldest first, at most
    /// `maxTouchesPerPing`; the rest wait for the next PING.
    public mutating func pingReply(to leaderPing: QuorumPacket) -> QuorumPacket {
        let count = min(touchOrder.count, max(limits.maxTouchesPerPing, 0))
        var touches: [SessionTouch] = []
        touches.reserveCapacity(count)
        for id in touchOrder.prefix(count) {
            touched.remove(id)
            if let timeoutMs = known[id] { touches.append(SessionTouch(sessionId: id.raw, timeoutMs: timeoutMs)) }
        }
        touchOrder.removeFirst(count)
        if plantedBug == .learnerDropsTouches { touches = [] }
        return Ping(zxid: leaderPing.zxid, touches: touches).reply(echoing: leaderPing.authinfo)
    }

    /// A client reconnects with `sessionId` and `password`. The password is
    /// checked here with Apache's scheme (`EnsembleSession.password`); a
    /// good one goes to the leader as REVALIDATE, whatever this server knows,
    /// since only the leader knows whether the session still lives (Apache's
    /// learner without local sessions does the same). `connection` is the
    /// caller's token, handed back with the answer. A second reconnect of a
    /// session already waiting replaces the first (Apache's map does too).
    public mutating func reconnect(_ sessionId: SessionID, password: [UInt8], timeoutMs: Int32, connection: UInt64) -> Reconnect {
        guard sessionId.raw != 0, password == EnsembleSession.password(sessionId: sessionId.raw) else { return .badPassword }
        if pendingRevalidations[sessionId] == nil, pendingRevalidations.count >= limits.maxPendingRevalidations {
            return .tooManyPending
        }
        pendingRevalidations[sessionId] = connection
        return .revalidate(RevalidateRequest(sessionId: sessionId.raw, timeoutMs: timeoutMs).packet)
    }

    /// The leader's REVALIDATE answer: the waiting connection's token and
    /// whether the session is valid, or nil for an answer nobody waits for
    /// (Apache logs and drops it). A valid session counts as touched.
    public mutating func revalidateAnswer(_ packet: QuorumPacket) throws(ZabWireError) -> (connection: UInt64, valid: Bool)? {
        let answer = try RevalidateResponse(packet: packet)
        let id = SessionID(raw: answer.sessionId)
        guard let connection = pendingRevalidations.removeValue(forKey: id) else { return nil }
        if answer.valid { touch(id) }
        return (connection, answer.valid)
    }

    /// The leader is gone: the waiting reconnects will get no answer, so
    /// their tokens come back (sorted) for the caller to close them. Touches
    /// stay and go to the next leader.
    public mutating func leaderLost() -> [UInt64] {
        defer { pendingRevalidations = [:] }
        return pendingRevalidations.values.sorted()
    }
}
