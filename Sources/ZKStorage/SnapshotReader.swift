import SystemPackage
import ZKDataTree
import ZKProtocol

/// Reads `snapshot.<zxid>` files (see `SnapshotWriter` for the layout), as
/// Apache's FileSnap.deserialize does, checking every seal.
///
/// The trailers after the first seal are recognised by their shape and
/// their seals rather than by configuration: a ZxidDigest (written by 3.6+
/// with digests enabled), then a lastProcessedZxid (3.9+). Apache decides
/// by its own flags and so misreads a 3.9 file written with the other
/// setting; reading by shape accepts every combination.
public enum SnapshotReader {
    /// The ACL a node gets while the list it names is unknown: world,
    /// no permission. Only super users reach the node until recovery
    /// restores its list (Apache instead fails every ACL check on it).
    public static let unresolvedACL = [ACL(perms: Perms(rawValue: 0), id: Id(scheme: "world", id: "anyone"))]

    /// Reads and checks the snapshot at `path`. The snapshot's zxid comes
    /// from the file name, as in Apache.
    public static func read(_ path: FilePath, extendedTypesEnabled: Bool,
                            io: any StorageIO = PosixStorageIO()) throws(StorageError) -> Snapshot {
        let name = path.lastComponent?.string ?? path.text
        guard let file = StorageFileName.parse(name, in: path.removingLastComponent()), file.kind == .snapshot else {
            throw .invalidArgument("\(path.text): not a snapshot file name (snapshot.<zxid in hex>)")
        }
        if let method = file.compression {
            return try CompressedSnapshot.read(path, method: method, zxid: file.zxid, extendedTypesEnabled: extendedTypesEnabled, io: io)
        }
        let fd = try openForReading(io, path)
        defer { try? fd.close() }
        let window = try FileWindow(handle: fd, path: path)
        var parser = SnapshotParser(source: window, file: path.text)
        return try parser.parse(zxid: file.zxid, extendedTypesEnabled: extendedTypesEnabled)
    }

    /// Decodes a snapshot held in memory; `zxid` stands in for the file name's.
    public static func decode(_ bytes: [UInt8], zxid: Zxid, extendedTypesEnabled: Bool,
                              name: String = "snapshot") throws(StorageError) -> Snapshot {
        var parser = SnapshotParser(source: MemorySource(bytes: bytes), file: name)
        return try parser.parse(zxid: zxid, extendedTypesEnabled: extendedTypesEnabled)
    }

    /// Apache's quick test before it tries a snapshot (SnapStream
    /// isValidCheckedStream): at least 10 bytes, ending with the string "/"
    /// that closes every seal. A snapshot cut short by a crash fails it.
    public static func looksComplete(_ path: FilePath, io: any StorageIO = PosixStorageIO()) -> Bool {
        guard let fd = try? openForReading(io, path) else { return false }
        defer { try? fd.close() }
        guard var window = try? FileWindow(handle: fd, path: path), window.size >= 10,
              let tail = try? window.bytes(at: window.size - 5, count: 5) else { return false }
        return tail.elementsEqual([0, 0, 0, 1, 0x2f])
    }
}

/// Random access to bytes: a file window or an array.
protocol ByteSource {
    var size: Int64 { get }
    mutating func bytes(at offset: Int64, count: Int) throws(StorageError) -> ArraySlice<UInt8>
}

extension FileWindow: ByteSource {}

struct MemorySource: ByteSource {
    let bytes: [UInt8]
    var size: Int64 { Int64(bytes.count) }

    func bytes(at offset: Int64, count: Int) -> ArraySlice<UInt8> {
        let start = Int(min(max(0, offset), size))
        return bytes[start..<min(bytes.count, start + count)]
    }
}

/// Sequential reads with a running Adler32 of the bytes consumed (Apache's
/// CheckedInputStream), and every length checked against what is left.
struct SnapshotParser<Source: ByteSource> {
    var source: Source
    let file: String
    private(set) var position: Int64 = 0
    private var checksum = Adler32()
    /// Nodes whose ACL id was not in the file's ACL map.
    private(set) var unresolvedACLPaths: Set<[UInt8]> = []

    init(source: Source, file: String) {
        self.source = source
        self.file = file
    }

    var remaining: Int64 { source.size - position }

