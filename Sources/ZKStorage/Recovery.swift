import SystemPackage
import ZKDataTree
import ZKProtocol

/// How `DataDirectory.recover` behaves.
public struct RecoveryOptions: Sendable {
    /// Cut a torn tail off its log file, so the file ends at the last
    /// complete record (Apache leaves it and only starts a new file; a
    /// damaged tail left in place would stop Apache with "CRC check failed").
    public var truncateTornTail: Bool
    /// Write `snapshot.0` when the directory is empty, as Apache does, so
    /// logs written later always have a snapshot to replay onto.
    public var writeInitialSnapshot: Bool
    /// Options for that initial snapshot.
    public var snapshotOptions: SnapshotOptions
    /// Compare the tree digest with the digests in the snapshot and the log
    /// while replaying, as Apache does; a mismatch becomes a warning.
    public var verifyDigests: Bool
    /// Replay logs onto an empty tree when there is no snapshot (Apache's
    /// `zookeeper.snapshot.trust.empty`, for upgrades from 3.4).
    public var trustEmptySnapshot: Bool
    /// How many of the newest snapshots to try (Apache tries 100).
    public var maxSnapshotsToTry: Int
    /// Create missing directories (Apache's `zookeeper.datadir.autocreate`).
    public var createDirectories: Bool

    /// Apache's behaviour, plus truncation of torn tails and digest checks.
    public init(truncateTornTail: Bool = true, writeInitialSnapshot: Bool = true,
                snapshotOptions: SnapshotOptions = SnapshotOptions(), verifyDigests: Bool = true,
                trustEmptySnapshot: Bool = false, maxSnapshotsToTry: Int = 100, createDirectories: Bool = true) {
        self.truncateTornTail = truncateTornTail
        self.writeInitialSnapshot = writeInitialSnapshot
        self.snapshotOptions = snapshotOptions
        self.verifyDigests = verifyDigests
        self.trustEmptySnapshot = trustEmptySnapshot
        self.maxSnapshotsToTry = maxSnapshotsToTry
        self.createDirectories = createDirectories
    }
}

/// What recovery rebuilt.
public struct RecoveredState: Sendable {
    /// The tree as of `lastZxid`.
    public var tree: DataTree
    /// Session id → timeout in milliseconds: the snapshot's sessions, plus
    /// those created and minus those closed in the replayed log.
    public var sessions: [SessionID: Int32]
    /// The last zxid in the tree: the snapshot's or the last replayed.
    public var lastZxid: Zxid
    /// The snapshot loaded; nil for an empty directory.
    public var snapshot: StorageFile?
    /// Transactions applied after the snapshot.
    public var replayedTxnCount: Int
    /// Everything recovery noticed or repaired, in order.
    public var warnings: [RecoveryWarning]
}

/// Something recovery noticed or repaired on the way.
public enum RecoveryWarning: Hashable, Sendable, CustomStringConvertible {
    /// A snapshot was passed over for an older one.
    case snapshotSkipped(file: String, reason: String)
    /// A log ended in a torn record, which was cut off: the file now ends at `offset`.
    case tornTailTruncated(file: String, offset: Int64, problem: LogRecordProblem)
    /// A log ends in a torn record, left in place (`truncateTornTail` off).
    case tornTail(file: String, offset: Int64, problem: LogRecordProblem)
    /// The newest log was empty or held only zeros (a crash while creating
    /// it) and was deleted, as Apache deletes an empty tail log.
    case emptyLogDeleted(file: String)
    /// A log file named for a zxid below its first transaction: the zxids
    /// between were handed out for a batch the log failed to write, and
    /// are skipped on purpose.
    case zxidsSkippedAfterLogFailure(file: String, from: Zxid, upTo: Zxid)
    /// Damage in the middle of a log, but only in transactions the snapshot
    /// already holds; reading resumed at `resumedAt`.
    case damageBeforeSnapshot(file: String, offset: Int64, problem: LogRecordProblem, resumedAt: Int64)
    /// The tree's digest differs from the one recorded for `zxid` (the
    /// first mismatch only). The snapshot or log was written from a tree
    /// that differs from the one rebuilt here.
    case digestMismatch(zxid: Zxid, recorded: Int64, computed: Int64)
    /// The snapshot's digest is for a zxid the log never reached.
    case snapshotDigestNotReached(digestZxid: Zxid, lastZxid: Zxid)
    /// No snapshot or log existed; an empty `snapshot.0` was written.
    case initialSnapshotWritten(file: String)
    /// A temporary file of a snapshot write that never finished was deleted.
    case unfinishedSnapshotDeleted(file: String)
    /// Nodes of a fuzzy snapshot named ACL lists the snapshot lacked and the
    /// replayed log did not restore; they keep an ACL that grants nothing.
    case aclsNotRestored(count: Int)

