import ZKProtocol

/// ZooKeeper's quota bookkeeping. A quota on `/app` is the node
/// `/zookeeper/quota/app/zookeeper_limits` (the limits) next to
/// `/zookeeper/quota/app/zookeeper_stats` (what the subtree uses now), both
/// holding text like `count=3,bytes=10`.
public enum Quotas {
    public static let limitNode: [UInt8] = Array("zookeeper_limits".utf8)
    public static let statNode: [UInt8] = Array("zookeeper_stats".utf8)

    /// `/zookeeper/quota` + path + `/zookeeper_stats`.
    public static func statPath(_ path: [UInt8]) -> [UInt8] { ZNodePath.quota + path + [0x2f] + statNode }
    public static func limitPath(_ path: [UInt8]) -> [UInt8] { ZNodePath.quota + path + [0x2f] + limitNode }

    /// The quota'd path a node under `/zookeeper/quota` belongs to.
    static func trimmed(_ quotaChild: [UInt8]) -> [UInt8] {
        Array(quotaChild.dropFirst(ZNodePath.quota.count))
    }
}

/// The values of a quota node, as Apache's StatsTrack reads and writes them.
public struct StatsTrack: Equatable, Sendable {
    public var values: [String: Int64] = [:]

    public init() {}

    /// Parses `key=value` pairs separated by commas or semicolons; a
    /// malformed text reads as empty.
    public init(_ data: JuteBytes) {
        let text = String(decoding: data.bytesOrEmpty, as: UTF8.self)
        for pair in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2, !parts[0].isEmpty else { continue }
            values[String(parts[0])] = parts[1].isEmpty ? -1 : Int64(parts[1]) ?? -1
        }
    }

    /// Parses the text of a quota node given as raw bytes.
    public init(_ bytes: [UInt8]) { self.init(JuteBytes(bytes)) }

    public subscript(key: String) -> Int64 {
        get { values[key] ?? -1 }
        set { values[key] = newValue }
    }

    public var count: Int64 { get { self["count"] } set { self["count"] = newValue } }
    public var bytes: Int64 { get { self["bytes"] } set { self["bytes"] = newValue } }
    public var countHardLimit: Int64 { get { self["countHardLimit"] } set { self["countHardLimit"] = newValue } }
    public var byteHardLimit: Int64 { get { self["byteHardLimit"] } set { self["byteHardLimit"] = newValue } }

    /// `count=N,bytes=M`, then any other keys sorted, after an extra `=`.
    public var text: String {
        var result = "count=\(count),bytes=\(bytes)"
        let others = values.keys.filter { $0 != "count" && $0 != "bytes" }.sorted()
        if !others.isEmpty {
            result += "="
            for key in others { result += ";\(key)=\(values[key] ?? -1)" }
        }
        return result
    }
}

extension DataTree {
    /// The deepest path with a quota that holds `path`, or nil (the root
    /// never counts), as Apache's getMaxPrefixWithQuota.
    public func quotaPrefix(of path: [UInt8]) -> [UInt8]? {
        guard !quotaPaths.isEmpty else { return nil }
        var best: [UInt8]?
        for prefix in quotaPaths where prefix != ZNodePath.root && ZNodePath.isSelfOrDescendant(path, of: prefix) {
            if prefix.count > (best?.count ?? -1) { best = prefix }
        }
        return best
    }

    /// Count (nodes, itself included) and bytes of data under `path`.
    func usage(of path: [UInt8]) -> (count: Int64, bytes: Int64) {
        guard let node = nodes[path] else { return (0, 0) }
        var count: Int64 = 1
        var bytes = Int64(node.data.count)
        for child in node.childPaths {
            let sub = usage(of: child.bytes)
            count += sub.count
            bytes += sub.bytes
        }
        return (count, bytes)
    }

    mutating func adjustQuota(for path: [UInt8], bytes: Int64, count: Int64) {
        guard let prefix = quotaPrefix(of: path) else { return }
        let statPath = Quotas.statPath(prefix)
        guard let node = nodes[statPath] else { return }
        var stats = StatsTrack(node.data)
        stats.count += count
        stats.bytes += bytes
        nodes[statPath]?.data = JuteBytes(stats.text)
    }

    /// Keeps the quota index and stats right after a node under
    /// /zookeeper/quota is created.
    mutating func quotaNodeCreated(_ path: [UInt8]) {
        guard let parent = ZNodePath.parent(of: path), parent.starts(with: ZNodePath.quota) else { return }
        let name = ZNodePath.name(of: path)
        let target = Quotas.trimmed(parent)
        if name == Quotas.limitNode { quotaPaths.insert(target) }
        if name == Quotas.statNode {
            let (count, bytes) = usage(of: target)
            var stats = StatsTrack()
            stats.count = count
            stats.bytes = bytes
            nodes[path]?.data = JuteBytes(stats.text)
        }
    }

    mutating func quotaNodeDeleted(_ path: [UInt8]) {
        guard let parent = ZNodePath.parent(of: path), parent.starts(with: ZNodePath.zookeeper),
              ZNodePath.name(of: path) == Quotas.limitNode else { return }
        quotaPaths.remove(Quotas.trimmed(parent))
    }
}
