import SystemPackage
import Testing
import ZKStorage

@Suite struct PurgeTests {
    @Test func keepsTheNewestSnapshotsAndTheLogsToReplayThem() throws {
        try withFixtureDataDir { version2, directory in
            let deleted = try directory.purge(snapRetainCount: 3)
            // Kept: snapshot.9a, .ac, .bb; log.8a (starts before 0x9a) and later.
            #expect(try listDirectory(version2) == ["log.8a", "log.9c", "log.ae", "log.bd",
                                                    "snapshot.9a", "snapshot.ac", "snapshot.bb"])
            #expect(deleted.count == 19)
            #expect(Set(deleted.map { $0.lastComponent!.string }) == Set(
                ["log.1", "log.12", "log.1e", "log.2b", "log.3f", "log.50", "log.62", "log.6e", "log.7c",
                 "snapshot.0", "snapshot.10", "snapshot.1c", "snapshot.29", "snapshot.3d", "snapshot.4e",
                 "snapshot.60", "snapshot.6c", "snapshot.7a", "snapshot.88"]))
            // Every kept snapshot still recovers to the same tree.
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(ApacheOracle.recovered))
            // Nothing more to purge.
            #expect(try directory.purge(snapRetainCount: 3).isEmpty)
        }
    }

    @Test func incompleteSnapshotsDoNotCount() throws {
        try withFixtureDataDir { version2, directory in
            let bytes = try readFile(version2 + "/snapshot.bb")
            try writeFile(version2 + "/snapshot.bb", Array(bytes.prefix(100)))
            try directory.purge(snapRetainCount: 3)
            // The three newest good ones are .88, .9a, .ac; the broken newer
            // one is not deleted (only older files are).
            #expect(try listDirectory(version2).filter { $0.hasPrefix("snapshot") } ==
                    ["snapshot.88", "snapshot.9a", "snapshot.ac", "snapshot.bb"])
            #expect(try listDirectory(version2).filter { $0.hasPrefix("log") } ==
                    ["log.7c", "log.8a", "log.9c", "log.ae", "log.bd"])
        }
    }

    @Test func refusesToKeepFewerThanThree() throws {
        try withFixtureDataDir { _, directory in
            #expect(throws: StorageError.invalidArgument("snapRetainCount must be at least 3, got 2")) {
                try directory.purge(snapRetainCount: 2)
            }
        }
    }

    @Test func keepsEverythingWhenThereAreFewSnapshots() throws {
        try withFixtureDataDir(Fixtures.logNames + ["snapshot.ac", "snapshot.bb"]) { version2, directory in
            // Two snapshots, retain 3: the oldest kept is .ac; logs from log.9c on stay.
            let deleted = try directory.purge(snapRetainCount: 3)
            #expect(deleted.count == 10)
            #expect(try listDirectory(version2) == ["log.9c", "log.ae", "log.bd", "snapshot.ac", "snapshot.bb"])
        }
    }
}
