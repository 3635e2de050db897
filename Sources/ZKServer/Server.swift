import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ZKAuth
import ZKProtocol
import ZKServerCore
import ZKStorage

/// The standalone server: listeners, connections and the state loop.
public final class ZooKeeperServer: Sendable {
    public let config: ServerConfig
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let stateGroup: MultiThreadedEventLoopGroup
    /// Runs the file-system reads of `dirs` and `mntr` off the event loops.
    private let blockingPool: NIOThreadPool
    private let listener: NIOLockedValueBox<Channel?> = NIOLockedValueBox(nil)
    private let logWriter: NIOLockedValueBox<LogWriter?> = NIOLockedValueBox(nil)
    private let snapshotter: NIOLockedValueBox<Snapshotter?> = NIOLockedValueBox(nil)

    public init(config: ServerConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount))
        stateGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        blockingPool = NIOThreadPool(numberOfThreads: 1)
    }

    /// The SASL settings: the DIGEST-MD5 users of the JAAS file's server
    /// section, and the `sasl` ACL scheme when an `authProvider.N` names it.
    static func applySASL(_ config: ServerConfig, to core: inout CoreConfig) throws {
        let properties = config.properties
        // The same keys as Java system properties (zookeeper.<key>).
        let systemProperties = Dictionary(uniqueKeysWithValues: properties.map { ("zookeeper." + $0.key, $0.value) })
        if let path = properties["java.security.auth.login.config"], !path.isEmpty {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ServerError.startup("\(path): cannot read the JAAS file named by java.security.auth.login.config: \(error.localizedDescription)")
            }
            switch JAASConfig.parse(text: text, systemProperties: systemProperties) {
            case .failure(let error):
                throw ServerError.startup("\(path): \(error)")
            case .success(let jaas):
                let section = properties["sasl.serverconfig"] ?? "Server"
                if jaas.section(section) != nil {
                    core.saslUsers = jaas.serverUsers(section: section)
                }
            }
        }
        let registersSASL = properties.contains { $0.key.hasPrefix("authProvider.") && $0.value == ZooCfgKeys.saslProviderClass }
        if registersSASL {
            core.saslProvider = SASLAuthProvider(systemProperties: systemProperties)
        }
        core.saslSuperPassword = properties["SASLAuthenticationProvider.superPassword"]
    }

    /// The core's settings from zoo.cfg.
    static func coreConfig(_ config: ServerConfig) -> CoreConfig {
        var core = CoreConfig()
        core.tickTimeMillis = Int32(clamping: config.tickTime)
        core.minSessionTimeoutMillis = Int32(clamping: config.minSessionTimeout)
        core.maxSessionTimeoutMillis = Int32(clamping: config.maxSessionTimeout)
        core.serverID = ServerID(raw: Int64(config.serverId))
        core.extendedTypesEnabled = config.extendedTypesEnabled
        core.superDigest = config.superDigest
        core.skipACL = config.skipACL
        core.reconfigEnabled = config.reconfigEnabled
        core.maxClientConnectionsPerHost = config.maxClientCnxns
        core.maxConnections = config.maxCnxns
        core.limits = config.effectiveLimits
        core.enforceQuota = config.enforceQuota
        core.containerCheckIntervalMillis = Int64(config.containerCheckIntervalMs)
        core.containerMaxPerMinute = config.containerMaxPerMinute
        core.containerMaxNeverUsedIntervalMillis = Int64(config.containerMaxNeverUsedIntervalMs)
        return core
    }

    /// The `conf` word: the settings in effect, in Apache's key=value form.
    static func confText(_ config: ServerConfig) -> String {
        var lines = [
            "clientPort=\(config.clientPort ?? 2181)",
            "secureClientPort=\(config.secureClientPort ?? -1)",
            "dataDir=\(config.dataDir)",
            "dataDirSize=0",
            "dataLogDir=\(config.dataLogDir)",
            "dataLogSize=0",
            "tickTime=\(config.tickTime)",
            "maxClientCnxns=\(config.maxClientCnxns)",
            "minSessionTimeout=\(config.minSessionTimeout)",
            "maxSessionTimeout=\(config.maxSessionTimeout)",
            "clientPortListenBacklog=-1",
            "serverId=\(config.serverId)",
        ] + LimitsText.confLines(config.effectiveLimits)
        if let address = config.clientPortAddress { lines.insert("clientPortAddress=\(address)", at: 1) }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Binds the client port and starts serving. Returns the bound address.
    @discardableResult
    public func start() async throws -> SocketAddress {
        do {
            try config.checkStandalone()
        } catch {
            throw ServerError.startup(error.description)
        }
        let clock = ServerClock()
        blockingPool.start()
        var coreConfig = Self.coreConfig(config)
        try Self.applySASL(config, to: &coreConfig)
        let (directory, state) = try Persistence.recover(config, logger: logger)
        coreConfig.sessionSecret = try Persistence.sessionSecret(dataDir: config.dataDir) { clock.randomBytes(32) }
        let core = ServerCore(config: coreConfig, now: clock.now(), tree: state.tree, recoveredSessions: state.sessions)
        let forceSync = config.forceSync
        if !forceSync {
            logger.warning("forceSync=no: writes are acknowledged before they reach the disk and can be lost on power failure")
        }
        let logWriter = LogWriter(
            files: DiskLog(directory: directory, options: TxnLogWriter.Options(
                preAllocSize: Int64(config.preAllocSizeKB) * 1024, forceSync: forceSync)),
            lastZxid: state.lastZxid.raw, snapCount: config.snapCount,
            snapSizeLimitBytes: Int64(config.snapSizeLimitInKb) * 1024, forceSync: forceSync, logger: logger)
        let stateLoop = StateLoop(eventLoop: stateGroup.next(), core: core, clock: clock, log: logWriter, logger: logger)
        let snapshotter = Snapshotter(directory: directory, snapRetainCount: config.snapRetainCount, logger: logger)
        logWriter.start(reportingTo: stateLoop) { _ in
            stateLoop.snapshot { holder, sessions in
                snapshotter.write(holder, sessions: sessions) { stateLoop.release($0) }
            }
        }
        self.logWriter.withLockedValue { $0 = logWriter }
        self.snapshotter.withLockedValue { $0 = snapshotter }
        // As Apache's ZooKeeperServer.loadData, snapshot the recovered tree,
        // so the next start loads it instead of replaying the same log again.
        // Apache writes it before serving (and even when nothing was
        // replayed); here the copy is taken on the state loop before any
        // request can reach it and written in the background.
        if state.replayedTxnCount > 0 {
            stateLoop.snapshot { holder, sessions in
                snapshotter.write(holder, sessions: sessions) { stateLoop.release($0) }
            }
        }
        if config.purgeIntervalHours > 0 {
            let interval = TimeAmount.hours(Int64(config.purgeIntervalHours))
            stateLoop.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in snapshotter.purge() }
        }
        // Expiry is checked often enough that a session outlives its timeout
        // by at most a few tens of milliseconds.
        stateLoop.startTicking(every: .milliseconds(25))
        let limits = config.effectiveLimits
        let settings = ConnectionSettings(
            maxBufferBytes: limits.maxFrameBytes, maxQueuedReplyBytes: limits.queuedReplyBytesPerConnection,
            blockingPool: blockingPool, fourLetterWords: config.fourLetterWords,
            versionString: core.config.versionString, confText: Self.confText(config),
            sessionlessTimeoutMillis: Int64(config.sessionlessCnxnTimeoutMs),
            dataDir: config.dataDir, dataLogDir: config.dataLogDir, startedWallMillis: ServerClock.wallMillis(),
            adminActionsEnabled: config.adminActionsEnabled)
        let nextID = NIOLockedValueBox<ConnectionID>(0)
        let keepAlive = KeepAlive(config)
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.so_keepalive), value: keepAlive.enabled ? 1 : 0)
            .childChannelInitializer { channel in
                let id = nextID.withLockedValue { value -> ConnectionID in
                    value.raw += 1
                    return value
                }
                return channel.eventLoop.makeCompletedFuture {
                    if keepAlive.enabled { try keepAlive.apply(to: channel) }
                    try channel.pipeline.syncOperations.addHandlers(
                        Self.connectionHandlers(id: id, stateLoop: stateLoop, settings: settings, logger: logger))
                }
            }
        let channel = try await bind(bootstrap)
        listener.withLockedValue { $0 = channel }
        guard let address = channel.localAddress else { throw ServerError.noLocalAddress }
        return address
    }

    /// A client connection's pipeline: four-letter words, then framing and batching.
    static func connectionHandlers(id: ConnectionID, stateLoop: StateLoop, settings: ConnectionSettings,
                                   logger: Logger) -> [ChannelHandler] {
        [
            FourLetterWordHandler(id: id, stateLoop: stateLoop, settings: settings, logger: logger),
            RequestBatcher(id: id, stateLoop: stateLoop, maxFrameBytes: settings.maxBufferBytes,
                           sessionlessTimeoutMillis: settings.sessionlessTimeoutMillis,
                           maxQueuedReplyBytes: settings.maxQueuedReplyBytes, figures: stateLoop.backpressure, logger: logger),
        ]
    }

    private func bind(_ bootstrap: ServerBootstrap) async throws -> Channel {
        let port = config.clientPort ?? 2181
        if let host = config.clientPortAddress {
            return try await bootstrap.bind(host: host, port: port).get()
        }
        // The dual-stack wildcard accepts IPv6 and IPv4 clients; without IPv6,
        // fall back to the IPv4 wildcard.
        do {
            return try await bootstrap.bind(host: "::", port: port).get()
        } catch {
            logger.info("IPv6 wildcard unavailable (\(error)); listening on 0.0.0.0 only")
            return try await bootstrap.bind(host: "0.0.0.0", port: port).get()
        }
    }

    /// Waits until the listener closes.
    public func waitUntilClosed() async throws {
        guard let channel = listener.withLockedValue({ $0 }) else { return }
        try await channel.closeFuture.get()
    }

    /// Runs `body` once the snapshot being written (if any) is done, or
    /// after `timeout`: a stop right after start-up then keeps the start-up
    /// snapshot. Clients are still served meanwhile; acknowledged writes are
    /// durable already, so the process may end any time after.
    public func afterSnapshots(timeout: Duration, _ body: @escaping @Sendable () -> Void) {
        guard let snapshotter = snapshotter.withLockedValue({ $0 }) else { return body() }
        snapshotter.whenIdle(timeout: timeout, body)
    }

    /// Closes the listener: `waitUntilClosed` returns and no new client
    /// connects. Open connections stay until `shutdown`.
    public func stopAccepting() {
        listener.withLockedValue { $0 }?.close(promise: nil)
    }

    public func shutdown() async throws {
        if let channel = listener.withLockedValue({ $0 }) {
            try? await channel.close()
        }
        try await group.shutdownGracefully()
        try await stateGroup.shutdownGracefully()
        try? await blockingPool.shutdownGracefully()
        logWriter.withLockedValue { $0 }?.stop()
    }
}

