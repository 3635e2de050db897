import ZKServerCore

/// The server's start-up settings, read from a zoo.cfg in Apache ZooKeeper
/// 3.9's format (QuorumPeerConfig, plus the `zookeeper.*` system properties
/// that zoo.cfg keys turn into), or the embedded default when no file is given.
///
/// Values are resolved: `-1` session timeouts are replaced by their tickTime
/// multiples, `dataLogDir` defaults to `dataDir`, and a single `server.N`
/// line's client port is folded into `clientPort`.
public struct ServerConfig: Sendable, Equatable {
    /// The config file as given, or nil for the embedded default.
    public var sourceFile: String?
    /// The basic time unit in milliseconds (`tickTime`).
    public var tickTime: Int
    /// Ticks a follower may take to connect and sync (`initLimit`); quorum only.
    public var initLimit: Int
    /// Ticks a follower may fall behind (`syncLimit`); quorum only.
    public var syncLimit: Int
    /// Where snapshots and the myid file live (`dataDir`), kept as written, so
    /// a relative path is relative to the working directory.
    public var dataDir: String
    /// Where the transaction log lives (`dataLogDir`); defaults to `dataDir`.
    public var dataLogDir: String
    /// The client port (`clientPort`, or the `;port` of a single `server.N` line).
    public var clientPort: Int?
    /// The address to bind the client port to (`clientPortAddress`); nil means every address.
    public var clientPortAddress: String?
    /// The TLS client port (`secureClientPort`); parsed, not served yet.
    public var secureClientPort: Int?
    /// The address for the TLS client port (`secureClientPortAddress`); parsed, not served yet.
    public var secureClientPortAddress: String?
    /// Concurrent connections allowed from one client IP (`maxClientCnxns`); 0 means no limit.
    public var maxClientCnxns: Int
    /// The smallest session timeout granted, in ms (`minSessionTimeout`, default 2 × tickTime).
    public var minSessionTimeout: Int
    /// The largest session timeout granted, in ms (`maxSessionTimeout`, default 20 × tickTime).
    public var maxSessionTimeout: Int
    /// Snapshots kept by auto-purge (`autopurge.snapRetainCount`, at least 3).
    public var snapRetainCount: Int
    /// Hours between auto-purges (`autopurge.purgeInterval`); 0 disables purging.
    public var purgeIntervalHours: Int
    /// Transactions between snapshots (`snapCount`, at least 2).
    public var snapCount: Int
    /// Log size in KiB that also triggers a snapshot (`snapSizeLimitInKb`); 0 or less disables it.
    public var snapSizeLimitInKb: Int
    /// Transaction log pre-allocation block in KiB (`preAllocSize`).
    public var preAllocSizeKB: Int
    /// Requests queued across all sessions before throttling (`globalOutstandingLimit`).
    public var globalOutstandingLimit: Int
    /// Enabled four-letter words (`4lw.commands.whitelist`); always has `srvr`,
    /// and `isro` when read-only mode is enabled, as Apache's FourLetterCommands.
    public var fourLetterWords: Set<String>
    /// Whether to run the admin HTTP server (`admin.enableServer`); parsed, not served yet.
    public var adminEnableServer: Bool
    /// The admin HTTP server's address (`admin.serverAddress`).
    public var adminServerAddress: String
    /// The admin HTTP server's port (`admin.serverPort`).
    public var adminServerPort: Int
    /// Whether TTL nodes are allowed (`extendedTypesEnabled`).
    public var extendedTypesEnabled: Bool
    /// The largest packet in bytes a client may send (`jute.maxbuffer`).
    public var juteMaxBuffer: Int
    /// SwiftZK's own bounds (the `swiftzk.*` keys). The fields Apache keys
    /// set (`jute.maxbuffer`, `globalOutstandingLimit`, `maxClientCnxns`,
    /// `maxCnxns`) are filled in by `effectiveLimits`.
    public var limits = Limits()