    public var description: String {
        switch self {
        case let .snapshotSkipped(file, reason):
            return "\(file): snapshot skipped: \(reason)"
        case let .aclsNotRestored(count):
            return "\(count) node(s) of the snapshot name an ACL list it lacks and the log did not restore; they grant nothing until setAcl"
        case let .tornTailTruncated(file, offset, problem):
            return "\(file): torn tail (\(problem)) truncated at offset \(offset)"
        case let .tornTail(file, offset, problem):
            return "\(file): torn tail (\(problem)) at offset \(offset), left in place"
        case let .emptyLogDeleted(file):
            return "\(file): empty log file deleted"
        case let .zxidsSkippedAfterLogFailure(file, from, upTo):
            return "\(file): zxids \(from) to \(upTo) were never written (a log failure voided them)"
        case let .damageBeforeSnapshot(file, offset, problem, resumedAt):
            return "\(file): damaged record at offset \(offset) (\(problem)) holds only transactions the snapshot covers; resumed at offset \(resumedAt)"
        case let .digestMismatch(zxid, recorded, computed):
            return "tree digest mismatch at zxid \(zxid): recorded \(recorded), computed \(computed)"
        case let .snapshotDigestNotReached(digestZxid, lastZxid):
            return "the snapshot's digest is for zxid \(digestZxid) but the log ends at \(lastZxid)"
        case let .initialSnapshotWritten(file):
            return "\(file): empty data directory, initial snapshot written"
        case let .unfinishedSnapshotDeleted(file):
            return "\(file): unfinished snapshot deleted"
        }
    }
}

extension DataDirectory {
    /// Rebuilds the tree and sessions, as Apache's FileTxnSnapLog.restore:
    /// loads the newest snapshot that reads cleanly (older ones if it does
    /// not), then replays every logged transaction after its zxid, in
    /// order, across log files.
    ///
    /// A torn tail (an incomplete last record, nothing valid after it) is
    /// normal after a crash: recovery keeps every complete transaction
    /// before it and, by default, truncates the file there. Damage with
    /// valid records after it, a hole in the zxids, or logs without any
    /// snapshot are errors, never silent loss.
    public func recover(extendedTypesEnabled: Bool, options: RecoveryOptions = RecoveryOptions()) throws(StorageError) -> RecoveredState {
        if options.createDirectories { try createDirectories() }
        try checkLayout()
        var warnings: [RecoveryWarning] = []
        for path in try unfinishedSnapshots() {
            try storageCall(path, "unlink") { () throws(Errno) in try io.unlink(path) }
            warnings.append(.unfinishedSnapshotDeleted(file: path.text))
        }

        guard let loaded = try loadNewestSnapshot(extendedTypesEnabled: extendedTypesEnabled,
                                                 options: options, warnings: &warnings) else {
            return try recoverWithoutSnapshot(extendedTypesEnabled: extendedTypesEnabled, options: options, warnings: warnings)
        }
        let (file, snapshot) = loaded
        var replay = Replay(tree: snapshot.tree, sessions: snapshot.sessions, snapshotZxid: snapshot.zxid,
                            snapshotDigest: snapshot.digest, verifyDigests: options.verifyDigests, io: io)
        replay.unresolvedACLs = snapshot.unresolvedACLPaths
        try replay.run(logs: logFiles(after: snapshot.zxid), options: options)
        if !replay.unresolvedACLs.isEmpty {
            replay.warnings.append(.aclsNotRestored(count: replay.unresolvedACLs.count))
        }
        warnings += replay.warnings
        return RecoveredState(tree: replay.tree, sessions: replay.sessions, lastZxid: replay.lastZxid,
                              snapshot: file, replayedTxnCount: replay.applied, warnings: warnings)
    }

