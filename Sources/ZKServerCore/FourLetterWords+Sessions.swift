import ZKDataTree
import ZKProtocol

// The four-letter words that explain connections, sessions and watches.
extension FrontEnd {
    /// One `cons` line (Apache's fields, then SwiftZK's: idle_ms — since the
    /// client last sent anything —, session_age_ms, ephemerals, watches).
    func connectionLine(_ c: ClientConnection, now: Now, tree: DataTree, sessions: SessionTracker) -> String {
        let interest = c.isFourLetterWord ? 0 : 1
        var line = " /\(c.address.display)[\(interest)](queued=\(c.queue.count),recved=\(c.packetsReceived),sent=\(c.packetsSent)"
        if let sid = c.sessionID, let session = sessions[sid] {
            line += ",sid=\(sid),lop=\(c.lastOperation),est=\(c.establishedWallMillis),to=\(session.timeoutMillis)"
            if c.lastCxid >= 0 { line += ",lcxid=\(hex(Int64(c.lastCxid)))" }
            line += ",lzxid=\(c.lastZxid),lresp=\(c.lastResponseWallMillis),llat=\(c.latency.last)"
            line += ",minlat=\(c.latency.min),avglat=\(c.latency.averageText),maxlat=\(c.latency.max)"
            let age = max(0, now.wallMillis - session.createdWallMillis)
            line += ",idle_ms=\(max(0, now.wallMillis - c.lastHeardWallMillis)),session_age_ms=\(age)"
            line += ",ephemerals=\(tree.ephemerals[sid.raw]?.count ?? 0),watches=\(watches.watchPaths(of: c.id).count)"
        }
        return line + ")"
    }

    /// `cons`: every connection, then a blank line.
    func consText(now: Now, tree: DataTree, sessions: SessionTracker) -> String {
        connections.values.sorted { $0.id < $1.id }.map { connectionLine($0, now: now, tree: tree, sessions: sessions) + "\n" }.joined() + "\n"
    }

    /// `crst`: resets every connection's statistics.
    mutating func resetConnectionStats() -> String {
        for id in connections.keys {
            connections[id]?.latency = LatencyStats()
            connections[id]?.packetsReceived = 0
            connections[id]?.packetsSent = 0
        }
        return "Connection stats reset.\n"
    }

    /// `srst`: resets the server statistics.
    mutating func resetServerStats() -> String {
        stats = ServerStats()
        return "Server stats reset.\n"
    }

    /// Sessions grouped by when they expire, rounded up to the next tick as
    /// Apache's ExpiryQueue shows them.
    private func expiryBuckets(now: Now, sessions: SessionTracker) -> [(wallMillis: Int64, ids: [SessionID])] {
        let tick = Int64(max(config.tickTimeMillis, 1))
        var buckets: [Int64: [SessionID]] = [:]
        for session in sessions.sessions.values {
            let remaining = Int64(session.deadlineNanos &- min(session.deadlineNanos, now.monotonicNanos)) / 1_000_000
            let at = ((now.wallMillis + remaining) / tick + 1) * tick
            buckets[at, default: []].append(session.id)
        }
        return buckets.keys.sorted().map { ($0, (buckets[$0] ?? []).sorted()) }
    }

    /// `dump`: sessions by expiry, ephemerals by session (with the client
    /// address, which Apache leaves out), and connections.
    func dumpText(now: Now, tree: DataTree, sessions: SessionTracker) -> String {
        var text = "SessionTracker dump:\nSession Sets (\(expiryBuckets(now: now, sessions: sessions).count))/(\(sessions.count)):\n"
        for bucket in expiryBuckets(now: now, sessions: sessions) {
            text += "\(bucket.ids.count) expire at \(JavaDate.text(wallMillis: bucket.wallMillis)):\n"
            for id in bucket.ids { text += "\t\(id)\n" }
        }
        let owners = tree.ephemerals.keys.sorted().map(SessionID.init(raw:))
        text += "ephemeral nodes dump:\nSessions with Ephemerals (\(owners.count)):\n"
        for owner in owners {
            text += "\(owner): \(clientDescription(of: owner, sessions: sessions))\n"
            for path in tree.ephemerals(of: owner.raw) { text += "\t\(String(decoding: path, as: UTF8.self))\n" }
        }
        text += "Connections dump:\nConnections Sets (1)/(\(connections.count)):\n\(connections.count) connections:\n"
        for c in connections.values.sorted(by: { $0.id < $1.id }) {
            text += "\tip: /\(c.address.display) sessionId: \(c.sessionID ?? 0)\n"
        }
        return text
    }

