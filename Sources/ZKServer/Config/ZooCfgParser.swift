import Foundation
import ZKServerCore

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
    /// group.G and weight.N lines, checked in finish against the server lines.
    private var hierarchyEntries: [ZooCfgEntry] = []
    /// The dynamic config file, when `dynamicConfigFile` names one.
    private var dynamicConfigFile: String?
    /// The ensemble's config version: what a dynamic config file's name
    /// gives (`zoo.cfg.dynamic.100000000`), else `version` in zoo.cfg, else 0.
    private var dynamicConfigVersion: Int64 = 0
    // Quorum-only settings, kept for QuorumConfig.
    private var peerType: LearnerType?
    private var quorumListenOnAllIPs = false
    private var cnxTimeoutMs = 5000
    private var electionPortBindRetries = 3

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
        if let pointer = effective.last(where: { $0.key == "dynamicConfigFile" }) {
            parser.dynamicConfigFile = pointer.value
            parser.dynamicConfigVersion = dynamicConfigVersion(fileName: pointer.value)
        }
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

    /// QuorumPeerConfig.getVersionFromFilename: the hex after the path's last
    /// dot (`zoo.cfg.dynamic.100000000`), or 0 when that is not hex.
    static func dynamicConfigVersion(fileName: String) -> Int64 {
        guard let dot = fileName.lastIndex(of: ".") else { return 0 }
        return Int64(fileName[fileName.index(after: dot)...], radix: 16) ?? 0
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
        case "swiftzk.childListingCacheBytes":
            config.limits.childListingCacheBytes = try integer(entry, .parseLong, 0..., "a non-negative integer number of bytes (0 keeps no child lists)")
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
        case _ where ZooCfgKeys.isHierarchy(key):
            hierarchyEntries.append(entry)  // checked in finish, against the server lines
        case "version" where dynamicConfigFile == nil:
            // Without a dynamic file, QuorumMaj and QuorumHierarchical are built
            // from zoo.cfg itself and read its `version` (Long.parseLong, hex).
            guard let version = Int64(entry.value, radix: 16) else {
                throw error(entry, "expected the config version in hex (as Apache writes it, version=100000000), got \"\(entry.value)\"")
            }
            dynamicConfigVersion = version
        case "electionAlg":
            guard ZooCfgValue.integer(entry.value, .parseInt) == 3 else {
                throw error(entry, "expected 3 (the only election algorithm in Apache ZooKeeper 3.9), got \"\(entry.value)\"")
            }
        case "peerType":
            switch entry.value.lowercased() {
            case "observer": peerType = .observer
            case "participant": peerType = .participant
            default: throw error(entry, "expected observer or participant, got \"\(entry.value)\"")
            }
        case "quorumListenOnAllIPs":
            quorumListenOnAllIPs = try boolean(entry)
        case "cnxTimeout":
            // QuorumCnxManager reads it with Integer.parseInt; Java's connect takes 0 as no limit.
            cnxTimeoutMs = try integer(entry, .parseInt, 0..., "a non-negative integer in milliseconds (0 waits without limit)")
        case "electionPortBindRetry":
            // Apache reads it with Integer.getInteger and quietly uses 3 for
            // a negative or malformed value; here those stop start-up instead.
            electionPortBindRetries = try integer(entry, .decodeInt, 0..., "a non-negative integer number of retries (0 retries forever)")
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
        if ZooCfgKeys.apacheBooleans.contains(key) {
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
        } else if fromFile, config.quorum != nil {
            // In quorum mode Apache runs a member without a client port.
            config.clientPort = nil
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

    /// One `server.N` line, checked.
    private typealias ServerLine = (id: Int, entry: ZooCfgEntry, spec: QuorumServerSpec)

    /// QuorumPeerConfig.parseDynamicConfig, setupMyId, setupClientPort,
    /// setupPeerType and checkValidity: the server lines become a quorum
    /// verifier, then either standalone (no participant, or one with
    /// standaloneEnabled=true) or quorum mode, which needs myid naming a member.
    private mutating func resolveServers() throws(ConfigError) {
        var servers: [ServerLine] = []
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

        let hierarchy = try parseHierarchy()
        guard !servers.isEmpty else {
            if !config.standaloneEnabled, let origin = origins["standaloneEnabled"] {
                throw ConfigError(
                    file: origin.file, line: origin.line, key: "standaloneEnabled",
                    message: "false needs at least one server.N line, as in Apache ZooKeeper; found none")
            }
            // Apache checks groups against server lines; with none there is nothing to weigh.
            for entry in hierarchyEntries { noteNotActedOn(entry.key) }
            config.serverId = try readMyid()?.id ?? 0
            return
        }

        let verifier = try makeVerifier(servers, hierarchy)
        let participants = servers.filter { $0.spec.role == .participant }
        let observers = servers.filter { $0.spec.role == .observer }
        if participants.isEmpty {
            if !config.standaloneEnabled, let origin = origins["standaloneEnabled"] {
                throw ConfigError(
                    file: origin.file, line: origin.line, key: "standaloneEnabled",
                    message: "false needs at least one participant server.N line, as in Apache ZooKeeper; found only observers")
            }
            if servers.count == 1 {
                throw error(servers[0].entry, "expected participant: a lone server.N line cannot be an observer (Apache rejects observers without participants)")
            }
            throw error(servers[0].entry, "expected at least one participant: these server.N lines are all observers, which need participants to follow (Apache rejects this)")
        }
        if participants.count == 1, config.standaloneEnabled {
            if let observer = observers.first {
                throw error(
                    observer.entry,
                    "one participant with standaloneEnabled=true runs standalone, so observers have no quorum to follow (Apache rejects this); add participants, or set standaloneEnabled=false")
            }
            try resolveStandaloneServer(participants[0])
            return
        }
        try resolveQuorum(servers, verifier)
    }

    /// Apache's backward-compatible case (QuorumPeerMain): one participant
    /// and standaloneEnabled=true run standalone, and its line may give the client port.
    private mutating func resolveStandaloneServer(_ only: ServerLine) throws(ConfigError) {
        let myid = try readMyid()
        if let myid {
            config.serverId = myid.id
        } else {
            guard Self.serverIds.contains(only.id) else {
                throw error(only.entry, "expected a server id from 0 to 254 (it goes in the top byte of session ids), got \(only.id)")
            }
            config.serverId = only.id
        }
        guard only.id == config.serverId else {
            // setupClientPort only uses the line naming this server.
            let ignored = only.spec.clientPort == nil ? "" : "; its client port is not used"
            warn(only.entry, "\(myid?.path ?? "myid") says this server is \(config.serverId), not \(only.id)\(ignored)")
            return
        }
        try adoptClientPort(of: only)
    }

    /// Quorum mode: myid must exist and name a member (QuorumPeerConfig's
    /// "myid file is missing", QuorumPeer.start's "not in the peer list"),
    /// and initLimit and syncLimit must be set.
    private mutating func resolveQuorum(_ servers: [ServerLine], _ verifier: QuorumVerifier) throws(ConfigError) {
        let first = servers[0]
        let source = first.entry.origin.file
        let ids = servers.map(\.id).sorted()
        guard let myid = try readMyid() else {
            throw ConfigError(
                file: myidPath,
                message: "missing; quorum mode (server.N lines in \(source)) needs this server's id in it, the N of its server.N line (for example: echo \(ids[0]) > \(myidPath))")
        }
        guard let own = servers.first(where: { $0.id == myid.id }) else {
            let known = ids.map(String.init).joined(separator: ", ")
            throw ConfigError(
                file: myid.path, line: 1,
                message: "this server is \(myid.id), but \(source) has no server.\(myid.id) line (its servers are \(known)); write one of those ids here, or add a server.\(myid.id) line")
        }
        config.serverId = myid.id
        for key in ["initLimit", "syncLimit"] {
            let value = key == "initLimit" ? config.initLimit : config.syncLimit
            let example = key == "initLimit" ? "initLimit=10" : "syncLimit=5"
            if let origin = origins[key] {
                guard value > 0 else {
                    throw ConfigError(
                        file: origin.file, line: origin.line, key: key,
                        message: "expected a positive integer number of ticks in quorum mode, got \"\(value)\"")
                }
            } else if fromFile {
                throw ConfigError(
                    file: sourceName, key: key,
                    message: "not set; quorum mode (server.N lines in \(source)) needs it, in ticks (for example \(example))")
            }
        }
        try adoptClientPort(of: own)

        let role: LearnerType = own.spec.role == .observer ? .observer : .participant
        if let peerType, peerType != role, let origin = origins["peerType"] {
            warnings.append("\(origin): peerType: \(peerType.rawValue) disagrees with \(own.entry.key), which makes this server a\(role == .observer ? "n" : "") \(role.rawValue); using \(role.rawValue), as Apache does")
        }
        var quorum = QuorumConfig(
            verifier: verifier, myid: Int64(myid.id), peerType: role,
            membershipSource: source, firstServerLine: first.entry.origin.line, firstServerKey: first.entry.key)
        quorum.quorumListenOnAllIPs = quorumListenOnAllIPs
        quorum.cnxTimeoutMs = cnxTimeoutMs
        quorum.electionPortBindRetries = electionPortBindRetries
        quorum.multiAddressEnabled = multiAddressEnabled
        config.quorum = quorum
    }

    /// QuorumPeerConfig.setupClientPort: this server's line may give the
    /// client address, and must then agree with clientPort and clientPortAddress.
    private mutating func adoptClientPort(of own: ServerLine) throws(ConfigError) {
        guard let linePort = own.spec.clientPort else { return }
        if let staticPort = clientPort {
            let agrees = ZooCfgValue.isWildcard(clientPortAddress)
                ? staticPort == linePort
                : staticPort == linePort && clientPortAddress == own.spec.clientAddress
            guard agrees else {
                let written = [origins["clientPortAddress"].map { "clientPortAddress at \($0)" }, origins["clientPort"].map { "clientPort at \($0)" }]
                    .compactMap { $0 }.joined(separator: " and ")
                let lineAddress = "\(own.spec.clientAddress ?? "0.0.0.0"):\(linePort)"
                let staticAddress = "\(clientPortAddress ?? "0.0.0.0"):\(staticPort)"
                throw error(own.entry, "client address \(lineAddress) after ';' differs from \(staticAddress) set by \(written); make them agree or remove one")
            }
        }
        clientPort = linePort
        clientPortAddress = own.spec.clientAddress
    }

    // MARK: - Hierarchical quorums

    /// The group.G and weight.N lines, each checked on its own.
    private struct Hierarchy {
        var groups: [Int64: (entry: ZooCfgEntry, servers: Set<Int64>)] = [:]
        var weights: [Int64: (entry: ZooCfgEntry, weight: Int64)] = [:]
    }

    /// QuorumHierarchical.parse reads `group.G=a:b:c` and `weight.N=w` with
    /// Long.parseLong; negative weights, which Apache takes, are refused here.
    private func parseHierarchy() throws(ConfigError) -> Hierarchy {
        var hierarchy = Hierarchy()
        for entry in hierarchyEntries {
            let isGroup = entry.key.hasPrefix("group")
            let prefix = isGroup ? "group." : "weight."
            let form = isGroup ? "group.G with G a non-negative integer group id" : "weight.N with N a non-negative integer server id"
            guard entry.key.hasPrefix(prefix),
                  let id = ZooCfgValue.integer(String(entry.key.dropFirst(prefix.count)), .parseLong), id >= 0
            else {
                throw error(entry, "expected \(form), got \"\(entry.key)\"")
            }
            let key = Int64(id)
            if isGroup {
                if let other = hierarchy.groups[key] {
                    throw error(entry, "group \(key) is also defined at \(other.entry.origin); merge the two lines")
                }
                var fields = entry.value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                while fields.count > 1, fields.last == "" { fields.removeLast() }  // as Java's split
                var servers: Set<Int64> = []
                for field in fields {
                    guard let server = ZooCfgValue.integer(field, .parseLong), server >= 0 else {
                        throw error(entry, "expected server ids separated by ':' (for example group.1=1:2:3), got \"\(entry.value)\"")
                    }
                    guard servers.insert(Int64(server)).inserted else {
                        throw error(entry, "server \(server) is listed twice; a server belongs to exactly one group")
                    }
                }
                hierarchy.groups[key] = (entry, servers)
            } else {
                if let other = hierarchy.weights[key] {
                    throw error(entry, "the weight of server \(key) is also set at \(other.entry.origin); keep one line")
                }
                guard let weight = ZooCfgValue.integer(entry.value, .parseLong), weight >= 0 else {
                    throw error(entry, "expected a non-negative integer weight (0 means the server never counts), got \"\(entry.value)\"")
                }
                hierarchy.weights[key] = (entry, Int64(weight))
            }
        }
        return hierarchy
    }

    /// QuorumMaj, or QuorumHierarchical when any group or weight line is
    /// written; a verifier's objection is reported at the line it is about.
    private mutating func makeVerifier(_ servers: [ServerLine], _ hierarchy: Hierarchy) throws(ConfigError) -> QuorumVerifier {
        let members = servers.map { line in
            QuorumServer(
                id: Int64(line.id),
                addresses: line.spec.addresses.map { .init(host: $0.host, quorumPort: $0.quorumPort, electionPort: $0.electionPort) },
                type: line.spec.role == .observer ? .observer : .participant,
                clientAddress: line.spec.clientAddress, clientPort: line.spec.clientPort)
        }
        guard !hierarchyEntries.isEmpty else {
            return QuorumVerifier(majorityOf: members, version: dynamicConfigVersion)
        }
        func serverLine(_ id: Int64) -> ZooCfgEntry? { servers.first { Int64($0.id) == id }?.entry }
        do {
            let verifier = try QuorumVerifier(
                members: members, groups: hierarchy.groups.mapValues(\.servers),
                weights: hierarchy.weights.mapValues(\.weight), version: dynamicConfigVersion)
            for (server, weight) in hierarchy.weights.sorted(by: { $0.key < $1.key }) where verifier.observingMembers.contains(server) {
                warn(weight.entry, "server \(server) is an observer, which never votes; its weight is ignored")
            }
            return verifier
        } catch {
            let earliestGroup = hierarchy.groups.values.map(\.entry).min { ($0.origin.line ?? 0) < ($1.origin.line ?? 0) }
            switch error {
            case .participantInNoGroup(let server):
                let fix = hierarchy.groups.isEmpty
                    ? "weight.N lines need group.N lines, and every participant in exactly one group (for example group.1=1:2:3)"
                    : "with group.N lines every participant must be in exactly one group; add \(server) to one"
                throw self.error(serverLine(server) ?? servers[0].entry, "server \(server) is a participant in no group: \(fix)")
            case .serverInTwoGroups(let server, let firstGroup, let secondGroup):
                let at = hierarchy.groups[firstGroup].map { " (at \($0.entry.origin))" } ?? ""
                throw self.error(
                    hierarchy.groups[secondGroup]?.entry ?? servers[0].entry,
                    "server \(server) is already in group \(firstGroup)\(at); a server belongs to exactly one group")
            case .groupMemberNotAServer(let server, let group):
                throw self.error(
                    hierarchy.groups[group]?.entry ?? servers[0].entry,
                    "server \(server) has no server.\(server) line; list only members of the ensemble (add server.\(server) or remove \(server) from this group)")
            case .observerInGroup(let server, let group):
                throw self.error(
                    hierarchy.groups[group]?.entry ?? servers[0].entry,
                    "server \(server) is an observer, and observers never vote; remove it from group \(group)")
            case .weightForUnknownServer(let server):
                throw self.error(
                    hierarchy.weights[server]?.entry ?? servers[0].entry,
                    "server \(server) has no server.\(server) line; remove this weight or add the server")
            case .negativeWeight(let server, let weight):
                throw self.error(
                    hierarchy.weights[server]?.entry ?? servers[0].entry,
                    "expected a non-negative integer weight (0 means the server never counts), got \"\(weight)\"")
            case .noGroupWithWeight:
                throw self.error(
                    earliestGroup ?? servers[0].entry,
                    "every group weighs 0, so no quorum could ever form; give some participants a weight above 0")
            }
        }
    }

    private var myidPath: String {
        config.dataDir.hasSuffix("/") ? config.dataDir + "myid" : config.dataDir + "/myid"
    }

    /// The myid file in dataDir, if it is there; Apache reads only its first line.
    private func readMyid() throws(ConfigError) -> (id: Int, path: String)? {
        let path = myidPath
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
