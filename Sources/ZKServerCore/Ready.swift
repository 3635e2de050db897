import ZKProtocol

/// What one or more steps of the core produced, grouped as etcd raft's
/// `Ready` groups it: what to log, what to send, what is committed.
///
/// The shell's contract:
/// - `toSend` may be carried out at once, in its order. Nothing in it waits
///   for `toLog`: the reply to a write is only produced by the step that
///   applies it (`.durable(upTo:)`), so it is never in the same Ready as
///   the transaction it answers.
/// - `toLog` must be made durable, in its order, and then reported back
///   with `.durable(upTo:)` (or `.logFailed(after:reason:)`).
/// - `committed` needs no action: the core has already applied it.
/// - `warnings` go to the server log.
///
/// Ordering guarantees:
/// - `toLog` is in ascending zxid order, and each step's zxids follow the
///   previous step's.
/// - `toSend` is in the order the messages must reach their connections:
///   per connection, replies follow request order; a watch event comes
///   before any reply that shows its change; a close comes after
///   everything sent to that connection before it, which is flushed first.
public struct Ready: Sendable {
    /// Transactions to make durable, in zxid order.
    public var toLog: [(header: TxnHeader, body: TxnBody)] = []
    /// Messages and closes for connections, in the order they must happen.
    public var toSend: [ConnectionAction] = []
    /// The highest zxid applied (in the tree, watches fired) by these
    /// steps, or nil when none applied anything.
    public var committed: Zxid?
    /// Lines for the server log (limits hit, quotas passed, admin actions).
    public var warnings: [String] = []

    public init() {}

    /// True when there is nothing to log, send, warn of or report committed.
    public var isEmpty: Bool {
        toLog.isEmpty && toSend.isEmpty && committed == nil && warnings.isEmpty
    }

    /// Empties every part; with `keepingCapacity`, the arrays keep their
    /// storage, so a shell that keeps one Ready does not allocate per step.
    public mutating func removeAll(keepingCapacity: Bool = false) {
        toLog.removeAll(keepingCapacity: keepingCapacity)
        toSend.removeAll(keepingCapacity: keepingCapacity)
        committed = nil
        warnings.removeAll(keepingCapacity: keepingCapacity)
    }
}

/// Something to do to one connection.
public enum ConnectionAction: Sendable, Equatable {
    /// Write this message to the connection.
    case send(ConnectionID, Outbound)
    /// Close the connection once what was sent to it before is flushed.
    case close(ConnectionID, reason: String)

    /// The connection it is for.
    public var connection: ConnectionID {
        switch self {
        case .send(let id, _), .close(let id, _): id
        }
    }
}

extension Ready: CoreActionSink {
    mutating func append(_ action: CoreAction) {
        switch action {
        case .send(let id, let outbound): toSend.append(.send(id, outbound))
        case .close(let id, let reason): toSend.append(.close(id, reason: reason))
        case .log(let header, let body): toLog.append((header, body))
        case .warn(let message): warnings.append(message)
        }
    }

    /// Notes that `zxid` was applied.
    mutating func noteCommitted(_ zxid: Zxid) {
        if let committed, committed >= zxid { return }
        committed = zxid
    }
}
