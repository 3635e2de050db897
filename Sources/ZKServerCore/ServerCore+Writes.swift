import ZKDataTree
import ZKProtocol

// The write pipeline: prepare → log → (durable) → apply → reply.
extension ServerCore {
    /// Hands a transaction to the log.
    mutating func log(_ header: TxnHeader, _ body: TxnBody, origin: TxnOrigin, actions: inout [CoreAction]) {
        inFlight.append(InFlight(header: header, body: body, origin: origin))
        actions.append(.log(header, body))
    }

    /// Hands a proposal to the log.
    mutating func log(_ proposal: Proposal, actions: inout [CoreAction]) {
        log(proposal.header, proposal.body, origin: proposal.origin, actions: &actions)
    }

    /// Has the proposer prepare a write and logs it; a failed check still
    /// becomes a logged ErrorTxn with its own zxid. Returns the zxid the
    /// reply waits for.
    mutating func prepareAndLog(_ id: ConnectionID, xid: Int32, _ request: ZKRequest, sessionID: Int64, now: Now,
                                actions: inout [CoreAction]) -> Int64 {
        guard let index = connections.index(forKey: id) else { return lastZxid }
        let requester = connections.withValue(at: index) { $0.requester(sessionID) }
        let origin: TxnOrigin
        if case .closeSession = request {
            origin = .closeSession(id, xid: xid)
        } else {
            origin = .request(id, xid: xid, opCode: request.opCode)
        }
        let proposal = proposer.propose(request, cxid: xid, requester, origin: origin, committed: committed, now: now,
                                        warnings: &actions)
        log(proposal, actions: &actions)
        return proposal.header.zxid
    }

    /// A durable transaction: apply it, then answer whoever waits for it.
    mutating func complete(_ txn: InFlight, now: Now, actions: inout [CoreAction]) {
        let result = applyTxn(txn.header, txn.body, actions: &actions)
        proposer.applied(upTo: txn.header.zxid)
        switch txn.origin {
        case .request(let id, let xid, let opCode):
            writeReply(id, xid: xid, opCode, result, actions: &actions)
            finishHead(id, actions: &actions)
        case .connect(let id):
            if let sessionID = connections[id]?.sessionID, let session = sessions[sessionID] {
                send(id, .connectResponse(ConnectResponse(
                    timeOut: session.timeoutMillis, sessionId: session.id, passwd: JuteBytes(session.password),
                    readOnly: false)), actions: &actions)
            }
            finishHead(id, actions: &actions)
        case .closeSession(let id, let xid):
            if let sessionID = txn.header.clientId as Int64? { sessions.remove(sessionID) }
            reply(id, xid: xid, err: .ok, actions: &actions)
            actions.append(.close(id, reason: "client closed its session"))
            connections[id]?.sessionID = nil
            connections[id]?.queue.removeAll()
        case .expiry(let sessionID):
            let connection = sessions[sessionID]?.connection
            sessions.remove(sessionID)
            if let connection {
                connections[connection]?.sessionID = nil
                connections[connection]?.queue.removeAll()
                actions.append(.close(connection, reason: "session \(hex(sessionID)) expired"))
            }
        case .internal:
            break
        }
    }

    /// A transaction the log could not take: its writer gets an error, and
    /// nothing of it is applied.
    mutating func failed(_ txn: InFlight, actions: inout [CoreAction]) {
        switch txn.origin {
        case .request(let id, let xid, _):
            reply(id, xid: xid, err: .systemError, actions: &actions)
            finishHead(id, actions: &actions)
        case .connect(let id), .closeSession(let id, _):
            actions.append(.close(id, reason: "the transaction log is unavailable"))
            connections[id]?.queue.removeAll()
        case .expiry(let sessionID):
            // Try again at the next tick.
            sessions[sessionID]?.closing = false
        case .internal:
            break
        }
    }

    /// The head of a connection's queue (a write) is answered: run what
    /// waited behind it, up to the next unapplied write.
    mutating func finishHead(_ id: ConnectionID, actions: inout [CoreAction]) {
        guard var index = connections.index(forKey: id) else { return }
        connections.withValue(at: index) { connection in
            if case .write = connection.queue.first { connection.queue.removeFirst() }
        }
        while let next = connections.withValue(at: index, { $0.queue.first }) {
            if case .write = next { break }
            connections.values[index].queue.removeFirst()
            runQueued(id, next, actions: &actions)
            // runQueued may have changed the connections (a close, say).
            guard let again = connections.index(forKey: id) else { return }
            index = again
        }
    }

    /// The reply to an applied write.
    mutating func writeReply(_ id: ConnectionID, xid: Int32, _ opCode: OpCode, _ result: TxnResult, actions: inout [CoreAction]) {
        if opCode == .multi {
            let results: [MultiResult] = (result.multi ?? []).map { sub in
                switch sub.type {
                case .create: return .create(CreateResponse(path: JuteBytes(sub.path)))
                case .create2, .createTTL, .createContainer:
                    return .create2(Create2Response(path: JuteBytes(sub.path), stat: sub.stat ?? Stat.zero))
                case .delete, .deleteContainer: return .delete
                case .setData: return .setData(SetDataResponse(stat: sub.stat ?? Stat.zero))
                case .check: return .check
                default: return .error(sub.err)
                }
            }
            // A multi that failed is still answered ok, with per-op errors.
            if result.multi == nil {
                reply(id, xid: xid, err: result.err, actions: &actions)
            } else {
                reply(id, xid: xid, err: .ok, .multi(MultiResponse(results: results)), actions: &actions)
            }
            return
        }
        guard result.err == .ok else {
            reply(id, xid: xid, err: result.err, actions: &actions)
            return
        }
        let path = JuteBytes(result.path)
        let response: ZKResponse
        switch opCode {
        case .create: response = .create(CreateResponse(path: path))
        case .create2, .createTTL, .createContainer:
            response = .create2(Create2Response(path: path, stat: result.stat ?? Stat.zero))
        case .setData, .check: response = .setData(SetDataResponse(stat: result.stat ?? Stat.zero))
        case .setACL: response = .setACL(SetACLResponse(stat: result.stat ?? Stat.zero))
        default: response = .empty
        }
        reply(id, xid: xid, err: .ok, response, actions: &actions)
    }

    /// Applies a durable transaction and delivers the watch events it fired,
    /// before any reply that shows the change.
    mutating func applyTxn(_ header: TxnHeader, _ body: TxnBody, actions: inout [CoreAction]) -> TxnResult {
        let (result, triggers) = committed.apply(header, body)
        for trigger in triggers {
            for delivery in watches.trigger(trigger) {
                deliver(delivery, actions: &actions)
            }
        }
        return result
    }

    mutating func deliver(_ delivery: WatchDelivery, actions: inout [CoreAction]) {
        guard let index = connections.index(forKey: delivery.connection),
              let sessionID = connections.withValue(at: index, { $0.sessionID }) else { return }
        if let acl = delivery.acl {
            let requester = connections.withValue(at: index) { $0.requester(sessionID) }
            guard (try? access.check(acl, .read, requester)) != nil else { return }
        }
        send(delivery.connection, .notification(
            ReplyHeader(xid: SpecialXid.notification, zxid: delivery.zxid, err: .ok), delivery.event), actions: &actions)
    }
}