    mutating func parse(zxid: Zxid, extendedTypesEnabled: Bool) throws(StorageError) -> Snapshot {
        let header = try FileHeader(magic: int32("magic"), version: int32("version"), dbid: int64("dbid"))
        guard header.magic == StorageFormat.snapshotMagic else {
            throw .badMagic(file: file, found: header.magic, expected: StorageFormat.snapshotMagic)
        }
        let sessions = try readSessions()
        let acls = try readACLCache()
        let tree = try readNodes(acls: acls, zxid: zxid, extendedTypesEnabled: extendedTypesEnabled)
        try checkSeal()

        var snapshot = Snapshot(zxid: zxid, fileHeader: header, sessions: sessions, tree: tree)
        snapshot.unresolvedACLPaths = unresolvedACLPaths
        if remaining > 0, let digest = attempt({ (p: inout Self) throws(StorageError) in try p.readDigestTrailer() }) {
            snapshot.digest = digest
        }
        if remaining > 0, let last = attempt({ (p: inout Self) throws(StorageError) in try p.readLastZxidTrailer() }) {
            snapshot.lastProcessedZxid = last
        }
        guard remaining == 0 else {
            throw .corruptSnapshot(file: file, offset: position, reason: "\(remaining) bytes after the last seal are not a digest or lastProcessedZxid trailer")
        }
        return snapshot
    }

    private mutating func readSessions() throws(StorageError) -> [SessionID: Int32] {
        let count = try int32("session count")
        guard count >= 0, Int64(count) * 12 <= remaining else {
            throw corrupt("session count \(count) does not fit in the \(remaining) bytes left")
        }
        var sessions: [SessionID: Int32] = [:]
        sessions.reserveCapacity(Int(count))
        for _ in 0..<count {
            let id = SessionID(raw: try int64("session id"))
            sessions[id] = try int32("session timeout")
        }
        return sessions
    }

    private mutating func readACLCache() throws(StorageError) -> [Int64: [ACL]] {
        let count = try int32("ACL cache size")
        guard count >= 0, Int64(count) * 12 <= remaining else {
            throw corrupt("ACL cache size \(count) does not fit in the \(remaining) bytes left")
        }
        var acls: [Int64: [ACL]] = [:]
        for _ in 0..<count {
            let id = try int64("ACL id")
            let size = try int32("ACL list length")
            // Apache fails on a null list too ("missing acls").
            guard size >= 0, Int64(size) * 12 <= remaining else {
                throw corrupt("ACL list length \(size) for ACL id \(id) is invalid")
            }
            var list: [ACL] = []
            list.reserveCapacity(Int(size))
            for _ in 0..<size {
                let perms = try int32("ACL perms")
                let scheme = try buffer("ACL scheme")
                let identity = try buffer("ACL id")
                list.append(ACL(perms: Perms(rawValue: perms), id: Id(scheme: JuteBytes(scheme), id: JuteBytes(identity))))
            }
            acls[id] = list
        }
        return acls
    }

    private mutating func readNodes(acls: [Int64: [ACL]], zxid: Zxid, extendedTypesEnabled: Bool) throws(StorageError) -> DataTree {
        var loader = DataTree.SnapshotLoader(extendedTypesEnabled: extendedTypesEnabled)
        while true {
            let start = position
            guard let path = try buffer("node path") else { throw corrupt("null node path", at: start) }
            if path == ZNodePath.root { break }
            let data = try buffer("node data")
            let aclID = try int64("node ACL id")
            let statBytes = try read(60, "node stat")
            guard let stat = try? StatPersisted(decoding: Array(statBytes)) else {
                throw corrupt("unreadable stat", at: start)
            }
            let acl: [ACL]
            if aclID == SnapshotWriter.openACLUnsafeID {
                acl = ACL.openACLUnsafe
            } else if let found = acls[aclID] {
                acl = found
            } else {
                // Apache's snapshots are fuzzy: a node created with a new ACL
                // list while the snapshot was written can name a list the
                // file's ACL map lacks. Apache loads such a file; so do we,
                // with an ACL that grants nothing until the log's create
                // restores the real one (Recovery).
                acl = SnapshotReader.unresolvedACL
                unresolvedACLPaths.insert(path)
            }
            do throws(DataTree.SnapshotLoadError) {
                try loader.add(path: path, node: DataNode(data: JuteBytes(data), acl: acl, stat: stat))
            } catch {
                throw corrupt(error.description, at: start)
            }
        }
        do throws(DataTree.SnapshotLoadError) {
            return try loader.finish(lastProcessedZxid: zxid.raw)
        } catch {
            throw corrupt(error.description)
        }
    }

