import ZKAuth
import ZKDataTree
import ZKProtocol

/// The settings the core acts on (the shell reads them from zoo.cfg).
public struct CoreConfig: Sendable {
    public var tickTimeMillis: Int32 = 2000
    public var minSessionTimeoutMillis: Int32 = 4000
    public var maxSessionTimeoutMillis: Int32 = 40000
    public var serverID: ServerID = 0
    public var extendedTypesEnabled = false
    public var superDigest: String?
    public var skipACL = false
    public var reconfigEnabled = false
    /// `enforceQuota`: check quotas on writes (off by default, as in Apache).
    public var enforceQuota = false
    /// `maxClientCnxns`: connections allowed from one IP address; 0 means no limit.
    public var maxClientConnectionsPerHost = 60
    /// `maxCnxns`: connections allowed in total; 0 means no limit.
    public var maxConnections = 0
    /// Every queue and table bound (see Limits); the shell fills it from zoo.cfg.
    public var limits = Limits()
    /// When `leak` calls a session idle: no request but ping for this long.
    public var idleSessionMillis: Int64 = 60000
    public var containerCheckIntervalMillis: Int64 = 60000
    public var containerMaxPerMinute = 10000
    public var containerMaxNeverUsedIntervalMillis: Int64 = 0
    /// SASL DIGEST-MD5 users (the JAAS `Server` section); nil when there is
    /// no such section, and then SASL requests get an empty OK, as in Apache.
    public var saslUsers: [String: String]?
    /// The `sasl` ACL scheme, when an `authProvider.N` registers it.
    public var saslProvider: SASLAuthProvider?
    /// `SASLAuthenticationProvider.superPassword`.
    public var saslSuperPassword: String?
    /// The secret session passwords derive from (see SessionPassword).
    public var sessionSecret: [UInt8] = []
    /// The version string the four-letter words report.
    public var versionString = "3.9.3-swiftzk-0.1.0, built on 2026-11-25 00:00 UTC"

    public init() {}
}

/// A client's address, as bytes for ip ACLs and as text for display.
public struct ClientAddress: Sendable, Equatable {
    /// 4 bytes for IPv4 (IPv4-mapped IPv6 is stored as IPv4), 16 for IPv6.
    public var bytes: [UInt8]
    /// The address in its natural form: "127.0.0.1", "::1".
    public var host: String
    public var port: Int

    public init(bytes: [UInt8], host: String, port: Int) {
        self.bytes = bytes
        self.host = host
        self.port = port
    }

    /// "host:port", with brackets around IPv6 hosts.
    public var display: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Something to write to a connection.
public enum Outbound: Sendable, Equatable {
    case connectResponse(ConnectResponse)
    /// A reply: its header, and a body unless the reply is an error.
    case reply(ReplyHeader, ZKResponse?)
    /// A watch event (xid -1).
    case notification(ReplyHeader, WatcherEvent)
}

/// One thing a part of the core asks for, in the order the parts produce
/// them. `step` sorts them into a `Ready`; the parts' tests read them as a
/// flat list.
enum CoreAction: Sendable, Equatable {
    case send(ConnectionID, Outbound)
    /// Close the connection once what was sent before is flushed.
    case close(ConnectionID, reason: String)
    /// Make this transaction durable, then report `.durable(upTo:)`.
    case log(TxnHeader, TxnBody)
    /// Write this to the server log as a warning.
    case warn(String)
}

/// Where the core's parts put their actions: a `Ready` (what `step` hands
/// the shell) or a flat `[CoreAction]`. Generic, so the hot path appends
/// straight into the Ready's arrays.
protocol CoreActionSink {
    mutating func append(_ action: CoreAction)
}

extension Array: CoreActionSink where Element == CoreAction {}
