import SystemPackage
import ZKDataTree
import ZKProtocol

/// The `version-2` directories of a server: snapshots under `dataDir`,
/// transaction logs under `dataLogDir` (the same directory unless
/// configured apart), as Apache's FileTxnSnapLog lays them out.
public struct DataDirectory: Hashable, Sendable {
    /// `<dataDir>/version-2`.
    public let snapshotDirectory: FilePath
    /// `<dataLogDir>/version-2`.
    public let logDirectory: FilePath
    /// The files, through the storage port.
    public let io: any StorageIO

    public static func == (lhs: DataDirectory, rhs: DataDirectory) -> Bool {
        lhs.snapshotDirectory == rhs.snapshotDirectory && lhs.logDirectory == rhs.logDirectory
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(snapshotDirectory)
        hasher.combine(logDirectory)
    }

    /// The layout for zoo.cfg's `dataDir` and optional `dataLogDir`.
    public init(dataDir: FilePath, dataLogDir: FilePath? = nil, io: any StorageIO = PosixStorageIO()) {
        snapshotDirectory = dataDir.appending(StorageFormat.versionDirectory)
        logDirectory = (dataLogDir ?? dataDir).appending(StorageFormat.versionDirectory)
        self.io = io
    }

    /// A layout from the `version-2` directories themselves.
    public init(snapshotDirectory: FilePath, logDirectory: FilePath, io: any StorageIO = PosixStorageIO()) {
        self.snapshotDirectory = snapshotDirectory
        self.logDirectory = logDirectory
        self.io = io
    }

    /// Creates both directories if missing (Apache's
    /// `zookeeper.datadir.autocreate`, on by default).
    public func createDirectories() throws(StorageError) {
        for directory in [snapshotDirectory, logDirectory] {
            try storageCall(directory, "mkdir") { () throws(Errno) in try io.makeDirectories(directory) }
        }
    }

    /// Snapshot files, oldest first (by the zxid in the name).
    public func snapshotFiles() throws(StorageError) -> [StorageFile] {
        try files(in: snapshotDirectory, kind: .snapshot)
    }

    /// Log files, oldest first (by the zxid in the name).
    public func logFiles() throws(StorageError) -> [StorageFile] {
        try files(in: logDirectory, kind: .log)
    }

    /// The logs needed to replay after a snapshot at `zxid`: the newest
    /// log starting at or before it, and every later one (Apache's
    /// FileTxnLog.getLogFiles). All logs when none starts that early.
    public func logFiles(after zxid: Zxid) throws(StorageError) -> [StorageFile] {
        let logs = try logFiles()
        guard let start = logs.lastIndex(where: { $0.zxid <= zxid }) else { return logs }
        return Array(logs[start...])
    }

    /// A writer for new log files in `logDirectory`; give it the recovered
    /// `lastZxid` so it refuses anything at or before it.
    public func makeLogWriter(options: TxnLogWriter.Options = TxnLogWriter.Options(),
                              lastZxid: Zxid? = nil) -> TxnLogWriter {
        TxnLogWriter(directory: logDirectory, options: options, lastZxid: lastZxid, io: io)
    }

    /// Writes `snapshot.<tree.lastProcessedZxid>` into `snapshotDirectory`.
    @discardableResult
    public func writeSnapshot(tree: DataTree, sessions: [SessionID: Int32],
                              options: SnapshotOptions = SnapshotOptions()) throws(StorageError) -> FilePath {
        try SnapshotWriter.write(tree: tree, sessions: sessions, to: snapshotDirectory, options: options, io: io)
    }

    /// Apache's ZOOKEEPER-2967 check: when the two directories differ, the
    /// log directory holds no snapshots and the snapshot directory no logs,
    /// which catches a dataDir and dataLogDir swapped in zoo.cfg.
    public func checkLayout() throws(StorageError) {
        guard snapshotDirectory != logDirectory else { return }
        if try !files(in: logDirectory, kind: .snapshot).isEmpty {
            throw .invalidArgument("\(logDirectory.text): log directory has snapshot files; check dataLogDir and dataDir in zoo.cfg")
        }
        if try !files(in: snapshotDirectory, kind: .log).isEmpty {
            throw .invalidArgument("\(snapshotDirectory.text): snapshot directory has log files; check dataLogDir and dataDir in zoo.cfg")
        }
    }

    /// Temporary files of snapshot writes a crash interrupted.
    func unfinishedSnapshots() throws(StorageError) -> [FilePath] {
        try names(in: snapshotDirectory).filter { $0.hasPrefix(SnapshotWriter.temporaryPrefix) }
            .sorted().map { snapshotDirectory.appending($0) }
    }

    private func names(in directory: FilePath) throws(StorageError) -> [String] {
        do throws(Errno) {
            return try io.listDirectory(directory)
        } catch .noSuchFileOrDirectory {
            return []
        } catch {
            throw .io(file: directory.text, operation: "list", errno: error)
        }
    }

    private func files(in directory: FilePath, kind: StorageFile.Kind) throws(StorageError) -> [StorageFile] {
        try names(in: directory).compactMap { StorageFileName.parse($0, in: directory) }
            .filter { $0.kind == kind }
            // By zxid; the name (slow to compute from a FilePath) only breaks ties.
            .sorted { $0.zxid != $1.zxid ? $0.zxid < $1.zxid : $0.name < $1.name }
    }
}
