import Foundation

/// Turns zoo.cfg entries and `--set` overrides into a `ServerConfig`.
///
/// Each key is checked the way Apache reads it (QuorumPeerConfig.parseProperties
/// for its own keys, the `zookeeper.*` system-property readers for the rest),
/// then `finish` does QuorumPeerConfig's cross-key steps: dataDir required,
/// session timeout defaults, the server.N list, myid and the client port.
struct ZooCfgParser {
    /// True when a file was given; false for the embedded default plus overrides.
    private let fromFile: Bool
    /// How whole-config warnings and missing-key errors name the source.
    private let sourceName: String

    private var config = ServerConfig.embeddedDefault()
    private var origins: [String: ZooCfgOrigin] = [:]

    // Settings that `finish` resolves against each other; nil = not written.
    private var tickTime: Int?
    private var dataDir: String?
    private var dataLogDir: String?
    private var clientPort: Int?
    private var clientPortAddress: String?
    private var minSessionTimeout = -1
    private var maxSessionTimeout = -1
    private var fourLetterWordList: String?
    private var multiAddressEnabled = false
    private var serverEntries: [ZooCfgEntry] = []

    private var notActedOn: [String] = []
    private var warnings: [String] = []

    /// Apache's ZooKeeperServer.DEFAULT_TICK_TIME, used when a file has no tickTime.
    static let apacheDefaultTickTime = 3000
    /// Server ids go in the top byte of session ids (SessionTrackerImpl), and
    /// 255 is kept out as EphemeralType.MAX_EXTENDED_SERVER_ID does.
    static let serverIds = 0...254
    /// The source name used for overrides.
    static let overrideSource = "--set"

    private init(fromFile: Bool, sourceName: String) {
        self.fromFile = fromFile
        self.sourceName = sourceName
    }

    static func load(path: String?, overrides: [String]) throws(ConfigError) -> ServerConfig {
        var entries: [ZooCfgEntry] = []
        if let path {
            entries = try ZooCfgProperties.parse(ZooCfgProperties.readFile(path), file: path)
        }
        for override in overrides {
            entries.append(try overrideEntry(override))
        }
        var parser = ZooCfgParser(fromFile: path != nil, sourceName: path ?? overrideSource)
        var effective = laterWins(entries)
        effective += try dynamicConfigEntries(effective)
        for entry in effective {
            try parser.apply(entry)
        }
        var config = try parser.finish(sourceFile: path)
        for entry in effective { config.properties[entry.key] = entry.value }
        return config
    }

    /// `key=value` from `--set` or `-D`; `zookeeper.` is dropped from the key
    /// because that is the prefix Apache adds when it turns zoo.cfg keys into
    /// system properties.
    static func overrideEntry(_ text: String) throws(ConfigError) -> ZooCfgEntry {
        let origin = ZooCfgOrigin(file: overrideSource, line: nil)
        guard let equals = text.firstIndex(of: "=") else {
            throw ConfigError(file: origin.file, message: "expected key=value, got \"\(text)\"")
        }
        var key = ZooCfgProperties.javaTrim(String(text[..<equals]))
        if key.hasPrefix("zookeeper.") { key.removeFirst("zookeeper.".count) }
        guard !key.isEmpty else {
            throw ConfigError(file: origin.file, message: "expected key=value, got \"\(text)\"")
        }
        let value = ZooCfgProperties.javaTrim(String(text[text.index(after: equals)...]))
        return ZooCfgEntry(key: key, value: value, origin: origin)
    }

    /// Properties keeps the last value of a repeated key; keep that entry, in
    /// the position it was written.
    static func laterWins(_ entries: [ZooCfgEntry]) -> [ZooCfgEntry] {
        var last: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { last[entry.key] = index }
        return entries.enumerated().filter { last[$0.element.key] == $0.offset }.map(\.element)
    }

