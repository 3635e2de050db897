import Foundation
import Testing

@testable import ZKServer

@Suite struct ConfigDefaultsTests {
    @Test func embeddedDefaultHasSampleConfigValues() {
        let config = ServerConfig.embeddedDefault()
        #expect(config.sourceFile == nil)
        #expect(config.tickTime == 2000)
        #expect(config.initLimit == 10)
        #expect(config.syncLimit == 5)
        #expect(config.dataDir == "swiftzk-data")
        #expect(config.dataLogDir == "swiftzk-data")
        #expect(config.clientPort == 2181)
        #expect(config.clientPortAddress == nil)
        #expect(config.secureClientPort == nil)
        #expect(config.secureClientPortAddress == nil)
        #expect(config.maxClientCnxns == 60)
        #expect(config.minSessionTimeout == 4000)
        #expect(config.maxSessionTimeout == 40000)
        #expect(config.snapRetainCount == 3)
        #expect(config.purgeIntervalHours == 0)
        #expect(config.snapCount == 100_000)
        #expect(config.snapSizeLimitInKb == 4_194_304)
        #expect(config.preAllocSizeKB == 65536)
        #expect(config.globalOutstandingLimit == 1000)
        #expect(config.fourLetterWords == ["srvr"])
        #expect(config.adminEnableServer == true)
        #expect(config.adminServerAddress == "0.0.0.0")
        #expect(config.adminServerPort == 8080)
        #expect(config.extendedTypesEnabled == false)
        #expect(config.juteMaxBuffer == 0xfffff)
        #expect(config.superDigest == nil)
        #expect(config.readOnlyModeEnabled == false)
        #expect(config.skipACL == false)
        #expect(config.containerCheckIntervalMs == 60000)
        #expect(config.containerMaxPerMinute == 10000)
        #expect(config.containerMaxNeverUsedIntervalMs == 0)
        #expect(config.servers.isEmpty)
        #expect(config.serverId == 0)
        #expect(config.standaloneEnabled == true)
        #expect(config.reconfigEnabled == false)
        #expect(config.warnings.isEmpty)
    }

    @Test func loadingWithoutAFileGivesTheEmbeddedDefault() throws {
        #expect(try ServerConfig.load(path: nil) == ServerConfig.embeddedDefault())
    }

    @Test func aMinimalFileGetsApacheDefaults() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}/data\nclientPort=2181\n")
        var expected = ServerConfig.embeddedDefault()
        expected.sourceFile = scratch.path("zoo.cfg")
        expected.dataDir = scratch.path("data")
        expected.dataLogDir = scratch.path("data")
        // Apache 3.9's ZooKeeperServer.DEFAULT_TICK_TIME when the file has none.
        expected.tickTime = 3000
        expected.minSessionTimeout = 6000
        expected.maxSessionTimeout = 60000
        expected.properties = ["dataDir": scratch.path("data"), "clientPort": "2181"]
        #expect(config == expected)
    }

    @Test func sessionTimeoutsDefaultToTickTimeMultiples() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\ntickTime=500\n")
        #expect(config.minSessionTimeout == 1000)
        #expect(config.maxSessionTimeout == 10000)
    }

    @Test func minusOneSessionTimeoutsMeanTheDefault() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\ntickTime=100\nminSessionTimeout=-1\nmaxSessionTimeout=-1\n")
        #expect(config.minSessionTimeout == 200)
        #expect(config.maxSessionTimeout == 2000)
    }

    @Test func oneExplicitSessionTimeoutKeepsTheOtherDefault() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\ntickTime=1000\nmaxSessionTimeout=5000\n")
        #expect(config.minSessionTimeout == 2000)
        #expect(config.maxSessionTimeout == 5000)
    }

    @Test func dataLogDirDefaultsToDataDir() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}/snap\nclientPort=2181\n")
        #expect(config.dataLogDir == scratch.path("snap"))
    }

    @Test func embeddedDefaultTakesOverridesOnTopOfItsOwnValues() throws {
        let config = try ServerConfig.load(path: nil, overrides: ["tickTime=100"])
        #expect(config.tickTime == 100)
        #expect(config.minSessionTimeout == 200)
        #expect(config.clientPort == 2181)
        #expect(config.dataDir == "swiftzk-data")
        #expect(config.sourceFile == nil)
    }
}
