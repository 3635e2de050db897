import Foundation
import Testing
import ZKServerCore

@testable import ZKServer

/// `swiftzk server --set k=v` and `-Dzookeeper.k=v` apply after the file, as extra lines.
@Suite struct ConfigOverrideTests {
    static let base = "dataDir={dir}\nclientPort=2181\ntickTime=2000\n"

    @Test func anOverrideWinsOverTheFile() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.base, overrides: ["tickTime=500", "clientPort = 2999 "])
        #expect(config.tickTime == 500)
        #expect(config.minSessionTimeout == 1000)
        #expect(config.clientPort == 2999)
        #expect(config.warnings.isEmpty)
    }

    @Test(arguments: [
        "zookeeper.extendedTypesEnabled=true",
        "extendedTypesEnabled=true",
    ])
    func theZookeeperPrefixIsOptional(_ override: String) throws {
        let scratch = try ConfigScratch()
        #expect(try scratch.load(Self.base, overrides: [override]).extendedTypesEnabled)
    }

    @Test func systemPropertyStyleOverridesReachTheirFields() throws {
        let config = try ServerConfig.load(path: nil, overrides: [
            "zookeeper.skipACL=yes",
            "zookeeper.4lw.commands.whitelist=ruok,mntr",
            "jute.maxbuffer=0x200000",
            "readonlymode.enabled=true",
            "zookeeper.DigestAuthenticationProvider.superDigest=super:abc=",
            "znode.container.checkIntervalMs=5000",
            "zookeeper.snapCount=1000",
            "zookeeper.globalOutstandingLimit=2000",
            "zookeeper.preAllocSize=1024",
            "zookeeper.snapSizeLimitInKb=2048",
        ])
        #expect(config.skipACL)
        #expect(config.fourLetterWords == ["srvr", "ruok", "mntr", "isro"])
        #expect(config.juteMaxBuffer == 0x200000)
        #expect(config.readOnlyModeEnabled)
        #expect(config.superDigest == "super:abc=")
        #expect(config.containerCheckIntervalMs == 5000)
        #expect(config.snapCount == 1000)
        #expect(config.globalOutstandingLimit == 2000)
        #expect(config.preAllocSizeKB == 1024)
        #expect(config.snapSizeLimitInKb == 2048)
        // Stored, but read-only mode is not built yet: named in the one warning.
        #expect(config.warnings == ["--set: accepted but not acted on yet: readonlymode.enabled"])
    }

    @Test func anOverrideValueMayContainEquals() throws {
        let config = try ServerConfig.load(path: nil, overrides: ["DigestAuthenticationProvider.superDigest=super:x/y+z="])
        #expect(config.superDigest == "super:x/y+z=")
    }

    @Test func aBadOverrideIsReportedAsSetWithoutALine() throws {
        let scratch = try ConfigScratch()
        let file = try scratch.write("zoo.cfg", Self.base)
        #expect(throws: ConfigError(file: "--set", key: "extendedTypesEnabled", message: #"expected true or false, got "maybe""#)) {
            try ServerConfig.load(path: file, overrides: ["zookeeper.extendedTypesEnabled=maybe"])
        }
        let error = try #require(try scratch.loadError(Self.base, overrides: ["tickTime=abc"]))
        #expect(error.description == #"--set: tickTime: expected a positive integer in milliseconds, got "abc""#)
    }

    @Test(arguments: ["tickTime", "=5", "zookeeper.=5", ""])
    func anOverrideWithoutKeyAndValueIsRefused(_ override: String) {
        #expect(throws: ConfigError(file: "--set", message: "expected key=value, got \"\(override)\"")) {
            try ServerConfig.load(path: nil, overrides: [override])
        }
    }

    @Test func anOverrideCanSupplyTheKeysAFileMisses() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("tickTime=2000\n", overrides: ["dataDir={dir}", "clientPort=2182"])
        #expect(config.dataDir == scratch.directory)
        #expect(config.clientPort == 2182)
    }

    @Test func anOverrideServerLineCountsTowardsTheEnsemble() throws {
        let scratch = try ConfigScratch()
        try scratch.write("myid", "2\n")
        let config = try scratch.load(Self.base + "initLimit=10\nsyncLimit=5\nserver.1=zk1:2888:3888\n", overrides: ["server.2=zk2:2888:3888"])
        #expect(config.quorum?.verifier.votingMembers == [1, 2])
        #expect(config.quorum?.myid == 2)
    }

    @Test func anOverrideServerLineReplacesTheDefaultClientPortWithoutAFile() throws {
        let config = try ServerConfig.load(path: nil, overrides: ["server.5=localhost:2888:3888;2195"])
        #expect(config.serverId == 5)
        #expect(config.clientPort == 2195)
    }

    @Test func anOverrideClientPortAddressUsesTheEmbeddedClientPort() throws {
        let config = try ServerConfig.load(path: nil, overrides: ["clientPortAddress=127.0.0.1"])
        #expect(config.clientPort == 2181)
        #expect(config.clientPortAddress == "127.0.0.1")
    }

    @Test func overridesMakingMinAboveMaxAreReportedAsSet() throws {
        let error = try #require(throws: ConfigError.self) {
            try ServerConfig.load(path: nil, overrides: ["minSessionTimeout=90000"])
        }
        #expect(error.description == "--set: minSessionTimeout: expected minSessionTimeout (90000 ms) to be at most maxSessionTimeout (40000 ms)")
    }
}
