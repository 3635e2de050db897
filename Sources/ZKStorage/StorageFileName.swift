import SystemPackage
import ZKProtocol

/// A snapshot or log file in a `version-2` directory, known by the zxid in
/// its name.
public struct StorageFile: Hashable, Sendable {
    /// What the file holds.
    public enum Kind: Hashable, Sendable {
        case snapshot
        case log
    }

    /// Snapshot or log.
    public var kind: Kind
    /// For a log, the zxid of its first transaction; for a snapshot, the
    /// last zxid applied when it was started.
    public var zxid: Zxid
    /// The file's full path.
    public var path: FilePath
    /// The snapshot compression named by the file's extension ("gz",
    /// "snappy"); nil for the default uncompressed format.
    public var compression: String?

    /// A file from its parts.
    public init(kind: Kind, zxid: Zxid, path: FilePath, compression: String? = nil) {
        self.kind = kind
        self.zxid = zxid
        self.path = path
        self.compression = compression
    }

    /// The file's name.
    public var name: String { path.lastComponent?.string ?? path.text }
}

/// File names as Apache's Util makes and parses them.
public enum StorageFileName {
    /// `log.<zxid>`: the zxid in lowercase hex without padding (Long.toHexString).
    public static func log(_ zxid: Zxid) -> String { "log." + hex(zxid.raw) }

    /// `snapshot.<zxid>`, uncompressed.
    public static func snapshot(_ zxid: Zxid) -> String { "snapshot." + hex(zxid.raw) }

    /// Parses `log.<hex>`, `snapshot.<hex>`, `snapshot.<hex>.gz` and
    /// `snapshot.<hex>.snappy`, as Util.getZxidFromName reads the zxid
    /// (second dot-separated part, hex, any case). Other names, including
    /// Apache's `snapshot.<hex>.tmp` leftovers of an unfinished atomic write,
    /// are not storage files.
    public static func parse(_ name: String, in directory: FilePath) -> StorageFile? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let raw = Int64(parts[1], radix: 16) else { return nil }
        let zxid = Zxid(raw: raw)
        let path = directory.appending(name)
        switch (parts[0], parts.count) {
        case ("log", 2):
            return StorageFile(kind: .log, zxid: zxid, path: path)
        case ("snapshot", 2):
            return StorageFile(kind: .snapshot, zxid: zxid, path: path)
        case ("snapshot", 3) where parts[2] == "gz" || parts[2] == "snappy":
            return StorageFile(kind: .snapshot, zxid: zxid, path: path, compression: String(parts[2]))
        default:
            return nil
        }
    }
}