    private func loadNewestSnapshot(
        extendedTypesEnabled: Bool, options: RecoveryOptions, warnings: inout [RecoveryWarning]
    ) throws(StorageError) -> (StorageFile, Snapshot)? {
        let files = try snapshotFiles()
        guard !files.isEmpty else { return nil }
        var problems: [String] = []
        for file in files.reversed().prefix(options.maxSnapshotsToTry) {
            let reason: String
            if SnapshotReader.looksComplete(file.path, io: io) || file.compression != nil {
                do throws(StorageError) {
                    return (file, try SnapshotReader.read(file.path, extendedTypesEnabled: extendedTypesEnabled, io: io))
                } catch {
                    reason = error.description
                }
            } else {
                reason = "incomplete: it does not end with a seal"
            }
            warnings.append(.snapshotSkipped(file: file.path.text, reason: reason))
            problems.append("\(file.name): \(reason)")
        }
        // Snapshots exist but none is usable: starting empty would lose data.
        throw .noValidSnapshot(directory: snapshotDirectory.text, problems: problems)
    }

    private func recoverWithoutSnapshot(
        extendedTypesEnabled: Bool, options: RecoveryOptions, warnings: [RecoveryWarning]
    ) throws(StorageError) -> RecoveredState {
        var warnings = warnings
        let logs = try logFiles()
        var replay = Replay(tree: DataTree(extendedTypesEnabled: extendedTypesEnabled), sessions: [:],
                            snapshotZxid: 0, snapshotDigest: nil, verifyDigests: options.verifyDigests, io: io)
        var hasTransactions = false
        for file in logs where Self.holdsTransactions(file, io: io) {
            hasTransactions = true
            break
        }
        if hasTransactions {
            guard options.trustEmptySnapshot else { throw .logsWithoutSnapshot(directory: logDirectory.text) }
            try replay.run(logs: logs, options: options)
        } else {
            try replay.run(logs: logs, options: options)
            if options.writeInitialSnapshot {
                let path = try SnapshotWriter.write(tree: replay.tree, sessions: [:], zxid: 0,
                                                    to: snapshotDirectory, options: options.snapshotOptions, io: io)
                warnings.append(.initialSnapshotWritten(file: path.text))
            }
        }
        warnings += replay.warnings
        return RecoveredState(tree: replay.tree, sessions: replay.sessions, lastZxid: replay.lastZxid,
                              snapshot: nil, replayedTxnCount: replay.applied, warnings: warnings)
    }

    /// True when the log file has a record, or damage that may hide one.
    /// A file without a readable header holds none (replay decides whether
    /// that is an empty tail or an error).
    private static func holdsTransactions(_ file: StorageFile, io: any StorageIO) -> Bool {
        guard var reader = try? TxnLogReader(path: file.path, io: io) else { return false }
        do {
            return try reader.next() != nil || reader.end != .clean(offset: StorageFormat.fileHeaderBytes)
        } catch {
            return true
        }
    }
}

/// Replays log files onto a tree, checking that zxids follow on.
struct Replay {
    var tree: DataTree
    var sessions: [SessionID: Int32]
    let snapshotZxid: Zxid
    var lastZxid: Zxid
    var applied = 0
    var warnings: [RecoveryWarning] = []
    /// Snapshot nodes whose ACL list is still unknown (see `mendACL`).
    var unresolvedACLs: Set<[UInt8]> = []

    private var digests: DigestTracker?
    /// The snapshot's digest while the tree is still fuzzy (before its zxid).
    private var pendingSnapshotDigest: SnapshotDigest?
    private var reportedDigestMismatch = false
    let io: any StorageIO

