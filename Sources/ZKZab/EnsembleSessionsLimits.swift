import ZKProtocol

/// The bounds of the ensemble session trackers. Each is enforced where the
/// thing it bounds grows; going past it is reported, never a silent drop.
public struct EnsembleSessionsLimits: Hashable, Sendable {
    /// Most session touches one learner PING reply carries, in touches.
    /// Apache has no bound (its reply is bounded only by `jute.maxbuffer`,
    /// 12 bytes a touch). 100,000 touches are 1.2 MB, under the 2 MiB a
    /// quorum buffer may hold; touches past it wait for the next PING,
    /// oldest first.
    public var maxTouchesPerPing: Int
    /// Most REVALIDATE requests a learner has outstanding at the leader, in
    /// requests (one per reconnecting session). Apache has no bound; past it
    /// the reconnect is refused and the client tries another server.
    public var maxPendingRevalidations: Int

    /// Defaults: far above what a server's clients produce between two
    /// PINGs (half a tick, 1 s by default).
    public static let defaults = EnsembleSessionsLimits(maxTouchesPerPing: 100_000, maxPendingRevalidations: 4096)

    /// Creates limits.
    public init(maxTouchesPerPing: Int, maxPendingRevalidations: Int) {
        self.maxTouchesPerPing = maxTouchesPerPing
        self.maxPendingRevalidations = maxPendingRevalidations
    }
}

/// Why an ensemble session tracker refused an input.
public enum EnsembleSessionsError: Error, Hashable, Sendable {
    /// With extended types on, a server id must fit below 255 (Apache's
    /// `EphemeralType.validateServerId`), since 0xff in a session id's top
    /// byte marks the extended types.
    case serverIdTooLarge(ServerID)
}

/// Bugs planted on purpose so the seeded tests can show they catch them.
/// Never set outside tests.
enum PlantedSessionBug: Hashable, Sendable, CaseIterable {
    /// Learner: the PING reply leaves out the touches.
    case learnerDropsTouches
    /// Leader: touches in followers' PING replies are ignored.
    case leaderIgnoresFollowerTouches
}
