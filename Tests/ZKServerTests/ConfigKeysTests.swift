import Foundation
import Testing

@testable import ZKServer

/// One zoo.cfg snippet and what it must do to the loaded config.
struct ConfigKeyCase: Sendable, CustomTestStringConvertible {
    let lines: String
    let check: @Sendable (ServerConfig) -> Bool
    var testDescription: String { lines.replacingOccurrences(of: "\n", with: " ⏎ ") }

    init(_ lines: String, _ check: @escaping @Sendable (ServerConfig) -> Bool) {
        self.lines = lines
        self.check = check
    }

    /// The key of the last line, the one the case is about.
    var key: String {
        let last = lines.split(separator: "\n").last.map(String.init) ?? ""
        return String(last.prefix { $0 != "=" })
    }
}

@Suite struct ConfigKeysTests {
    static let base = "dataDir={dir}\nclientPort=2181\n"

    static let actedOnCases: [ConfigKeyCase] = [
        ConfigKeyCase("tickTime=1500") { $0.tickTime == 1500 && $0.minSessionTimeout == 3000 },
        ConfigKeyCase("initLimit=20") { $0.initLimit == 20 },
        ConfigKeyCase("syncLimit=7") { $0.syncLimit == 7 },
        ConfigKeyCase("dataDir={dir}/other") { $0.dataDir.hasSuffix("/other") && $0.dataLogDir.hasSuffix("/other") },
        ConfigKeyCase("clientPort=2888") { $0.clientPort == 2888 },
        ConfigKeyCase("clientPort=0") { $0.clientPort == 0 },
        ConfigKeyCase("clientPortAddress=127.0.0.1") { $0.clientPortAddress == "127.0.0.1" },
        ConfigKeyCase("clientPortAddress=[::1]") { $0.clientPortAddress == "::1" },
        ConfigKeyCase("maxClientCnxns=0") { $0.maxClientCnxns == 0 },
        ConfigKeyCase("minSessionTimeout=3000") { $0.minSessionTimeout == 3000 },
        ConfigKeyCase("maxSessionTimeout=90000") { $0.maxSessionTimeout == 90000 },
        ConfigKeyCase("4lw.commands.whitelist=ruok, stat,,mntr") { $0.fourLetterWords == ["srvr", "ruok", "stat", "mntr"] },
        ConfigKeyCase("4lw.commands.whitelist=*") { $0.fourLetterWords == ZooCfgKeys.knownFourLetterWords },
        ConfigKeyCase("4lw.commands.whitelist=ruok, *") { $0.fourLetterWords.count == 21 },
        ConfigKeyCase("4lw.commands.whitelist=") { $0.fourLetterWords == ["srvr"] },
        ConfigKeyCase("extendedTypesEnabled=true") { $0.extendedTypesEnabled },
        ConfigKeyCase("extendedTypesEnabled=FALSE") { !$0.extendedTypesEnabled },
        ConfigKeyCase("jute.maxbuffer=4194304") { $0.juteMaxBuffer == 4_194_304 },
        ConfigKeyCase("jute.maxbuffer=0x400000") { $0.juteMaxBuffer == 4_194_304 },
        ConfigKeyCase("DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=") {
            $0.superDigest == "super:D/InIHSb7yEEbrWz8b9l71RjZJU="
        },
        ConfigKeyCase("DigestAuthenticationProvider.superDigest=") { $0.superDigest == nil },
        ConfigKeyCase("skipACL=yes") { $0.skipACL },
        ConfigKeyCase("skipACL=true") { $0.skipACL },
        ConfigKeyCase("skipACL=no") { !$0.skipACL },
        ConfigKeyCase("znode.container.checkIntervalMs=1000") { $0.containerCheckIntervalMs == 1000 },
        ConfigKeyCase("znode.container.maxPerMinute=5") { $0.containerMaxPerMinute == 5 },
        ConfigKeyCase("znode.container.maxNeverUsedIntervalMs=30000") { $0.containerMaxNeverUsedIntervalMs == 30000 },
        ConfigKeyCase("standaloneEnabled=true") { $0.standaloneEnabled },
        ConfigKeyCase("reconfigEnabled=true") { $0.reconfigEnabled },
        ConfigKeyCase("dataLogDir={dir}/log") { $0.dataLogDir.hasSuffix("/log") && !$0.dataDir.hasSuffix("/log") },
        ConfigKeyCase("snapCount=5000") { $0.snapCount == 5000 },
        ConfigKeyCase("snapCount=010") { $0.snapCount == 8 },  // Integer.getInteger reads octal
        ConfigKeyCase("snapSizeLimitInKb=1024") { $0.snapSizeLimitInKb == 1024 },
        ConfigKeyCase("snapSizeLimitInKb=-1") { $0.snapSizeLimitInKb == -1 },
        ConfigKeyCase("preAllocSize=1024") { $0.preAllocSizeKB == 1024 },
        ConfigKeyCase("autopurge.snapRetainCount=5") { $0.snapRetainCount == 5 },
        ConfigKeyCase("autopurge.purgeInterval=24") { $0.purgeIntervalHours == 24 },
        ConfigKeyCase("autopurge.purgeInterval=-1") { $0.purgeIntervalHours == 0 },
        ConfigKeyCase("forceSync=no") { $0.properties["forceSync"] == "no" },
        ConfigKeyCase("globalOutstandingLimit=50") { $0.globalOutstandingLimit == 50 && $0.effectiveLimits.globalOutstandingRequests == 50 },
        ConfigKeyCase("swiftzk.maxOutstandingPerConnection=20") { $0.effectiveLimits.outstandingRequestsPerConnection == 20 },
        ConfigKeyCase("swiftzk.maxQueuedReplyBytes=8000000000") { $0.effectiveLimits.queuedReplyBytesPerConnection == 8_000_000_000 },
        ConfigKeyCase("swiftzk.maxWatchesPerSession=100") { $0.effectiveLimits.watchesPerSession == 100 },
        ConfigKeyCase("swiftzk.maxEphemeralsPerSession=0") { $0.effectiveLimits.ephemeralsPerSession == 0 },
        ConfigKeyCase("swiftzk.maxLogQueueDepth=500") { $0.effectiveLimits.logQueueTransactions == 500 },
        ConfigKeyCase("swiftzk.childListingCacheBytes=0") { $0.effectiveLimits.childListingCacheBytes == 0 },
        ConfigKeyCase("server.3=zk3.example.com:2888:3888") { $0.servers == [3: "zk3.example.com:2888:3888"] && $0.serverId == 3 },
    ]

