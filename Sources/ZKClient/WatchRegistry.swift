import ZKProtocol

/// A watch event as the application sees it: the path is relative to the
/// chroot.
public struct WatchedEvent: Hashable, Sendable, CustomStringConvertible {
    /// What happened to the node (or `.none` for a change of session state).
    public var type: EventType
    /// The session's state when the event was sent.
    public var state: KeeperState
    /// The node's path, or nil for a state event.
    public var path: String?

    /// Creates an event.
    public init(type: EventType, state: KeeperState, path: String?) {
        self.type = type
        self.state = state
        self.path = path
    }

    /// As Apache's WatchedEvent prints itself.
    public var description: String {
        "WatchedEvent state:\(state.apacheName) type:\(type.apacheName) path:\(path ?? "null")"
    }
}

/// The kinds of watch a client keeps, as Apache's ZKWatchManager keeps them.
public enum WatchKind: Hashable, Sendable, CaseIterable {
    /// Set by getData, or by exists on a node that exists.
    case data
    /// Set by exists on a node that does not exist.
    case exist
    /// Set by getChildren.
    case child
    /// addWatch, mode persistent.
    case persistent
    /// addWatch, mode persistentRecursive.
    case persistentRecursive
}

/// A watch to record once its request succeeds.
struct WatchRegistration: Hashable, Sendable {
    /// `.data` for exists: it becomes `.exist` when the reply is NoNode.
    var kind: WatchKind
    /// The path as the server knows it (chroot included).
    var serverPath: String
    /// The watcher (one AsyncSequence) to deliver to.
    var id: UInt64
}

/// Which watcher gets which event, by Apache's client rules
/// (ZKWatchManager.materialize). Pure bookkeeping: no I/O.
struct WatchRegistry {
    private var table: [WatchKind: [String: [UInt64]]] = [:]

    var isEmpty: Bool { table.values.allSatisfy { $0.isEmpty } }

    /// Paths with at least one watch of `kind`, for SetWatches after a reconnect.
    func paths(_ kind: WatchKind) -> [String] {
        (table[kind] ?? [:]).keys.sorted()
    }

    /// Number of watchers registered, over all kinds.
    var count: Int { table.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }

    mutating func add(_ kind: WatchKind, path: String, id: UInt64) {
        var ids = table[kind, default: [:]][path, default: []]
        if !ids.contains(id) { ids.append(id) }
        table[kind, default: [:]][path] = ids
    }

    private mutating func take(_ kind: WatchKind, _ path: String) -> [UInt64] {
        table[kind]?.removeValue(forKey: path) ?? []
    }

    /// The watchers an event for `path` goes to. One-shot watchers are
    /// removed (`last` is true for them); persistent ones stay.
    mutating func materialize(_ type: EventType, path: String) -> [(id: UInt64, last: Bool)] {
        var oneShot: [UInt64] = []
        switch type {
        case .nodeDataChanged, .nodeCreated:
            oneShot = take(.data, path) + take(.exist, path)
        case .nodeChildrenChanged:
            oneShot = take(.child, path)
        case .nodeDeleted:
            oneShot = take(.data, path) + take(.exist, path) + take(.child, path)
        default:
            break
        }
        var out = oneShot.map { (id: $0, last: true) }
        var seen = Set(oneShot)
        for id in table[.persistent]?[path] ?? [] where seen.insert(id).inserted {
            out.append((id, false))
        }
        // Recursive watches see every event below them except child-list changes.
        if type != .nodeChildrenChanged, let recursive = table[.persistentRecursive], !recursive.isEmpty {
            var prefix = path
            while true {
                for id in recursive[prefix] ?? [] where seen.insert(id).inserted {
                    out.append((id, false))
                }
                if prefix == "/" { break }
                if let slash = prefix.lastIndex(of: "/") {
                    prefix = slash == prefix.startIndex ? "/" : String(prefix[..<slash])
                } else {
                    break
                }
            }
        }
        return out
    }

    /// Removes the watchers that a removeWatches of `type` on `path` removes,
    /// with the event type each is told.
    mutating func remove(path: String, type: WatcherType) -> [(id: UInt64, event: EventType)] {
        var kinds: [WatchKind]
        switch type {
        case .children: kinds = [.child]
        case .data: kinds = [.data, .exist]
        case .any: kinds = [.child, .data, .exist, .persistent, .persistentRecursive]
        case .persistent: kinds = [.persistent]
        case .persistentRecursive: kinds = [.persistentRecursive]
        case .unrecognized: kinds = []
        }
        var out: [(id: UInt64, event: EventType)] = []
        for kind in kinds {
            let event: EventType
            switch kind {
            case .child: event = .childWatchRemoved
            case .data, .exist: event = .dataWatchRemoved
            case .persistent, .persistentRecursive: event = .persistentWatchRemoved
            }
            out += take(kind, path).map { ($0, event) }
        }
        return out
    }

    /// Whether any watcher of `type` is registered on `path`.
    func has(path: String, type: WatcherType) -> Bool {
        let kinds: [WatchKind]
        switch type {
        case .children: kinds = [.child]
        case .data: kinds = [.data, .exist]
        case .any: kinds = WatchKind.allCases
        case .persistent: kinds = [.persistent]
        case .persistentRecursive: kinds = [.persistentRecursive]
        case .unrecognized: kinds = []
        }
        return kinds.contains { !(table[$0]?[path] ?? []).isEmpty }
    }

    /// Drops every watcher (the session ended), returning their ids.
    mutating func removeAll() -> [UInt64] {
        let ids = table.values.flatMap { $0.values.flatMap { $0 } }
        table = [:]
        var seen = Set<UInt64>()
        return ids.filter { seen.insert($0).inserted }
    }
}

extension EventType {
    /// The name Apache's Watcher.Event.EventType prints.
    public var apacheName: String {
        switch self {
        case .none: return "None"
        case .nodeCreated: return "NodeCreated"
        case .nodeDeleted: return "NodeDeleted"
        case .nodeDataChanged: return "NodeDataChanged"
        case .nodeChildrenChanged: return "NodeChildrenChanged"
        case .dataWatchRemoved: return "DataWatchRemoved"
        case .childWatchRemoved: return "ChildWatchRemoved"
        case .persistentWatchRemoved: return "PersistentWatchRemoved"
        case .unrecognized(let code): return "Unknown(\(code))"
        }
    }
}

extension KeeperState {
    /// The name Apache's Watcher.Event.KeeperState prints.
    public var apacheName: String {
        switch self {
        case .unknown: return "Unknown"
        case .disconnected: return "Disconnected"
        case .noSyncConnected: return "NoSyncConnected"
        case .syncConnected: return "SyncConnected"
        case .authFailed: return "AuthFailed"
        case .connectedReadOnly: return "ConnectedReadOnly"
        case .saslAuthenticated: return "SaslAuthenticated"
        case .expired: return "Expired"
        case .closed: return "Closed"
        case .unrecognized(let code): return "Unknown(\(code))"
        }
    }
}
