import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import ZKProtocol
@testable import ZKClient

/// A transport whose "server" is the test: every frame the session writes
/// is decoded and handed to `script`, whose answers are delivered back.
final class ScriptedTransport: ZKTransport, Sendable {
    enum Inbound: Sendable {
        case connect(ConnectRequest)
        case request(RequestPacket)
    }

    /// What the fake server does with one inbound packet: frames to answer
    /// (payloads, no length prefix), and whether to drop the connection after.
    typealias Script = @Sendable (_ connection: Int, _ packet: Inbound) -> (replies: [ByteBuffer], hangUp: Bool)

    private let script: Script
    private let counter = NIOLockedValueBox(0)
    let log = NIOLockedValueBox<[(Int, Inbound)]>([])

    init(_ script: @escaping Script) { self.script = script }

    final class Connection: ZKTransportConnection, @unchecked Sendable {
        let number: Int
        let loop: any EventLoop
        let transport: ScriptedTransport
        let onFrame: @Sendable (ByteBuffer) -> Void
        let onClose: @Sendable () -> Void
        var handshaken = false
        var closed = false

        init(number: Int, loop: any EventLoop, transport: ScriptedTransport,
             onFrame: @escaping @Sendable (ByteBuffer) -> Void, onClose: @escaping @Sendable () -> Void) {
            self.number = number
            self.loop = loop
            self.transport = transport
            self.onFrame = onFrame
            self.onClose = onClose
        }

        func write(_ frame: ByteBuffer) {
            var frame = frame
            guard !closed, let length = frame.readInteger(as: Int32.self), let payload = frame.readSlice(length: Int(length)) else { return }
            let inbound: ScriptedTransport.Inbound
            if handshaken {
                guard let packet = try? RequestPacket(decoding: payload) else { return }
                if packet.request == .ping {
                    // Pings are answered here, so a test slowed by a busy
                    // machine never meets the read timeout.
                    loop.execute { if !self.closed { self.onFrame(ScriptedTransport.reply(xid: SpecialXid.ping, zxid: 0)) } }
                    return
                }
                inbound = .request(packet)
            } else {
                guard let connect = try? ConnectRequest(decoding: payload) else { return }
                handshaken = true
                inbound = .connect(connect)
            }
            transport.log.withLockedValue { $0.append((number, inbound)) }
            let (replies, hangUp) = transport.script(number, inbound)
            loop.execute {
                for reply in replies where !self.closed { self.onFrame(reply) }
                if hangUp { self.close() }
            }
        }

        func flush() {}

        func close() {
            guard !closed else { return }
            closed = true
            loop.execute { self.onClose() }
        }
    }

    func connect(to host: ZKHost, on loop: any EventLoop, timeout: TimeAmount,
                 onFrame: @escaping @Sendable (ByteBuffer) -> Void,
                 onClose: @escaping @Sendable () -> Void) -> EventLoopFuture<any ZKTransportConnection> {
        let number = counter.withLockedValue { $0 += 1; return $0 }
        return loop.makeSucceededFuture(Connection(number: number, loop: loop, transport: self, onFrame: onFrame, onClose: onClose))
    }

    static func reply(xid: Int32, zxid: Int64 = 1, err: ZKError = .ok, _ body: ZKResponse? = nil) -> ByteBuffer {
        var buffer = ByteBuffer()
        ReplyHeader(xid: xid, zxid: zxid, err: err).encode(to: &buffer)
        body?.encode(to: &buffer)
        return buffer
    }

    static func granted(_ id: Int64, timeoutMs: Int32 = 10_000) -> ByteBuffer {
        ConnectResponse(timeOut: timeoutMs, sessionId: id, passwd: JuteBytes(Array(repeating: 3, count: 16))).encoded()
    }
}

/// ZooKeeperSession, its driver and timers, over the scripted transport.
@Suite("ZooKeeperSession over a scripted transport")
struct ScriptedTransportTests {
    static let stat = Stat(czxid: 1, mzxid: 2, ctime: 0, mtime: 0, version: 4, cversion: 0, aversion: 0,
                           ephemeralOwner: 0, dataLength: 1, numChildren: 0, pzxid: 1)

    func configuration(_ transport: ScriptedTransport) -> ZooKeeperSession.Configuration {
        var configuration = ZooKeeperSession.Configuration()
        configuration.transport = transport
        configuration.sessionTimeout = .seconds(10)
        configuration.reconnectBackoff = .milliseconds(10)
        configuration.shuffleHosts = false
        return configuration
    }

