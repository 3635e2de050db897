import SystemPackage
import ZKDataTree
import ZKProtocol

/// Writes `snapshot.<zxid>` files in Apache's format (FileSnap.serialize).
///
/// Layout: FileHeader ("ZKSN", 2, dbid -1); the session count, then each
/// session's id (int64) and timeout (int32); the ACL cache (entry count,
/// then per entry an int64 id and a vector of ACL); the nodes in pre-order
/// from the root, each a path string ("" for the root) and a DataNode
/// (data buffer, int64 ACL id, StatPersisted); the path "/" as terminator;
/// then a seal: the Adler32 of every byte so far as an int64, and "/".
/// Optional trailers follow, each sealed the same way over everything
/// before it: the ZxidDigest (3.6+) and the lastProcessedZxid (3.9+).
///
/// Nodes refer to ACLs by id, as Apache's ReferenceCountedACLCache does.
/// Ids are given out from 1 in the order ACLs first appear; world:anyone
/// with all permissions is -1, which Apache reads as OPEN_ACL_UNSAFE.
///
/// The writer takes a `DataTree` value, so a caller can snapshot a copy (a
/// cheap copy-on-write) on a background thread while the live tree moves on.
public enum SnapshotWriter {
    /// The ACL id Apache reserves for OPEN_ACL_UNSAFE.
    public static let openACLUnsafeID: Int64 = -1

    /// The name prefix of a snapshot being written; recovery deletes
    /// leftovers. Neither Apache nor `StorageFileName` reads such names.
    static let temporaryPrefix = ".tmp-"

    /// Writes a snapshot of `tree` and `sessions` into `directory` as
    /// `snapshot.<zxid>` (default: the tree's lastProcessedZxid) and returns
    /// its path. The file is written under a temporary name, fsynced, then
    /// renamed, so a crash never leaves a partial file under the real name.
    @discardableResult
    public static func write(
        tree: DataTree, sessions: [SessionID: Int32], zxid: Zxid? = nil,
        to directory: FilePath, options: SnapshotOptions = SnapshotOptions(), io: any StorageIO = PosixStorageIO()
    ) throws(StorageError) -> FilePath {
        let zxid = zxid ?? Zxid(raw: tree.lastProcessedZxid)
        let name = StorageFileName.snapshot(zxid)
        let target = directory.appending(name)
        // Not "snapshot.<zxid>.tmp" as Apache's AtomicFileOutputStream
        // names it: Apache would take that for a snapshot.
        let temporary = directory.appending(temporaryPrefix + name)
        let fd = try storageCall(temporary, "open") { () throws(Errno) in try io.open(temporary, .createOrTruncate) }
        do throws(StorageError) {
            var output = FileOutput(fd: fd, path: temporary)
            try encode(tree: tree, sessions: sessions, options: options, into: &output)
            if options.fsync {
                try storageCall(temporary, "fsync") { () throws(Errno) in try fd.sync(dataOnly: false) }
            }
            try storageCall(temporary, "close") { () throws(Errno) in try fd.close() }
        } catch {
            try? fd.close()
            try? io.unlink(temporary)
            throw error
        }
        do throws(Errno) {
            try io.rename(temporary, target)
        } catch {
            try? io.unlink(temporary)
            throw .io(file: target.text, operation: "rename", errno: error)
        }
        if options.fsync { try syncDirectory(io, directory) }
        return target
    }

    /// The bytes of a snapshot of `tree` and `sessions`, in memory.
    public static func encode(
        tree: DataTree, sessions: [SessionID: Int32], options: SnapshotOptions = SnapshotOptions()
    ) -> [UInt8] {
        var output = MemoryOutput()
        // Memory output cannot fail.
        try? encode(tree: tree, sessions: sessions, options: options, into: &output)
        return output.bytes
    }

    static func encode(
        tree: DataTree, sessions: [SessionID: Int32], options: SnapshotOptions, into output: inout some SnapshotOutput
    ) throws(StorageError) {
        var stream = SealedStream()
        stream.buffer.appendInt32(StorageFormat.snapshotMagic)
        stream.buffer.appendInt32(StorageFormat.version)
        stream.buffer.appendInt64(StorageFormat.snapshotDbid)

        try encodeBody(tree: tree, sessions: sessions, into: &stream, output: &output)
        stream.buffer.appendJuteBytes(ZNodePath.root)
        stream.seal()

        if options.digestEnabled {
            // Apache writes an all-zero digest (zxid 0) when it has none;
            // a tree that has applied nothing has none.
            let zxid = tree.lastProcessedZxid
            let digest = zxid > 0 ? TreeDigest.of(tree) : 0
            stream.buffer.appendInt64(zxid > 0 ? zxid : 0)
            stream.buffer.appendInt32(TreeDigest.version)
            stream.buffer.appendInt64(digest)
            stream.seal()
        }
        if options.serializeLastProcessedZxid {
            stream.buffer.appendInt64(tree.lastProcessedZxid)
            stream.seal()
        }
        try stream.drain(into: &output)
    }

