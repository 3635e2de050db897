/// Znode path rules, on bytes (see DESIGN.md, "Paths and strings").
///
/// ZooKeeper's path rules: absolute, no trailing slash (except the root), no
/// empty, "." or ".." segment, and no code point from the reserved ranges.
public enum ZNodePath {
    public static let root: [UInt8] = [0x2f]
    public static let zookeeper: [UInt8] = Array("/zookeeper".utf8)
    public static let quota: [UInt8] = Array("/zookeeper/quota".utf8)
    public static let config: [UInt8] = Array("/zookeeper/config".utf8)

    /// Why a path is invalid, in ZooKeeper's words; nil when it is valid.
    public static func invalidReason(_ path: [UInt8]) -> String? {
        guard let first = path.first else { return "Path length must be > 0" }
        guard first == 0x2f else { return "Path must start with / character" }
        if path.count == 1 { return nil }
        guard path.last != 0x2f else { return "Path must not end with / character" }
        // Decode UTF-8 as Java does; a malformed sequence becomes U+FFFD,
        // which is itself in a reserved range, so it is rejected too.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(path.count)
        var decoder = UTF8()
        var iterator = path.makeIterator()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break decoding
            case .error: scalars.append("\u{FFFD}")
            }
        }
        var previous: Unicode.Scalar = "/"
        for (index, scalar) in scalars.enumerated() where index > 0 {
            let value = scalar.value
            if value == 0 { return "null character not allowed @\(index)" }
            if scalar == "/" && previous == "/" { return "empty node name specified @\(index)" }
            if scalar == "." && previous == "." {
                let before = index >= 2 ? scalars[index - 2] : "/"
                let after = index + 1 < scalars.count ? scalars[index + 1] : "/"
                if before == "/" && after == "/" { return "relative paths not allowed @\(index)" }
            } else if scalar == "." && previous == "/" {
                let after = index + 1 < scalars.count ? scalars[index + 1] : "/"
                if after == "/" { return "relative paths not allowed @\(index)" }
            } else if (0x01...0x1f).contains(value) || (0x7f...0x9f).contains(value)
                        || (0xd800...0xf8ff).contains(value) || value >= 0xfff0 {
                // Java sees a code point above U+FFFF as two surrogates,
                // which fall in the reserved D800–F8FF range.
                return "invalid character @\(index)"
            }
            previous = scalar
        }
        return nil
    }

    /// True when `path` is a valid znode path.
    public static func isValid(_ path: [UInt8]) -> Bool { invalidReason(path) == nil }

    /// The parent of `path` ("/a/b" → "/a", "/a" → "/"); nil for the root or
    /// a path without a slash.
    public static func parent(of path: [UInt8]) -> [UInt8]? {
        guard path.count > 1, let slash = path.lastIndex(of: 0x2f) else { return nil }
        return slash == 0 ? root : Array(path[..<slash])
    }

    /// The last segment of `path` ("/a/b" → "b").
    public static func name(of path: [UInt8]) -> [UInt8] {
        guard let slash = path.lastIndex(of: 0x2f) else { return path }
        return Array(path[(slash + 1)...])
    }

    /// `parent` joined with `name`.
    public static func child(_ parent: [UInt8], _ name: [UInt8]) -> [UInt8] {
        parent == root ? root + name : parent + [0x2f] + name
    }

    /// True when `path` is `ancestor` or below it.
    public static func isSelfOrDescendant(_ path: [UInt8], of ancestor: [UInt8]) -> Bool {
        if ancestor == root { return true }
        guard path.count >= ancestor.count, path.starts(with: ancestor) else { return false }
        return path.count == ancestor.count || path[ancestor.count] == 0x2f
    }

    /// The paths the server itself keeps: they cannot be deleted.
    public static func isSpecial(_ path: [UInt8]) -> Bool {
        path == root || path == zookeeper || path == quota || path == config
    }
}
