import NIOCore
import ZKProtocol
import ZKZab

/// The simulated network between servers: `PeerNetwork` links with TCP's
/// promises and TCP's surprises, deterministic from one seed.
///
/// - Bytes on a link arrive in order, each exactly once, but in arbitrary
///   chunks: a send is split at random byte boundaries, neighbouring sends
///   are joined, and each piece is delayed at random.
/// - Faults: link resets (both ends see the link closed; bytes in flight are
///   lost), partitions (pairs of servers that cannot connect; links across
///   one are reset), stalls (a server's links deliver nothing for a while),
///   crashes (the server's links reset, its listeners go; connecting to it is
///   refused).
/// - Time is the simulator's: the caller sets `nowNanos` and takes due
///   events with `nextEvent(upTo:)`; nothing runs on its own.
public final class SimNetwork {
    /// How the links behave.
    public struct Options: Sendable {
        /// Shortest and longest delay of one piece of a send, in nanoseconds.
        public var minDelayNanos: UInt64
        public var maxDelayNanos: UInt64
        /// Chance that a send is split into pieces (1-3 random cuts).
        public var splitChance: Double
        /// Chance that a delivery hands over all the bytes that have arrived,
        /// joined; otherwise a random prefix of them.
        public var wholeDeliveryChance: Double
        /// How long a connect across a partition takes to fail, in
        /// nanoseconds (a refused connect fails after one delay).
        public var unreachableAfterNanos: UInt64
        /// Every endpoint's limits.
        public var limits: PeerNetworkLimits

        /// Links of 1-20 ms with chunking.
        public init(minDelayNanos: UInt64 = 1_000_000, maxDelayNanos: UInt64 = 20_000_000, splitChance: Double = 0.5,
                    wholeDeliveryChance: Double = 0.5, unreachableAfterNanos: UInt64 = 500_000_000,
                    limits: PeerNetworkLimits = .defaults) {
            self.minDelayNanos = minDelayNanos
            self.maxDelayNanos = max(minDelayNanos, maxDelayNanos)
            self.splitChance = splitChance
            self.wholeDeliveryChance = wholeDeliveryChance
            self.unreachableAfterNanos = unreachableAfterNanos
            self.limits = limits
        }
    }

    /// A pair of servers, unordered.
    public struct HostPair: Hashable, Sendable {
        public let low: ServerID
        public let high: ServerID
        /// The pair `a`-`b`.
        public init(_ a: ServerID, _ b: ServerID) {
            low = min(a, b)
            high = max(a, b)
        }
    }

    private struct Segment {
        var bytes: ByteBuffer
        var at: UInt64
    }

    /// One direction of a connection.
    private struct Pipe {
        var segments: [Segment] = []
        var head = 0
        var queuedBytes = 0
        /// The latest arrival time queued: later pieces never overtake it.
        var lastAt: UInt64 = 0
        /// The sender closed: after the last byte the receiver sees EOF.
        var finPending = false
        var pumpScheduled = false
    }

    private struct End {
        var host: ServerID
        var link: LinkID
        var open = true
        var reading = true
    }

    private struct Connection {
        var ends: [End]
        /// pipes[i] carries bytes from ends[i] to ends[1 - i].
        var pipes = [Pipe(), Pipe()]
        var closed: Bool { !ends[0].open && !ends[1].open }
    }

    private enum Task {
        case event(ServerID, incarnation: Int, PeerNetworkEvent)
        case connect(from: ServerID, incarnation: Int, link: LinkID, to: PeerAddress)
        case pump(connection: Int, pipe: Int)
    }

    private struct Scheduled {
        var at: UInt64
        var seq: UInt64
        var task: Task
    }

    private enum LinkState {
        case connecting
        case connected(connection: Int, end: Int)
    }