    /// With `dynamicConfigFile`, the ensemble lives in that file, as
    /// QuorumPeerConfig.parse reads it: only server.N, group.N and weight.N,
    /// and no `version` (that comes from the file name).
    static func dynamicConfigEntries(_ entries: [ZooCfgEntry]) throws(ConfigError) -> [ZooCfgEntry] {
        guard let pointer = entries.last(where: { $0.key == "dynamicConfigFile" }) else { return [] }
        if let misplaced = entries.first(where: { ZooCfgKeys.isMembership($0.key) }) {
            throw ConfigError(
                file: misplaced.origin.file, line: misplaced.origin.line, key: misplaced.key,
                message: "expected in the dynamic config file \(pointer.value) (dynamicConfigFile is set at \(pointer.origin)), not here")
        }
        guard !pointer.value.isEmpty else {
            throw ConfigError(
                file: pointer.origin.file, line: pointer.origin.line, key: pointer.key,
                message: "expected a file path, got \"\"")
        }
        let path = pointer.value
        let entries = laterWins(try ZooCfgProperties.parse(ZooCfgProperties.readFile(path), file: path))
        for entry in entries where !ZooCfgKeys.isMembership(entry.key) {
            let message = entry.key == "version"
                ? "expected no version in a dynamic config file (Apache takes it from the file name)"
                : "expected only server.N, group.N and weight.N keys in a dynamic config file"
            throw ConfigError(file: entry.origin.file, line: entry.origin.line, key: entry.key, message: message)
        }
        return entries
    }

    // MARK: - One key

