import SystemPackage
import ZKProtocol

/// Why a log record could not be read. Whether it is a torn tail or
/// corruption depends on what follows it (see `TxnLogEnd` and
/// `StorageError.corruptLog`).
public enum LogRecordProblem: Hashable, Sendable, CustomStringConvertible {
    /// The file ends inside the record.
    case partialRecord(needed: Int64, available: Int64)
    /// The byte after the record is not the 'B' end-of-record marker.
    case missingEndMarker(found: UInt8)
    /// The stored Adler32 does not match the record's bytes.
    case checksumMismatch(stored: Int64, computed: Int64)
    /// A negative length, or a zero length with a non-zero checksum.
    case invalidLength(Int32)
    /// A zero length (Apache's end of data) with non-zero bytes after it.
    case dataAfterEnd

    public var description: String {
        switch self {
        case let .partialRecord(needed, available):
            return "partial record: needs \(needed) bytes, \(available) left in the file"
        case let .missingEndMarker(found):
            return "missing end-of-record marker 'B' (found 0x\(String(found, radix: 16)))"
        case let .checksumMismatch(stored, computed):
            return "checksum mismatch: stored \(stored), computed \(computed)"
        case let .invalidLength(length):
            return "invalid record length \(length)"
        case .dataAfterEnd:
            return "non-zero bytes after the end-of-data mark"
        }
    }
}

/// The errors of ZKStorage. Every case that concerns a file names it, and
/// the offset when one is known, so an operator can find the damage.
public enum StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A system call on `file` failed.
    case io(file: String, operation: String, errno: Errno)
    /// The file is shorter than its header, or the header is unreadable.
    case truncatedHeader(file: String, size: Int64)
    /// The file header's magic number is not the expected one.
    case badMagic(file: String, found: Int32, expected: Int32)
    /// The file header names a format version other than 2.
    case unsupportedVersion(file: String, version: Int32)
    /// A bad log record at `offset` with a valid record after it at
    /// `nextValidOffset`: the log is damaged in the middle, not torn at the end.
    case corruptLog(file: String, offset: Int64, problem: LogRecordProblem, nextValidOffset: Int64)
    /// A log record whose checksum matches but whose content does not decode.
    case undecodableTxn(file: String, offset: Int64, error: JuteError)
    /// A snapshot whose content is damaged or truncated at `offset`.
    case corruptSnapshot(file: String, offset: Int64, reason: String)
    /// A snapshot's stored Adler32 seal does not match its content.
    case snapshotChecksumMismatch(file: String, offset: Int64, stored: Int64, computed: Int64)
    /// A snapshot compressed with a method other than gz or snappy (the two
    /// Apache writes, both read by CompressedSnapshot).
    case unsupportedCompression(file: String, method: String)
    /// Snapshots exist but none could be read; `problems` says why for each.
    case noValidSnapshot(directory: String, problems: [String])
    /// Log entries exist but no snapshot: Apache refuses to start here too
    /// ("No snapshot found, but there are log entries").
    case logsWithoutSnapshot(directory: String)
    /// Replay found a hole: `expected` was the next zxid, `found` came instead.
    case missingTransactions(file: String, offset: Int64, expected: Zxid, found: Zxid)
    /// Replay found a zxid at or below one already applied.
    case zxidOutOfOrder(file: String, offset: Int64, previous: Zxid, found: Zxid)
    /// A caller passed a value the operation cannot use.
    case invalidArgument(String)
    /// A writer was used after it failed or was closed.
    case writerClosed(file: String)

    public var description: String {
        switch self {
        case let .io(file, operation, errno):
            return "\(file): \(operation) failed: \(errno)"
        case let .truncatedHeader(file, size):
            return "\(file): file header truncated (file is \(size) bytes)"
        case let .badMagic(file, found, expected):
            return "\(file): bad magic number 0x\(hex(found)), expected 0x\(hex(expected))"
        case let .unsupportedVersion(file, version):
            return "\(file): unsupported format version \(version), expected 2"
        case let .corruptLog(file, offset, problem, next):
            return "\(file): corrupt transaction log at offset \(offset): \(problem); a valid record follows at offset \(next), so this is not a torn tail"
        case let .undecodableTxn(file, offset, error):
            return "\(file): transaction at offset \(offset) passes its checksum but does not decode: \(error)"
        case let .corruptSnapshot(file, offset, reason):
            return "\(file): corrupt snapshot at offset \(offset): \(reason)"
        case let .snapshotChecksumMismatch(file, offset, stored, computed):
            return "\(file): snapshot checksum mismatch at offset \(offset): stored \(stored), computed \(computed)"
        case let .unsupportedCompression(file, method):
            return "\(file): \(method)-compressed snapshots cannot be read (only gz and snappy); restart Apache with snapshot.compression.method unset to rewrite it uncompressed"
        case let .noValidSnapshot(directory, problems):
            return "\(directory): no readable snapshot: " + problems.joined(separator: "; ")
        case let .logsWithoutSnapshot(directory):
            return "\(directory): transaction logs exist but no snapshot; restore the snapshot files or remove the logs"
        case let .missingTransactions(file, offset, expected, found):
            return "\(file): missing transactions at offset \(offset): expected zxid \(expected), found \(found); a log file may have been deleted"
        case let .zxidOutOfOrder(file, offset, previous, found):
            return "\(file): zxid \(found) at offset \(offset) is not after \(previous)"
        case let .invalidArgument(message):
            return message
        case let .writerClosed(file):
            return "\(file): transaction log writer is closed"
        }
    }
}

func hex(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }
func hex(_ value: Int32) -> String { String(UInt32(bitPattern: value), radix: 16) }
