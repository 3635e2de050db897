/// The size limits of the election and quorum wire formats, with Apache's
/// values. Each is enforced before the bytes it bounds are buffered.
public struct ZabLimits: Hashable, Sendable {
    /// Largest election address text in the connection's initial message, in
    /// bytes (Apache's `QuorumCnxManager.maxBuffer`).
    public var maxElectionAddressBytes: Int
    /// Largest election message after the handshake, in bytes (Apache's
    /// `QuorumCnxManager.PACKETMAXSIZE`, 512 KiB).
    public var maxElectionMessageBytes: Int
    /// Largest `buffer`/`ustring` field of a QuorumPacket, in bytes: Apache's
    /// `jute.maxbuffer` plus `zookeeper.jute.maxbuffer.extrasize`, which
    /// defaults to the same value.
    public var maxQuorumBufferBytes: Int
    /// Most auth ids in one QuorumPacket's `authinfo`. Apache sets none; a
    /// forwarded request carries the client's auth ids, a handful at most.
    public var maxAuthIds: Int

    /// Apache ZooKeeper's defaults.
    public static let apacheDefaults = ZabLimits(
        maxElectionAddressBytes: 2048,
        maxElectionMessageBytes: 512 * 1024,
        maxQuorumBufferBytes: 0xfffff + 0xfffff,
        maxAuthIds: 1024
    )

    public init(maxElectionAddressBytes: Int, maxElectionMessageBytes: Int, maxQuorumBufferBytes: Int, maxAuthIds: Int) {
        self.maxElectionAddressBytes = maxElectionAddressBytes
        self.maxElectionMessageBytes = maxElectionMessageBytes
        self.maxQuorumBufferBytes = maxQuorumBufferBytes
        self.maxAuthIds = maxAuthIds
    }
}
