import ZKProtocol

/// Live sessions by deadline, in buckets, as Apache's ExpiryQueue: a tick
/// looks only at the buckets that have come due, never at every session.
///
/// A session sits in the bucket of its deadline rounded up to the bucket
/// width, so it expires at most one width late. Apache rounds up to the next
/// tickTime (2 s by default); our width is a few milliseconds, which keeps
/// the precision of the scan this replaces (see DECISIONS.md).
public struct SessionExpiryQueue: Sendable {
    /// The width of one bucket, in nanoseconds of the monotonic clock.
    public let bucketNanos: UInt64
    /// session → the index of its bucket (rounded-up deadline / width).
    private var bucketOf: [SessionID: UInt64] = [:]
    /// bucket index → its sessions.
    private var buckets: [UInt64: Set<SessionID>] = [:]
    /// The first bucket `expire` has not yet emptied; nothing is ever put
    /// below it.
    private var nextDue: UInt64 = 0
    /// How many buckets `expire` has looked at, in all: the work a tick does,
    /// for tests that prove it does not grow with the number of sessions.
    public private(set) var bucketsVisited = 0

    /// The default width: the shell ticks every 25 ms, so a session expires
    /// at most 10 ms plus one tick after its deadline.
    public static let defaultBucketMillis: UInt64 = 10

    public init(bucketMillis: UInt64 = SessionExpiryQueue.defaultBucketMillis) {
        bucketNanos = max(bucketMillis, 1) * 1_000_000
    }

    /// The number of sessions queued.
    public var count: Int { bucketOf.count }

    /// Queues `session` to expire at `deadlineNanos`, or moves it there
    /// (a touch). Moving within its bucket costs one lookup.
    public mutating func update(_ session: SessionID, deadlineNanos: UInt64) {
        let (quotient, remainder) = deadlineNanos.quotientAndRemainder(dividingBy: bucketNanos)
        let bucket = max(quotient + (remainder == 0 ? 0 : 1), nextDue)
        if let old = bucketOf[session] {
            if old == bucket { return }
            removeFromBucket(session, old)
        }
        bucketOf[session] = bucket
        buckets[bucket, default: []].insert(session)
    }

    /// Takes `session` out of the queue (it closed, or started closing).
    public mutating func remove(_ session: SessionID) {
        guard let bucket = bucketOf.removeValue(forKey: session) else { return }
        removeFromBucket(session, bucket)
    }

    private mutating func removeFromBucket(_ session: SessionID, _ bucket: UInt64) {
        guard let index = buckets.index(forKey: bucket) else { return }
        buckets.values[index].remove(session)
        if buckets.values[index].isEmpty { buckets.remove(at: index) }
    }

    /// Takes out and returns the sessions whose bucket has come due by
    /// `nowNanos`: earlier buckets first, by session id within a bucket.
    public mutating func expire(nowNanos: UInt64) -> [SessionID] {
        let lastDue = nowNanos / bucketNanos
        guard lastDue >= nextDue else { return [] }
        // Step through the due indexes, or, after a long quiet spell with
        // more due indexes than buckets, through the buckets themselves.
        let dueIndexes: [UInt64]
        if lastDue - nextDue < UInt64(buckets.count) {
            dueIndexes = Array(nextDue...lastDue)
        } else {
            dueIndexes = buckets.keys.filter { $0 <= lastDue }.sorted()
        }
        nextDue = lastDue + 1
        var expired: [SessionID] = []
        for index in dueIndexes {
            bucketsVisited += 1
            guard let sessions = buckets.removeValue(forKey: index) else { continue }
            for session in sessions.sorted() {
                bucketOf[session] = nil
                expired.append(session)
            }
        }
        return expired
    }
}
