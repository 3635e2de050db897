/// A client session's id, as the server hands it out in ConnectResponse:
/// the server id in the top byte, then a timestamp and a counter (Apache's
/// SessionTrackerImpl.initializeNextSessionId). 0 means "no session".
///
/// Wire records (ConnectRequest.sessionId, TxnHeader.clientId, Stat's
/// ephemeralOwner) stay raw integers; code converts at their edge.
@frozen
public struct SessionID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The id as the wire and the disk carry it.
    public var raw: Int64

    /// The session whose wire and disk form is `raw`.
    @inlinable
    public init(raw: Int64) { self.raw = raw }

    /// A literal is a raw id: `0` is "no session".
    @inlinable
    public init(integerLiteral value: Int64) { raw = value }

    /// Ordered as the raw Int64s, so lists sorted by id (`dump`, `wchp`)
    /// keep Apache's order.
    @inlinable
    public static func < (lhs: SessionID, rhs: SessionID) -> Bool { lhs.raw < rhs.raw }

    @inlinable
    public static func == (lhs: SessionID, rhs: SessionID) -> Bool { lhs.raw == rhs.raw }

    // Hashing forwards to the raw integer's one-shot hash: a synthesized
    // Hashable goes through a full Hasher and made dictionary inserts 2.5x
    // and lookups 2x slower than with raw keys (see DECISIONS.md).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    @inlinable
    public func _rawHashValue(seed: Int) -> Int { raw._rawHashValue(seed: seed) }

    /// `0x` and the raw value in hex, unsigned, as Java's Long.toHexString:
    /// how the logs and four-letter words print a session id.
    public var description: String { "0x" + String(UInt64(bitPattern: raw), radix: 16) }
}