    private final class Host {
        let id: ServerID
        let address: String
        var endpoint: SimPeerEndpoint?
        var incarnation = 0
        var crashed = false
        var listening: Set<UInt16> = []
        var nextLinkID: UInt64 = 1
        var nextEphemeralPort: UInt16 = 40_000
        var links: [LinkID: LinkState] = [:]
        var stalledUntilNanos: UInt64 = 0

        init(id: ServerID, address: String) {
            self.id = id
            self.address = address
        }
    }

    /// The links' settings.
    public let options: Options
    /// The simulator's clock, in nanoseconds; set it before calling in.
    public var nowNanos: UInt64 = 0
    /// Pairs of servers that cannot reach each other.
    public private(set) var partitions: Set<HostPair> = []
    /// Delivered events, one line each, when `keepTrace` is set.
    public private(set) var trace: [String] = []
    /// Whether to record `trace`.
    public var keepTrace = false
    /// Counters for reports.
    public private(set) var resets = 0
    public private(set) var bytesDelivered = 0
    public private(set) var chunksDelivered = 0

    private var random: SimRandom
    private var hosts: [ServerID: Host] = [:]
    private var hostByAddress: [String: ServerID] = [:]
    private var connections: [Int: Connection] = [:]
    private var nextConnection = 0
    private var agenda: [Scheduled] = []
    private var seq: UInt64 = 0

    /// A network with no servers yet.
    public init(seed: UInt64, options: Options = Options()) {
        self.random = SimRandom(seed: seed)
        self.options = options
    }

    // MARK: Servers

    /// Adds server `id` reachable at host `address`; returns its endpoint.
    @discardableResult
    public func addHost(_ id: ServerID, address: String) -> SimPeerEndpoint {
        let host = Host(id: id, address: address)
        hosts[id] = host
        hostByAddress[address] = id
        let endpoint = SimPeerEndpoint(network: self, host: id)
        host.endpoint = endpoint
        return endpoint
    }

    /// The endpoint of server `id`.
    public func endpoint(_ id: ServerID) -> SimPeerEndpoint? { hosts[id]?.endpoint }

    /// Crashes `id`: its listeners go, every link of it resets (its peers see
    /// `.reset`; it sees nothing more), events on their way to it are lost.
    public func crash(_ id: ServerID) {
        guard let host = hosts[id], !host.crashed else { return }
        for (link, state) in host.links.sorted(by: { $0.key < $1.key }) {
            if case let .connected(connection, end) = state {
                connections[connection]?.ends[end].open = false
                resetConnection(connection, reason: "peer \(id) crashed")
            }
            host.links[link] = nil
        }
        host.crashed = true
        host.listening = []
        host.incarnation += 1
    }

    /// Brings `id` back after a crash: no listeners, no links. The caller
    /// starts a new driver on the same endpoint.
    public func restart(_ id: ServerID) {
        guard let host = hosts[id] else { return }
        host.crashed = false
        host.incarnation += 1
    }

    /// Whether `id` is crashed.
    public func isCrashed(_ id: ServerID) -> Bool { hosts[id]?.crashed ?? true }

    // MARK: Faults

    /// Cuts `pairs` apart: connects between them fail, links across them reset.
    public func partition(_ pairs: Set<HostPair>) {
        partitions.formUnion(pairs)
        for (index, connection) in connections.sorted(by: { $0.key < $1.key }) where !connection.closed {
            if pairs.contains(HostPair(connection.ends[0].host, connection.ends[1].host)) {
                resetConnection(index, reason: "partition")
            }
        }
    }

    /// Cuts `side` off from every other server.
    public func isolate(_ side: Set<ServerID>) {
        var pairs: Set<HostPair> = []
        for a in side { for b in hosts.keys where !side.contains(b) { pairs.insert(HostPair(a, b)) } }
        partition(pairs)
    }

    /// Ends every partition.
    public func heal() { partitions = [] }

    /// Resets one open link chosen at random; false when there is none.
    @discardableResult
    public func resetRandomLink() -> Bool {
        let open = connections.filter { !$0.value.closed }.keys.sorted()
        guard !open.isEmpty else { return false }
        resetConnection(open[random.int(0...(open.count - 1))], reason: "simulated reset")
        return true
    }

