/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as
/// `java.util.zip.CRC32` computes it. Apache's DigestCalculator hashes each
/// znode with it.
struct CRC32 {
    private(set) var state: UInt32 = 0xffff_ffff

    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xedb8_8320 : value >> 1
        }
        return value
    }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.table.withUnsafeBufferPointer { table in
                var crc = state
                for byte in buffer {
                    crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
                }
                state = crc
            }
        }
        if done == nil { update(Array(bytes)) }
    }

    /// The checksum, as Java's `getValue()`: 0 ... 2³²-1.
    var value: Int64 { Int64(state ^ 0xffff_ffff) }
}
