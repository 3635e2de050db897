import ZKDataTree
import ZKProtocol

/// Apache's checkQuota, used only with `enforceQuota` on (as in Apache:
/// otherwise quotas are tracked in zookeeper_stats and never checked). A
/// soft limit passed is logged; a hard limit passed fails the write with
/// ZQUOTAEXCEEDED.
enum QuotaCheck: Equatable, Sendable {
    case withinLimits
    case soft(String)
    case hard(String)

    /// The check for a write adding `countDiff` nodes and `bytesDiff` bytes
    /// under `path`, against the committed tree (as Apache reads it).
    static func evaluate(path: [UInt8], bytesDiff: Int64, countDiff: Int64, tree: DataTree) -> QuotaCheck {
        guard let prefix = tree.quotaPrefix(of: path),
              let limitNode = tree.node(Quotas.limitPath(prefix)) else { return .withinLimits }
        let limits = StatsTrack(limitNode.data)
        let checkCount = countDiff != 0 && (limits.count > -1 || limits.countHardLimit > -1)
        let checkBytes = bytesDiff != 0 && (limits.bytes > -1 || limits.byteHardLimit > -1)
        guard checkCount || checkBytes, let statNode = tree.node(Quotas.statPath(prefix)) else { return .withinLimits }
        let current = StatsTrack(statNode.data)
        let name = String(decoding: prefix, as: UTF8.self)
        let count = checkCount
            ? limitCheck(name, "count", "Count", current.count + countDiff, soft: limits.count, hard: limits.countHardLimit)
            : .withinLimits
        if case .hard = count { return count }
        let bytes = checkBytes
            ? limitCheck(name, "bytes", "Byte", current.bytes + bytesDiff, soft: limits.bytes, hard: limits.byteHardLimit)
            : .withinLimits
        if case .withinLimits = bytes { return count }
        return bytes
    }

    /// One limit: the hard one when set (> -1), else the soft one.
    private static func limitCheck(_ name: String, _ field: String, _ limitName: String, _ newValue: Int64,
                                   soft: Int64, hard: Int64) -> QuotaCheck {
        let isHard = hard > -1
        let limit = isHard ? hard : soft
        guard newValue > limit else { return .withinLimits }
        let message = "Quota exceeded: \(name) [current \(field)=\(newValue), \(isHard ? "hard" : "soft")\(limitName)Limit=\(limit)]"
        return isHard ? .hard(message) : .soft(message)
    }
}
