import SystemPackage

// The storage port: every file operation ZKStorage performs goes through a
// `StorageIO`. `PosixStorageIO` is the real one over swift-system and
// `Syscalls`; ZKSimulation plugs in a simulated disk that tears writes,
// loses what was never fsynced, fails fsyncs and runs out of space.

/// How `StorageIO.open` opens a file.
public enum StorageOpenMode: Sendable, Equatable {
    /// Read only; the file must exist.
    case read
    /// Read and write an existing file.
    case readWrite
    /// Create a new file for reading and writing; fails with
    /// `Errno.fileExists` when the name is taken.
    case createExclusive
    /// Create the file, or truncate an existing one to zero bytes.
    case createOrTruncate
}

/// An open file.
public protocol StorageHandle: AnyObject, Sendable {
    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: Int64, count: Int) throws(Errno) -> [UInt8]
    /// Writes all of `bytes` at `offset`, extending the file as needed.
    func write(_ bytes: [UInt8], at offset: Int64) throws(Errno)
    /// The file's size in bytes.
    func size() throws(Errno) -> Int64
    /// fsync (`dataOnly`: fdatasync, Apache's `force(false)`).
    func sync(dataOnly: Bool) throws(Errno)
    /// Cuts or extends the file to `size` bytes.
    func truncate(to size: Int64) throws(Errno)
    /// Closes the file; further calls fail.
    func close() throws(Errno)
}

/// Files and directories, as the storage code uses them.
public protocol StorageIO: Sendable {
    func open(_ path: FilePath, _ mode: StorageOpenMode) throws(Errno) -> any StorageHandle
    /// fsyncs directory `path`, so entries created, renamed or removed in it
    /// survive a crash.
    func syncDirectory(_ path: FilePath) throws(Errno)
    func rename(_ from: FilePath, _ to: FilePath) throws(Errno)
    func unlink(_ path: FilePath) throws(Errno)
    /// Creates `path` and any missing parents; an existing directory is fine.
    func makeDirectories(_ path: FilePath) throws(Errno)
    /// The names in directory `path`, without "." and "..".
    func listDirectory(_ path: FilePath) throws(Errno) -> [String]
}

extension StorageIO {
    /// Replaces `path` with `bytes` so a crash leaves the old or the new
    /// content, never a mix: write a temporary file, fsync it, rename it
    /// over `path`, fsync the directory. For small files such as Zab's
    /// `acceptedEpoch` and `currentEpoch`.
    public func writeAtomically(_ bytes: [UInt8], to path: FilePath) throws(StorageError) {
        let directory = path.removingLastComponent()
        let temporary = directory.appending(".tmp-" + (path.lastComponent?.string ?? "file"))
        let handle = try storageCall(temporary, "open") { () throws(Errno) in try open(temporary, .createOrTruncate) }
        do throws(StorageError) {
            try storageCall(temporary, "write") { () throws(Errno) in try handle.write(bytes, at: 0) }
            try storageCall(temporary, "fsync") { () throws(Errno) in try handle.sync(dataOnly: false) }
            try storageCall(temporary, "close") { () throws(Errno) in try handle.close() }
        } catch {
            try? handle.close()
            try? unlink(temporary)
            throw error
        }
        try storageCall(path, "rename") { () throws(Errno) in try rename(temporary, path) }
        try storageCall(directory, "fsync") { () throws(Errno) in try syncDirectory(directory) }
    }

    /// The whole of a small file, or nil when it does not exist.
    public func readSmallFile(_ path: FilePath, limit: Int = 1 << 20) throws(StorageError) -> [UInt8]? {
        let handle: any StorageHandle
        do {
            handle = try open(path, .read)
        } catch .noSuchFileOrDirectory {
            return nil
        } catch {
            throw .io(file: path.text, operation: "open", errno: error)
        }
        defer { try? handle.close() }
        let size = try storageCall(path, "lseek") { () throws(Errno) in try handle.size() }
        guard size <= Int64(limit) else {
            throw .invalidArgument("\(path.text): \(size) bytes, more than the \(limit)-byte limit for a small file")
        }
        return try storageCall(path, "read") { () throws(Errno) in try handle.read(at: 0, count: Int(size)) }
    }
}

