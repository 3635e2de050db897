/// When the log thread rolls the log and takes a snapshot, as Apache's
/// SyncRequestProcessor decides: after snapCount/2 plus a random part of
/// snapCount/2 transactions, or once the current log passes half of
/// snapSizeLimit plus a random part of the other half. The randomness keeps
/// the servers of an ensemble from snapshotting together; it comes from the
/// generator given, so a simulation seed decides it.
public struct SnapshotPolicy<Generator: RandomNumberGenerator> {
    /// At least 2.
    public let snapCount: Int
    /// In bytes; 0 or less turns the size rule off.
    public let snapSizeLimitBytes: Int64
    private var generator: Generator
    private var sinceRoll = 0
    private var rollAfter = 0
    private var rollAfterBytes: Int64 = 0

    public init(snapCount: Int, snapSizeLimitBytes: Int64, generator: Generator) {
        self.snapCount = max(snapCount, 2)
        self.snapSizeLimitBytes = snapSizeLimitBytes
        self.generator = generator
        rollAfter = nextRollThreshold()
        rollAfterBytes = nextSizeThreshold()
    }

    /// Counts `appended` durable transactions; true when the log should roll
    /// now (the thresholds are then drawn anew).
    public mutating func shouldRoll(appended: Int, currentLogBytes: Int64) -> Bool {
        sinceRoll += appended
        guard sinceRoll >= rollAfter || currentLogBytes >= rollAfterBytes else { return false }
        sinceRoll = 0
        rollAfter = nextRollThreshold()
        rollAfterBytes = nextSizeThreshold()
        return true
    }

    private mutating func nextRollThreshold() -> Int {
        snapCount / 2 + Int.random(in: 0..<max(snapCount / 2, 1), using: &generator)
    }

    private mutating func nextSizeThreshold() -> Int64 {
        guard snapSizeLimitBytes > 0 else { return .max }
        return snapSizeLimitBytes / 2 + Int64.random(in: 0..<max(snapSizeLimitBytes / 2, 1), using: &generator)
    }
}
