/// One server address from a connection string.
public struct ZKHost: Hashable, Sendable, CustomStringConvertible {
    /// A host name, an IPv4 address or an IPv6 address (without brackets).
    public var host: String
    /// The client port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// A parsed connection string: `h1:2181,h2:2181/app`.
///
/// As Apache's ConnectStringParser: hosts are separated by commas, a
/// missing port means 2181, an IPv6 address is written in brackets, and
/// everything from the first `/` on is the chroot, which every path the
/// application uses is relative to (`/` alone means none).
public struct ConnectionString: Hashable, Sendable, CustomStringConvertible {
    /// The servers, in the order written.
    public var hosts: [ZKHost]
    /// The chroot, without a trailing slash, or nil.
    public var chroot: String?

    /// The port used when a host names none.
    public static let defaultPort = 2181

    /// Parses `text`; throws `.badArguments` with the reason when it is not valid.
    public init(_ text: String) throws(ZooKeeperError) {
        var hostPart = Substring(text)
        chroot = nil
        if let slash = text.firstIndex(of: "/") {
            hostPart = text[..<slash]
            let root = String(text[slash...])
            if root != "/" {
                try ZKPath.validate(root, operation: "connect")
                chroot = root
            }
        }
        var hosts: [ZKHost] = []
        for item in hostPart.split(separator: ",", omittingEmptySubsequences: true) {
            let entry = item.trimmingSpaces()
            if entry.isEmpty { continue }
            hosts.append(try Self.parseHost(entry, in: text))
        }
        guard !hosts.isEmpty else {
            throw ZooKeeperError(.badArguments, operation: "connect", detail: "connection string '\(text)' names no host; write host:port[,host:port][/chroot]")
        }
        self.hosts = hosts
    }

    private static func parseHost(_ entry: String, in text: String) throws(ZooKeeperError) -> ZKHost {
        func bad(_ why: String) -> ZooKeeperError {
            ZooKeeperError(.badArguments, operation: "connect", detail: "connection string '\(text)': \(why)")
        }
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else { throw bad("'\(entry)' opens '[' but never closes it") }
            let host = String(entry[entry.index(after: entry.startIndex)..<close])
            let rest = entry[entry.index(after: close)...]
            if rest.isEmpty { return ZKHost(host: host, port: defaultPort) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else {
                throw bad("'\(entry)' has no valid port after ']'")
            }
            return ZKHost(host: host, port: port)
        }
        guard let colon = entry.lastIndex(of: ":") else { return ZKHost(host: entry, port: defaultPort) }
        let host = String(entry[..<colon])
        guard let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port), !host.isEmpty else {
            throw bad("'\(entry)' is not host:port with a port from 1 to 65535")
        }
        return ZKHost(host: host, port: port)
    }

    /// The hosts in a random order, as Apache's StaticHostProvider shuffles
    /// them, so that clients given the same list spread over the servers.
    public func shuffledHosts<G: RandomNumberGenerator>(using generator: inout G) -> [ZKHost] {
        hosts.shuffled(using: &generator)
    }

    /// The string as Apache writes it back.
    public var description: String {
        hosts.map(\.description).joined(separator: ",") + (chroot ?? "")
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// Client-side path rules (Apache's PathUtils.validatePath), checked before
/// a request is sent, with Apache's messages.
public enum ZKPath {
    /// Throws `.badArguments` when `path` is not a valid znode path. A
    /// sequential create checks `path + "1"`, as Apache does, so a name may
    /// end in `/`.
    public static func validate(_ path: String, sequential: Bool = false, operation: String) throws(ZooKeeperError) {
        if let reason = problem(sequential ? path + "1" : path) {
            throw ZooKeeperError(.badArguments, operation: operation, path: path,
                                 detail: "Invalid path string \"\(path)\" caused by \(reason)")
        }
    }

    /// The reason `path` is invalid, or nil.
    public static func problem(_ path: String) -> String? {
        let chars = Array(path.unicodeScalars)
        if chars.isEmpty { return "Path length must be > 0" }
        if chars[0] != "/" { return "Path must start with / character" }
        if chars.count == 1 { return nil }
        if chars[chars.count - 1] == "/" { return "Path must not end with / character" }
        var last: Unicode.Scalar = "/"
        for i in 1..<chars.count {
            let c = chars[i]
            let v = c.value
            if v == 0 { return "null character not allowed @\(i)" }
            if c == "/" && last == "/" { return "empty node name specified @\(i)" }
            if c == "." && last == "." {
                if chars[i - 2] == "/" && (i + 1 == chars.count || chars[i + 1] == "/") {
                    return "relative paths not allowed @\(i)"
                }
            } else if c == "." {
                if chars[i - 1] == "/" && (i + 1 == chars.count || chars[i + 1] == "/") {
                    return "relative paths not allowed @\(i)"
                }
            } else if (v > 0 && v <= 0x1f) || (v >= 0x7f && v <= 0x9f) || (v >= 0xe000 && v <= 0xf8ff) || v >= 0xfff0 && v <= 0xffff {
                return "invalid character @\(i)"
            }
            last = c
        }
        return nil
    }
}
