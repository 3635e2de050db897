import Foundation
import Testing

@testable import ZKServer

/// A bad zoo.cfg stops start-up with the file, line, key, what was expected
/// and what was found. `expected` is the description after the file path.
@Suite struct ConfigErrorTests {
    static let base = "dataDir={dir}\nclientPort=2181\n"

    static let valueErrors: [(String, String)] = [
        ("tickTime=abc", #":3: tickTime: expected a positive integer in milliseconds, got "abc""#),
        ("tickTime=0", #":3: tickTime: expected a positive integer in milliseconds, got "0""#),
        ("tickTime=-2000", #":3: tickTime: expected a positive integer in milliseconds, got "-2000""#),
        ("tickTime=2s", #":3: tickTime: expected a positive integer in milliseconds, got "2s""#),
        ("tickTime=3000000000", #":3: tickTime: expected a positive integer in milliseconds, got "3000000000""#),
        ("initLimit=-1", #":3: initLimit: expected a non-negative integer number of ticks, got "-1""#),
        ("syncLimit=five", #":3: syncLimit: expected a non-negative integer number of ticks, got "five""#),
        ("clientPort=-1", #":3: clientPort: expected a port number from 0 to 65535, got "-1""#),
        ("clientPort=65536", #":3: clientPort: expected a port number from 0 to 65535, got "65536""#),
        ("clientPort=21 81", #":3: clientPort: expected a port number from 0 to 65535, got "21 81""#),
        ("clientPort=0x881", #":3: clientPort: expected a port number from 0 to 65535, got "0x881""#),
        ("secureClientPort=99999", #":3: secureClientPort: expected a port number from 0 to 65535, got "99999""#),
        ("clientPortAddress=", #":3: clientPortAddress: expected a host name or IP address, got """#),
        ("dataDir=", #":3: dataDir: expected a directory path, got """#),
        ("maxClientCnxns=-5", #":3: maxClientCnxns: expected a non-negative integer (0 means no limit), got "-5""#),
        ("minSessionTimeout=-2", #":3: minSessionTimeout: expected an integer number of milliseconds, or -1 for 2 × tickTime, got "-2""#),
        ("maxSessionTimeout=1m", #":3: maxSessionTimeout: expected an integer number of milliseconds, or -1 for 20 × tickTime, got "1m""#),
        ("autopurge.snapRetainCount=many", #":3: autopurge.snapRetainCount: expected an integer number of snapshots to keep, got "many""#),
        ("autopurge.purgeInterval=1h", #":3: autopurge.purgeInterval: expected an integer number of hours (0 disables purging), got "1h""#),
        ("snapCount=1e5", #":3: snapCount: expected an integer number of transactions, got "1e5""#),
        ("snapSizeLimitInKb=4G", #":3: snapSizeLimitInKb: expected an integer number of KiB (0 or less disables the limit), got "4G""#),
        ("preAllocSize=-1", #":3: preAllocSize: expected a non-negative integer number of KiB, got "-1""#),
        ("globalOutstandingLimit=0", #":3: globalOutstandingLimit: expected a positive integer number of requests, got "0""#),
        ("swiftzk.maxOutstandingPerConnection=-1", #":3: swiftzk.maxOutstandingPerConnection: expected a non-negative integer number of requests (0 means no limit), got "-1""#),
        ("swiftzk.maxQueuedReplyBytes=32MB", #":3: swiftzk.maxQueuedReplyBytes: expected a non-negative integer number of bytes (0 means no limit), got "32MB""#),
        ("swiftzk.maxWatchesPerSession=many", #":3: swiftzk.maxWatchesPerSession: expected a non-negative integer number of watches (0 means no limit), got "many""#),
        ("swiftzk.maxEphemeralsPerSession=1.5", #":3: swiftzk.maxEphemeralsPerSession: expected a non-negative integer number of znodes (0 means no limit), got "1.5""#),
        ("swiftzk.maxLogQueueDepth=", #":3: swiftzk.maxLogQueueDepth: expected a non-negative integer number of transactions (0 means no limit), got """#),
        ("admin.enableServer=yes", #":3: admin.enableServer: expected true or false, got "yes""#),
        ("admin.serverPort=70000", #":3: admin.serverPort: expected a port number from 0 to 65535, got "70000""#),
        ("extendedTypesEnabled=1", #":3: extendedTypesEnabled: expected true or false, got "1""#),
        ("jute.maxbuffer=0", #":3: jute.maxbuffer: expected a positive integer number of bytes, got "0""#),
        ("jute.maxbuffer=08", #":3: jute.maxbuffer: expected a positive integer number of bytes, got "08""#),
        ("readonlymode.enabled=on", #":3: readonlymode.enabled: expected true or false, got "on""#),
        ("skipACL=YES", #":3: skipACL: expected yes or no, got "YES""#),
        ("skipACL=", #":3: skipACL: expected yes or no, got """#),
        ("znode.container.checkIntervalMs=0", #":3: znode.container.checkIntervalMs: expected a positive integer in milliseconds, got "0""#),
        ("znode.container.maxPerMinute=-1", #":3: znode.container.maxPerMinute: expected a positive integer number of containers, got "-1""#),
        ("znode.container.maxNeverUsedIntervalMs=x", #":3: znode.container.maxNeverUsedIntervalMs: expected a non-negative integer in milliseconds (0 means never), got "x""#),
        ("standaloneEnabled=maybe", #":3: standaloneEnabled: expected true or false, got "maybe""#),
        ("reconfigEnabled=", #":3: reconfigEnabled: expected true or false, got """#),
        // Keys Apache parses itself and refuses when malformed.
        ("electionAlg=1", #":3: electionAlg: expected 3 (the only election algorithm in Apache ZooKeeper 3.9), got "1""#),
        ("peerType=leader", #":3: peerType: expected observer or participant, got "leader""#),
        ("syncEnabled=yes", #":3: syncEnabled: expected true or false, got "yes""#),
        ("observerMasterPort=x", #":3: observerMasterPort: expected an integer, got "x""#),
        ("jvm.pause.sleep.time.ms=1s", #":3: jvm.pause.sleep.time.ms: expected an integer, got "1s""#),
    ]

    @Test(arguments: valueErrors)
    func aBadValueNamesFileLineKeyExpectedAndGot(_ line: String, _ expected: String) throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base + line + "\n"))
        #expect(error.description == scratch.path("zoo.cfg") + expected)
    }

    @Test func theErrorCarriesItsPartsSeparately() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("# comment\n\ndataDir={dir}\nclientPort=2181\n\n\ntickTime=abc\n"))
        #expect(error == ConfigError(
            file: scratch.path("zoo.cfg"), line: 7, key: "tickTime",
            message: #"expected a positive integer in milliseconds, got "abc""#))
    }

    @Test func aContinuedLineIsReportedAtTheLineItStarts() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base + "tickTime=20\\\n  00x\n"))
        #expect(error.description == scratch.path("zoo.cfg") + #":3: tickTime: expected a positive integer in milliseconds, got "2000x""#)
    }

    @Test func minSessionTimeoutAboveMaxIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base + "minSessionTimeout=50000\nmaxSessionTimeout=40000\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: minSessionTimeout: expected minSessionTimeout (50000 ms) to be at most maxSessionTimeout (40000 ms)")
    }

    @Test func maxSessionTimeoutBelowTheDefaultMinIsReportedAtMax() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base + "tickTime=2000\nmaxSessionTimeout=1000\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":4: maxSessionTimeout: expected minSessionTimeout (4000 ms) to be at most maxSessionTimeout (1000 ms)")
    }

    @Test func aFileWithoutDataDirIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("tickTime=2000\nclientPort=2181\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ": dataDir: not set; Apache ZooKeeper requires it in a config file (for example dataDir=/var/lib/zookeeper)")
        #expect(error.line == nil)
    }

    @Test func aFileWithoutAnyClientPortIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ": clientPort: not set; add clientPort=2181, or give the port in the server.N line as ;2181")
    }

    @Test func aSecureClientPortAloneIsNotEnough() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nsecureClientPort=2281\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ": clientPort: not set; add clientPort=2181, or give the port in the server.N line as ;2181 (secureClientPort alone is not served yet)")
    }

    @Test func clientPortAddressWithoutClientPortIsRefusedAsApacheDoes() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError("dataDir={dir}\nclientPortAddress=127.0.0.1\nserver.1=localhost:2888:3888;2181\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":2: clientPortAddress: is set but clientPort is not; add clientPort=<port>")
    }

    @Test func secureClientPortAddressWithoutSecureClientPortIsRefused() throws {
        let scratch = try ConfigScratch()
        let error = try #require(try scratch.loadError(Self.base + "secureClientPortAddress=127.0.0.1\n"))
        #expect(error.description == scratch.path("zoo.cfg") + ":3: secureClientPortAddress: is set but secureClientPort is not; add secureClientPort=<port>")
    }

    @Test func aMissingFileSaysWhy() throws {
        let scratch = try ConfigScratch()
        let path = scratch.path("conf/zoo.cfg")
        #expect(throws: ConfigError(file: path, message: "cannot read: No such file or directory")) {
            try ServerConfig.load(path: path)
        }
        #expect(ConfigError(file: "conf/zoo.cfg", message: "cannot read: No such file or directory").description
            == "conf/zoo.cfg: cannot read: No such file or directory")
    }

    @Test func aDirectoryIsNotAConfigFile() throws {
        let scratch = try ConfigScratch()
        #expect(throws: ConfigError(file: scratch.directory, message: "cannot read: Is a directory")) {
            try ServerConfig.load(path: scratch.directory)
        }
    }

    @Test func aPathThroughAFileSaysWhy() throws {
        // Permission errors cannot be provoked as root (CI runs as root), but
        // a path through a regular file fails for everyone.
        let scratch = try ConfigScratch()
        let file = try scratch.write("plain", "x")
        #expect(throws: ConfigError(file: file + "/zoo.cfg", message: "cannot read: Not a directory")) {
            try ServerConfig.load(path: file + "/zoo.cfg")
        }
    }

    @Test func descriptionLeavesOutMissingParts() {
        #expect(ConfigError(file: "zoo.cfg", line: 7, key: "tickTime", message: "m").description == "zoo.cfg:7: tickTime: m")
        #expect(ConfigError(file: "--set", key: "tickTime", message: "m").description == "--set: tickTime: m")
        #expect(ConfigError(file: "zoo.cfg", message: "m").description == "zoo.cfg: m")
        #expect(ConfigError(file: nil, line: 3, message: "m").description == "line 3: m")
        #expect(ConfigError(file: nil, message: "m").description == "m")
    }
}
