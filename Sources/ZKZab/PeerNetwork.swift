import NIOCore
import ZKProtocol

/// One link between two servers: a TCP connection on the election or the
/// quorum port. Ids are never reused by one network endpoint.
public struct LinkID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number, unique per endpoint.
    public var raw: UInt64

    /// Link number `raw`.
    public init(raw: UInt64) { self.raw = raw }

    public static func < (lhs: LinkID, rhs: LinkID) -> Bool { lhs.raw < rhs.raw }

    public var description: String { "link#\(raw)" }
}

/// Where a server listens, or the far end of a link: a host name or literal
/// address and a TCP port.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or literal address.
    public var host: String
    /// TCP port.
    public var port: UInt16

    /// An address.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Who opened a link.
public enum LinkDirection: Hashable, Sendable {
    /// A peer connected to our listener.
    case inbound
    /// We connected (`PeerNetwork.connect`).
    case outbound
}

/// Why a link ended. Bytes sent before a `closedLocally`/`closedByPeer` were
/// delivered; after a reset, bytes in flight may be lost.
public enum LinkCloseReason: Hashable, Sendable, CustomStringConvertible {
    /// We called `close`.
    case closedLocally
    /// The peer closed its end (EOF).
    case closedByPeer
    /// The connection was reset or failed mid-stream.
    case reset(String)
    /// An outbound connect did not succeed (refused, unreachable, timed out).
    case connectFailed(String)
    /// More than `maxQueuedBytesPerLink` bytes were waiting to be sent: the
    /// peer is stuck or too slow, so the link is dropped.
    case sendQueueFull(queuedBytes: Int, limitBytes: Int)
    /// Opening the link would pass `maxLinks` or `maxInboundLinksPerHost`.
    case linkLimit(limit: Int)

    public var description: String {
        switch self {
        case .closedLocally: return "closed locally"
        case .closedByPeer: return "closed by peer"
        case .reset(let why): return "reset: \(why)"
        case .connectFailed(let why): return "connect failed: \(why)"
        case let .sendQueueFull(queued, limit): return "send queue full: \(queued) bytes queued, limit \(limit) bytes"
        case .linkLimit(let limit): return "link limit of \(limit) reached"
        }
    }
}

/// What a `PeerNetwork` reports to its sink, in order per link: one
/// `linkOpened` (or, for a failed connect, only `linkClosed`), then any
/// `received`, then one `linkClosed`.
public enum PeerNetworkEvent: Hashable, Sendable {
    /// The listener is bound; `address` has the real port (a requested port
    /// of 0 picks a free one).
    case listening(PeerAddress)
    /// The listener could not be bound.
    case listenFailed(PeerAddress, String)
    /// A link is up. For an outbound link `remote` is the address connected
    /// to; for an inbound one, the peer's own socket address.
    case linkOpened(LinkID, LinkDirection, remote: PeerAddress)
    /// The next bytes of the link's stream. Chunk boundaries mean nothing: a
    /// sender's one `send` may arrive in pieces or joined to its neighbours.
    /// At most `maxReadChunkBytes` per event.
    case received(LinkID, ByteBuffer)
    /// The link is gone; nothing more arrives or can be sent on it.
    case linkClosed(LinkID, LinkCloseReason)
}

/// The limits of one network endpoint, each enforced by both
/// implementations (the NIO shell and the simulator).
public struct PeerNetworkLimits: Hashable, Sendable {
    /// Bytes accepted by `send` but not yet handed to the peer (the kernel's
    /// socket buffer aside), per link. A send that would pass it closes the
    /// link with `.sendQueueFull`: a peer that stopped reading must not grow
    /// our memory. Default 8 MiB: four QuorumPackets of the largest size Zab
    /// accepts (`ZabLimits.maxQuorumBufferBytes`, 2 MiB each).
    public var maxQueuedBytesPerLink: Int
    /// Open links of this endpoint, inbound and outbound together. Default
    /// 1024: an ensemble of 255 servers needs at most 2 per peer per port.
    public var maxLinks: Int
    /// Inbound links from one remote host at a time; more are closed at
    /// once. Default 32: Apache keeps one election link per peer and one
    /// quorum link per learner; loopback tests put every peer on one host.
    public var maxInboundLinksPerHost: Int
    /// Most bytes one `received` event carries: what the receiver buffers
    /// before its decoder, besides the decoder's own message limit. Default
    /// 64 KiB, NIO's largest read.
    public var maxReadChunkBytes: Int

    /// The defaults above.
    public static let defaults = PeerNetworkLimits(
        maxQueuedBytesPerLink: 8 * 1024 * 1024,
        maxLinks: 1024,
        maxInboundLinksPerHost: 32,
        maxReadChunkBytes: 64 * 1024
    )

    /// Limits with the given values.
    public init(maxQueuedBytesPerLink: Int, maxLinks: Int, maxInboundLinksPerHost: Int, maxReadChunkBytes: Int) {
        self.maxQueuedBytesPerLink = maxQueuedBytesPerLink
        self.maxLinks = maxLinks
        self.maxInboundLinksPerHost = maxInboundLinksPerHost
        self.maxReadChunkBytes = maxReadChunkBytes
    }
}

/// The port between servers: byte-stream links, as TCP gives them. The NIO
/// shell (`ZKServer.PeerLinks`) and the simulator (`ZKSimulation.SimNetwork`)
/// implement it, so a driver written once against it runs on both.
///
/// Operations return at once; their results come back as `PeerNetworkEvent`s
/// to the endpoint's `PeerNetworkSink`, never from inside the call that
/// caused them. An endpoint is used from one thread (the shell's event loop,
/// or the simulator's loop).
public protocol PeerNetwork: AnyObject {
    /// This endpoint's limits.
    var limits: PeerNetworkLimits { get }
    /// Starts listening on `address`; reports `.listening` or `.listenFailed`.
    func listen(on address: PeerAddress)
    /// Stops listening; open links stay.
    func stopListening()
    /// Opens a link to `address`. The id is reported later as `linkOpened`,
    /// or as `linkClosed(.connectFailed)`.
    func connect(to address: PeerAddress) -> LinkID
    /// Queues `bytes` on `link`, in order after what was sent before. Over
    /// `maxQueuedBytesPerLink` the link is closed instead (`.sendQueueFull`).
    /// Sending on a closed or unknown link does nothing.
    func send(_ bytes: ByteBuffer, on link: LinkID)
    /// Closes `link` after the bytes already sent; `linkClosed(.closedLocally)`
    /// follows. Closing a closed or unknown link does nothing.
    func close(_ link: LinkID)
    /// Stops (false) or resumes (true) reading from `link`: backpressure for a
    /// sink that cannot keep up. While stopped, the peer's bytes wait in
    /// flight and count against the peer's send queue.
    func setReading(_ reading: Bool, on link: LinkID)
    /// Bytes accepted by `send` on `link` and not yet handed to the peer.
    func queuedBytes(on link: LinkID) -> Int
}

/// What a network endpoint drives: a sink for its events that also keeps
/// timers. The shell and the simulator call it the same way: `tick` when
/// `nextDeadline` passes, `handle` for every event, each with the time now,
/// and the network to act on.
public protocol PeerNetworkSink: AnyObject {
    /// One event from `network`, at `now`.
    func handle(_ event: PeerNetworkEvent, now: Now, network: any PeerNetwork)
    /// Time has reached `now` (at or after `nextDeadline`).
    func tick(now: Now, network: any PeerNetwork)
    /// When the sink next wants `tick`; nil for never.
    var nextDeadline: Now? { get }
}
