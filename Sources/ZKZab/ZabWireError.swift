import ZKProtocol

/// Why bytes from a peer, or an epoch file, could not be read as a Zab or
/// election message.
///
/// Every case names what was being read, so a log line says which message of
/// which peer was bad. Decoders throw these instead of trapping; a shell
/// closes the one connection (or refuses to start, for an epoch file).
public enum ZabWireError: Error, Hashable, Sendable {
    /// The input ended while reading `field` of `message`.
    case truncated(message: String, field: String, needed: Int, available: Int)
    /// A length or count below its allowed range (Jute's null, -1, is allowed
    /// only where the record allows it).
    case negativeLength(message: String, field: String, length: Int64)
    /// A length or count above its named limit.
    case lengthExceedsLimit(message: String, field: String, length: Int64, limit: Int)
    /// A field held a value the message does not allow.
    case invalidValue(message: String, field: String, value: Int64)
    /// The election connection's first long was negative but not a protocol
    /// version Apache knows (-65536 or -65535).
    case unknownProtocolVersion(Int64)
    /// The election address in the initial message is not `host:port`.
    case badElectionAddress(String)
    /// Bytes left over after a message that has a fixed end.
    case trailingBytes(message: String, count: Int)
    /// A nested Jute record (TxnHeader, a txn body, LearnerInfo) was malformed.
    case jute(JuteError)
    /// An `acceptedEpoch` or `currentEpoch` file did not hold an epoch.
    case badEpochFile(reason: String)
}

extension ZabWireError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .truncated(message, field, needed, available):
            return "\(message).\(field): truncated, needed \(needed) bytes, \(available) left"
        case let .negativeLength(message, field, length):
            return "\(message).\(field): invalid length \(length)"
        case let .lengthExceedsLimit(message, field, length, limit):
            return "\(message).\(field): length \(length) exceeds the limit of \(limit)"
        case let .invalidValue(message, field, value):
            return "\(message).\(field): invalid value \(value)"
        case let .unknownProtocolVersion(version):
            return "election initial message: unknown protocol version \(version) (expected -65536 or -65535)"
        case let .badElectionAddress(address):
            return "election initial message: address '\(address)' is not host:port"
        case let .trailingBytes(message, count):
            return "\(message): \(count) unexpected bytes after the end"
        case let .jute(error):
            return error.description
        case let .badEpochFile(reason):
            return "epoch file: \(reason)"
        }
    }
}
