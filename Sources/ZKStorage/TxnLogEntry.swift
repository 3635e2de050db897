import NIOCore
import ZKProtocol

/// One transaction as the log stores it: header, body and, from Apache 3.6
/// on, an optional digest of the tree after the transaction.
public struct TxnLogEntry: Hashable, Sendable {
    /// Session, cxid, zxid, time and type.
    public var header: TxnHeader
    /// The record the header's type names.
    public var body: TxnBody
    /// Apache's TxnDigest (`zookeeper.digest.enabled`, on by default): the
    /// tree digest after this transaction. Written inside the checksummed
    /// bytes, after the body.
    public var digest: TxnDigest?

    /// An entry from its parts.
    public init(header: TxnHeader, body: TxnBody, digest: TxnDigest? = nil) {
        self.header = header
        self.body = body
        self.digest = digest
    }

    /// The bytes the record's checksum covers: TxnHeader, body, then the
    /// digest if any (Apache's Util.marshallTxnEntry).
    public var serializedBytes: [UInt8] {
        var buffer = ByteBuffer()
        serialize(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Appends the checksummed bytes to `buffer`.
    public func serialize(into buffer: inout ByteBuffer) {
        header.encode(to: &buffer)
        body.encode(to: &buffer)
        digest?.encode(to: &buffer)
    }

    /// The size of a TxnHeader: clientId, cxid, zxid, time, type.
    static let headerBytes = 32

    /// Decodes the checksummed bytes of one record, as Apache's
    /// SerializeUtils.deserializeTxn does: the header, the body its type
    /// names, then a TxnDigest if the bytes left hold one. Apache reads the
    /// digest whenever digests are enabled and simply finds none (EOF) in
    /// logs written without; reading it whenever it is there is the same.
    public init(serializedBytes bytes: [UInt8]) throws(JuteError) {
        let header = try TxnHeader(decoding: bytes)
        let rest = Array(bytes.dropFirst(Self.headerBytes))
        var body: TxnBody
        do throws(JuteError) {
            body = try TxnBody(type: header.type, bytes: rest)
        } catch {
            // A closeSession without a CloseSessionTxn (servers before 3.6,
            // or closeSessionTxn disabled) followed by a digest: Apache
            // reads no body there either.
            guard header.type == .closeSession else { throw error }
            body = .closeSession(nil)
        }
        // Jute encodes each value one way only, so the body's length is the
        // length of its encoding.
        let bodyLength = body.encodedBytes.count
        var digest: TxnDigest?
        if rest.count - bodyLength >= 12 {
            digest = try TxnDigest(decoding: Array(rest[bodyLength...]))
        }
        self.init(header: header, body: body, digest: digest)
    }
}

/// A transaction read from a log file, with where it was.
public struct TxnLogRecord: Hashable, Sendable {
    /// The transaction.
    public var entry: TxnLogEntry
    /// The file offset of the record's checksum (its first byte).
    public var offset: Int64
    /// The offset just past the record's 'B' marker: where the next one starts.
    public var endOffset: Int64

    /// A record from its parts.
    public init(entry: TxnLogEntry, offset: Int64, endOffset: Int64) {
        self.entry = entry
        self.offset = offset
        self.endOffset = endOffset
    }

    /// The transaction's header.
    public var header: TxnHeader { entry.header }
    /// The transaction's zxid.
    public var zxid: Zxid { Zxid(raw: entry.header.zxid) }
}

/// How reading a log file ended.
public enum TxnLogEnd: Hashable, Sendable {
    /// Every record was good. `offset` is the end of the last one; after it
    /// the file ends or holds only preallocated zeros.
    case clean(offset: Int64)
    /// The last record is incomplete or damaged, and nothing valid follows:
    /// a write interrupted by a crash. Good data ends at `offset`.
    case tornTail(offset: Int64, problem: LogRecordProblem)

    /// Where the good data ends.
    public var offset: Int64 {
        switch self {
        case .clean(let offset), .tornTail(let offset, _): return offset
        }
    }
}

/// Format constants of Apache's `version-2` files.
public enum StorageFormat {
    /// "ZKLG", the transaction log magic.
    public static let logMagic: Int32 = 0x5a4b_4c47
    /// "ZKSN", the snapshot magic.
    public static let snapshotMagic: Int32 = 0x5a4b_534e
    /// The format version both files carry.
    public static let version: Int32 = 2
    /// Bytes in a FileHeader (magic, version, dbid).
    public static let fileHeaderBytes: Int64 = 16
    /// The dbid Apache writes in log headers (FileTxnLog.dbId).
    public static let logDbid: Int64 = 0
    /// The dbid Apache writes in snapshot headers (FileSnap.dbId).
    public static let snapshotDbid: Int64 = -1
    /// The byte after every log record: 'B'.
    public static let endOfRecord: UInt8 = 0x42
    /// The subdirectory of dataDir and dataLogDir holding the files.
    public static let versionDirectory = "version-2"
}
