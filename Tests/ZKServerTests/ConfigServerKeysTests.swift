import Foundation
import Testing

@testable import ZKServer

/// The server keys once read raw from `properties` (maxCnxns, forceSync,
/// sessionlessCnxnTimeout, enforceQuota, adminActions.enabled and the
/// client keepalive keys) are typed fields, and a bad value stops start-up.
@Suite struct ConfigServerKeysTests {
    static let base = "dataDir={dir}\nclientPort=2181\n"

    @Test func defaultsWhenNotWritten() throws {
        let config = try ConfigScratch().load(Self.base)
        #expect(config.maxCnxns == 0)
        #expect(config.forceSync)
        #expect(config.sessionlessCnxnTimeoutMs == 10000)
        #expect(!config.enforceQuota)
        #expect(!config.adminActionsEnabled)
        #expect(!config.clientTcpKeepAlive)
        #expect(config.clientTcpKeepAliveIdleSeconds == 30)
        #expect(config.clientTcpKeepAliveIntervalSeconds == 10)
        #expect(config.clientTcpKeepAliveCount == 3)
        #expect(ServerConfig.embeddedDefault().forceSync && ServerConfig.embeddedDefault().maxCnxns == 0)
    }

    static let goodValues: [ConfigKeyCase] = [
        ConfigKeyCase("maxCnxns=0") { $0.maxCnxns == 0 },
        ConfigKeyCase("maxCnxns=5000") { $0.maxCnxns == 5000 },
        ConfigKeyCase("forceSync=no") { !$0.forceSync },
        ConfigKeyCase("forceSync=yes") { $0.forceSync },
        ConfigKeyCase("sessionlessCnxnTimeout=2500") { $0.sessionlessCnxnTimeoutMs == 2500 },
        ConfigKeyCase("sessionlessCnxnTimeout=0x10") { $0.sessionlessCnxnTimeoutMs == 16 },
        ConfigKeyCase("enforceQuota=true") { $0.enforceQuota },
        ConfigKeyCase("enforceQuota=FALSE") { !$0.enforceQuota },
        ConfigKeyCase("adminActions.enabled=true") { $0.adminActionsEnabled },
        ConfigKeyCase("adminActions.enabled=false") { !$0.adminActionsEnabled },
        ConfigKeyCase("clientTcpKeepAlive=True") { $0.clientTcpKeepAlive },
        ConfigKeyCase("clientTcpKeepAlive=false") { !$0.clientTcpKeepAlive },
        ConfigKeyCase("clientTcpKeepAliveIdle=1") { $0.clientTcpKeepAliveIdleSeconds == 1 },
        ConfigKeyCase("clientTcpKeepAliveIdle=32767") { $0.clientTcpKeepAliveIdleSeconds == 32767 },
        ConfigKeyCase("clientTcpKeepAliveInterval=5") { $0.clientTcpKeepAliveIntervalSeconds == 5 },
        ConfigKeyCase("clientTcpKeepAliveCount=127") { $0.clientTcpKeepAliveCount == 127 },
    ]

    @Test(arguments: goodValues)
    func aGoodValueSetsItsTypedField(_ keyCase: ConfigKeyCase) throws {
        let config = try ConfigScratch().load(Self.base + keyCase.lines + "\n")
        #expect(keyCase.check(config))
        #expect(config.warnings.allSatisfy { !$0.contains(keyCase.key) })
    }

    static let badValues: [(String, String)] = [
        ("maxCnxns=-1", #":3: maxCnxns: expected a non-negative integer number of connections (0 means no limit), got "-1""#),
        ("maxCnxns=lots", #":3: maxCnxns: expected a non-negative integer number of connections (0 means no limit), got "lots""#),
        ("forceSync=false", #":3: forceSync: expected yes or no (no acknowledges writes before they reach the disk), got "false""#),
        ("forceSync=NO", #":3: forceSync: expected yes or no (no acknowledges writes before they reach the disk), got "NO""#),
        ("sessionlessCnxnTimeout=0", #":3: sessionlessCnxnTimeout: expected a positive integer in milliseconds, got "0""#),
        ("sessionlessCnxnTimeout=10s", #":3: sessionlessCnxnTimeout: expected a positive integer in milliseconds, got "10s""#),
        ("enforceQuota=yes", #":3: enforceQuota: expected true or false, got "yes""#),
        ("adminActions.enabled=1", #":3: adminActions.enabled: expected true or false, got "1""#),
        ("clientTcpKeepAlive=on", #":3: clientTcpKeepAlive: expected true or false, got "on""#),
        ("clientTcpKeepAliveIdle=0", #":3: clientTcpKeepAliveIdle: expected an integer number of seconds from 1 to 32767, got "0""#),
        ("clientTcpKeepAliveIdle=40000", #":3: clientTcpKeepAliveIdle: expected an integer number of seconds from 1 to 32767, got "40000""#),
        ("clientTcpKeepAliveInterval=10s", #":3: clientTcpKeepAliveInterval: expected an integer number of seconds from 1 to 32767, got "10s""#),
        ("clientTcpKeepAliveCount=128", #":3: clientTcpKeepAliveCount: expected an integer number of probes from 1 to 127, got "128""#),
        ("clientTcpKeepAliveCount=", #":3: clientTcpKeepAliveCount: expected an integer number of probes from 1 to 127, got """#),
    ]

    @Test(arguments: badValues)
    func aBadValueStopsStartUpNamingFileLineKeyAndExpectedForm(_ line: String, _ expected: String) throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base + line + "\n"))
        #expect(error.description == scratch.path("zoo.cfg") + expected)
    }

    @Test func anOverrideIsCheckedLikeALine() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base, overrides: ["zookeeper.forceSync=off"]))
        #expect(error.description == #"--set: forceSync: expected yes or no (no acknowledges writes before they reach the disk), got "off""#)
        let config = try scratch.load(Self.base, overrides: ["maxCnxns=7"])
        #expect(config.maxCnxns == 7)
    }
}
