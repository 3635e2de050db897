import Foundation
import SystemPackage
import ZKProtocol
import ZKStorage

/// The transaction log files under `dataLogDir/version-2`, as the log writer
/// thread uses them. Touched only by that thread.
final class DiskLog: LogFiles {
    private let directory: DataDirectory
    private let options: TxnLogWriter.Options
    private var writer: TxnLogWriter
    /// Where the last committed batch ended, to cut a failed batch away.
    private var committedFile: FilePath?
    private var committedSize: Int64 = 0
    private var inBatch = false
    /// The file a failed batch was written to, until it is cut back.
    private var failedFile: FilePath?

    init(directory: DataDirectory, options: TxnLogWriter.Options) {
        self.directory = directory
        self.options = options
        writer = directory.makeLogWriter(options: options)
    }

    var currentSize: Int64 { writer.currentLogSize }

    func append(_ header: TxnHeader, _ body: TxnBody) throws {
        if !inBatch {
            committedFile = writer.currentFile
            committedSize = writer.currentLogSize
            inBatch = true
        }
        try writer.append(header: header, body: body)
    }

    func commit(sync: Bool) throws {
        if sync { try writer.sync() } else { try writer.flush() }
        inBatch = false
    }

    func roll() throws {
        try writer.rollLog()
        committedFile = nil
        committedSize = 0
    }

    /// Replaces the failed writer, then truncates its file back to the last
    /// committed batch (or removes a file the failed batch created).
    func discardUncommitted(lastDurableZxid: Int64) throws {
        // Keep the failed file until it is cut: when the truncate or its
        // fsync fails, the retry must still cut it (the new writer no
        // longer knows it). Found by the simulator (seed 17).
        if let current = writer.currentFile { failedFile = current }
        writer = directory.makeLogWriter(options: options)
        writer.skippedFromZxid = lastDurableZxid + 1
        inBatch = false
        guard let failedFile else { return }
        let io = directory.io
        if failedFile == committedFile {
            let handle = try io.open(failedFile, .readWrite)
            defer { try? handle.close() }
            try handle.truncate(to: committedSize)
            try handle.sync(dataOnly: false)
        } else {
            do throws(Errno) {
                try io.unlink(failedFile)
            } catch .noSuchFileOrDirectory {
            }
        }
        self.failedFile = nil
        committedFile = nil
    }

    /// Writes and syncs a preallocation-sized scratch file: when that works,
    /// the log can take writes again.
    func probe() throws {
        let path = directory.logDirectory.appending(".swiftzk-space-probe")
        let size = Int(min(max(options.preAllocSize, 64 * 1024), 4 * 1024 * 1024))
        let io = directory.io
        let handle = try io.open(path, .createOrTruncate)
        defer {
            try? handle.close()
            try? io.unlink(path)
        }
        try handle.write([UInt8](repeating: 0, count: size), at: 0)
        try handle.sync(dataOnly: false)
    }
}