    /// The number of links whose both ends are up.
    public var openLinkCount: Int { connections.values.filter { $0.ends[0].open && $0.ends[1].open }.count }

    /// Holds every byte to and from `id` until `untilNanos`; the bytes wait
    /// and count against the senders' queues.
    public func stall(_ id: ServerID, untilNanos: UInt64) {
        guard let host = hosts[id] else { return }
        host.stalledUntilNanos = max(host.stalledUntilNanos, untilNanos)
    }

    // MARK: Running

    /// When the next thing happens, or nil when nothing is scheduled.
    public var nextDueNanos: UInt64? { agenda.min { ($0.at, $0.seq) < ($1.at, $1.seq) }?.at }

    /// The next event due at or before `nowNanos`, with the server it is
    /// for; nil when none is due. Moves the clock to `nowNanos` first.
    public func nextEvent(upTo nowNanos: UInt64) -> (ServerID, PeerNetworkEvent)? {
        self.nowNanos = max(self.nowNanos, nowNanos)
        while let index = dueIndex() {
            let item = agenda.remove(at: index)
            if let event = run(item.task) {
                if keepTrace { trace.append("\(item.at) \(event.0): \(Self.describe(event.1))") }
                return event
            }
        }
        return nil
    }

    private func dueIndex() -> Int? {
        var best: Int?
        for (index, item) in agenda.enumerated() where item.at <= nowNanos {
            if let current = best, (agenda[current].at, agenda[current].seq) <= (item.at, item.seq) { continue }
            best = index
        }
        return best
    }

    private func schedule(_ task: Task, at: UInt64) {
        seq += 1
        agenda.append(Scheduled(at: at, seq: seq, task: task))
    }

    private func scheduleEvent(_ host: ServerID, _ event: PeerNetworkEvent, at: UInt64? = nil) {
        guard let incarnation = hosts[host]?.incarnation else { return }
        schedule(.event(host, incarnation: incarnation, event), at: at ?? nowNanos)
    }

    private func delay() -> UInt64 {
        UInt64.random(in: options.minDelayNanos...options.maxDelayNanos, using: &random)
    }

    private func run(_ task: Task) -> (ServerID, PeerNetworkEvent)? {
        switch task {
        case let .event(id, incarnation, event):
            guard let host = hosts[id], host.incarnation == incarnation, !host.crashed else { return nil }
            return (id, event)
        case let .connect(from, incarnation, link, to):
            resolveConnect(from: from, incarnation: incarnation, link: link, to: to)
            return nil
        case let .pump(connection, pipe):
            return pump(connection, pipe)
        }
    }

    private func resolveConnect(from: ServerID, incarnation: Int, link: LinkID, to address: PeerAddress) {
        guard let source = hosts[from], source.incarnation == incarnation, !source.crashed else { return }
        guard case .connecting = source.links[link] else { return }
        func fail(_ reason: LinkCloseReason) {
            source.links[link] = nil
            scheduleEvent(from, .linkClosed(link, reason))
        }
        guard let targetID = hostByAddress[address.host], let target = hosts[targetID] else {
            return fail(.connectFailed("no route to \(address)"))
        }
        if partitions.contains(HostPair(from, targetID)) {
            // A partition swallows the SYN: the connect times out.
            source.links[link] = nil
            scheduleEvent(from, .linkClosed(link, .connectFailed("timed out connecting to \(address)")), at: nowNanos + options.unreachableAfterNanos)
            return
        }
        guard !target.crashed, target.listening.contains(address.port) else {
            return fail(.connectFailed("connection refused by \(address)"))
        }
        let limits = options.limits
        guard openLinks(of: source) < limits.maxLinks else { return fail(.linkLimit(limit: limits.maxLinks)) }
        guard openLinks(of: target) < limits.maxLinks,
              inboundLinks(of: target, from: from) < limits.maxInboundLinksPerHost
        else { return fail(.connectFailed("\(address) closed the connection at its link limit")) }
        let inbound = LinkID(raw: target.nextLinkID)
        target.nextLinkID += 1
        let port = source.nextEphemeralPort
        source.nextEphemeralPort = source.nextEphemeralPort == .max ? 40_000 : source.nextEphemeralPort + 1
        let index = nextConnection
        nextConnection += 1
        connections[index] = Connection(ends: [End(host: from, link: link), End(host: targetID, link: inbound)])
        source.links[link] = .connected(connection: index, end: 0)
        target.links[inbound] = .connected(connection: index, end: 1)
        scheduleEvent(targetID, .linkOpened(inbound, .inbound, remote: PeerAddress(host: source.address, port: port)))
        scheduleEvent(from, .linkOpened(link, .outbound, remote: address))
    }

