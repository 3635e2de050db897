/// The payload of a Jute `buffer` or `ustring` field: raw bytes, or null.
///
/// Jute writes both kinds as an `int` length followed by that many bytes, and
/// a length of -1 for null. Znode paths and data stay bytes on purpose (see
/// DESIGN.md, "Paths and strings"): equality is exact byte equality, as in
/// ZooKeeper, never Unicode equivalence.
public struct JuteBytes: Hashable, Sendable {
    /// The bytes, or `nil` for Jute's null (length -1).
    public var bytes: [UInt8]?

    /// The null value (encoded as length -1).
    public static let null = JuteBytes(nil as [UInt8]?)

    /// Wraps raw bytes; `nil` means null.
    public init(_ bytes: [UInt8]?) { self.bytes = bytes }

    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// True for Jute's null.
    public var isNull: Bool { bytes == nil }

    /// Number of bytes; 0 for null.
    public var count: Int { bytes?.count ?? 0 }

    /// The bytes, with null read as empty.
    public var bytesOrEmpty: [UInt8] { bytes ?? [] }

    /// The bytes decoded as UTF-8 (invalid sequences repaired); `nil` for null.
    /// For display only: never use the String for identity.
    public var string: String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}

extension JuteBytes: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(value) }
}

extension JuteBytes: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: UInt8...) { self.init(elements) }
}

extension JuteBytes: CustomStringConvertible {
    public var description: String { string.map { "\"\($0)\"" } ?? "null" }
}
