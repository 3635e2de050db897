import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
@testable import ZKServer
import ZKProtocol
import ZKServerCore

/// A client connection's real pipeline on an EmbeddedChannel, with a real
/// state loop and core on the same embedded event loop.
struct PipelineFixture {
    let channel: EmbeddedChannel
    let stateLoop: StateLoop
    let reads: ReadCounter

    init(limits: Limits = Limits(), settings: (inout ConnectionSettings) -> Void = { _ in }, pool: NIOThreadPool? = nil,
         log: TransactionLogSink? = nil, id: ConnectionID = 1) throws {
        let loop = EmbeddedEventLoop()
        channel = EmbeddedChannel(loop: loop)
        var coreConfig = CoreConfig()
        coreConfig.limits = limits
        let clock = ServerClock()
        let logger = Logger(label: "test")
        stateLoop = StateLoop(eventLoop: loop, core: ServerCore(config: coreConfig, now: clock.now()), clock: clock,
                              log: log, logger: logger)
        var connection = ConnectionSettings.forTests(pool: pool ?? NIOThreadPool(numberOfThreads: 1))
        connection.maxBufferBytes = limits.maxFrameBytes
        connection.maxQueuedReplyBytes = limits.queuedReplyBytesPerConnection
        settings(&connection)
        reads = ReadCounter()
        try channel.pipeline.syncOperations.addHandler(reads)
        try channel.pipeline.syncOperations.addHandlers(
            ZooKeeperServer.connectionHandlers(id: id, stateLoop: stateLoop, settings: connection, logger: logger))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40000)).wait()
        loop.run()
    }

    /// Sends `bytes` as one read burst and runs the loop.
    func send(_ bytes: ByteBuffer) throws {
        try channel.writeInbound(bytes)
        channel.embeddedEventLoop.run()
    }

    /// Everything the server wrote so far.
    func written() throws -> ByteBuffer {
        var all = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
        return all
    }

    /// The reply frames written so far, each as its ReplyHeader.
    func replyHeaders(skippingConnectResponse: Bool = true) throws -> [ReplyHeader] {
        var bytes = try written()
        var headers: [ReplyHeader] = []
        var first = skippingConnectResponse
        while let frame = try Framing.nextFrame(from: &bytes, maxBufferBytes: .max) {
            if first { first = false; continue }
            headers.append(try ReplyHeader(decoding: frame))
        }
        return headers
    }
}

/// Counts the `read()` calls that reach the socket end of the pipeline.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    private(set) var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}

enum Frames {
    static func connect(sessionID: Int64 = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        Framing.writeFrame(ConnectRequest(lastZxidSeen: 0, timeOut: 30000, sessionId: sessionID, passwd: JuteBytes([UInt8](repeating: 0, count: 16))), into: &buffer)
        return buffer
    }

    static func request(xid: Int32, _ body: ZKRequest) -> ByteBuffer {
        var buffer = ByteBuffer()
        Framing.writeFrame(into: &buffer) { frame in
            RequestHeader(xid: xid, type: body.opCode).encode(to: &frame)
            body.encode(to: &frame)
        }
        return buffer
    }

    static func exists(xid: Int32, _ path: String = "/") -> ByteBuffer {
        request(xid: xid, .exists(ExistsRequest(path: JuteBytes(path), watch: false)))
    }
}

func + (lhs: ByteBuffer, rhs: ByteBuffer) -> ByteBuffer {
    var all = lhs
    var rest = rhs
    all.writeBuffer(&rest)
    return all
}

extension ConnectionSettings {
    static func forTests(pool: NIOThreadPool) -> ConnectionSettings {
        ConnectionSettings(
            maxBufferBytes: 0xfffff, maxQueuedReplyBytes: 32 << 20, blockingPool: pool,
            fourLetterWords: ["ruok", "stmk", "gtmk", "conf", "expi", "clip", "srvr", "dirs", "mntr"],
            versionString: "test", confText: "clientPort=2181\n", sessionlessTimeoutMillis: 10000,
            dataDir: "/nonexistent", dataLogDir: "/nonexistent", startedWallMillis: 0, adminActionsEnabled: false)
    }
}
