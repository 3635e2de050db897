import ZKProtocol

/// The error every ZKClient operation throws: a ZooKeeper error code, with
/// the operation and the path it concerned.
///
/// `code` uses Apache's numbering (`ZKError`), for server errors and for
/// the client-side ones alike: a lost connection is `.connectionLoss`, a
/// call on an expired or closed session is `.sessionExpired`, an invalid
/// path is `.badArguments`, a reply that did not arrive in time is
/// `.operationTimeout`.
public struct ZooKeeperError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The ZooKeeper error code.
    public var code: ZKError
    /// The operation that failed, in ZooKeeper's own words ("getData", "create", ...).
    public var operation: String
    /// The path the operation was about, as the caller gave it (without chroot).
    public var path: String?
    /// What the client adds to the code, when it knows more ("session closed by this client").
    public var detail: String?
    /// For a failed multi: the result of every operation, the failed one and
    /// the rolled-back ones included.
    public var multiResults: [MultiResult]?

    /// Creates an error.
    public init(_ code: ZKError, operation: String, path: String? = nil, detail: String? = nil, multiResults: [MultiResult]? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
        self.detail = detail
        self.multiResults = multiResults
    }

    /// Apache's wording ("KeeperErrorCode = NoNode for /a"), then the operation
    /// and any detail, so log lines read as Apache clients' do.
    public var description: String {
        var text = "KeeperErrorCode = \(code.keeperName)"
        if let path { text += " for \(path)" }
        text += " (\(operation)"
        if let detail { text += ": \(detail)" }
        return text + ")"
    }
}

extension ZKError {
    /// The name Apache's KeeperException uses for this code in its messages
    /// ("NoNode", "Directory not empty", ...).
    public var keeperName: String {
        switch self {
        case .ok: return "ok"
        case .systemError: return "SystemError"
        case .runtimeInconsistency: return "RuntimeInconsistency"
        case .dataInconsistency: return "DataInconsistency"
        case .connectionLoss: return "ConnectionLoss"
        case .marshallingError: return "MarshallingError"
        case .unimplemented: return "Unimplemented"
        case .operationTimeout: return "OperationTimeout"
        case .badArguments: return "BadArguments"
        case .unknownSession: return "Unknown session"
        case .newConfigNoQuorum: return "NewConfigNoQuorum"
        case .reconfigInProgress: return "ReconfigInProgress"
        case .apiError: return "APIError"
        case .noNode: return "NoNode"
        case .noAuth: return "NoAuth"
        case .badVersion: return "BadVersion"
        case .noChildrenForEphemerals: return "NoChildrenForEphemerals"
        case .nodeExists: return "NodeExists"
        case .notEmpty: return "Directory not empty"
        case .sessionExpired: return "Session expired"
        case .invalidCallback: return "Invalid callback"
        case .invalidACL: return "InvalidACL"
        case .authFailed: return "AuthFailed"
        case .sessionMoved: return "Session moved"
        case .notReadOnly: return "Not a read-only call"
        case .ephemeralOnLocalSession: return "Ephemeral node on local session"
        case .noWatcher: return "No such watcher"
        case .requestTimeout: return "Request timeout"
        case .reconfigDisabled: return "Reconfig is disabled"
        case .sessionClosedRequireSASLAuth: return "Session closed because client failed to authenticate"
        case .quotaExceeded: return "Quota has exceeded"
        case .throttledOp: return "Op throttled due to high load"
        case .unrecognized(let code): return "Unknown error \(code)"
        }
    }
}
