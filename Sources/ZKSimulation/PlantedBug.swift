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

/// Invariants the core is known to break, which `--ignore-known-core-bugs`
/// passes over. Empty: the three the simulator found in ZKServerCore are
/// fixed (zxids reused after a log failure, seed 2; writes accepted after a
/// session's close was logged, seeds 1-16; a session left closing for good
/// after its closeSession failed to log, seed 2 step 715), and their seeds
/// run in the fixed set. Add an invariant here only with a seed and a plan.
public let knownCoreBugs: Set<Finding.Invariant> = []
