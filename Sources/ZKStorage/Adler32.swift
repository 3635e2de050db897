/// The Adler-32 checksum (RFC 1950), as `java.util.zip.Adler32` computes
/// it. Apache ZooKeeper uses it for every log record and to seal snapshots.
///
/// Incremental: feed bytes in any number of `update` calls; `value` is the
/// checksum of everything fed so far.
public struct Adler32: Hashable, Sendable {
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    /// The largest run of bytes that cannot overflow 32-bit sums before the
    /// modulo (as zlib's NMAX).
    private static let blockSize = 5552
    private static let modulus: UInt32 = 65521

    /// A checksum of no bytes (value 1).
    public init() {}

    /// The checksum of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        update(bytes)
    }

    /// The checksum so far, as Java's `Checksum.getValue()` returns it
    /// (0 ... 2³²-1 in a long).
    public var value: Int64 { Int64(b << 16 | a) }

    /// Adds `bytes` to the checksum.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            update(Array(bytes))
        }
    }

    /// Adds the bytes in `buffer` to the checksum.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var a = self.a
        var b = self.b
        var index = 0
        let count = buffer.count
        while index < count {
            let end = min(index + Self.blockSize, count)
            while index < end {
                a &+= UInt32(buffer[index])
                b &+= a
                index += 1
            }
            a %= Self.modulus
            b %= Self.modulus
        }
        self.a = a
        self.b = b
    }
}
