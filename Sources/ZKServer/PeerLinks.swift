import Logging
import NIOCore
import NIOPosix
import ZKProtocol
import ZKZab

/// The port between servers on real TCP: `PeerNetwork` over SwiftNIO, one
/// event loop for the listener, every link, and the sink.
///
/// Events reach the sink in order per link, on the loop, never from inside
/// the operation that caused them. The limits are the simulator's:
/// - each `received` is at most `maxReadChunkBytes` (the read allocator's
///   largest buffer);
/// - `setReading(false)` stops reading the socket (autoRead's `read` is held
///   back), so a sink that is behind pushes back on the peer's TCP window;
/// - a send that would queue more than `maxQueuedBytesPerLink` bytes not yet
///   written to the socket closes the link, with a log line naming the peer;
/// - past `maxLinks`, or `maxInboundLinksPerHost` from one address, a new
///   link is closed at once.
///
/// PeerLinks also keeps the sink's timer: after every event it arms one
/// scheduled task for `sink.nextDeadline`.
public final class PeerLinks: PeerNetwork {
    public let limits: PeerNetworkLimits
    /// The loop everything runs on.
    public let eventLoop: EventLoop
    private let logger: Logger
    private var sink: (any PeerNetworkSink)?
    private var nextLinkID: UInt64 = 1
    private var links: [LinkID: LinkState] = [:]
    private var listener: Channel?
    /// Where the listener is bound (the real port when asked for port 0);
    /// nil while not listening.
    public private(set) var listeningAddress: PeerAddress?
    private var timer: Scheduled<Void>?
    private var timerDeadline: Now?
    /// Sink calls and operations under way; events wait while above 0.
    private var busy = 0
    private var queue: [PeerNetworkEvent] = []

    private struct LinkState {
        var direction: LinkDirection
        var remote: PeerAddress
        var channel: Channel?
        var opened = false
        var queuedBytes = 0
        /// Why we are closing it, reported when the channel goes.
        var closeReason: LinkCloseReason?
        var handler: PeerLinkHandler?
    }

    /// An endpoint on `eventLoop`; nothing listens until `listen`.
    public init(eventLoop: EventLoop, limits: PeerNetworkLimits = .defaults, logger: Logger = Logger(label: "swiftzk.peers")) {
        self.eventLoop = eventLoop
        self.limits = limits
        self.logger = logger
    }

    /// The time now, as the sink is given it.
    public func now() -> Now {
        ServerClock().now()
    }

    /// Sets the sink events go to. Call on the loop.
    public func attach(_ sink: any PeerNetworkSink) {
        eventLoop.preconditionInEventLoop()
        self.sink = sink
        rearmTimer()
    }