    private func openLinks(of host: Host) -> Int { host.links.count }

    private func inboundLinks(of target: Host, from: ServerID) -> Int {
        target.links.values.reduce(0) { count, state in
            guard case let .connected(connection, end) = state, end == 1,
                  let c = connections[connection], c.ends[0].host == from else { return count }
            return count + 1
        }
    }

    /// Hands the receiver of `pipe` the next bytes that have arrived.
    private func pump(_ index: Int, _ pipeIndex: Int) -> (ServerID, PeerNetworkEvent)? {
        guard var connection = connections[index] else { return nil }
        connection.pipes[pipeIndex].pumpScheduled = false
        defer { connections[index] = connection }
        let receiver = connection.ends[1 - pipeIndex]
        guard receiver.open else { return nil }
        let stalledUntil = max(hosts[receiver.host]?.stalledUntilNanos ?? 0, hosts[connection.ends[pipeIndex].host]?.stalledUntilNanos ?? 0)
        var pipe = connection.pipes[pipeIndex]
        defer { connection.pipes[pipeIndex] = pipe }
        if stalledUntil > nowNanos {
            pipe.pumpScheduled = true
            schedule(.pump(connection: index, pipe: pipeIndex), at: stalledUntil)
            return nil
        }
        // A receiver that stopped reading is pumped again when it resumes.
        guard receiver.reading else { return nil }
        var arrived = 0
        var i = pipe.head
        while i < pipe.segments.count, pipe.segments[i].at <= nowNanos {
            arrived += pipe.segments[i].bytes.readableBytes
            i += 1
        }
        if arrived == 0 {
            if pipe.head < pipe.segments.count {
                pipe.pumpScheduled = true
                schedule(.pump(connection: index, pipe: pipeIndex), at: pipe.segments[pipe.head].at)
                return nil
            }
            guard pipe.finPending else { return nil }
            // Every byte is delivered: now the receiver sees EOF.
            connection.ends[1 - pipeIndex].open = false
            clearLink(receiver)
            return (receiver.host, .linkClosed(receiver.link, .closedByPeer))
        }
        let cap = min(arrived, options.limits.maxReadChunkBytes)
        let take = random.chance(options.wholeDeliveryChance) ? cap : random.int(1...cap)
        var chunk = ByteBuffer()
        chunk.reserveCapacity(take)
        var remaining = take
        while remaining > 0 {
            var segment = pipe.segments[pipe.head]
            let n = min(remaining, segment.bytes.readableBytes)
            if var slice = segment.bytes.readSlice(length: n) { chunk.writeBuffer(&slice) }
            remaining -= n
            if segment.bytes.readableBytes == 0 {
                pipe.segments[pipe.head] = Segment(bytes: ByteBuffer(), at: 0)
                pipe.head += 1
            } else {
                pipe.segments[pipe.head] = segment
            }
        }
        if pipe.head > 64, pipe.head * 2 > pipe.segments.count {
            pipe.segments.removeFirst(pipe.head)
            pipe.head = 0
        }
        pipe.queuedBytes -= take
        if pipe.head < pipe.segments.count || pipe.finPending {
            pipe.pumpScheduled = true
            let next = pipe.head < pipe.segments.count ? pipe.segments[pipe.head].at : nowNanos
            schedule(.pump(connection: index, pipe: pipeIndex), at: max(next, nowNanos + UInt64(random.int(0...500_000))))
        }
        bytesDelivered += take
        chunksDelivered += 1
        return (receiver.host, .received(receiver.link, chunk))
    }

