import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZKProtocol
import ZKServerCore

/// The first handler of a client connection. It looks at the first four
/// bytes: a four-letter word is answered here and the connection closed;
/// anything else is passed on, and the handler leaves the pipeline.
///
/// A word is answered from the bytes at hand, as Apache does: `stmk`
/// without its 8-byte mask in the same read is closed unanswered, and bytes
/// after a word are ignored. The admin words (`expi`, `clip`) take their
/// argument up to a newline, or else what the first read holds (`echo expi
/// 0x1 | nc` sends it whole); nothing waits for more bytes, so an unfinished
/// word ties up no connection (Apache closes its equivalents at once). Once
/// a word is recognised the connection closes within `answerDeadline`
/// whatever the client does.
final class FourLetterWordHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The longest a recognised word keeps its connection open, answer included.
    static let answerDeadline = TimeAmount.seconds(10)
    /// The longest argument line, in bytes; a longer one closes unanswered.
    static let maxArgumentBytes = 256

    private enum State {
        /// Fewer than four bytes so far.
        case sniffing
        /// A word whose mask or argument may still be arriving.
        case waiting(FourLetterWord)
        /// Answered (or being answered); the connection is closing.
        case answered
    }

    private let id: ConnectionID
    private let stateLoop: StateLoop
    private let settings: ConnectionSettings
    private let logger: Logger
    private var state = State.sniffing
    /// At most the first four bytes, or a word's mask or argument.
    private var inbound = ByteBuffer()
    private var deadline: Scheduled<Void>?

    init(id: ConnectionID, stateLoop: StateLoop, settings: ConnectionSettings, logger: Logger) {
        self.id = id
        self.stateLoop = stateLoop
        self.settings = settings
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch state {
        case .answered:
            return  // ignored: the answer is on its way
        case .waiting(let word):
            take(&bytes)
            continueWord(word, context: context, endOfRead: false)
        case .sniffing:
            inbound.writeBuffer(&bytes)
            guard let first = inbound.getBytes(at: inbound.readerIndex, length: 4) else { return }
            guard let word = FourLetterWord(firstBytes: first) else {
                // A ZooKeeper client: hand over what was read and step aside.
                context.fireChannelRead(wrapInboundOut(inbound))
                inbound = ByteBuffer()
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
            inbound.moveReaderIndex(forwardBy: 4)
            let channel = context.channel
            let logger = self.logger
            deadline = context.eventLoop.scheduleTask(in: Self.answerDeadline) {
                logger.info("closing four-letter-word connection from \(ClientAddress(channel.remoteAddress).display): not done within \(Self.answerDeadline)")
                channel.close(promise: nil)
            }
            continueWord(word, context: context, endOfRead: false)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .waiting(let word) = state {
            continueWord(word, context: context, endOfRead: true)
        } else if case .sniffing = state {
            context.fireChannelReadComplete()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .sniffing:
            context.fireUserInboundEventTriggered(event)
        case .waiting(let word):
            // The client's EOF ends an argument; a mask cut short stays unanswered.
            if word == .stmk {
                closeUnanswered(context: context, reason: "stmk without its 8-byte mask")
            } else {
                answer(word, argument: argumentText(upTo: inbound.readableBytes), mask: nil, context: context)
            }
        case .answered:
            break  // netcat shuts its side after the word: the answer still goes out
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    /// Keeps a word's pending bytes: at most one more than the longest
    /// argument (which also covers stmk's 8-byte mask).
    private func take(_ bytes: inout ByteBuffer) {
        let room = Self.maxArgumentBytes + 1 - inbound.readableBytes
        if room > 0, let slice = bytes.readSlice(length: min(room, bytes.readableBytes)) {
            var slice = slice
            inbound.writeBuffer(&slice)
        }
    }

    private func continueWord(_ word: FourLetterWord, context: ChannelHandlerContext, endOfRead: Bool) {
        switch word {
        case .stmk:
            if let mask = inbound.getInteger(at: inbound.readerIndex, as: Int64.self) {
                answer(word, argument: "", mask: mask, context: context)
            } else if endOfRead {
                closeUnanswered(context: context, reason: "stmk without its 8-byte mask")
            } else {
                state = .waiting(word)
            }
        case .expi, .clip:
            let rest = inbound.readableBytesView
            if let newline = rest.firstIndex(of: 0x0a) {
                answer(word, argument: argumentText(upTo: newline - rest.startIndex), mask: nil, context: context)
            } else if rest.count > Self.maxArgumentBytes {
                closeUnanswered(context: context, reason: "\(word.rawValue) argument longer than \(Self.maxArgumentBytes) bytes")
            } else if endOfRead {
                answer(word, argument: argumentText(upTo: rest.count), mask: nil, context: context)
            } else {
                state = .waiting(word)
            }
        default:
            answer(word, argument: "", mask: nil, context: context)
        }
    }

    private func argumentText(upTo length: Int) -> String {
        let bytes = inbound.getBytes(at: inbound.readerIndex, length: length) ?? []
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func closeUnanswered(context: ChannelHandlerContext, reason: String) {
        state = .answered
        inbound = ByteBuffer()
        logger.info("closing four-letter-word connection from \(ClientAddress(context.channel.remoteAddress).display): \(reason)")
        context.close(promise: nil)
    }

    private func answer(_ word: FourLetterWord, argument: String, mask: Int64?, context: ChannelHandlerContext) {
        state = .answered
        inbound = ByteBuffer()
        logger.info("four-letter word \(word.rawValue) from \(ClientAddress(context.channel.remoteAddress).display)")
        let channel = context.channel
        let reply = text(for: word, argument: argument, mask: mask, eventLoop: channel.eventLoop)
        reply.hop(to: channel.eventLoop).whenComplete { result in
            let text = (try? result.get()) ?? ""
            var buffer = channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func text(for word: FourLetterWord, argument: String, mask: Int64?, eventLoop: EventLoop) -> EventLoopFuture<String> {
        guard settings.fourLetterWords.contains(word.rawValue) else {
            return eventLoop.makeSucceededFuture(word.notWhitelistedText)
        }
        switch word {
        case .ruok: return eventLoop.makeSucceededFuture("imok")
        case .isro: return eventLoop.makeSucceededFuture("rw")
        case .envi: return eventLoop.makeSucceededFuture(EnvironmentText.make(version: settings.versionString))
        case .conf: return eventLoop.makeSucceededFuture(settings.confText)
        case .expi, .clip:
            guard settings.adminActionsEnabled else {
                return eventLoop.makeSucceededFuture("\(word.rawValue) is disabled: set adminActions.enabled=true in zoo.cfg to allow it.\n")
            }
            return stateLoop.adminAction(id, word, argument: argument)
        case .dirs: return settings.directorySizes(on: eventLoop)
        case .hash: return eventLoop.makeSucceededFuture("")
        case .gtmk: return eventLoop.makeSucceededFuture("\(traceMask.withLockedValue { $0 })")
        case .stmk:
            let mask = mask ?? traceMask.withLockedValue { $0 }
            traceMask.withLockedValue { $0 = mask }
            return eventLoop.makeSucceededFuture("\(mask)")
        case .mntr:
            return settings.processFigures(on: eventLoop).flatMap { [stateLoop, id] figures in
                stateLoop.fourLetterText(id, word, process: figures)
            }
        default:
            return stateLoop.fourLetterText(id, word, process: [])
        }
    }
}

/// The trace mask `gtmk` and `stmk` read and set (Apache's default text
/// trace level: requests, server packets, sessions and warnings).
let traceMask = NIOLockedValueBox<Int64>(306)
