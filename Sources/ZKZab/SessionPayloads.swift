import NIOCore
import ZKProtocol

/// One session touch a learner reports in its PING reply: the session and its
/// timeout in milliseconds.
public struct SessionTouch: Hashable, Sendable {
    public var sessionId: Int64
    public var timeoutMs: Int32

    public init(sessionId: Int64, timeoutMs: Int32) {
        self.sessionId = sessionId
        self.timeoutMs = timeoutMs
    }
}

/// PING. The leader's has no data (null); the learner echoes its type and
/// zxid with the sessions touched since the last ping, 12 bytes each
/// (`Learner.ping`, read back by `LearnerHandler` until the data ends).
public struct Ping: Hashable, Sendable {
    /// Bytes per touch: long session id, int timeout.
    public static let touchBytes = 12

    public var zxid: Int64
    public var touches: [SessionTouch]

    public init(zxid: Int64, touches: [SessionTouch]) {
        self.zxid = zxid
        self.touches = touches
    }

    /// The leader's ping: zxid is its last proposed zxid, data and auth null.
    public static func fromLeader(lastProposedZxid: Int64) -> QuorumPacket {
        QuorumPacket(.ping, zxid: lastProposedZxid)
    }

    /// The learner's reply: the touches as data (empty, not null, when there
    /// are none), and the leader ping's auth ids echoed back.
    public func reply(echoing authinfo: [Id]? = nil) -> QuorumPacket {
        var data = ByteBuffer()
        data.reserveCapacity(touches.count * Self.touchBytes)
        for touch in touches {
            data.writeInteger(touch.sessionId, endianness: .big)
            data.writeInteger(touch.timeoutMs, endianness: .big)
        }
        return QuorumPacket(.ping, zxid: zxid, data: JuteBytes(Array(data.readableBytesView)), authinfo: authinfo)
    }

    /// Reads either side's PING. Data that is not a whole number of touches
    /// is refused (Apache's leader drops the learner on it).
    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .ping else {
            throw .invalidValue(message: "Ping", field: "type", value: Int64(packet.type))
        }
        let data = packet.data.bytesOrEmpty
        var reader = WireReader(data, "Ping")
        var touches: [SessionTouch] = []
        touches.reserveCapacity(data.count / Self.touchBytes)
        while reader.remaining > 0 {
            let sessionId = try reader.readLong("sessionId")
            let timeoutMs = try reader.readInt("timeout")
            touches.append(SessionTouch(sessionId: sessionId, timeoutMs: timeoutMs))
        }
        self.zxid = packet.zxid
        self.touches = touches
    }
}

/// REVALIDATE from a learner: may `sessionId` (with this timeout) be served
/// by me? The zxid is -1.
public struct RevalidateRequest: Hashable, Sendable {
    public var sessionId: Int64
    public var timeoutMs: Int32

    public init(sessionId: Int64, timeoutMs: Int32) {
        self.sessionId = sessionId
        self.timeoutMs = timeoutMs
    }

    public var packet: QuorumPacket {
        var data = ByteBuffer()
        data.writeInteger(sessionId, endianness: .big)
        data.writeInteger(timeoutMs, endianness: .big)
        return QuorumPacket(.revalidate, zxid: -1, data: JuteBytes(Array(data.readableBytesView)))
    }

    /// Reads the request as `Leader.revalidateSession` does (extra bytes are
    /// ignored there and here).
    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .revalidate else {
            throw .invalidValue(message: "RevalidateRequest", field: "type", value: Int64(packet.type))
        }
        var reader = WireReader(packet.data.bytesOrEmpty, "RevalidateRequest")
        sessionId = try reader.readLong("sessionId")
        timeoutMs = try reader.readInt("timeout")
    }
}

/// REVALIDATE from the leader: the answer. Apache reuses the request packet,
/// so the zxid and auth ids are the request's; the data becomes the session
/// id and a one-byte boolean.
public struct RevalidateResponse: Hashable, Sendable {
    public var sessionId: Int64
    public var valid: Bool

    public init(sessionId: Int64, valid: Bool) {
        self.sessionId = sessionId
        self.valid = valid
    }

    /// The answer to `request` (whose zxid and auth ids it keeps).
    public func packet(answering request: QuorumPacket) -> QuorumPacket {
        var data = ByteBuffer()
        data.writeInteger(sessionId, endianness: .big)
        data.writeInteger(valid ? 1 : 0, as: UInt8.self)
        return QuorumPacket(type: QuorumPacketType.revalidate.rawValue, zxid: request.zxid,
                            data: JuteBytes(Array(data.readableBytesView)), authinfo: request.authinfo)
    }

    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .revalidate else {
            throw .invalidValue(message: "RevalidateResponse", field: "type", value: Int64(packet.type))
        }
        var reader = WireReader(packet.data.bytesOrEmpty, "RevalidateResponse")
        sessionId = try reader.readLong("sessionId")
        valid = try reader.readBool("valid")
    }
}

/// REQUEST: a client request a learner forwards to the leader
/// (`Learner.request`): session id, cxid, operation type, then the client's
/// request record bytes unchanged (none for some types); the client's auth
/// ids ride in `authinfo`. The zxid is -1.
public struct ForwardedRequest: Hashable, Sendable {
    public var sessionId: Int64
    public var cxid: Int32
    public var type: OpCode
    /// The request record as the client sent it (after RequestHeader).
    public var request: [UInt8]
    public var authinfo: [Id]?

    public init(sessionId: Int64, cxid: Int32, type: OpCode, request: [UInt8], authinfo: [Id]?) {
        self.sessionId = sessionId
        self.cxid = cxid
        self.type = type
        self.request = request
        self.authinfo = authinfo
    }

    public var packet: QuorumPacket {
        var data = ByteBuffer()
        data.reserveCapacity(16 + request.count)
        data.writeInteger(sessionId, endianness: .big)
        data.writeInteger(cxid, endianness: .big)
        data.writeInteger(type.code, endianness: .big)
        data.writeBytes(request)
        return QuorumPacket(.request, zxid: -1, data: JuteBytes(Array(data.readableBytesView)), authinfo: authinfo)
    }

    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .request else {
            throw .invalidValue(message: "ForwardedRequest", field: "type", value: Int64(packet.type))
        }
        var reader = WireReader(packet.data.bytesOrEmpty, "ForwardedRequest")
        sessionId = try reader.readLong("sessionId")
        cxid = try reader.readInt("cxid")
        type = OpCode(code: try reader.readInt("type"))
        request = reader.readRest()
        authinfo = packet.authinfo
    }
}