    private func clearLink(_ end: End) {
        hosts[end.host]?.links[end.link] = nil
    }

    private func resetConnection(_ index: Int, reason: String) {
        guard var connection = connections[index] else { return }
        resets += 1
        for i in 0..<2 where connection.ends[i].open {
            connection.ends[i].open = false
            clearLink(connection.ends[i])
            scheduleEvent(connection.ends[i].host, .linkClosed(connection.ends[i].link, .reset(reason)))
        }
        connection.pipes = [Pipe(), Pipe()]
        connections[index] = nil
    }

    // MARK: Endpoint operations

    fileprivate func listen(_ id: ServerID, on address: PeerAddress) {
        guard let host = hosts[id], !host.crashed else { return }
        guard address.host == host.address || address.host == "0.0.0.0" else {
            return scheduleEvent(id, .listenFailed(address, "\(address.host) is not an address of server \(id)"))
        }
        var port = address.port
        if port == 0 {
            port = 30_000
            while host.listening.contains(port) { port += 1 }
        }
        guard !host.listening.contains(port) else {
            return scheduleEvent(id, .listenFailed(address, "port \(port) in use"))
        }
        host.listening.insert(port)
        scheduleEvent(id, .listening(PeerAddress(host: host.address, port: port)))
    }

    fileprivate func stopListening(_ id: ServerID) {
        hosts[id]?.listening = []
    }

    fileprivate func connect(_ id: ServerID, to address: PeerAddress) -> LinkID {
        guard let host = hosts[id] else { return LinkID(raw: 0) }
        let link = LinkID(raw: host.nextLinkID)
        host.nextLinkID += 1
        guard !host.crashed else { return link }
        host.links[link] = .connecting
        schedule(.connect(from: id, incarnation: host.incarnation, link: link, to: address), at: nowNanos + delay())
        return link
    }

    private func locate(_ id: ServerID, _ link: LinkID) -> (connection: Int, end: Int)? {
        guard let host = hosts[id], !host.crashed, case let .connected(connection, end) = host.links[link] else { return nil }
        return (connection, end)
    }

    fileprivate func send(_ id: ServerID, _ bytes: ByteBuffer, on link: LinkID) {
        guard let (index, end) = locate(id, link), var connection = connections[index], connection.ends[end].open else { return }
        guard connection.ends[1 - end].open, !connection.pipes[end].finPending else { return }
        let limit = options.limits.maxQueuedBytesPerLink
        let queued = connection.pipes[end].queuedBytes + bytes.readableBytes
        guard queued <= limit else {
            // A stuck peer: drop the link rather than grow the queue.
            connection.ends[end].open = false
            connections[index] = connection
            clearLink(connection.ends[end])
            scheduleEvent(id, .linkClosed(link, .sendQueueFull(queuedBytes: queued, limitBytes: limit)))
            resetConnection(index, reason: "peer dropped the link: its send queue was full")
            return
        }
        guard bytes.readableBytes > 0 else { return }
        var cuts: [Int] = []
        if bytes.readableBytes > 1, random.chance(options.splitChance) {
            for _ in 0..<random.int(1...3) { cuts.append(random.int(1...(bytes.readableBytes - 1))) }
        }
        cuts = Array(Set(cuts)).sorted() + [bytes.readableBytes]
        var pipe = connection.pipes[end]
        var rest = bytes
        var offset = 0
        for cut in cuts {
            guard let piece = rest.readSlice(length: cut - offset) else { break }
            offset = cut
            let at = max(nowNanos + delay(), pipe.lastAt)
            pipe.lastAt = at
            pipe.segments.append(Segment(bytes: piece, at: at))
        }
        pipe.queuedBytes = queued
        if !pipe.pumpScheduled {
            pipe.pumpScheduled = true
            schedule(.pump(connection: index, pipe: end), at: pipe.segments[pipe.head].at)
        }
        connection.pipes[end] = pipe
        connections[index] = connection
    }

