import ZKProtocol
import ZKServerCore

/// Which connections may be read from: Apache's RequestThrottler, plus a
/// per-connection bound and the log queue. Counts, per connection, the
/// requests handed to the state loop and not yet answered (a reply, not a
/// watch notification), held ones included; in total, the requests given
/// to the core and not yet answered (held ones excluded, so a client that
/// does not read its replies cannot stop the others); and the transactions
/// the log thread holds that are not durable yet.
///
/// Each bound stops reading at its limit and resumes at half of it, so a
/// connection near the limit does not flap. A limit of 0 turns its bound
/// off. Runs on the state loop; `StateLoop` tells each connection's
/// `RequestBatcher` the changes it returns.
struct RequestThrottle {
    /// A connection to stop (`true`) or resume (`false`) reading.
    struct Change: Equatable {
        var id: ConnectionID
        var paused: Bool
    }

    let perConnectionLimit: Int
    let globalLimit: Int
    let logQueueLimit: Int

    /// One open connection's counts. Kept in one table so that a request
    /// costs one hash lookup, not one per count (it is on every reply).
    private struct Entry {
        /// Requests awaiting a reply, held ones included.
        var outstanding = 0
        /// Requests given to the core and awaiting a reply.
        var inCore = 0
        /// Over its own bound (until it falls to half of it).
        var overOwnLimit = false
        /// Told to stop reading.
        var paused = false
    }

    private var entries: [ConnectionID: Entry] = [:]
    /// Requests given to the core and awaiting a reply, on all connections.
    private(set) var total = 0
    /// Transactions handed to the log thread and not yet durable.
    private(set) var logDepth = 0
    private var overGlobalLimit = false
    private var overLogLimit = false

    init(_ limits: Limits) {
        perConnectionLimit = limits.outstandingRequestsPerConnection
        globalLimit = limits.globalOutstandingRequests
        logQueueLimit = limits.logQueueTransactions
    }

    /// Requests awaiting a reply, by open connection.
    var outstanding: [ConnectionID: Int] { entries.mapValues(\.outstanding) }

    /// Connections told to stop reading.
    var paused: Set<ConnectionID> { Set(entries.lazy.filter(\.value.paused).map(\.key)) }

    /// Whether every connection is held back (total or log queue over its bound).
    var pausedGlobally: Bool { overGlobalLimit || overLogLimit }

    mutating func opened(_ id: ConnectionID) -> [Change] {
        entries[id] = Entry()
        return settle(id)
    }

    mutating func closed(_ id: ConnectionID) -> [Change] {
        total -= entries.removeValue(forKey: id)?.inCore ?? 0
        return settleGlobal()
    }

    /// `count` requests from `id` reached the state loop (held or not).
    mutating func received(_ id: ConnectionID, count: Int) -> [Change] {
        guard count > 0, let index = entries.index(forKey: id) else { return [] }
        entries.values[index].outstanding += count
        return settle(id, at: index)
    }

    /// `count` requests of `id` went to the core.
    mutating func admitted(_ id: ConnectionID, count: Int) -> [Change] {
        guard count > 0, let index = entries.index(forKey: id) else { return [] }
        entries.values[index].inCore += count
        total += count
        return settle(id, at: index)
    }

    /// The core answered `count` requests of `id`.
    mutating func answered(_ id: ConnectionID, count: Int = 1) -> [Change] {
        guard count > 0, let index = entries.index(forKey: id) else { return [] }
        let replies = min(count, entries.values[index].outstanding)
        entries.values[index].outstanding -= replies
        let fromCore = min(replies, entries.values[index].inCore)
        entries.values[index].inCore -= fromCore
        total -= fromCore
        return settle(id, at: index)
    }

    /// The log thread now holds `depth` transactions not yet durable.
    mutating func logQueue(depth: Int) -> [Change] {
        logDepth = max(0, depth)
        return settleGlobal()
    }

    private static func crossed(_ over: Bool, _ value: Int, _ limit: Int) -> Bool {
        guard limit > 0 else { return false }
        return over ? value > limit / 2 : value >= limit
    }

    private mutating func settle(_ id: ConnectionID) -> [Change] {
        guard let index = entries.index(forKey: id) else { return settleGlobal() }
        return settle(id, at: index)
    }

    /// Re-evaluates `id`'s own bound and the global ones.
    private mutating func settle(_ id: ConnectionID, at index: Dictionary<ConnectionID, Entry>.Index) -> [Change] {
        let entry = entries.values[index]
        entries.values[index].overOwnLimit = Self.crossed(entry.overOwnLimit, entry.outstanding, perConnectionLimit)
        let wasGlobal = pausedGlobally
        updateGlobal()
        if wasGlobal != pausedGlobally { return applyAll() }
        return apply(id, at: index).map { [$0] } ?? []
    }

    private mutating func settleGlobal() -> [Change] {
        let wasGlobal = pausedGlobally
        updateGlobal()
        return wasGlobal != pausedGlobally ? applyAll() : []
    }

    private mutating func updateGlobal() {
        overGlobalLimit = Self.crossed(overGlobalLimit, total, globalLimit)
        overLogLimit = Self.crossed(overLogLimit, logDepth, logQueueLimit)
    }

    private mutating func applyAll() -> [Change] {
        entries.keys.sorted().compactMap { id in entries.index(forKey: id).flatMap { apply(id, at: $0) } }
    }

    private mutating func apply(_ id: ConnectionID, at index: Dictionary<ConnectionID, Entry>.Index) -> Change? {
        let shouldPause = pausedGlobally || entries.values[index].overOwnLimit
        guard shouldPause != entries.values[index].paused else { return nil }
        entries.values[index].paused = shouldPause
        return Change(id: id, paused: shouldPause)
    }
}
