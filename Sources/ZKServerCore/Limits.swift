/// Every bound on a queue, buffer or table in the server, in one place
/// (TigerBeetle's "limit on everything"). Each limit has a name, a unit and a
/// zoo.cfg key; `conf` and `mntr` show them all, and each is enforced where
/// its comment says.
///
/// A value of 0 turns off the limits documented as optional; the others are
/// always on.
public struct Limits: Sendable, Equatable {
    /// `jute.maxbuffer`: the largest request frame accepted, in bytes. A
    /// bigger length prefix closes the connection before anything is
    /// buffered (Framing).
    public var maxFrameBytes: Int = 0xfffff

    /// `globalOutstandingLimit`: requests read from clients and not yet
    /// answered, across all connections. Above it the server stops reading
    /// from every connection and resumes below it (Apache's
    /// RequestThrottler).
    public var globalOutstandingRequests: Int = 1000

    /// `swiftzk.maxOutstandingPerConnection`: requests read from one
    /// connection and not yet answered. Above it the server stops reading
    /// from that connection until it falls below.
    public var outstandingRequestsPerConnection: Int = 1000

    /// `swiftzk.maxQueuedReplyBytes`: reply bytes waiting for a client that
    /// does not read its socket. While its socket is not writable the
    /// server reads no more requests from it; past this many bytes queued
    /// it closes the connection and logs which one.
    public var queuedReplyBytesPerConnection: Int = 32 * 1024 * 1024

    /// `swiftzk.maxWatchesPerSession`: watches one session may hold (all
    /// kinds, counted per path and kind). Optional: 0 means no limit.
    /// Apache has no such limit.
    public var watchesPerSession: Int = 0

    /// `swiftzk.maxEphemeralsPerSession`: ephemeral znodes one session may
    /// own. Optional: 0 means no limit. Apache has no such limit.
    public var ephemeralsPerSession: Int = 0

    /// `maxClientCnxns`: connections from one IP address. 0 means no limit.
    public var connectionsPerHost: Int = 60

    /// `maxCnxns`: connections in total. 0 means no limit.
    public var connectionsTotal: Int = 0

    /// `swiftzk.maxLogQueueDepth`: transactions handed to the log thread and
    /// not yet durable. At this depth the server stops reading requests
    /// until the log catches up.
    public var logQueueTransactions: Int = 10_000

    /// `swiftzk.childListingCacheBytes`: memory for sorted child lists of
    /// nodes with 1,000 or more children, kept between getChildren calls
    /// (ChildListingCache), oldest out first. Optional: 0 keeps none.
    public var childListingCacheBytes: Int = 16 * 1024 * 1024

    public init() {}

    /// One row per limit: its zoo.cfg key, its value and its unit, in the
    /// order `conf` and `mntr` print them.
    public var rows: [(key: String, value: Int, unit: String)] {
        [
            ("jute.maxbuffer", maxFrameBytes, "bytes"),
            ("globalOutstandingLimit", globalOutstandingRequests, "requests"),
            ("swiftzk.maxOutstandingPerConnection", outstandingRequestsPerConnection, "requests"),
            ("swiftzk.maxQueuedReplyBytes", queuedReplyBytesPerConnection, "bytes"),
            ("swiftzk.maxWatchesPerSession", watchesPerSession, "watches"),
            ("swiftzk.maxEphemeralsPerSession", ephemeralsPerSession, "znodes"),
            ("maxClientCnxns", connectionsPerHost, "connections"),
            ("maxCnxns", connectionsTotal, "connections"),
            ("swiftzk.maxLogQueueDepth", logQueueTransactions, "transactions"),
            ("swiftzk.childListingCacheBytes", childListingCacheBytes, "bytes"),
        ]
    }
}
