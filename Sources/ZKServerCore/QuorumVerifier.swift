/// How a member of an ensemble takes part (QuorumPeer.LearnerType).
public enum LearnerType: String, Sendable, Hashable {
    /// Votes in elections and counts towards quorums.
    case participant
    /// Follows the leader's commits, never votes, never counts.
    case observer
}

/// One member of an ensemble, as its `server.N` line names it
/// (QuorumPeer.QuorumServer). Host names are kept as written, unresolved.
public struct QuorumServer: Sendable, Hashable {
    /// Where a member listens for followers and for election connections.
    public struct Address: Sendable, Hashable {
        /// The host as written, without IPv6 brackets.
        public var host: String
        /// The port the leader listens on for learners (2888 by convention).
        public var quorumPort: Int
        /// The port leader election listens on (3888 by convention).
        public var electionPort: Int

        /// Creates an address.
        public init(host: String, quorumPort: Int, electionPort: Int) {
            self.host = host
            self.quorumPort = quorumPort
            self.electionPort = electionPort
        }
    }

    /// The server id, the N of `server.N`. Ids of other members may be any
    /// non-negative 64-bit number, as in Apache; a SwiftZK server's own id is 0...254.
    public var id: Int64
    /// One address, or several with `multiAddress.enabled=true`.
    public var addresses: [Address]
    /// Participant or observer.
    public var type: LearnerType
    /// The client host after `;`; nil when the line gives only a port (every address).
    public var clientAddress: String?
    /// The client port after `;`, if the line has a client part.
    public var clientPort: Int?

    /// Creates a member.
    public init(id: Int64, addresses: [Address], type: LearnerType, clientAddress: String? = nil, clientPort: Int? = nil) {
        self.id = id
        self.addresses = addresses
        self.type = type
        self.clientAddress = clientAddress
        self.clientPort = clientPort
    }

    /// The value of the member's `server.N` line as Apache writes it in a
    /// dynamic config (QuorumServer.toString): addresses sorted by host,
    /// the role always spelt out, and the client part only when the line
    /// had one, with `0.0.0.0` for a bare port. IPv6 literals come out as
    /// Java prints them, `[0:0:0:0:0:0:0:1]` for `::1`.
    public var configValue: String {
        var text = addresses
            .map { (host: Self.javaHostString($0.host), $0.quorumPort, $0.electionPort) }
            .sorted { ($0.host, $0.1, $0.2) < ($1.host, $1.1, $1.2) }
            .map { "\(Self.delimited($0.host)):\($0.1):\($0.2)" }
            .joined(separator: "|")
        text += ":" + type.rawValue
        if let clientPort {
            text += ";\(Self.delimited(Self.javaHostString(clientAddress ?? "0.0.0.0"))):\(clientPort)"
        }
        return text
    }

    /// IPv6 literals go in brackets so the port separator stays unambiguous.
    private static func delimited(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// InetSocketAddress.getHostString for a host as written: names stay
    /// as they are; an IPv6 literal becomes Inet6Address.getHostAddress
    /// (eight hex groups, no `::`), or dotted IPv4 when it is IPv4-mapped,
    /// as InetAddress.getByName turns those into Inet4Address.
    static func javaHostString(_ host: String) -> String {
        guard host.contains(":"), let groups = ipv6Groups(host) else { return host }
        if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xffff {
            return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].map(String.init).joined(separator: ".")
        }
        return groups.map { String($0, radix: 16) }.joined(separator: ":")
    }