    /// The part a snapshot file shares with Zab's SNAP state transfer
    /// (SnapStream): the sessions, the ACL cache and the nodes in pre-order,
    /// without the closing "/" path.
    static func encodeBody(
        tree: DataTree, sessions: [SessionID: Int32], into stream: inout SealedStream, output: inout some SnapshotOutput
    ) throws(StorageError) {
        stream.buffer.appendInt32(Int32(truncatingIfNeeded: sessions.count))
        for (id, timeout) in sessions.sorted(by: { $0.key < $1.key }) {
            stream.buffer.appendInt64(id.raw)
            stream.buffer.appendInt32(timeout)
        }

        // First pass: the ACL cache, which comes before the nodes.
        var aclIDs: [[ACL]: Int64] = [:]
        var aclList: [(id: Int64, acl: [ACL])] = []
        for (_, node) in tree.snapshotNodes where node.acl != ACL.openACLUnsafe && aclIDs[node.acl] == nil {
            let id = Int64(aclList.count + 1)
            aclIDs[node.acl] = id
            aclList.append((id, node.acl))
        }
        stream.buffer.appendInt32(Int32(truncatingIfNeeded: aclList.count))
        for (id, acls) in aclList {
            stream.buffer.appendInt64(id)
            stream.buffer.appendInt32(Int32(truncatingIfNeeded: acls.count))
            for acl in acls {
                stream.buffer.appendInt32(acl.perms.rawValue)
                stream.buffer.appendJuteBytes(acl.id.scheme.bytes)
                stream.buffer.appendJuteBytes(acl.id.id.bytes)
            }
        }
        try stream.drainIfFull(into: &output)

        for (path, node) in tree.snapshotNodes {
            stream.buffer.appendJuteBytes(path == ZNodePath.root ? [] : path)
            stream.buffer.appendJuteBytes(node.data.bytes)
            stream.buffer.appendInt64(node.acl == ACL.openACLUnsafe ? openACLUnsafeID : aclIDs[node.acl] ?? openACLUnsafeID)
            appendStat(node.stat, to: &stream.buffer)
            try stream.drainIfFull(into: &output)
        }
    }

    static func appendStat(_ stat: StatPersisted, to buffer: inout [UInt8]) {
        buffer.appendInt64(stat.czxid)
        buffer.appendInt64(stat.mzxid)
        buffer.appendInt64(stat.ctime)
        buffer.appendInt64(stat.mtime)
        buffer.appendInt32(stat.version)
        buffer.appendInt32(stat.cversion)
        buffer.appendInt32(stat.aversion)
        buffer.appendInt64(stat.ephemeralOwner)
        buffer.appendInt64(stat.pzxid)
    }
}

/// Bytes on their way out, with the running Adler32 that seals cover
/// (Apache's CheckedOutputStream: every byte written, seals included).
struct SealedStream {
    var buffer: [UInt8] = []
    private var checksum = Adler32()
    private var counted = 0

    static let drainBytes = 1 << 20

    /// Appends the seal: the checksum of everything so far, then "/".
    mutating func seal() {
        count()
        buffer.appendInt64(checksum.value)
        buffer.appendJuteBytes(ZNodePath.root)
    }

    mutating func drainIfFull(into output: inout some SnapshotOutput) throws(StorageError) {
        if buffer.count >= Self.drainBytes { try drain(into: &output) }
    }

    mutating func drain(into output: inout some SnapshotOutput) throws(StorageError) {
        count()
        try output.write(buffer)
        buffer.removeAll(keepingCapacity: true)
        counted = 0
    }

    private mutating func count() {
        buffer.withUnsafeBytes { checksum.update(UnsafeRawBufferPointer(rebasing: $0[counted...])) }
        counted = buffer.count
    }
}

/// Where snapshot bytes go.
protocol SnapshotOutput {
    mutating func write(_ bytes: [UInt8]) throws(StorageError)
}

struct FileOutput: SnapshotOutput {
    let fd: any StorageHandle
    let path: FilePath
    var offset: Int64 = 0

    init(fd: any StorageHandle, path: FilePath) {
        self.fd = fd
        self.path = path
    }

    mutating func write(_ bytes: [UInt8]) throws(StorageError) {
        try writeAll(fd, path, bytes, at: offset)
        offset += Int64(bytes.count)
    }
}

struct MemoryOutput: SnapshotOutput {
    var bytes: [UInt8] = []

    mutating func write(_ bytes: [UInt8]) throws(StorageError) {
        self.bytes.append(contentsOf: bytes)
    }
}
