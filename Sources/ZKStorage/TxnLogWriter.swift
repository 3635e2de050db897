import NIOCore
import SystemPackage
import ZKProtocol

/// Appends transactions to `log.<zxid>` files in Apache's format, as
/// FileTxnLog does.
///
/// The first append after creation or `rollLog()` creates a new file named
/// after that transaction's zxid (lowercase hex, no padding) and writes the
/// FileHeader. Appends are buffered in memory; `flush()` writes them to the
/// file and `sync()` also makes them durable. A transaction is durable only
/// after `sync()` returns.
///
/// The file is extended with zeros in `preAllocSize` steps ahead of the
/// write position (Apache's FilePadding), so most fsyncs need not update the
/// file size. Once a write or sync fails the writer refuses further use:
/// after a failed fsync the kernel may have dropped the dirty pages, and only
/// recovery knows what is on disk.
public struct TxnLogWriter: ~Copyable, Sendable {
    /// How the writer lays out and syncs files.
    public struct Options: Sendable {
        /// Preallocation step in bytes (zoo.cfg `preAllocSize` is in KiB;
        /// Apache's default is 64 MiB). 0 disables preallocation.
        public var preAllocSize: Int64
        /// fsync on `sync()` (Apache's `zookeeper.forceSync`, default yes).
        public var forceSync: Bool
        /// Start a new file once the current one passes this many bytes, at
        /// the next `sync()` (`zookeeper.txnLogSizeLimitInKb`); nil: never.
        public var sizeLimit: Int64?
        /// The dbid written in each file header.
        public var dbid: Int64

        /// Apache's defaults.
        public init(preAllocSize: Int64 = 64 * 1024 * 1024, forceSync: Bool = true,
                    sizeLimit: Int64? = nil, dbid: Int64 = StorageFormat.logDbid) {
            self.preAllocSize = preAllocSize
            self.forceSync = forceSync
            self.sizeLimit = sizeLimit
            self.dbid = dbid
        }
    }

    /// The directory the files go in (a `version-2` directory).
    public let directory: FilePath
    /// The files, through the storage port.
    public let io: any StorageIO
    /// How files are laid out and synced.
    public let options: Options
    /// The file being written; nil before the first append and after a roll.
    public private(set) var currentFile: FilePath?
    /// The zxid of the last transaction appended.
    public private(set) var lastZxid: Zxid?

    private var fd: (any StorageHandle)?
    private var pending: [UInt8] = []
    /// One transaction's bytes while they are checksummed.
    private var scratch = ByteBuffer()
    /// Bytes written to the current file (header included), not counting `pending`.
    private var position: Int64 = 0
    /// The size the file has been extended to (FilePadding.currentSize).
    private var paddedSize: Int64 = 0
    private var directoryNeedsSync = false
    private var failed = false

    /// A writer for `directory`. No file is created until the first append.
    /// Pass the recovered `lastZxid` so appends must come after it.
    public init(directory: FilePath, options: Options = Options(), lastZxid: Zxid? = nil,
                io: any StorageIO = PosixStorageIO()) {
        self.directory = directory
        self.io = io
        self.options = options
        self.lastZxid = lastZxid
    }

    deinit {
        if let fd { try? fd.close() }
    }

    /// The current file's size in bytes as far as written, buffered
    /// appends included (preallocated zeros not counted).
    public var currentLogSize: Int64 { fd == nil ? 0 : position + Int64(pending.count) }

    /// Set after a log failure to the first zxid the failed batch held: the
    /// next file is named for it although its first transaction comes
    /// later, so recovery can tell zxids skipped on purpose (the proposer
    /// never hands a zxid out twice) from a log file that went missing.
    /// Apache picks log files by name and reads past lower zxids, so it
    /// reads such a file too.
    public var skippedFromZxid: Zxid?

    /// Buffers one transaction. Creates the next file first if none is open.
    public mutating func append(_ entry: TxnLogEntry) throws(StorageError) {
        try checkUsable()
        // Apache only warns; a log out of order would fail recovery later,
        // so refuse it now.
        if let lastZxid, Zxid(raw: entry.header.zxid) <= lastZxid {
            throw .zxidOutOfOrder(file: currentFile?.text ?? directory.text, offset: currentLogSize,
                                  previous: lastZxid, found: Zxid(raw: entry.header.zxid))
        }
        if fd == nil { try openFile(startingAt: Zxid(raw: entry.header.zxid)) }
        // Serialized into a buffer kept from entry to entry: no allocation
        // per transaction once it has grown to the largest.
        scratch.clear()
        entry.serialize(into: &scratch)
        // Grow geometrically: reserving the exact size per entry reallocated
        // and copied the whole buffer each time, quadratic in a long batch.
        let needed = pending.count + scratch.readableBytes + 13
        if needed > pending.capacity { pending.reserveCapacity(max(needed, 2 * pending.capacity)) }
        scratch.withUnsafeReadableBytes { bytes in
            var checksum = Adler32()
            checksum.update(bytes)
            pending.appendInt64(checksum.value)
            pending.appendInt32(Int32(truncatingIfNeeded: bytes.count))
            pending.append(contentsOf: bytes)
        }
        pending.append(StorageFormat.endOfRecord)
        lastZxid = Zxid(raw: entry.header.zxid)
    }

