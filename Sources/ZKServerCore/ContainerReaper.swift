import ZKDataTree
import ZKProtocol

/// Apache's ContainerManager: every check interval, empty containers that
/// have had children (or were never used for long enough) and TTL nodes
/// without children whose TTL has passed since their last change are deleted.
struct ContainerReaper: Sendable {
    var lastCheckNanos: UInt64

    /// The paths to delete now, if a check is due; at most the per-minute
    /// budget of one interval.
    mutating func due(tree: DataTree, config: CoreConfig, now: Now) -> [[UInt8]] {
        let interval = UInt64(max(config.containerCheckIntervalMillis, 1)) * 1_000_000
        guard now.monotonicNanos &- lastCheckNanos >= interval else { return [] }
        lastCheckNanos = now.monotonicNanos
        var candidates: [[UInt8]] = []
        for path in tree.containers.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let node = tree.node(path), node.childPaths.isEmpty else { continue }
            if node.stat.cversion > 0 {
                candidates.append(path)
            } else if config.containerMaxNeverUsedIntervalMillis != 0,
                      now.wallMillis - node.stat.mtime > config.containerMaxNeverUsedIntervalMillis {
                candidates.append(path)
            }
        }
        for path in tree.ttls.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let node = tree.node(path), node.childPaths.isEmpty,
                  case .ttl(let ttl) = tree.ephemeralOwnerType(node.stat.ephemeralOwner),
                  ttl != 0, now.wallMillis - node.stat.mtime > ttl else { continue }
            candidates.append(path)
        }
        // Apache spreads deletions at maxPerMinute; per check that is this many.
        let perCheck = max(1, Int((Int64(config.containerMaxPerMinute) * max(config.containerCheckIntervalMillis, 1)) / 60000))
        return Array(candidates.prefix(perCheck))
    }
}
