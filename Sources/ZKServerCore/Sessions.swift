import ZKProtocol

/// A client session.
public struct Session: Sendable {
    public let id: SessionID
    public var password: [UInt8]
    /// Negotiated timeout in milliseconds.
    public var timeoutMillis: Int32
    /// When the session last heard from its client (monotonic).
    public var lastHeardNanos: UInt64
    /// The connection carrying the session, if any.
    public var connection: ConnectionID?
    /// Set once closeSession or expiry starts, so nothing revives it.
    public var closing = false
    /// When the session was created or recovered (wall clock, for display).
    public var createdWallMillis: Int64 = 0
    /// The client address of its last connection, for display once it is gone.
    public var lastAddress: String?

    /// Records that the client was heard from at `nanos`; returns the new
    /// deadline, or nil once the session is closing.
    mutating func heard(at nanos: UInt64) -> UInt64? {
        lastHeardNanos = nanos
        return closing ? nil : deadlineNanos
    }

    /// The monotonic instant at which silence expires the session.
    public var deadlineNanos: UInt64 {
        lastHeardNanos &+ UInt64(max(timeoutMillis, 0)) * 1_000_000
    }
}

/// Sessions by id, and how new ids are made.
public struct SessionTracker: Sendable {
    public private(set) var sessions: [SessionID: Session] = [:]
    /// The live sessions (not closing) by deadline; every change to a
    /// session's deadline or `closing` goes through here.
    public private(set) var expiryQueue = SessionExpiryQueue()
    private var nextID: SessionID

    /// Session ids carry the server id in their top byte and a timestamp
    /// below it, then count up, as in Apache ZooKeeper.
    public init(serverID: ServerID, wallMillis: Int64) {
        var first = Int64(bitPattern: UInt64(bitPattern: wallMillis << 24) >> 8) | (serverID.raw << 56)
        if first == Int64.min { first += 1 }
        nextID = SessionID(raw: first)
    }

    public mutating func create(timeoutMillis: Int32, secret: [UInt8], connection: ConnectionID, now: Now) -> Session {
        var id = nextID
        nextID.raw &+= 1
        while sessions[id] != nil || id.raw == 0 || id.raw == Int64.min {
            id = nextID
            nextID.raw &+= 1
        }
        var session = Session(
            id: id, password: SessionPassword.derive(secret: secret, sessionID: id), timeoutMillis: timeoutMillis, lastHeardNanos: now.monotonicNanos,
            connection: connection)
        session.createdWallMillis = now.wallMillis
        self[id] = session
        return session
    }

    public subscript(id: SessionID) -> Session? {
        get { sessions[id] }
        set {
            sessions[id] = newValue
            if let session = newValue, !session.closing {
                expiryQueue.update(id, deadlineNanos: session.deadlineNanos)
            } else {
                expiryQueue.remove(id)
            }
        }
    }

    public mutating func touch(_ id: SessionID, now: Now) {
        // In place through the index: `sessions[id]?.` moves the session
        // out of the dictionary and back.
        // (Reading a field through `sessions.values[index]` copies the
        // whole session; a mutating call does not.)
        guard let index = sessions.index(forKey: id),
              let deadline = sessions.values[index].heard(at: now.monotonicNanos) else { return }
        expiryQueue.update(id, deadlineNanos: deadline)
    }

    /// A session recovered from disk: it lives on, with its timeout counted
    /// from now, until its client returns or it expires.
    public mutating func restore(id: SessionID, timeoutMillis: Int32, secret: [UInt8], now: Now) {
        var session = Session(id: id, password: SessionPassword.derive(secret: secret, sessionID: id), timeoutMillis: timeoutMillis,
                              lastHeardNanos: now.monotonicNanos, connection: nil)
        session.createdWallMillis = now.wallMillis
        self[id] = session
    }

    @discardableResult
    public mutating func remove(_ id: SessionID) -> Session? {
        expiryQueue.remove(id)
        return sessions.removeValue(forKey: id)
    }

    /// Takes out of the expiry queue and returns the live sessions silent
    /// past their timeout: earliest deadline bucket first. The work done
    /// depends on the time passed, not on the number of sessions.
    public mutating func expire(at now: Now) -> [SessionID] {
        expiryQueue.expire(nowNanos: now.monotonicNanos)
    }

    /// Sessions silent for longer than their timeout, oldest deadline first,
    /// by a scan of every session (`expire(at:)` is what a tick uses).
    public func expired(at now: Now) -> [SessionID] {
        sessions.values
            .filter { !$0.closing && $0.deadlineNanos <= now.monotonicNanos }
            .sorted { $0.deadlineNanos < $1.deadlineNanos }
            .map(\.id)
    }

    public var count: Int { sessions.count }
}
