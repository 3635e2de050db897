import NIOCore

/// The first packet of a client connection (`org.apache.zookeeper.proto.ConnectRequest`).
///
/// Clients since 3.4 append a `readOnly` boolean after the schema's fields;
/// older clients omit it. `readOnly` is `nil` when it was absent, so a packet
/// re-encodes to exactly the bytes it was read from.
public struct ConnectRequest: JuteRecord {
    public var protocolVersion: Int32
    public var lastZxidSeen: Int64
    public var timeOut: Int32
    public var sessionId: Int64
    public var passwd: JuteBytes
    public var readOnly: Bool?

    public init(protocolVersion: Int32 = 0, lastZxidSeen: Int64, timeOut: Int32, sessionId: Int64, passwd: JuteBytes, readOnly: Bool? = false) {
        self.protocolVersion = protocolVersion
        self.lastZxidSeen = lastZxidSeen
        self.timeOut = timeOut
        self.sessionId = sessionId
        self.passwd = passwd
        self.readOnly = readOnly
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        protocolVersion = try reader.readInt("ConnectRequest", "protocolVersion")
        lastZxidSeen = try reader.readLong("ConnectRequest", "lastZxidSeen")
        timeOut = try reader.readInt("ConnectRequest", "timeOut")
        sessionId = try reader.readLong("ConnectRequest", "sessionId")
        passwd = try reader.readBytes("ConnectRequest", "passwd")
        readOnly = reader.isAtEnd ? nil : try reader.readBool("ConnectRequest", "readOnly")
    }

    public func encode(to buffer: inout ByteBuffer) {
        buffer.writeJuteInt(protocolVersion)
        buffer.writeJuteLong(lastZxidSeen)
        buffer.writeJuteInt(timeOut)
        buffer.writeJuteLong(sessionId)
        buffer.writeJuteBytes(passwd)
        if let readOnly { buffer.writeJuteBool(readOnly) }
    }
}

/// The server's answer to a ConnectRequest (`org.apache.zookeeper.proto.ConnectResponse`).
///
/// As with the request, servers since 3.4 append `readOnly`; it is `nil`
/// when absent. A `timeOut` of 0 tells the client its session has expired.
public struct ConnectResponse: JuteRecord {
    public var protocolVersion: Int32
    public var timeOut: Int32
    public var sessionId: Int64
    public var passwd: JuteBytes
    public var readOnly: Bool?

    public init(protocolVersion: Int32 = 0, timeOut: Int32, sessionId: Int64, passwd: JuteBytes, readOnly: Bool? = false) {
        self.protocolVersion = protocolVersion
        self.timeOut = timeOut
        self.sessionId = sessionId
        self.passwd = passwd
        self.readOnly = readOnly
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        protocolVersion = try reader.readInt("ConnectResponse", "protocolVersion")
        timeOut = try reader.readInt("ConnectResponse", "timeOut")
        sessionId = try reader.readLong("ConnectResponse", "sessionId")
        passwd = try reader.readBytes("ConnectResponse", "passwd")
        readOnly = reader.isAtEnd ? nil : try reader.readBool("ConnectResponse", "readOnly")
    }

    public func encode(to buffer: inout ByteBuffer) {
        buffer.writeJuteInt(protocolVersion)
        buffer.writeJuteInt(timeOut)
        buffer.writeJuteLong(sessionId)
        buffer.writeJuteBytes(passwd)
        if let readOnly { buffer.writeJuteBool(readOnly) }
    }
}
