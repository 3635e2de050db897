/// Bugs planted on purpose, to show the checker catches them. Every switch
/// is off by default and lives only in the simulator's own models (its log
/// thread and its shell); the production code never sees them.
public struct PlantedBug: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The log thread reports a batch durable after writing it, before its
    /// fsync: replies go out for writes a crash can still lose.
    public static let replyBeforeFsync = PlantedBug(rawValue: 1 << 0)
    /// The shell rebuilds the core from its tree after a log failure, so
    /// zxids handed out for the failed batch are handed out again.
    public static let reuseZxidAfterLogFailure = PlantedBug(rawValue: 1 << 1)
    /// Restart forgets the sessions whose expiry was in progress at the
    /// crash, so their ephemerals outlive them.
    public static let forgetExpiringSessionsAtCrash = PlantedBug(rawValue: 1 << 2)

    /// Each bug's name and the invariant that should catch it.
    public static let all: [(String, PlantedBug, Finding.Invariant)] = [
        ("reply-before-fsync", .replyBeforeFsync, .lostWrite),
        ("reuse-zxid-after-log-failure", .reuseZxidAfterLogFailure, .zxidReused),
        ("forget-expiring-sessions-at-crash", .forgetExpiringSessionsAtCrash, .ephemeralLeaked),
    ]
}

/// Invariants today's ZKServerCore breaks, found by this simulator and
/// reported to the core's owner (not fixed here: the core is not ours):
/// - zxidReused: `logFailed` sets lastZxid back to the tree's, so the
///   zxids of the failed batch are handed out again (seed 2, step 31).
/// - writeAfterClose: a write from a session whose closeSession (expiry or
///   client close) is already logged is accepted; an ephemeral it creates
///   outlives the session for good (seed 16, step 31).
/// - sessionStuckClosing: a client closeSession that the log failed leaves
///   the session `closing` for ever: it never expires and its ephemerals
///   stay (ServerCore.failed leaves `closing` set for a closeSession
///   origin; seed 2, step 715 with --ignore-known-core-bugs).
public let knownCoreBugs: Set<Finding.Invariant> = [.zxidReused, .writeAfterClose, .sessionStuckClosing]
