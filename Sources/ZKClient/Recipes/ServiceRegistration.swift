import ZKProtocol

/// Registers a service instance as an ephemeral node named by a stable
/// instance id, so a restarted instance is never listed twice.
///
/// A process that crashed and came back within its old session's timeout
/// finds its previous incarnation's node still there (same name, another
/// session as ephemeralOwner). `register` replaces it in one multi —
/// check its version, delete it, create ours — so the listing goes from
/// the old node straight to the new one.
public struct ServiceRegistration: Sendable {
    /// The node's path: the service's directory plus the instance id.
    public let path: String
    /// What the node holds (an address, a JSON document, ...).
    public let data: [UInt8]
    /// The node's ACL.
    public let acl: [ACL]

    /// Describes a registration; nothing is sent until `register`.
    public init(servicePath: String, instanceID: String, data: [UInt8], acl: [ACL] = ACL.openACLUnsafe) {
        self.path = (servicePath == "/" ? "" : servicePath) + "/" + instanceID
        self.data = data
        self.acl = acl
    }

    /// Creates the node (and the service directory when missing), replacing
    /// a node left by an earlier session. Returns the node's Stat.
    @discardableResult
    public func register(on session: ZooKeeperSession, attempts: Int = 5) async throws(ZooKeeperError) -> Stat {
        var lastError = ZooKeeperError(.systemError, operation: "register", path: path)
        for _ in 0..<max(1, attempts) {
            do throws(ZooKeeperError) {
                return try await session.createWithStat(path, data: data, acl: acl, mode: .ephemeral).stat
            } catch where error.code == .noNode {
                try await createParents(on: session)
                continue
            } catch where error.code == .nodeExists {
                lastError = error
            }
            let existing: Stat
            do throws(ZooKeeperError) {
                let node = try await session.getData(path)
                existing = node.stat
                if existing.ephemeralOwner == session.sessionID {
                    // Already ours (a retry after a lost reply): bring the data up to date.
                    if node.data != data { return try await session.setData(path, data: data, version: existing.version) }
                    return existing
                }
            } catch where error.code == .noNode {
                continue
            }
            do throws(ZooKeeperError) {
                let results = try await session.multi([
                    .check(path, version: existing.version),
                    .delete(path, version: existing.version),
                    .create(path, data: data, acl: acl, mode: .ephemeral),
                ])
                _ = results
                return try await session.getData(path).stat
            } catch where error.code == .badVersion || error.code == .noNode || error.code == .nodeExists {
                // The old node changed or went meanwhile: look again.
                lastError = error
            }
        }
        throw lastError
    }

    /// Deletes the node if this session owns it.
    public func deregister(on session: ZooKeeperSession) async throws(ZooKeeperError) {
        guard let stat = try await session.exists(path), stat.ephemeralOwner == session.sessionID else { return }
        do throws(ZooKeeperError) {
            try await session.delete(path, version: stat.version)
        } catch where error.code == .noNode {
        }
    }

    private func createParents(on session: ZooKeeperSession) async throws(ZooKeeperError) {
        var prefix = ""
        let parts = path.split(separator: "/").dropLast()
        for part in parts {
            prefix += "/" + part
            do throws(ZooKeeperError) {
                try await session.create(prefix)
            } catch where error.code == .nodeExists {
            }
        }
    }
}
