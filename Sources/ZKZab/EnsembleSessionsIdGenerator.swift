import ZKProtocol

/// New session ids on one ensemble member, as Apache's trackers make them
/// (`SessionTrackerImpl.createSession`, `LearnerSessionTracker.createSession`):
/// `EnsembleSession.initialSessionId`, then one up per session. The server
/// id's low byte is the id's top byte, so members never collide.
public struct SessionIdGenerator: Hashable, Sendable {
    /// Apache's `EphemeralType.MAX_EXTENDED_SERVER_ID`.
    public static let maxExtendedServerId: Int64 = 254

    public let serverId: ServerID
    private var nextId: Int64

    /// Starts the sequence. With `extendedTypesEnabled`
    /// (`zookeeper.extendedTypesEnabled`, needed for TTL nodes) a server id
    /// above 254 is refused, as Apache refuses to start; without it Apache
    /// accepts any id and so do we.
    public init(serverId: ServerID, elapsedMillis: Int64, extendedTypesEnabled: Bool) throws(EnsembleSessionsError) {
        if extendedTypesEnabled, serverId.raw > Self.maxExtendedServerId {
            throw .serverIdTooLarge(serverId)
        }
        self.serverId = serverId
        nextId = EnsembleSession.initialSessionId(serverId: serverId.raw, elapsedMillis: elapsedMillis)
    }

    /// The next id. Apache only counts up; we also step over 0 ("no
    /// session") and Int64.min (a container's owner), which only a wrapped
    /// counter could reach.
    public mutating func next() -> SessionID {
        while nextId == 0 || nextId == Int64.min { nextId &+= 1 }
        defer { nextId &+= 1 }
        return SessionID(raw: nextId)
    }
}
