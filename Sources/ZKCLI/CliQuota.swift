import ZKClient
import ZKDataTree
import ZKProtocol

/// listquota, setquota and delquota, as Apache's ListQuotaCommand,
/// SetQuotaCommand and DelQuotaCommand (the nodes under /zookeeper/quota).
extension CliShell {
    static let quotaRoot = "/zookeeper/quota"
    static let limitNode = "zookeeper_limits"
    static let statNode = "zookeeper_stats"

    private func quotaFailure(_ error: ZooKeeperError) -> CliFailure {
        CliFailure(message: CliFormat.message(error))
    }

    func listQuota(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let parsed = try CliOptions([:]).parse(words)
        guard parsed.args.count >= 2 else { throw CliFailure(message: Self.usageLine("listquota")) }
        let path = parsed.args[1]
        let limitPath = Self.quotaRoot + path + "/" + Self.limitNode
        let statPath = Self.quotaRoot + path + "/" + Self.statNode
        out.line("absolute path is \(limitPath)", toError: true)
        if let problem = CliFormat.pathProblem(limitPath) { throw CliFailure(message: problem) }
        await awaitPendingConnect()
        do {
            let limits = try await getDataRaw(zk, limitPath)
            let stats = try await getDataRaw(zk, statPath)
            out.line("Output quota for \(path) \(StatsTrack(limits.data ?? []).text)")
            out.line("Output stat for \(path) \(StatsTrack(stats.data ?? []).text)")
        } catch where error.code == .noNode {
            out.line("quota for \(path) does not exist.", toError: true)
        } catch {
            throw quotaFailure(error)
        }
    }

    func setQuota(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let group: (members: Set<String>, required: Bool, display: String) = (
            ["n", "b", "N", "B"], true,
            "[-n num soft quota, -b bytes soft quota, -N num hard quota, -B bytes hard quota]")
        let parsed = try CliOptions(["n": true, "b": true, "N": true, "B": true], group: group).parse(words)
        guard parsed.args.count >= 2 else { throw CliFailure(message: Self.usageLine("setquota")) }
        let path = parsed.args[1]
        if path.hasPrefix(Self.quotaRoot) {
            out.line("cannot set a quota under the path: \(Self.quotaRoot)", toError: true)
            return
        }
        let quota: StatsTrack
        switch Self.quotaLimits(parsed) {
        case .success(let limits): quota = limits
        case .failure(let problem):
            out.line(problem.message, toError: true)
            return
        }
        await awaitPendingConnect()
        do {
            try await createQuota(zk, path, quota)
        } catch let error as CliFailure {
            throw error
        } catch let error as ZooKeeperError {
            throw quotaFailure(error)
        } catch {
            throw CliFailure(message: "\(error)")
        }
    }

    private func createQuota(_ zk: ZooKeeperSession, _ path: String, _ quota: StatsTrack) async throws {
        if let problem = CliFormat.pathProblem(path) { throw CliFailure(message: problem) }
        guard try await zk.exists(path) != nil else { throw CliFailure(message: "\(path) does not exist.") }
        try await checkIfChildQuota(zk, path)
        try await checkIfParentQuota(zk, path)
        if try await zk.exists(Self.quotaRoot) == nil {
            if try await createUnlessExists(zk, "/zookeeper") {
                _ = try await createUnlessExists(zk, Self.quotaRoot)
            }
        }
        var quotaPath = Self.quotaRoot
        for part in CliFormat.javaSplit(path, "/").dropFirst() {
            quotaPath += "/" + part
            if try await zk.exists(quotaPath) == nil {
                _ = try await createUnlessExists(zk, quotaPath)
            }
        }
        let statPath = quotaPath + "/" + Self.statNode
        let limitPath = quotaPath + "/" + Self.limitNode
        if try await zk.exists(limitPath) == nil {
            _ = try await createRaw(zk, limitPath, data: Array(quota.text.utf8), acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)
            var stats = StatsTrack()
            stats.count = 0
            stats.bytes = 0
            _ = try await createRaw(zk, statPath, data: Array(stats.text.utf8), acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)
            let limits = StatsTrack(try await getDataRaw(zk, limitPath).data ?? [])
            let current = StatsTrack(try await getDataRaw(zk, statPath).data ?? [])
            checkQuota(limits, current)
        } else {
            var limits = StatsTrack(try await getDataRaw(zk, limitPath).data ?? [])
            if quota.count > -1 { limits.count = quota.count }
            if quota.bytes > -1 { limits.bytes = quota.bytes }
            if quota.countHardLimit > -1 { limits.countHardLimit = quota.countHardLimit }
            if quota.byteHardLimit > -1 { limits.byteHardLimit = quota.byteHardLimit }
            let current = StatsTrack(try await getDataRaw(zk, statPath).data ?? [])
            checkQuota(limits, current)
            try await zk.setData(limitPath, data: Array(limits.text.utf8))
        }
    }

    /// Creates a node with null data; false when it already existed.
    private func createUnlessExists(_ zk: ZooKeeperSession, _ path: String) async throws(ZooKeeperError) -> Bool {
        do throws(ZooKeeperError) {
            _ = try await createRaw(zk, path, data: nil, acl: ACL.openACLUnsafe, mode: .persistent, ttl: nil)
            return true
        } catch {
            if error.code == .nodeExists { return false }
            throw error
        }
    }

    private func checkQuota(_ limits: StatsTrack, _ current: StatsTrack) {
        for warning in Self.quotaWarnings(limits: limits, current: current) { out.line(warning) }
    }

