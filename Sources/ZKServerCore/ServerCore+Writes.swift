import ZKDataTree
import ZKProtocol

// The write pipeline: prepare → log → (durable) → apply → reply.
extension ServerCore {
    mutating func nextHeader(session: Int64, cxid: Int32, type: OpCode, now: Now) -> TxnHeader {
        lastZxid += 1
        return TxnHeader(clientId: session, cxid: cxid, zxid: lastZxid, time: now.wallMillis, type: type)
    }

    func makePreparer(_ requester: Requester, header: TxnHeader) -> Preparer {
        Preparer(tree: tree, access: access, requester: requester, zxid: header.zxid, time: header.time,
                 extendedTypesEnabled: config.extendedTypesEnabled, enforceQuota: config.enforceQuota,
                 ephemeralsPerSession: config.limits.ephemeralsPerSession)
    }

    /// Hands a transaction to the log.
    mutating func log(_ header: TxnHeader, _ body: TxnBody, origin: TxnOrigin, actions: inout [CoreAction]) {
        inFlight.append(InFlight(header: header, body: body, origin: origin))
        actions.append(.log(header, body))
    }

    /// Prepares a write as Apache's PrepRequestProcessor does and logs it;
    /// a failed check still becomes a logged ErrorTxn with its own zxid.
    /// Returns the zxid the reply waits for.
    mutating func prepareAndLog(_ id: ConnectionID, xid: Int32, _ request: ZKRequest, sessionID: Int64, now: Now,
                                actions: inout [CoreAction]) -> Int64 {
        guard let index = connections.index(forKey: id) else { return lastZxid }
        let requester = connections.withValue(at: index) { $0.requester(sessionID) }
        var header = nextHeader(session: sessionID, cxid: xid, type: request.opCode, now: now)
        if case .closeSession = request {
            logCloseSession(sessionID, header: header, origin: .closeSession(id, xid: xid), actions: &actions)
            return header.zxid
        }
        let preparer = makePreparer(requester, header: header)
        let body: TxnBody
        do {
            body = try prepare(request, preparer, actions: &actions)
        } catch {
            header.type = .error
            body = .error(ErrorTxn(err: error))
            if error == .quotaExceeded, let warning = ephemeralLimitWarning(request, sessionID: sessionID, pending) {
                actions.append(warning)
            }
        }
        if config.enforceQuota { warnQuota(request, actions: &actions) }
        log(header, body, origin: .request(id, xid: xid, opCode: request.opCode), actions: &actions)
        return header.zxid
    }

    /// The warning for a create refused because its session owns
    /// `limits.ephemeralsPerSession` ephemerals already; nil for any other
    /// quotaExceeded.
    private func ephemeralLimitWarning(_ request: ZKRequest, sessionID: Int64, _ pending: PendingChanges) -> CoreAction? {
        let limit = config.limits.ephemeralsPerSession
        guard limit > 0 else { return nil }
        let r: CreateRequest
        switch request {
        case .create(let c), .create2(let c), .createContainer(let c): r = c
        default: return nil
        }
        guard CreateMode(code: r.flags).isEphemeral else { return nil }
        let owned = pending.ephemerals(of: sessionID, in: tree).count
        guard owned >= limit else { return nil }
        return .warn("session \(hex(sessionID)) owns \(owned) ephemeral znodes, at its limit swiftzk.maxEphemeralsPerSession=\(limit): refused create of \(r.path.string ?? "null") with QUOTAEXCEEDED")
    }

    private mutating func prepare(_ request: ZKRequest, _ p: Preparer, actions: inout [CoreAction]) throws(ZKError) -> TxnBody {
        switch request {
        case .create(let r), .create2(let r), .createContainer(let r):
            return try p.create(request.opCode, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: -1, pending: &pending)
        case .createTTL(let r):
            return try p.create(.createTTL, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: r.ttl, pending: &pending)
        case .delete(let r):
            return try p.delete(path: r.path, version: r.version, pending: &pending)
        case .deleteContainer(let r):
            return try p.deleteContainer(path: r.path, pending: &pending)
        case .setData(let r):
            return try p.setData(path: r.path, data: r.data, version: r.version, pending: &pending)
        case .setACL(let r):
            return try p.setACL(path: r.path, acl: r.acl, version: r.version, pending: &pending)
        case .check(let r):
            return try p.check(path: r.path, version: r.version, pending: &pending)
        case .reconfig:
            throw config.reconfigEnabled ? .unimplemented : .reconfigDisabled
        case .multi(let multi):
            return prepareMulti(multi, p, sessionID: p.requester.sessionID, actions: &actions)
        default:
            throw .unimplemented
        }
    }

