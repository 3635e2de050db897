import ZKProtocol

/// One global session in the leader's table.
public struct GlobalSession: Hashable, Sendable {
    public let id: SessionID
    /// The committed (negotiated) timeout, in milliseconds.
    public let timeoutMs: Int32
    /// The server whose client connection carries the session; nil until a
    /// server first asks (after a new leader rebuilt the table).
    public var owner: ServerID?
    /// When silence expires the session, in monotonic nanoseconds.
    public var deadlineNanos: UInt64
    /// Set once the leader reported it expired (or it is being closed):
    /// touches no longer revive it.
    public var closing: Bool
}

/// The leader's global sessions (Apache's `LeaderSessionTracker` over a
/// `SessionTrackerImpl`), as a pure machine: time comes in as `Now`.
///
/// The table holds committed sessions. Touches come from the leader's own
/// clients and from learners' PING replies; REVALIDATE moves a session to
/// the asking server; `expired(at:)` names the sessions to close, once each.
public struct LeaderSessionTracker<Queue: SessionDeadlineQueue> {
    /// This leader's server id: the owner of its own clients' sessions.
    public let serverId: ServerID
    public private(set) var sessions: [SessionID: GlobalSession] = [:]
    private var queue: Queue
    var plantedBug: PlantedSessionBug?

    /// An empty table.
    public init(serverId: ServerID, queue: Queue) {
        self.serverId = serverId
        self.queue = queue
    }

    /// The table of a new leader, rebuilt from the committed sessions (id →
    /// timeout in ms): every session gets its full timeout from `now` and no
    /// owner, as Apache's new tracker does. `queue` should be empty.
    public init(serverId: ServerID, committed: [SessionID: Int32], queue: Queue, now: Now) {
        self.init(serverId: serverId, queue: queue)
        for (id, timeoutMs) in committed.sorted(by: { $0.key < $1.key }) {
            sessionCreated(id, timeoutMs: timeoutMs, owner: nil, now: now)
        }
    }

    /// A committed createSession: the session lives for its timeout from
    /// `now`, owned by the server its client connected to (nil if unknown).
    /// A session already in the table is left as it is.
    public mutating func sessionCreated(_ id: SessionID, timeoutMs: Int32, owner: ServerID?, now: Now) {
        guard sessions[id] == nil else { return }
        let session = GlobalSession(id: id, timeoutMs: timeoutMs, owner: owner,
                                    deadlineNanos: Self.deadline(now, timeoutMs), closing: false)
        sessions[id] = session
        queue.update(id, deadlineNanos: session.deadlineNanos)
    }

    /// A committed closeSession: the session leaves the table.
    public mutating func sessionClosed(_ id: SessionID) {
        sessions[id] = nil
        queue.remove(id)
    }

    /// `server` heard from the session's client: its timeout starts again
    /// from `now`. False for an unknown or closing session
    /// (`touchSession`). Ownership is not checked, as in Apache: a PING
    /// from the old owner still keeps the session alive.
    ///
    /// Apache counts the timeout the touch reports; we count the committed
    /// one, so a learner cannot stretch a session (see DECISIONS.md).
    @discardableResult
    public mutating func touch(_ id: SessionID, by server: ServerID, now: Now) -> Bool {
        guard var session = sessions[id], !session.closing else { return false }
        session.deadlineNanos = Self.deadline(now, session.timeoutMs)
        sessions[id] = session
        queue.update(id, deadlineNanos: session.deadlineNanos)
        return true
    }

    /// A learner's PING reply: touches each session in it. Returns how many
    /// were live.
    @discardableResult
    public mutating func pingReply(_ ping: Ping, from server: ServerID, now: Now) -> Int {
        if plantedBug == .leaderIgnoresFollowerTouches, server != serverId { return 0 }
        var live = 0
        for touch in ping.touches where self.touch(SessionID(raw: touch.sessionId), by: server, now: now) {
            live += 1
        }
        return live
    }

    /// REVALIDATE from `server` (or the leader's own reconnecting client):
    /// a live session is touched and `server` becomes its owner; an unknown
    /// or closing one is invalid (`checkIfValidGlobalSession`, `setOwner`).
    public mutating func revalidate(_ request: RevalidateRequest, from server: ServerID, now: Now) -> RevalidateResponse {
        let id = SessionID(raw: request.sessionId)
        guard touch(id, by: server, now: now) else {
            return RevalidateResponse(sessionId: request.sessionId, valid: false)
        }
        sessions[id]?.owner = server
        return RevalidateResponse(sessionId: request.sessionId, valid: true)
    }

    /// May a request of session `id` come through `server`? A session with
    /// no owner yet takes `server` as its owner.
    public mutating func checkOwner(_ id: SessionID, server: ServerID) -> SessionOwnership {
        guard let session = sessions[id], !session.closing else { return .sessionExpired }
        guard let owner = session.owner else {
            sessions[id]?.owner = server
            return .ok
        }
        return owner == server ? .ok : .sessionMoved
    }

    /// The sessions whose deadline has passed by `now`, for which the
    /// leader proposes closeSession. Each is reported once: it is marked
    /// closing, and stays in the table until its closeSession commits.
    public mutating func expired(at now: Now) -> [SessionID] {
        var due: [SessionID] = []
        for id in queue.expire(nowNanos: now.monotonicNanos) {
            guard sessions[id]?.closing == false else { continue }
            sessions[id]?.closing = true
            due.append(id)
        }
        return due
    }

    /// Marks a session closing because its client asked to close it, so
    /// nothing revives it before the closeSession commits.
    public mutating func setClosing(_ id: SessionID) {
        guard sessions[id] != nil else { return }
        sessions[id]?.closing = true
        queue.remove(id)
    }

    static func deadline(_ now: Now, _ timeoutMs: Int32) -> UInt64 {
        now.monotonicNanos &+ UInt64(max(timeoutMs, 0)) * 1_000_000
    }
}
