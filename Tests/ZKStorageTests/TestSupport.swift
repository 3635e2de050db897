import Foundation
import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

/// The golden files Apache ZooKeeper 3.8 wrote (Tests/Fixtures/disk/apache-3.8).
enum Fixtures {
    static let directory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures/disk/apache-3.8"
    }()

    static func path(_ name: String) -> FilePath { FilePath(directory + "/" + name) }

    static let logNames = ["log.1", "log.12", "log.1e", "log.2b", "log.3f", "log.50", "log.62",
                           "log.6e", "log.7c", "log.8a", "log.9c", "log.ae", "log.bd"]
    static let snapshotNames = ["snapshot.0", "snapshot.10", "snapshot.1c", "snapshot.29", "snapshot.3d",
                                "snapshot.4e", "snapshot.60", "snapshot.6c", "snapshot.7a", "snapshot.88",
                                "snapshot.9a", "snapshot.ac", "snapshot.bb"]

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }
}

/// A fresh directory under /tmp, removed after `body` even when it throws.
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "zkstorage-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A dataDir whose version-2 holds copies of the named fixture files.
@discardableResult
func withFixtureDataDir<T>(_ names: [String] = Fixtures.logNames + Fixtures.snapshotNames,
                           _ body: (String, DataDirectory) throws -> T) throws -> T {
    try withTemporaryDirectory { root in
        let version2 = root + "/version-2"
        try FileManager.default.createDirectory(atPath: version2, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(atPath: Fixtures.directory + "/" + name, toPath: version2 + "/" + name)
        }
        return try body(version2, DataDirectory(dataDir: FilePath(root)))
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func listDirectory(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}

func hexString(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }
func hexString(_ value: Zxid) -> String { hexString(value.raw) }

/// One line per node in the format of the Apache oracle dump
/// (`ApacheOracle`), sorted by path, preceded by the session lines.
func dump(_ tree: DataTree, sessions: [SessionID: Int32]) -> [String] {
    var lines = sessions.sorted { $0.key < $1.key }.map { "session \(hexString($0.key.raw)) \($0.value)" }
    for path in tree.nodes.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        guard let node = tree.nodes[path] else { continue }
        let s = node.stat
        let data: String
        switch node.data.bytes {
        case nil: data = "null"
        case let bytes? where bytes.count <= 64: data = "b64:" + Data(bytes).base64EncodedString()
        case let bytes?: data = "len:\(bytes.count):adler:\(Adler32(bytes).value)"
        }
        let acl = node.acl.map { "\($0.perms.rawValue):\($0.id.scheme.string ?? ""):\($0.id.id.string ?? "");" }.joined()
        lines.append("node \(String(decoding: path, as: UTF8.self)) czxid=\(hexString(s.czxid)) mzxid=\(hexString(s.mzxid)) "
            + "pzxid=\(hexString(s.pzxid)) ctime=\(s.ctime) mtime=\(s.mtime) version=\(s.version) "
            + "cversion=\(s.cversion) aversion=\(s.aversion) owner=\(hexString(s.ephemeralOwner)) "
            + "children=\(node.childCount) data=\(data) acl=\(acl)")
    }
    return lines
}

/// True when two trees hold the same nodes and indexes.
func sameTree(_ a: DataTree, _ b: DataTree) -> Bool {
    dump(a, sessions: [:]) == dump(b, sessions: [:]) && a.ephemerals == b.ephemerals
        && a.containers == b.containers && a.ttls == b.ttls && a.quotaPaths == b.quotaPaths
        && a.lastProcessedZxid == b.lastProcessedZxid
}

func path(_ text: String) -> [UInt8] { Array(text.utf8) }

extension TxnHeader {
    static func make(zxid: Int64, type: OpCode, session: Int64 = 0x1234, cxid: Int32 = 1, time: Int64 = 1_700_000_000_000) -> TxnHeader {
        TxnHeader(clientId: session, cxid: cxid, zxid: zxid, time: time, type: type)
    }
}