    @Test(arguments: actedOnCases)
    func actedOnKeySetsItsFieldWithoutWarning(_ testCase: ConfigKeyCase) throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.base + testCase.lines + "\n")
        #expect(testCase.check(config))
        #expect(config.warnings.isEmpty)
    }

    @Test func everyActedOnKeyHasACase() {
        let tested = Set(Self.actedOnCases.map(\.key)).union(["dynamicConfigFile"])  // ConfigServerLineTests
        let listed = Set(ZooCfgKeys.actedOn).union(["server.3"])
        #expect(tested == listed)
    }

    static let storedNotActedOnCases: [ConfigKeyCase] = [
        ConfigKeyCase("secureClientPort=2281") { $0.secureClientPort == 2281 },
        ConfigKeyCase("secureClientPort=2281\nsecureClientPortAddress=127.0.0.1") { $0.secureClientPortAddress == "127.0.0.1" },
        ConfigKeyCase("admin.enableServer=false") { !$0.adminEnableServer },
        ConfigKeyCase("admin.serverAddress=127.0.0.1") { $0.adminServerAddress == "127.0.0.1" },
        ConfigKeyCase("admin.serverPort=9090") { $0.adminServerPort == 9090 },
        ConfigKeyCase("readonlymode.enabled=true") { $0.readOnlyModeEnabled && $0.fourLetterWords == ["srvr", "isro"] },
    ]

    @Test(arguments: storedNotActedOnCases)
    func storedButNotActedOnKeySetsItsFieldAndIsNamedInTheWarning(_ testCase: ConfigKeyCase) throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.base + testCase.lines + "\n")
        #expect(testCase.check(config))
        let keys = testCase.lines.split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")): accepted but not acted on yet: \(keys.joined(separator: ", "))"])
    }

    @Test func snapRetainCountBelowThreeIsRaisedWithAWarning() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.base + "autopurge.snapRetainCount=1\n")
        #expect(config.snapRetainCount == 3)
        let file = scratch.path("zoo.cfg")
        #expect(config.warnings == ["\(file):3: autopurge.snapRetainCount: 1 is below the minimum of 3; using 3"])
    }

    @Test func snapCountBelowTwoIsRaisedWithAWarning() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.base + "snapCount=1\n")
        #expect(config.snapCount == 2)
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")):3: snapCount: 1 is below the minimum of 2; using 2"])
    }

    @Test func unknownFourLetterWordsAreDroppedWithAWarning() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(Self.base + "4lw.commands.whitelist=ruok, ruk, telnet\n")
        #expect(config.fourLetterWords == ["srvr", "ruok"])
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")):3: 4lw.commands.whitelist: unknown four-letter words ignored: ruk, telnet"])
    }

    @Test func relativeDataDirIsKeptAsWrittenWithApachesWarning() throws {
        let scratch = try ConfigScratch()
        let file = try scratch.write("zoo.cfg", "clientPort=2181\ndataDir=swiftzk-test-data-\(UUID().uuidString)\n")
        let config = try ServerConfig.load(path: file)
        #expect(config.dataDir.hasPrefix("swiftzk-test-data-"))
        #expect(config.dataLogDir == config.dataDir)
        #expect(config.warnings == ["\(file):2: dataDir: \"\(config.dataDir)\" is relative to the working directory; write \"./\(config.dataDir)\" to show that is intended"])
    }

    @Test func dotSlashRelativeDataDirIsKeptWithoutWarning() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("clientPort=2181\ndataDir=./swiftzk-test-data-\(UUID().uuidString)\n")
        #expect(config.dataDir.hasPrefix("./swiftzk-test-data-"))
        #expect(config.warnings.isEmpty)
    }
}
