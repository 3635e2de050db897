#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

// The few POSIX calls swift-system 1.8 does not wrap: fsync, fdatasync,
// rename, unlink, mkdir and directory listing. Each returns an `Errno` on
// failure so callers can name the file in a `StorageError`.

enum Syscalls {
    static func fsync(_ fd: FileDescriptor) -> Errno? {
        retrying { c_fsync(fd.rawValue) }
    }

    /// fdatasync where the platform has it (Apache's `FileChannel.force(false)`).
    static func fdatasync(_ fd: FileDescriptor) -> Errno? {
        #if canImport(Darwin)
        return retrying { Darwin.fsync(fd.rawValue) }
        #else
        return retrying { c_fdatasync(fd.rawValue) }
        #endif
    }

    static func rename(_ from: FilePath, _ to: FilePath) -> Errno? {
        let rc = from.withPlatformString { source in
            to.withPlatformString { target in c_rename(source, target) }
        }
        return rc == 0 ? nil : Errno(rawValue: errno)
    }

    static func unlink(_ path: FilePath) -> Errno? {
        let rc = path.withPlatformString { c_unlink($0) }
        return rc == 0 ? nil : Errno(rawValue: errno)
    }

    /// Creates `path` and any missing parents; an existing directory is fine.
    static func makeDirectories(_ path: FilePath) -> Errno? {
        var prefix = FilePath(root: path.root)
        for component in path.components {
            prefix.append(component)
            let rc = prefix.withPlatformString { c_mkdir($0, 0o755) }
            if rc != 0 && errno != EEXIST { return Errno(rawValue: errno) }
        }
        return nil
    }

    /// The names in directory `path` (without "." and ".."), or nil and an
    /// errno. A missing directory is reported as `.noSuchFileOrDirectory`.
    static func listDirectory(_ path: FilePath) -> Result<[String], Errno> {
        guard let dir = path.withPlatformString({ opendir($0) }) else {
            return .failure(Errno(rawValue: errno))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { return .failure(Errno(rawValue: errno)) }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }

    /// True when `path` names an existing directory.
    static func isDirectory(_ path: FilePath) -> Bool {
        guard let dir = path.withPlatformString({ opendir($0) }) else { return false }
        closedir(dir)
        return true
    }

    private static func retrying(_ call: () -> Int32) -> Errno? {
        while true {
            if call() == 0 { return nil }
            if errno != EINTR { return Errno(rawValue: errno) }
        }
    }
}

#if canImport(Darwin)
private func c_fsync(_ fd: Int32) -> Int32 { Darwin.fsync(fd) }
private func c_rename(_ a: UnsafePointer<CChar>, _ b: UnsafePointer<CChar>) -> Int32 { Darwin.rename(a, b) }
private func c_unlink(_ a: UnsafePointer<CChar>) -> Int32 { Darwin.unlink(a) }
private func c_mkdir(_ a: UnsafePointer<CChar>, _ mode: mode_t) -> Int32 { Darwin.mkdir(a, mode) }
#elseif canImport(Musl)
private func c_fsync(_ fd: Int32) -> Int32 { Musl.fsync(fd) }
private func c_fdatasync(_ fd: Int32) -> Int32 { Musl.fdatasync(fd) }
private func c_rename(_ a: UnsafePointer<CChar>, _ b: UnsafePointer<CChar>) -> Int32 { Musl.rename(a, b) }
private func c_unlink(_ a: UnsafePointer<CChar>) -> Int32 { Musl.unlink(a) }
private func c_mkdir(_ a: UnsafePointer<CChar>, _ mode: mode_t) -> Int32 { Musl.mkdir(a, mode) }
#else
private func c_fsync(_ fd: Int32) -> Int32 { Glibc.fsync(fd) }
private func c_fdatasync(_ fd: Int32) -> Int32 { Glibc.fdatasync(fd) }
private func c_rename(_ a: UnsafePointer<CChar>, _ b: UnsafePointer<CChar>) -> Int32 { Glibc.rename(a, b) }
private func c_unlink(_ a: UnsafePointer<CChar>) -> Int32 { Glibc.unlink(a) }
private func c_mkdir(_ a: UnsafePointer<CChar>, _ mode: mode_t) -> Int32 { Glibc.mkdir(a, mode) }
#endif