    /// "connected from /addr" or "disconnected, expires in N ms".
    func clientDescription(of sessionID: SessionID, sessions: SessionTracker) -> String {
        guard let session = sessions[sessionID] else { return "(no session)" }
        if let id = session.connection, let c = connections[id] {
            return "connected from /\(c.address.display)"
        }
        let left = Int64(session.deadlineNanos &- min(session.deadlineNanos, clockNow.monotonicNanos)) / 1_000_000
        let last = session.lastAddress.map { " (last from /\($0))" } ?? ""
        return "disconnected\(last), expires in \(left) ms"
    }

    /// `wchs`: a summary of the watches.
    func watchSummaryText() -> String {
        let byConnection = watches.watchersWithPaths()
        let paths = Set(byConnection.values.flatMap { $0 })
        let total = byConnection.values.reduce(0) { $0 + $1.count }
        return "\(byConnection.count) connections watching \(paths.count) paths\nTotal watches:\(total)\n"
    }

    /// `wchc` (by session) and `wchp` (by path).
    func watchListText(byPath: Bool) -> String {
        let byConnection = watches.watchersWithPaths()
        var text = ""
        if byPath {
            var byPathMap: [[UInt8]: [SessionID]] = [:]
            for (id, paths) in byConnection {
                let sid = connections[id]?.sessionID ?? 0
                for path in paths { byPathMap[path, default: []].append(sid) }
            }
            for path in byPathMap.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                text += String(decoding: path, as: UTF8.self) + "\n"
                for sid in (byPathMap[path] ?? []).sorted() { text += "\t\(sid)\n" }
            }
        } else {
            for id in byConnection.keys.sorted() {
                text += "\(connections[id]?.sessionID ?? 0)\n"
                for path in (byConnection[id] ?? []).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    text += "\t" + String(decoding: path, as: UTF8.self) + "\n"
                }
            }
        }
        return text + "\n"
    }

    /// `mntr`: key-tab-value lines, Apache's keys for what SwiftZK measures.
    /// `process` carries the shell's figures (file descriptors, uptime, sizes).
    func monitorText(process: [(String, String)], tree: DataTree, sessions: SessionTracker, unappliedCount: Int) -> String {
        var lines: [(String, String)] = [
            ("zk_version", config.versionString),
            ("zk_server_state", "standalone"),
            ("zk_ephemerals_count", "\(tree.ephemerals.values.reduce(0) { $0 + $1.count })"),
            ("zk_num_alive_connections", "\(connections.count)"),
            ("zk_avg_latency", stats.latency.averageText),
            ("zk_outstanding_requests", "\(unappliedCount)"),
            ("zk_znode_count", "\(tree.nodeCount + 1)"),
            ("zk_global_sessions", "\(sessions.count)"),
            ("zk_local_sessions", "0"),
            ("zk_packets_sent", "\(stats.packetsSent)"),
            ("zk_packets_received", "\(stats.packetsReceived)"),
            ("zk_watch_count", "\(watches.watchCount)"),
            ("zk_min_latency", "\(stats.latency.min)"),
            ("zk_max_latency", "\(stats.latency.max)"),
            ("zk_approximate_data_size", "\(tree.pathAndDataBytes)"),
            ("zk_last_processed_zxid", "\(tree.lastProcessedZxid)"),
        ]
        lines += process
        return lines.map { "\($0.0)\t\($0.1)\n" }.joined()
    }

    /// `leak`: live sessions grouped by client host, with the evidence of
    /// leaked handles (sessions that only ping) and of duplicate
    /// registrations (ephemerals with the same data, or the same name apart
    /// from a sequence suffix, under one parent, owned by different sessions).
    func leakText(now: Now, tree: DataTree, sessions: SessionTracker) -> String {
        struct Entry {
            var session: Session
            var connection: ClientConnection?
        }
        var byHost: [String: [Entry]] = [:]
        for session in sessions.sessions.values {
            let connection = session.connection.flatMap { connections[$0] }
            let host = connection?.address.host ?? session.lastAddress.map { hostOf($0) } ?? "unknown"
            byHost[host, default: []].append(Entry(session: session, connection: connection))
        }
        var text = "Sessions by client host (\(byHost.count) hosts, \(sessions.count) sessions, \(connections.count) connections):\n"
        for host in byHost.keys.sorted() {
            let entries = (byHost[host] ?? []).sorted { $0.session.id < $1.session.id }
            let connectionCount = connections.values.filter { $0.address.host == host }.count
            text += "host \(host): \(entries.count) sessions, \(connectionCount) connections\n"
            var idle: [SessionID] = []
            for entry in entries {
                let sid = entry.session.id
                let ephemerals = tree.ephemerals[sid.raw]?.count ?? 0
                let age = max(0, now.wallMillis - entry.session.createdWallMillis)
                if let c = entry.connection {
                    let quiet = max(0, now.wallMillis - c.lastRequestWallMillis)
                    text += "  \(sid) connected /\(c.address.display) age \(age) ms, heard \(max(0, now.wallMillis - c.lastHeardWallMillis)) ms ago, last request other than ping \(quiet) ms ago, \(ephemerals) ephemerals, \(watches.watchPaths(of: c.id).count) watches\n"
                    if quiet >= config.idleSessionMillis { idle.append(sid) }
                } else {
                    text += "  \(sid) \(clientDescription(of: sid, sessions: sessions)), age \(age) ms, \(ephemerals) ephemerals\n"
                }
            }
            if !idle.isEmpty {
                text += "  suspected leaked handles: \(idle.count) sessions only ping for over \(config.idleSessionMillis) ms: \(idle.map(\.description).joined(separator: ", "))\n"
            }
            for duplicate in duplicateRegistrations(among: Set(entries.map(\.session.id)), tree: tree) {
                text += "  duplicate registrations: \(duplicate)\n"
            }
        }
        return text
    }

    private func hostOf(_ display: String) -> String {
        if display.hasPrefix("["), let end = display.firstIndex(of: "]") {
            return String(display[display.index(after: display.startIndex)..<end])
        }
        return String(display.split(separator: ":").first ?? Substring(display))
    }

    /// Groups of ephemerals under one parent, owned by two or more of
    /// `owners`, with identical data or the same name once a sequence suffix
    /// is removed.
    func duplicateRegistrations(among owners: Set<SessionID>, tree: DataTree) -> [String] {
        var groups: [String: Set<SessionID>] = [:]
        for owner in owners {
            for path in tree.ephemerals(of: owner.raw) {
                guard let node = tree.node(path), let parent = ZNodePath.parent(of: path) else { continue }
                let parentText = String(decoding: parent, as: UTF8.self)
                var name = String(decoding: ZNodePath.name(of: path), as: UTF8.self)
                if name.count > 10, name.suffix(10).allSatisfy(\.isNumber) { name = String(name.dropLast(10)) + "<seq>" }
                groups["under \(parentText): same name \(name)", default: []].insert(owner)
                if !node.data.isNull {
                    let data = String(decoding: node.data.bytesOrEmpty.prefix(64), as: UTF8.self)
                    groups["under \(parentText): same data \(data.debugDescription)", default: []].insert(owner)
                }
            }
        }
        return groups.filter { $0.value.count > 1 }.keys.sorted().map { key in
            let ids = (groups[key] ?? []).sorted().map(\.description).joined(separator: ", ")
            return "\(groups[key]?.count ?? 0) sessions \(key): \(ids)"
        }
    }
}

/// Java's `Date.toString()` in UTC: "Wed Nov 25 21:16:12 UTC 2026".
enum JavaDate {
    static func text(wallMillis: Int64) -> String {
        let days = Int((wallMillis / 1000).quotientAndRemainder(dividingBy: 86400).quotient)
        var seconds = Int(wallMillis / 1000) - days * 86400
        if seconds < 0 { seconds += 86400 }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[weekday]) \(months[month - 1]) \(two(day)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) UTC \(year)"
    }
}
