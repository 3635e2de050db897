import Foundation
import Logging
import NIOConcurrencyHelpers
import ZKProtocol
import ZKServerCore
import ZKStorage

/// What the log writer needs from the files: append, make durable, roll to a
/// new file, and undo what a failed batch left behind.
protocol LogFiles {
    /// Appends one transaction to the current file (opening one if none).
    mutating func append(_ header: TxnHeader, _ body: TxnBody) throws
    /// Flushes and, when `sync` is true, fsyncs everything appended.
    mutating func commit(sync: Bool) throws
    /// Closes the current file; the next append starts a new one.
    mutating func roll() throws
    /// Cuts the current file back to the end of the last committed batch.
    mutating func discardUncommitted(lastDurableZxid: Zxid) throws
    /// Checks that the log directory can be written again (after disk full).
    func probe() throws
    /// Bytes in the current file.
    var currentSize: Int64 { get }
}

/// The transaction log thread: group commit (one fsync for everything queued
/// while the previous fsync ran), then reports durability to the state loop.
/// It never runs on an event loop, so neither the network nor the state loop
/// waits for the disk.
final class LogWriter: TransactionLogSink, @unchecked Sendable {
    private struct Entry {
        var header: TxnHeader
        var body: TxnBody
        var generation: Int
    }

    // Guarded by `condition`; its value is "there is something to do".
    private let condition = ConditionLock<Bool>(value: false)
    private var queue: [Entry] = []
    private var stopping = false

    // Touched only by the writer thread.
    private var files: any LogFiles
    private var lastDurableZxid: Int64
    private var failedGeneration = -1
    private var policy: SnapshotPolicy<SystemRandomNumberGenerator>

    private let forceSync: Bool
    private let logger: Logger
    private let thread = NIOLockedValueBox<Thread?>(nil)
    /// Set once, before the first append.
    private let loop = NIOLockedValueBox<StateLoop?>(nil)
    /// Called on the writer thread after each roll, with the last durable zxid.
    private let onRoll = NIOLockedValueBox<(@Sendable (Int64) -> Void)?>(nil)

    init(files: any LogFiles, lastZxid: Int64, snapCount: Int, snapSizeLimitBytes: Int64, forceSync: Bool,
         logger: Logger) {
        self.files = files
        self.lastDurableZxid = lastZxid
        policy = SnapshotPolicy(snapCount: snapCount, snapSizeLimitBytes: snapSizeLimitBytes,
                                generator: SystemRandomNumberGenerator())
        self.forceSync = forceSync
        self.logger = logger
    }

    /// Starts the thread. `onRoll` runs on it after each roll (to take a
    /// snapshot), with the last durable zxid.
    func start(reportingTo stateLoop: StateLoop, onRoll: @escaping @Sendable (Int64) -> Void) {
        loop.withLockedValue { $0 = stateLoop }
        self.onRoll.withLockedValue { $0 = onRoll }
        let thread = Thread { [self] in run() }
        thread.name = "swiftzk-log"
        self.thread.withLockedValue { $0 = thread }
        thread.start()
    }

    func append(_ entries: [(TxnHeader, TxnBody)], generation: Int) {
        condition.lock()
        for (header, body) in entries { queue.append(Entry(header: header, body: body, generation: generation)) }
        condition.unlock(withValue: true)
    }

    /// Writes what is queued, then stops the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.unlock(withValue: true)
    }

    private func run() {
        while true {
            condition.lock(whenValue: true)
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let stop = stopping
            condition.unlock(withValue: false)
            if !batch.isEmpty { write(batch) }
            if stop {
                try? files.roll()
                return
            }
        }
    }

    private func write(_ batch: [Entry]) {
        // Entries from before a failure were already answered with an error.
        let live = batch.filter { $0.generation > failedGeneration }
        guard let last = live.last else { return }
        do {
            for entry in live { try files.append(entry.header, entry.body) }
            try files.commit(sync: forceSync)
        } catch {
            fail(error, generation: last.generation)
            return
        }
        lastDurableZxid = last.header.zxid
        loop.withLockedValue { $0 }?.durable(upTo: lastDurableZxid)
        if policy.shouldRoll(appended: live.count, currentLogBytes: files.currentSize) {
            do {
                try files.roll()
                onRoll.withLockedValue { $0 }?(lastDurableZxid)
            } catch {
                logger.error("cannot roll the transaction log: \(error)")
            }
        }
    }

    /// A write or fsync failed: nothing after the last durable zxid counts.
    /// Tell the state loop, then wait until the disk takes writes again.
    private func fail(_ error: Error, generation: Int) {
        failedGeneration = generation
        let loop = self.loop.withLockedValue { $0 }
        loop?.logFailed(after: lastDurableZxid, reason: "\(error)")
        // The uncommitted tail must go before anything is written again. Its
        // zxids are never handed out again: the next file records the gap.
        var discarded = false
        var delay = 0.1
        while true {
            if !discarded { discarded = (try? files.discardUncommitted(lastDurableZxid: Zxid(raw: lastDurableZxid))) != nil }
            if discarded, (try? files.probe()) != nil { break }
            if condition.withLock({ stopping }) { return }
            Thread.sleep(forTimeInterval: delay)
            delay = min(delay * 2, 2)
        }
        try? files.roll()
        loop?.logRecovered()
    }
}

extension ConditionLock {
    fileprivate func withLock<R>(_ body: () -> R) -> R {
        lock()
        defer { unlock() }
        return body()
    }
}
