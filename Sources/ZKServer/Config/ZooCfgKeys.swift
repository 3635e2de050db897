/// The zoo.cfg keys SwiftZK knows, grouped by what it does with them.
///
/// Apache accepts any key: QuorumPeerConfig.parseProperties reads its own
/// keys and turns every other one into a `zookeeper.<key>` system property.
/// So does SwiftZK. A key outside `actedOn` is still accepted, and is named
/// in the one "accepted but not acted on yet" start-up warning.
enum ZooCfgKeys {
    /// Keys that set a `ServerConfig` field the server uses. They raise no warning.
    static let actedOn: [String] = [
        "tickTime", "initLimit", "syncLimit",
        "dataDir", "dataLogDir",
        "snapCount", "snapSizeLimitInKb", "preAllocSize", "forceSync",
        "autopurge.snapRetainCount", "autopurge.purgeInterval",
        "clientPort", "clientPortAddress",
        "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout",
        "4lw.commands.whitelist",
        "extendedTypesEnabled", "jute.maxbuffer",
        "DigestAuthenticationProvider.superDigest",
        "skipACL",
        "znode.container.checkIntervalMs", "znode.container.maxPerMinute",
        "znode.container.maxNeverUsedIntervalMs",
        "standaloneEnabled", "reconfigEnabled",
        "dynamicConfigFile",  // read for its server.N lines
        "globalOutstandingLimit",
        "swiftzk.maxOutstandingPerConnection", "swiftzk.maxQueuedReplyBytes",
        "swiftzk.maxWatchesPerSession", "swiftzk.maxEphemeralsPerSession", "swiftzk.maxLogQueueDepth",
        "swiftzk.childListingCacheBytes",
        // and every "server.N"
    ]

    /// Keys that are checked and stored in a `ServerConfig` field, but whose
    /// feature is not built yet (TLS port, admin HTTP server, auto-purge).
    /// They are named in the warning. Move a key to `actedOn` when its
    /// feature lands.
    static let storedNotActedOn: Set<String> = [
        "secureClientPort", "secureClientPortAddress",
        // No read-only mode yet.
        "readonlymode.enabled",
        "admin.enableServer", "admin.serverAddress", "admin.serverPort",
        // Quorum mode only, stored in QuorumConfig; nothing runs an ensemble yet.
        "peerType", "electionAlg", "quorumListenOnAllIPs", "cnxTimeout", "electionPortBindRetry",
    ]

    /// Keys QuorumPeerConfig.parseProperties parses with `parseBoolean`
    /// (`true`/`false`, any case; anything else stops Apache).
    static let apacheBooleans: Set<String> = [
        "localSessionsEnabled", "localSessionsUpgradingEnabled",
        "syncEnabled",
        "sslQuorum", "portUnification", "sslQuorumReloadCertFiles",
        "quorum.auth.enableSasl", "quorum.auth.serverRequireSasl", "quorum.auth.learnerRequireSasl",
        "jvm.pause.monitor",
        "multiAddress.enabled", "multiAddress.reachabilityCheckEnabled",
    ]

    /// Keys QuorumPeerConfig.parseProperties parses with `Integer.parseInt`.
    static let apacheInts: Set<String> = [
        "observerMasterPort", "clientPortListenBacklog", "connectToLearnerMasterLimit",
        "quorum.cnxn.threads.size", "multiAddress.reachabilityCheckTimeoutMs",
    ]

    /// Keys QuorumPeerConfig.parseProperties parses with `Long.parseLong`.
    static let apacheLongs: Set<String> = [
        "jvm.pause.info-threshold.ms", "jvm.pause.warn-threshold.ms", "jvm.pause.sleep.time.ms",
    ]

    /// The SASL provider's class, as `authProvider.N` names it.
    static let saslProviderClass = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"

    /// Keys the SASL (DIGEST-MD5) set-up acts on: the JAAS file, the provider
    /// registration, and the SASL provider's own properties.
    static func isSASLKey(_ key: String, value: String) -> Bool {
        switch key {
        case "java.security.auth.login.config", "superUser", "letAnySaslUserDoX", "sasl.serverconfig",
             "SASLAuthenticationProvider.superPassword":
            return true
        default:
            return key.hasPrefix("superUser.") || (key.hasPrefix("authProvider.") && value == saslProviderClass)
        }
    }

    /// `group.G` and `weight.N` (and, as in Apache, any key starting with
    /// `group` or `weight`) make the ensemble's quorums hierarchical.
    static func isHierarchy(_ key: String) -> Bool {
        key.hasPrefix("group") || key.hasPrefix("weight")
    }

    /// The commands Apache's FourLetterCommands knows; `*` in the whitelist means all of them.
    static let knownFourLetterWords: Set<String> = [
        "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk",
        "srst", "srvr", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash",
        "leak",  // SwiftZK's own: sessions by client host (see FourLetterWord.leak)
        "expi", "clip",  // SwiftZK's admin actions, also gated by adminActions.enabled
    ]

    /// server.N, group.N and weight.N define the ensemble; with
    /// `dynamicConfigFile` set they must live in that file (QuorumPeerConfig).
    static func isMembership(_ key: String) -> Bool {
        key.hasPrefix("server.") || isHierarchy(key)
    }
}