    /// Arms the timer for the sink's next deadline; call after driving the
    /// sink from outside (starting or restarting it).
    public func rearmTimer() {
        eventLoop.preconditionInEventLoop()
        let deadline = sink?.nextDeadline
        guard deadline != timerDeadline else { return }
        timer?.cancel()
        timer = nil
        timerDeadline = deadline
        guard let deadline else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(deadline.monotonicNanos)) {
            bound.value.fireTimer()
        }
    }

    private func fireTimer() {
        timer = nil
        timerDeadline = nil
        if let sink {
            busy += 1
            sink.tick(now: now(), network: self)
            busy -= 1
        }
        drain()
    }

    /// Queues `event` for the sink. Events wait while the sink or an
    /// operation is on the stack (closing a channel fires its events at
    /// once), so the sink is never re-entered and sees each link's events in
    /// the order they happened. At most one event per link change and read
    /// is queued, and the queue empties before the loop's next turn.
    private func emit(_ event: PeerNetworkEvent) {
        queue.append(event)
        drain()
    }

    private func drain() {
        guard busy == 0 else { return }
        busy += 1
        while !queue.isEmpty, let sink {
            let event = queue.removeFirst()
            sink.handle(event, now: now(), network: self)
        }
        if sink == nil { queue.removeAll() }
        busy -= 1
        rearmTimer()
    }

    /// Runs an operation; events it causes reach the sink after it returns,
    /// on a later turn of the loop when no sink call is under way.
    private func operation<T>(_ body: () -> T) -> T {
        busy += 1
        let result = body()
        busy -= 1
        if busy == 0, !queue.isEmpty {
            let bound = NIOLoopBound(self, eventLoop: eventLoop)
            eventLoop.execute { bound.value.drain() }
        }
        return result
    }

    /// Emits on a later turn of the loop.
    private func emitLater(_ event: PeerNetworkEvent) {
        queue.append(event)
    }

    /// Closes the listener and every link.
    public func shutdown() {
        eventLoop.preconditionInEventLoop()
        sink = nil
        queue = []
        timer?.cancel()
        timer = nil
        listener?.close(promise: nil)
        listener = nil
        listeningAddress = nil
        for state in links.values { state.channel?.close(promise: nil) }
        links = [:]
    }

    // MARK: PeerNetwork

    public func listen(on address: PeerAddress) {
        operation { bind(address) }
    }

    /// Binds the listener. Asked again for the address it is bound to (or
    /// for port 0 once bound), it reports `.listening` again and keeps the
    /// listener it has.
    private func bind(_ address: PeerAddress) {
        if let current = listeningAddress, current.host == address.host, address.port == 0 || address.port == current.port {
            emitLater(.listening(current))
            return
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let limits = limits
        ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: limits.maxReadChunkBytes))
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try bound.value.accept(channel) }
            }
            .bind(host: address.host, port: Int(address.port))
            .assumeIsolated()
            .whenComplete { result in
                let links = bound.value
                switch result {
                case .success(let channel):
                    links.listener = channel
                    let port = channel.localAddress?.port.map { UInt16(clamping: $0) } ?? address.port
                    let listening = PeerAddress(host: address.host, port: port)
                    links.listeningAddress = listening
                    links.emit(.listening(listening))
                case .failure(let error):
                    links.logger.error("cannot listen for peers on \(address): \(error)")
                    links.emit(.listenFailed(address, "\(error)"))
                }
            }
    }

    public func stopListening() {
        operation {
            listener?.close(promise: nil)
            listener = nil
            listeningAddress = nil
        }
    }

    /// A peer connected: give it an id, or refuse it over a limit.
    private func accept(_ channel: Channel) throws {
        let host = channel.remoteAddress?.ipAddress ?? "unknown"
        let port = UInt16(clamping: channel.remoteAddress?.port ?? 0)
        let fromHost = links.values.filter { $0.direction == .inbound && $0.remote.host == host }.count
        guard links.count < limits.maxLinks, fromHost < limits.maxInboundLinksPerHost else {
            logger.warning("refusing peer link from \(host):\(port): \(links.count) links open (maxLinks \(limits.maxLinks)), \(fromHost) from that host (maxInboundLinksPerHost \(limits.maxInboundLinksPerHost))")
            channel.close(promise: nil)
            return
        }
        let id = allocateID()
        let handler = PeerLinkHandler(id: id, owner: NIOLoopBound(self, eventLoop: eventLoop))
        links[id] = LinkState(direction: .inbound, remote: PeerAddress(host: host, port: port), channel: channel, handler: handler)
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    private func allocateID() -> LinkID {
        let id = LinkID(raw: nextLinkID)
        nextLinkID += 1
        return id
    }

    public func connect(to address: PeerAddress) -> LinkID {
        operation { startConnect(to: address) }
    }

    private func startConnect(to address: PeerAddress) -> LinkID {
        let id = allocateID()
        guard links.count < limits.maxLinks else {
            emitLater(.linkClosed(id, .linkLimit(limit: limits.maxLinks)))
            return id
        }
        links[id] = LinkState(direction: .outbound, remote: address)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: limits.maxReadChunkBytes))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let links = bound.value
                    guard links.links[id] != nil else {
                        // Closed while connecting.
                        channel.close(promise: nil)
                        return
                    }
                    let handler = PeerLinkHandler(id: id, owner: bound)
                    links.links[id]?.channel = channel
                    links.links[id]?.handler = handler
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: address.host, port: Int(address.port))
            .assumeIsolated()
            .whenFailure { error in
                let links = bound.value
                guard let state = links.links[id], !state.opened else { return }
                links.links[id] = nil
                links.emit(.linkClosed(id, .connectFailed("\(address): \(error)")))
            }
        return id
    }

    public func send(_ bytes: ByteBuffer, on link: LinkID) {
        operation { write(bytes, on: link) }
    }

    private func write(_ bytes: ByteBuffer, on link: LinkID) {
        guard var state = links[link], state.opened, state.closeReason == nil, let channel = state.channel else { return }
        let count = bytes.readableBytes
        let queued = state.queuedBytes + count
        guard queued <= limits.maxQueuedBytesPerLink else {
            logger.warning("closing peer link \(link) to \(state.remote): \(queued) bytes would be queued, over maxQueuedBytesPerLink \(limits.maxQueuedBytesPerLink); the peer is not reading")
            state.closeReason = .sendQueueFull(queuedBytes: queued, limitBytes: limits.maxQueuedBytesPerLink)
            links[link] = state
            channel.close(mode: .all, promise: nil)
            return
        }
        state.queuedBytes = queued
        links[link] = state
        let promise = eventLoop.makePromise(of: Void.self)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        promise.futureResult.assumeIsolated().whenComplete { _ in
            bound.value.links[link]?.queuedBytes -= count
        }
        channel.writeAndFlush(bytes, promise: promise)
    }

    public func close(_ link: LinkID) {
        operation { startClose(link) }
    }

    private func startClose(_ link: LinkID) {
        guard var state = links[link], state.closeReason == nil else { return }
        guard let channel = state.channel else {
            links[link] = nil
            emitLater(.linkClosed(link, .closedLocally))
            return
        }
        state.closeReason = .closedLocally
        links[link] = state
        // Written bytes go first: an empty write completes after them.
        let flushed = eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(ByteBuffer(), promise: flushed)
        flushed.futureResult.assumeIsolated().whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    public func setReading(_ reading: Bool, on link: LinkID) {
        operation { links[link]?.handler?.setReading(reading) }
    }

    public func queuedBytes(on link: LinkID) -> Int {
        links[link]?.queuedBytes ?? 0
    }

    // MARK: From the handlers

    fileprivate func linkActive(_ id: LinkID) {
        guard var state = links[id], !state.opened else { return }
        state.opened = true
        links[id] = state
        emit(.linkOpened(id, state.direction, remote: state.remote))
    }

    fileprivate func linkRead(_ id: LinkID, _ bytes: ByteBuffer) {
        guard let state = links[id], state.closeReason == nil else { return }
        emit(.received(id, bytes))
    }

    fileprivate func linkError(_ id: LinkID, _ error: Error) {
        guard var state = links[id], state.closeReason == nil else { return }
        state.closeReason = .reset("\(error)")
        links[id] = state
    }

    fileprivate func linkInactive(_ id: LinkID) {
        guard let state = links.removeValue(forKey: id), state.opened else { return }
        emit(.linkClosed(id, state.closeReason ?? .closedByPeer))
    }
}

/// One link's channel handler: hands bytes and ends to `PeerLinks`, and
/// holds reads back while the sink is not reading.
final class PeerLinkHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let id: LinkID
    private let owner: NIOLoopBound<PeerLinks>
    private var context: ChannelHandlerContext?
    private var reading = true
    private var readPending = false

    init(id: LinkID, owner: NIOLoopBound<PeerLinks>) {
        self.id = id
        self.owner = owner
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { owner.value.linkActive(id) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        owner.value.linkActive(id)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner.value.linkRead(id, unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        owner.value.linkInactive(id)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        owner.value.linkError(id, error)
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if reading {
            context.read()
        } else {
            readPending = true
        }
    }

    func setReading(_ reading: Bool) {
        self.reading = reading
        guard reading, readPending, let context else { return }
        readPending = false
        context.read()
    }
}