    init(tree: DataTree, sessions: [SessionID: Int32], snapshotZxid: Zxid, snapshotDigest: SnapshotDigest?, verifyDigests: Bool,
         io: any StorageIO) {
        self.io = io
        self.tree = tree
        self.sessions = sessions
        self.snapshotZxid = snapshotZxid
        self.lastZxid = snapshotZxid
        guard verifyDigests else { return }
        digests = DigestTracker(tree: tree)
        // As DataTree.deserializeZxidDigest: zxid 0 means none, and a digest
        // older than the snapshot cannot be checked.
        if let digest = snapshotDigest, digest.zxid > 0, digest.zxid >= snapshotZxid {
            pendingSnapshotDigest = digest
            checkSnapshotDigest(at: snapshotZxid)
        }
    }

    mutating func run(logs: [StorageFile], options: RecoveryOptions) throws(StorageError) {
        for (index, file) in logs.enumerated() {
            try replay(file, isNewest: index == logs.count - 1, options: options)
        }
        if let pending = pendingSnapshotDigest {
            warnings.append(.snapshotDigestNotReached(digestZxid: pending.zxid, lastZxid: lastZxid))
        }
    }

    private mutating func replay(_ file: StorageFile, isNewest: Bool, options: RecoveryOptions) throws(StorageError) {
        var reader: TxnLogReader
        do throws(StorageError) {
            reader = try TxnLogReader(path: file.path, io: io)
        } catch {
            // A crash while creating the newest log can leave it empty or
            // all zeros; Apache deletes an empty tail log too.
            // A header cut short holds no transaction either: a crash
            // tore the first write of the file (found by the simulator).
            var torn = false
            if case .truncatedHeader = error { torn = true }
            if !torn { torn = try Self.isEmptyOrZeros(file.path, io: io) }
            guard isNewest, torn else { throw error }
            try storageCall(file.path, "unlink") { () throws(Errno) in try io.unlink(file.path) }
            warnings.append(.emptyLogDeleted(file: file.path.text))
            return
        }
        while true {
            let record: TxnLogRecord?
            do throws(StorageError) {
                record = try reader.next()
            } catch {
                guard case let .corruptLog(_, offset, problem, nextValid) = error else { throw error }
                // Damage is harmless only if every record it hides is already
                // in the snapshot: the next good one must follow on from it.
                var probe = try TxnLogReader(path: file.path, offset: nextValid, io: io)
                guard let resume = try probe.next(), resume.zxid <= snapshotZxid.next else { throw error }
                warnings.append(.damageBeforeSnapshot(file: file.path.text, offset: offset, problem: problem, resumedAt: nextValid))
                reader = try TxnLogReader(path: file.path, offset: nextValid, io: io)
                continue
            }
            guard let record else { break }
            if record.zxid <= snapshotZxid { continue }
            try checkOrder(record, file: file)
            apply(record.entry)
        }
        if case let .tornTail(offset, problem) = reader.end {
            if options.truncateTornTail {
                try Self.truncate(file.path, at: offset, io: io)
                warnings.append(.tornTailTruncated(file: file.path.text, offset: offset, problem: problem))
            } else {
                warnings.append(.tornTail(file: file.path.text, offset: offset, problem: problem))
            }
        }
    }

    /// Zxids rise by one within an epoch (the high 32 bits); a new epoch may
    /// start anywhere above.
    private mutating func checkOrder(_ record: TxnLogRecord, file: StorageFile) throws(StorageError) {
        let zxid = record.zxid
        guard zxid > lastZxid else {
            throw .zxidOutOfOrder(file: file.path.text, offset: record.offset, previous: lastZxid, found: zxid)
        }
        if zxid.epoch == lastZxid.epoch, zxid != lastZxid.next {
            // The one gap allowed: a file's first record, in a file named
            // for the first skipped zxid (TxnLogWriter.skippedFromZxid).
            // A gap anywhere else is a lost file or damage.
            if record.offset == StorageFormat.fileHeaderBytes, file.zxid <= lastZxid.next, file.zxid < zxid {
                warnings.append(.zxidsSkippedAfterLogFailure(file: file.path.text, from: lastZxid.next, upTo: Zxid(raw: zxid.raw - 1)))
                return
            }
            throw .missingTransactions(file: file.path.text, offset: record.offset, expected: lastZxid.next, found: zxid)
        }
    }

