import ZKProtocol

/// What the leader's tracker needs of an expiry queue: sessions by deadline
/// on the monotonic clock. ZKServerCore's `SessionExpiryQueue` (10 ms
/// buckets) has exactly these methods; the module that composes both
/// declares the conformance, since ZKZab does not depend on ZKServerCore.
public protocol SessionDeadlineQueue {
    /// Queues `session` to expire at `deadlineNanos`, or moves it there.
    mutating func update(_ session: SessionID, deadlineNanos: UInt64)
    /// Takes `session` out of the queue.
    mutating func remove(_ session: SessionID)
    /// Takes out and returns the sessions due by `nowNanos`, each once.
    mutating func expire(nowNanos: UInt64) -> [SessionID]
}
