import NIOCore

/// Reads Jute's primitive types from a bounded `ByteBuffer`.
///
/// Decoding is total: every method either returns a value or throws a
/// `JuteError` naming the record and field. Lengths are checked against the
/// bytes that remain before anything is allocated, so a hostile length can
/// neither read past the frame nor reserve more memory than the frame holds.
public struct JuteReader {
    @usableFromInline
    var buffer: ByteBuffer

    /// Starts reading `buffer` at its reader index.
    public init(_ buffer: ByteBuffer) { self.buffer = buffer }

    /// The unread input. Reads consume it from the front.
    public var unread: ByteBuffer { buffer }

    /// Bytes not yet read.
    public var remaining: Int { buffer.readableBytes }

    /// True when every byte has been read.
    public var isAtEnd: Bool { buffer.readableBytes == 0 }

    /// Reads a Jute `int`: 4 bytes, big-endian.
    @inlinable
    public mutating func readInt(_ record: StaticString, _ field: StaticString) throws(JuteError) -> Int32 {
        guard let value = buffer.readInteger(endianness: .big, as: Int32.self) else {
            throw .truncated(record: "\(record)", field: "\(field)", needed: 4, available: buffer.readableBytes)
        }
        return value
    }

    /// Reads a Jute `long`: 8 bytes, big-endian.
    @inlinable
    public mutating func readLong(_ record: StaticString, _ field: StaticString) throws(JuteError) -> Int64 {
        guard let value = buffer.readInteger(endianness: .big, as: Int64.self) else {
            throw .truncated(record: "\(record)", field: "\(field)", needed: 8, available: buffer.readableBytes)
        }
        return value
    }

    /// Reads a Jute `boolean`: one byte, any non-zero value is true (as Java's
    /// `DataInput.readBoolean`).
    @inlinable
    public mutating func readBool(_ record: StaticString, _ field: StaticString) throws(JuteError) -> Bool {
        guard let value = buffer.readInteger(as: UInt8.self) else {
            throw .truncated(record: "\(record)", field: "\(field)", needed: 1, available: 0)
        }
        return value != 0
    }

    /// Reads a Jute `buffer` or `ustring`: an `int` length, then the bytes;
    /// -1 is null.
    @inlinable
    public mutating func readBytes(_ record: StaticString, _ field: StaticString) throws(JuteError) -> JuteBytes {
        let length = try readLength(record, field)
        guard length >= 0 else { return .null }
        // readLength has checked that `length` bytes remain.
        guard let bytes = buffer.readBytes(length: length) else {
            throw .truncated(record: "\(record)", field: "\(field)", needed: length, available: buffer.readableBytes)
        }
        return JuteBytes(bytes)
    }

    /// Reads a Jute `vector`: an `int` count, then the elements; -1 is null.
    @inlinable
    public mutating func readVector<Element>(
        _ record: StaticString, _ field: StaticString,
        _ element: (inout JuteReader) throws(JuteError) -> Element
    ) throws(JuteError) -> [Element]? {
        let count = try readLength(record, field)
        guard count >= 0 else { return nil }
        var elements: [Element] = []
        // Every Jute element takes at least one byte, so a count above the
        // remaining bytes was already rejected and this reservation is bounded.
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try element(&self))
        }
        return elements
    }

    /// Reads a length or count and checks it: -1 (null) or 0...remaining.
    @inlinable
    mutating func readLength(_ record: StaticString, _ field: StaticString) throws(JuteError) -> Int {
        let length = try readInt(record, field)
        if length == -1 { return -1 }
        guard length >= 0 else {
            throw .negativeLength(record: "\(record)", field: "\(field)", length: length)
        }
        guard Int(length) <= buffer.readableBytes else {
            throw .lengthExceedsInput(record: "\(record)", field: "\(field)", length: length, available: buffer.readableBytes)
        }
        return Int(length)
    }
}

extension ByteBuffer {
    /// Writes a Jute `int`.
    @inlinable
    public mutating func writeJuteInt(_ value: Int32) {
        writeInteger(value, endianness: .big)
    }

    /// Writes a Jute `long`.
    @inlinable
    public mutating func writeJuteLong(_ value: Int64) {
        writeInteger(value, endianness: .big)
    }

    /// Writes a Jute `boolean` as 0 or 1.
    @inlinable
    public mutating func writeJuteBool(_ value: Bool) {
        writeInteger(value ? 1 : 0, as: UInt8.self)
    }

    /// Writes a Jute `buffer` or `ustring`; null is length -1.
    @inlinable
    public mutating func writeJuteBytes(_ value: JuteBytes) {
        guard let bytes = value.bytes else {
            writeJuteInt(-1)
            return
        }
        writeJuteInt(Int32(truncatingIfNeeded: bytes.count))
        writeBytes(bytes)
    }

    /// Writes a Jute `vector<ustring>` or `vector<buffer>`; `nil` is count
    /// -1. The same bytes as `writeJuteVector` with `writeJuteBytes`, in one
    /// reservation and one pass over raw memory: a listing of 50,000
    /// children went through the generic integer and byte writers 100,000
    /// times, about 400 ms per reply in a debug build.
    public mutating func writeJuteByteStrings(_ elements: [JuteBytes]?) {
        guard let elements else {
            writeJuteInt(-1)
            return
        }
        var total = 4
        for element in elements { total += 4 + (element.bytes?.count ?? 0) }
        writeWithUnsafeMutableBytes(minimumWritableBytes: total) { raw in
            guard let base = raw.baseAddress else { return 0 }
            var offset = 0
            func put(_ value: Int32) {
                raw.storeBytes(of: UInt32(bitPattern: value).bigEndian, toByteOffset: offset, as: UInt32.self)
                offset += 4
            }
            put(Int32(truncatingIfNeeded: elements.count))
            for element in elements {
                guard let bytes = element.bytes else {
                    put(-1)
                    continue
                }
                put(Int32(truncatingIfNeeded: bytes.count))
                bytes.withUnsafeBytes { source in
                    if let from = source.baseAddress, source.count > 0 {
                        (base + offset).copyMemory(from: from, byteCount: source.count)
                    }
                }
                offset += bytes.count
            }
            return offset
        }
    }

    /// Writes a Jute `vector`; `nil` is count -1.
    @inlinable
    public mutating func writeJuteVector<Element>(_ elements: [Element]?, _ element: (inout ByteBuffer, Element) -> Void) {
        guard let elements else {
            writeJuteInt(-1)
            return
        }
        writeJuteInt(Int32(truncatingIfNeeded: elements.count))
        for item in elements {
            element(&self, item)
        }
    }
}
