import ArgumentParser
import Foundation

/// `swiftzk doctor`: a plain-language report on who holds which sessions,
/// from any ZooKeeper server's four-letter words.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Explain a ZooKeeper server's connections and sessions, and point out leaks.",
        discussion: """
            Connects to SwiftZK or Apache ZooKeeper and reads its four-letter words \
            (SwiftZK: leak and cons; Apache: cons and dump, which must be in \
            4lw.commands.whitelist). Reports connections and sessions per client host, \
            suspected leaked handles (sessions that only ping), duplicate registrations \
            (ephemerals with the same name or data under one parent, held by different \
            sessions) and sessions that are disconnected and waiting to expire.
            """
    )

    @Argument(help: "host:port of the server (default 127.0.0.1:2181).")
    var server: String = "127.0.0.1:2181"

    func run() throws {
        let (host, port) = try Self.split(server)
        let srvr = try FourLetterClient.ask(host: host, port: port, word: "srvr")
        let version = srvr.split(separator: "\n").first.map(String.init) ?? "unknown version"
        print("swiftzk doctor: \(host):\(port) — \(version)")
        let leak = try FourLetterClient.ask(host: host, port: port, word: "leak")
        if leak.hasPrefix("Sessions by client host") {
            print(Self.explain(leakText: leak))
        } else {
            let cons = try FourLetterClient.ask(host: host, port: port, word: "cons")
            let dump = try FourLetterClient.ask(host: host, port: port, word: "dump")
            print(Self.explain(cons: cons, dump: dump))
        }
    }

    static func split(_ server: String) throws -> (String, UInt16) {
        var text = server
        var host = "127.0.0.1"
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<end])
            text = String(text[text.index(after: end)...])
            if text.hasPrefix(":") { text.removeFirst() }
            return (host, UInt16(text) ?? 2181)
        }
        let parts = text.split(separator: ":")
        if let first = parts.first, !first.isEmpty { host = String(first) }
        guard parts.count <= 2, let port = UInt16(parts.count == 2 ? String(parts[1]) : "2181") else {
            throw ValidationError("expected host:port, got \(server)")
        }
        return (host, port)
    }

    /// SwiftZK: the `leak` word already carries the evidence; say what it means.
    static func explain(leakText: String) -> String {
        var out: [String] = []
        var host = ""
        for line in leakText.split(separator: "\n").map(String.init) {
            if line.hasPrefix("Sessions by client host") {
                out.append(line)
            } else if line.hasPrefix("host ") {
                host = String(line.dropFirst(5).prefix { $0 != ":" })
                out.append("")
                out.append(line)
            } else if line.contains("duplicate registrations:") {
                let detail = line.components(separatedBy: "duplicate registrations: ").last ?? line
                out.append("  ! host \(host) holds \(detail)")
                out.append("    likely cause: the client creates a new ZooKeeper handle without closing the old one, so each handle registers again")
            } else if line.contains("suspected leaked handles:") {
                let detail = line.components(separatedBy: "suspected leaked handles: ").last ?? line
                out.append("  ! host \(host): \(detail)")
                out.append("    likely cause: handles kept open but no longer used; close them, or the service restarts without closing its old handle")
            } else if line.contains("disconnected") {
                out.append(line + "   <- waiting for its timeout; its ephemerals go when it expires")
            } else {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    /// Apache: rebuild what `leak` would say from `cons` and `dump`.
    static func explain(cons: String, dump: String) -> String {
        var hostOfSession: [String: String] = [:]
        var lastOp: [String: String] = [:]
        var connectionsPerHost: [String: Int] = [:]
        for line in cons.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("/"), let bracket = text.firstIndex(of: "[") else { continue }
            let address = String(text[text.index(after: text.startIndex)..<bracket])
            let host = address.hasPrefix("[") ? String(address.dropFirst().prefix { $0 != "]" }) : String(address.prefix { $0 != ":" })
            connectionsPerHost[host, default: 0] += 1
            if let sid = field("sid", in: text) {
                hostOfSession[sid] = host
                lastOp[sid] = field("lop", in: text)
            }
        }
        var ephemerals: [String: [String]] = [:]
        var current: String?
        var inEphemerals = false
        for line in dump.split(separator: "\n").map(String.init) {
            if line.hasPrefix("ephemeral nodes dump") { inEphemerals = true; continue }
            if line.hasPrefix("Connections dump") { inEphemerals = false; continue }
            guard inEphemerals else { continue }
            if line.hasPrefix("0x") { current = String(line.prefix { $0 != ":" && $0 != " " }) }
            else if line.hasPrefix("\t"), let sid = current { ephemerals[sid, default: []].append(line.trimmingCharacters(in: .whitespaces)) }
        }
        var out = ["Connections: \(connectionsPerHost.values.reduce(0, +)) from \(connectionsPerHost.count) hosts (from cons; dump for ephemerals)"]
        for host in connectionsPerHost.keys.sorted() {
            let sids = hostOfSession.filter { $0.value == host }.keys.sorted()
            out.append("")
            out.append("host \(host): \(sids.count) sessions, \(connectionsPerHost[host] ?? 0) connections")
            var names: [String: [String]] = [:]
            for sid in sids {
                out.append("  \(sid) last operation \(lastOp[sid] ?? "?"), \(ephemerals[sid]?.count ?? 0) ephemerals")
                for path in ephemerals[sid] ?? [] {
                    var key = path
                    if key.count > 10, key.suffix(10).allSatisfy(\.isNumber) { key = String(key.dropLast(10)) + "<seq>" }
                    names[key, default: []].append(sid)
                }
            }
            for (name, owners) in names.sorted(by: { $0.key < $1.key }) where Set(owners).count > 1 {
                out.append("  ! host \(host) holds \(Set(owners).count) sessions with ephemerals named \(name): \(Set(owners).sorted().joined(separator: ", "))")
                out.append("    likely cause: the client creates a new ZooKeeper handle without closing the old one")
            }
            let pinging = sids.filter { lastOp[$0] == "PING" }
            if pinging.count > 1 {
                out.append("  ? \(pinging.count) sessions from \(host) last sent a ping (Apache shows no idle time; SwiftZK's leak word does): \(pinging.joined(separator: ", "))")
            }
        }
        return out.joined(separator: "\n")
    }

    static func field(_ key: String, in text: String) -> String? {
        guard let range = text.range(of: key + "=") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "," && $0 != ")" })
    }
}

/// Sends one four-letter word and reads the whole answer.
enum FourLetterClient {
    static func ask(host: String, port: UInt16, word: String) throws -> String {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw ValidationError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw ValidationError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            throw ValidationError("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(word.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw ValidationError("write failed") }
        shutdown(fd, Int32(SHUT_WR))
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
