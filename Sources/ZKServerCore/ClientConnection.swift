import DequeModule
import ZKAuth
import ZKProtocol

/// What the core knows of one client connection.
public struct ClientConnection: Sendable {
    public let id: ConnectionID
    public let address: ClientAddress
    public let openedWallMillis: Int64
    /// The session it carries, once the handshake is done.
    public var sessionID: SessionID?
    /// The identities it has proven (ip at connect, then digest, super...).
    public var auth: AuthInfo
    /// True once the connection turned out to carry a four-letter word.
    public var isFourLetterWord = false
    /// Where the connection's SASL exchange stands.
    var sasl = SASLState.notStarted
    /// Requests waiting behind the connection's unapplied writes, in order.
    /// A deque: a pipelining client fills it at the back while replies take
    /// from the front, and an array's removeFirst made that quadratic. Its
    /// bound is `limits.outstandingRequestsPerConnection`, the requests a
    /// connection may have unanswered before the shell stops reading it.
    var queue: Deque<QueuedRequest> = []
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
    /// When the client last sent anything (wall clock, for display only).
    public var lastHeardWallMillis: Int64
    /// When the client last sent something other than a ping.
    public var lastRequestWallMillis: Int64
    /// When the session was attached to this connection (Apache's `est`).
    public var establishedWallMillis: Int64 = 0
    /// Apache's `lop`: the last operation, abbreviated as Apache does.
    public var lastOperation = "NA"
    public var lastCxid: Int32 = -1
    public var lastZxid: Zxid = -1
    public var lastResponseWallMillis: Int64 = 0
    public var latency = LatencyStats()

    init(id: ConnectionID, address: ClientAddress, openedWallMillis: Int64) {
        self.id = id
        self.address = address
        self.openedWallMillis = openedWallMillis
        self.lastHeardWallMillis = openedWallMillis
        self.lastRequestWallMillis = openedWallMillis
        self.auth = AuthInfo(clientAddress: address.bytes)
    }
}

extension Dictionary {
    /// Runs `body` on the value at `index`, in place. Reading a field as
    /// `values[index].field` goes through the getter, which copies the whole
    /// value (for a `ClientConnection`, a dozen reference-counted fields).
    @inline(__always)
    mutating func withValue<R>(at index: Index, _ body: (inout Value) -> R) -> R {
        body(&values[index])
    }
}

extension ClientConnection {
    /// Who is asking, for ACL checks.
    func requester(_ sessionID: SessionID) -> Requester {
        Requester(sessionID: sessionID, authIds: auth.ids, clientAddress: address.bytes)
    }
}

/// Server-wide counters, for the four-letter words.
public struct ServerStats: Sendable {
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
    public var latency = LatencyStats()
}

/// Request latency in milliseconds, from the read of a request to its
/// processing, as Apache's min/avg/max counter keeps it.
public struct LatencyStats: Sendable {
    public private(set) var latencyCount: Int64 = 0
    public private(set) var latencyTotal: Int64 = 0
    public private(set) var latencyMin: Int64 = .max
    public private(set) var latencyMax: Int64 = 0

    public private(set) var last: Int64 = 0

    public var min: Int64 { latencyCount == 0 ? 0 : latencyMin }
    public var max: Int64 { latencyMax }

    public mutating func recordLatency(millis: Int64) {
        last = millis
        latencyCount += 1
        latencyTotal += millis
        latencyMin = Swift.min(latencyMin, millis)
        latencyMax = Swift.max(latencyMax, millis)
    }

    /// The average, rounded half-up to four decimals, in Java's form.
    public var averageText: String {
        guard latencyCount > 0 else { return "0.0" }
        let scaled = (latencyTotal * 10000 * 2 + latencyCount) / (latencyCount * 2)
        var fraction = String(scaled % 10000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.count > 1 && fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(scaled / 10000).\(fraction)"
    }

    /// "min/avg/max", the average rounded half-up to four decimals.
    public var latencyText: String { "\(min)/\(averageText)/\(max)" }
}
