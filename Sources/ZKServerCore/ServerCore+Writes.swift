import ZKDataTree
import ZKProtocol

// The write pipeline: prepare → log → (durable) → apply → reply.
extension ServerCore {
    /// Hands a proposal to the log; it waits in `inFlight` until durable.
    mutating func log(_ proposal: Proposal, actions: inout some CoreActionSink) {
        inFlight.append(proposal)
        actions.append(.log(proposal.header, proposal.body))
    }

    /// A durable transaction: apply it, then answer whoever waits for it.
    mutating func complete(_ txn: Proposal, now: Now, actions: inout some CoreActionSink) {
        let result = applyTxn(txn.header, txn.body, actions: &actions)
        proposer.applied(upTo: Zxid(raw: txn.header.zxid))
        switch txn.origin {
        case .request(let id, let xid, let opCode):
            frontEnd.writeReply(id, xid: xid, opCode, result, actions: &actions)
            frontEnd.finishHead(id, tree: tree, actions: &actions)
        case .connect(let id):
            if let sessionID = connections[id]?.sessionID, let session = sessions[sessionID] {
                frontEnd.send(id, .connectResponse(ConnectResponse(
                    timeOut: session.timeoutMillis, sessionId: session.id.raw, passwd: JuteBytes(session.password),
                    readOnly: false)), actions: &actions)
            }
            frontEnd.finishHead(id, tree: tree, actions: &actions)
        case .closeSession(let id, let xid):
            sessions.remove(SessionID(raw: txn.header.clientId))
            frontEnd.reply(id, xid: xid, err: .ok, actions: &actions)
            actions.append(.close(id, reason: "client closed its session"))
            connections[id]?.sessionID = nil
            connections[id]?.queue.removeAll()
        case .expiry(let sessionID):
            let connection = sessions[sessionID]?.connection
            sessions.remove(sessionID)
            if let connection {
                connections[connection]?.sessionID = nil
                connections[connection]?.queue.removeAll()
                actions.append(.close(connection, reason: "session \(sessionID) expired"))
            }
        case .internal:
            break
        }
    }

    /// A transaction the log could not take: its writer gets an error, and
    /// nothing of it is applied.
    mutating func failed(_ txn: Proposal, actions: inout some CoreActionSink) {
        switch txn.origin {
        case .request(let id, let xid, _):
            frontEnd.reply(id, xid: xid, err: .systemError, actions: &actions)
            frontEnd.finishHead(id, tree: tree, actions: &actions)
        case .connect(let id):
            // The session never became durable: forget it.
            actions.append(.close(id, reason: "the transaction log is unavailable"))
            connections[id]?.queue.removeAll()
            sessions.remove(SessionID(raw: txn.header.clientId))
        case .closeSession(let id, _):
            // The close did not happen: the session lives on without its
            // connection and expires like any other (found by the
            // simulator: it stayed closing for good, with its ephemerals).
            actions.append(.close(id, reason: "the transaction log is unavailable"))
            connections[id]?.queue.removeAll()
            sessions[SessionID(raw: txn.header.clientId)]?.closing = false
        case .expiry(let sessionID):
            // Try again at the next tick.
            sessions[sessionID]?.closing = false
        case .internal:
            break
        }
    }

    /// Applies a durable transaction and delivers the watch events it fired,
    /// before any reply that shows the change.
    mutating func applyTxn(_ header: TxnHeader, _ body: TxnBody, actions: inout some CoreActionSink) -> TxnResult {
        let (result, triggers) = committed.apply(header, body)
        frontEnd.lastProcessedZxid = committed.lastProcessedZxid
        for trigger in triggers {
            if trigger.child { frontEnd.childListings.invalidate(trigger.path) }
            for delivery in frontEnd.watches.trigger(trigger) {
                frontEnd.deliver(delivery, actions: &actions)
            }
        }
        return result
    }

}
