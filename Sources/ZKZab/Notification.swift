import NIOCore

/// A FastLeaderElection notification: one election-port message after the
/// handshake (FastLeaderElection.buildMsg, and its WorkerReceiver for
/// reading).
///
/// Current servers send 44 bytes plus the config text:
/// `int state | long leader | long zxid | long electionEpoch | long peerEpoch |
/// int version | int configLength | config`. Apache still reads two older
/// shapes, told apart by size alone: 28 bytes (no peerEpoch; taken from the
/// zxid's epoch) and exactly 40 bytes (peerEpoch but the version field is not
/// read, so version 0).
public struct Notification: Hashable, Sendable {
    /// The version current servers send; above 1 means a config follows.
    public static let currentVersion: Int32 = 2
    /// Fixed part of the current form, before the config bytes.
    public static let headerBytes = 44

    /// The sender's state.
    public var state: ServerState
    /// The proposed leader.
    public var leader: Int64
    /// The proposed leader's last zxid.
    public var zxid: Int64
    /// The sender's election round.
    public var electionEpoch: Int64
    /// The proposed leader's epoch.
    public var peerEpoch: Int64
    /// 0 for the old forms, 2 today.
    public var version: Int32
    /// The sender's quorum configuration text (`QuorumVerifier.toString`,
    /// UTF-8), present when `version > 1`.
    public var config: [UInt8]?

    public init(state: ServerState, leader: Int64, zxid: Int64, electionEpoch: Int64, peerEpoch: Int64, version: Int32 = Notification.currentVersion, config: [UInt8]?) {
        self.state = state
        self.leader = leader
        self.zxid = zxid
        self.electionEpoch = electionEpoch
        self.peerEpoch = peerEpoch
        self.version = version
        self.config = config
    }

    /// The vote this notification carries.
    public var vote: Vote {
        Vote(leader: leader, zxid: zxid, electionEpoch: electionEpoch, peerEpoch: peerEpoch, state: state, version: version)
    }

    /// Appends the current 44-byte form plus the config bytes (empty when
    /// `config` is nil), as every server since 3.5 sends it.
    public func encode(to buffer: inout ByteBuffer) {
        let configBytes = config ?? []
        buffer.reserveCapacity(minimumWritableBytes: Self.headerBytes + configBytes.count)
        buffer.writeInteger(state.rawValue, endianness: .big)
        buffer.writeInteger(leader, endianness: .big)
        buffer.writeInteger(zxid, endianness: .big)
        buffer.writeInteger(electionEpoch, endianness: .big)
        buffer.writeInteger(peerEpoch, endianness: .big)
        buffer.writeInteger(version, endianness: .big)
        buffer.writeInteger(Int32(truncatingIfNeeded: configBytes.count), endianness: .big)
        buffer.writeBytes(configBytes)
    }

    /// The encoded bytes of the current form.
    public var encodedBytes: [UInt8] {
        var buffer = ByteBuffer()
        encode(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes one notification from a whole election message, as Apache's
    /// WorkerReceiver reads it. Apache logs and skips what this throws for:
    /// under 28 bytes, a state other than 0-3, a config length below zero or
    /// above the message size, a message that ends inside a field. Bytes after
    /// the fields a version defines are ignored, as Apache ignores them.
    public init(decoding message: ByteBuffer) throws(ZabWireError) {
        var reader = WireReader(message, "Notification")
        let capacity = message.readableBytes
        guard capacity >= 28 else {
            throw .truncated(message: "Notification", field: "electionEpoch", needed: 28, available: capacity)
        }
        let rawState = try reader.readInt("state")
        guard let state = ServerState(rawValue: rawState) else {
            throw .invalidValue(message: "Notification", field: "state", value: Int64(rawState))
        }
        self.state = state
        self.leader = try reader.readLong("leader")
        self.zxid = try reader.readLong("zxid")
        self.electionEpoch = try reader.readLong("electionEpoch")
        self.version = 0
        self.config = nil
        if capacity == 28 {
            self.peerEpoch = ZxidMath.epoch(of: zxid)
            return
        }
        self.peerEpoch = try reader.readLong("peerEpoch")
        if capacity == 40 { return }
        self.version = try reader.readInt("version")
        guard version > 1 else { return }
        let length = try reader.readInt("configLength")
        guard length >= 0 else {
            throw .negativeLength(message: "Notification", field: "config", length: Int64(length))
        }
        guard Int(length) <= capacity else {
            throw .lengthExceedsLimit(message: "Notification", field: "config", length: Int64(length), limit: capacity)
        }
        self.config = try reader.readBytes("config", count: Int(length))
    }

    /// Decodes one notification from `bytes` (a whole election message).
    public init(decoding bytes: [UInt8]) throws(ZabWireError) {
        try self.init(decoding: ByteBuffer(bytes: bytes))
    }

    /// The 28-byte form of servers before ZOOKEEPER-107 (no peerEpoch, no
    /// version), for talking to or testing against old peers.
    public var legacy28Bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(state.rawValue, endianness: .big)
        buffer.writeInteger(leader, endianness: .big)
        buffer.writeInteger(zxid, endianness: .big)
        buffer.writeInteger(electionEpoch, endianness: .big)
        return Array(buffer.readableBytesView)
    }

    /// The 40-byte form (`buildMsg` without config, version field 1), which
    /// Apache's receiver reads as version 0 because of its size.
    public var legacy40Bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(state.rawValue, endianness: .big)
        buffer.writeInteger(leader, endianness: .big)
        buffer.writeInteger(zxid, endianness: .big)
        buffer.writeInteger(electionEpoch, endianness: .big)
        buffer.writeInteger(peerEpoch, endianness: .big)
        buffer.writeInteger(Int32(1), endianness: .big)
        return Array(buffer.readableBytesView)
    }
}

/// The election port's framing after the handshake: a 4-byte big-endian
/// length, then the message (QuorumCnxManager's SendWorker and RecvWorker).
public enum ElectionFraming {
    /// Takes one message off the front of `buffer`; `nil` when more bytes are
    /// needed (nothing consumed). A length of 0 or less, or above
    /// `limits.maxElectionMessageBytes`, is refused before the message is
    /// buffered; Apache drops the connection for it.
    public static func nextMessage(from buffer: inout ByteBuffer, limits: ZabLimits = .apacheDefaults) throws(ZabWireError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else { return nil }
        guard length > 0 else {
            throw .negativeLength(message: "ElectionMessage", field: "length", length: Int64(length))
        }
        guard Int(length) <= limits.maxElectionMessageBytes else {
            throw .lengthExceedsLimit(message: "ElectionMessage", field: "length", length: Int64(length), limit: limits.maxElectionMessageBytes)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }

    /// Appends `message` with its length prefix.
    public static func write(_ message: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(truncatingIfNeeded: message.count), endianness: .big)
        buffer.writeBytes(message)
    }

    /// Appends `notification` as one framed message.
    public static func write(_ notification: Notification, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(Int32(0), endianness: .big)
        notification.encode(to: &buffer)
        buffer.setInteger(Int32(truncatingIfNeeded: buffer.writerIndex - start - 4), at: start, endianness: .big)
    }
}
