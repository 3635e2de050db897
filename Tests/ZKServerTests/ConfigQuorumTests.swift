import Foundation
import Logging
import Testing
import ZKServerCore

@testable import ZKServer

/// Ensemble configs: server.N lines with two or more participants (or one
/// with standaloneEnabled=false) put the config in quorum mode, checked as
/// Apache's QuorumPeerConfig checks it; start-up then refuses to run it.
@Suite struct ConfigQuorumTests {
    static let limits = "tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={dir}\nclientPort=2181\n"
    static let three = "server.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n"

    /// Writes myid and loads `text`, which must load.
    func load(_ text: String, myid: String = "1", in scratch: ConfigScratch) throws -> ServerConfig {
        try scratch.write("myid", myid + "\n")
        return try scratch.load(text)
    }

    // MARK: valid ensembles

    @Test func threeParticipantsAreQuorumMode() throws {
        let scratch = try ConfigScratch()
        let config = try load(Self.limits + Self.three, myid: "2", in: scratch)
        let quorum = try #require(config.quorum)
        #expect(quorum.myid == 2)
        #expect(config.serverId == 2)
        #expect(quorum.peerType == .participant)
        #expect(quorum.verifier.kind == .majority)
        #expect(quorum.verifier.votingMembers == [1, 2, 3])
        #expect(quorum.verifier.observingMembers.isEmpty)
        #expect(quorum.verifier.members[3]?.addresses == [.init(host: "zk3", quorumPort: 2888, electionPort: 3888)])
        #expect(quorum.membershipSource == scratch.path("zoo.cfg"))
        #expect(quorum.firstServerLine == 6)
        #expect(config.clientPort == 2181)
        #expect(config.initLimit == 10 && config.syncLimit == 5)
        #expect(config.servers.count == 3)
        #expect(config.warnings.isEmpty)
    }

