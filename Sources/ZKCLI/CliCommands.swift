import ZKClient
import ZKProtocol

/// zkCli.sh's ZooKeeper commands (org.apache.zookeeper.cli.*Command), with
/// their flags, checks, output and messages.
extension CliShell {
    func runZooKeeperCommand(_ command: String, _ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        switch command {
        case "ls": try await ls(words, zk)
        case "get": try await get(words, zk)
        case "create": try await create(words, zk)
        case "set": try await set(words, zk)
        case "delete": try await delete(words, zk)
        case "deleteall": try await deleteAll(words, zk)
        case "stat": try await stat(words, zk)
        case "getAcl": try await getAcl(words, zk)
        case "setAcl": try await setAcl(words, zk)
        case "sync": try await sync(words, zk)
        case "addauth": try await addAuth(words, zk)
        case "whoami": try await whoAmI(zk)
        case "getEphemerals": try await getEphemerals(words, zk)
        case "getAllChildrenNumber": try await getAllChildrenNumber(words, zk)
        case "addWatch": try await addWatch(words, zk)
        case "removewatches": try await removeWatches(words, zk)
        case "close": await closeSession(printEvent: true)
        case "config": try await config(words, zk)
        case "version": try version(words)
        case "listquota": try await listQuota(words, zk)
        case "setquota": try await setQuota(words, zk)
        case "delquota": try await delQuota(words, zk)
        case "reconfig":
            throw CliFailure(message: "KeeperErrorCode = Reconfig is disabled")
        default:
            break
        }
    }

    // MARK: Helpers

    private func usageFailure(_ command: String) -> CliFailure {
        CliFailure(message: Self.usageLine(command))
    }

    /// Runs a ZooKeeper call; its error becomes zkCli's message for it.
    private func zkCall<T>(_ body: () async throws(ZooKeeperError) -> T) async throws(CliFailure) -> T {
        do {
            return try await body()
        } catch {
            throw CliFailure(message: CliFormat.message(error))
        }
    }

    /// The client's path check (IllegalArgumentException -> MalformedPathException).
    /// Then waits for the connection, as the request would.
    private func checkPath(_ path: String, sequential: Bool = false) async throws(CliFailure) {
        if let problem = CliFormat.pathProblem(path, sequential: sequential) {
            throw CliFailure(message: problem)
        }
        await awaitPendingConnect()
    }

    private func parseVersion(_ text: String?) throws(CliFailure) -> Int32 {
        guard let text else { return -1 }
        guard let value = Int32(text) else {
            throw CliFailure(message: "java.lang.NumberFormatException: For input string: \"\(text)\"")
        }
        return value
    }

    func serverPath(_ zk: ZooKeeperSession, _ path: String) -> String {
        guard let chroot = zk.connectionString.chroot else { return path }
        return path == "/" ? chroot : chroot + path
    }

    func clientPath(_ zk: ZooKeeperSession, _ path: String) -> String {
        guard let chroot = zk.connectionString.chroot, path.hasPrefix(chroot) else { return path }
        let rest = String(path.dropFirst(chroot.count))
        return rest.isEmpty ? "/" : rest
    }

    /// A request sent as it is, for what ZKClient's API does not carry (null
    /// data). Paths are the client's; the chroot is added here.
    private func raw(_ zk: ZooKeeperSession, _ request: ZKRequest, _ operation: String, path: String) async throws(ZooKeeperError) -> ZKReply {
        do {
            return try await zk.send(request, operation: operation).get()
        } catch var error as ZooKeeperError {
            error.path = path
            throw error
        } catch {
            throw ZooKeeperError(.systemError, operation: operation, path: path, detail: "\(error)")
        }
    }

    /// getData keeping null apart from empty data (ZNodeData does not).
    func getDataRaw(_ zk: ZooKeeperSession, _ path: String) async throws(ZooKeeperError) -> (data: [UInt8]?, stat: Stat) {
        let request = ZKRequest.getData(GetDataRequest(path: JuteBytes(serverPath(zk, path)), watch: false))
        let reply = try await raw(zk, request, "getData", path: path)
        guard case .getData(let response) = reply.response else {
            throw ZooKeeperError(.marshallingError, operation: "getData", path: path)
        }
        return (response.data.bytes, response.stat)
    }

