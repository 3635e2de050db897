import ZKServerCore

/// The ensemble settings of a config in quorum mode: `server.N` lines with
/// two or more participants, or one with `standaloneEnabled=false`
/// (QuorumPeerConfig.isDistributed). A config in standalone mode has none.
///
/// SwiftZK does not run quorum mode yet: `ServerConfig.checkStandalone()`
/// refuses to start with one of these.
public struct QuorumConfig: Sendable, Equatable {
    /// The members and how their votes are counted.
    public var verifier: QuorumVerifier
    /// This server's id, from the myid file in dataDir; always a member.
    public var myid: Int64
    /// This server's role, as its `server.N` line gives it (a `peerType`
    /// that disagrees is overridden with a warning, as Apache does).
    public var peerType: LearnerType
    /// Whether the quorum and election ports listen on every address
    /// instead of the member's own (`quorumListenOnAllIPs`).
    public var quorumListenOnAllIPs = false
    /// How long an election connection may take to open, in ms (`cnxTimeout`);
    /// 0 waits without limit, as Java's Socket.connect does.
    public var cnxTimeoutMs = 5000
    /// How often binding the election port is retried before giving up
    /// (`electionPortBindRetry`); 0 retries forever.
    public var electionPortBindRetries = 3
    /// Whether members may have several `|`-separated addresses (`multiAddress.enabled`).
    public var multiAddressEnabled = false
    /// The file the `server.N` lines came from: the config file, the
    /// `dynamicConfigFile`, or `--set`.
    public var membershipSource: String
    /// Where the first `server.N` line was written, for messages.
    public var firstServerLine: Int?
    /// The key of the first `server.N` line, as written.
    public var firstServerKey: String

    /// Creates the settings; see each property for its meaning.
    public init(verifier: QuorumVerifier, myid: Int64, peerType: LearnerType, membershipSource: String, firstServerLine: Int?, firstServerKey: String) {
        self.verifier = verifier
        self.myid = myid
        self.peerType = peerType
        self.membershipSource = membershipSource
        self.firstServerLine = firstServerLine
        self.firstServerKey = firstServerKey
    }
}

extension ServerConfig {
    /// Refuses a config in quorum mode: SwiftZK has no Zab yet, and a member
    /// of an ensemble that quietly ran standalone would serve a divergent
    /// copy of the data. A single participant with `standaloneEnabled=true`
    /// is standalone, as in Apache, and passes.
    public func checkStandalone() throws(ConfigError) {
        guard let quorum else { return }
        let voters = quorum.verifier.votingMembers.count
        let observers = quorum.verifier.observingMembers.count
        var shape = "\(voters) participant\(voters == 1 ? "" : "s")"
        if observers > 0 { shape += " and \(observers) observer\(observers == 1 ? "" : "s")" }
        throw ConfigError(
            file: quorum.membershipSource, line: quorum.firstServerLine, key: quorum.firstServerKey,
            message: "quorum mode (server.N lines in \(quorum.membershipSource): \(shape)) is not supported yet; "
                + "SwiftZK runs standalone only: keep one participant server.N line with standaloneEnabled=true, "
                + "or run this ensemble on Apache ZooKeeper")
    }
}