    private mutating func apply(_ entry: ZooCfgEntry) throws(ConfigError) {
        let key = entry.key
        origins[key] = entry.origin
        if ZooCfgKeys.storedNotActedOn.contains(key) { noteNotActedOn(key) }
        switch key {
        case "tickTime":
            tickTime = try integer(entry, .parseInt, 1..., "a positive integer in milliseconds")
        case "initLimit":
            config.initLimit = try integer(entry, .parseInt, 0..., "a non-negative integer number of ticks")
        case "syncLimit":
            config.syncLimit = try integer(entry, .parseInt, 0..., "a non-negative integer number of ticks")
        case "dataDir":
            dataDir = try path(entry)
        case "dataLogDir":
            dataLogDir = try path(entry)
        case "clientPort":
            clientPort = try port(entry, .parseInt)
        case "clientPortAddress":
            clientPortAddress = try host(entry)
        case "secureClientPort":
            config.secureClientPort = try port(entry, .parseInt)
        case "secureClientPortAddress":
            config.secureClientPortAddress = try host(entry)
        case "maxClientCnxns":
            config.maxClientCnxns = try integer(entry, .parseInt, 0..., "a non-negative integer (0 means no limit)")
        case "minSessionTimeout":
            minSessionTimeout = try integer(entry, .parseInt, (-1)..., "an integer number of milliseconds, or -1 for 2 × tickTime")
        case "maxSessionTimeout":
            maxSessionTimeout = try integer(entry, .parseInt, (-1)..., "an integer number of milliseconds, or -1 for 20 × tickTime")
        case "autopurge.snapRetainCount":
            // QuorumPeerConfig raises it to MIN_SNAP_RETAIN_COUNT, with a warning.
            let count = try integer(entry, .parseInt, nil, "an integer number of snapshots to keep")
            config.snapRetainCount = max(count, 3)
            if count < 3 { warn(entry, "\(count) is below the minimum of 3; using 3") }
        case "autopurge.purgeInterval":
            // Apache 3.9 reads whole hours; 0 or less disables purging.
            config.purgeIntervalHours = max(0, try integer(entry, .parseInt, nil, "an integer number of hours (0 disables purging)"))
        case "snapCount":
            // ZooKeeperServer.getSnapCount raises it to 2, with a warning.
            let count = try integer(entry, .decodeInt, nil, "an integer number of transactions")
            config.snapCount = max(count, 2)
            if count < 2 { warn(entry, "\(count) is below the minimum of 2; using 2") }
        case "snapSizeLimitInKb":
            config.snapSizeLimitInKb = try integer(entry, .decodeLong, nil, "an integer number of KiB (0 or less disables the limit)")
        case "preAllocSize":
            config.preAllocSizeKB = try integer(entry, .parseLong, 0..., "a non-negative integer number of KiB")
        case "globalOutstandingLimit":
            config.globalOutstandingLimit = try integer(entry, .decodeInt, 1..., "a positive integer number of requests")
        // SwiftZK's bounds (Limits); 0 turns off the optional ones.
        case "swiftzk.maxOutstandingPerConnection":
            config.limits.outstandingRequestsPerConnection = try integer(entry, .parseInt, 0..., "a non-negative integer number of requests (0 means no limit)")
        case "swiftzk.maxQueuedReplyBytes":
            config.limits.queuedReplyBytesPerConnection = try integer(entry, .parseLong, 0..., "a non-negative integer number of bytes (0 means no limit)")
        case "swiftzk.maxWatchesPerSession":
            config.limits.watchesPerSession = try integer(entry, .parseInt, 0..., "a non-negative integer number of watches (0 means no limit)")
        case "swiftzk.maxEphemeralsPerSession":
            config.limits.ephemeralsPerSession = try integer(entry, .parseInt, 0..., "a non-negative integer number of znodes (0 means no limit)")
        case "swiftzk.maxLogQueueDepth":
            config.limits.logQueueTransactions = try integer(entry, .parseInt, 0..., "a non-negative integer number of transactions (0 means no limit)")
        case "4lw.commands.whitelist":
            fourLetterWordList = entry.value
        case "admin.enableServer":
            config.adminEnableServer = try boolean(entry)
        case "admin.serverAddress":
            config.adminServerAddress = try host(entry)
        case "admin.serverPort":
            config.adminServerPort = try port(entry, .decodeInt)
        case "extendedTypesEnabled":
            config.extendedTypesEnabled = try boolean(entry)
        case "jute.maxbuffer":
            config.juteMaxBuffer = try integer(entry, .decodeInt, 1..., "a positive integer number of bytes")
        case "DigestAuthenticationProvider.superDigest":
            config.superDigest = entry.value.isEmpty ? nil : entry.value
        case "readonlymode.enabled":
            config.readOnlyModeEnabled = try boolean(entry)
        case "skipACL":
            config.skipACL = try skipACL(entry)
        case "znode.container.checkIntervalMs":
            config.containerCheckIntervalMs = try integer(entry, .decodeInt, 1..., "a positive integer in milliseconds")
        case "znode.container.maxPerMinute":
            config.containerMaxPerMinute = try integer(entry, .decodeInt, 1..., "a positive integer number of containers")
        case "znode.container.maxNeverUsedIntervalMs":
            config.containerMaxNeverUsedIntervalMs = try integer(entry, .decodeLong, 0..., "a non-negative integer in milliseconds (0 means never)")
        case "standaloneEnabled":
            config.standaloneEnabled = try boolean(entry)
        case "maxCnxns":
            config.maxCnxns = try integer(entry, .parseInt, 0..., "a non-negative integer number of connections (0 means no limit)")
        case "forceSync":
            // Apache's zookeeper.forceSync turns fsync off for exactly "no" and
            // keeps it for any other text; anything but yes or no is refused
            // here, so "false" cannot look like it turned fsync off.
            switch entry.value {
            case "yes": config.forceSync = true
            case "no": config.forceSync = false
            default: throw error(entry, "expected yes or no (no acknowledges writes before they reach the disk), got \"\(entry.value)\"")
            }
        case "sessionlessCnxnTimeout":
            config.sessionlessCnxnTimeoutMs = try integer(entry, .decodeInt, 1..., "a positive integer in milliseconds")
        case "enforceQuota":
            config.enforceQuota = try boolean(entry)
        case "adminActions.enabled":
            config.adminActionsEnabled = try boolean(entry)
        case "clientTcpKeepAlive":
            config.clientTcpKeepAlive = try boolean(entry)
        case "clientTcpKeepAliveIdle":
            // Linux refuses TCP_KEEPIDLE and TCP_KEEPINTVL above 32767 s and
            // TCP_KEEPCNT above 127 (EINVAL on every accepted connection), so
            // the bounds are checked here, before any client connects.
            config.clientTcpKeepAliveIdleSeconds = try integer(entry, .parseInt, in: 1...32767, "an integer number of seconds from 1 to 32767")
        case "clientTcpKeepAliveInterval":
            config.clientTcpKeepAliveIntervalSeconds = try integer(entry, .parseInt, in: 1...32767, "an integer number of seconds from 1 to 32767")
        case "clientTcpKeepAliveCount":
            config.clientTcpKeepAliveCount = try integer(entry, .parseInt, in: 1...127, "an integer number of probes from 1 to 127")
        case "reconfigEnabled":
            config.reconfigEnabled = try boolean(entry)
        case "dynamicConfigFile":
            break  // read by dynamicConfigEntries before any key is applied
        case _ where key.hasPrefix("server."):
            serverEntries.append(entry)  // checked in finish, once multiAddress.enabled is known
        case _ where ZooCfgKeys.isSASLKey(key, value: entry.value):
            break  // read from `properties` by the SASL set-up
        default:
            try checkApacheOnly(entry)
            noteNotActedOn(key)
        }
    }