    /// create with data that may be null; returns the created path.
    func createRaw(_ zk: ZooKeeperSession, _ path: String, data: [UInt8]?, acl: [ACL], mode: CreateMode, ttl: Int64?) async throws(ZooKeeperError) -> String {
        let server = JuteBytes(serverPath(zk, path))
        let request: ZKRequest
        if let ttl {
            request = .createTTL(CreateTTLRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code, ttl: ttl))
        } else if mode == .container {
            request = .createContainer(CreateRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code))
        } else {
            request = .create2(CreateRequest(path: server, data: JuteBytes(data), acl: acl, flags: mode.code))
        }
        let reply = try await raw(zk, request, "create", path: path)
        guard case .create2(let created) = reply.response else {
            throw ZooKeeperError(.marshallingError, operation: "create", path: path)
        }
        return clientPath(zk, created.path.string ?? path)
    }

    /// The "'cmd path [watch]' has been deprecated" rewrite of ls, get and
    /// stat: the third word becomes -w and the words are parsed again.
    private func retainCompatibility(_ options: CliOptions, _ words: [String], _ parsed: CliParsed,
                                     notice: String, rewrite: Bool) throws(CliFailure) -> CliParsed {
        guard parsed.args.count > 2 else { return parsed }
        var words = words
        if rewrite { words[2] = "-w" }
        out.line(notice, toError: true)
        return try options.parse(words)
    }

    /// ZKUtil.visitSubTreeDFS: the node, then each level's children sorted,
    /// depth first; a child deleted meanwhile is skipped.
    private func visitSubTree(_ zk: ZooKeeperSession, _ path: String, watch: Bool,
                              _ visit: (String) async -> Void) async throws(CliFailure) {
        try await checkPath(path)
        if watch {
            let (_, w) = try await zkCall { () async throws(ZooKeeperError) in try await zk.getDataAndWatch(path) }
            printEvents(w)
        } else {
            _ = try await zkCall { () async throws(ZooKeeperError) in try await getDataRaw(zk, path) }
        }
        await visit(path)
        try await visitChildren(zk, path, watch: watch, visit)
    }

    private func visitChildren(_ zk: ZooKeeperSession, _ path: String, watch: Bool,
                               _ visit: (String) async -> Void) async throws(CliFailure) {
        var children: [String]
        do {
            if watch {
                let (names, _, w) = try await zk.getChildrenAndWatch(path)
                printEvents(w)
                children = names
            } else {
                children = try await zk.getChildren(path)
            }
        } catch where error.code == .noNode {
            return
        } catch {
            throw CliFailure(message: CliFormat.message(error))
        }
        children = CliFormat.javaSorted(children)
        let prefix = path == "/" ? "/" : path + "/"
        for child in children { await visit(prefix + child) }
        for child in children { try await visitChildren(zk, prefix + child, watch: watch, visit) }
    }

    // MARK: Reads

    private func ls(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let options = CliOptions(["?": false, "s": false, "w": false, "R": false])
        var parsed = try options.parse(words)
        if parsed.has("?") {
            out.line("usage: ls [options] path\n -?   help\n -R   recurse\n -s   stat\n -w   watch")
        }
        parsed = try retainCompatibility(options, words, parsed,
                                         notice: "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.", rewrite: true)
        guard parsed.args.count >= 2 else { throw usageFailure("ls") }
        let path = parsed.args[1]
        let watch = parsed.has("w")
        if parsed.has("R") {
            let out = self.out
            try await visitSubTree(zk, path, watch: watch) { out.line($0) }
            return
        }
        try await checkPath(path)
        let (children, stat): ([String], Stat) = try await zkCall { () async throws(ZooKeeperError) in
            if watch {
                let (children, stat, w) = try await zk.getChildrenAndWatch(path)
                printEvents(w)
                return (children, stat)
            }
            return try await zk.getChildrenWithStat(path)
        }
        out.line(CliFormat.list(CliFormat.javaSorted(children)))
        if parsed.has("s") { out.write(CliFormat.stat(stat)) }
    }

    private func get(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let options = CliOptions(["s": false, "w": false])
        var parsed = try options.parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("get") }
        parsed = try retainCompatibility(options, words, parsed,
                                         notice: "'get path [watch]' has been deprecated. Please use 'get [-s] [-w] path' instead.", rewrite: true)
        let path = parsed.args[1]
        try await checkPath(path)
        let (data, stat): ([UInt8]?, Stat) = try await zkCall { () async throws(ZooKeeperError) in
            if parsed.has("w") {
                let (node, w) = try await zk.getDataAndWatch(path)
                printEvents(w)
                if !node.data.isEmpty { return (node.data, node.stat) }
                // ZNodeData reads null as empty; ask again to tell them apart.
                let again = try await getDataRaw(zk, path)
                return (again.data, node.stat)
            }
            return try await getDataRaw(zk, path)
        }
        out.line(data.map { String(decoding: $0, as: UTF8.self) } ?? "null")
        if parsed.has("s") { out.write(CliFormat.stat(stat)) }
    }

    private func stat(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let options = CliOptions(["w": false])
        var parsed = try options.parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("stat") }
        parsed = try retainCompatibility(options, words, parsed,
                                         notice: "'stat path [watch]' has been deprecated. Please use 'stat [-w] path' instead.", rewrite: true)
        let path = parsed.args[1]
        try await checkPath(path)
        let stat: Stat? = try await zkCall { () async throws(ZooKeeperError) in
            if parsed.has("w") {
                let (stat, w) = try await zk.existsAndWatch(path)
                printEvents(w)
                return stat
            }
            return try await zk.exists(path)
        }
        guard let stat else { throw CliFailure(message: "Node does not exist: \(path)") }
        out.write(CliFormat.stat(stat))
    }

    private func getAcl(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["s": false]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("getAcl") }
        let path = parsed.args[1]
        try await checkPath(path)
        let (acl, stat) = try await zkCall { () async throws(ZooKeeperError) in try await zk.getACL(path) }
        for entry in acl {
            out.line(CliFormat.id(entry.id) + ": " + CliFormat.perms(entry.perms))
        }
        if parsed.has("s") { out.write(CliFormat.stat(stat)) }
    }

    private func getEphemerals(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions([:]).parse(words)
        let path = parsed.args.count >= 2 ? parsed.args[1] : "/"
        try await checkPath(path)
        let paths = try await zkCall { () async throws(ZooKeeperError) in try await zk.getEphemerals(path) }
        out.line(CliFormat.list(paths))
    }

    private func getAllChildrenNumber(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions([:]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("getAllChildrenNumber") }
        let path = parsed.args[1]
        try await checkPath(path)
        let number = try await zkCall { () async throws(ZooKeeperError) in try await zk.getAllChildrenNumber(path) }
        out.line("\(number)")
    }

    private func whoAmI(_ zk: ZooKeeperSession) async throws(CliFailure) {
        await awaitPendingConnect()
        let infos = try await zkCall { () async throws(ZooKeeperError) in try await zk.whoAmI() }
        var text = "Auth scheme: User\n"
        for info in infos { text += "\(info.authScheme.string ?? "null"): \(info.user.string ?? "null")\n" }
        out.write(text)
    }

    private func config(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["s": false, "w": false, "c": false]).parse(words)
        await awaitPendingConnect()
        // getConfig reads /zookeeper/config itself, outside any chroot.
        let request = ZKRequest.getData(GetDataRequest(path: "/zookeeper/config", watch: false))
        let reply = try await zkCall { () async throws(ZooKeeperError) in try await raw(zk, request, "getConfig", path: "/zookeeper/config") }
        guard case .getData(let response) = reply.response else { return }
        let text = response.data.string ?? "null"
        out.line(parsed.has("c") ? Self.clientConfig(text) : text)
        if parsed.has("s") { out.write(CliFormat.stat(response.stat)) }
    }

    /// ConfigUtils.getClientConfigStr: "version client1,client2".
    static func clientConfig(_ config: String) -> String {
        var version = ""
        var clients: [String] = []
        for line in config.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "version" { version = kv[1] }
            if kv[0].hasPrefix("server."), let semi = kv[1].lastIndex(of: ";") {
                let client = String(kv[1][kv[1].index(after: semi)...])
                clients.append(client.hasPrefix("0.0.0.0:") ? String(client.dropFirst(8)) : client)
            }
        }
        return version + " " + clients.joined(separator: ",")
    }

    private func version(_ words: [String]) throws(CliFailure) {
        let parsed = try CliOptions([:]).parse(words)
        guard parsed.args.count <= 1 else { throw usageFailure("version") }
        out.line("ZooKeeper CLI version: 3.8.0-swiftzk, built by swiftzk cli \(toolVersion)")
    }

    // MARK: Writes

    private func create(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["e": false, "s": false, "c": false, "t": true]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("create") }
        let (e, s, c, t) = (parsed.has("e"), parsed.has("s"), parsed.has("c"), parsed.has("t"))
        if c && (e || s) {
            throw CliFailure(message: "-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.")
        }
        var ttl: Int64 = 0
        if t {
            guard let value = parsed.value("t").flatMap({ Int64($0) }) else {
                throw CliFailure(message: "-t argument must be a long value")
            }
            ttl = value
        }
        if t && e { throw CliFailure(message: "TTLs cannot be used with Ephemeral znodes") }
        if t && c { throw CliFailure(message: "TTLs cannot be used with Container znodes") }
        let mode: CreateMode
        if e && s { mode = .ephemeralSequential }
        else if e { mode = .ephemeral }
        else if s { mode = t ? .persistentSequentialWithTTL : .persistentSequential }
        else if c { mode = .container }
        else { mode = t ? .persistentWithTTL : .persistent }
        let maxTTL: Int64 = 0xFF_FFFF_FFFF
        if t && (ttl > maxTTL || ttl <= 0) {
            throw CliFailure(message: "ttl must be positive and cannot be larger than: \(maxTTL)")
        }
        let path = parsed.args[1]
        let data = parsed.args.count > 2 ? Array(parsed.args[2].utf8) : nil
        let acl = parsed.args.count > 3 ? CliFormat.parseACL(parsed.args[3], err: out) : ACL.openACLUnsafe
        try await checkPath(path, sequential: s)
        do {
            let created = try await createRaw(zk, path, data: data, acl: acl, mode: mode, ttl: t ? ttl : nil)
            out.line("Created \(created)", toError: true)
        } catch {
            if error.code == .ephemeralOnLocalSession {
                out.line("Unable to create ephemeral node on a local session", toError: true)
            } else if error.code == .invalidACL {
                out.line(CliFormat.keeperMessage(error), toError: true)
            }
            throw CliFailure(message: CliFormat.message(error))
        }
    }

    private func set(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["s": false, "v": true]).parse(words)
        guard parsed.args.count >= 3 else { throw usageFailure("set") }
        let path = parsed.args[1]
        let data = Array(parsed.args[2].utf8)
        let version = try parseVersion(parsed.value("v"))
        try await checkPath(path)
        let stat = try await zkCall { () async throws(ZooKeeperError) in try await zk.setData(path, data: data, version: version) }
        if parsed.has("s") { out.write(CliFormat.stat(stat)) }
    }

    private func delete(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let options = CliOptions(["v": true])
        var parsed = try options.parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("delete") }
        parsed = try retainCompatibility(options, words, parsed,
                                         notice: "'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.", rewrite: false)
        let path = parsed.args[1]
        let version = try parseVersion(parsed.value("v"))
        try await checkPath(path)
        try await zkCall { () async throws(ZooKeeperError) in try await zk.delete(path, version: version) }
    }

    private func deleteAll(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["b": true]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("deleteall") }
        var batchSize = 1000
        if let text = parsed.value("b") {
            guard let value = Int32(text) else { throw CliFailure(message: "-b argument must be an int value") }
            batchSize = Int(value)
        }
        let path = parsed.args[1]
        try await checkPath(path)
        // ZKUtil.deleteRecursive: the tree breadth first, then deletes from
        // the leaves up, in multis of batchSize; stops at the first failure.
        var tree = [path]
        var next = 0
        while next < tree.count {
            let node = tree[next]
            next += 1
            let children = try await zkCall { () async throws(ZooKeeperError) in try await zk.getChildren(node) }
            for child in children { tree.append((node == "/" ? "" : node) + "/" + child) }
        }
        var ops: [ZKOp] = []
        var success = true
        for index in stride(from: tree.count - 1, through: 0, by: -1) {
            ops.append(.delete(tree[index], version: -1))
            if ops.count == batchSize || index == 0 {
                do {
                    try await zk.multi(ops)
                } catch {
                    success = false
                    break
                }
                ops = []
            }
        }
        if !success { out.line("Failed to delete some node(s) in the subtree!", toError: true) }
    }

    private func setAcl(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["s": false, "v": true, "R": false]).parse(words)
        guard parsed.args.count >= 3 else { throw usageFailure("setAcl") }
        let path = parsed.args[1]
        let acl = CliFormat.parseACL(parsed.args[2], err: out)
        let version = try parseVersion(parsed.value("v"))
        if parsed.has("R") {
            let out = self.out
            try await visitSubTree(zk, path, watch: false) { node in
                do throws(ZooKeeperError) {
                    try await zk.setACL(node, acl: acl, version: version)
                } catch {
                    out.write(CliFormat.keeperMessage(error))
                }
            }
            return
        }
        try await checkPath(path)
        let stat = try await zkCall { () async throws(ZooKeeperError) in try await zk.setACL(path, acl: acl, version: version) }
        if parsed.has("s") { out.write(CliFormat.stat(stat)) }
    }

    private func sync(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions([:]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("sync") }
        let path = parsed.args[1]
        try await checkPath(path)
        do {
            try await zk.sync(path)
            out.line("Sync is OK")
        } catch {
            out.line("Sync has failed. rc=\(error.code.code)")
        }
    }

    private func addAuth(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions([:]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("addauth") }
        let auth = parsed.args.count >= 3 ? Array(parsed.args[2].utf8) : []
        await awaitPendingConnect()
        // Apache's addAuthInfo does not wait for an answer; a refusal shows
        // as the AuthFailed event.
        try? await zk.addAuth(scheme: parsed.args[1], auth: auth)
    }

    // MARK: Watches

    private func addWatch(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["m": true]).parse(words)
        guard parsed.args.count == 2 else { throw usageFailure("addWatch") }
        var mode = AddWatchMode.persistentRecursive
        if let text = parsed.value("m") {
            switch text.uppercased() {
            case "PERSISTENT": mode = .persistent
            case "PERSISTENT_RECURSIVE": mode = .persistentRecursive
            default: throw usageFailure("addWatch")
            }
        }
        let path = parsed.args[1]
        try await checkPath(path)
        let watch = try await zkCall { () async throws(ZooKeeperError) in try await zk.addWatch(path, mode: mode) }
        printEvents(watch)
    }

    private func removeWatches(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions(["c": false, "d": false, "a": false, "l": false]).parse(words)
        guard parsed.args.count >= 2 else { throw usageFailure("removewatches") }
        let path = parsed.args[1]
        var type = WatcherType.any
        if parsed.has("c") { type = .children } else if parsed.has("d") { type = .data }
        try await checkPath(path)
        try await zkCall { () async throws(ZooKeeperError) in
            try await zk.removeWatches(path, type: type, local: parsed.has("l"))
        }
        // Let the printers of the removed watches print their last event
        // before the next command, as Apache's event thread would.
        try? await Task.sleep(for: .milliseconds(20))
    }
}
