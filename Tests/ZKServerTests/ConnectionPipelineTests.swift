import Foundation
import NIOCore
import NIOPosix
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import ZKServer
import ZKProtocol
import ZKServerCore

@Suite struct RequestDecoderTests {
    @Test func verifierAcceptsRequestFramesCutAnywhere() throws {
        let exists = ZKRequest.exists(ExistsRequest(path: "/a", watch: true))
        let pairs: [(ByteBuffer, [DecodedFrame])] = [
            (Frames.request(xid: 1, exists), [.request(xid: 1, opCode: .exists, body: .success(exists))]),
            (Frames.request(xid: -2, .ping), [.request(xid: -2, opCode: .ping, body: .success(.ping))]),
            (Frames.request(xid: 3, exists) + Frames.request(xid: 4, .ping),
             [.request(xid: 3, opCode: .exists, body: .success(exists)), .request(xid: 4, opCode: .ping, body: .success(.ping))]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            RequestDecoder(maxFrameBytes: 0xfffff, expectingConnectRequest: false)
        }
    }

    @Test func theFirstFrameIsTheConnectRequest() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestDecoder(maxFrameBytes: 0xfffff)))
        try channel.writeInbound(Frames.connect() + Frames.exists(xid: 1))
        guard case .connect(let request) = try channel.readInbound(as: DecodedFrame.self) else {
            Issue.record("no ConnectRequest")
            return
        }
        #expect(request.timeOut == 30000)
        #expect(try channel.readInbound(as: DecodedFrame.self)
                == .request(xid: 1, opCode: .exists, body: .success(.exists(ExistsRequest(path: "/", watch: false)))))
    }

    @Test func anUndecodableBodyIsAFailureResultNotAnError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestDecoder(maxFrameBytes: 0xfffff, expectingConnectRequest: false)))
        var frame = ByteBuffer()
        Framing.writeFrame(into: &frame) { buffer in
            RequestHeader(xid: 7, type: .getData).encode(to: &buffer)
            buffer.writeInteger(Int32(1000))  // a path length with no path after it
        }
        try channel.writeInbound(frame)
        guard case .request(7, .getData, .failure) = try channel.readInbound(as: DecodedFrame.self) else {
            Issue.record("expected a failure result for xid 7")
            return
        }
    }

    @Test func aLengthOverJuteMaxBufferIsRefusedBeforeItsPayload() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestDecoder(maxFrameBytes: 1000, expectingConnectRequest: false)))
        var prefix = ByteBuffer()
        prefix.writeInteger(Int32(1001))  // the length alone, no payload yet
        #expect(throws: JuteError.frameTooLarge(length: 1001, limit: 1000)) { try channel.writeInbound(prefix) }
    }
}

@Suite struct FourLetterWordHandlerTests {
    @Test func aWordIsAnsweredAndTheConnectionClosed() throws {
        let fixture = try PipelineFixture()
        try fixture.send(ByteBuffer(string: "ruok"))
        #expect(try fixture.written() == ByteBuffer(string: "imok"))
        #expect(!fixture.channel.isActive)
    }

    @Test func bytesAfterAWordAreIgnored() throws {
        let fixture = try PipelineFixture()
        try fixture.send(ByteBuffer(string: "ruok") + ByteBuffer(bytes: (0..<200).map { UInt8($0) }))
        #expect(try fixture.written() == ByteBuffer(string: "imok"))
        #expect(!fixture.channel.isActive)
    }

    @Test func stmkWithItsMaskSetsIt() throws {
        let fixture = try PipelineFixture()
        var bytes = ByteBuffer(string: "stmk")
        bytes.writeInteger(Int64(306))
        try fixture.send(bytes)
        #expect(try fixture.written() == ByteBuffer(string: "306"))
        #expect(!fixture.channel.isActive)
    }

    @Test(arguments: [0, 3, 7])
    func stmkWithoutItsWholeMaskIsClosedUnanswered(maskBytes: Int) throws {
        let fixture = try PipelineFixture()
        try fixture.send(ByteBuffer(string: "stmk") + ByteBuffer(bytes: [UInt8](repeating: 1, count: maskBytes)))
        #expect(try fixture.written().readableBytes == 0)
        #expect(!fixture.channel.isActive)
    }

    @Test func anArgumentWithoutNewlineIsTakenAtTheEndOfTheRead() throws {
        let fixture = try PipelineFixture()
        try fixture.send(ByteBuffer(string: "expi 0x1"))
        #expect(String(buffer: try fixture.written()).hasPrefix("expi is disabled"))
        #expect(!fixture.channel.isActive)
    }

    @Test func anArgumentEndsAtItsNewline() throws {
        let fixture = try PipelineFixture { $0.adminActionsEnabled = true }
        try fixture.send(ByteBuffer(string: "expi 0x1234\n"))
        let text = String(buffer: try fixture.written())
        #expect(text.contains("0x1234"), "\(text)")
        #expect(!fixture.channel.isActive)
    }

