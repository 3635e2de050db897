import ZKProtocol

/// The leader's answer for a request about a global session that arrives
/// through `server` (Apache's `SessionTrackerImpl.checkSession`, as
/// `checkGlobalSession` maps an unknown session).
public enum SessionOwnership: Hashable, Sendable {
    /// The session is live and `server` owns it (or now does: a session
    /// without an owner takes the first server that asks).
    case ok
    /// Another server owns the session: the client moved away from this one
    /// (SESSIONMOVED, -118).
    case sessionMoved
    /// Unknown, or expiring/closing (SESSIONEXPIRED, -112).
    case sessionExpired
}
