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

    /// Requests awaiting a reply, by open connection.
    private(set) var outstanding: [ConnectionID: Int] = [:]
    /// Requests given to the core and awaiting a reply, by open connection.
    private var inCore: [ConnectionID: Int] = [:]
    /// Requests given to the core and awaiting a reply, on all connections.
    private(set) var total = 0
    /// Transactions handed to the log thread and not yet durable.
    private(set) var logDepth = 0
    /// Connections told to stop reading.
    private(set) var paused: Set<ConnectionID> = []
    /// Connections over their own bound (until they fall to half of it).
    private var overOwnLimit: Set<ConnectionID> = []
    private var overGlobalLimit = false
    private var overLogLimit = false

    init(_ limits: Limits) {
        perConnectionLimit = limits.outstandingRequestsPerConnection
        globalLimit = limits.globalOutstandingRequests
        logQueueLimit = limits.logQueueTransactions
    }

    /// Whether every connection is held back (total or log queue over its bound).
    var pausedGlobally: Bool { overGlobalLimit || overLogLimit }

    mutating func opened(_ id: ConnectionID) -> [Change] {
        outstanding[id] = 0
        inCore[id] = 0
        return settle(id)
    }

    mutating func closed(_ id: ConnectionID) -> [Change] {
        outstanding[id] = nil
        total -= inCore.removeValue(forKey: id) ?? 0
        overOwnLimit.remove(id)
        paused.remove(id)
        return settleGlobal()
    }

    /// `count` requests from `id` reached the state loop (held or not).
    mutating func received(_ id: ConnectionID, count: Int) -> [Change] {
        guard count > 0, let now = outstanding[id] else { return [] }
        outstanding[id] = now + count
        return settle(id)
    }

    /// `count` requests of `id` went to the core.
    mutating func admitted(_ id: ConnectionID, count: Int) -> [Change] {
        guard count > 0, let now = inCore[id] else { return [] }
        inCore[id] = now + count
        total += count
        return settle(id)
    }

    /// The core answered one request of `id`.
    mutating func answered(_ id: ConnectionID) -> [Change] {
        guard let now = outstanding[id], now > 0 else { return [] }
        outstanding[id] = now - 1
        if let core = inCore[id], core > 0 {
            inCore[id] = core - 1
            total -= 1
        }
        return settle(id)
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

    /// Re-evaluates `id`'s own bound and the global ones.
    private mutating func settle(_ id: ConnectionID) -> [Change] {
        if let count = outstanding[id] {
            if Self.crossed(overOwnLimit.contains(id), count, perConnectionLimit) {
                overOwnLimit.insert(id)
            } else {
                overOwnLimit.remove(id)
            }
        }
        let wasGlobal = pausedGlobally
        updateGlobal()
        if wasGlobal != pausedGlobally { return applyAll() }
        return apply(id).map { [$0] } ?? []
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
        outstanding.keys.sorted().compactMap { apply($0) }
    }

    private mutating func apply(_ id: ConnectionID) -> Change? {
        let shouldPause = pausedGlobally || overOwnLimit.contains(id)
        guard shouldPause != paused.contains(id) else { return nil }
        if shouldPause { paused.insert(id) } else { paused.remove(id) }
        return Change(id: id, paused: shouldPause)
    }
}
