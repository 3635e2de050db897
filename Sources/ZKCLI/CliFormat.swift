import Foundation
import ZKClient
import ZKProtocol

/// zkCli.sh's ways of printing things, text for text.
enum CliFormat {
    /// As StatPrinter.print.
    static func stat(_ stat: Stat) -> String {
        """
        cZxid = 0x\(hex(stat.czxid))
        ctime = \(javaDate(stat.ctime))
        mZxid = 0x\(hex(stat.mzxid))
        mtime = \(javaDate(stat.mtime))
        pZxid = 0x\(hex(stat.pzxid))
        cversion = \(stat.cversion)
        dataVersion = \(stat.version)
        aclVersion = \(stat.aversion)
        ephemeralOwner = 0x\(hex(stat.ephemeralOwner))
        dataLength = \(stat.dataLength)
        numChildren = \(stat.numChildren)

        """
    }

    /// Long.toHexString: two's complement for negative values.
    static func hex(_ value: Int64) -> String { String(UInt64(bitPattern: value), radix: 16) }

    /// java.util.Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy", local time.
    static func javaDate(_ millis: Int64) -> String {
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a %b %d %H:%M:%S %Z %Y", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// ZKUtil.getPermString.
    static func perms(_ perms: Perms) -> String {
        var text = ""
        if perms.contains(.create) { text += "c" }
        if perms.contains(.delete) { text += "d" }
        if perms.contains(.read) { text += "r" }
        if perms.contains(.write) { text += "w" }
        if perms.contains(.admin) { text += "a" }
        return text
    }

    /// An Id as its Jute record prints itself (CsvOutputArchive): quoted,
    /// comma separated, with a newline at the end.
    static func id(_ id: Id) -> String {
        csv(id.scheme) + "," + csv(id.id) + "\n"
    }

    private static func csv(_ bytes: JuteBytes) -> String {
        guard let text = bytes.string else { return "" }
        var out = "'"
        for c in text.unicodeScalars {
            switch c {
            case "\0": out += "%00"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            case ",": out += "%2C"
            case "}": out += "%7D"
            case "%": out += "%25"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// AclParser.parse: its complaints go to stderr, as zkCli's do.
    static func parseACL(_ text: String, err: CliOutput) -> [ACL] {
        var acl: [ACL] = []
        for entry in javaSplit(text, ",") {
            guard let first = entry.firstIndex(of: ":"), let last = entry.lastIndex(of: ":"), first != last else {
                err.line("\(entry) does not have the form scheme:id:perm", toError: true)
                continue
            }
            var perms: Perms = []
            for c in entry[entry.index(after: last)...] {
                switch c {
                case "r": perms.insert(.read)
                case "w": perms.insert(.write)
                case "c": perms.insert(.create)
                case "d": perms.insert(.delete)
                case "a": perms.insert(.admin)
                default: err.line("Unknown perm type: \(c)", toError: true)
                }
            }
            let scheme = String(entry[..<first])
            let id = String(entry[entry.index(after: first)..<last])
            acl.append(ACL(perms: perms, id: Id(scheme: JuteBytes(scheme), id: JuteBytes(id))))
        }
        return acl
    }

    /// String.split(regex) for a one-character separator: trailing empty
    /// strings are dropped.
    static func javaSplit(_ text: String, _ separator: Character) -> [String] {
        var parts = text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1, parts.last == "" { parts.removeLast() }
        if parts == [""] && !text.isEmpty { return [] }
        return parts
    }

    /// Java's List.toString.
    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    /// Collections.sort on Strings: UTF-16 code unit order.
    static func javaSorted(_ items: [String]) -> [String] {
        items.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }

    /// The message zkCli prints for a failed ZooKeeper call
    /// (CliWrapperException, or the path check's IllegalArgumentException).
    static func message(_ error: ZooKeeperError) -> String {
        let path = error.path ?? ""
        switch error.code {
        case .noNode: return "Node does not exist: \(path)"
        case .noChildrenForEphemerals: return "Ephemerals cannot have children: \(path)"
        case .nodeExists: return "Node already exists: \(path)"
        case .notEmpty: return "Node not empty: \(path)"
        case .notReadOnly: return "Not a read-only call: \(path)"
        case .invalidACL: return "Acl is not valid : \(path)"
        case .noAuth: return "Insufficient permission : \(path)"
        case .badArguments: return "Arguments are not valid : \(path)"
        case .badVersion: return "version No is not valid : \(path)"
        case .reconfigInProgress: return "Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)"
        case .newConfigNoQuorum:
            return "No quorum of new config is connected and up-to-date with the leader of last commmitted config - try invoking reconfiguration after new servers are connected and synced"
        case .quotaExceeded: return "Quota has exceeded : \(path)"
        default: return keeperMessage(error)
        }
    }

    /// KeeperException.getMessage().
    static func keeperMessage(_ error: ZooKeeperError) -> String {
        if let path = error.path, !path.isEmpty {
            return "KeeperErrorCode = \(error.code.keeperName) for \(path)"
        }
        return "KeeperErrorCode = \(error.code.keeperName)"
    }

    /// PathUtils.validatePath's IllegalArgumentException message, or nil.
    static func pathProblem(_ path: String, sequential: Bool = false) -> String? {
        let checked = sequential ? path + "1" : path
        guard let reason = ZKPath.problem(checked) else { return nil }
        switch reason {
        case "Path length must be > 0", "Path must start with / character", "Path must not end with / character":
            return reason
        default:
            return "Invalid path string \"\(checked)\" caused by \(reason)"
        }
    }
}
