import ZKProtocol

/// Leader election (ZooKeeper's recipe): candidates queue as with
/// `DistributedLock`; the first in line leads until its node goes (it
/// resigns, or its session ends), and then the next one takes over.
public final class LeaderElection: Sendable {
    private let lock: DistributedLock

    /// An election under `path`; `session` is this candidate's.
    public init(session: ZooKeeperSession, path: String) {
        lock = DistributedLock(session: session, path: path, prefix: "candidate-")
    }

    /// Joins the election and returns once this candidate leads. `data`
    /// (say, its address) is what `leaderData` shows the others.
    public func campaign(data: [UInt8] = []) async throws(ZooKeeperError) {
        try await lock.acquire(data: data)
    }

    /// Steps down (or leaves the queue).
    public func resign() async throws(ZooKeeperError) {
        try await lock.release()
    }

    /// The current leader's data, or nil when there is no candidate.
    public func leaderData() async throws(ZooKeeperError) -> [UInt8]? {
        while true {
            guard let first = try await lock.contenders().first else { return nil }
            do throws(ZooKeeperError) {
                return try await lock.session.getData(lock.path + "/" + first).data
            } catch where error.code == .noNode {
                continue
            }
        }
    }

    /// Whether this candidate leads now.
    public func isLeader() async throws(ZooKeeperError) -> Bool {
        guard let mine = lock.ownNode, let name = mine.split(separator: "/").last else { return false }
        return try await lock.contenders().first == String(name)
    }
}