    fileprivate func close(_ id: ServerID, _ link: LinkID) {
        guard let host = hosts[id], !host.crashed else { return }
        switch host.links[link] {
        case nil:
            return
        case .connecting:
            host.links[link] = nil
            scheduleEvent(id, .linkClosed(link, .closedLocally))
        case let .connected(index, end):
            guard var connection = connections[index] else { return }
            connection.ends[end].open = false
            host.links[link] = nil
            // Bytes already sent still arrive, then the peer sees EOF; bytes
            // on their way to us are dropped.
            connection.pipes[end].finPending = true
            connection.pipes[1 - end] = Pipe()
            if !connection.pipes[end].pumpScheduled, connection.ends[1 - end].open {
                connection.pipes[end].pumpScheduled = true
                let at = connection.pipes[end].head < connection.pipes[end].segments.count
                    ? connection.pipes[end].segments[connection.pipes[end].head].at : nowNanos + delay()
                schedule(.pump(connection: index, pipe: end), at: at)
            }
            if connection.closed { connections[index] = nil } else { connections[index] = connection }
            scheduleEvent(id, .linkClosed(link, .closedLocally))
        }
    }

    fileprivate func setReading(_ id: ServerID, _ reading: Bool, on link: LinkID) {
        guard let (index, end) = locate(id, link), var connection = connections[index] else { return }
        connection.ends[end].reading = reading
        let incoming = 1 - end
        if reading, !connection.pipes[incoming].pumpScheduled {
            connection.pipes[incoming].pumpScheduled = true
            schedule(.pump(connection: index, pipe: incoming), at: nowNanos)
        }
        connections[index] = connection
    }

    fileprivate func queuedBytes(_ id: ServerID, on link: LinkID) -> Int {
        guard let (index, end) = locate(id, link), let connection = connections[index] else { return 0 }
        return connection.pipes[end].queuedBytes
    }

    static func describe(_ event: PeerNetworkEvent) -> String {
        switch event {
        case .listening(let address): return "listening \(address)"
        case let .listenFailed(address, why): return "listen \(address) failed: \(why)"
        case let .linkOpened(link, direction, remote): return "\(link) opened \(direction) \(remote)"
        case let .received(link, bytes): return "\(link) received \(bytes.readableBytes) bytes \(bytes.readableBytesView.prefix(8).map { String($0, radix: 16) }.joined(separator: ","))"
        case let .linkClosed(link, reason): return "\(link) closed: \(reason)"
        }
    }
}

/// One server's view of a `SimNetwork`: its `PeerNetwork`.
public final class SimPeerEndpoint: PeerNetwork {
    private unowned let network: SimNetwork
    /// The server this endpoint belongs to.
    public let host: ServerID

    fileprivate init(network: SimNetwork, host: ServerID) {
        self.network = network
        self.host = host
    }

    public var limits: PeerNetworkLimits { network.options.limits }
    public func listen(on address: PeerAddress) { network.listen(host, on: address) }
    public func stopListening() { network.stopListening(host) }
    public func connect(to address: PeerAddress) -> LinkID { network.connect(host, to: address) }
    public func send(_ bytes: ByteBuffer, on link: LinkID) { network.send(host, bytes, on: link) }
    public func close(_ link: LinkID) { network.close(host, link) }
    public func setReading(_ reading: Bool, on link: LinkID) { network.setReading(host, reading, on: link) }
    public func queuedBytes(on link: LinkID) -> Int { network.queuedBytes(host, on: link) }
}
