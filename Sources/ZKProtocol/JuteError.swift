/// Why a byte sequence could not be decoded as a ZooKeeper record or frame.
///
/// Every case names the record and the field being read, so a log line says
/// exactly which part of which packet was bad.
public enum JuteError: Error, Hashable, Sendable {
    /// The input ended while reading `field` of `record`.
    case truncated(record: String, field: String, needed: Int, available: Int)
    /// A buffer, string or vector length below -1.
    case negativeLength(record: String, field: String, length: Int32)
    /// A buffer, string or vector length larger than the bytes that remain.
    case lengthExceedsInput(record: String, field: String, length: Int32, available: Int)
    /// A frame length prefix below zero.
    case invalidFrameLength(Int32)
    /// A frame length prefix above the configured `jute.maxbuffer`.
    case frameTooLarge(length: Int32, limit: Int)
    /// A request header carried an operation this codec has no body for.
    case unknownOpCode(Int32)
    /// A record that must be the last in a multi was missing its terminator,
    /// or a field held a value the record does not allow.
    case invalidValue(record: String, field: String, value: Int64)
}

extension JuteError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .truncated(record, field, needed, available):
            return "\(record).\(field): truncated, needed \(needed) bytes, \(available) left"
        case let .negativeLength(record, field, length):
            return "\(record).\(field): invalid length \(length)"
        case let .lengthExceedsInput(record, field, length, available):
            return "\(record).\(field): length \(length) exceeds the \(available) bytes left"
        case let .invalidFrameLength(length):
            return "frame: invalid length \(length)"
        case let .frameTooLarge(length, limit):
            return "frame: length \(length) exceeds jute.maxbuffer (\(limit) bytes)"
        case let .unknownOpCode(code):
            return "request: unknown operation code \(code)"
        case let .invalidValue(record, field, value):
            return "\(record).\(field): invalid value \(value)"
        }
    }
}
