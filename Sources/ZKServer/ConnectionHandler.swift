import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZKProtocol
import ZKServerCore

/// One client connection on its event loop: recognises four-letter words,
/// cuts frames, decodes them and hands them to the state loop in batches.
/// Replies are written by the state loop.
final class ConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        /// Nothing read yet: the first four bytes may be a four-letter word.
        case fresh
        /// Waiting for the ConnectRequest.
        case handshake
        case established
        /// A four-letter word is being answered, or the connection is failing.
        case done
    }

    private let id: ConnectionID
    private let stateLoop: StateLoop
    private let settings: ConnectionSettings
    private let logger: Logger
    private var phase = Phase.fresh
    private var inbound = ByteBuffer()
    private var batch: [InboundEvent] = []
    private var stmkMask: Int64?
    private var argument = ""
    private var inputClosed = false
    private var sessionlessTimer: Scheduled<Void>?

    init(id: ConnectionID, stateLoop: StateLoop, settings: ConnectionSettings, logger: Logger) {
        self.id = id
        self.stateLoop = stateLoop
        self.settings = settings
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = ClientAddress(context.channel.remoteAddress)
        stateLoop.opened(id, channel: context.channel, address: address)
        // A connection that never sends its ConnectRequest is closed after
        // sessionlessCnxnTimeout.
        if settings.sessionlessTimeoutMillis > 0 {
            let channel = context.channel
            let logger = self.logger
            let id = self.id
            sessionlessTimer = context.eventLoop.scheduleTask(in: .milliseconds(settings.sessionlessTimeoutMillis)) {
                logger.info("closing connection \(id) from \(address.display): no ConnectRequest within sessionlessCnxnTimeout")
                channel.close(promise: nil)
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sessionlessTimer?.cancel()
        stateLoop.closed(id)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        do {
            try drain(context: context)
        } catch {
            fail(context: context, reason: "\(error)")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !batch.isEmpty {
            stateLoop.handle(id, batch)
            batch.removeAll(keepingCapacity: true)
        }
        inbound.discardReadBytes()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client shut its sending side. A four-letter word is still being
        // answered (netcat does this); anything else is over.
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if phase == .fresh, inbound.readableBytes >= 4 {
                // A word whose argument ended with the input.
                do { try drain(context: context) } catch { fail(context: context, reason: "\(error)") }
            }
            if phase != .done { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection \(id): \(error)")
        context.close(promise: nil)
    }

    private func drain(context: ChannelHandlerContext) throws {
        if phase == .fresh {
            guard let first = inbound.getBytes(at: inbound.readerIndex, length: 4) else { return }
            if let word = FourLetterWord(firstBytes: first) {
                sessionlessTimer?.cancel()
                if word == .stmk {
                    guard inbound.readableBytes >= 12 else { return }
                    stmkMask = inbound.getInteger(at: inbound.readerIndex + 4, as: Int64.self)
                }
                if word.takesArgument {
                    // The argument runs to a newline, or to the client's EOF.
                    let rest = inbound.getBytes(at: inbound.readerIndex + 4, length: inbound.readableBytes - 4) ?? []
                    guard let end = rest.firstIndex(of: 0x0a) ?? (inputClosed ? rest.count : nil) else {
                        guard rest.count < 256 else { throw JuteError.invalidFrameLength(Int32(rest.count)) }
                        return
                    }
                    argument = String(decoding: rest[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                }
                phase = .done
                inbound.clear()
                answer(word, context: context)
                return
            }
            phase = .handshake
        }
        while phase == .handshake || phase == .established {
            guard let frame = try Framing.nextFrame(from: &inbound, maxBufferBytes: settings.maxBufferBytes) else { return }
            if phase == .handshake {
                let request = try ConnectRequest(decoding: frame)
                batch.append(.connect(request))
                phase = .established
                sessionlessTimer?.cancel()
                sessionlessTimer = nil
            } else {
                var reader = JuteReader(frame)
                let header = try RequestHeader(from: &reader)
                let body: Result<ZKRequest, JuteError>
                do {
                    body = .success(try ZKRequest(opCode: header.type, from: &reader))
                } catch {
                    body = .failure(error)
                }
                batch.append(.request(xid: header.xid, opCode: header.type, body: body,
                                      receivedNanos: NIODeadline.now().uptimeNanoseconds))
            }
        }
    }

    private func fail(context: ChannelHandlerContext, reason: String) {
        guard phase != .done else { return }
        phase = .done
        logger.warning("closing connection \(id) from \(ClientAddress(context.channel.remoteAddress).display): \(reason)")
        // Requests decoded before the bad frame still get their replies.
        if !batch.isEmpty {
            stateLoop.handle(id, batch)
            batch.removeAll()
        }
        context.close(promise: nil)
    }

    private func answer(_ word: FourLetterWord, context: ChannelHandlerContext) {
        logger.info("four-letter word \(word.rawValue) from \(ClientAddress(context.channel.remoteAddress).display)")
        let channel = context.channel
        let reply: EventLoopFuture<String>
        if !settings.fourLetterWords.contains(word.rawValue) {
            reply = channel.eventLoop.makeSucceededFuture(word.notWhitelistedText)
        } else {
            switch word {
            case .ruok: reply = channel.eventLoop.makeSucceededFuture("imok")
            case .isro: reply = channel.eventLoop.makeSucceededFuture("rw")
            case .envi: reply = channel.eventLoop.makeSucceededFuture(EnvironmentText.make(version: settings.versionString))
            case .conf: reply = channel.eventLoop.makeSucceededFuture(settings.confText)
            case .expi, .clip:
                if settings.adminActionsEnabled {
                    reply = stateLoop.adminAction(id, word, argument: argument)
                } else {
                    reply = channel.eventLoop.makeSucceededFuture("\(word.rawValue) is disabled: set adminActions.enabled=true in zoo.cfg to allow it.\n")
                }
            case .dirs: reply = channel.eventLoop.makeSucceededFuture(settings.directorySizes())
            case .hash: reply = channel.eventLoop.makeSucceededFuture("")
            case .gtmk: reply = channel.eventLoop.makeSucceededFuture("\(traceMask.withLockedValue { $0 })")
            case .stmk:
                // The mask follows the word as an 8-byte integer.
                let mask = stmkMask ?? traceMask.withLockedValue { $0 }
                traceMask.withLockedValue { $0 = mask }
                reply = channel.eventLoop.makeSucceededFuture("\(mask)")
            default:
                reply = stateLoop.fourLetterText(id, word, process: settings.processFigures())
            }
        }
        reply.hop(to: channel.eventLoop).whenComplete { result in
            let text = (try? result.get()) ?? ""
            var buffer = channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// The trace mask `gtmk` and `stmk` read and set (Apache's default text
/// trace level: requests, server packets, sessions and warnings).
let traceMask = NIOLockedValueBox<Int64>(306)

/// The per-connection settings from zoo.cfg.
struct ConnectionSettings: Sendable {

    /// `dirs`: bytes in the data and log directories.
    func directorySizes() -> String {
        "datadir_size: \(Self.size(of: dataDir + "/version-2"))\nlogdir_size: \(Self.size(of: dataLogDir + "/version-2"))\n"
    }

    static func size(of directory: String) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.reduce(0) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// The process figures `mntr` adds to the core's.
    func processFigures() -> [(String, String)] {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 0
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let uptime = ServerClock.wallMillis() - startedWallMillis
        return [
            ("zk_open_file_descriptor_count", "\(open)"),
            ("zk_max_file_descriptor_count", "\(limit.rlim_cur)"),
            ("zk_uptime", "\(uptime)"),
            ("zk_data_dir_size", "\(Self.size(of: dataDir + "/version-2"))"),
        ]
    }

    var maxBufferBytes: Int
    var fourLetterWords: Set<String>
    var versionString: String
    /// The answer to `conf`.
    var confText: String
    /// `sessionlessCnxnTimeout` in ms; 0 turns it off.
    var sessionlessTimeoutMillis: Int64
    var dataDir: String
    var dataLogDir: String
    var startedWallMillis: Int64
    /// `adminActions.enabled`: allows expi and clip.
    var adminActionsEnabled = false
}

extension ClientAddress {
    /// The address of a peer in its natural form: IPv4-mapped IPv6 addresses
    /// become plain IPv4.
    init(_ address: SocketAddress?) {
        guard let address else {
            self.init(bytes: [], host: "unknown", port: 0)
            return
        }
        let port = address.port ?? 0
        switch address {
        case .v4(let v4):
            // sin_addr holds the address in network order: its bytes are a.b.c.d.
            let bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
            self.init(bytes: bytes, host: bytes.map(String.init).joined(separator: "."), port: port)
        case .v6(let v6):
            var addr = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &addr) { Array($0) }
            if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                let v4 = Array(bytes[12..<16])
                self.init(bytes: v4, host: v4.map(String.init).joined(separator: "."), port: port)
            } else {
                self.init(bytes: bytes, host: address.ipAddress ?? "?", port: port)
            }
        case .unixDomainSocket:
            self.init(bytes: [], host: "unix", port: 0)
        }
    }
}
