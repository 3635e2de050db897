import NIOCore
import ZKProtocol

/// Runs one server's `Election` over a `PeerNetwork`: Apache's
/// QuorumCnxManager on top of the pure machine. The same driver runs in the
/// NIO shell and in the simulator.
///
/// What it does, as Apache does it:
/// - an outbound link starts with the `ElectionInitialMessage` (V1), then
///   length-prefixed notifications flow both ways;
/// - received bytes are decoded incrementally per link: the initial message
///   (inbound links only), then `ElectionFraming` messages, wherever the
///   chunks happen to split them;
/// - of two servers, the link that survives is the one the larger sid
///   opened: an initiator with the smaller sid closes its link after the
///   initial message, and a receiver that hears from a smaller sid closes
///   that link and connects back;
/// - at most one notification waits per peer (SEND_CAPACITY 1: a newer one
///   replaces it), and a new link to a peer re-sends the last one sent.
public final class ElectionDriver: PeerNetworkSink {
    /// Who this server is and where its peers listen.
    public struct Configuration: Sendable {
        /// The election machine's settings.
        public var election: Election.Configuration
        /// The election address to listen on and announce.
        public var myAddress: PeerAddress
        /// Every other server's election address.
        public var peers: [ServerID: PeerAddress]
        /// Wire limits for the decoders.
        public var zabLimits: ZabLimits

        /// A configuration.
        public init(election: Election.Configuration, myAddress: PeerAddress, peers: [ServerID: PeerAddress], zabLimits: ZabLimits = .apacheDefaults) {
            self.election = election
            self.myAddress = myAddress
            self.peers = peers
            self.zabLimits = zabLimits
        }
    }

    private struct Link {
        var direction: LinkDirection
        /// The peer: known for outbound links, learnt from the initial
        /// message for inbound ones.
        var sid: ServerID?
        var opened = false
        /// Inbound links start with the initial message.
        var handshakeDone: Bool
        /// Received bytes not yet decoded.
        var buffer = ByteBuffer()
    }

    /// The settings.
    public let configuration: Configuration
    /// The election machine.
    public private(set) var election: Election
    /// Every decision so far, oldest first.
    public private(set) var decisions: [ElectionDecision] = []
    /// Wire errors seen (bad initial messages, framing, notifications):
    /// on a network that keeps TCP's promises, 0 with honest peers.
    public private(set) var wireErrorCount = 0
    /// The last wire error, for a log line.
    public private(set) var lastWireError: String?
    /// Whether the listener is bound.
    public private(set) var isListening = false

    /// Largest undecoded backlog per link, in bytes: one initial message or
    /// one framed election message, plus one read. Over it the link closes.
    public var maxReceiveBufferedBytesPerLink: Int {
        receiveBufferLimit
    }

    /// Planted bug for the simulator's checker (tests only): take each
    /// received chunk to hold whole messages and drop the rest.
    package var plantedWholeMessagePerChunk = false

    private var links: [LinkID: Link] = [:]
    /// The link used to send to each peer.
    private var active: [ServerID: LinkID] = [:]
    /// The newest notification not yet sent, per peer.
    private var pending: [ServerID: Notification] = [:]
    /// The last notification sent, per peer, re-sent on a new link.
    private var lastSent: [ServerID: Notification] = [:]
    private var receiveBufferLimit: Int

