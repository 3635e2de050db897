import NIOCore
import ZKProtocol

/// A node's data and Stat.
public struct ZNodeData: Hashable, Sendable {
    /// The data, empty for null.
    public var data: [UInt8]
    /// The node's Stat.
    public var stat: Stat

    /// Creates the value.
    public init(data: [UInt8], stat: Stat) {
        self.data = data
        self.stat = stat
    }
}

/// The events of one watch, as an AsyncSequence.
///
/// A one-shot watch (from getData, exists or getChildren) yields one event
/// and ends; a persistent watch (addWatch) yields until it is removed or
/// the session ends. Every watch ends when its session expires or closes;
/// a lost connection does not end it, the watch is re-sent on reconnect.
public struct ZKWatch: AsyncSequence, Sendable {
    public typealias Element = WatchedEvent
    let stream: AsyncStream<WatchedEvent>

    public func makeAsyncIterator() -> AsyncStream<WatchedEvent>.Iterator {
        stream.makeAsyncIterator()
    }

    /// Waits for the next event; nil when the watch ended without one.
    public func next() async -> WatchedEvent? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }
}

/// One operation of a multi or multiRead, with the caller's paths.
public enum ZKOp: Hashable, Sendable {
    case create(String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe, mode: CreateMode = .persistent)
    case delete(String, version: Int32 = -1)
    case setData(String, data: [UInt8], version: Int32 = -1)
    case check(String, version: Int32)
    case getData(String)
    case getChildren(String)

    var path: String {
        switch self {
        case .create(let p, _, _, _), .delete(let p, _), .setData(let p, _, _), .check(let p, _),
             .getData(let p), .getChildren(let p):
            return p
        }
    }
}

extension ZooKeeperSession {
    // MARK: Plumbing

    func call(_ request: ZKRequest, _ operation: String, _ path: String?, watch: WatchRegistration? = nil) async throws(ZooKeeperError) -> ZKReply {
        do {
            return try await driver.submit(request, operation: operation, path: path, watch: watch).get()
        } catch let error as ZooKeeperError {
            throw error
        } catch {
            throw ZooKeeperError(.systemError, operation: operation, path: path, detail: "\(error)")
        }
    }

    func checked(_ path: String, _ operation: String, sequential: Bool = false) throws(ZooKeeperError) -> JuteBytes {
        try ZKPath.validate(path, sequential: sequential, operation: operation)
        return JuteBytes(driver.serverPath(path))
    }

    func unexpected(_ reply: ZKReply, _ operation: String, _ path: String?) -> ZooKeeperError {
        ZooKeeperError(.marshallingError, operation: operation, path: path, detail: "unexpected reply \(reply.response)")
    }

    /// Sends a request as it is (paths as the server sees them) and returns
    /// the reply's future, completed on the session's event loop. For tools
    /// that keep many requests in flight without a task each (the benchmark).
    public func send(_ request: ZKRequest, operation: String = "request") -> EventLoopFuture<ZKReply> {
        driver.submit(request, operation: operation, path: nil)
    }

    /// The event loop the session's connection and futures live on.
    public var eventLoop: any EventLoop { driver.loop }

    private func makeWatch(kind: WatchKind, serverPath: String) -> (ZKWatch, WatchRegistration) {
        let id = driver.newID()
        let (stream, continuation) = AsyncStream<WatchedEvent>.makeStream(bufferingPolicy: .unbounded)
        driver.addWatcher(id, continuation)
        return (ZKWatch(stream: stream), WatchRegistration(kind: kind, serverPath: serverPath, id: id))
    }

    // MARK: Create and delete

    /// Creates a node and returns its path (for a sequential node, with the
    /// counter appended). `ttl` (milliseconds) is required for the TTL modes.
    @discardableResult
    public func create(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe,
                       mode: CreateMode = .persistent, ttl: Int64? = nil) async throws(ZooKeeperError) -> String {
        try await createWithStat(path, data: data, acl: acl, mode: mode, ttl: ttl).path
    }

