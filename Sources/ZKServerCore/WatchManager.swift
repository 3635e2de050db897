import ZKDataTree
import ZKProtocol

/// How a watch was set.
public struct WatchModes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// One-shot, from getData/exists/getChildren.
    public static let standard = WatchModes(rawValue: 1)
    /// addWatch PERSISTENT: stays until removed.
    public static let persistent = WatchModes(rawValue: 2)
    /// addWatch PERSISTENT_RECURSIVE: also fires for every descendant.
    public static let persistentRecursive = WatchModes(rawValue: 4)
}

/// One table of watches (Apache keeps two: data watches and child watches).
struct WatchTable: Sendable {
    private(set) var byPath: [[UInt8]: [ConnectionID: WatchModes]] = [:]
    private(set) var byWatcher: [ConnectionID: Set<[UInt8]>] = [:]
    private(set) var recursiveCount = 0

    mutating func add(_ path: [UInt8], _ watcher: ConnectionID, _ mode: WatchModes) {
        let old = byPath[path]?[watcher] ?? []
        let new = old.union(mode)
        guard new != old else { return }
        byPath[path, default: [:]][watcher] = new
        byWatcher[watcher, default: []].insert(path)
        if new.contains(.persistentRecursive) && !old.contains(.persistentRecursive) { recursiveCount += 1 }
    }

    func modes(_ path: [UInt8], _ watcher: ConnectionID) -> WatchModes {
        byPath[path]?[watcher] ?? []
    }

    /// Removes `mode` (or every mode when nil); true when something was removed.
    mutating func remove(_ path: [UInt8], _ watcher: ConnectionID, _ mode: WatchModes?) -> Bool {
        let old = modes(path, watcher)
        guard !old.isEmpty else { return false }
        let new = mode.map { old.subtracting($0) } ?? []
        guard new != old else { return false }
        set(path, watcher, old: old, new: new)
        return true
    }

    private mutating func set(_ path: [UInt8], _ watcher: ConnectionID, old: WatchModes, new: WatchModes) {
        if old.contains(.persistentRecursive) && !new.contains(.persistentRecursive) { recursiveCount -= 1 }
        if new.isEmpty {
            byPath[path]?[watcher] = nil
            if byPath[path]?.isEmpty == true { byPath[path] = nil }
            byWatcher[watcher]?.remove(path)
            if byWatcher[watcher]?.isEmpty == true { byWatcher[watcher] = nil }
        } else {
            byPath[path]?[watcher] = new
        }
    }

    /// Drops every watch of `watcher` (its connection closed). The watcher's
    /// set is taken out first, so nothing is copied while it is walked.
    mutating func removeAll(_ watcher: ConnectionID) {
        guard let paths = byWatcher.removeValue(forKey: watcher) else { return }
        for path in paths {
            guard let index = byPath.index(forKey: path) else { continue }
            let old = byPath.values[index].removeValue(forKey: watcher) ?? []
            if old.contains(.persistentRecursive) { recursiveCount -= 1 }
            if byPath.values[index].isEmpty { byPath.remove(at: index) }
        }
        byPath = Self.shrunk(byPath)
        byWatcher = Self.shrunk(byWatcher)
    }

    /// A dictionary never gives back its buckets when entries go, so after
    /// 1,000,000 watches were dropped the table kept 32 MiB of empty
    /// buckets. Below a quarter full (and past a small size), copy it into
    /// one sized for what is left.
    private static func shrunk<K, V>(_ table: [K: V]) -> [K: V] {
        guard table.capacity > 4096, table.count < table.capacity / 4 else { return table }
        var fresh = [K: V](minimumCapacity: table.count)
        for (key, value) in table { fresh[key] = value }
        return fresh
    }

    /// The watchers to tell about a change at `path`, removing one-shot
    /// watches on the path itself. Ancestors count only for recursive watches.
    mutating func trigger(_ path: [UInt8]) -> Set<ConnectionID> {
        var fired = Set<ConnectionID>()
        if let watchers = byPath[path] {
            for (watcher, modes) in watchers {
                fired.insert(watcher)
                if modes.contains(.standard) {
                    set(path, watcher, old: modes, new: modes.subtracting(.standard))
                }
            }
        }
        guard recursiveCount > 0 else { return fired }
        var ancestor = ZNodePath.parent(of: path)
        while let current = ancestor {
            for (watcher, modes) in byPath[current] ?? [:] where modes.contains(.persistentRecursive) {
                fired.insert(watcher)
            }
            ancestor = ZNodePath.parent(of: current)
        }
        return fired
    }

    var count: Int { byWatcher.values.reduce(0) { $0 + $1.count } }
}

/// A watch event to deliver to one connection.
public struct WatchDelivery: Equatable, Sendable {
    public var connection: ConnectionID
    public var event: WatcherEvent
    /// The zxid for the notification's reply header (-1 when none).
    public var zxid: Zxid
    /// The ACL of the node, to check that the watcher may read it (nil: no check).
    public var acl: [ACL]?
}

