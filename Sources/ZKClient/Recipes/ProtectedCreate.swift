import ZKProtocol

extension ZooKeeperSession {
    /// Creates a node whose name carries a fresh GUID (`_c_<guid>-<name>`,
    /// Curator's protection mode), so a create whose reply was lost can be
    /// found again instead of being made twice.
    ///
    /// If the reply is lost (the connection dropped), this waits for the
    /// session to reconnect, looks among the parent's children for the GUID
    /// and returns the node found, or creates again. Essential for
    /// sequential nodes, whose names the caller cannot guess. Fails with
    /// `.sessionExpired` when the session ends: an ephemeral made under it
    /// is gone then anyway.
    public func createProtected(_ path: String, data: [UInt8] = [], acl: [ACL] = ACL.openACLUnsafe,
                                mode: CreateMode = .ephemeralSequential, attempts: Int = 10) async throws(ZooKeeperError) -> String {
        guard let slash = path.lastIndex(of: "/") else {
            throw ZooKeeperError(.badArguments, operation: "create", path: path, detail: "a protected create needs an absolute path")
        }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        let guid = Self.makeGUID()
        let prefix = "_c_\(guid)-"
        let protectedPath = (parent == "/" ? "" : parent) + "/" + prefix + name
        var lastError = ZooKeeperError(.connectionLoss, operation: "create", path: path)
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 {
                // Only after a lost reply: did the first try land?
                try await waitUntilConnected(timeout: .milliseconds(Int64(max(1000, negotiatedTimeoutMs))))
                do throws(ZooKeeperError) {
                    let children = try await getChildren(parent)
                    if let found = children.first(where: { $0.hasPrefix(prefix) }) {
                        return (parent == "/" ? "" : parent) + "/" + found
                    }
                } catch where error.code == .connectionLoss {
                    lastError = error
                    continue
                }
            }
            do throws(ZooKeeperError) {
                return try await create(protectedPath, data: data, acl: acl, mode: mode)
            } catch where error.code == .connectionLoss {
                lastError = error
            }
        }
        throw lastError
    }

    /// A random 128-bit id in the usual 8-4-4-4-12 hex form.
    static func makeGUID() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}

/// The sequence number at the end of a sequential node's name, or nil.
func sequenceNumber(of name: String) -> Int64? {
    guard name.count >= 10, let number = Int64(name.suffix(10)) else { return nil }
    return number
}
