import NIOCore

/// A point in time as a shell reads it and hands it to a core: the
/// monotonic clock for timeouts, the wall clock for Stat's ctime/mtime and
/// for display. The server cores and the client's session state machine both
/// take it, so the simulator can drive them with one clock.
///
/// Two readings compare by their monotonic clock alone: the wall clock can
/// step, and only the monotonic one orders events.
public struct Now: Sendable, Comparable {
    /// Monotonic nanoseconds; never jumps with wall-clock changes.
    public var monotonicNanos: UInt64
    /// Wall-clock milliseconds since the Unix epoch.
    public var wallMillis: Int64

    @inlinable
    public init(monotonicNanos: UInt64, wallMillis: Int64) {
        self.monotonicNanos = monotonicNanos
        self.wallMillis = wallMillis
    }

    @inlinable
    public static func == (lhs: Now, rhs: Now) -> Bool { lhs.monotonicNanos == rhs.monotonicNanos }

    @inlinable
    public static func < (lhs: Now, rhs: Now) -> Bool { lhs.monotonicNanos < rhs.monotonicNanos }

    /// The instant `amount` later (earlier, if negative) on both clocks; the
    /// monotonic clock stops at zero rather than wrapping.
    @inlinable
    public static func + (lhs: Now, rhs: TimeAmount) -> Now {
        let nanos = rhs.nanoseconds
        let monotonic = nanos >= 0
            ? lhs.monotonicNanos &+ UInt64(nanos)
            : lhs.monotonicNanos - min(lhs.monotonicNanos, nanos.magnitude)
        return Now(monotonicNanos: monotonic, wallMillis: lhs.wallMillis &+ nanos / 1_000_000)
    }

    /// The monotonic time from `rhs` to `lhs` (negative when `rhs` is later).
    @inlinable
    public static func - (lhs: Now, rhs: Now) -> TimeAmount {
        lhs.monotonicNanos >= rhs.monotonicNanos
            ? .nanoseconds(Int64(clamping: lhs.monotonicNanos - rhs.monotonicNanos))
            : .nanoseconds(-Int64(clamping: rhs.monotonicNanos - lhs.monotonicNanos))
    }
}
