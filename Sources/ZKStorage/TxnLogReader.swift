import SystemPackage
import ZKProtocol

/// Reads the records of one transaction log file (`log.<zxid>`), in order.
///
/// A log file is a FileHeader ("ZKLG", version 2, dbid), then records, each
/// an int64 Adler32 of the transaction bytes, an int32 length, the bytes
/// (TxnHeader, body, optional TxnDigest) and the byte 'B'; then zeros up to
/// the preallocated size.
///
/// `next()` returns records until the data ends, then nil; `end` then says
/// how it ended. A zero length (Apache's end-of-data mark) followed only by
/// zeros, or the end of the file, is a clean end. A bad record with nothing
/// valid after it is a torn tail (`TxnLogEnd.tornTail`), what a crash in
/// the middle of a write leaves. A bad record with a valid record after it
/// is corruption and throws `StorageError.corruptLog`.
public struct TxnLogReader: ~Copyable, Sendable {
    /// The file being read.
    public let path: FilePath
    /// The file's header.
    public let fileHeader: FileHeader
    /// The file's size in bytes, preallocated zeros included.
    public var fileSize: Int64 { window.size }
    /// Where the next record starts.
    public private(set) var offset: Int64
    /// How reading ended; nil until `next()` has returned nil.
    public private(set) var end: TxnLogEnd?

    private let fd: any StorageHandle
    private var window: FileWindow
    private var lastZxid: Zxid?

    /// Opens `path` and checks its header. Reading starts after the header,
    /// or at `offset` (a record boundary from an earlier read).
    public init(path: FilePath, offset: Int64? = nil, io: any StorageIO = PosixStorageIO()) throws(StorageError) {
        let fd = try openForReading(io, path)
        do throws(StorageError) {
            var window = try FileWindow(handle: fd, path: path)
            let header = try Self.readHeader(&window, path: path)
            self.path = path
            self.fd = fd
            self.window = window
            self.fileHeader = header
            self.offset = offset ?? StorageFormat.fileHeaderBytes
        } catch {
            try? fd.close()
            throw error
        }
    }

    deinit {
        try? fd.close()
    }

    /// Reads and checks a log FileHeader. Like Apache, only the magic is
    /// checked; the version and dbid are reported as found.
    static func readHeader(_ window: inout FileWindow, path: FilePath) throws(StorageError) -> FileHeader {
        let bytes = try window.bytes(at: 0, count: Int(StorageFormat.fileHeaderBytes))
        guard bytes.count == Int(StorageFormat.fileHeaderBytes),
              let header = try? FileHeader(decoding: Array(bytes)) else {
            throw .truncatedHeader(file: path.text, size: window.size)
        }
        guard header.magic == StorageFormat.logMagic else {
            throw .badMagic(file: path.text, found: header.magic, expected: StorageFormat.logMagic)
        }
        return header
    }

    /// The next record, or nil at the end of the data (see `end`).
    public mutating func next() throws(StorageError) -> TxnLogRecord? {
        if end != nil { return nil }
        let start = offset
        switch try readRecord(at: start) {
        case .record(let record):
            offset = record.endOffset
            lastZxid = record.zxid
            return record
        case .endOfData:
            end = .clean(offset: start)
            return nil
        case .bad(let problem):
            if let next = try findValidRecord(after: start) {
                throw .corruptLog(file: path.text, offset: start, problem: problem, nextValidOffset: next)
            }
            end = .tornTail(offset: start, problem: problem)
            return nil
        }
    }

    private enum Outcome {
        case record(TxnLogRecord)
        case endOfData
        case bad(LogRecordProblem)
    }

