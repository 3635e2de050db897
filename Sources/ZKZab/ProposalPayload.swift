import NIOCore
import ZKProtocol

/// The data of PROPOSAL and INFORM: a transaction as Apache's
/// `Util.marshallTxnEntry` writes it, `TxnHeader`, then the txn record (none
/// for a closeSession of servers before 3.6), then an optional `TxnDigest`
/// (3.6+, when `digest.enabled`).
public struct ProposalPayload: Hashable, Sendable {
    public var header: TxnHeader
    public var body: TxnBody
    public var digest: TxnDigest?

    public init(header: TxnHeader, body: TxnBody, digest: TxnDigest?) {
        self.header = header
        self.body = body
        self.digest = digest
    }

    /// The transaction types Apache's `SerializeUtils.deserializeTxn` reads;
    /// any other type in a proposal is refused, as there.
    public static let replicatedTypes: Set<OpCode> = [
        .createSession, .closeSession, .create, .create2, .createTTL, .createContainer,
        .delete, .deleteContainer, .reconfig, .setData, .setACL, .error, .multi,
    ]

    /// Bytes of an encoded TxnDigest.
    static let digestBytes = 12

    /// The encoded data.
    public var encodedBytes: [UInt8] {
        var buffer = ByteBuffer()
        header.encode(to: &buffer)
        body.encode(to: &buffer)
        digest?.encode(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes PROPOSAL or INFORM data. Stricter than Apache in one place:
    /// Apache treats a digest cut short as absent and ignores bytes after it;
    /// no Apache version writes either, so both are refused here as
    /// corruption.
    public init(decoding data: [UInt8]) throws(ZabWireError) {
        var reader = WireReader(data, "Proposal")
        header = try reader.readRecord(TxnHeader.self)
        guard Self.replicatedTypes.contains(header.type) else {
            throw .invalidValue(message: "Proposal", field: "TxnHeader.type", value: Int64(header.type.code))
        }
        var jute = JuteReader(reader.buffer)
        do {
            body = try TxnBody(type: header.type, from: &jute)
        } catch {
            throw .jute(error)
        }
        reader.buffer = jute.unread
        switch reader.remaining {
        case 0:
            digest = nil
        case Self.digestBytes:
            digest = try reader.readRecord(TxnDigest.self)
        case let count where count < Self.digestBytes:
            throw .truncated(message: "Proposal", field: "TxnDigest", needed: Self.digestBytes, available: count)
        default:
            throw .trailingBytes(message: "Proposal", count: reader.remaining - Self.digestBytes)
        }
    }

    /// The PROPOSAL packet for this transaction (zxid from the header).
    public var proposalPacket: QuorumPacket {
        QuorumPacket(.proposal, zxid: header.zxid, data: JuteBytes(encodedBytes))
    }

    /// The INFORM packet for this transaction, sent to observers on commit.
    public var informPacket: QuorumPacket {
        QuorumPacket(.inform, zxid: header.zxid, data: JuteBytes(encodedBytes))
    }
}

/// COMMITANDACTIVATE (data: the designated leader) and INFORMANDACTIVATE
/// (data: the designated leader, then the proposal data): the commit of a
/// reconfig.
public struct Activation: Hashable, Sendable {
    public var zxid: Int64
    /// The server that leads under the new configuration.
    public var designatedLeader: Int64
    /// The reconfig transaction; present only in INFORMANDACTIVATE.
    public var proposal: ProposalPayload?

    public init(zxid: Int64, designatedLeader: Int64, proposal: ProposalPayload?) {
        self.zxid = zxid
        self.designatedLeader = designatedLeader
        self.proposal = proposal
    }

    /// COMMITANDACTIVATE without a proposal, INFORMANDACTIVATE with one.
    public var packet: QuorumPacket {
        var data = ByteBuffer()
        data.writeInteger(designatedLeader, endianness: .big)
        guard let proposal else {
            return QuorumPacket(.commitAndActivate, zxid: zxid, data: JuteBytes(Array(data.readableBytesView)))
        }
        data.writeBytes(proposal.encodedBytes)
        return QuorumPacket(.informAndActivate, zxid: zxid, data: JuteBytes(Array(data.readableBytesView)))
    }

    public init(packet: QuorumPacket) throws(ZabWireError) {
        var reader = WireReader(packet.data.bytesOrEmpty, "Activation")
        zxid = packet.zxid
        switch packet.packetType {
        case .commitAndActivate:
            designatedLeader = try reader.readLong("designatedLeader")
            proposal = nil
        case .informAndActivate:
            designatedLeader = try reader.readLong("designatedLeader")
            proposal = try ProposalPayload(decoding: reader.readRest())
        default:
            throw .invalidValue(message: "Activation", field: "type", value: Int64(packet.type))
        }
    }
}