    /// The eight 16-bit groups of an IPv6 literal (RFC 4291 text forms), or nil.
    private static func ipv6Groups(_ text: String) -> [UInt16]? {
        func parse(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var groups: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if allowIPv4Tail, index == fields.count - 1, field.contains(".") {
                    let octets = field.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
                    guard octets.count == 4, field.split(separator: ".", omittingEmptySubsequences: false).count == 4 else { return nil }
                    groups.append(UInt16(octets[0]) << 8 | UInt16(octets[1]))
                    groups.append(UInt16(octets[2]) << 8 | UInt16(octets[3]))
                } else {
                    guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                    groups.append(value)
                }
            }
            return groups
        }
        guard let gap = text.firstRange(of: "::") else {
            guard let groups = parse(Substring(text), allowIPv4Tail: true), groups.count == 8 else { return nil }
            return groups
        }
        guard text[gap.upperBound...].firstRange(of: "::") == nil,
              let head = parse(text[..<gap.lowerBound], allowIPv4Tail: false),
              let tail = parse(text[gap.upperBound...], allowIPv4Tail: true),
              head.count + tail.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

/// Decides which sets of servers form a quorum of one ensemble configuration,
/// as Apache's QuorumMaj and QuorumHierarchical do, and writes the
/// configuration in the text form Apache sends in election notifications and
/// keeps in dynamic config files.
///
/// Only participants count: an observer in a set, or an id that is not a
/// member, is ignored (Apache leaves that filtering to its callers,
/// SyncedLearnerTracker.addAck; here the verifier does it itself).
public struct QuorumVerifier: Sendable, Equatable {
    /// How votes are counted.
    public enum Kind: Sendable, Equatable {
        /// More than half of the participants (QuorumMaj).
        case majority
        /// Weighted groups (QuorumHierarchical): a group counts when the
        /// weight of its members in the set is more than half its weight, and
        /// a quorum needs more than half of the groups whose weight is not zero.
        case hierarchical(groups: [Int64: Set<Int64>], weights: [Int64: Int64])
    }

    /// Why a hierarchical configuration cannot be used.
    public enum Invalid: Error, Equatable, Sendable {
        /// A participant is in no group; Apache refuses this too.
        case participantInNoGroup(server: Int64)
        /// A server is listed in two groups; Apache refuses this too.
        case serverInTwoGroups(server: Int64, firstGroup: Int64, secondGroup: Int64)
        /// A group lists an id with no `server.N` line.
        case groupMemberNotAServer(server: Int64, group: Int64)
        /// A group lists an observer, which never votes.
        case observerInGroup(server: Int64, group: Int64)
        /// A weight is given for an id with no `server.N` line.
        case weightForUnknownServer(server: Int64)
        /// A weight below zero.
        case negativeWeight(server: Int64, weight: Int64)
        /// Every group weighs zero, so no set can ever be a quorum.
        case noGroupWithWeight
    }

    /// Every member by id, participants and observers.
    public let members: [Int64: QuorumServer]
    /// How votes are counted.
    public let kind: Kind
    /// The configuration's version: the zxid that made it, or 0 for a
    /// configuration read from zoo.cfg (written in hex in the text form).
    public var version: Int64

    /// The participants, who vote and count towards quorums.
    public let votingMembers: Set<Int64>
    /// The observers.
    public let observingMembers: Set<Int64>
    /// Each group's summed weight (hierarchical only).
    private let groupWeights: [Int64: Int64]
    /// How many groups weigh more than zero (hierarchical only).
    private let weightedGroupCount: Int

    /// A majority configuration (QuorumMaj) of `members`; a later member with
    /// the same id replaces an earlier one.
    public init(majorityOf members: [QuorumServer], version: Int64 = 0) {
        let byId = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { _, later in later })
        self.members = byId
        self.kind = .majority
        self.version = version
        self.votingMembers = Set(byId.values.filter { $0.type == .participant }.map(\.id))
        self.observingMembers = Set(byId.values.filter { $0.type == .observer }.map(\.id))
        self.groupWeights = [:]
        self.weightedGroupCount = 0
    }