    /// Creates a node and returns its path and Stat.
    public func createWithStat(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe,
                               mode: CreateMode = .persistent, ttl: Int64? = nil) async throws(ZooKeeperError) -> (path: String, stat: Stat) {
        let sequential = mode == .persistentSequential || mode == .ephemeralSequential || mode == .persistentSequentialWithTTL
        let server = try checked(path, "create", sequential: sequential)
        let isTTL = mode == .persistentWithTTL || mode == .persistentSequentialWithTTL
        let request: ZKRequest
        if isTTL {
            guard let ttl, ttl > 0 else {
                throw ZooKeeperError(.badArguments, operation: "create", path: path, detail: "a TTL mode needs a ttl > 0 (milliseconds)")
            }
            request = .createTTL(CreateTTLRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code, ttl: ttl))
        } else if ttl != nil {
            throw ZooKeeperError(.badArguments, operation: "create", path: path, detail: "ttl is only for persistentWithTTL and persistentSequentialWithTTL")
        } else if mode == .container {
            request = .createContainer(CreateRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code))
        } else {
            request = .create2(CreateRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code))
        }
        let reply = try await call(request, "create", path)
        guard case .create2(let created) = reply.response else { throw unexpected(reply, "create", path) }
        return (driver.clientPath(created.path.string ?? path), created.stat)
    }

    /// Deletes a node; `version` -1 matches any.
    public func delete(_ path: String, version: Int32 = -1) async throws(ZooKeeperError) {
        let server = try checked(path, "delete")
        _ = try await call(.delete(DeleteRequest(path: server, version: version)), "delete", path)
    }

    // MARK: Reads

    /// The node's Stat, or nil when it does not exist.
    public func exists(_ path: String) async throws(ZooKeeperError) -> Stat? {
        let server = try checked(path, "exists")
        do throws(ZooKeeperError) {
            let reply = try await call(.exists(ExistsRequest(path: server, watch: false)), "exists", path)
            guard case .exists(let response) = reply.response else { throw unexpected(reply, "exists", path) }
            return response.stat
        } catch where error.code == .noNode {
            return nil
        }
    }

    /// exists, leaving a watch: it fires when the node is created, changed or deleted.
    public func existsAndWatch(_ path: String) async throws(ZooKeeperError) -> (stat: Stat?, watch: ZKWatch) {
        let server = try checked(path, "exists")
        let (watch, registration) = makeWatch(kind: .data, serverPath: server.string ?? path)
        do throws(ZooKeeperError) {
            let reply = try await call(.exists(ExistsRequest(path: server, watch: true)), "exists", path, watch: registration)
            guard case .exists(let response) = reply.response else { throw unexpected(reply, "exists", path) }
            return (response.stat, watch)
        } catch where error.code == .noNode {
            return (nil, watch)
        } catch {
            driver.dropWatcher(registration.id)
            throw error
        }
    }

    /// The node's data and Stat.
    public func getData(_ path: String) async throws(ZooKeeperError) -> ZNodeData {
        let server = try checked(path, "getData")
        let reply = try await call(.getData(GetDataRequest(path: server, watch: false)), "getData", path)
        guard case .getData(let response) = reply.response else { throw unexpected(reply, "getData", path) }
        return ZNodeData(data: response.data.bytesOrEmpty, stat: response.stat)
    }

    /// getData, leaving a watch: it fires when the data changes or the node is deleted.
    public func getDataAndWatch(_ path: String) async throws(ZooKeeperError) -> (node: ZNodeData, watch: ZKWatch) {
        let server = try checked(path, "getData")
        let (watch, registration) = makeWatch(kind: .data, serverPath: server.string ?? path)
        do throws(ZooKeeperError) {
            let reply = try await call(.getData(GetDataRequest(path: server, watch: true)), "getData", path, watch: registration)
            guard case .getData(let response) = reply.response else { throw unexpected(reply, "getData", path) }
            return (ZNodeData(data: response.data.bytesOrEmpty, stat: response.stat), watch)
        } catch {
            driver.dropWatcher(registration.id)
            throw error
        }
    }

    /// Sets the node's data; `version` -1 matches any. Returns the new Stat.
    @discardableResult
    public func setData(_ path: String, data: [UInt8], version: Int32 = -1) async throws(ZooKeeperError) -> Stat {
        let server = try checked(path, "setData")
        let reply = try await call(.setData(SetDataRequest(path: server, data: JuteBytes(data), version: version)), "setData", path)
        guard case .setData(let response) = reply.response else { throw unexpected(reply, "setData", path) }
        return response.stat
    }

    /// The names of the node's children (unsorted, as the server sends them).
    public func getChildren(_ path: String) async throws(ZooKeeperError) -> [String] {
        try await getChildrenWithStat(path).children
    }

    /// The children's names and the node's Stat.
    public func getChildrenWithStat(_ path: String) async throws(ZooKeeperError) -> (children: [String], stat: Stat) {
        let server = try checked(path, "getChildren")
        let reply = try await call(.getChildren2(GetChildren2Request(path: server, watch: false)), "getChildren", path)
        guard case .getChildren2(let response) = reply.response else { throw unexpected(reply, "getChildren", path) }
        return ((response.children ?? []).map { $0.string ?? "" }, response.stat)
    }

    /// getChildren, leaving a watch: it fires when a child is added or
    /// removed, or the node is deleted.
    public func getChildrenAndWatch(_ path: String) async throws(ZooKeeperError) -> (children: [String], stat: Stat, watch: ZKWatch) {
        let server = try checked(path, "getChildren")
        let (watch, registration) = makeWatch(kind: .child, serverPath: server.string ?? path)
        do throws(ZooKeeperError) {
            let reply = try await call(.getChildren2(GetChildren2Request(path: server, watch: true)), "getChildren", path, watch: registration)
            guard case .getChildren2(let response) = reply.response else { throw unexpected(reply, "getChildren", path) }
            return ((response.children ?? []).map { $0.string ?? "" }, response.stat, watch)
        } catch {
            driver.dropWatcher(registration.id)
            throw error
        }
    }

    /// The number of nodes below `path`, at any depth.
    public func getAllChildrenNumber(_ path: String) async throws(ZooKeeperError) -> Int {
        let server = try checked(path, "getAllChildrenNumber")
        let reply = try await call(.getAllChildrenNumber(GetAllChildrenNumberRequest(path: server)), "getAllChildrenNumber", path)
        guard case .getAllChildrenNumber(let response) = reply.response else { throw unexpected(reply, "getAllChildrenNumber", path) }
        return Int(response.totalNumber)
    }

    /// The paths of this session's ephemeral nodes that start with `prefix`.
    public func getEphemerals(_ prefix: String = "/") async throws(ZooKeeperError) -> [String] {
        let server = try checked(prefix, "getEphemerals")
        let reply = try await call(.getEphemerals(GetEphemeralsRequest(prefixPath: server)), "getEphemerals", prefix)
        guard case .getEphemerals(let response) = reply.response else { throw unexpected(reply, "getEphemerals", prefix) }
        return (response.ephemerals ?? []).map { driver.clientPath($0.string ?? "") }
    }

    /// The node's ACL and Stat.
    public func getACL(_ path: String) async throws(ZooKeeperError) -> (acl: [ACL], stat: Stat) {
        let server = try checked(path, "getACL")
        let reply = try await call(.getACL(GetACLRequest(path: server)), "getACL", path)
        guard case .getACL(let response) = reply.response else { throw unexpected(reply, "getACL", path) }
        return (response.acl ?? [], response.stat)
    }

    /// Replaces the node's ACL; `version` (the aversion) -1 matches any.
    @discardableResult
    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws(ZooKeeperError) -> Stat {
        let server = try checked(path, "setACL")
        let reply = try await call(.setACL(SetACLRequest(path: server, acl: acl, version: version)), "setACL", path)
        guard case .setACL(let response) = reply.response else { throw unexpected(reply, "setACL", path) }
        return response.stat
    }

    /// Waits until the server this session is connected to has every write
    /// committed before the call.
    @discardableResult
    public func sync(_ path: String) async throws(ZooKeeperError) -> String {
        let server = try checked(path, "sync")
        let reply = try await call(.sync(SyncRequest(path: server)), "sync", path)
        guard case .sync(let response) = reply.response else { throw unexpected(reply, "sync", path) }
        return driver.clientPath(response.path.string ?? path)
    }

    /// The identities this session is authenticated as.
    public func whoAmI() async throws(ZooKeeperError) -> [ClientInfo] {
        let reply = try await call(.whoAmI, "whoAmI", nil)
        guard case .whoAmI(let response) = reply.response else { throw unexpected(reply, "whoAmI", nil) }
        return response.clientInfo ?? []
    }

    /// Adds credentials (`digest`, `user:password`, ...). They are sent
    /// again after every reconnect. A refusal ends the session (authFailed).
    public func addAuth(scheme: String, auth: [UInt8]) async throws(ZooKeeperError) {
        do {
            _ = try await driver.addAuth(AuthPacket(type: 0, scheme: JuteBytes(scheme), auth: JuteBytes(auth))).get()
        } catch let error as ZooKeeperError {
            throw error
        } catch {
            throw ZooKeeperError(.systemError, operation: "addAuth", detail: "\(error)")
        }
    }

    // MARK: Transactions

    private func multiOps(_ ops: [ZKOp], _ operation: String) throws(ZooKeeperError) -> [MultiOp] {
        var out: [MultiOp] = []
        for op in ops {
            switch op {
            case .create(let path, let data, let acl, let mode):
                let sequential = mode == .persistentSequential || mode == .ephemeralSequential
                let server = try checked(path, operation, sequential: sequential)
                // Apache's client sends create (or createContainer) in a
                // multi, and servers answer with a CreateResponse.
                let code: OpCode = mode == .container ? .createContainer : .create
                out.append(.create(code, CreateRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code)))
            case .delete(let path, let version):
                out.append(.delete(.delete, DeleteRequest(path: try checked(path, operation), version: version)))
            case .setData(let path, let data, let version):
                out.append(.setData(SetDataRequest(path: try checked(path, operation), data: JuteBytes(data), version: version)))
            case .check(let path, let version):
                out.append(.check(CheckVersionRequest(path: try checked(path, operation), version: version)))
            case .getData(let path):
                out.append(.getData(GetDataRequest(path: try checked(path, operation), watch: false)))
            case .getChildren(let path):
                out.append(.getChildren(GetChildrenRequest(path: try checked(path, operation), watch: false)))
            }
        }
        return out
    }

    private func clientResults(_ results: [MultiResult]) -> [MultiResult] {
        results.map { result in
            switch result {
            case .create(var r):
                r.path = JuteBytes(driver.clientPath(r.path.string ?? ""))
                return .create(r)
            case .create2(var r):
                r.path = JuteBytes(driver.clientPath(r.path.string ?? ""))
                return .create2(r)
            default:
                return result
            }
        }
    }

    /// Runs write operations atomically: all or none. On failure the error
    /// is the failed operation's, with every operation's result in
    /// `multiResults`.
    @discardableResult
    public func multi(_ ops: [ZKOp]) async throws(ZooKeeperError) -> [MultiResult] {
        let request = MultiRequest(ops: try multiOps(ops, "multi"))
        let reply = try await call(.multi(request), "multi", ops.first?.path)
        guard case .multi(let response) = reply.response else { throw unexpected(reply, "multi", nil) }
        let results = clientResults(response.results)
        for (index, result) in results.enumerated() {
            if case .error(let code) = result, code != .ok {
                throw ZooKeeperError(code, operation: "multi", path: index < ops.count ? ops[index].path : nil,
                                     detail: "operation \(index + 1) of \(ops.count) failed; none was applied",
                                     multiResults: results)
            }
        }
        return results
    }

    /// Runs getData and getChildren operations together; each has its own
    /// result or error.
    public func multiRead(_ ops: [ZKOp]) async throws(ZooKeeperError) -> [MultiResult] {
        let request = MultiRequest(ops: try multiOps(ops, "multiRead"))
        let reply = try await call(.multiRead(request), "multiRead", ops.first?.path)
        guard case .multi(let response) = reply.response else { throw unexpected(reply, "multiRead", nil) }
        return clientResults(response.results)
    }

    // MARK: Persistent watches

    /// Adds a persistent watch (every change of the node, and for
    /// `.persistentRecursive` of every node below it) and returns its events.
    public func addWatch(_ path: String, mode: AddWatchMode) async throws(ZooKeeperError) -> ZKWatch {
        let server = try checked(path, "addWatch")
        let kind: WatchKind = mode == .persistentRecursive ? .persistentRecursive : .persistent
        let (watch, registration) = makeWatch(kind: kind, serverPath: server.string ?? path)
        do throws(ZooKeeperError) {
            _ = try await call(.addWatch(AddWatchRequest(path: server, mode: mode.code)), "addWatch", path, watch: registration)
            return watch
        } catch {
            driver.dropWatcher(registration.id)
            throw error
        }
    }

    /// Removes this session's watches of `type` on `path`, on the server and
    /// here; each removed watch gets a *WatchRemoved event and ends. With
    /// `local`, the local watches go even when the server cannot be asked.
    public func removeWatches(_ path: String, type: WatcherType, local: Bool = false) async throws(ZooKeeperError) {
        let server = try checked(path, "removeWatches")
        let serverPath = server.string ?? path
        let hasLocal = (try? await driver.hasLocalWatch(serverPath: serverPath, type: type).get()) ?? false
        if !hasLocal && !local {
            throw ZooKeeperError(.noWatcher, operation: "removeWatches", path: path)
        }
        do throws(ZooKeeperError) {
            _ = try await call(.removeWatches(RemoveWatchesRequest(path: server, type: type.code)), "removeWatches", path)
        } catch {
            if !local { throw error }
        }
        driver.removeLocalWatches(serverPath: serverPath, type: type)
    }
}
