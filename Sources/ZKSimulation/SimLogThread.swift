import SystemPackage
import ZKProtocol
import ZKStorage

/// What ZKServer's LogWriter and DiskLog do, one step at a time on the
/// simulated disk: group commit (append everything queued, one fsync, report
/// `durable(upTo:)`), `logFailed` on a failed write or fsync, then discard
/// the failed tail, probe the disk until it takes writes, roll and report
/// `logRecovered`; a roll (and a snapshot) when the SnapshotPolicy says so.
/// Writing and fsyncing are separate steps so a crash can fall between.
final class SimLogThread {
    struct Entry {
        var header: TxnHeader
        var body: TxnBody
        var epoch: Int
    }

    enum Event {
        /// Transactions made durable (or, with a planted bug, only written).
        case durable(upTo: Int64, [Entry])
        case failed(after: Int64)
        case recovered
        /// The log rolled: take a snapshot now.
        case rolled
    }

    let directory: DataDirectory
    let options: TxnLogWriter.Options
    private var writer: TxnLogWriter
    private var policy: SnapshotPolicy<SimRandom>
    private let bugs: PlantedBug

    private(set) var queue: [Entry] = []
    /// Written to the file, not yet fsynced.
    private(set) var written: [Entry] = []
    /// Written by a batch that then failed, not yet cut away.
    private(set) var failedTail: [Entry] = []
    private var reportedEarly = false
    private(set) var lastDurableZxid: Int64
    private var failedEpoch = -1
    private(set) var inFailure = false
    private var discarded = false

    private var committedFile: FilePath?
    private var failedFile: FilePath?
    private var committedSize: Int64 = 0

    init(directory: DataDirectory, lastZxid: Int64, snapCount: Int, random: SimRandom, bugs: PlantedBug) {
        self.directory = directory
        options = TxnLogWriter.Options(preAllocSize: 64 * 1024)
        writer = directory.makeLogWriter(options: options)
        policy = SnapshotPolicy(snapCount: snapCount, snapSizeLimitBytes: 4 * 1024 * 1024, generator: random)
        lastDurableZxid = lastZxid
        self.bugs = bugs
    }

    func append(_ header: TxnHeader, _ body: TxnBody, epoch: Int) {
        queue.append(Entry(header: header, body: body, epoch: epoch))
    }

    /// Transactions that may be on disk beyond the last durable zxid.
    var maybeOnDisk: [Entry] { failedTail + written }

    var hasWork: Bool { !queue.isEmpty || !written.isEmpty || inFailure }

    /// One step of the thread.
    func step() -> [Event] {
        if inFailure { return retryAfterFailure() }
        if !written.isEmpty { return syncWritten() }
        return writeQueued()
    }

    private func writeQueued() -> [Event] {
        let live = queue.filter { $0.epoch > failedEpoch }
        queue.removeAll()
        guard !live.isEmpty else { return [] }
        committedFile = writer.currentFile
        committedSize = writer.currentLogSize
        written = live
        do throws(StorageError) {
            for entry in live { try writer.append(header: entry.header, body: entry.body) }
            try writer.flush()
        } catch {
            return fail(epoch: live[live.count - 1].epoch)
        }
        if bugs.contains(.replyBeforeFsync), let last = live.last {
            reportedEarly = true
            return [.durable(upTo: last.header.zxid, live)]
        }
        return []
    }

    private func syncWritten() -> [Event] {
        let batch = written
        do throws(StorageError) {
            try writer.sync()
        } catch {
            return fail(epoch: batch[batch.count - 1].epoch)
        }
        written = []
        lastDurableZxid = batch[batch.count - 1].header.zxid
        var events: [Event] = []
        if reportedEarly {
            reportedEarly = false
        } else {
            events.append(.durable(upTo: lastDurableZxid, batch))
        }
        if policy.shouldRoll(appended: batch.count, currentLogBytes: writer.currentLogSize) {
            if (try? writer.rollLog()) != nil { events.append(.rolled) }
        }
        return events
    }

    private func fail(epoch: Int) -> [Event] {
        failedEpoch = epoch
        failedTail = written
        written = []
        reportedEarly = false
        inFailure = true
        discarded = false
        return [.failed(after: lastDurableZxid)]
    }

    /// DiskLog.discardUncommitted and probe, then roll and recover.
    private func retryAfterFailure() -> [Event] {
        if !discarded { discarded = discardUncommitted() }
        guard discarded, probe() else { return [] }
        failedTail = []
        inFailure = false
        try? writer.rollLog()
        return [.recovered]
    }

    private func discardUncommitted() -> Bool {
        // Keep the failed file until it is cut: a retry after a failed
        // truncate must still cut it.
        if let current = writer.currentFile { failedFile = current }
        writer = directory.makeLogWriter(options: options)
        writer.skippedFromZxid = lastDurableZxid + 1
        guard let failedFile else { return true }
        let io = directory.io
        do throws(Errno) {
            if failedFile == committedFile {
                let handle = try io.open(failedFile, .readWrite)
                defer { try? handle.close() }
                try handle.truncate(to: committedSize)
                try handle.sync(dataOnly: false)
            } else {
                do throws(Errno) {
                    try io.unlink(failedFile)
                } catch .noSuchFileOrDirectory {
                }
            }
        } catch {
            return false
        }
        self.failedFile = nil
        committedFile = nil
        return true
    }

    private func probe() -> Bool {
        let path = directory.logDirectory.appending(".swiftzk-space-probe")
        let io = directory.io
        do throws(Errno) {
            let handle = try io.open(path, .createOrTruncate)
            defer {
                try? handle.close()
                try? io.unlink(path)
            }
            try handle.write([UInt8](repeating: 0, count: 64 * 1024), at: 0)
            try handle.sync(dataOnly: false)
            return true
        } catch {
            return false
        }
    }
}
