/// A client connection's id, given by the shell as connections are
/// accepted (counting up from 1) and never reused while the server runs.
/// Watches, replies and closes are addressed by it. It never crosses the
/// wire.
@frozen
public struct ConnectionID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number the shell gave the connection.
    public var raw: UInt64

    /// The id numbered `raw`.
    @inlinable
    public init(raw: UInt64) { self.raw = raw }

    /// A literal is the connection's number.
    @inlinable
    public init(integerLiteral value: UInt64) { raw = value }

    /// Ordered by acceptance: `cons` and `dump` list connections this way.
    @inlinable
    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.raw < rhs.raw }

    @inlinable
    public static func == (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.raw == rhs.raw }

    // Hashing forwards to the raw integer's one-shot hash: a synthesized
    // Hashable goes through a full Hasher and made dictionary inserts 2.5x
    // and lookups 2x slower than with raw keys (see DECISIONS.md).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    @inlinable
    public func _rawHashValue(seed: Int) -> Int { raw._rawHashValue(seed: seed) }

    /// The number in decimal, as the server log prints it ("connection 12").
    public var description: String { String(raw) }
}