    /// A driver; nothing happens until `start`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.election = Election(configuration: configuration.election)
        let limits = configuration.zabLimits
        self.receiveBufferLimit = max(20 + limits.maxElectionAddressBytes, 4 + limits.maxElectionMessageBytes) + PeerNetworkLimits.defaults.maxReadChunkBytes
    }

    private var myID: ServerID { configuration.election.myID }

    /// Listens and starts the first election round with `history`.
    public func start(history: Election.History, now: Now, network: any PeerNetwork) {
        receiveBufferLimit = max(20 + configuration.zabLimits.maxElectionAddressBytes, 4 + configuration.zabLimits.maxElectionMessageBytes)
            + network.limits.maxReadChunkBytes
        network.listen(on: configuration.myAddress)
        restart(history: history, now: now, network: network)
    }

    /// Goes LOOKING again (a leader was lost, or sync failed).
    public func restart(history: Election.History, now: Now, network: any PeerNetwork) {
        election.tick(now: now)
        election.start(lookingWith: history)
        flush(network)
    }

    /// The number of open links (for tests and `mntr`).
    public var linkCount: Int { links.count }

    /// The peers a link is established to.
    public var connectedPeers: Set<ServerID> { Set(active.keys) }

    // MARK: PeerNetworkSink

    public var nextDeadline: Now? { election.nextDeadline }

    public func tick(now: Now, network: any PeerNetwork) {
        election.tick(now: now)
        flush(network)
    }

    public func handle(_ event: PeerNetworkEvent, now: Now, network: any PeerNetwork) {
        election.tick(now: now)
        switch event {
        case .listening:
            isListening = true
        case .listenFailed:
            isListening = false
        case let .linkOpened(id, direction, _):
            opened(id, direction, network: network)
        case let .received(id, bytes):
            received(id, bytes, network: network)
        case let .linkClosed(id, _):
            closed(id)
        }
        flush(network)
    }

    // MARK: Links

    private func opened(_ id: LinkID, _ direction: LinkDirection, network: any PeerNetwork) {
        switch direction {
        case .inbound:
            links[id] = Link(direction: .inbound, sid: nil, opened: true, handshakeDone: false)
        case .outbound:
            guard var link = links[id], let sid = link.sid else {
                network.close(id)
                return
            }
            link.opened = true
            links[id] = link
            var header = ByteBuffer()
            ElectionInitialMessage.v1(
                sid: myID.raw, address: ElectionAddress(host: configuration.myAddress.host, port: configuration.myAddress.port)
            ).encode(to: &header)
            network.send(header, on: id)
            if sid > myID {
                // We lose the challenge: the larger sid connects back.
                network.close(id)
            } else {
                activate(id, for: sid, network: network)
            }
        }
    }

    private func closed(_ id: LinkID) {
        guard let link = links.removeValue(forKey: id) else { return }
        if let sid = link.sid, active[sid] == id { active[sid] = nil }
    }

    /// Makes `id` the link to `sid`, closing an older one, and sends what
    /// waits for that peer, or re-sends the last message.
    private func activate(_ id: LinkID, for sid: ServerID, network: any PeerNetwork) {
        if let old = active[sid], old != id {
            network.close(old)
        }
        active[sid] = id
        if let message = pending.removeValue(forKey: sid) ?? lastSent[sid] {
            transmit(message, to: sid, on: id, network: network)
        }
    }

    private func received(_ id: LinkID, _ bytes: ByteBuffer, network: any PeerNetwork) {
        guard var link = links[id] else { return }
        var chunk = bytes
        link.buffer.writeBuffer(&chunk)
        guard link.buffer.readableBytes <= receiveBufferLimit else {
            wireError("\(id): \(link.buffer.readableBytes) bytes undecoded, over the limit of \(receiveBufferLimit)")
            links[id] = nil
            if let sid = link.sid, active[sid] == id { active[sid] = nil }
            network.close(id)
            return
        }
        var notifications: [Notification] = []
        do {
            if !link.handshakeDone {
                guard let initial = try ElectionInitialMessage.decode(from: &link.buffer, limits: configuration.zabLimits) else {
                    if plantedWholeMessagePerChunk { link.buffer.clear() }
                    links[id] = link
                    return
                }
                link.handshakeDone = true
                let sid = ServerID(raw: initial.sid)
                link.sid = sid
                links[id] = link
                if sid <= myID {
                    // The smaller sid's link loses; we connect back. Our own
                    // sid from a peer is a configuration error.
                    links[id] = nil
                    network.close(id)
                    if sid < myID { ensureConnecting(to: sid, fallback: initial.connectableAddresses.first, network: network) }
                    return
                }
                activate(id, for: sid, network: network)
                guard let current = links[id] else { return }
                link = current
            }
            while let message = try ElectionFraming.nextMessage(from: &link.buffer, limits: configuration.zabLimits) {
                do {
                    notifications.append(try Notification(decoding: message))
                } catch {
                    // Apache logs and skips a malformed notification.
                    wireError("\(id): \(error)")
                }
            }
            if plantedWholeMessagePerChunk { link.buffer.clear() }
        } catch {
            // A bad initial message or frame length: Apache drops the link.
            wireError("\(id): \(error)")
            links[id] = nil
            if let sid = link.sid, active[sid] == id { active[sid] = nil }
            network.close(id)
            return
        }
        links[id] = link
        guard let sid = link.sid else { return }
        for notification in notifications {
            election.step(from: sid, notification)
        }
    }

    private func wireError(_ text: String) {
        wireErrorCount += 1
        lastWireError = text
    }

    /// Connects to `sid` unless a link to it is up or being opened.
    private func ensureConnecting(to sid: ServerID, fallback: ElectionAddress? = nil, network: any PeerNetwork) {
        guard active[sid] == nil else { return }
        guard !links.values.contains(where: { $0.direction == .outbound && $0.sid == sid }) else { return }
        let address: PeerAddress
        if let known = configuration.peers[sid] {
            address = known
        } else if let fallback {
            address = PeerAddress(host: fallback.host, port: fallback.port)
        } else {
            return
        }
        let id = network.connect(to: address)
        links[id] = Link(direction: .outbound, sid: sid, handshakeDone: true)
    }

    // MARK: Sending

    /// Carries out the election's ready value: notifications to send (or to
    /// keep until a link is up), and the decision.
    private func flush(_ network: any PeerNetwork) {
        let ready = election.ready()
        guard !ready.isEmpty else { return }
        for message in ready.messages {
            if let id = active[message.to] {
                transmit(message.notification, to: message.to, on: id, network: network)
            } else {
                pending[message.to] = message.notification
                ensureConnecting(to: message.to, network: network)
            }
        }
        if let decision = ready.decision { decisions.append(decision) }
        election.advance(ready)
    }

    private func transmit(_ notification: Notification, to sid: ServerID, on id: LinkID, network: any PeerNetwork) {
        var buffer = ByteBuffer()
        ElectionFraming.write(notification, into: &buffer)
        lastSent[sid] = notification
        network.send(buffer, on: id)
    }
}
