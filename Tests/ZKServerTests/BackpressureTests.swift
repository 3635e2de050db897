import Foundation
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
@testable import ZKServer
import ZKProtocol
import ZKServerCore

@Suite struct RequestThrottleTests {
    static func limits(perConnection: Int = 0, global: Int = 0, logQueue: Int = 0) -> Limits {
        var limits = Limits()
        limits.outstandingRequestsPerConnection = perConnection
        limits.globalOutstandingRequests = global
        limits.logQueueTransactions = logQueue
        return limits
    }

    @Test func aConnectionPausesAtItsLimit() {
        var throttle = RequestThrottle(Self.limits(perConnection: 10))
        #expect(throttle.opened(1) == [])
        #expect(throttle.received(1, count: 9) == [])
        #expect(throttle.received(1, count: 1) == [.init(id: 1, paused: true)])
        #expect(throttle.received(1, count: 1) == [])
        #expect(throttle.outstanding[1] == 11)
    }

    @Test func hysteresisKeepsAConnectionPausedUntilHalfItsLimit() {
        var throttle = RequestThrottle(Self.limits(perConnection: 10))
        _ = throttle.opened(1)
        _ = throttle.received(1, count: 12)
        #expect(throttle.paused == [1])
        var changes: [RequestThrottle.Change] = []
        for _ in 0..<6 { changes += throttle.answered(1) }  // 12 → 6
        #expect(changes.isEmpty)
        #expect(throttle.answered(1) == [.init(id: 1, paused: false)])  // 5 = half
        #expect(throttle.outstanding[1] == 5)
    }

    @Test func theGlobalLimitPausesEveryConnectionAndNewOnes() {
        var throttle = RequestThrottle(Self.limits(global: 4))
        _ = throttle.opened(1)
        _ = throttle.opened(2)
        _ = throttle.received(1, count: 3)
        _ = throttle.received(2, count: 1)
        #expect(throttle.admitted(1, count: 3) == [])
        #expect(throttle.admitted(2, count: 1) == [.init(id: 1, paused: true), .init(id: 2, paused: true)])
        #expect(throttle.opened(3) == [.init(id: 3, paused: true)])
        _ = throttle.answered(1)
        #expect(throttle.answered(1) == [.init(id: 1, paused: false), .init(id: 2, paused: false), .init(id: 3, paused: false)])
    }

    @Test func closingAConnectionDropsItsOutstandingRequests() {
        var throttle = RequestThrottle(Self.limits(global: 4))
        _ = throttle.opened(1)
        _ = throttle.opened(2)
        _ = throttle.received(1, count: 4)
        _ = throttle.admitted(1, count: 4)
        #expect(throttle.paused == [1, 2])
        #expect(throttle.closed(1) == [.init(id: 2, paused: false)])
        #expect(throttle.total == 0)
    }

    @Test func theLogQueuePausesEveryConnectionUntilItDrains() {
        var throttle = RequestThrottle(Self.limits(logQueue: 100))
        _ = throttle.opened(1)
        #expect(throttle.logQueue(depth: 99) == [])
        #expect(throttle.logQueue(depth: 100) == [.init(id: 1, paused: true)])
        #expect(throttle.logQueue(depth: 51) == [])
        #expect(throttle.logQueue(depth: 50) == [.init(id: 1, paused: false)])
    }

    @Test func heldRequestsCountForTheirConnectionOnly() {
        var throttle = RequestThrottle(Self.limits(perConnection: 3, global: 3))
        _ = throttle.opened(1)
        _ = throttle.opened(2)
        #expect(throttle.received(1, count: 3) == [.init(id: 1, paused: true)])
        #expect(throttle.total == 0)
        #expect(throttle.paused == [1])
    }

    @Test func aWatchNotificationIsNotAnAnswer() {
        // answered() without an outstanding request changes nothing.
        var throttle = RequestThrottle(Self.limits(perConnection: 1))
        _ = throttle.opened(1)
        #expect(throttle.answered(1) == [])
        #expect(throttle.total == 0)
    }
}