    private mutating func readDigestTrailer() throws(StorageError) -> SnapshotDigest {
        let zxid = Zxid(raw: try int64("digest zxid"))
        let version = try int32("digest version")
        var digest: Int64 = 0
        if version < 2 {
            // Digest version 1 stored the value as a hex string.
            if let text = try buffer("digest") {
                digest = Int64(String(decoding: text, as: UTF8.self), radix: 16) ?? 0
            }
        } else {
            digest = try int64("digest")
        }
        try checkSeal()
        return SnapshotDigest(zxid: zxid, version: version, digest: digest)
    }

    private mutating func readLastZxidTrailer() throws(StorageError) -> Zxid {
        let zxid = Zxid(raw: try int64("lastProcessedZxid"))
        try checkSeal()
        return zxid
    }

    /// Runs `body`; if it throws, rewinds as if nothing had been read.
    private mutating func attempt<T>(_ body: (inout Self) throws(StorageError) -> T) -> T? {
        let saved = self
        do {
            return try body(&self)
        } catch {
            self = saved
            return nil
        }
    }

    /// Reads a seal and compares it with the checksum of everything before it.
    private mutating func checkSeal() throws(StorageError) {
        let start = position
        let computed = checksum.value
        let stored = try int64("seal checksum")
        let marker = try buffer("seal marker")
        guard stored == computed else {
            throw .snapshotChecksumMismatch(file: file, offset: start, stored: stored, computed: computed)
        }
        // Apache ignores the marker here but rejects a file whose last bytes
        // are not "/" before reading it; checking every marker covers both.
        guard marker == ZNodePath.root else {
            throw corrupt("seal marker is not \"/\"", at: start + 8)
        }
    }

    private mutating func read(_ count: Int, _ what: String) throws(StorageError) -> ArraySlice<UInt8> {
        let bytes = try source.bytes(at: position, count: count)
        guard bytes.count == count else {
            throw corrupt("file ends while reading \(what): needed \(count) bytes, \(bytes.count) left")
        }
        bytes.withUnsafeBytes { checksum.update($0) }
        position += Int64(count)
        return bytes
    }

    private mutating func int32(_ what: String) throws(StorageError) -> Int32 {
        try read(4, what).reduce(0) { $0 << 8 | Int32($1) }
    }

    private mutating func int64(_ what: String) throws(StorageError) -> Int64 {
        try read(8, what).reduce(0) { $0 << 8 | Int64($1) }
    }

    /// A Jute buffer or string; nil for null (length -1).
    private mutating func buffer(_ what: String) throws(StorageError) -> [UInt8]? {
        let start = position
        let length = try int32("\(what) length")
        if length == -1 { return nil }
        guard length >= 0, Int64(length) <= remaining else {
            throw corrupt("\(what) length \(length) is invalid with \(remaining) bytes left", at: start)
        }
        return Array(try read(Int(length), what))
    }

    private func corrupt(_ reason: String, at offset: Int64? = nil) -> StorageError {
        .corruptSnapshot(file: file, offset: offset ?? position, reason: reason)
    }

    private func display(_ path: [UInt8]) -> String { "\"" + String(decoding: path, as: UTF8.self) + "\"" }
}

extension SnapshotParser {
    /// Reads Zab's SNAP state transfer (see `SnapStream`): a snapshot body
    /// without file header or seals, closed by the path "/" and the
    /// signature string.
    mutating func parseSnapStream(zxid: Zxid, extendedTypesEnabled: Bool) throws(StorageError) -> Snapshot {
        let sessions = try readSessions()
        let acls = try readACLCache()
        let tree = try readNodes(acls: acls, zxid: zxid, extendedTypesEnabled: extendedTypesEnabled)
        let signature = try buffer("signature")
        guard signature == SnapStream.signature else {
            throw corrupt("the state transfer does not end with the signature \"BenWasHere\"")
        }
        guard remaining == 0 else { throw corrupt("\(remaining) bytes after the signature") }
        let header = FileHeader(magic: StorageFormat.snapshotMagic, version: StorageFormat.version, dbid: StorageFormat.snapshotDbid)
        var snapshot = Snapshot(zxid: zxid, fileHeader: header, sessions: sessions, tree: tree)
        snapshot.unresolvedACLPaths = unresolvedACLPaths
        return snapshot
    }
}
