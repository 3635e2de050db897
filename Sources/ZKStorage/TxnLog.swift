import SystemPackage
import ZKProtocol

/// The transaction log as the log thread uses it: batches of appends made
/// durable together, rolls, and after a failed batch, cutting the failed
/// tail away and probing until the disk takes writes again. ZKServer's log
/// thread and ZKSimulation's model of it share this code.
public final class TxnLog {
    public let directory: DataDirectory
    public let options: TxnLogWriter.Options
    private var writer: TxnLogWriter
    /// Where the last committed batch ended, to cut a failed batch away.
    private var committedFile: FilePath?
    private var committedSize: Int64 = 0
    private var inBatch = false
    /// The file a failed batch was written to, until it is cut back.
    private var failedFile: FilePath?

    /// The probe file's name in the log directory.
    public static let probeName = ".swiftzk-space-probe"

    public init(directory: DataDirectory, options: TxnLogWriter.Options) {
        self.directory = directory
        self.options = options
        writer = directory.makeLogWriter(options: options)
    }

    /// Bytes in the current file.
    public var currentSize: Int64 { writer.currentLogSize }

    /// Appends one transaction to the batch (opening a file if none).
    public func append(_ header: TxnHeader, _ body: TxnBody) throws(StorageError) {
        if !inBatch {
            committedFile = writer.currentFile
            committedSize = writer.currentLogSize
            inBatch = true
        }
        try writer.append(header: header, body: body)
    }

    /// Writes the batch to the file without fsync; `commit` ends the batch.
    public func flush() throws(StorageError) {
        try writer.flush()
    }

    /// Ends the batch: flushes and, when `sync` is true, fsyncs it.
    public func commit(sync: Bool) throws(StorageError) {
        if sync { try writer.sync() } else { try writer.flush() }
        inBatch = false
    }

    /// Closes the current file; the next append starts a new one.
    public func roll() throws(StorageError) {
        try writer.rollLog()
        committedFile = nil
        committedSize = 0
    }

    /// Replaces the failed writer, then truncates its file back to the last
    /// committed batch (or removes a file the failed batch created).
    public func discardUncommitted(lastDurableZxid: Zxid) throws(StorageError) {
        // Keep the failed file until it is cut: when the truncate or its
        // fsync fails, the retry must still cut it, and the new writer no
        // longer knows it (found by the simulator).
        if let current = writer.currentFile { failedFile = current }
        writer = directory.makeLogWriter(options: options)
        // The failed batch's zxids are never handed out again: the next
        // file is named for the first of them (see skippedFromZxid).
        writer.skippedFromZxid = lastDurableZxid.next
        inBatch = false
        guard let failedFile else { return }
        let io = directory.io
        if failedFile == committedFile {
            let handle = try storageCall(failedFile, "open") { () throws(Errno) in try io.open(failedFile, .readWrite) }
            defer { try? handle.close() }
            let size = committedSize
            try storageCall(failedFile, "truncate") { () throws(Errno) in try handle.truncate(to: size) }
            try storageCall(failedFile, "fsync") { () throws(Errno) in try handle.sync(dataOnly: false) }
        } else {
            do throws(Errno) {
                try io.unlink(failedFile)
            } catch .noSuchFileOrDirectory {
            } catch {
                throw .io(file: failedFile.text, operation: "unlink", errno: error)
            }
            // Until the directory is synced a crash can bring the file, and
            // the void transactions in it, back (found by the simulator).
            try syncDirectory(io, directory.logDirectory)
        }
        self.failedFile = nil
        committedFile = nil
    }

    /// Writes and syncs a preallocation-sized scratch file: when that works,
    /// the log can take writes again.
    public func probe() throws(StorageError) {
        let path = directory.logDirectory.appending(Self.probeName)
        let size = Int(min(max(options.preAllocSize, 64 * 1024), 4 * 1024 * 1024))
        let io = directory.io
        let handle = try storageCall(path, "open") { () throws(Errno) in try io.open(path, .createOrTruncate) }
        defer {
            try? handle.close()
            try? io.unlink(path)
        }
        try storageCall(path, "write") { () throws(Errno) in try handle.write([UInt8](repeating: 0, count: size), at: 0) }
        try storageCall(path, "fsync") { () throws(Errno) in try handle.sync(dataOnly: false) }
    }
}
