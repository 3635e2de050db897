import NIOCore
import NIOPosix
import ZKProtocol

/// How a session reaches a server. The real one is `NIOTransport`; tests
/// pass a scripted one.
///
/// Every callback runs on `loop`, the session's event loop.
public protocol ZKTransport: Sendable {
    /// Opens a connection to `host`. `onFrame` gets each frame's payload
    /// (length prefix removed); `onClose` is called once when the
    /// connection ends for any reason after it opened.
    func connect(
        to host: ZKHost, on loop: any EventLoop, timeout: TimeAmount,
        onFrame: @escaping @Sendable (ByteBuffer) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any ZKTransportConnection>
}

/// One open connection of a `ZKTransport`. Called on the session's loop only.
public protocol ZKTransportConnection: Sendable {
    /// Queues a whole frame (length prefix included).
    func write(_ frame: ByteBuffer)
    /// Sends what was queued.
    func flush()
    /// Closes the connection; `onClose` follows.
    func close()
}

/// TCP through SwiftNIO.
public struct NIOTransport: ZKTransport {
    /// The largest frame accepted from a server (the client's jute.maxbuffer).
    public var maxFrameBytes: Int

    /// Creates the transport. Apache's client accepts frames up to 0xfffff
    /// bytes by default; a getChildren of a very large node needs more.
    public init(maxFrameBytes: Int = Framing.defaultMaxBufferBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    public func connect(
        to host: ZKHost, on loop: any EventLoop, timeout: TimeAmount,
        onFrame: @escaping @Sendable (ByteBuffer) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any ZKTransportConnection> {
        let maxFrameBytes = maxFrameBytes
        return ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxBufferBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(FrameForwarder(onFrame: onFrame, onClose: onClose))
                }
            }
            .connect(host: host.host, port: host.port)
            .map { NIOConnection(channel: $0) }
    }
}

private struct NIOConnection: ZKTransportConnection {
    let channel: any Channel

    func write(_ frame: ByteBuffer) {
        channel.write(frame, promise: nil)
    }

    func flush() {
        channel.flush()
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Hands frames and the end of the connection to the session.
private final class FrameForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let onFrame: @Sendable (ByteBuffer) -> Void
    let onClose: @Sendable () -> Void

    init(onFrame: @escaping @Sendable (ByteBuffer) -> Void, onClose: @escaping @Sendable () -> Void) {
        self.onFrame = onFrame
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onFrame(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A bad frame length or a socket error: drop the connection; the
        // session reconnects.
        context.close(promise: nil)
    }
}