    /// Keys Apache itself parses and rejects when malformed; a config Apache
    /// refuses to start with should not start here either.
    private mutating func checkApacheOnly(_ entry: ZooCfgEntry) throws(ConfigError) {
        let key = entry.key
        if key == "electionAlg" {
            guard ZooCfgValue.integer(entry.value, .parseInt) == 3 else {
                throw error(entry, "expected 3 (the only election algorithm in Apache ZooKeeper 3.9), got \"\(entry.value)\"")
            }
        } else if key == "peerType" {
            guard ["observer", "participant"].contains(entry.value.lowercased()) else {
                throw error(entry, "expected observer or participant, got \"\(entry.value)\"")
            }
        } else if ZooCfgKeys.apacheBooleans.contains(key) {
            let flag = try boolean(entry)
            if key == "multiAddress.enabled" { multiAddressEnabled = flag }
        } else if ZooCfgKeys.apacheInts.contains(key) {
            _ = try integer(entry, .parseInt, nil, "an integer")
        } else if ZooCfgKeys.apacheLongs.contains(key) {
            _ = try integer(entry, .parseLong, nil, "an integer")
        }
    }

    // MARK: - Cross-key resolution

    private mutating func finish(sourceFile: String?) throws(ConfigError) -> ServerConfig {
        config.sourceFile = sourceFile

        if let dataDir {
            config.dataDir = dataDir
        } else if fromFile {
            throw ConfigError(
                file: sourceName, key: "dataDir",
                message: "not set; Apache ZooKeeper requires it in a config file (for example dataDir=/var/lib/zookeeper)")
        }
        config.dataLogDir = dataLogDir ?? config.dataDir
        warnIfRelative("dataDir", dataDir)
        warnIfRelative("dataLogDir", dataLogDir)

        // QuorumPeerConfig checks these before it looks at server.N lines.
        let defaultClientPort = fromFile ? nil : config.clientPort
        if clientPortAddress != nil, (clientPort ?? defaultClientPort) == nil, let origin = origins["clientPortAddress"] {
            throw ConfigError(
                file: origin.file, line: origin.line, key: "clientPortAddress",
                message: "is set but clientPort is not; add clientPort=<port>")
        }
        if config.secureClientPortAddress != nil, config.secureClientPort == nil, let origin = origins["secureClientPortAddress"] {
            throw ConfigError(
                file: origin.file, line: origin.line, key: "secureClientPortAddress",
                message: "is set but secureClientPort is not; add secureClientPort=<port>")
        }

        let tick = tickTime ?? (fromFile ? Self.apacheDefaultTickTime : config.tickTime)
        config.tickTime = tick
        config.minSessionTimeout = minSessionTimeout == -1 ? 2 * tick : minSessionTimeout
        config.maxSessionTimeout = maxSessionTimeout == -1 ? 20 * tick : maxSessionTimeout
        if config.minSessionTimeout > config.maxSessionTimeout {
            let key = origins["minSessionTimeout"] != nil ? "minSessionTimeout" : "maxSessionTimeout"
            let origin = origins[key] ?? ZooCfgOrigin(file: sourceName)
            throw ConfigError(
                file: origin.file, line: origin.line, key: key,
                message: "expected minSessionTimeout (\(config.minSessionTimeout) ms) to be at most maxSessionTimeout (\(config.maxSessionTimeout) ms)")
        }

        try resolveServers()

        if let clientPort {
            config.clientPort = clientPort
        } else if fromFile {
            let secureOnly = config.secureClientPort == nil ? "" : " (secureClientPort alone is not served yet)"
            throw ConfigError(
                file: sourceName, key: "clientPort",
                message: "not set; add clientPort=2181, or give the port in the server.N line as ;2181\(secureOnly)")
        }
        config.clientPortAddress = clientPortAddress

        config.fourLetterWords = fourLetterWords()

        var allWarnings: [String] = []
        if !notActedOn.isEmpty {
            allWarnings.append("\(sourceName): accepted but not acted on yet: \(notActedOn.joined(separator: ", "))")
        }
        config.warnings = allWarnings + warnings
        return config
    }

