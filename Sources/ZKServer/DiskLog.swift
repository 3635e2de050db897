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
    func discardUncommitted() throws {
        let failedFile = writer.currentFile
        writer = directory.makeLogWriter(options: options)
        inBatch = false
        guard let failedFile else { return }
        if failedFile == committedFile {
            let fd = try FileDescriptor.open(failedFile, .writeOnly)
            defer { try? fd.close() }
            guard ftruncate(fd.rawValue, off_t(committedSize)) == 0, fsync(fd.rawValue) == 0 else {
                throw Errno(rawValue: errno)
            }
        } else if unlink(failedFile.description) != 0 && errno != ENOENT {
            throw Errno(rawValue: errno)
        }
        committedFile = nil
    }

    /// Writes and syncs a preallocation-sized scratch file: when that works,
    /// the log can take writes again.
    func probe() throws {
        let path = directory.logDirectory.appending(".swiftzk-space-probe")
        let size = Int(min(max(options.preAllocSize, 64 * 1024), 4 * 1024 * 1024))
        let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        defer {
            try? fd.close()
            unlink(path.description)
        }
        _ = try fd.writeAll([UInt8](repeating: 0, count: size))
        guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
    }
}