    /// SetQuotaCommand's limits from `setquota`'s flags: -1 for each one not
    /// given, or the message it prints (to stderr) for a bad value.
    static func quotaLimits(_ parsed: CliParsed) -> Result<StatsTrack, CliFailure> {
        var quota = StatsTrack()
        quota.count = -1
        quota.bytes = -1
        quota.countHardLimit = -1
        quota.byteHardLimit = -1
        for (flag, isCount) in [("n", true), ("b", false), ("N", true), ("B", false)] {
            guard let text = parsed.value(flag) else { continue }
            let value: Int64? = isCount ? Int32(text).map(Int64.init) : Int64(text)
            guard let value else {
                return .failure(CliFailure(message: "NumberFormatException happens when parsing the option value"))
            }
            if isCount && value <= 0 {
                return .failure(CliFailure(message: "the num quota must be greater than zero"))
            }
            if !isCount && value < 0 {
                return .failure(CliFailure(message: "the bytes quota must be greater than or equal to zero"))
            }
            switch flag {
            case "n": quota.count = value
            case "b": quota.bytes = value
            case "N": quota.countHardLimit = value
            default: quota.byteHardLimit = value
            }
        }
        return .success(quota)
    }

    /// SetQuotaCommand.checkQuota's warnings: a new limit below what the
    /// subtree already holds.
    static func quotaWarnings(limits: StatsTrack, current: StatsTrack) -> [String] {
        var warnings: [String] = []
        if (limits.count > -1 && limits.count < current.count) || (limits.countHardLimit > -1 && limits.countHardLimit < current.count) {
            warnings.append("[Warning]: the count quota you create is less than the existing count:\(current.count)")
        }
        if (limits.bytes > -1 && limits.bytes < current.bytes) || (limits.byteHardLimit > -1 && limits.byteHardLimit < current.bytes) {
            warnings.append("[Warning]: the bytes quota you create is less than the existing bytes:\(current.bytes)")
        }
        return warnings
    }

    private func childrenUnlessMissing(_ zk: ZooKeeperSession, _ path: String) async throws(ZooKeeperError) -> [String]? {
        do throws(ZooKeeperError) {
            return try await zk.getChildren(path)
        } catch {
            if error.code == .noNode { return nil }
            throw error
        }
    }

    /// A quota on a node below `path` forbids one on `path`.
    private func checkIfChildQuota(_ zk: ZooKeeperSession, _ path: String) async throws {
        let root = Self.quotaRoot + path
        guard try await zk.exists(root) != nil else { return }
        var queue = [root]
        while let node = queue.popLast() {
            guard let children = try await childrenUnlessMissing(zk, node) else { continue }
            for child in children {
                if node != root && child == Self.limitNode {
                    throw CliFailure(message: "\(path) has a child \(node.dropFirst(Self.quotaRoot.count)) which has a quota")
                }
            }
            for child in CliFormat.javaSorted(children).reversed() { queue.append(node + "/" + child) }
        }
    }

    /// A quota on a node above `path` forbids one on `path`.
    private func checkIfParentQuota(_ zk: ZooKeeperSession, _ path: String) async throws {
        let parts = CliFormat.javaSplit(path, "/")
        var quotaPath = Self.quotaRoot
        guard parts.count > 2 else { return }
        for i in 1..<(parts.count - 1) {
            quotaPath += "/" + parts[i]
            guard let children = try await childrenUnlessMissing(zk, quotaPath) else { return }
            if children.isEmpty { return }
            if quotaPath != Self.quotaRoot + path && children.contains(Self.limitNode) {
                throw CliFailure(message: "\(path) has a parent \(quotaPath.dropFirst(Self.quotaRoot.count)) which has a quota")
            }
        }
    }

    func delQuota(_ words: [String], _ zk: ZooKeeperSession) async throws(CliFailure) {
        let group: (members: Set<String>, required: Bool, display: String) = (["n", "b", "N", "B"], false, "")
        let parsed = try CliOptions(["n": false, "b": false, "N": false, "B": false], group: group).parse(words)
        guard parsed.args.count >= 2 else { throw CliFailure(message: Self.usageLine("delquota")) }
        let path = parsed.args[1]
        let parentPath = Self.quotaRoot + path
        let limitPath = parentPath + "/" + Self.limitNode
        if let problem = CliFormat.pathProblem(limitPath) { throw CliFailure(message: problem) }
        await awaitPendingConnect()
        do {
            guard try await zk.exists(limitPath) != nil else {
                out.line("Quota does not exist for \(path)")
                return
            }
            var limits = StatsTrack(try await getDataRaw(zk, limitPath).data ?? [])
            if !parsed.present.isEmpty {
                if parsed.has("n") { limits.count = -1 }
                if parsed.has("b") { limits.bytes = -1 }
                if parsed.has("N") { limits.countHardLimit = -1 }
                if parsed.has("B") { limits.byteHardLimit = -1 }
                try await zk.setData(limitPath, data: Array(limits.text.utf8))
                return
            }
            for child in try await zk.getChildren(parentPath) {
                try await zk.delete(parentPath + "/" + child)
            }
            // Cut the tree back up to the first node with other children.
            var node = parentPath
            while node != Self.quotaRoot {
                guard try await zk.getChildren(node).isEmpty else { break }
                try await zk.delete(node)
                node = String(node[..<(node.lastIndex(of: "/") ?? node.startIndex)])
            }
        } catch where error.code == .noNode {
            out.line("quota for \(path) does not exist.", toError: true)
        } catch {
            throw quotaFailure(error)
        }
    }
}
