#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A znode path as a hash key: the path's bytes, hashed and compared as one
/// block of memory.
///
/// `[UInt8]` is Hashable too, but it feeds the hasher one byte at a time and
/// compares element by element; with a million znodes that shows in every
/// lookup and in loading a snapshot. Paths are compared as bytes, never as
/// Strings: two paths that are equal under Unicode normalisation but spelt
/// with different bytes are different znodes, as in Apache ZooKeeper.
public struct ZNodeKey: Hashable, Sendable {
    public let bytes: [UInt8]

    @inlinable
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    @inlinable
    public static func == (lhs: ZNodeKey, rhs: ZNodeKey) -> Bool {
        lhs.bytes.withUnsafeBytes { left in
            rhs.bytes.withUnsafeBytes { right in
                guard left.count == right.count else { return false }
                guard let a = left.baseAddress, let b = right.baseAddress, a != b else { return true }
                return memcmp(a, b, left.count) == 0
            }
        }
    }
}
