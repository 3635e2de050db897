import ZKDataTree
import ZKProtocol

/// A transaction ready for the log: its header, its body, and who waits
/// for it once it applies.
struct Proposal: Sendable {
    var header: TxnHeader
    var body: TxnBody
    var origin: TxnOrigin
}

/// The part of the server that decides what happens next, run only on a
/// leader or a standalone server: Apache's PrepRequestProcessor with zxid
/// assignment, its SessionTracker's expiry and its ContainerManager.
///
/// It validates writes against the committed state plus the changes of
/// proposals not yet applied, hands out zxids, expires silent sessions and
/// reaps containers and TTL nodes. What it produces are proposals; it
/// never applies them.
public struct Proposer: Sendable {
    let config: CoreConfig
    let access: AccessControl
    /// The last zxid handed out.
    public internal(set) var lastZxid: Zxid
    /// The live sessions: liveness, passwords, connections, expiry.
    public internal(set) var sessions: SessionTracker
    var pending = PendingChanges()
    var reaper: ContainerReaper

    init(config: CoreConfig, access: AccessControl, lastZxid: Zxid, sessions: SessionTracker, now: Now) {
        self.config = config
        self.access = access
        self.lastZxid = lastZxid
        self.sessions = sessions
        reaper = ContainerReaper(lastCheckNanos: now.monotonicNanos)
    }

    mutating func nextHeader(session: SessionID, cxid: Int32, type: OpCode, now: Now) -> TxnHeader {
        lastZxid = lastZxid.next
        return TxnHeader(clientId: session.raw, cxid: cxid, zxid: lastZxid.raw, time: now.wallMillis, type: type)
    }

    func makePreparer(_ requester: Requester, header: TxnHeader, tree: DataTree) -> Preparer {
        Preparer(tree: tree, access: access, requester: requester, zxid: Zxid(raw: header.zxid), time: header.time,
                 extendedTypesEnabled: config.extendedTypesEnabled, enforceQuota: config.enforceQuota,
                 ephemeralsPerSession: config.limits.ephemeralsPerSession)
    }

    /// A client's write, prepared as Apache's PrepRequestProcessor does: a
    /// failed check still becomes a proposal, an ErrorTxn with its own zxid.
    /// Warnings (quotas, limits) go to `warnings`.
    mutating func propose(_ request: ZKRequest, cxid: Int32, _ requester: Requester, origin: TxnOrigin,
                          committed: CommittedState, now: Now, warnings: inout some CoreActionSink) -> Proposal {
        let sessionID = requester.sessionID
        var header = nextHeader(session: sessionID, cxid: cxid, type: request.opCode, now: now)
        if case .closeSession = request {
            return closeSession(sessionID, header: header, origin: origin, committed: committed)
        }
        // As PrepRequestProcessor's checkSession: once a session's close is
        // proposed (expiry, or its own closeSession), a write still in its
        // pipeline fails with SESSIONEXPIRED instead of changing the tree
        // after the session's end (found by the simulator, seeds 1-11).
        if sessions[sessionID]?.closing == true {
            header.type = .error
            return Proposal(header: header, body: .error(ErrorTxn(err: .sessionExpired)), origin: origin)
        }
        let preparer = makePreparer(requester, header: header, tree: committed.tree)
        let body: TxnBody
        do {
            body = try prepare(request, preparer, actions: &warnings)
        } catch {
            header.type = .error
            body = .error(ErrorTxn(err: error))
            if error == .quotaExceeded,
               let warning = ephemeralLimitWarning(request, sessionID: sessionID, pending, committed.tree) {
                warnings.append(warning)
            }
        }
        if config.enforceQuota { warnQuota(request, committed.tree, actions: &warnings) }
        return Proposal(header: header, body: body, origin: origin)
    }

    /// A new session: it is live from now, and its createSession proposal
    /// makes it part of the committed state.
    mutating func createSession(timeoutMillis: Int32, connection: ConnectionID, now: Now) -> (Session, Proposal) {
        let session = sessions.create(timeoutMillis: timeoutMillis, secret: config.sessionSecret, connection: connection, now: now)
        let header = nextHeader(session: session.id, cxid: 0, type: .createSession, now: now)
        return (session, Proposal(header: header, body: .createSession(CreateSessionTxn(timeOut: timeoutMillis)),
                                  origin: .connect(connection)))
    }

