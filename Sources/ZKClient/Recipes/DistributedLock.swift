import NIOConcurrencyHelpers
import ZKProtocol

/// A mutual-exclusion lock (ZooKeeper's lock recipe): each contender makes
/// an ephemeral-sequential node under the lock's directory; the lowest
/// sequence number holds the lock; every other contender watches only the
/// node just before its own, so a release wakes one waiter, not all.
///
/// Contender nodes are made with `createProtected`, so a lost reply does
/// not leave an orphan that would block the lock until the session ends.
public final class DistributedLock: Sendable {
    /// The lock's directory.
    public let path: String
    let session: ZooKeeperSession
    private let node = NIOLockedValueBox<String?>(nil)
    let prefix: String

    /// A lock at `path` (created when missing), taken through `session`.
    public init(session: ZooKeeperSession, path: String, prefix: String = "lock-") {
        self.session = session
        self.path = path
        self.prefix = prefix
    }

    /// This contender's node while it holds or waits for the lock.
    public var ownNode: String? { node.withLockedValue { $0 } }

    /// Waits until the lock is held. Throws if the session ends; cancel the
    /// task to stop waiting (the contender node is then removed).
    public func acquire(data: [UInt8] = []) async throws(ZooKeeperError) {
        try await ensureDirectory()
        let mine = try await session.createProtected(path + "/" + prefix, data: data, mode: .ephemeralSequential)
        node.withLockedValue { $0 = mine }
        do throws(ZooKeeperError) {
            try await waitForTurn(mine)
        } catch {
            try? await session.delete(mine)
            node.withLockedValue { $0 = nil }
            throw error
        }
    }

    /// Releases the lock (deletes this contender's node).
    public func release() async throws(ZooKeeperError) {
        guard let mine = ownNode else { return }
        do throws(ZooKeeperError) {
            try await session.delete(mine)
        } catch where error.code == .noNode {
        }
        node.withLockedValue { $0 = nil }
    }

    /// The contenders' node names, in lock order.
    public func contenders() async throws(ZooKeeperError) -> [String] {
        try await session.getChildren(path)
            .filter { $0.contains(prefix) && sequenceNumber(of: $0) != nil }
            .sorted { (sequenceNumber(of: $0) ?? 0) < (sequenceNumber(of: $1) ?? 0) }
    }

    func waitForTurn(_ mine: String) async throws(ZooKeeperError) {
        let myName = String(mine.split(separator: "/").last ?? "")
        while true {
            if Task.isCancelled {
                throw ZooKeeperError(.operationTimeout, operation: "lock", path: path, detail: "cancelled while waiting")
            }
            let order = try await contenders()
            guard let index = order.firstIndex(of: myName) else {
                throw ZooKeeperError(.noNode, operation: "lock", path: mine, detail: "this contender's node is gone")
            }
            if index == 0 { return }
            let predecessor = path + "/" + order[index - 1]
            let (stat, watch) = try await session.existsAndWatch(predecessor)
            if stat == nil { continue }
            _ = await watch.next()
        }
    }

    private func ensureDirectory() async throws(ZooKeeperError) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            do throws(ZooKeeperError) {
                if try await session.exists(prefix) == nil { try await session.create(prefix) }
            } catch where error.code == .nodeExists {
            }
        }
    }
}