    /// QuorumMaj plus QuorumPeerConfig.setupMyId and setupClientPort, for the
    /// one case SwiftZK runs: at most one server line, which means standalone.
    private mutating func resolveServers() throws(ConfigError) {
        var servers: [(id: Int, entry: ZooCfgEntry, spec: QuorumServerSpec)] = []
        for entry in serverEntries {
            let idText = String(entry.key.dropFirst("server.".count))
            guard let id = ZooCfgValue.integer(idText, .parseLong), id >= 0 else {
                throw error(entry, "expected server.N with N a non-negative integer server id, got \"\(entry.key)\"")
            }
            let spec: QuorumServerSpec
            do {
                spec = try QuorumServerSpec.parse(entry.value, multiAddressEnabled: multiAddressEnabled)
            } catch {
                throw self.error(entry, error.message)
            }
            // server.1 and server.01 are the same member; the later line wins.
            // `serverEntries` is in written order, so `servers` stays in it too.
            servers.removeAll { $0.id == id }
            servers.append((id, entry, spec))
        }
        config.servers = Dictionary(uniqueKeysWithValues: servers.map { ($0.id, $0.entry.value) })

        if servers.isEmpty, !config.standaloneEnabled, let origin = origins["standaloneEnabled"] {
            throw ConfigError(
                file: origin.file, line: origin.line, key: "standaloneEnabled",
                message: "false needs at least one server.N line, as in Apache ZooKeeper; found none")
        }
        if servers.count >= 2 {
            throw error(
                servers[1].entry,
                "replicated ensembles are not built yet; SwiftZK runs standalone only (remove the other server.N lines)")
        }
        if let only = servers.first, only.spec.role == .observer {
            throw error(only.entry, "expected participant: a lone server.N line cannot be an observer (Apache rejects observers without participants)")
        }

        let myid = try readMyid()
        if let myid {
            config.serverId = myid.id
        } else if let only = servers.first {
            guard Self.serverIds.contains(only.id) else {
                throw error(only.entry, "expected a server id from 0 to 254 (it goes in the top byte of session ids), got \(only.id)")
            }
            config.serverId = only.id
        } else {
            config.serverId = 0
        }

        guard let only = servers.first else { return }
        guard only.id == config.serverId else {
            // setupClientPort only uses the line naming this server.
            let ignored = only.spec.clientPort == nil ? "" : "; its client port is not used"
            warn(only.entry, "\(myid?.path ?? "myid") says this server is \(config.serverId), not \(only.id)\(ignored)")
            return
        }
        guard let linePort = only.spec.clientPort else { return }
        if let staticPort = clientPort {
            let agrees = ZooCfgValue.isWildcard(clientPortAddress)
                ? staticPort == linePort
                : staticPort == linePort && clientPortAddress == only.spec.clientAddress
            guard agrees else {
                let written = [origins["clientPortAddress"].map { "clientPortAddress at \($0)" }, origins["clientPort"].map { "clientPort at \($0)" }]
                    .compactMap { $0 }.joined(separator: " and ")
                let lineAddress = "\(only.spec.clientAddress ?? "0.0.0.0"):\(linePort)"
                let staticAddress = "\(clientPortAddress ?? "0.0.0.0"):\(staticPort)"
                throw error(only.entry, "client address \(lineAddress) after ';' differs from \(staticAddress) set by \(written); make them agree or remove one")
            }
        }
        clientPort = linePort
        clientPortAddress = only.spec.clientAddress
    }

    /// The myid file in dataDir, if it is there; Apache reads only its first line.
    private func readMyid() throws(ConfigError) -> (id: Int, path: String)? {
        let path = config.dataDir.hasSuffix("/") ? config.dataDir + "myid" : config.dataDir + "/myid"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        let text = ZooCfgProperties.decode(try ZooCfgProperties.readBytes(path))
        let firstLine = ZooCfgProperties.javaTrim(String(text.prefix { !$0.isNewline }))
        guard let id = Int(firstLine), Self.serverIds.contains(id) else {
            throw ConfigError(file: path, line: 1, message: "expected a server id from 0 to 254, got \"\(firstLine)\"")
        }
        return (id, path)
    }