    @Test func repliesAnsweredOutOfOrderReachTheirOwnCallers() async throws {
        // The server holds getData /a until /b's request arrives, then
        // answers /b first.
        let held = NIOLockedValueBox<Int32?>(nil)
        let transport = ScriptedTransport { _, inbound in
            switch inbound {
            case .connect: return ([ScriptedTransport.granted(1)], false)
            case .request(let packet):
                guard case .getData(let get) = packet.request else { return ([], false) }
                if get.path == "/a" {
                    held.withLockedValue { $0 = packet.xid }
                    return ([], false)
                }
                let first = held.withLockedValue { $0 } ?? 0
                return ([ScriptedTransport.reply(xid: packet.xid, .getData(GetDataResponse(data: "b", stat: Self.stat))),
                         ScriptedTransport.reply(xid: first, .getData(GetDataResponse(data: "a", stat: Self.stat)))], false)
            }
        }
        let zk = try await ZooKeeperSession.connect("h:1", configuration: configuration(transport))
        async let a = zk.getData("/a")
        // /b is asked only once the server holds /a.
        try await waitFor { held.withLockedValue { $0 } != nil }
        async let b = zk.getData("/b")
        #expect(try await a.data == Array("a".utf8))
        #expect(try await b.data == Array("b".utf8))
        await zk.close()
    }

    @Test func aDroppedConnectionReconnectsWithTheSessionAndReRegistersWatches() async throws {
        let transport = ScriptedTransport { connection, inbound in
            switch inbound {
            case .connect:
                return ([ScriptedTransport.granted(0x77)], false)
            case .request(let packet):
                switch packet.request {
                case .getData:
                    // Answer, then drop the first connection.
                    return ([ScriptedTransport.reply(xid: packet.xid, zxid: 30, .getData(GetDataResponse(data: "x", stat: Self.stat)))], connection == 1)
                case .setWatches:
                    // The re-registered watch fires at once: the node changed while away.
                    var event = ByteBuffer()
                    ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: .ok).encode(to: &event)
                    WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/w").encode(to: &event)
                    return ([ScriptedTransport.reply(xid: SpecialXid.setWatches, zxid: 31), event], false)
                case .closeSession:
                    return ([ScriptedTransport.reply(xid: packet.xid)], true)
                default:
                    return ([ScriptedTransport.reply(xid: packet.xid)], false)
                }
            }
        }
        let zk = try await ZooKeeperSession.connect("h1:1,h2:2", configuration: configuration(transport))
        let (_, watch) = try await zk.getDataAndWatch("/w")
        let event = await watch.next()
        #expect(event == WatchedEvent(type: .nodeDataChanged, state: .syncConnected, path: "/w"))
        let log = transport.log.withLockedValue { $0 }
        let reconnect = log.compactMap { entry -> ConnectRequest? in
            if entry.0 == 2, case .connect(let request) = entry.1 { return request } else { return nil }
        }.first
        #expect(reconnect?.sessionId == 0x77)
        #expect(reconnect?.lastZxidSeen == 30)
        #expect(reconnect?.passwd.bytes == Array(repeating: 3, count: 16))
        let setWatches = log.compactMap { entry -> SetWatches? in
            if case .request(let packet) = entry.1, case .setWatches(let s) = packet.request { return s } else { return nil }
        }
        #expect(setWatches == [SetWatches(relativeZxid: 30, dataWatches: ["/w"], existWatches: [], childWatches: [])])
        #expect(zk.currentServer == ZKHost(host: "h2", port: 2))
        await zk.close()
    }

    @Test func anExpiredSessionFailsPendingCallsAndStopsReconnecting() async throws {
        let transport = ScriptedTransport { connection, inbound in
            switch inbound {
            case .connect:
                // The first connection gets a session; the second learns it expired.
                if connection == 1 { return ([ScriptedTransport.granted(0x99)], false) }
                return ([ConnectResponse(timeOut: 0, sessionId: 0, passwd: JuteBytes(Array(repeating: 0, count: 16))).encoded()], true)
            case .request(let packet):
                if case .sync = packet.request { return ([], true) }  // never answered: the connection drops
                return ([ScriptedTransport.reply(xid: packet.xid, .exists(ExistsResponse(stat: Self.stat)))], false)
            }
        }
        let zk = try await ZooKeeperSession.connect("h:1", configuration: configuration(transport))
        let (_, watch) = try await zk.existsAndWatch("/w")
        let lost = await #expect(throws: ZooKeeperError.self) { try await zk.sync("/") }
        #expect(lost?.code == .connectionLoss)
        try await waitFor { zk.state == .expired }
        #expect(await watch.next() == nil)
        let refused = await #expect(throws: ZooKeeperError.self) { try await zk.exists("/w") }
        #expect(refused?.code == .sessionExpired)
        try await Task.sleep(for: .milliseconds(200))
        let connects = transport.log.withLockedValue { log in log.filter { if case .connect = $0.1 { return true } else { return false } }.count }
        #expect(connects == 2)
        await zk.close()
    }

    func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