    /// Every bound in effect: `limits` with the Apache-keyed fields.
    public var effectiveLimits: Limits {
        var all = limits
        all.maxFrameBytes = juteMaxBuffer
        all.globalOutstandingRequests = globalOutstandingLimit
        all.connectionsPerHost = maxClientCnxns
        all.connectionsTotal = maxCnxns
        return all
    }
    /// `user:base64(sha1(user:password))` of the super user
    /// (`DigestAuthenticationProvider.superDigest`), or nil.
    public var superDigest: String?
    /// Whether to serve read-only when partitioned (`readonlymode.enabled`).
    public var readOnlyModeEnabled: Bool
    /// Whether to skip all ACL checks (`skipACL=yes`).
    public var skipACL: Bool
    /// How often containers and expired TTL nodes are swept, in ms
    /// (`znode.container.checkIntervalMs`).
    public var containerCheckIntervalMs: Int
    /// Most containers deleted per minute (`znode.container.maxPerMinute`).
    public var containerMaxPerMinute: Int
    /// After how many ms a never-used container is deleted
    /// (`znode.container.maxNeverUsedIntervalMs`); 0 means never.
    public var containerMaxNeverUsedIntervalMs: Int
    /// The `server.N` lines: id → the value as written.
    public var servers: [Int: String]
    /// This server's id: the myid file in `dataDir` (required in quorum mode),
    /// else the id of the single `server.N` line, else 0. Always 0...254.
    public var serverId: Int
    /// `standaloneEnabled`: whether a single server runs standalone.
    public var standaloneEnabled: Bool
    /// The ensemble, when the config is in quorum mode (two or more
    /// participants, or one with `standaloneEnabled=false`); nil for standalone.
    public var quorum: QuorumConfig? = nil
    /// `reconfigEnabled`: whether dynamic reconfiguration is allowed.
    public var reconfigEnabled: Bool
    /// Client connections allowed in all (`maxCnxns`); 0 means no limit.
    public var maxCnxns = 0
    /// Whether the transaction log is fsynced before a write is acknowledged
    /// (`forceSync`: `yes`, or `no` to skip the fsync).
    public var forceSync = true
    /// How long a connection may stay open without a session, in ms (`sessionlessCnxnTimeout`).
    public var sessionlessCnxnTimeoutMs = 10000
    /// Whether a write over a hard quota is refused (`enforceQuota`).
    public var enforceQuota = false
    /// Whether the admin four-letter words (`expi`, `clip`) may act (`adminActions.enabled`).
    public var adminActionsEnabled = false
    /// Whether client sockets use TCP keepalive (`clientTcpKeepAlive`).
    public var clientTcpKeepAlive = false
    /// Seconds of silence before the first keepalive probe (`clientTcpKeepAliveIdle`, 1...32767).
    public var clientTcpKeepAliveIdleSeconds = 30
    /// Seconds between keepalive probes (`clientTcpKeepAliveInterval`, 1...32767).
    public var clientTcpKeepAliveIntervalSeconds = 10
    /// Unanswered probes before the connection is dropped (`clientTcpKeepAliveCount`, 1...127).
    public var clientTcpKeepAliveCount = 3
    /// Start-up warnings to log, one string each, already prefixed with where they come from.
    public var warnings: [String]
    /// Every effective key and value, after overrides (for settings read
    /// where they are used, such as the SASL ones).
    public var properties: [String: String] = [:]

    /// The settings used when no config file is given: Apache's zoo_sample.cfg
    /// values (tickTime 2000, clientPort 2181) with data in `./swiftzk-data`.
    public static func embeddedDefault() -> ServerConfig {
        ServerConfig(
            sourceFile: nil,
            tickTime: 2000,
            initLimit: 10,
            syncLimit: 5,
            dataDir: "swiftzk-data",
            dataLogDir: "swiftzk-data",
            clientPort: 2181,
            clientPortAddress: nil,
            secureClientPort: nil,
            secureClientPortAddress: nil,
            maxClientCnxns: 60,
            minSessionTimeout: 4000,
            maxSessionTimeout: 40000,
            snapRetainCount: 3,
            purgeIntervalHours: 0,
            snapCount: 100_000,
            snapSizeLimitInKb: 4_194_304,
            preAllocSizeKB: 65536,
            globalOutstandingLimit: 1000,
            fourLetterWords: ["srvr"],
            adminEnableServer: true,
            adminServerAddress: "0.0.0.0",
            adminServerPort: 8080,
            extendedTypesEnabled: false,
            juteMaxBuffer: 0xfffff,
            superDigest: nil,
            readOnlyModeEnabled: false,
            skipACL: false,
            containerCheckIntervalMs: 60000,
            containerMaxPerMinute: 10000,
            containerMaxNeverUsedIntervalMs: 0,
            servers: [:],
            serverId: 0,
            standaloneEnabled: true,
            reconfigEnabled: false,
            warnings: [])
    }

    /// Reads the zoo.cfg at `path` (or starts from `embeddedDefault()` when
    /// `path` is nil), then applies `overrides` as if they were extra lines.
    ///
    /// - Parameters:
    ///   - path: The config file; a relative path is relative to the working directory.
    ///   - overrides: `key=value` strings from `swiftzk server --set` or `-D`;
    ///     a leading `zookeeper.` is dropped from the key, so
    ///     `zookeeper.skipACL=yes` sets `skipACL`.
    /// - Throws: `ConfigError` for an unreadable file, a bad value, a missing
    ///   required key, or an ensemble Apache would refuse. A valid ensemble
    ///   loads, with `quorum` set; `checkStandalone()` refuses to run it.
    public static func load(path: String?, overrides: [String] = []) throws(ConfigError) -> ServerConfig {
        try ZooCfgParser.load(path: path, overrides: overrides)
    }
}