    private mutating func apply(_ entry: TxnLogEntry) {
        let header = entry.header
        switch entry.body {
        case .createSession(let txn): sessions[SessionID(raw: header.clientId)] = txn.timeOut
        case .closeSession: sessions[SessionID(raw: header.clientId)] = nil
        default: break
        }
        var triggers: [WatchTrigger] = []
        if digests != nil {
            _ = digests?.apply(header, entry.body, to: &tree, triggers: &triggers)
            checkSnapshotDigest(at: Zxid(raw: header.zxid))
            if pendingSnapshotDigest == nil, let recorded = entry.digest, recorded.version == TreeDigest.version,
               let computed = digests?.value {
                report(zxid: Zxid(raw: header.zxid), recorded: recorded.treeDigest, computed: computed)
            }
        } else {
            _ = tree.apply(header, entry.body, triggers: &triggers)
        }
        if !unresolvedACLs.isEmpty { mendACL(entry.body) }
        lastZxid = Zxid(raw: header.zxid)
        applied += 1
    }

    /// A node of a fuzzy snapshot that named an unknown ACL list was created
    /// while the snapshot was written, so its create is in the log. Replaying
    /// it fails (the node exists), as in Apache, but its list is the one the
    /// node was made with: restore it. A later setACL or delete settles the
    /// node on its own.
    private mutating func mendACL(_ body: TxnBody) {
        func restore(_ path: JuteBytes, _ acl: [ACL]?) {
            let key = path.bytesOrEmpty
            guard unresolvedACLs.contains(key) else { return }
            tree.restoreACL(at: key, acl ?? [])
            unresolvedACLs.remove(key)
        }
        switch body {
        case .create(let t): restore(t.path, t.acl)
        case .createV0(let t): restore(t.path, t.acl)
        case .createTTL(let t): restore(t.path, t.acl)
        case .createContainer(let t): restore(t.path, t.acl)
        case .setACL(let t): unresolvedACLs.remove(t.path.bytesOrEmpty)
        case .delete(let t): unresolvedACLs.remove(t.path.bytesOrEmpty)
        case .multi(let t):
            for sub in t.txns ?? [] {
                if let inner = try? TxnBody(type: sub.type, bytes: sub.data.bytesOrEmpty) { mendACL(inner) }
            }
        default:
            break
        }
    }

    /// Compares with the snapshot's digest once the tree reaches its zxid
    /// (DataTree.compareSnapshotDigests).
    private mutating func checkSnapshotDigest(at zxid: Zxid) {
        guard let pending = pendingSnapshotDigest, zxid >= pending.zxid else { return }
        pendingSnapshotDigest = nil
        guard zxid == pending.zxid, pending.version == TreeDigest.version, let computed = digests?.value else { return }
        report(zxid: zxid, recorded: pending.digest, computed: computed)
    }

    private mutating func report(zxid: Zxid, recorded: Int64, computed: Int64) {
        guard recorded != computed, !reportedDigestMismatch else { return }
        reportedDigestMismatch = true
        warnings.append(.digestMismatch(zxid: zxid, recorded: recorded, computed: computed))
    }

    static func truncate(_ path: FilePath, at offset: Int64, io: any StorageIO) throws(StorageError) {
        let fd = try storageCall(path, "open") { () throws(Errno) in try io.open(path, .readWrite) }
        defer { try? fd.close() }
        try storageCall(path, "truncate") { () throws(Errno) in try fd.truncate(to: offset) }
        try storageCall(path, "fsync") { () throws(Errno) in try fd.sync(dataOnly: false) }
    }

    static func isEmptyOrZeros(_ path: FilePath, io: any StorageIO) throws(StorageError) -> Bool {
        let fd = try openForReading(io, path)
        defer { try? fd.close() }
        var window = try FileWindow(handle: fd, path: path)
        return try window.firstNonZero(from: 0) == nil
    }
}
