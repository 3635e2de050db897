import Testing
@testable import ZKServerCore

private func member(_ id: Int64, _ type: LearnerType = .participant, host: String = "127.0.0.1") -> QuorumServer {
    QuorumServer(id: id, addresses: [.init(host: host, quorumPort: 2888 + Int(id), electionPort: 3888 + Int(id))], type: type)
}

private func majority(participants: [Int64], observers: [Int64] = []) -> QuorumVerifier {
    QuorumVerifier(majorityOf: participants.map { member($0) } + observers.map { member($0, .observer) })
}

/// Apache's hierarchical quorums document: three groups of three, each server weighing 1.
private func documentExample() throws -> QuorumVerifier {
    try QuorumVerifier(
        members: (1...9).map { member($0) },
        groups: [1: [1, 2, 3], 2: [4, 5, 6], 3: [7, 8, 9]],
        weights: Dictionary(uniqueKeysWithValues: (1...9).map { ($0, Int64(1)) }))
}

/// Group 1 leans on server 1 (weight 3 of 5), group 2 is even, group 3 weighs
/// nothing and so is left out of the count of groups.
private func weightedExample() throws -> QuorumVerifier {
    try QuorumVerifier(
        members: (1...9).map { member($0) },
        groups: [1: [1, 2, 3], 2: [4, 5, 6], 3: [7, 8, 9]],
        weights: [1: 3, 7: 0, 8: 0, 9: 0])
}

struct QuorumCase: Sendable, CustomTestStringConvertible {
    let name: String
    let servers: Set<Int64>
    let isQuorum: Bool
    var testDescription: String { "\(name): \(servers.sorted()) → \(isQuorum)" }
    init(_ name: String, _ servers: Set<Int64>, _ isQuorum: Bool) {
        self.name = name
        self.servers = servers
        self.isQuorum = isQuorum
    }
}

@Suite struct QuorumVerifierTests {
    // MARK: QuorumMaj

    static let majorityCases: [(participants: [Int64], observers: [Int64], QuorumCase)] = [
        ([1, 2, 3], [], QuorumCase("3: none", [], false)),
        ([1, 2, 3], [], QuorumCase("3: one", [1], false)),
        ([1, 2, 3], [], QuorumCase("3: two", [1, 3], true)),
        ([1, 2, 3], [], QuorumCase("3: all", [1, 2, 3], true)),
        ([1, 2, 3], [4, 5], QuorumCase("3+2 observers: one participant and both observers", [1, 4, 5], false)),
        ([1, 2, 3], [4, 5], QuorumCase("3+2 observers: observers alone", [4, 5], false)),
        ([1, 2, 3], [4, 5], QuorumCase("3+2 observers: two participants", [2, 3], true)),
        ([1, 2, 3, 4, 5], [], QuorumCase("5: two", [1, 2], false)),
        ([1, 2, 3, 4, 5], [], QuorumCase("5: three", [1, 2, 3], true)),
        ([1, 2, 3, 4, 5], [], QuorumCase("5: two and a stranger", [1, 2, 9], false)),
        ([1, 2, 3, 4, 5], [6], QuorumCase("5+1 observer: two and the observer", [1, 2, 6], false)),
        ([1, 2, 3, 4], [], QuorumCase("4: half is not a quorum", [1, 2], false)),
        ([1, 2, 3, 4], [], QuorumCase("4: three", [2, 3, 4], true)),
        ([1, 2], [], QuorumCase("2: one", [1], false)),
        ([1, 2], [], QuorumCase("2: both", [1, 2], true)),
        ([1], [], QuorumCase("1: itself", [1], true)),
        ([1], [], QuorumCase("1: none", [], false)),
    ]

    @Test(arguments: majorityCases)
    func majorityNeedsMoreThanHalfOfTheParticipants(_ participants: [Int64], _ observers: [Int64], _ quorumCase: QuorumCase) {
        let verifier = majority(participants: participants, observers: observers)
        #expect(verifier.containsQuorum(quorumCase.servers) == quorumCase.isQuorum)
    }

    @Test func majorityVotersAndObserversAreSplitByRole() {
        let verifier = majority(participants: [1, 2, 3], observers: [4, 5])
        #expect(verifier.votingMembers == [1, 2, 3])
        #expect(verifier.observingMembers == [4, 5])
        #expect(verifier.members.count == 5)
        #expect(verifier.weight(of: 2) == 1)
        #expect(verifier.weight(of: 4) == 0)
        #expect(verifier.weight(of: 9) == 0)
    }

    // MARK: QuorumHierarchical

    static let documentCases: [QuorumCase] = [
        QuorumCase("two from each of two groups", [1, 2, 4, 5], true),
        QuorumCase("a whole group and one more", [1, 2, 3, 4], false),
        QuorumCase("one from each group", [1, 4, 7], false),
        QuorumCase("two groups and a stray", [1, 2, 4, 5, 7], true),
        QuorumCase("two whole groups", [1, 2, 3, 4, 5, 6], true),
        QuorumCase("every server", Set(1...9), true),
        QuorumCase("nothing", [], false),
        QuorumCase("strangers only", [10, 11, 12, 13], false),
    ]

    @Test(arguments: documentCases)
    func hierarchicalNeedsAWeightedMajorityInAMajorityOfGroups(_ quorumCase: QuorumCase) throws {
        #expect(try documentExample().containsQuorum(quorumCase.servers) == quorumCase.isQuorum)
    }