    /// The end of a session, asked for or expired: nothing revives it, and
    /// its ephemerals (those still pending included) go when it applies.
    mutating func closeSession(_ sessionID: SessionID, origin: TxnOrigin, committed: CommittedState, now: Now) -> Proposal {
        let header = nextHeader(session: sessionID, cxid: 0, type: .closeSession, now: now)
        return closeSession(sessionID, header: header, origin: origin, committed: committed)
    }

    private mutating func closeSession(_ sessionID: SessionID, header: TxnHeader, origin: TxnOrigin,
                                       committed: CommittedState) -> Proposal {
        sessions[sessionID]?.closing = true
        let paths = pending.ephemerals(of: sessionID, in: committed.tree)
        for path in paths { pending.set(path, nil, zxid: Zxid(raw: header.zxid)) }
        return Proposal(header: header, body: .closeSession(CloseSessionTxn(paths2Delete: paths.map { JuteBytes($0) })),
                        origin: origin)
    }

    /// Expires the sessions silent past their timeout, then reaps empty
    /// containers and expired TTL nodes when a check is due.
    mutating func tick(committed: CommittedState, now: Now) -> [Proposal] {
        var proposals: [Proposal] = []
        for sessionID in sessions.expire(at: now) {
            proposals.append(closeSession(sessionID, origin: .expiry(sessionID), committed: committed, now: now))
        }
        for path in reaper.due(tree: committed.tree, config: config, now: now) {
            let requester = Requester(sessionID: 0, authIds: [], clientAddress: [])
            var header = nextHeader(session: 0, cxid: 0, type: .deleteContainer, now: now)
            let body: TxnBody
            do {
                body = try makePreparer(requester, header: header, tree: committed.tree)
                    .deleteContainer(path: JuteBytes(path), pending: &pending)
            } catch {
                header.type = .error
                body = .error(ErrorTxn(err: error))
            }
            proposals.append(Proposal(header: header, body: body, origin: .internal))
        }
        return proposals
    }

    /// Transactions up to `zxid` are in the committed state: their pending
    /// changes are no longer needed.
    mutating func applied(upTo zxid: Zxid) {
        pending.dropApplied(upTo: zxid)
    }

    /// The log failed: the proposals not yet applied are void. Their zxids
    /// are not handed out again (a zxid names one transaction, ever): the
    /// log has a gap where they were.
    mutating func discardUnapplied() {
        pending = PendingChanges()
    }

    // MARK: Preparing writes

    /// The warning for a create refused because its session owns
    /// `limits.ephemeralsPerSession` ephemerals already; nil for any other
    /// quotaExceeded.
    private func ephemeralLimitWarning(_ request: ZKRequest, sessionID: SessionID, _ pending: PendingChanges,
                                       _ tree: DataTree) -> CoreAction? {
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
        return .warn("session \(sessionID) owns \(owned) ephemeral znodes, at its limit swiftzk.maxEphemeralsPerSession=\(limit): refused create of \(r.path.string ?? "null") with QUOTAEXCEEDED")
    }

    private mutating func prepare(_ request: ZKRequest, _ p: Preparer, actions: inout some CoreActionSink) throws(ZKError) -> TxnBody {
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
    private mutating func prepareMulti(_ multi: MultiRequest, _ p: Preparer, sessionID: SessionID,
                                       actions: inout some CoreActionSink) -> TxnBody {
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
                   let warning = ephemeralLimitWarning(.create(r), sessionID: sessionID, local, p.tree) {
                    actions.append(warning)
                }
                txns.append(Txn(type: .error, data: JuteBytes(TxnBody.error(ErrorTxn(err: error)).encodedBytes)))
            }
        }
        if !failed { pending = local }
        return .multi(MultiTxn(txns: txns))
    }

    /// Apache logs a quota passed (soft, or hard and refused) on every write.
    private func warnQuota(_ request: ZKRequest, _ tree: DataTree, actions: inout some CoreActionSink) {
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

}
