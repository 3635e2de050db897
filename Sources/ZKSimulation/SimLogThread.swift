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
        var generation: Int
    }

    enum Event {
        /// Transactions made durable (or, with a planted bug, only written).
        case durable(upTo: Zxid, [Entry])
        case failed(after: Zxid)
        case recovered
        /// The log rolled: take a snapshot now.
        case rolled
    }

    let log: TxnLog
    private var policy: SnapshotPolicy<SimRandom>
    private let bugs: PlantedBug

    private(set) var queue: [Entry] = []
    /// Written to the file, not yet fsynced.
    private(set) var written: [Entry] = []
    /// Written by a batch that then failed, not yet cut away.
    private(set) var failedTail: [Entry] = []
    private var reportedEarly = false
    private(set) var lastDurableZxid: Zxid
    private var failedGeneration = -1
    private(set) var inFailure = false
    private var discarded = false

    init(directory: DataDirectory, lastZxid: Zxid, snapCount: Int, random: SimRandom, bugs: PlantedBug) {
        log = TxnLog(directory: directory, options: TxnLogWriter.Options(preAllocSize: 64 * 1024))
        policy = SnapshotPolicy(snapCount: snapCount, snapSizeLimitBytes: 4 * 1024 * 1024, generator: random)
        lastDurableZxid = lastZxid
        self.bugs = bugs
    }

    func append(_ header: TxnHeader, _ body: TxnBody, generation: Int) {
        queue.append(Entry(header: header, body: body, generation: generation))
    }

    /// Transactions that may be on disk beyond the last durable zxid.
    var maybeOnDisk: [Entry] { failedTail + written }

    var hasWork: Bool { !queue.isEmpty || !written.isEmpty || inFailure }

    /// When the thread next tries the disk after a failure, and the wait
    /// after that (LogWriter backs off from 100 ms to 2 s).
    private var retryAtNanos: UInt64 = 0
    private var retryDelayNanos: UInt64 = 100_000_000

    /// One step of the thread.
    func step(nowNanos: UInt64) -> [Event] {
        if inFailure {
            guard nowNanos >= retryAtNanos else { return [] }
            retryAtNanos = nowNanos + retryDelayNanos
            retryDelayNanos = min(retryDelayNanos * 2, 2_000_000_000)
            return retryAfterFailure()
        }
        if !written.isEmpty { return syncWritten() }
        return writeQueued()
    }

    private func writeQueued() -> [Event] {
        let live = queue.filter { $0.generation > failedGeneration }
        queue.removeAll()
        guard !live.isEmpty else { return [] }
        written = live
        do throws(StorageError) {
            for entry in live { try log.append(entry.header, entry.body) }
            try log.flush()
        } catch {
            return fail(generation: live[live.count - 1].generation)
        }
        if bugs.contains(.replyBeforeFsync), let last = live.last {
            reportedEarly = true
            return [.durable(upTo: Zxid(raw: last.header.zxid), live)]
        }
        return []
    }

    private func syncWritten() -> [Event] {
        let batch = written
        do throws(StorageError) {
            try log.commit(sync: true)
        } catch {
            return fail(generation: batch[batch.count - 1].generation)
        }
        written = []
        lastDurableZxid = Zxid(raw: batch[batch.count - 1].header.zxid)
        var events: [Event] = []
        if reportedEarly {
            reportedEarly = false
        } else {
            events.append(.durable(upTo: lastDurableZxid, batch))
        }
        if policy.shouldRoll(appended: batch.count, currentLogBytes: log.currentSize) {
            if (try? log.roll()) != nil { events.append(.rolled) }
        }
        return events
    }

    private func fail(generation: Int) -> [Event] {
        failedGeneration = generation
        failedTail = written
        written = []
        reportedEarly = false
        inFailure = true
        discarded = false
        retryAtNanos = 0
        retryDelayNanos = 100_000_000
        return [.failed(after: lastDurableZxid)]
    }

    /// The log's discard and probe, then roll and recover.
    private func retryAfterFailure() -> [Event] {
        if !discarded { discarded = (try? log.discardUncommitted(lastDurableZxid: lastDurableZxid)) != nil }
        guard discarded, (try? log.probe()) != nil else { return [] }
        failedTail = []
        inFailure = false
        try? log.roll()
        return [.recovered]
    }
}