    @Test func fiveParticipantsAndTwoObserversWithClientAddresses() throws {
        let scratch = try ConfigScratch()
        let config = try load(
            "initLimit=5\nsyncLimit=2\ndataDir={dir}\n"
                + "server.1=10.0.0.1:2888:3888;2181\n"
                + "server.2=10.0.0.2:2888:3888:participant;10.0.0.2:2181\n"
                + "server.3=10.0.0.3:2888:3888\n"
                + "server.4=10.0.0.4:2888:3888:PARTICIPANT\n"
                + "server.5=10.0.0.5:2888:3888\n"
                + "server.6=10.0.0.6:2888:3888:observer;0.0.0.0:2181\n"
                + "server.7=10.0.0.7:2888:3888:observer\n",
            myid: "6", in: scratch)
        let quorum = try #require(config.quorum)
        #expect(quorum.verifier.votingMembers == [1, 2, 3, 4, 5])
        #expect(quorum.verifier.observingMembers == [6, 7])
        #expect(quorum.peerType == .observer)
        // The client port comes from this server's own line.
        #expect(config.clientPort == 2181)
        #expect(config.clientPortAddress == "0.0.0.0")
        #expect(quorum.verifier.configText == """
            server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181
            server.2=10.0.0.2:2888:3888:participant;10.0.0.2:2181
            server.3=10.0.0.3:2888:3888:participant
            server.4=10.0.0.4:2888:3888:participant
            server.5=10.0.0.5:2888:3888:participant
            server.6=10.0.0.6:2888:3888:observer;0.0.0.0:2181
            server.7=10.0.0.7:2888:3888:observer
            version=0
            """)
    }

    @Test func ipv6MembersKeepTheirAddressesAndClientPart() throws {
        let scratch = try ConfigScratch()
        let config = try load(
            "initLimit=5\nsyncLimit=2\ndataDir={dir}\n"
                + "server.1=[::1]:2888:3888;[::1]:2181\nserver.2=[fe80::2]:2889:3889\nserver.3=[2001:db8::3]:2890:3890:observer;2183\n",
            in: scratch)
        let quorum = try #require(config.quorum)
        #expect(quorum.verifier.members[2]?.addresses == [.init(host: "fe80::2", quorumPort: 2889, electionPort: 3889)])
        #expect(quorum.verifier.members[3]?.clientPort == 2183)
        #expect(quorum.verifier.members[3]?.clientAddress == nil)
        #expect(config.clientPort == 2181)
        #expect(config.clientPortAddress == "::1")
        #expect(quorum.verifier.configText == """
            server.1=[0:0:0:0:0:0:0:1]:2888:3888:participant;[0:0:0:0:0:0:0:1]:2181
            server.2=[fe80:0:0:0:0:0:0:2]:2889:3889:participant
            server.3=[2001:db8:0:0:0:0:0:3]:2890:3890:observer;0.0.0.0:2183
            version=0
            """)
    }

    @Test func withoutAnyClientPortAQuorumMemberStillLoads() throws {
        // Apache runs such a member without a client listener.
        let scratch = try ConfigScratch()
        let config = try load("initLimit=5\nsyncLimit=2\ndataDir={dir}\n" + Self.three, in: scratch)
        #expect(config.quorum != nil)
        #expect(config.clientPort == nil)
    }

    @Test func oneParticipantWithStandaloneDisabledIsQuorumMode() throws {
        let scratch = try ConfigScratch()
        let config = try load(Self.limits + "standaloneEnabled=false\nserver.1=localhost:2888:3888\n", in: scratch)
        #expect(!config.standaloneEnabled)
        #expect(config.quorum?.verifier.votingMembers == [1])
    }

    @Test func oneParticipantWithStandaloneEnabledStaysStandalone() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.limits + "server.1=localhost:2888:3888\n")
        #expect(config.quorum == nil)
        #expect(throws: Never.self) { try config.checkStandalone() }
    }

    @Test func quorumKeysAreStoredAndNamedAsNotActedOnYet() throws {
        let scratch = try ConfigScratch()
        let config = try load(
            Self.limits + "peerType=participant\nelectionAlg=3\nquorumListenOnAllIPs=TRUE\ncnxTimeout=0\nelectionPortBindRetry=0x0a\n"
                + "multiAddress.enabled=true\nserver.1=zk1a:2888:3888|zk1b:2889:3889\nserver.2=zk2:2888:3888\n",
            in: scratch)
        let quorum = try #require(config.quorum)
        #expect(quorum.quorumListenOnAllIPs)
        #expect(quorum.cnxTimeoutMs == 0)
        #expect(quorum.electionPortBindRetries == 10)
        #expect(quorum.multiAddressEnabled)
        #expect(quorum.verifier.members[1]?.addresses.count == 2)
        #expect(config.warnings == [
            "\(scratch.path("zoo.cfg")): accepted but not acted on yet: peerType, electionAlg, quorumListenOnAllIPs, cnxTimeout, electionPortBindRetry, multiAddress.enabled",
        ])
    }

    @Test func quorumKeyDefaultsAreApaches() throws {
        let scratch = try ConfigScratch()
        let quorum = try #require(try load(Self.limits + Self.three, in: scratch).quorum)
        #expect(!quorum.quorumListenOnAllIPs)
        #expect(quorum.cnxTimeoutMs == 5000)
        #expect(quorum.electionPortBindRetries == 3)
        #expect(!quorum.multiAddressEnabled)
    }

    @Test func aPeerTypeThatDisagreesWithTheServerLineIsOverriddenWithAWarning() throws {
        let scratch = try ConfigScratch()
        let config = try load(Self.limits + "peerType=observer\n" + Self.three, in: scratch)
        #expect(config.quorum?.peerType == .participant)
        #expect(config.warnings.contains(
            "\(scratch.path("zoo.cfg")):6: peerType: observer disagrees with server.1, which makes this server a participant; using participant, as Apache does"))
    }

    @Test func theDynamicConfigFileSuppliesTheEnsembleAndItsVersion() throws {
        let scratch = try ConfigScratch()
        let dynamic = try scratch.write(
            "zoo.cfg.dynamic.100000000",
            "server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\n"
                + "server.3=127.0.0.1:2890:3890:participant;0.0.0.0:2183\n")
        let config = try load("tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={dir}\ndynamicConfigFile=\(dynamic)\n", myid: "3", in: scratch)
        let quorum = try #require(config.quorum)
        #expect(quorum.verifier.version == 0x1_0000_0000)
        #expect(quorum.membershipSource == dynamic)
        #expect(config.clientPort == 2183)
        #expect(quorum.verifier.configText == """
            server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181
            server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182
            server.3=127.0.0.1:2890:3890:participant;0.0.0.0:2183
            version=100000000
            """)
    }

    @Test(arguments: [("zoo.cfg.dynamic.100000000", Int64(0x1_0000_0000)), ("zoo.cfg.dynamic", 0), ("/a.b/dynamic", 0), ("zoo.cfg.dynamic.next", 0), ("x.ff", 255)])
    func theDynamicConfigVersionIsTheHexAfterTheLastDot(_ name: String, _ version: Int64) {
        #expect(ZooCfgParser.dynamicConfigVersion(fileName: name) == version)
    }

    @Test func aVersionInZooCfgItselfIsTheConfigVersion() throws {
        let scratch = try ConfigScratch()
        let config = try load(Self.limits + "version=1a\n" + Self.three, in: scratch)
        #expect(config.quorum?.verifier.version == 0x1a)
        #expect(config.quorum?.verifier.configText.hasSuffix("\nversion=1a") == true)
        #expect(config.warnings.isEmpty)
    }

    @Test func groupsAndWeightsMakeTheQuorumHierarchical() throws {
        let scratch = try ConfigScratch()
        let servers = (1...9).map { "server.\($0)=zk\($0):2888:3888\n" }.joined()
        let weights = (1...9).map { "weight.\($0)=1\n" }.joined()
        let config = try load(Self.limits + servers + "group.1=1:2:3\ngroup.2=4:5:6\ngroup.3=7:8:9\n" + weights, myid: "5", in: scratch)
        let verifier = try #require(config.quorum?.verifier)
        #expect(verifier.kind == .hierarchical(groups: [1: [1, 2, 3], 2: [4, 5, 6], 3: [7, 8, 9]], weights: Dictionary(uniqueKeysWithValues: (1...9).map { (Int64($0), Int64(1)) })))
        #expect(verifier.containsQuorum([1, 2, 4, 5]))
        #expect(!verifier.containsQuorum([1, 2, 3, 4]))
        #expect(config.warnings.isEmpty)
    }

    @Test func aWeightForAnObserverIsIgnoredWithAWarning() throws {
        let scratch = try ConfigScratch()
        let config = try load(
            Self.limits + "server.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888:observer\ngroup.1=1:2\nweight.3=4\n",
            in: scratch)
        #expect(config.quorum?.verifier.weight(of: 3) == 0)
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")):10: weight.3: server 3 is an observer, which never votes; its weight is ignored"])
    }

    // MARK: start-up

    @Test func startUpRefusesQuorumModeNamingTheServerLines() throws {
        let scratch = try ConfigScratch()
        let config = try load(Self.limits + Self.three + "server.4=zk4:2888:3888:observer\n", in: scratch)
        let file = scratch.path("zoo.cfg")
        #expect(throws: ConfigError(
            file: file, line: 6, key: "server.1",
            message: "quorum mode (server.N lines in \(file): 3 participants and 1 observer) is not supported yet; "
                + "SwiftZK runs standalone only: keep one participant server.N line with standaloneEnabled=true, "
                + "or run this ensemble on Apache ZooKeeper")) {
            try config.checkStandalone()
        }
    }

    @Test func theServerRefusesToStartInQuorumModeBeforeTouchingDataDir() async throws {
        let scratch = try ConfigScratch()
        var config = try load(Self.limits + Self.three, in: scratch)
        config.dataDir = scratch.path("untouched")
        config.dataLogDir = config.dataDir
        config.clientPort = 0
        config.clientPortAddress = "127.0.0.1"
        let server = ZooKeeperServer(config: config, logger: Logger(label: "test"))
        do {
            let address = try await server.start()
            Issue.record("started on \(address) in quorum mode")
        } catch {
            #expect("\(error)".contains("quorum mode (server.N lines in \(scratch.path("zoo.cfg")): 3 participants) is not supported yet"))
        }
        try await server.shutdown()
        #expect(!FileManager.default.fileExists(atPath: scratch.path("untouched")))
    }

    // MARK: myid

    @Test func quorumModeNeedsAMyidFile() throws {
        let scratch = try ConfigScratch()
        let myid = scratch.path("myid")
        let error = try #require(try scratch.loadError(Self.limits + Self.three))
        #expect(error.description == "\(myid): missing; quorum mode (server.N lines in \(scratch.path("zoo.cfg"))) needs this server's id in it, the N of its server.N line (for example: echo 1 > \(myid))")
    }

    @Test func myidMustNameAMember() throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "4\n")
        let error = try #require(try scratch.loadError(Self.limits + Self.three))
        #expect(error.description == "\(scratch.path("myid")):1: this server is 4, but \(scratch.path("zoo.cfg")) has no server.4 line (its servers are 1, 2, 3); write one of those ids here, or add a server.4 line")
    }

    @Test(arguments: ["abc", "1x", "", "300"])
    func aNonNumericMyidIsRefusedInQuorumMode(_ content: String) throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", content + "\n")
        let error = try #require(try scratch.loadError(Self.limits + Self.three))
        #expect(error.description == scratch.path("myid") + #":1: expected a server id from 0 to 254, got "\#(content)""#)
    }

    // MARK: malformed ensembles

    static let badEnsembles: [(text: String, message: String)] = [
        ("initLimit=0\nsyncLimit=5\n" + three, #":2: initLimit: expected a positive integer number of ticks in quorum mode, got "0""#),
        ("initLimit=10\nsyncLimit=0\n" + three, #":3: syncLimit: expected a positive integer number of ticks in quorum mode, got "0""#),
        ("initLimit=10\nsyncLimit=5\nelectionAlg=1\n" + three, #":4: electionAlg: expected 3 (the only election algorithm in Apache ZooKeeper 3.9), got "1""#),
        ("initLimit=10\nsyncLimit=5\ncnxTimeout=-1\n" + three, #":4: cnxTimeout: expected a non-negative integer in milliseconds (0 waits without limit), got "-1""#),
        ("initLimit=10\nsyncLimit=5\nelectionPortBindRetry=-2\n" + three, #":4: electionPortBindRetry: expected a non-negative integer number of retries (0 retries forever), got "-2""#),
        ("initLimit=10\nsyncLimit=5\nversion=1g\n" + three, #":4: version: expected the config version in hex (as Apache writes it, version=100000000), got "1g""#),
        ("initLimit=10\nsyncLimit=5\nquorumListenOnAllIPs=yes\n" + three, #":4: quorumListenOnAllIPs: expected true or false, got "yes""#),
        ("initLimit=10\nsyncLimit=5\nserver.1=zk1:2888:3888\nserver.2=zk2:2888\n", #":5: server.2: expected host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort], got "zk2:2888""#),
        ("initLimit=10\nsyncLimit=5\nserver.1=zk1:2888:3888:observer\nserver.2=zk2:2888:3888:observer\n", ":4: server.1: expected at least one participant: these server.N lines are all observers, which need participants to follow (Apache rejects this)"),
        ("server.1=zk1:2888:3888\nserver.2=zk2:2888:3888:observer\n", ":3: server.2: one participant with standaloneEnabled=true runs standalone, so observers have no quorum to follow (Apache rejects this); add participants, or set standaloneEnabled=false"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2\n", ":6: server.3: server 3 is a participant in no group: with group.N lines every participant must be in exactly one group; add 3 to one"),
        ("initLimit=10\nsyncLimit=5\n" + three + "weight.1=2\n", ":4: server.1: server 1 is a participant in no group: weight.N lines need group.N lines, and every participant in exactly one group (for example group.1=1:2:3)"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2\ngroup.2=2:3\n", ":8: group.2: server 2 is already in group 1 (at {file}:7); a server belongs to exactly one group"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\ngroup.2=9\n", ":8: group.2: server 9 has no server.9 line; list only members of the ensemble (add server.9 or remove 9 from this group)"),
        ("initLimit=10\nsyncLimit=5\n" + three + "server.4=zk4:2888:3888:observer\ngroup.1=1:2:3:4\n", ":8: group.1: server 4 is an observer, and observers never vote; remove it from group 1"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\nweight.9=1\n", ":8: weight.9: server 9 has no server.9 line; remove this weight or add the server"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\nweight.1=-1\n", #":8: weight.1: expected a non-negative integer weight (0 means the server never counts), got "-1""#),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\nweight.1=0\nweight.2=0\nweight.3=0\n", ":7: group.1: every group weighs 0, so no quorum could ever form; give some participants a weight above 0"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:x:3\n", #":7: group.1: expected server ids separated by ':' (for example group.1=1:2:3), got "1:x:3""#),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1::3\n", #":7: group.1: expected server ids separated by ':' (for example group.1=1:2:3), got "1::3""#),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:1:3\n", ":7: group.1: server 1 is listed twice; a server belongs to exactly one group"),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\ngroup.01=1\n", ":8: group.01: group 1 is also defined at {file}:7; merge the two lines"),
        ("initLimit=10\nsyncLimit=5\n" + three + "groups=1:2:3\n", #":7: groups: expected group.G with G a non-negative integer group id, got "groups""#),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\nweight.x=1\n", #":8: weight.x: expected weight.N with N a non-negative integer server id, got "weight.x""#),
        ("initLimit=10\nsyncLimit=5\n" + three + "group.1=1:2:3\nweight.1=2\nweight.01=3\n", ":9: weight.01: the weight of server 1 is also set at {file}:8; keep one line"),
    ]

    @Test(arguments: badEnsembles)
    func aMalformedEnsembleIsRefusedWithFileLineAndFix(_ text: String, _ message: String) throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "1\n")
        let file = scratch.path("zoo.cfg")
        let error = try #require(try scratch.loadError("dataDir={dir}\n" + text))
        #expect(error.description == file + message.replacingOccurrences(of: "{file}", with: file))
    }

    @Test(arguments: ["initLimit", "syncLimit"])
    func quorumModeNeedsInitLimitAndSyncLimitWritten(_ key: String) throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "1\n")
        let other = key == "initLimit" ? "syncLimit=5" : "initLimit=10"
        let example = key == "initLimit" ? "initLimit=10" : "syncLimit=5"
        let file = scratch.path("zoo.cfg")
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\n\(other)\n" + Self.three))
        #expect(error.description == "\(file): \(key): not set; quorum mode (server.N lines in \(file)) needs it, in ticks (for example \(example))")
    }

    @Test func standaloneDisabledWithOnlyObserversIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nstandaloneEnabled=false\nserver.1=zk1:2888:3888:observer\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: standaloneEnabled: false needs at least one participant server.N line, as in Apache ZooKeeper; found only observers")
    }
}