    /// FourLetterCommands.isEnabled: the comma list, `*` for all, and always
    /// `srvr` (zkServer.sh needs it) plus `isro` in read-only mode.
    private mutating func fourLetterWords() -> Set<String> {
        var words: Set<String> = ["srvr"]
        if config.readOnlyModeEnabled { words.insert("isro") }
        guard let list = fourLetterWordList else { return words }
        var unknown: [String] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let word = ZooCfgProperties.javaTrim(String(item))
            if word == "*" {
                words.formUnion(ZooCfgKeys.knownFourLetterWords)
                break
            }
            if word.isEmpty { continue }
            if ZooCfgKeys.knownFourLetterWords.contains(word) {
                words.insert(word)
            } else {
                unknown.append(word)
            }
        }
        if !unknown.isEmpty, let origin = origins["4lw.commands.whitelist"] {
            warnings.append("\(origin): 4lw.commands.whitelist: unknown four-letter words ignored: \(unknown.joined(separator: ", "))")
        }
        return words
    }

    // MARK: - Values

    private func integer(_ entry: ZooCfgEntry, _ syntax: ZooCfgValue.IntegerSyntax, _ range: PartialRangeFrom<Int>?, _ expected: String) throws(ConfigError) -> Int {
        guard let value = ZooCfgValue.integer(entry.value, syntax), range?.contains(value) ?? true else {
            throw error(entry, "expected \(expected), got \"\(entry.value)\"")
        }
        return value
    }

    private func integer(_ entry: ZooCfgEntry, _ syntax: ZooCfgValue.IntegerSyntax, in range: ClosedRange<Int>, _ expected: String) throws(ConfigError) -> Int {
        guard let value = ZooCfgValue.integer(entry.value, syntax), range.contains(value) else {
            throw error(entry, "expected \(expected), got \"\(entry.value)\"")
        }
        return value
    }

    private func port(_ entry: ZooCfgEntry, _ syntax: ZooCfgValue.IntegerSyntax) throws(ConfigError) -> Int {
        guard let value = ZooCfgValue.integer(entry.value, syntax), (0...65535).contains(value) else {
            throw error(entry, "expected a port number from 0 to 65535, got \"\(entry.value)\"")
        }
        return value
    }

    private func boolean(_ entry: ZooCfgEntry) throws(ConfigError) -> Bool {
        guard let value = ZooCfgValue.boolean(entry.value) else {
            throw error(entry, "expected true or false, got \"\(entry.value)\"")
        }
        return value
    }

    /// Apache skips ACLs only for exactly `yes`; SwiftZK also takes `true`.
    /// Other spellings (`YES`, `on`) are refused rather than read as "no",
    /// so no spelling means something different here than in Apache.
    private func skipACL(_ entry: ZooCfgEntry) throws(ConfigError) -> Bool {
        switch entry.value {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw error(entry, "expected yes or no, got \"\(entry.value)\"")
        }
    }

    private func path(_ entry: ZooCfgEntry) throws(ConfigError) -> String {
        guard !entry.value.isEmpty else { throw error(entry, "expected a directory path, got \"\"") }
        return entry.value
    }

    private func host(_ entry: ZooCfgEntry) throws(ConfigError) -> String {
        guard let host = ZooCfgValue.host(entry.value) else {
            throw error(entry, "expected a host name or IP address, got \"\(entry.value)\"")
        }
        return host
    }

    // MARK: - Reporting

    private func error(_ entry: ZooCfgEntry, _ message: String) -> ConfigError {
        ConfigError(file: entry.origin.file, line: entry.origin.line, key: entry.key, message: message)
    }

    private mutating func warn(_ entry: ZooCfgEntry, _ message: String) {
        warnings.append("\(entry.origin): \(entry.key): \(message)")
    }

    private mutating func noteNotActedOn(_ key: String) {
        let shown = key.isEmpty ? "\"\"" : key
        if !notActedOn.contains(shown) { notActedOn.append(shown) }
    }

    /// VerifyingFileFactory.warnForRelativePath: Apache warns unless the path
    /// is absolute or starts with "./".
    private mutating func warnIfRelative(_ key: String, _ value: String?) {
        guard let value, let origin = origins[key], !value.hasPrefix("/"), !value.hasPrefix("./") else { return }
        warnings.append("\(origin): \(key): \"\(value)\" is relative to the working directory; write \"./\(value)\" to show that is intended")
    }
}
