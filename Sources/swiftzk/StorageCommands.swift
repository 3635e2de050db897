import ArgumentParser
import Foundation
import SystemPackage
import ZKDataTree
import ZKProtocol
import ZKServerCore
import ZKStorage

/// Text forms shared by the dump commands.
enum DumpText {
    static func text(_ bytes: JuteBytes) -> String {
        guard let raw = bytes.bytes else { return "null" }
        return String(decoding: raw, as: UTF8.self).debugDescription
    }

    static func acl(_ acl: [ACL]?) -> String {
        (acl ?? []).map { "\($0.perms.rawValue):\(String(describing: $0.id.scheme.string ?? "")):\(String(describing: $0.id.id.string ?? ""))" }
            .joined(separator: ",")
    }

    static func time(_ millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func body(_ body: TxnBody) -> String {
        switch body {
        case .createSession(let t): return "timeout=\(t.timeOut)"
        case .closeSession(let t): return "paths2Delete=[\((t?.paths2Delete ?? []).map(text).joined(separator: ","))]"
        case .create(let t):
            return "path=\(text(t.path)) data=\(text(t.data)) acl=[\(acl(t.acl))] ephemeral=\(t.ephemeral) parentCVersion=\(t.parentCVersion)"
        case .createV0(let t): return "path=\(text(t.path)) data=\(text(t.data)) acl=[\(acl(t.acl))] ephemeral=\(t.ephemeral)"
        case .createTTL(let t):
            return "path=\(text(t.path)) data=\(text(t.data)) acl=[\(acl(t.acl))] parentCVersion=\(t.parentCVersion) ttl=\(t.ttl)"
        case .createContainer(let t):
            return "path=\(text(t.path)) data=\(text(t.data)) acl=[\(acl(t.acl))] parentCVersion=\(t.parentCVersion)"
        case .delete(let t): return "path=\(text(t.path))"
        case .setData(let t), .reconfig(let t): return "path=\(text(t.path)) data=\(text(t.data)) version=\(t.version)"
        case .setACL(let t): return "path=\(text(t.path)) acl=[\(acl(t.acl))] version=\(t.version)"
        case .check(let t): return "path=\(text(t.path)) version=\(t.version)"
        case .error(let t): return "err=\(t.err.code)"
        case .multi(let t):
            let subs = (t.txns ?? []).map { sub -> String in
                let decoded = try? TxnBody(type: sub.type, bytes: sub.data.bytesOrEmpty)
                let inner = decoded.map { DumpText.body($0) } ?? "undecodable"
                return "\(sub.type) \(inner)"
            }
            return "[" + subs.joined(separator: "; ") + "]"
        case .none: return ""
        }
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Read transaction log files (Apache's version-2 format).",
        subcommands: [Dump.self, Verify.self]
    )

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every transaction of a log file, one per line, as Apache's TxnLogToolkit does.")

        @Argument(help: "A log.<zxid> file.")
        var file: String

        func run() throws {
            let contents = try TxnLogContents(path: FilePath(file))
            print("ZooKeeper Transactional Log File with dbid \(contents.fileHeader.dbid) txnlog format version \(contents.fileHeader.version)")
            for record in contents.records {
                let h = record.header
                print("\(DumpText.time(h.time)) session \(hex(h.clientId)) cxid \(hex(Int64(h.cxid))) zxid \(hex(h.zxid)) \(h.type) \(DumpText.body(record.entry.body))")
            }
            switch contents.end {
            case .clean(let offset):
                print("EOF reached after \(contents.records.count) txns (data ends at byte \(offset) of \(contents.fileSize)).")
            case .tornTail(let offset, let problem):
                print("Torn tail after \(contents.records.count) txns: \(problem) at byte \(offset).")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the checksums of every log and snapshot in a dataDir (and dataLogDir).",
            discussion: "Exits non-zero when a file is damaged anywhere but a torn tail, which recovery cuts.")

        @Argument(help: "The dataDir (the folder that holds version-2).")
        var dataDir: String

        @Option(help: "The dataLogDir, when it differs from the dataDir.")
        var dataLogDir: String?

        func run() throws {
            let directory = DataDirectory(dataDir: FilePath(dataDir), dataLogDir: dataLogDir.map { FilePath($0) })
            for folder in [directory.snapshotDirectory, directory.logDirectory] {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder.description, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("\(folder): no such directory (give the dataDir that holds version-2)")
                }
            }
            var damaged = 0
            for file in try directory.snapshotFiles() {
                do {
                    let snapshot = try SnapshotReader.read(file.path, extendedTypesEnabled: true)
                    print("ok       \(file.name): \(snapshot.tree.nodeCount) znodes, \(snapshot.sessions.count) sessions")
                } catch {
                    damaged += 1
                    print("DAMAGED  \(file.name): \(error)")
                }
            }
            for file in try directory.logFiles() {
                do {
                    let contents = try TxnLogContents(path: file.path)
                    switch contents.end {
                    case .clean:
                        print("ok       \(file.name): \(contents.records.count) txns")
                    case .tornTail(let offset, let problem):
                        print("torn     \(file.name): \(contents.records.count) txns, then \(problem) at byte \(offset) (recovery cuts it)")
                    }
                } catch {
                    damaged += 1
                    print("DAMAGED  \(file.name): \(error)")
                }
            }
            if damaged > 0 {
                throw ValidationError("\(damaged) damaged file(s)")
            }
        }
    }
}

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Read snapshot files (Apache's version-2 format).",
        subcommands: [Dump.self]
    )

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a snapshot's tree and sessions, as Apache's SnapshotFormatter does.")

        @Argument(help: "A snapshot.<zxid> file.")
        var file: String

        @Flag(help: "Print node data too.")
        var data = false

        func run() throws {
            let snapshot = try SnapshotReader.read(FilePath(file), extendedTypesEnabled: true)
            print("ZNode Details (count=\(snapshot.tree.nodeCount)):")
            for (path, node) in snapshot.tree.snapshotNodes {
                let s = node.clientStat
                print("----")
                print(path.isEmpty ? "/" : String(decoding: path, as: UTF8.self))
                print("  cZxid = \(hex(s.czxid))")
                print("  ctime = \(DumpText.time(s.ctime))")
                print("  mZxid = \(hex(s.mzxid))")
                print("  mtime = \(DumpText.time(s.mtime))")
                print("  pZxid = \(hex(s.pzxid))")
                print("  cversion = \(s.cversion)")
                print("  dataVersion = \(s.version)")
                print("  aclVersion = \(s.aversion)")
                print("  ephemeralOwner = \(hex(s.ephemeralOwner))")
                print("  dataLength = \(s.dataLength)")
                print("  acl = [\(DumpText.acl(node.acl))]")
                if data { print("  data = \(DumpText.text(node.data))") }
            }
            print("----")
            print("Session Details (sid, timeout, ephemeralCount):")
            for (id, timeout) in snapshot.sessions.sorted(by: { $0.key < $1.key }) {
                print("\(id), \(timeout), \(snapshot.tree.ephemerals(of: id.raw).count)")
            }
            print("----")
            print("Last zxid: \(snapshot.zxid)")
            if let digest = snapshot.digest {
                print("Digest: zxid \(digest.zxid) digest \(digest.digest)")
            }
        }
    }
}
