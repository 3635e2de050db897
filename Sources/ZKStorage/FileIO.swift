import SystemPackage

// Small file helpers over the storage port: every failure becomes a
// StorageError naming the file and the operation.

extension FilePath {
    /// The path as text, for messages.
    var text: String { description }
}

/// Opens `path` read-only through `io`.
func openForReading(_ io: any StorageIO, _ path: FilePath) throws(StorageError) -> any StorageHandle {
    try storageCall(path, "open") { () throws(Errno) in try io.open(path, .read) }
}

/// Writes all of `bytes` at `offset`.
func writeAll(_ handle: any StorageHandle, _ path: FilePath, _ bytes: [UInt8], at offset: Int64) throws(StorageError) {
    try storageCall(path, "write") { () throws(Errno) in try handle.write(bytes, at: offset) }
}

/// fsyncs the directory `path`, so a file just created or renamed in it
/// survives a crash.
func syncDirectory(_ io: any StorageIO, _ path: FilePath) throws(StorageError) {
    try storageCall(path, "fsync") { () throws(Errno) in try io.syncDirectory(path) }
}

/// Random and sequential reads of one file through a cached window, so
/// records are read with few system calls and a damaged length can never
/// make us allocate more than the file holds.
struct FileWindow {
    let handle: any StorageHandle
    let path: FilePath
    let size: Int64
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0

    static let chunkBytes = 1 << 20

    init(handle: any StorageHandle, path: FilePath) throws(StorageError) {
        self.handle = handle
        self.path = path
        self.size = try storageCall(path, "lseek") { () throws(Errno) in try handle.size() }
    }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    mutating func bytes(at offset: Int64, count: Int) throws(StorageError) -> ArraySlice<UInt8> {
        let available = max(0, min(Int64(count), size - offset))
        let wanted = Int(available)
        if wanted == 0 { return [] }
        if offset < windowStart || offset + Int64(wanted) > windowStart + Int64(window.count) {
            try fill(at: offset, count: max(wanted, Self.chunkBytes))
        }
        let start = Int(offset - windowStart)
        return window[start..<(start + min(wanted, window.count - start))]
    }

    /// The byte at `offset`, or nil past the end.
    mutating func byte(at offset: Int64) throws(StorageError) -> UInt8? {
        try bytes(at: offset, count: 1).first
    }

    /// A big-endian integer at `offset`, or nil when the file ends first.
    mutating func integer<T: FixedWidthInteger>(at offset: Int64, as: T.Type) throws(StorageError) -> T? {
        let size = MemoryLayout<T>.size
        let slice = try bytes(at: offset, count: size)
        guard slice.count == size else { return nil }
        var value: T = 0
        for byte in slice { value = value << 8 | T(truncatingIfNeeded: byte) }
        return value
    }

    /// The offset of the first non-zero byte at or after `offset`, or nil
    /// when only zeros follow (a preallocated tail).
    mutating func firstNonZero(from offset: Int64) throws(StorageError) -> Int64? {
        var position = offset
        while position < size {
            let slice = try bytes(at: position, count: Self.chunkBytes)
            if let index = slice.withUnsafeBytes({ Self.firstNonZeroIndex($0) }) {
                return position + Int64(index)
            }
            position += Int64(slice.count)
        }
        return nil
    }

    private static func firstNonZeroIndex(_ buffer: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        let count = buffer.count
        // Eight bytes at a time through the zero runs of a preallocated file.
        while index + 8 <= count {
            if buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { break }
            index += 8
        }
        while index < count {
            if buffer[index] != 0 { return index }
            index += 1
        }
        return nil
    }

    private mutating func fill(at offset: Int64, count: Int) throws(StorageError) {
        let length = Int(min(Int64(count), size - offset))
        window = try storageCall(path, "read") { () throws(Errno) in try handle.read(at: offset, count: length) }
        windowStart = offset
    }
}

/// Big-endian Jute primitives appended to a byte array.
extension Array where Element == UInt8 {
    mutating func appendInt32(_ value: Int32) {
        let bits = UInt32(bitPattern: value)
        append(UInt8(truncatingIfNeeded: bits >> 24))
        append(UInt8(truncatingIfNeeded: bits >> 16))
        append(UInt8(truncatingIfNeeded: bits >> 8))
        append(UInt8(truncatingIfNeeded: bits))
    }

    mutating func appendInt64(_ value: Int64) {
        appendInt32(Int32(truncatingIfNeeded: value >> 32))
        appendInt32(Int32(truncatingIfNeeded: value))
    }

    /// A Jute buffer or ustring: length then bytes, -1 for null.
    mutating func appendJuteBytes(_ value: [UInt8]?) {
        guard let value else {
            appendInt32(-1)
            return
        }
        appendInt32(Int32(truncatingIfNeeded: value.count))
        append(contentsOf: value)
    }
}