    @Test func anArgumentIsWhatTheFirstReadHolds() throws {
        let fixture = try PipelineFixture { $0.adminActionsEnabled = true }
        try fixture.send(ByteBuffer(string: "clip 10."))
        try fixture.send(ByteBuffer(string: "1.2.3\n"))
        let text = String(buffer: try fixture.written())
        #expect(text.contains("closed 0 connections from 10."), "\(text)")
        #expect(!fixture.channel.isActive)
    }

    @Test func anOverlongArgumentClosesUnanswered() throws {
        let fixture = try PipelineFixture { $0.adminActionsEnabled = true }
        try fixture.send(ByteBuffer(string: "expi " + String(repeating: "0", count: 300)))
        #expect(try fixture.written().readableBytes == 0)
        #expect(!fixture.channel.isActive)
    }

    @Test func dirsReadsTheDiskOffTheEventLoop() throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        defer { try? pool.syncShutdownGracefully() }
        let fixture = try PipelineFixture(settings: { $0.dataDir = "/tmp"; $0.dataLogDir = "/tmp" }, pool: pool)
        try fixture.channel.writeInbound(ByteBuffer(string: "dirs"))
        var text = ""
        for _ in 0..<200 where text.isEmpty {
            fixture.channel.embeddedEventLoop.run()
            text = String(buffer: try fixture.written())
            if text.isEmpty { usleep(10_000) }
        }
        #expect(text.hasPrefix("datadir_size: "), "\(text)")
        #expect(text.contains("logdir_size: "), "\(text)")
    }

    @Test func anIncompleteWordNeverOutlivesTheSessionlessTimer() throws {
        let fixture = try PipelineFixture { $0.sessionlessTimeoutMillis = 500 }
        try fixture.send(ByteBuffer(string: "ru"))
        #expect(fixture.channel.isActive)
        fixture.channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        #expect(!fixture.channel.isActive)
    }

    @Test func aWordWithoutItsArgumentIsAnsweredAtTheEndOfItsRead() throws {
        // Without a sessionless timer nothing else would close it: the word
        // is answered from the bytes at hand and the connection closes.
        let fixture = try PipelineFixture { $0.sessionlessTimeoutMillis = 0 }
        try fixture.send(ByteBuffer(string: "clip"))
        #expect(String(buffer: try fixture.written()).hasPrefix("clip is disabled"))
        #expect(!fixture.channel.isActive)
    }

    @Test func aClientIsHandedOnAndTheSnifferLeaves() throws {
        let fixture = try PipelineFixture()
        try fixture.send(Frames.connect() + Frames.exists(xid: 1))
        #expect(try fixture.replyHeaders().map(\.xid) == [1])
        #expect(fixture.channel.isActive)
        #expect((try? fixture.channel.pipeline.syncOperations.handler(type: FourLetterWordHandler.self)) == nil)
    }

    @Test func aClientSendingItsConnectByteByByteIsNotAWord() throws {
        let fixture = try PipelineFixture()
        for byte in (Frames.connect() + Frames.exists(xid: 5)).readableBytesView {
            try fixture.send(ByteBuffer(bytes: [byte]))
        }
        #expect(try fixture.replyHeaders().map(\.xid) == [5])
    }
}

@Suite struct RequestBatcherTests {
    /// The requests decoded before a bad frame reach the core, and the
    /// connection closes. (On a real socket the close usually overtakes
    /// their replies, as with Apache 3.8 and as before the handlers split.)
    @Test func requestsBeforeABadFrameReachTheCoreThenTheConnectionCloses() throws {
        let fixture = try PipelineFixture()
        var bad = ByteBuffer()
        bad.writeInteger(Int32(-1))
        try? fixture.send(Frames.connect() + Frames.exists(xid: 1) + Frames.exists(xid: 2) + bad)
        #expect(try fixture.replyHeaders().map(\.xid) == [1, 2])
        #expect(!fixture.channel.isActive)
    }

    @Test func anUndecodableBodyIsAnsweredWithMarshallingError() throws {
        let fixture = try PipelineFixture()
        var frame = ByteBuffer()
        Framing.writeFrame(into: &frame) { buffer in
            RequestHeader(xid: 9, type: .getData).encode(to: &buffer)
            buffer.writeInteger(Int32(1000))
        }
        try fixture.send(Frames.connect() + frame)
        #expect(try fixture.replyHeaders().map(\.err) == [.marshallingError])
    }

    @Test func noConnectRequestWithinSessionlessTimeoutCloses() throws {
        let fixture = try PipelineFixture { $0.sessionlessTimeoutMillis = 300 }
        try fixture.send(ByteBuffer(bytes: [0, 0, 0]))
        fixture.channel.embeddedEventLoop.advanceTime(by: .milliseconds(300))
        #expect(!fixture.channel.isActive)
    }

    @Test func aConnectRequestCancelsTheSessionlessTimer() throws {
        let fixture = try PipelineFixture { $0.sessionlessTimeoutMillis = 300 }
        try fixture.send(Frames.connect())
        fixture.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(fixture.channel.isActive)
    }
}
