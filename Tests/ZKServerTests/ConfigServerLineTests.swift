import Foundation
import Testing
import ZKServerCore

@testable import ZKServer

/// One server.N line means standalone, as in Apache; two or more
/// participants are quorum mode (ConfigQuorumTests).
@Suite struct ConfigServerLineTests {
    // MARK: server.N value syntax

    static let goodLines: [(String, QuorumServerSpec)] = [
        ("zk1:2888:3888", QuorumServerSpec(addresses: [.init(host: "zk1", quorumPort: 2888, electionPort: 3888)], role: .participant)),
        ("zk1:2888:3888:observer", QuorumServerSpec(addresses: [.init(host: "zk1", quorumPort: 2888, electionPort: 3888)], role: .observer)),
        ("zk1:2888:3888: Participant ", QuorumServerSpec(addresses: [.init(host: "zk1", quorumPort: 2888, electionPort: 3888)], role: .participant)),
        ("zk1:2888:3888;2181", QuorumServerSpec(addresses: [.init(host: "zk1", quorumPort: 2888, electionPort: 3888)], role: .participant, clientPort: 2181)),
        ("zk1:2888:3888:participant;127.0.0.1:2181", QuorumServerSpec(addresses: [.init(host: "zk1", quorumPort: 2888, electionPort: 3888)], role: .participant, clientAddress: "127.0.0.1", clientPort: 2181)),
        ("[2001:db8::1]:2888:3888;[::1]:2181", QuorumServerSpec(addresses: [.init(host: "2001:db8::1", quorumPort: 2888, electionPort: 3888)], role: .participant, clientAddress: "::1", clientPort: 2181)),
        ("zk1:2888:3888;", QuorumServerSpec(addresses: [.init(host: "zk1", quorumPort: 2888, electionPort: 3888)], role: .participant)),
    ]

    @Test(arguments: goodLines)
    func serverLineSyntaxIsParsedAsQuorumServerDoes(_ raw: String, _ expected: QuorumServerSpec) throws {
        #expect(try QuorumServerSpec.parse(raw, multiAddressEnabled: false) == expected)
    }