@Suite struct BackpressureTests {
    @Test func aConnectionOverItsOutstandingLimitStopsReadingUntilAnswered() throws {
        var limits = Limits()
        limits.outstandingRequestsPerConnection = 2
        let fixture = try PipelineFixture(limits: limits)
        try fixture.send(Frames.connect())
        // The state loop runs on the same embedded loop: requests are answered
        // as soon as the loop runs, so the throttle opens again at once.
        try fixture.send(Frames.exists(xid: 1) + Frames.exists(xid: 2) + Frames.exists(xid: 3))
        #expect(try fixture.replyHeaders().map(\.xid) == [1, 2, 3])
        #expect(fixture.stateLoop.throttle.total == 0)
        #expect(fixture.stateLoop.throttle.paused.isEmpty)
        let before = fixture.reads.count
        fixture.channel.read()
        #expect(fixture.reads.count == before + 1)
    }

    @Test func aThrottledConnectionHoldsItsReadUntilResumed() throws {
        let fixture = try PipelineFixture()
        try fixture.send(Frames.connect())
        let before = fixture.reads.count
        fixture.channel.pipeline.fireUserInboundEventTriggered(ReadGate.throttled(true))
        fixture.channel.read()
        fixture.channel.read()
        #expect(fixture.reads.count == before)
        #expect(fixture.stateLoop.backpressure.withLockedValue { $0.pausedConnections } == 1)
        fixture.channel.pipeline.fireUserInboundEventTriggered(ReadGate.throttled(false))
        #expect(fixture.reads.count == before + 1)
        #expect(fixture.stateLoop.backpressure.withLockedValue { $0.pausedConnections } == 0)
    }

    @Test func anUnwritableConnectionIsNotRead() throws {
        let fixture = try PipelineFixture()
        try fixture.send(Frames.connect())
        let before = fixture.reads.count
        // A socket channel turns unwritable past its high-water mark of
        // unwritten bytes; an embedded one is told.
        fixture.channel.isWritable = false
        fixture.channel.pipeline.fireChannelWritabilityChanged()
        fixture.channel.read()
        #expect(fixture.reads.count == before)
        #expect(fixture.stateLoop.backpressure.withLockedValue { $0.pausedConnections } == 1)
        fixture.channel.isWritable = true
        fixture.channel.pipeline.fireChannelWritabilityChanged()
        #expect(fixture.reads.count == before + 1)
        #expect(fixture.stateLoop.backpressure.withLockedValue { $0.pausedConnections } == 0)
    }

    @Test func unreadRepliesPastTheLimitCloseTheConnection() throws {
        var limits = Limits()
        limits.queuedReplyBytesPerConnection = 100
        let fixture = try PipelineFixture(limits: limits)
        try fixture.send(Frames.connect())
        _ = try fixture.written()
        fixture.channel.write(ByteBuffer(repeating: 1, count: 60), promise: nil)
        #expect(fixture.channel.isActive)
        fixture.channel.write(ByteBuffer(repeating: 1, count: 60), promise: nil)
        fixture.channel.embeddedEventLoop.run()
        #expect(!fixture.channel.isActive)
        #expect(fixture.stateLoop.backpressure.withLockedValue { $0.closedForUnreadReplies } == 1)
    }

    @Test func writtenRepliesNoLongerCount() throws {
        var limits = Limits()
        limits.queuedReplyBytesPerConnection = 100
        let fixture = try PipelineFixture(limits: limits)
        try fixture.send(Frames.connect())
        for _ in 0..<10 {
            fixture.channel.writeAndFlush(ByteBuffer(repeating: 1, count: 60), promise: nil)
        }
        fixture.channel.embeddedEventLoop.run()
        #expect(fixture.channel.isActive)
    }
}

@Suite struct LimitsTextTests {
    @Test func confShowsEveryLimit() {
        let config = ServerConfig.embeddedDefault()
        let text = ZooKeeperServer.confText(config)
        for row in config.effectiveLimits.rows {
            #expect(text.contains("\n\(row.key)=\(row.value)\n"), "\(row.key)")
        }
    }

    @Test func mntrNamesAreSnakeCase() {
        #expect(LimitsText.monitorName("swiftzk.maxQueuedReplyBytes") == "max_queued_reply_bytes")
        #expect(LimitsText.monitorName("jute.maxbuffer") == "jute_maxbuffer")
        #expect(LimitsText.monitorName("globalOutstandingLimit") == "global_outstanding_limit")
        #expect(Set(LimitsText.monitorRows(Limits()).map(\.0)).count == Limits().rows.count)
    }