/// Every watch the server holds, in Apache's two tables, for all connections.
public struct WatchManager: Sendable {
    var dataWatches = WatchTable()
    var childWatches = WatchTable()

    public init() {}

    /// A one-shot data watch (getData, or exists on an existing node) or
    /// exist watch (exists on a missing node).
    public mutating func addDataWatch(_ path: [UInt8], _ watcher: ConnectionID) {
        dataWatches.add(path, watcher, .standard)
    }

    public mutating func addChildWatch(_ path: [UInt8], _ watcher: ConnectionID) {
        childWatches.add(path, watcher, .standard)
    }

    /// addWatch: a persistent watch lives in both tables, a recursive one in
    /// the data table only (so it never sees NodeChildrenChanged).
    public mutating func addPersistent(_ path: [UInt8], _ watcher: ConnectionID, recursive: Bool) {
        if recursive {
            dataWatches.add(path, watcher, .persistentRecursive)
        } else {
            childWatches.add(path, watcher, .persistent)
            dataWatches.add(path, watcher, .persistent)
        }
    }

    /// Forgets every watch of a closed connection.
    public mutating func removeAll(_ watcher: ConnectionID) {
        dataWatches.removeAll(watcher)
        childWatches.removeAll(watcher)
    }

    /// checkWatches: does `watcher` hold a watch of `type` on `path`?
    public func contains(_ path: [UInt8], _ type: WatcherType, _ watcher: ConnectionID) -> Bool {
        switch type {
        case .children: return childWatches.modes(path, watcher).contains(.standard)
        case .data: return dataWatches.modes(path, watcher).contains(.standard)
        case .persistent: return dataWatches.modes(path, watcher).contains(.persistent)
        case .persistentRecursive: return dataWatches.modes(path, watcher).contains(.persistentRecursive)
        case .any: return !childWatches.modes(path, watcher).isEmpty || !dataWatches.modes(path, watcher).isEmpty
        case .unrecognized: return false
        }
    }

    /// removeWatches: true when a watch was removed.
    public mutating func remove(_ path: [UInt8], _ type: WatcherType, _ watcher: ConnectionID) -> Bool {
        switch type {
        case .children: return childWatches.remove(path, watcher, .standard)
        case .data: return dataWatches.remove(path, watcher, .standard)
        case .persistent:
            let child = childWatches.remove(path, watcher, .persistent)
            let data = dataWatches.remove(path, watcher, .persistent)
            return child || data
        case .persistentRecursive: return dataWatches.remove(path, watcher, .persistentRecursive)
        case .any:
            let child = childWatches.remove(path, watcher, nil)
            let data = dataWatches.remove(path, watcher, nil)
            return child || data
        case .unrecognized: return false
        }
    }

    /// The deliveries for one tree change. A connection hears of a change once,
    /// even when it watches it through both tables.
    public mutating func trigger(_ trigger: WatchTrigger) -> [WatchDelivery] {
        var watchers = Set<ConnectionID>()
        var ordered: [ConnectionID] = []
        if trigger.data {
            for watcher in dataWatches.trigger(trigger.path).sorted() where watchers.insert(watcher).inserted {
                ordered.append(watcher)
            }
        }
        if trigger.child {
            for watcher in childWatches.trigger(trigger.path).sorted() where watchers.insert(watcher).inserted {
                ordered.append(watcher)
            }
        }
        let event = WatcherEvent(type: trigger.type, state: .syncConnected, path: JuteBytes(trigger.path))
        return ordered.map { WatchDelivery(connection: $0, event: event, zxid: Zxid(raw: trigger.zxid), acl: trigger.acl) }
    }

    /// The paths a connection watches, in either table.
    public func watchPaths(of watcher: ConnectionID) -> Set<[UInt8]> {
        (dataWatches.byWatcher[watcher] ?? []).union(childWatches.byWatcher[watcher] ?? [])
    }

    /// Every watching connection with its watched paths.
    public func watchersWithPaths() -> [ConnectionID: Set<[UInt8]>] {
        var result = dataWatches.byWatcher
        for (watcher, paths) in childWatches.byWatcher { result[watcher, default: []].formUnion(paths) }
        return result
    }

    /// Number of watches (path, connection pairs) over both tables.
    public var watchCount: Int { dataWatches.count + childWatches.count }

    /// The watches `watcher` holds, counted as `watchCount` counts them: one
    /// per path in each table.
    public func watchCount(of watcher: ConnectionID) -> Int {
        (dataWatches.byWatcher[watcher]?.count ?? 0) + (childWatches.byWatcher[watcher]?.count ?? 0)
    }

    /// How many watches `watcher` would gain by watching `path` in the data
    /// table, the child table or both: the tables where it has none there yet.
    func addedCount(_ path: [UInt8], _ watcher: ConnectionID, data: Bool, child: Bool) -> Int {
        (data && dataWatches.modes(path, watcher).isEmpty ? 1 : 0)
            + (child && childWatches.modes(path, watcher).isEmpty ? 1 : 0)
    }
}
