import BenchFixtures
import Benchmark
import NIOCore
import ZKProtocol

// Jute encoding and decoding of the packets a read/write workload is made
// of, and cutting frames off a read buffer. Figures are per packet.
let benchmarks: @Sendable () -> Void = {
    BenchConfig.install()
    let perPacket = BenchConfig.perOperation(.kilo)

    let key = JuteBytes(BenchFixtures.keyPath(123))
    let getData = RequestPacket(xid: 42, request: .getData(GetDataRequest(path: key, watch: true)))
    let setData = RequestPacket(
        xid: 43, request: .setData(SetDataRequest(path: key, data: JuteBytes(BenchFixtures.value()), version: 7)))
    let replyHeader = ReplyHeader(xid: 42, zxid: 0x1_0000_2711, err: .ok)
    let stat = Stat(
        czxid: 0x1_0000_007c, mzxid: 0x1_0000_2711, ctime: 1_764_000_000_123, mtime: 1_764_000_456_789,
        version: 7, cversion: 0, aversion: 0, ephemeralOwner: 0, dataLength: Int32(BenchFixtures.valueBytes),
        numChildren: 0, pzxid: 0x1_0000_007c)
    let getDataReply = GetDataResponse(data: JuteBytes(BenchFixtures.value()), stat: stat)

    // Decoding as ConnectionHandler does: RequestHeader, then the body its opcode selects.
    func decodeRequest(_ frame: ByteBuffer) {
        var reader = JuteReader(frame)
        guard let header = try? RequestHeader(from: &reader) else { fatalError("bad RequestHeader") }
        blackHole(try? ZKRequest(opCode: header.type, from: &reader))
    }

    let getDataFrame = getData.encoded()
    Benchmark("Jute decode getData request", configuration: perPacket) { benchmark in
        for _ in benchmark.scaledIterations { decodeRequest(getDataFrame) }
    }

    let setDataFrame = setData.encoded()
    Benchmark("Jute decode setData request (100 B)", configuration: perPacket) { benchmark in
        for _ in benchmark.scaledIterations { decodeRequest(setDataFrame) }
    }

    // As a client reads a reply: ReplyHeader, then the body for the opcode it sent.
    var replyFrame = ByteBuffer()
    replyHeader.encode(to: &replyFrame)
    getDataReply.encode(to: &replyFrame)
    Benchmark("Jute decode getData reply (100 B + Stat)", configuration: perPacket) { benchmark in
        for _ in benchmark.scaledIterations {
            var reader = JuteReader(replyFrame)
            guard let header = try? ReplyHeader(from: &reader) else { fatalError("bad ReplyHeader") }
            blackHole(header)
            blackHole(try? ZKResponse(opCode: .getData, from: &reader))
        }
    }

    // Encoding into one reused buffer, length prefix included, so the
    // figures are the codec's and not the allocator's.
    Benchmark("Jute encode getData request", configuration: perPacket) { benchmark in
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            Framing.writeFrame(getData, into: &buffer)
            blackHole(buffer.writerIndex)
        }
    }

    Benchmark("Jute encode setData request (100 B)", configuration: perPacket) { benchmark in
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            Framing.writeFrame(setData, into: &buffer)
            blackHole(buffer.writerIndex)
        }
    }

    // As StateLoop.encode writes a `.reply(header, body)`.
    let reply = ZKResponse.getData(getDataReply)
    Benchmark("Jute encode getData reply (100 B + Stat)", configuration: perPacket) { benchmark in
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            Framing.writeFrame(into: &buffer) { frame in
                replyHeader.encode(to: &frame)
                reply.encode(to: &frame)
            }
            blackHole(buffer.writerIndex)
        }
    }

    // One read burst of 1,000 pipelined getData frames, cut up as FrameDecoder does.
    var burst = ByteBuffer()
    for xid in 0..<1_000 {
        Framing.writeFrame(RequestPacket(xid: Int32(xid), request: getData.request), into: &burst)
    }
    Benchmark("Framing.nextFrame (1,000 getData frames per read)", configuration: perPacket) { benchmark in
        var inbound = burst
        var frames = 0
        while let frame = try? Framing.nextFrame(from: &inbound, maxBufferBytes: Framing.defaultMaxBufferBytes) {
            blackHole(frame)
            frames += 1
        }
        precondition(frames == benchmark.scaledIterations.count, "cut \(frames) frames")
    }
}