    @Test func mntrShowsLimitsAndFigures() throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        defer { try? pool.syncShutdownGracefully() }
        let fixture = try PipelineFixture(pool: pool)
        try fixture.channel.writeInbound(ByteBuffer(string: "mntr"))
        var text = ""
        for _ in 0..<200 where text.isEmpty {
            fixture.channel.embeddedEventLoop.run()
            text = String(buffer: try fixture.written())
            if text.isEmpty { usleep(10_000) }
        }
        for row in Limits().rows {
            #expect(text.contains("zk_limit_\(LimitsText.monitorName(row.key))\t\(row.value)\n"), "\(row.key)")
        }
        for name in ["zk_requests_awaiting_reply", "zk_connections_paused_for_backpressure",
                     "zk_connections_closed_for_unread_replies", "zk_log_queue_depth", "zk_open_file_descriptor_count"] {
            #expect(text.contains("\(name)\t"), "\(name)")
        }
    }
}

/// A socket whose peer does not read: writes stay queued (with their
/// promises) until `release`.
final class StalledSocket: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    private var queued: [(NIOAny, EventLoopPromise<Void>?)] = []
    private var context: ChannelHandlerContext?

    var queuedBytes: Int { queued.reduce(0) { $0 + unwrapOutboundIn($1.0).readableBytes } }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        queued.append((data, promise))
    }

    func flush(context: ChannelHandlerContext) {}

    /// The peer reads everything queued.
    func release() {
        guard let context else { return }
        let all = queued
        queued = []
        for (data, promise) in all { context.write(data, promise: promise) }
        context.flush()
    }
}

@Suite struct HeldRequestTests {
    @Test func aClientThatDoesNotReadHasItsRequestsHeldAndStopsBeingRead() throws {
        var limits = Limits()
        limits.queuedReplyBytesPerConnection = 256 * 1024  // a reply budget of 64 KiB
        limits.outstandingRequestsPerConnection = 5
        let fixture = try PipelineFixture(limits: limits)
        let create = ZKRequest.create(CreateRequest(path: "/big", data: JuteBytes([UInt8](repeating: 7, count: 50_000)),
                                                    acl: ACL.openACLUnsafe, flags: 0))
        try fixture.send(Frames.connect() + Frames.request(xid: 1, create))
        #expect(try fixture.replyHeaders().map(\.err) == [.ok])

        let socket = StalledSocket()
        try fixture.channel.pipeline.syncOperations.addHandler(socket, position: .after(fixture.reads))
        var burst = ByteBuffer()
        for xid in Int32(2)...11 {
            burst = burst + Frames.request(xid: xid, .getData(GetDataRequest(path: "/big", watch: false)))
        }
        try fixture.send(burst)
        // Two 50 kB replies pass the 64 KiB budget: the other eight wait,
        // and eight outstanding requests are over the limit of five.
        #expect(socket.queuedBytes > 100_000 && socket.queuedBytes < 150_000)
        #expect(fixture.stateLoop.throttle.outstanding[1] == 8)
        #expect(fixture.stateLoop.throttle.paused == [1])
        let reads = fixture.reads.count
        fixture.channel.read()
        #expect(fixture.reads.count == reads)

        // The client reads: the held requests run, two by two.
        var rounds = 0
        while fixture.stateLoop.throttle.outstanding[1] ?? 0 > 0, rounds < 10 {
            socket.release()
            fixture.channel.embeddedEventLoop.run()
            rounds += 1
        }
        socket.release()
        #expect(try fixture.replyHeaders(skippingConnectResponse: false).map(\.xid) == Array(Int32(2)...11))
        #expect(fixture.stateLoop.throttle.paused.isEmpty)
        #expect(fixture.reads.count == reads + 1)  // the read held back went through
        #expect(fixture.channel.isActive)
    }