    static let weightedCases: [QuorumCase] = [
        QuorumCase("heavy server 1 carries group 1", [1, 4, 5], true),
        QuorumCase("servers 2 and 3 weigh 2 of 5 in group 1", [2, 3, 4, 5], false),
        QuorumCase("a zero-weight group never counts", [1, 7, 8, 9], false),
        QuorumCase("group 2 alone of the two weighted groups", [4, 5, 6, 7, 8, 9], false),
        QuorumCase("groups 1 and 2", [1, 2, 4, 6], true),
    ]

    @Test(arguments: weightedCases)
    func hierarchicalWeighsServersAndSkipsZeroWeightGroups(_ quorumCase: QuorumCase) throws {
        #expect(try weightedExample().containsQuorum(quorumCase.servers) == quorumCase.isQuorum)
    }

    @Test func hierarchicalWeightsDefaultToOneAndObserversWeighNothing() throws {
        let verifier = try QuorumVerifier(
            members: [member(1), member(2), member(3), member(4, .observer)],
            groups: [1: [1], 2: [2], 3: [3]],
            weights: [2: 5, 4: 7])
        #expect(verifier.weight(of: 1) == 1)
        #expect(verifier.weight(of: 2) == 5)
        #expect(verifier.weight(of: 4) == 0)
        #expect(verifier.observingMembers == [4])
        #expect(!verifier.containsQuorum([1, 4]))
        #expect(verifier.containsQuorum([1, 3]))
    }

    static let invalidHierarchies: [(groups: [Int64: Set<Int64>], weights: [Int64: Int64], QuorumVerifier.Invalid)] = [
        ([1: [1, 2]], [:], .participantInNoGroup(server: 3)),
        ([:], [1: 1], .participantInNoGroup(server: 1)),
        ([1: [1, 2], 2: [2, 3]], [:], .serverInTwoGroups(server: 2, firstGroup: 1, secondGroup: 2)),
        ([1: [1, 2, 3], 2: [9]], [:], .groupMemberNotAServer(server: 9, group: 2)),
        ([1: [1, 2, 3, 4]], [:], .observerInGroup(server: 4, group: 1)),
        ([1: [1, 2, 3]], [9: 1], .weightForUnknownServer(server: 9)),
        ([1: [1, 2, 3]], [2: -1], .negativeWeight(server: 2, weight: -1)),
        ([1: [1, 2, 3]], [1: 0, 2: 0, 3: 0], .noGroupWithWeight),
    ]

    @Test(arguments: invalidHierarchies)
    func invalidHierarchiesAreRefused(_ groups: [Int64: Set<Int64>], _ weights: [Int64: Int64], _ expected: QuorumVerifier.Invalid) {
        #expect(throws: expected) {
            try QuorumVerifier(members: [member(1), member(2), member(3), member(4, .observer)], groups: groups, weights: weights)
        }
    }

    // MARK: Text form

    @Test func majorityTextIsApachesDynamicConfigForm() {
        var verifier = QuorumVerifier(majorityOf: [
            QuorumServer(id: 3, addresses: [.init(host: "::1", quorumPort: 2890, electionPort: 3890)], type: .observer, clientAddress: "::1", clientPort: 2183),
            QuorumServer(id: 1, addresses: [.init(host: "127.0.0.1", quorumPort: 2888, electionPort: 3888)], type: .participant, clientPort: 2181),
            QuorumServer(id: 2, addresses: [.init(host: "zk2", quorumPort: 2889, electionPort: 3889)], type: .participant),
        ])
        #expect(verifier.configText == """
            server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181
            server.2=zk2:2889:3889:participant
            server.3=[0:0:0:0:0:0:0:1]:2890:3890:observer;[0:0:0:0:0:0:0:1]:2183
            version=0
            """)
        verifier.version = 0x1_0000_0000
        #expect(verifier.configText.hasSuffix("\nversion=100000000"))
    }

    /// Read off Java 17's InetSocketAddress.getHostString for each host.
    @Test(arguments: [
        ("::1", "0:0:0:0:0:0:0:1"), ("2001:db8::3", "2001:db8:0:0:0:0:0:3"), ("::ffff:10.0.0.1", "10.0.0.1"),
        ("2001:DB8::A", "2001:db8:0:0:0:0:0:a"), ("zk1", "zk1"), ("127.0.0.1", "127.0.0.1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("::", "0:0:0:0:0:0:0:0"), ("::1.2.3.4", "0:0:0:0:0:0:102:304"),
        ("fe80::2", "fe80:0:0:0:0:0:0:2"), ("1:::2", "1:::2"), ("1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"),
    ])
    func hostsAreWrittenAsJavaPrintsThem(_ host: String, _ written: String) {
        #expect(QuorumServer.javaHostString(host) == written)
    }

    @Test func severalAddressesAreWrittenSortedByHost() {
        let server = QuorumServer(
            id: 1,
            addresses: [.init(host: "zk1b", quorumPort: 2889, electionPort: 3889), .init(host: "zk1a", quorumPort: 2888, electionPort: 3888)],
            type: .participant)
        #expect(server.configValue == "zk1a:2888:3888|zk1b:2889:3889:participant")
    }

    @Test func hierarchicalTextAddsGroupsAndEveryWeight() throws {
        let verifier = try QuorumVerifier(
            members: [member(1), member(2), member(3)],
            groups: [2: [3], 1: [2, 1]],
            weights: [3: 2],
            version: 0x2_0000_0001)
        #expect(verifier.configText == """
            server.1=127.0.0.1:2889:3889:participant
            server.2=127.0.0.1:2890:3890:participant
            server.3=127.0.0.1:2891:3891:participant
            group.1=1:2
            group.2=3
            weight.1=1
            weight.2=1
            weight.3=2
            version=200000001
            """)
    }
}
