/// A ZooKeeper transaction id: Zab's epoch in the high 32 bits, a counter
/// within the epoch in the low 32, kept as the one Int64 the wire and the
/// disk carry. Zxids order as those Int64s do.
///
/// Wire records (TxnHeader.zxid, ReplyHeader.zxid, Stat's czxid...) stay raw
/// integers; code converts at their edge with `init(raw:)` and `raw`.
@frozen
public struct Zxid: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The zxid as the wire and the disk carry it.
    public var raw: Int64

    /// The zxid whose wire and disk form is `raw`.
    @inlinable
    public init(raw: Int64) { self.raw = raw }

    /// The `counter`th transaction of `epoch`.
    @inlinable
    public init(epoch: UInt32, counter: UInt32) {
        raw = Int64(bitPattern: UInt64(epoch) << 32 | UInt64(counter))
    }

    /// A literal is a raw zxid: `0` is "nothing yet", as in Apache.
    @inlinable
    public init(integerLiteral value: Int64) { raw = value }

    /// Zab's epoch: the high 32 bits.
    @inlinable
    public var epoch: UInt32 { UInt32(truncatingIfNeeded: UInt64(bitPattern: raw) >> 32) }

    /// The counter within the epoch: the low 32 bits.
    @inlinable
    public var counter: UInt32 { UInt32(truncatingIfNeeded: raw) }

    /// The zxid after this one, as a standalone server hands them out: the
    /// counter's carry goes into the epoch (Apache's ZooKeeperServer does
    /// `hzxid.incrementAndGet()`; only a Zab leader must stop before it).
    @inlinable
    public var next: Zxid { Zxid(raw: raw &+ 1) }

    @inlinable
    public static func < (lhs: Zxid, rhs: Zxid) -> Bool { lhs.raw < rhs.raw }

    @inlinable
    public static func == (lhs: Zxid, rhs: Zxid) -> Bool { lhs.raw == rhs.raw }

    // Hashing forwards to the raw integer's one-shot hash: a synthesized
    // Hashable goes through a full Hasher and made dictionary inserts 2.5x
    // and lookups 2x slower than with raw keys (see DECISIONS.md).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    @inlinable
    public func _rawHashValue(seed: Int) -> Int { raw._rawHashValue(seed: seed) }

    /// `0x` and the raw value in hex, unsigned, as Java's Long.toHexString:
    /// how Apache's logs and four-letter words print a zxid.
    public var description: String { "0x" + String(UInt64(bitPattern: raw), radix: 16) }
}