    @Test func repliesReleasedTogetherPastTheLimitCloseTheConnection() throws {
        var limits = Limits()
        limits.queuedReplyBytesPerConnection = 256 * 1024
        let fixture = try PipelineFixture(limits: limits)
        // The reads wait in the core behind the session and the create, then
        // come out together: ten 50 kB replies, over the 256 KiB limit.
        let create = ZKRequest.create(CreateRequest(path: "/big", data: JuteBytes([UInt8](repeating: 7, count: 50_000)),
                                                    acl: ACL.openACLUnsafe, flags: 0))
        var burst = Frames.connect() + Frames.request(xid: 1, create)
        for xid in Int32(2)...11 {
            burst = burst + Frames.request(xid: xid, .getData(GetDataRequest(path: "/big", watch: false)))
        }
        try fixture.send(burst)
        #expect(!fixture.channel.isActive)
        #expect(fixture.stateLoop.backpressure.withLockedValue { $0.closedForUnreadReplies } == 1)
    }

    @Test func aDeepLogQueueStopsReadingUntilTheLogCatchesUp() throws {
        var limits = Limits()
        limits.logQueueTransactions = 4
        let log = SlowDisk()
        let fixture = try PipelineFixture(limits: limits, log: log)
        var burst = Frames.connect()  // createSession is a transaction too
        for (xid, name) in [(Int32(1), "/a"), (2, "/b"), (3, "/c")] {
            burst = burst + Frames.request(xid: xid, .create(CreateRequest(path: JuteBytes(name), data: [], acl: ACL.openACLUnsafe, flags: 0)))
        }
        try fixture.send(burst)
        #expect(fixture.stateLoop.throttle.logDepth == 4)
        #expect(fixture.stateLoop.throttle.paused == [1])
        let reads = fixture.reads.count
        fixture.channel.read()
        #expect(fixture.reads.count == reads)

        fixture.stateLoop.durable(upTo: try #require(log.zxids.last))
        fixture.channel.embeddedEventLoop.run()
        #expect(fixture.stateLoop.throttle.logDepth == 0)
        #expect(fixture.stateLoop.throttle.paused.isEmpty)
        #expect(fixture.reads.count == reads + 1)
        #expect(try fixture.replyHeaders().map(\.xid) == [1, 2, 3])
    }
}

/// A transaction log whose disk has not synced yet: it keeps what it is
/// given until the test reports it durable (StateLoop.durable).
final class SlowDisk: TransactionLogSink, @unchecked Sendable {
    private(set) var zxids: [Int64] = []

    func append(_ entries: [(TxnHeader, TxnBody)], generation: Int) {
        zxids += entries.map(\.0.zxid)
    }

    /// A state loop too busy to take a connection's requests cannot pause
    /// it through the throttle: the batcher stops reading by itself once
    /// the requests it handed over and the loop has not taken reach the
    /// per-connection limit, and resumes when the loop takes them.
    @Test func aConnectionIsNotReadWhileAStalledStateLoopHoldsItsLimitOfRequests() throws {
        var limits = Limits()
        limits.outstandingRequestsPerConnection = 8
        let fixture = try PipelineFixture(limits: limits)
        try fixture.send(Frames.connect())
        var burst = ByteBuffer()
        for xid in Int32(1)...8 {
            burst = burst + Frames.request(xid: xid, .exists(ExistsRequest(path: "/", watch: false)))
        }
        // The burst is handed over, but the loop does not run: stalled.
        try fixture.channel.writeInbound(burst)
        let reads = fixture.reads.count
        fixture.channel.read()
        #expect(fixture.reads.count == reads)
        #expect(fixture.stateLoop.throttle.outstanding[1] == 0)  // not taken yet

        // The loop takes and answers them: reading resumes.
        fixture.channel.embeddedEventLoop.run()
        #expect(try fixture.replyHeaders().map(\.xid) == Array(Int32(1)...8))
        #expect(fixture.reads.count == reads + 1)

        // Under the limit nothing is held back.
        try fixture.channel.writeInbound(Frames.request(xid: 9, .exists(ExistsRequest(path: "/", watch: false))))
        fixture.channel.read()
        #expect(fixture.reads.count == reads + 2)
        fixture.channel.embeddedEventLoop.run()
        #expect(try fixture.replyHeaders(skippingConnectResponse: false).map(\.xid) == [9])
    }
}