/// TCP keepalive on client sockets (`clientTcpKeepAlive`, as Apache), with
/// SwiftZK's keys for its timing: `clientTcpKeepAliveIdle` (seconds before
/// the first probe, default 30), `clientTcpKeepAliveInterval` (seconds
/// between probes, default 10) and `clientTcpKeepAliveCount` (probes before
/// the connection is dropped, default 3).
struct KeepAlive: Sendable {
    var enabled: Bool
    var idle: Int32
    var interval: Int32
    var count: Int32

    init(_ config: ServerConfig) {
        enabled = config.clientTcpKeepAlive
        idle = Int32(clamping: config.clientTcpKeepAliveIdleSeconds)
        interval = Int32(clamping: config.clientTcpKeepAliveIntervalSeconds)
        count = Int32(clamping: config.clientTcpKeepAliveCount)
    }

    func apply(to channel: Channel) throws {
        let options = try channel.syncOptions.unwrap()
        let tcp = NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_TCP))
        try options.setOption(ChannelOptions.Types.SocketOption(level: tcp, name: NIOBSDSocket.Option(rawValue: TCP_KEEPIDLE)), value: SocketOptionValue(idle))
        try options.setOption(ChannelOptions.Types.SocketOption(level: tcp, name: NIOBSDSocket.Option(rawValue: TCP_KEEPINTVL)), value: SocketOptionValue(interval))
        try options.setOption(ChannelOptions.Types.SocketOption(level: tcp, name: NIOBSDSocket.Option(rawValue: TCP_KEEPCNT)), value: SocketOptionValue(count))
    }
}

extension Optional {
    func unwrap() throws -> Wrapped {
        guard let value = self else { throw ServerError.startup("channel options unavailable") }
        return value
    }
}

enum ServerError: Error, CustomStringConvertible {
    case noLocalAddress
    /// A start-up problem, already phrased for the operator.
    case startup(String)

    var description: String {
        switch self {
        case .noLocalAddress: return "the listener has no local address"
        case .startup(let message): return message
        }
    }
}
