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
        var result = QuotaCheck.withinLimits
        if checkCount {
            let newCount = current.count + countDiff
            let hard = limits.countHardLimit > -1
            let limit = hard ? limits.countHardLimit : limits.count
            if newCount > limit {
                let message = "Quota exceeded: \(name) [current count=\(newCount), \(hard ? "hard" : "soft")CountLimit=\(limit)]"
                if hard { return .hard(message) }
                result = .soft(message)
            }
        }
        if checkBytes {
            let newBytes = current.bytes + bytesDiff
            let hard = limits.byteHardLimit > -1
            let limit = hard ? limits.byteHardLimit : limits.bytes
            if newBytes > limit {
                let message = "Quota exceeded: \(name) [current bytes=\(newBytes), \(hard ? "hard" : "soft")ByteLimit=\(limit)]"
                if hard { return .hard(message) }
                result = .soft(message)
            }
        }
        return result
    }
}
