/// The quorum rules leader election needs from an ensemble configuration.
///
/// `ZKServerCore.QuorumVerifier` (majority and hierarchical) has exactly
/// this shape. ZKZab sits below ZKServerCore, so the conformance is declared
/// where both are linked: the server that wires election in, and the tests.
public protocol ElectionQuorum: Sendable {
    /// The participants: the servers whose votes count and who may lead.
    var votingMembers: Set<Int64> { get }
    /// Whether `servers` form a quorum; observers and strangers never count.
    func containsQuorum(_ servers: Set<Int64>) -> Bool
    /// A server's voting weight; a server of weight 0 is never elected.
    func weight(of server: Int64) -> Int64
    /// The configuration text every notification carries (`QuorumVerifier.toString`).
    var configText: String { get }
}
