import ZKDataTree
import ZKProtocol

/// What every server of an ensemble holds alike, changed only by applying
/// committed transactions in zxid order: Apache's ZKDatabase together with
/// the apply step of its FinalRequestProcessor.
///
/// It knows nothing of connections, of liveness or of zxids still in flight;
/// the same sequence of transactions gives the same state on every server.
public struct CommittedState: Sendable {
    /// The znodes, as of `lastProcessedZxid`.
    public private(set) var tree: DataTree
    /// The replicated session table, session id → negotiated timeout in
    /// milliseconds: changed only by applying createSession and closeSession
    /// (Apache's sessionsWithTimeouts). What a snapshot records.
    public private(set) var sessionTimeouts: [SessionID: Int32]

    /// A fresh database, or one recovered from disk.
    public init(tree: DataTree, sessionTimeouts: [SessionID: Int32] = [:]) {
        self.tree = tree
        self.sessionTimeouts = sessionTimeouts
    }

    /// The zxid of the last transaction applied.
    public var lastProcessedZxid: Zxid { Zxid(raw: tree.lastProcessedZxid) }

    /// Applies one committed transaction: the result its writer is answered
    /// with, and the watch events it fires, in the order they fire.
    public mutating func apply(_ header: TxnHeader, _ body: TxnBody) -> (result: TxnResult, triggers: [WatchTrigger]) {
        var triggers: [WatchTrigger] = []
        let result = tree.apply(header, body, triggers: &triggers)
        switch body {
        case .createSession(let txn):
            sessionTimeouts[SessionID(raw: header.clientId)] = txn.timeOut
        case .closeSession:
            sessionTimeouts[SessionID(raw: header.clientId)] = nil
        default:
            break
        }
        return (result, triggers)
    }
}
