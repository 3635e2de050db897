import NIOCore
import ZKProtocol

/// The learner protocol version of Zab 1.0, sent in LearnerInfo and
/// LEADERINFO since 3.4 (below it a leader skips LEADERINFO/ACKEPOCH).
public let zab10ProtocolVersion: Int32 = 0x10000

/// FOLLOWERINFO / OBSERVERINFO: the learner's first packet. The zxid is
/// `acceptedEpoch << 32`; the data is a LearnerInfo record.
public struct LearnerHello: Hashable, Sendable {
    /// FOLLOWERINFO or OBSERVERINFO.
    public var isObserver: Bool
    /// The learner's acceptedEpoch.
    public var acceptedEpoch: Int64
    /// The learner's server id; `nil` when the data was too short to hold one
    /// (the leader then gives the connection a negative temporary id).
    public var sid: Int64?
    /// The learner's protocol version; 1 when absent, as LearnerHandler
    /// assumes.
    public var protocolVersion: Int32
    /// The version of the learner's quorum configuration, when sent (3.5+).
    public var configVersion: Int64?

    public init(isObserver: Bool, acceptedEpoch: Int64, sid: Int64?, protocolVersion: Int32 = zab10ProtocolVersion, configVersion: Int64?) {
        self.isObserver = isObserver
        self.acceptedEpoch = acceptedEpoch
        self.sid = sid
        self.protocolVersion = protocolVersion
        self.configVersion = configVersion
    }

    /// The packet a learner sends (Learner.registerWithLeader): a full
    /// LearnerInfo, no auth ids.
    public var packet: QuorumPacket {
        let info = LearnerInfo(serverid: sid ?? -1, protocolVersion: protocolVersion, configVersion: configVersion ?? 0)
        return QuorumPacket(isObserver ? .observerInfo : .followerInfo,
                            zxid: ZxidMath.zxid(epoch: acceptedEpoch, counter: 0),
                            data: JuteBytes(info.encodedBytes))
    }

    /// Reads FOLLOWERINFO or OBSERVERINFO as LearnerHandler does: the
    /// LearnerInfo fields are taken by length (8 bytes for the sid, 12 for the
    /// version, 20 for the config version), so older learners' shorter data is
    /// accepted; null data means no sid.
    public init(packet: QuorumPacket) throws(ZabWireError) {
        switch packet.packetType {
        case .followerInfo: isObserver = false
        case .observerInfo: isObserver = true
        default: throw .invalidValue(message: "LearnerInfo", field: "type", value: Int64(packet.type))
        }
        acceptedEpoch = ZxidMath.epoch(of: packet.zxid)
        let data = packet.data.bytesOrEmpty
        var reader = WireReader(data, "LearnerInfo")
        sid = nil
        protocolVersion = 0x1
        configVersion = nil
        if data.count >= 8 { sid = try reader.readLong("serverid") }
        if data.count >= 12 { protocolVersion = try reader.readInt("protocolVersion") }
        if data.count >= 20 { configVersion = try reader.readLong("configVersion") }
    }
}

/// LEADERINFO: the leader's proposed epoch (zxid `newEpoch << 32`) and its
/// protocol version (data: one int, 0x10000).
public struct LeaderInfo: Hashable, Sendable {
    public var newEpoch: Int64
    public var protocolVersion: Int32

    public init(newEpoch: Int64, protocolVersion: Int32 = zab10ProtocolVersion) {
        self.newEpoch = newEpoch
        self.protocolVersion = protocolVersion
    }

    /// The packet as LearnerHandler sends it.
    public var packet: QuorumPacket {
        var data = ByteBuffer()
        data.writeInteger(protocolVersion, endianness: .big)
        return QuorumPacket(.leaderInfo, zxid: ZxidMath.zxid(epoch: newEpoch, counter: 0), data: JuteBytes(Array(data.readableBytesView)))
    }

    /// Reads LEADERINFO as Learner.registerWithLeader does (the first 4 bytes
    /// of data; more are ignored).
    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .leaderInfo else {
            throw .invalidValue(message: "LeaderInfo", field: "type", value: Int64(packet.type))
        }
        var reader = WireReader(packet.data.bytesOrEmpty, "LeaderInfo")
        newEpoch = ZxidMath.epoch(of: packet.zxid)
        protocolVersion = try reader.readInt("protocolVersion")
    }
}

/// ACKEPOCH: the learner's last logged zxid (in the packet's zxid) and its
/// currentEpoch as a 4-byte int, or -1 when it had already accepted this
/// epoch and so must not be counted as acknowledging it.
public struct AckEpoch: Hashable, Sendable {
    /// `currentEpoch` value meaning "already accepted, not a new ack".
    public static let alreadyAccepted: Int32 = -1

    public var lastLoggedZxid: Int64
    public var currentEpoch: Int32

    public init(lastLoggedZxid: Int64, currentEpoch: Int32) {
        self.lastLoggedZxid = lastLoggedZxid
        self.currentEpoch = currentEpoch
    }

    /// The packet as Learner.registerWithLeader sends it.
    public var packet: QuorumPacket {
        var data = ByteBuffer()
        data.writeInteger(currentEpoch, endianness: .big)
        return QuorumPacket(.ackEpoch, zxid: lastLoggedZxid, data: JuteBytes(Array(data.readableBytesView)))
    }

    /// Reads ACKEPOCH as LearnerHandler does (the first 4 bytes of data).
    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .ackEpoch else {
            throw .invalidValue(message: "AckEpoch", field: "type", value: Int64(packet.type))
        }
        var reader = WireReader(packet.data.bytesOrEmpty, "AckEpoch")
        lastLoggedZxid = packet.zxid
        currentEpoch = try reader.readInt("currentEpoch")
    }
}

/// The data of NEWLEADER: the leader's last-seen quorum configuration text
/// (UTF-8), ending with a `version=<hex>` line. Learners before 0x10000 get
/// null data.
public struct NewLeader: Hashable, Sendable {
    public var newEpoch: Int64
    public var config: [UInt8]?

    public init(newEpoch: Int64, config: [UInt8]?) {
        self.newEpoch = newEpoch
        self.config = config
    }

    public var packet: QuorumPacket {
        QuorumPacket(.newLeader, zxid: ZxidMath.zxid(epoch: newEpoch, counter: 0), data: JuteBytes(config))
    }

    public init(packet: QuorumPacket) throws(ZabWireError) {
        guard packet.packetType == .newLeader else {
            throw .invalidValue(message: "NewLeader", field: "type", value: Int64(packet.type))
        }
        newEpoch = ZxidMath.epoch(of: packet.zxid)
        config = packet.data.bytes
    }
}
