import SystemPackage

extension DataDirectory {
    /// Deletes old snapshots and logs as Apache's PurgeTxnLog does (the
    /// autopurge task and `zkCleanup.sh`): keeps the newest
    /// `snapRetainCount` snapshots that look complete, and every log needed
    /// to replay from the oldest of them (the newest log starting at or
    /// before its zxid, and all later logs). Older snapshots and logs are
    /// deleted. Returns the deleted files.
    ///
    /// Apache requires at least 3. Unlike Apache, names whose zxid does not
    /// parse are never deleted, nor are compressed snapshots counted unless
    /// they start with their format's magic bytes (as Apache checks).
    @discardableResult
    public func purge(snapRetainCount: Int) throws(StorageError) -> [FilePath] {
        guard snapRetainCount >= 3 else {
            throw .invalidArgument("snapRetainCount must be at least 3, got \(snapRetainCount)")
        }
        let snapshots = try snapshotFiles()
        let retained = snapshots.reversed().filter { Self.looksValid($0, io: io) }.prefix(snapRetainCount)
        guard let oldestKept = retained.last else { return [] }
        let neededLogs = Set(try logFiles(after: oldestKept.zxid))
        let doomed = try logFiles().filter { $0.zxid < oldestKept.zxid && !neededLogs.contains($0) }
            + snapshots.filter { $0.zxid < oldestKept.zxid }
        var deleted: [FilePath] = []
        for file in doomed {
            try storageCall(file.path, "unlink") { () throws(Errno) in try io.unlink(file.path) }
            deleted.append(file.path)
        }
        return deleted
    }

    /// Apache's SnapStream.isValidSnapshot: the seal at the end of an
    /// uncompressed snapshot, the magic at the start of a compressed one.
    static func looksValid(_ file: StorageFile, io: any StorageIO = PosixStorageIO()) -> Bool {
        let magic: [UInt8]
        switch file.compression {
        case nil: return SnapshotReader.looksComplete(file.path, io: io)
        case "gz": magic = [0x1f, 0x8b]
        default: magic = [0x82] + Array("SNAPPY".utf8) + [0]
        }
        guard let fd = try? openForReading(io, file.path) else { return false }
        defer { try? fd.close() }
        guard var window = try? FileWindow(handle: fd, path: file.path),
              let start = try? window.bytes(at: 0, count: magic.count) else { return false }
        return start.elementsEqual(magic)
    }
}