    @Test func severalAddressesNeedMultiAddressEnabled() throws {
        let raw = "zk1a:2888:3888|zk1b:2889:3889"
        #expect(throws: QuorumServerSpec.SyntaxError(message: #"expected one server address (set multiAddress.enabled=true for several), got "zk1a:2888:3888|zk1b:2889:3889""#)) {
            try QuorumServerSpec.parse(raw, multiAddressEnabled: false)
        }
        let spec = try QuorumServerSpec.parse(raw, multiAddressEnabled: true)
        #expect(spec.addresses.map(\.host) == ["zk1a", "zk1b"])
    }

    static let form = "host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]"

    static let badLines: [(String, String)] = [
        ("zk1", #"expected \#(form), got "zk1""#),
        ("zk1:2888", #"expected \#(form), got "zk1:2888""#),
        ("zk1:2888:3888:observer:x", #"expected \#(form), got "zk1:2888:3888:observer:x""#),
        (":2888:3888", #"expected \#(form), got ":2888:3888""#),
        ("", #"expected \#(form), got """#),
        ("zk1:2888:3888;2181;2182", #"expected \#(form), got "zk1:2888:3888;2181;2182""#),
        ("zk1:2888:3888;a:b:2181", #"expected \#(form), got "zk1:2888:3888;a:b:2181""#),
        ("[::1:2888:3888", #"expected \#(form), got "[::1:2888:3888""#),
        ("zk1:28x8:3888", #"expected a port number from 0 to 65535 for the quorum port, got "zk1:28x8:3888""#),
        ("zk1:2888:70000", #"expected a port number from 0 to 65535 for the election port, got "zk1:2888:70000""#),
        ("zk1:2888:3888;-1", #"expected a port number from 0 to 65535 for the client port, got "zk1:2888:3888;-1""#),
        ("zk1:2888:2888", #"expected different quorum and election ports, got "zk1:2888:2888""#),
        ("zk1:2888:3888:leader", #"expected participant or observer as the role, got "leader""#),
    ]

    @Test(arguments: badLines)
    func badServerLineIsRefusedWithFileLineAndKey(_ raw: String, _ message: String) throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nserver.1=\(raw)\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: server.1: " + message)
    }

    @Test(arguments: ["server.x", "server.", "server.-1"])
    func serverKeyWithoutANumericIdIsRefused(_ key: String) throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\n\(key)=zk1:2888:3888\n"))
        #expect(error.description == scratch.path("zoo.cfg") + #":3: \#(key): expected server.N with N a non-negative integer server id, got "\#(key)""#)
    }

    // MARK: one line, two lines

    @Test func oneServerLineRunsStandaloneWithItsId() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\nserver.7=localhost:2888:3888\n")
        #expect(config.servers == [7: "localhost:2888:3888"])
        #expect(config.serverId == 7)
        #expect(config.clientPort == 2181)
        #expect(config.warnings.isEmpty)
    }

    @Test func theServerLinesClientPortSuppliesClientPort() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nserver.1=localhost:2888:3888;2191\n")
        #expect(config.clientPort == 2191)
        #expect(config.clientPortAddress == nil)
    }

    @Test func theServerLinesClientAddressSuppliesClientPortAddress() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nserver.1=localhost:2888:3888;127.0.0.1:2191\n")
        #expect(config.clientPort == 2191)
        #expect(config.clientPortAddress == "127.0.0.1")
    }

    @Test func aWildcardClientPortAddressWithTheSamePortAgreesWithTheServerLine() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2191\nclientPortAddress=0.0.0.0\nserver.1=localhost:2888:3888;10.0.0.1:2191\n")
        #expect(config.clientPort == 2191)
        #expect(config.clientPortAddress == "10.0.0.1")
    }

    @Test func aClientPortThatDisagreesWithTheServerLineIsRefused() throws {
        let scratch = try ConfigScratch()
        let file = scratch.path("zoo.cfg")
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nserver.1=localhost:2888:3888;2191\n"))
        #expect(error.description == "\(file):3: server.1: client address 0.0.0.0:2191 after ';' differs from 0.0.0.0:2181 set by clientPort at \(file):2; make them agree or remove one")
    }

    @Test func aClientPortAddressThatDisagreesWithTheServerLineIsRefused() throws {
        let scratch = try ConfigScratch()
        let file = scratch.path("zoo.cfg")
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nclientPortAddress=127.0.0.1\nserver.1=localhost:2888:3888;2181\n"))
        #expect(error.description == "\(file):4: server.1: client address 0.0.0.0:2181 after ';' differs from 127.0.0.1:2181 set by clientPortAddress at \(file):3 and clientPort at \(file):2; make them agree or remove one")
    }

    @Test func threeServerLinesLoadInQuorumModeAndAreRefusedAtStartUp() throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "1\n")
        let text = "tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={dir}\nclientPort=2181\n\n"
            + "# the ensemble\n\n\n\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n"
        let config = try scratch.load(text)
        #expect(config.quorum?.verifier.votingMembers == [1, 2, 3])
        let file = scratch.path("zoo.cfg")
        #expect(throws: ConfigError.self) { try config.checkStandalone() }
        do {
            try config.checkStandalone()
        } catch {
            #expect(error.description.hasPrefix("\(file):11: server.1: quorum mode (server.N lines in \(file): 3 participants) is not supported yet"))
        }
    }

    @Test func theSameIdWrittenTwiceIsOneServer() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\nserver.1=zk1:2888:3888\nserver.01=zk1b:2888:3888\n")
        #expect(config.servers == [1: "zk1b:2888:3888"])
        #expect(config.serverId == 1)
    }

    @Test func aLoneObserverIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nserver.1=zk1:2888:3888:observer\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: server.1: expected participant: a lone server.N line cannot be an observer (Apache rejects observers without participants)")
    }

    @Test func standaloneDisabledWithoutServerLinesIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nstandaloneEnabled=false\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: standaloneEnabled: false needs at least one server.N line, as in Apache ZooKeeper; found none")
    }

    @Test func aServerIdAbove254IsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\nserver.255=zk1:2888:3888\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: server.255: expected a server id from 0 to 254 (it goes in the top byte of session ids), got 255")
    }

    // MARK: myid

    @Test func myidInDataDirSetsTheServerId() throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "42\n")
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\n")
        #expect(config.serverId == 42)
    }

    @Test func myidFollowsSymlinksAsJavaIsFileDoes() throws {
        let scratch = try ConfigScratch()
        let target = try scratch.write("elsewhere/id", " 9 \r\nignored\n")
        try FileManager.default.createDirectory(atPath: scratch.path("data"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path("data/myid"), withDestinationPath: target)
        let config = try scratch.load("dataDir={dir}/data\nclientPort=2181\n")
        #expect(config.serverId == 9)
    }

    @Test func withoutMyidOrServerLinesTheIdIsZero() throws {
        let scratch = try ConfigScratch()
        #expect(try scratch.load("dataDir={dir}\nclientPort=2181\n").serverId == 0)
    }

    @Test(arguments: ["abc", "255", "-1", "", "replace this text with the cluster-unique zookeeper's instance id (1-255)"])
    func aBadMyidIsRefused(_ content: String) throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", content + "\n")
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPort=2181\n"))
        #expect(error.description == scratch.path("myid") + #":1: expected a server id from 0 to 254, got "\#(content)""#)
    }

    @Test func myidMatchingTheServerLineTakesItsClientPort() throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "2\n")
        let config = try scratch.load("dataDir={dir}\nserver.2=zk2:2888:3888;2192\n")
        #expect(config.serverId == 2)
        #expect(config.clientPort == 2192)
        #expect(config.warnings.isEmpty)
    }

    @Test func myidNotMatchingTheServerLineIgnoresItsClientPortWithAWarning() throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "3\n")
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\nserver.2=zk2:2888:3888;2192\n")
        #expect(config.serverId == 3)
        #expect(config.clientPort == 2181)
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")):3: server.2: \(scratch.path("myid")) says this server is 3, not 2; its client port is not used"])
    }

    // MARK: dynamicConfigFile

    @Test func theDynamicConfigFileSuppliesTheServerLine() throws {
        let scratch = try ConfigScratch()
        let dynamic = try scratch.write("zoo.cfg.dynamic.100000000", "server.1=localhost:2888:3888:participant;0.0.0.0:2181\n")
        let config = try scratch.load("dataDir={dir}\ndynamicConfigFile=\(dynamic)\n")
        #expect(config.servers == [1: "localhost:2888:3888:participant;0.0.0.0:2181"])
        #expect(config.clientPort == 2181)
        #expect(config.clientPortAddress == "0.0.0.0")
        #expect(config.warnings.isEmpty)
    }

    @Test func serverLinesBesideDynamicConfigFileAreRefused() throws {
        let scratch = try ConfigScratch()
        let dynamic = try scratch.write("zoo.cfg.dynamic", "server.1=localhost:2888:3888;2181\n")
        let file = scratch.path("zoo.cfg")
        let error = try #require(try scratch.loadError("dataDir={dir}\ndynamicConfigFile=\(dynamic)\nserver.1=localhost:2888:3888\n"))
        #expect(error.description == "\(file):3: server.1: expected in the dynamic config file \(dynamic) (dynamicConfigFile is set at \(file):2), not here")
    }

    @Test func otherKeysInTheDynamicConfigFileAreRefused() throws {
        let scratch = try ConfigScratch()
        let dynamic = try scratch.write("zoo.cfg.dynamic", "server.1=localhost:2888:3888;2181\nclientPort=2181\n")
        let error = try #require(try scratch.loadError("dataDir={dir}\ndynamicConfigFile=\(dynamic)\n"))
        #expect(error.description == "\(dynamic):2: clientPort: expected only server.N, group.N and weight.N keys in a dynamic config file")
    }

    @Test func aVersionInTheDynamicConfigFileIsRefused() throws {
        let scratch = try ConfigScratch()
        let dynamic = try scratch.write("zoo.cfg.dynamic", "version=100000000\nserver.1=localhost:2888:3888;2181\n")
        let error = try #require(try scratch.loadError("dataDir={dir}\ndynamicConfigFile=\(dynamic)\n"))
        #expect(error.description == "\(dynamic):1: version: expected no version in a dynamic config file (Apache takes it from the file name)")
    }

    @Test func aMissingDynamicConfigFileIsRefused() throws {
        let scratch = try ConfigScratch()
        let dynamic = scratch.path("zoo.cfg.dynamic")
        let error = try #require(try scratch.loadError("dataDir={dir}\ndynamicConfigFile=\(dynamic)\n"))
        #expect(error.description == "\(dynamic): cannot read: No such file or directory")
    }
}