    /// A hierarchical configuration (QuorumHierarchical). `groups` maps a
    /// group id to its members; `weights` gives server weights, and a
    /// participant without one weighs 1, as in Apache. Weights given for
    /// observers are kept (Apache writes them back) but never count.
    public init(
        members: [QuorumServer], groups: [Int64: Set<Int64>], weights: [Int64: Int64], version: Int64 = 0
    ) throws(Invalid) {
        let byId = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { _, later in later })
        var groupOf: [Int64: Int64] = [:]
        for (group, servers) in groups.sorted(by: { $0.key < $1.key }) {
            for server in servers.sorted() {
                if let first = groupOf[server] {
                    throw .serverInTwoGroups(server: server, firstGroup: first, secondGroup: group)
                }
                guard let member = byId[server] else { throw .groupMemberNotAServer(server: server, group: group) }
                guard member.type == .participant else { throw .observerInGroup(server: server, group: group) }
                groupOf[server] = group
            }
        }
        for (server, weight) in weights.sorted(by: { $0.key < $1.key }) {
            guard byId[server] != nil else { throw .weightForUnknownServer(server: server) }
            guard weight >= 0 else { throw .negativeWeight(server: server, weight: weight) }
        }
        var allWeights = weights
        for member in byId.values.sorted(by: { $0.id < $1.id }) where member.type == .participant {
            guard groupOf[member.id] != nil else { throw .participantInNoGroup(server: member.id) }
            if allWeights[member.id] == nil { allWeights[member.id] = 1 }
        }
        var groupWeights: [Int64: Int64] = [:]
        for (group, servers) in groups {
            groupWeights[group] = servers.reduce(0) { $0 + (allWeights[$1] ?? 0) }
        }
        let weighted = groupWeights.values.filter { $0 > 0 }.count
        guard weighted > 0 else { throw .noGroupWithWeight }

        self.members = byId
        self.kind = .hierarchical(groups: groups, weights: allWeights)
        self.version = version
        self.votingMembers = Set(byId.values.filter { $0.type == .participant }.map(\.id))
        self.observingMembers = Set(byId.values.filter { $0.type == .observer }.map(\.id))
        self.groupWeights = groupWeights
        self.weightedGroupCount = weighted
    }

    /// A server's voting weight: 0 for observers and non-members, 1 for every
    /// participant under majority, its `weight.N` under hierarchical. Leader
    /// election never picks a server of weight 0 (FastLeaderElection.totalOrderPredicate).
    public func weight(of server: Int64) -> Int64 {
        guard votingMembers.contains(server) else { return 0 }
        switch kind {
        case .majority: return 1
        case .hierarchical(_, let weights): return weights[server] ?? 0
        }
    }

    /// Whether `servers` (acks or votes) form a quorum. Observers and ids
    /// that are not members are ignored.
    public func containsQuorum(_ servers: Set<Int64>) -> Bool {
        let voters = servers.intersection(votingMembers)
        switch kind {
        case .majority:
            return voters.count > votingMembers.count / 2
        case .hierarchical(let groups, let weights):
            var groupsWithMajority = 0
            for (group, members) in groups {
                let total = groupWeights[group] ?? 0
                let present = members.intersection(voters).reduce(Int64(0)) { $0 + (weights[$1] ?? 0) }
                // Integer halving, as Apache: a group weighing 4 needs 3.
                if present > total / 2 { groupsWithMajority += 1 }
            }
            return groupsWithMajority > weightedGroupCount / 2
        }
    }

    /// The configuration as Apache writes it (QuorumMaj/QuorumHierarchical
    /// toString): a `server.N=` line per member, then for hierarchical the
    /// `group.G=` and `weight.N=` lines, then `version=<hex>`, with no
    /// newline after it. Apache's order is its HashMap's; here ids ascend,
    /// which is the same order for the small ids ensembles use.
    public var configText: String {
        var lines = members.keys.sorted().compactMap { id in members[id].map { "server.\(id)=\($0.configValue)" } }
        if case .hierarchical(let groups, let weights) = kind {
            for group in groups.keys.sorted() {
                let servers = (groups[group] ?? []).sorted().map(String.init).joined(separator: ":")
                lines.append("group.\(group)=\(servers)")
            }
            for server in weights.keys.sorted() {
                lines.append("weight.\(server)=\(weights[server] ?? 0)")
            }
        }
        lines.append("version=" + String(UInt64(bitPattern: version), radix: 16))
        return lines.joined(separator: "\n")
    }
}
