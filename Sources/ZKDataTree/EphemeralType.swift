/// What a znode's ephemeralOwner field encodes, as Apache ZooKeeper reads it.
public enum EphemeralType: Equatable, Sendable {
    /// A persistent node (owner 0).
    case none
    /// An ephemeral node owned by this session.
    case session(Int64)
    /// A container node.
    case container
    /// A TTL node with this time-to-live in milliseconds.
    case ttl(Int64)

    /// The owner value that marks a container.
    public static let containerOwner = Int64.min
    /// The largest TTL, in milliseconds (40 bits).
    public static let maxTTL: Int64 = 0x0000_00ff_ffff_ffff
    static let extendedMask = Int64(bitPattern: 0xff00_0000_0000_0000)
    static let reservedMask: Int64 = 0x00ff_ff00_0000_0000

    /// Reads an owner value. TTL owners are recognised only with extended
    /// types enabled, as in Apache.
    public init(owner: Int64, extendedTypesEnabled: Bool) {
        if extendedTypesEnabled, owner & Self.extendedMask == Self.extendedMask,
           owner & Self.reservedMask == 0 {
            self = .ttl(owner & Self.maxTTL)
        } else if owner == Self.containerOwner {
            self = .container
        } else if owner == 0 {
            self = .none
        } else {
            self = .session(owner)
        }
    }

    /// The owner value for a TTL node, or nil when `ttl` is out of range.
    public static func ttlOwner(_ ttl: Int64) -> Int64? {
        guard ttl > 0, ttl <= maxTTL else { return nil }
        return extendedMask | ttl
    }
}