    private mutating func readRecord(at start: Int64) throws(StorageError) -> Outcome {
        let size = window.size
        if start >= size { return .endOfData }
        guard let checksum = try window.integer(at: start, as: Int64.self),
              let length = try window.integer(at: start + 8, as: Int32.self) else {
            // Fewer than 12 bytes left: zeros are padding, anything else a
            // record cut short.
            if try window.firstNonZero(from: start) == nil { return .endOfData }
            return .bad(.partialRecord(needed: 12, available: size - start))
        }
        if length == 0 {
            // Apache stops at a zero length: the preallocated zeros. Anything
            // but zeros from here on is damage, not padding.
            if checksum == 0, try window.firstNonZero(from: start) == nil { return .endOfData }
            return .bad(checksum == 0 ? .dataAfterEnd : .invalidLength(0))
        }
        guard length > 0 else { return .bad(.invalidLength(length)) }
        let needed = 12 + Int64(length) + 1
        guard start + needed <= size else {
            return .bad(.partialRecord(needed: needed, available: size - start))
        }
        let marker = try window.byte(at: start + 12 + Int64(length)) ?? 0
        guard marker == StorageFormat.endOfRecord else { return .bad(.missingEndMarker(found: marker)) }
        let bytes = Array(try window.bytes(at: start + 12, count: Int(length)))
        let computed = Adler32(bytes).value
        guard computed == checksum else {
            return .bad(.checksumMismatch(stored: checksum, computed: computed))
        }
        do throws(JuteError) {
            let entry = try TxnLogEntry(serializedBytes: bytes)
            return .record(TxnLogRecord(entry: entry, offset: start, endOffset: start + needed))
        } catch {
            throw .undecodableTxn(file: path.text, offset: start, error: error)
        }
    }

    /// The offset of the first well-formed record after a bad one at `bad`:
    /// Adler32 in range, a positive length that fits, the 'B' marker, a
    /// matching checksum, a decodable header and a zxid after the last good
    /// one. Nil when there is none, which makes the bad record a torn tail.
    private mutating func findValidRecord(after bad: Int64) throws(StorageError) -> Int64? {
        let size = window.size
        var candidate = bad + 1
        while candidate + 13 <= size {
            // A record's length field is never zero, so skip zero runs: the
            // next candidate is at most 11 bytes before a non-zero byte.
            guard let nonZero = try window.firstNonZero(from: candidate + 8) else { return nil }
            if nonZero - 11 > candidate { candidate = nonZero - 11 }
            if try isValidRecord(at: candidate) { return candidate }
            candidate += 1
        }
        return nil
    }

    private mutating func isValidRecord(at start: Int64) throws(StorageError) -> Bool {
        let size = window.size
        guard let checksum = try window.integer(at: start, as: Int64.self),
              checksum > 0, checksum <= Int64(UInt32.max),
              let length = try window.integer(at: start + 8, as: Int32.self),
              length >= Int32(TxnLogEntry.headerBytes),
              start + 13 + Int64(length) <= size,
              try window.byte(at: start + 12 + Int64(length)) == StorageFormat.endOfRecord else {
            return false
        }
        let bytes = Array(try window.bytes(at: start + 12, count: Int(length)))
        guard Adler32(bytes).value == checksum, let header = try? TxnHeader(decoding: bytes) else {
            return false
        }
        return lastZxid.map { Zxid(raw: header.zxid) > $0 } ?? true
    }
}

/// Everything in one log file, read at once (see `TxnLogReader`).
public struct TxnLogContents: Sendable {
    /// The file's header.
    public var fileHeader: FileHeader
    /// Every good record, in file order.
    public var records: [TxnLogRecord]
    /// How the data ended.
    public var end: TxnLogEnd
    /// The file's size, preallocated zeros included.
    public var fileSize: Int64

    /// Reads every record of the log file at `path`.
    public init(path: FilePath, io: any StorageIO = PosixStorageIO()) throws(StorageError) {
        var reader = try TxnLogReader(path: path, io: io)
        var records: [TxnLogRecord] = []
        while let record = try reader.next() {
            records.append(record)
        }
        self.fileHeader = reader.fileHeader
        self.records = records
        self.end = reader.end ?? .clean(offset: reader.offset)
        self.fileSize = reader.fileSize
    }
}
