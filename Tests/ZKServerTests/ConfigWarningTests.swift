import Foundation
import Testing

@testable import ZKServer

/// Keys SwiftZK does not act on are accepted, as Apache accepts any key, and
/// named together in a single start-up warning.
@Suite struct ConfigWarningTests {
    @Test func allKeysNotActedOnShareOneWarningInWrittenOrder() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("""
            dataDir={dir}
            clientPort=2181
            secureClientPort=2281
            ssl.keyStore.location=/etc/zk/keystore.jks
            authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
            quorum.auth.enableSasl=false
            electionAlg=3
            peerType=participant
            metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
            metricsProvider.httpPort=7000
            serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
            netty.server.outstandingHandshake.limit=10
            jvm.pause.monitor=true
            admin.serverPort=9090
            autopurge.purgeInterval=1
            localSessionsEnabled=true
            clientPortListenBacklog=100
            someNewKeyFrom3_10=x

            """)
        #expect(config.clientPort == 2181)
        #expect(config.warnings == [
            "\(scratch.path("zoo.cfg")): accepted but not acted on yet: secureClientPort, ssl.keyStore.location, "
                + "quorum.auth.enableSasl, electionAlg, peerType, metricsProvider.className, "
                + "metricsProvider.httpPort, serverCnxnFactory, netty.server.outstandingHandshake.limit, "
                + "jvm.pause.monitor, admin.serverPort, localSessionsEnabled, "
                + "clientPortListenBacklog, someNewKeyFrom3_10",
        ])
    }

    @Test func aKeyWrittenTwiceIsNamedOnce() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\nfoo=1\nfoo=2\n")
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")): accepted but not acted on yet: foo"])
    }

    @Test func keysFromOverridesJoinTheFilesWarning() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load(
            "dataDir={dir}\nclientPort=2181\nfoo=1\n",
            overrides: ["java.security.auth.login.config=/etc/zk/jaas.conf", "zookeeper.sasl.client=false"])
        #expect(config.warnings == [
            // java.security.auth.login.config is acted on: it names the JAAS file for SASL.
            "\(scratch.path("zoo.cfg")): accepted but not acted on yet: foo, sasl.client",
        ])
    }

    @Test func withoutAFileTheWarningNamesTheOverrides() throws {
        let config = try ServerConfig.load(path: nil, overrides: ["ssl.protocol=TLSv1.3"])
        #expect(config.warnings == ["--set: accepted but not acted on yet: ssl.protocol"])
    }

    /// Apache turns `zookeeper.X` in zoo.cfg into the property
    /// `zookeeper.zookeeper.X`, which nothing reads; so it is not acted on here either.
    @Test func zookeeperPrefixedKeysInTheFileAreNotStripped() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\nzookeeper.skipACL=yes\n")
        #expect(config.skipACL == false)
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")): accepted but not acted on yet: zookeeper.skipACL"])
    }

    @Test func groupAndWeightKeysAreAcceptedButNotActedOn() throws {
        let scratch = try ConfigScratch()
        let config = try scratch.load("dataDir={dir}\nclientPort=2181\ngroup.1=1\nweight.1=1\n")
        #expect(config.warnings == ["\(scratch.path("zoo.cfg")): accepted but not acted on yet: group.1, weight.1"])
    }
}
