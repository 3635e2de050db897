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

    /// Byte order (unsigned, shorter first on a common prefix), with one
    /// memcmp: getChildren sorts every child of a node on each call, and a
    /// generic element-by-element comparison made 50,000 children cost
    /// over a second in a debug build.
    @inlinable
    public static func precedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                let common = min(left.count, right.count)
                if common > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }
}
