/// A server's id in its ensemble: zoo.cfg's `server.N` and the dataDir's
/// `myid` (0 for a standalone server without one). Session ids carry it in
/// their top byte.
@frozen
public struct ServerID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number in zoo.cfg and `myid`.
    public var raw: Int64

    /// Server number `raw`.
    @inlinable
    public init(raw: Int64) { self.raw = raw }

    /// A literal is the server's number.
    @inlinable
    public init(integerLiteral value: Int64) { raw = value }

    @inlinable
    public static func < (lhs: ServerID, rhs: ServerID) -> Bool { lhs.raw < rhs.raw }

    @inlinable
    public static func == (lhs: ServerID, rhs: ServerID) -> Bool { lhs.raw == rhs.raw }

    // Hashing forwards to the raw integer's one-shot hash: a synthesized
    // Hashable goes through a full Hasher and made dictionary inserts 2.5x
    // and lookups 2x slower than with raw keys (see DECISIONS.md).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    @inlinable
    public func _rawHashValue(seed: Int) -> Int { raw._rawHashValue(seed: seed) }

    /// The number in decimal, as `myid` and `server.N` write it.
    public var description: String { String(raw) }
}