    /// Every op is prepared against the ones before it. On the first failure
    /// the rest become runtimeInconsistency and the multi's pending changes
    /// are rolled back; the whole MultiTxn is still logged, as in Apache.
    private mutating func prepareMulti(_ multi: MultiRequest, _ p: Preparer, sessionID: Int64,
                                       actions: inout [CoreAction]) -> TxnBody {
        var local = pending
        var failed = false
        var txns: [Txn] = []
        for op in multi.ops {
            if failed {
                txns.append(Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: .runtimeInconsistency)).encodedBytes)))
                continue
            }
            do throws(ZKError) {
                let body: TxnBody
                switch op {
                case .create(_, let r):
                    // As Apache's MultiOperationRecord: the flags choose the
                    // opcode, so a create2 inside a multi is a plain create
                    // (logged as one, answered with a CreateResponse).
                    let opCode: OpCode = CreateMode(code: r.flags) == .container ? .createContainer : .create
                    body = try p.create(opCode, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: -1, pending: &local)
                case .createTTL(let r):
                    body = try p.create(.createTTL, path: r.path, data: r.data, acl: r.acl, flags: r.flags, ttl: r.ttl, pending: &local)
                case .delete(.deleteContainer, let r):
                    body = try p.deleteContainer(path: r.path, pending: &local)
                case .delete(_, let r):
                    body = try p.delete(path: r.path, version: r.version, pending: &local)
                case .setData(let r):
                    body = try p.setData(path: r.path, data: r.data, version: r.version, pending: &local)
                case .check(let r):
                    body = try p.check(path: r.path, version: r.version, pending: &local)
                case .getChildren, .getData:
                    // Reads belong in multiRead.
                    throw .badArguments
                }
                txns.append(Txn(type: op.opCode, data: JuteBytes(body.encodedBytes)))
            } catch {
                failed = true
                if error == .quotaExceeded, case .create(_, let r) = op,
                   let warning = ephemeralLimitWarning(.create(r), sessionID: sessionID, local) {
                    actions.append(warning)
                }
                txns.append(Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: error)).encodedBytes)))
            }
        }
        if !failed { pending = local }
        return .multi(MultiTxn(txns: txns))
    }

    /// Apache logs a quota passed (soft, or hard and refused) on every write.
    private func warnQuota(_ request: ZKRequest, actions: inout [CoreAction]) {
        let check: QuotaCheck
        switch request {
        case .create(let r), .create2(let r), .createContainer(let r):
            check = QuotaCheck.evaluate(path: r.path.bytesOrEmpty, bytesDiff: Int64(r.data.count), countDiff: 1, tree: tree)
        case .createTTL(let r):
            check = QuotaCheck.evaluate(path: r.path.bytesOrEmpty, bytesDiff: Int64(r.data.count), countDiff: 1, tree: tree)
        case .setData(let r):
            let old = Int64(tree.node(r.path.bytesOrEmpty)?.data.count ?? 0)
            check = QuotaCheck.evaluate(path: r.path.bytesOrEmpty, bytesDiff: Int64(r.data.count) - old, countDiff: 0, tree: tree)
        default:
            return
        }
        switch check {
        case .withinLimits: break
        case .soft(let message), .hard(let message): actions.append(.warn(message))
        }
    }

    /// Logs the end of a session: its ephemerals (with those still pending)
    /// go when it applies.
    mutating func logCloseSession(_ sessionID: Int64, header: TxnHeader, origin: TxnOrigin, actions: inout [CoreAction]) {
        sessions[sessionID]?.closing = true
        let paths = pending.ephemerals(of: sessionID, in: tree)
        for path in paths { pending.set(path, nil, zxid: header.zxid) }
        log(header, .closeSession(CloseSessionTxn(paths2Delete: paths.map { JuteBytes($0) })), origin: origin, actions: &actions)
    }

    /// A durable transaction: apply it, then answer whoever waits for it.
    mutating func complete(_ txn: InFlight, now: Now, actions: inout [CoreAction]) {
        let result = applyTxn(txn.header, txn.body, actions: &actions)
        pending.dropApplied(upTo: txn.header.zxid)
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
        var triggers: [WatchTrigger] = []
        let result = tree.apply(header, body, triggers: &triggers)
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
