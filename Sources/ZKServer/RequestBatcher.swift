import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZKProtocol
import ZKServerCore

/// Tells a connection's `RequestBatcher` to stop or resume reading because
/// of the state loop's `RequestThrottle`.
enum ReadGate: Sendable, Equatable {
    case throttled(Bool)
    /// The state loop took requests, so fewer than its limit are in transit.
    case inTransitDrained
}

/// Backpressure figures across connections, for `mntr`.
struct BackpressureFigures: Sendable, Equatable {
    /// Connections not being read now (throttled or not writable).
    var pausedConnections = 0
    /// Connections closed because their unread replies passed
    /// `queuedReplyBytesPerConnection`, since start.
    var closedForUnreadReplies = 0
}

/// The last handler of a client connection: cuts its bytes into frames
/// with a `RequestDecoder`, collects the requests of one read burst and
/// hands them to the state loop together at the burst's end. (The decoder
/// runs inside this handler, not as a handler of its own: a frame passed
/// between handlers is boxed and cast back, which cost a third of the
/// instructions of a getData; see DECISIONS.md.) It also
/// - closes a connection that sends no ConnectRequest within
///   `sessionlessCnxnTimeout`;
/// - stops reading while the state loop says the connection is throttled,
///   or while its socket is not writable (the client does not read its
///   replies), by holding back the channel's `read()`;
/// - counts the reply bytes handed to the channel and not yet written, and
///   closes the connection once they pass `queuedReplyBytesPerConnection`.
final class RequestBatcher: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let id: ConnectionID
    private let stateLoop: StateLoop
    private let sessionlessTimeoutMillis: Int64
    private let maxQueuedReplyBytes: Int
    private let figures: NIOLockedValueBox<BackpressureFigures>
    private let logger: Logger
    @exclusivity(unchecked) private var batch: [InboundEvent] = []
    @exclusivity(unchecked) private var decoder: NIOSingleStepByteToMessageProcessor<RequestDecoder>
    @exclusivity(unchecked) private var sessionlessTimer: Scheduled<Void>?
    @exclusivity(unchecked) private var failing = false

    @exclusivity(unchecked) private var throttled = false
    @exclusivity(unchecked) private var unwritable = false
    /// A `read()` held back while paused.
    @exclusivity(unchecked) private var readPending = false
    /// Reply bytes handed to the channel and not yet written to the socket;
    /// the state loop reads it to hold back a connection's requests.
    private let backlog = NIOLockedValueBox(0)
    @exclusivity(unchecked) private var queuedReplyBytes = 0

    /// Requests handed to the state loop that it has not taken yet. While
    /// they are at `stateLoop.requestsInTransitLimit`, the connection is
    /// not read: a state loop stalled on big replies must not let one
    /// connection queue requests without bound.
    private let inTransit = NIOLockedValueBox(0)
    @exclusivity(unchecked) private var inTransitFull = false

    private var paused: Bool { throttled || unwritable || inTransitFull }

    init(id: ConnectionID, stateLoop: StateLoop, maxFrameBytes: Int, sessionlessTimeoutMillis: Int64,
         maxQueuedReplyBytes: Int, figures: NIOLockedValueBox<BackpressureFigures>, logger: Logger) {
        self.id = id
        decoder = NIOSingleStepByteToMessageProcessor(RequestDecoder(maxFrameBytes: maxFrameBytes))
        self.stateLoop = stateLoop
        self.sessionlessTimeoutMillis = sessionlessTimeoutMillis
        self.maxQueuedReplyBytes = maxQueuedReplyBytes
        self.figures = figures
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = ClientAddress(context.channel.remoteAddress)
        stateLoop.opened(id, channel: context.channel, address: address, backlog: backlog)
        if sessionlessTimeoutMillis > 0 {
            let channel = context.channel
            let logger = self.logger
            let id = self.id
            sessionlessTimer = context.eventLoop.scheduleTask(in: .milliseconds(sessionlessTimeoutMillis)) {
                logger.info("closing connection \(id) from \(address.display): no ConnectRequest within sessionlessCnxnTimeout")
                channel.close(promise: nil)
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sessionlessTimer?.cancel()
        if paused { figures.withLockedValue { $0.pausedConnections -= 1 } }
        throttled = false
        unwritable = false
        stateLoop.closed(id)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failing else { return }
        let receivedNanos = NIODeadline.now().uptimeNanoseconds
        do {
            try decoder.process(buffer: unwrapInboundIn(data)) { frame in
                collect(frame, receivedNanos: receivedNanos)
            }
        } catch {
            fail(context: context, error)
        }
    }

    private func collect(_ frame: DecodedFrame, receivedNanos: UInt64) {
        switch frame {
        case .connect(let request):
            sessionlessTimer?.cancel()
            sessionlessTimer = nil
            batch.append(.connect(request))
        case .request(let xid, let opCode, let body):
            batch.append(.request(xid: xid, opCode: opCode, body: body, receivedNanos: receivedNanos))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handOff(context: context)
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let gate = event as? ReadGate {
            switch gate {
            case .throttled(let on):
                setPaused(context: context) { $0.throttled = on }
            case .inTransitDrained:
                let full = inTransit.withLockedValue { $0 } >= stateLoop.requestsInTransitLimit
                setPaused(context: context) { $0.inTransitFull = full }
            }
            return
        }
        // The client shut its sending side: the connection is over.
        if let event = event as? ChannelEvent, event == .inputClosed {
            finishDecoding(context: context)
            handOff(context: context)
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        setPaused(context: context) { $0.unwritable = !writable }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context: context, error)
    }

    /// A bad frame: requests decoded before it are still answered.
    private func fail(context: ChannelHandlerContext, _ error: Error) {
        guard !failing else { return }
        failing = true
        logger.warning("closing connection \(id) from \(ClientAddress(context.channel.remoteAddress).display): \(error)")
        handOff(context: context)
        context.close(promise: nil)
    }

    /// Frames still buffered when the client's input ends (a partial one is
    /// dropped with the connection).
    private func finishDecoding(context: ChannelHandlerContext) {
        guard !failing else { return }
        let receivedNanos = NIODeadline.now().uptimeNanoseconds
        do {
            try decoder.finishProcessing(seenEOF: true) { frame in collect(frame, receivedNanos: receivedNanos) }
        } catch {
            fail(context: context, error)
        }
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            readPending = true
        } else {
            context.read()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data).readableBytes
        queuedReplyBytes += bytes
        backlog.withLockedValue { $0 = queuedReplyBytes }
        if maxQueuedReplyBytes > 0, queuedReplyBytes > maxQueuedReplyBytes, !failing {
            failing = true
            logger.warning("closing connection \(id) from \(ClientAddress(context.channel.remoteAddress).display): \(queuedReplyBytes) reply bytes queued and unread, over swiftzk.maxQueuedReplyBytes=\(maxQueuedReplyBytes)")
            figures.withLockedValue { $0.closedForUnreadReplies += 1 }
            queuedReplyBytes -= bytes
            backlog.withLockedValue { $0 = queuedReplyBytes }
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
            return
        }
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenComplete { [self] _ in
            let before = queuedReplyBytes
            queuedReplyBytes -= bytes
            backlog.withLockedValue { $0 = queuedReplyBytes }
            // The state loop may hold requests until the backlog halves.
            let resumeBelow = stateLoop.replyBudget / 2
            if before >= resumeBelow, queuedReplyBytes < resumeBelow { stateLoop.backlogDrained(id) }
        }
        context.write(data, promise: written)
    }

    private func handOff(context: ChannelHandlerContext) {
        guard !batch.isEmpty else { return }
        let requests = batch.reduce(0) { count, event in
            if case .request = event { return count + 1 }
            return count
        }
        let inTransitNow = inTransit.withLockedValue { count in
            count += requests
            return count
        }
        stateLoop.handle(id, batch, requests: requests, inTransit: inTransit)
        batch.removeAll(keepingCapacity: true)
        let limit = stateLoop.requestsInTransitLimit
        if limit > 0, inTransitNow >= limit, !inTransitFull {
            setPaused(context: context) { $0.inTransitFull = true }
        }
    }

    private func setPaused(context: ChannelHandlerContext, _ change: (RequestBatcher) -> Void) {
        let was = paused
        change(self)
        guard was != paused else { return }
        figures.withLockedValue { $0.pausedConnections += paused ? 1 : -1 }
        if !paused, readPending {
            readPending = false
            context.read()
        }
    }
}