/// Runs a port call and names the file and operation in its error.
func storageCall<T>(_ path: FilePath, _ operation: String, _ body: () throws(Errno) -> T) throws(StorageError) -> T {
    do {
        return try body()
    } catch {
        throw .io(file: path.text, operation: operation, errno: error)
    }
}

/// The real file system, through swift-system and `Syscalls`.
public struct PosixStorageIO: StorageIO {
    public init() {}

    public func open(_ path: FilePath, _ mode: StorageOpenMode) throws(Errno) -> any StorageHandle {
        let permissions: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead]
        do {
            let fd: FileDescriptor
            switch mode {
            case .read:
                fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
            case .readWrite:
                fd = try FileDescriptor.open(path, .readWrite, options: [.closeOnExec])
            case .createExclusive:
                fd = try FileDescriptor.open(path, .readWrite, options: [.create, .exclusiveCreate, .closeOnExec],
                                             permissions: permissions)
            case .createOrTruncate:
                fd = try FileDescriptor.open(path, .readWrite, options: [.create, .truncate, .closeOnExec],
                                             permissions: permissions)
            }
            return PosixStorageHandle(fd)
        } catch {
            throw (error as? Errno) ?? .ioError
        }
    }

    public func syncDirectory(_ path: FilePath) throws(Errno) {
        let handle = try open(path, .read)
        defer { try? handle.close() }
        try handle.sync(dataOnly: false)
    }

    public func rename(_ from: FilePath, _ to: FilePath) throws(Errno) {
        if let errno = Syscalls.rename(from, to) { throw errno }
    }

    public func unlink(_ path: FilePath) throws(Errno) {
        if let errno = Syscalls.unlink(path) { throw errno }
    }

    public func makeDirectories(_ path: FilePath) throws(Errno) {
        if let errno = Syscalls.makeDirectories(path) { throw errno }
    }

    public func listDirectory(_ path: FilePath) throws(Errno) -> [String] {
        try Syscalls.listDirectory(path).get()
    }
}

/// An open file descriptor. Closed on deinit if the owner did not.
final class PosixStorageHandle: StorageHandle, @unchecked Sendable {
    // Used by one thread at a time, as the storage code's owners are.
    private let fd: FileDescriptor
    private var closed = false

    init(_ fd: FileDescriptor) {
        self.fd = fd
    }

    deinit {
        if !closed { try? fd.close() }
    }

    func read(at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = try Self.errno {
                try buffer.withUnsafeMutableBytes { raw in
                    try fd.read(fromAbsoluteOffset: offset + Int64(filled),
                                into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                }
            }
            if read == 0 { break }
            filled += read
        }
        buffer.removeLast(count - filled)
        return buffer
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws(Errno) {
        _ = try Self.errno { try fd.writeAll(toAbsoluteOffset: offset, bytes) }
    }

    func size() throws(Errno) -> Int64 {
        try Self.errno { try fd.seek(offset: 0, from: .end) }
    }

    func sync(dataOnly: Bool) throws(Errno) {
        if let errno = dataOnly ? Syscalls.fdatasync(fd) : Syscalls.fsync(fd) { throw errno }
    }

    func truncate(to size: Int64) throws(Errno) {
        try Self.errno { try fd.resize(to: size) }
    }

    func close() throws(Errno) {
        guard !closed else { return }
        closed = true
        try Self.errno { try fd.close() }
    }

    private static func errno<T>(_ body: () throws -> T) throws(Errno) -> T {
        do {
            return try body()
        } catch {
            throw (error as? Errno) ?? .ioError
        }
    }
}