    /// Buffers one transaction from its parts.
    public mutating func append(header: TxnHeader, body: TxnBody, digest: TxnDigest? = nil) throws(StorageError) {
        try append(TxnLogEntry(header: header, body: body, digest: digest))
    }

    /// Writes buffered appends to the file (no fsync).
    public mutating func flush() throws(StorageError) {
        try checkUsable()
        guard let fd, let file = currentFile, !pending.isEmpty else { return }
        do throws(StorageError) {
            try preallocate(fd, file)
            try writeAll(fd, file, pending, at: position)
        } catch {
            failed = true
            throw error
        }
        position += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and, with `forceSync`, fdatasyncs the file (Apache's
    /// `FileChannel.force(false)`); the directory is fsynced once after a
    /// file is created. Then rolls to a new file if `sizeLimit` is passed.
    public mutating func sync() throws(StorageError) {
        try syncFile()
        if let limit = options.sizeLimit, position > limit {
            try closeFile()
        }
    }

    /// Ends the current file: flushes, syncs and closes it. The next append
    /// starts a new file (Apache's rollLog, done when a snapshot is taken).
    public mutating func rollLog() throws(StorageError) {
        guard fd != nil else { return }
        try syncFile()
        try closeFile()
    }

    /// Syncs and closes the writer.
    public consuming func close() throws(StorageError) {
        if fd != nil, !failed {
            try syncFile()
        }
        try closeFile()
    }

    private mutating func syncFile() throws(StorageError) {
        try flush()
        guard let fd, let file = currentFile else { return }
        if options.forceSync {
            do throws(Errno) {
                try fd.sync(dataOnly: true)
            } catch {
                failed = true
                throw .io(file: file.text, operation: "fdatasync", errno: error)
            }
            if directoryNeedsSync {
                do throws(StorageError) {
                    try syncDirectory(io, directory)
                } catch {
                    failed = true
                    throw error
                }
                directoryNeedsSync = false
            }
        }
    }

    private func checkUsable() throws(StorageError) {
        if failed { throw .writerClosed(file: currentFile?.text ?? directory.text) }
    }

    private mutating func closeFile() throws(StorageError) {
        guard let fd else { return }
        self.fd = nil
        let file = currentFile
        currentFile = nil
        position = 0
        paddedSize = 0
        pending.removeAll(keepingCapacity: true)
        try storageCall(file ?? directory, "close") { () throws(Errno) in try fd.close() }
    }

    private mutating func openFile(startingAt zxid: Zxid) throws(StorageError) {
        let name = min(skippedFromZxid ?? zxid, zxid)
        skippedFromZxid = nil
        let file = directory.appending(StorageFileName.log(name))
        let fd = try Self.createFile(file, io: io)
        var header: [UInt8] = []
        header.appendInt32(StorageFormat.logMagic)
        header.appendInt32(StorageFormat.version)
        header.appendInt64(options.dbid)
        do throws(StorageError) {
            try writeAll(fd, file, header, at: 0)
        } catch {
            try? fd.close()
            failed = true
            throw error
        }
        self.fd = fd
        currentFile = file
        position = Int64(header.count)
        paddedSize = position
        directoryNeedsSync = true
    }

    /// Creates `file`. Apache's FileOutputStream truncates a file of the
    /// same name; that can only be a leftover without transactions (a crash
    /// right after creating it), since recovery replays every record before
    /// anything is appended. A file that holds transactions is refused.
    private static func createFile(_ file: FilePath, io: any StorageIO) throws(StorageError) -> any StorageHandle {
        do throws(Errno) {
            return try io.open(file, .createExclusive)
        } catch .fileExists {
            let holdsTransactions: Bool
            if var reader = try? TxnLogReader(path: file, io: io) {
                holdsTransactions = (try? reader.next()) != nil
            } else {
                holdsTransactions = false
            }
            guard !holdsTransactions else {
                throw .invalidArgument("\(file.text): log file already holds transactions; recover the data directory before appending")
            }
            return try storageCall(file, "open") { () throws(Errno) in try io.open(file, .createOrTruncate) }
        } catch {
            throw .io(file: file.text, operation: "open", errno: error)
        }
    }

    /// Apache's FilePadding.padFile: when the write position is within 4 KiB
    /// of the padded size, extend the file by `preAllocSize` (or to the next
    /// multiple past the position when a large write overran it) by writing
    /// one zero byte at the new end.
    private mutating func preallocate(_ fd: any StorageHandle, _ file: FilePath) throws(StorageError) {
        let newSize = Self.paddedFileSize(position: position, fileSize: paddedSize, preAllocSize: options.preAllocSize)
        guard newSize != paddedSize else { return }
        try writeAll(fd, file, [0], at: newSize - 1)
        paddedSize = newSize
    }

    /// The file size after padding at `position` (FilePadding.calculateFileSizeWithPadding).
    static func paddedFileSize(position: Int64, fileSize: Int64, preAllocSize: Int64) -> Int64 {
        guard preAllocSize > 0, position + 4096 >= fileSize else { return fileSize }
        if position > fileSize {
            let size = position + preAllocSize
            return size - size % preAllocSize
        }
        return fileSize + preAllocSize
    }
}
