/// A server's role in the ensemble as the election port carries it: the
/// ordinal of Apache's `QuorumPeer.ServerState`.
public enum ServerState: Int32, Hashable, Sendable, CaseIterable {
    case looking = 0
    case following = 1
    case leading = 2
    case observing = 3

    /// The name Apache prints (`mntr`'s zk_server_state uses the lower-case form).
    public var name: String {
        switch self {
        case .looking: return "LOOKING"
        case .following: return "FOLLOWING"
        case .leading: return "LEADING"
        case .observing: return "OBSERVING"
        }
    }
}

/// Zxid arithmetic: the epoch is the high 32 bits, the counter the low 32
/// (Apache's `ZxidUtils`).
public enum ZxidMath {
    /// The epoch of `zxid`.
    @inlinable
    public static func epoch(of zxid: Int64) -> Int64 { zxid >> 32 }

    /// The counter of `zxid` within its epoch.
    @inlinable
    public static func counter(of zxid: Int64) -> Int64 { zxid & 0xffff_ffff }

    /// The zxid made of `epoch` and `counter`.
    @inlinable
    public static func zxid(epoch: Int64, counter: Int64) -> Int64 {
        (epoch << 32) | (counter & 0xffff_ffff)
    }
}
