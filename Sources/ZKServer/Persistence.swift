import Foundation
import Logging
import NIOConcurrencyHelpers
import SystemPackage
import ZKDataTree
import ZKProtocol
import ZKServerCore
import ZKStorage

/// Opening the dataDir at start-up, the session secret, and snapshots and
/// purges in the background.
enum Persistence {
    /// Recovers the tree and sessions from the dataDir (and dataLogDir).
    /// Damage recovery cannot get around stops start-up, naming the file.
    static func recover(_ config: ServerConfig, logger: Logger) throws -> (DataDirectory, RecoveredState) {
        let directory = DataDirectory(dataDir: FilePath(config.dataDir), dataLogDir: FilePath(config.dataLogDir))
        let started = ContinuousClock.now
        let state: RecoveredState
        do {
            state = try directory.recover(extendedTypesEnabled: config.extendedTypesEnabled)
        } catch {
            throw ServerError.startup("cannot recover \(config.dataDir): \(error)")
        }
        for warning in state.warnings {
            logger.warning("recovery: \(warning)")
        }
        let elapsed = ContinuousClock.now - started
        let from = state.snapshot.map { $0.name } ?? "no snapshot"
        logger.info("recovered \(state.tree.nodeCount) znodes and \(state.sessions.count) sessions up to zxid \(state.lastZxid) from \(from) and \(state.replayedTxnCount) logged transactions in \(elapsed)")
        return (directory, state)
    }

    /// The secret session passwords derive from: 32 random bytes kept in
    /// `dataDir/swiftzk-session-secret` (mode 0600), made on first start.
    static func sessionSecret(dataDir: String, random: () -> [UInt8]) throws -> [UInt8] {
        let path = dataDir + "/swiftzk-session-secret"
        if let existing = FileManager.default.contents(atPath: path) {
            guard existing.count == 32 else {
                throw ServerError.startup("\(path): expected 32 bytes, found \(existing.count); remove it to make a new one (sessions then expire)")
            }
            return Array(existing)
        }
        let secret = random()
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw ServerError.startup("\(temporary): cannot write the session secret")
        }
        let fd = open(temporary, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        guard rename(temporary, path) == 0 else {
            throw ServerError.startup("\(path): cannot write the session secret: \(String(cString: strerror(errno)))")
        }
        return secret
    }
}

/// Writes snapshots and purges old files on a thread of its own, from
/// point-in-time copies of the tree (the tree is a persistent map, so a copy
/// costs nothing and the state loop never waits).
final class Snapshotter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "swiftzk-snapshot")
    private let directory: DataDirectory
    private let logger: Logger
    private let snapRetainCount: Int

    init(directory: DataDirectory, snapRetainCount: Int, logger: Logger) {
        self.directory = directory
        self.logger = logger
        self.snapRetainCount = max(snapRetainCount, 3)
    }

    /// Writes the tree in `holder`, then gives the holder to `done` (which
    /// hands it back to the state loop to drop the tree there).
    func write(_ holder: TreeHolder, sessions: [SessionID: Int32], done: @escaping @Sendable (TreeHolder) -> Void) {
        queue.async { [self] in
            writeSnapshot(holder, sessions: sessions)
            done(holder)
        }
    }

    private func writeSnapshot(_ holder: TreeHolder, sessions: [SessionID: Int32]) {
        guard let tree = holder.tree else { return }
        let started = ContinuousClock.now
        do {
            let path = try directory.writeSnapshot(tree: tree, sessions: sessions)
            logger.info("snapshot \(path) written (\(tree.nodeCount) znodes, \(sessions.count) sessions) in \(ContinuousClock.now - started)")
        } catch {
            logger.error("snapshot failed: \(error)")
        }
    }

    /// Runs `body` once the snapshots and purges queued so far are done,
    /// or after `timeout`, whichever comes first; blocks no thread.
    func whenIdle(timeout: Duration, _ body: @escaping @Sendable () -> Void) {
        let ran = NIOLockedValueBox(false)
        let once: @Sendable () -> Void = {
            if ran.withLockedValue({ value in defer { value = true }; return !value }) { body() }
        }
        queue.async(execute: once)
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [logger] in
            if !ran.withLockedValue({ $0 }) {
                logger.warning("stopping before the snapshot in progress finished (waited \(timeout))")
            }
            once()
        }
    }

    /// Apache's autopurge: keep the newest snapRetainCount snapshots and the
    /// logs they need.
    func purge() {
        queue.async { [self] in
            do {
                let deleted = try directory.purge(snapRetainCount: snapRetainCount)
                if !deleted.isEmpty {
                    logger.info("autopurge removed \(deleted.count) files: \(deleted.map { $0.lastComponent?.string ?? "" }.joined(separator: ", "))")
                }
            } catch {
                logger.error("autopurge failed: \(error)")
            }
        }
    }
}
