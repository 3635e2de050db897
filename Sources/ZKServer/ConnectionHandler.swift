import Logging
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

    init(id: ConnectionID, stateLoop: StateLoop, settings: ConnectionSettings, logger: Logger) {
        self.id = id
        self.stateLoop = stateLoop
        self.settings = settings
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = ClientAddress(context.channel.remoteAddress)
        stateLoop.opened(id, channel: context.channel, address: address)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
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
        if let event = event as? ChannelEvent, event == .inputClosed, phase != .done {
            context.close(promise: nil)
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
            case .srvr: reply = stateLoop.statusText(id, withClients: false)
            case .stat: reply = stateLoop.statusText(id, withClients: true)
            default: reply = channel.eventLoop.makeSucceededFuture("\(word.rawValue) is not yet supported by SwiftZK.\n")
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

/// The per-connection settings from zoo.cfg.
struct ConnectionSettings: Sendable {
    var maxBufferBytes: Int
    var fourLetterWords: Set<String>
    var versionString: String
    /// The answer to `conf`.
    var confText: String
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
