import Foundation
import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

@Suite struct RecoveryTests {
    /// The fixture directory, recovered, equals what Apache's own
    /// FileTxnSnapLog.restore builds from it (ApacheOracle.recovered).
    @Test func recoversApacheDataDirLikeApache() throws {
        try withFixtureDataDir { _, directory in
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(ApacheOracle.recovered))
            #expect(state.lastZxid == 0xc0)
            #expect(hexString(state.lastZxid) == ApacheOracle.value("lastZxid", in: ApacheOracle.recovered))
            #expect(state.tree.lastProcessedZxid == 0xc0)
            #expect(state.snapshot?.name == "snapshot.bb")
            #expect(state.replayedTxnCount == 5)
            #expect(state.warnings.isEmpty)
            #expect(String(TreeDigest.of(state.tree)) == ApacheOracle.value("digest", in: ApacheOracle.recovered))
        }
    }

    /// Starting from any one of Apache's snapshots and replaying the logs
    /// after it gives the same tree: fuzzy snapshots replay correctly.
    @Test(arguments: Fixtures.snapshotNames)
    func everySnapshotReplaysToTheSameTree(_ name: String) throws {
        try withFixtureDataDir(Fixtures.logNames + [name]) { _, directory in
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(ApacheOracle.recovered))
            #expect(state.lastZxid == 0xc0)
            #expect(state.warnings.isEmpty, "\(state.warnings)")
        }
    }

    @Test func fallsBackToAnOlderSnapshotWhenTheNewestIsDamaged() throws {
        try withFixtureDataDir { version2, directory in
            var bytes = try readFile(version2 + "/snapshot.bb")
            bytes[bytes.count / 2] ^= 0x01
            try writeFile(version2 + "/snapshot.bb", bytes)
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(state.snapshot?.name == "snapshot.ac")
            #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(ApacheOracle.recovered))
            #expect(state.warnings.count == 1)
            guard case .snapshotSkipped(let file, _) = state.warnings.first else {
                Issue.record("expected snapshotSkipped, got \(state.warnings)")
                return
            }
            #expect(file.hasSuffix("snapshot.bb"))
        }
    }

    @Test func skipsASnapshotCutShort() throws {
        try withFixtureDataDir { version2, directory in
            let bytes = try readFile(version2 + "/snapshot.bb")
            try writeFile(version2 + "/snapshot.bb", Array(bytes.prefix(1000)))
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(state.snapshot?.name == "snapshot.ac")
            #expect(state.lastZxid == 0xc0)
        }
    }

    @Test func failsWhenNoSnapshotIsReadable() throws {
        try withFixtureDataDir(Fixtures.logNames + ["snapshot.bb"]) { version2, directory in
            try writeFile(version2 + "/snapshot.bb", Array(try readFile(version2 + "/snapshot.bb").prefix(500)))
            #expect(throws: StorageError.self) { _ = try directory.recover(extendedTypesEnabled: true) }
        }
    }

    /// Cut the newest log at every offset inside its last two records:
    /// recovery keeps every transaction completed before the cut, reports
    /// the torn tail, truncates it, and a second recovery is clean.
    @Test(arguments: [false, true])
    func keepsEveryCompleteTransactionBeforeATornTail(zeroPadded: Bool) throws {
        let records = try TxnLogContents(path: Fixtures.path("log.bd")).records
        let original = try Fixtures.bytes("log.bd")
        let expected = try Self.treesAfterEachZxid()
        let firstCut = records[records.count - 2].offset
        let lastCut = records[records.count - 1].endOffset
        for cut in firstCut...lastCut {
            try withFixtureDataDir(["snapshot.bb", "log.ae", "log.bd"]) { version2, directory in
                var bytes = Array(original[..<Int(cut)])
                // A torn write into a preallocated file leaves zeros after it.
                if zeroPadded { bytes += [UInt8](repeating: 0, count: original.count - Int(cut)) }
                try writeFile(version2 + "/log.bd", bytes)
                let state = try directory.recover(extendedTypesEnabled: true)
                let kept = records.last { $0.endOffset <= cut }
                let keptZxid = kept?.zxid ?? 0xbc
                #expect(state.lastZxid == keptZxid, "cut at \(cut)")
                #expect(dump(state.tree, sessions: state.sessions) == expected[keptZxid], "cut at \(cut)")
                // A cut up to 4 bytes into a record leaves only the zero high
                // half of its Adler32: indistinguishable from padding, so a
                // clean end with nothing to repair.
                let leftover = cut - (kept?.endOffset ?? records[0].offset)
                if leftover <= 4 {
                    #expect(state.warnings.isEmpty, "cut at \(cut): \(state.warnings)")
                } else {
                    #expect(state.warnings.count == 1, "cut at \(cut)")
                    guard case let .tornTailTruncated(file, offset, _) = state.warnings.first else {
                        Issue.record("cut at \(cut): \(state.warnings)")
                        return
                    }
                    #expect(file.hasSuffix("log.bd"))
                    #expect(offset == kept?.endOffset)
                    #expect(try readFile(version2 + "/log.bd").count == Int(offset))
                    let again = try directory.recover(extendedTypesEnabled: true)
                    #expect(again.warnings.isEmpty)
                    #expect(again.lastZxid == keptZxid)
                }
            }
        }
    }

    @Test func tornTailCanBeLeftInPlace() throws {
        try withFixtureDataDir { version2, directory in
            let records = try TxnLogContents(path: Fixtures.path("log.bd")).records
            let bytes = try readFile(version2 + "/log.bd")
            let cut = Int(records[3].offset) + 20
            try writeFile(version2 + "/log.bd", Array(bytes[..<cut]))
            let state = try directory.recover(extendedTypesEnabled: true, options: RecoveryOptions(truncateTornTail: false))
            #expect(state.lastZxid == 0xbf)
            #expect(state.warnings == [.tornTail(file: version2 + "/log.bd", offset: records[3].offset,
                                                problem: .partialRecord(needed: records[3].endOffset - records[3].offset, available: 20))])
            #expect(try readFile(version2 + "/log.bd").count == cut)
        }
    }

    @Test func damageInTheMiddleOfTheLogIsAnErrorNamingFileAndOffset() throws {
        try withFixtureDataDir { version2, directory in
            let records = try TxnLogContents(path: Fixtures.path("log.bd")).records
            var bytes = try readFile(version2 + "/log.bd")
            // A byte inside zxid 0xbe's data; 0xbf and 0xc0 follow intact.
            bytes[Int(records[1].offset) + 30] ^= 0x40
            try writeFile(version2 + "/log.bd", bytes)
            #expect(throws: StorageError.corruptLog(
                file: version2 + "/log.bd", offset: records[1].offset,
                problem: .checksumMismatch(stored: Adler32(Self.payload(records[1], in: try Fixtures.bytes("log.bd"))).value,
                                           computed: Adler32(Self.payload(records[1], in: bytes)).value),
                nextValidOffset: records[2].offset)) {
                _ = try directory.recover(extendedTypesEnabled: true)
            }
        }
    }

    @Test func damageOnlyInTransactionsTheSnapshotHoldsIsSkipped() throws {
        try withFixtureDataDir { version2, directory in
            // log.ae holds 0xae...0xbc; snapshot.bb covers up to 0xbb.
            let records = try TxnLogContents(path: Fixtures.path("log.ae")).records
            var bytes = try readFile(version2 + "/log.ae")
            bytes[Int(records[3].offset) + 10] ^= 0xff
            try writeFile(version2 + "/log.ae", bytes)
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(ApacheOracle.recovered))
            #expect(state.warnings.count == 1)
            guard case let .damageBeforeSnapshot(_, offset, _, resumedAt) = state.warnings.first else {
                Issue.record("\(state.warnings)")
                return
            }
            #expect(offset == records[3].offset)
            #expect(resumedAt == records[4].offset)
        }
    }

    @Test func aLostLogIsAHoleNotASilentGap() throws {
        try withFixtureDataDir(Fixtures.logNames.filter { $0 != "log.ae" } + Fixtures.snapshotNames) { version2, directory in
            // snapshot.bb needs 0xbc, which only log.ae held.
            #expect(throws: StorageError.missingTransactions(file: version2 + "/log.bd", offset: 16, expected: 0xbc, found: 0xbd)) {
                _ = try directory.recover(extendedTypesEnabled: true)
            }
        }
    }

    @Test func aTornLastRecordInAnOlderLogLeavesAHole() throws {
        try withFixtureDataDir { version2, directory in
            // Damage zxid 0xbc, the last record of log.ae: log.ae looks torn,
            // but log.bd starts at 0xbd, so 0xbc is missing.
            let records = try TxnLogContents(path: Fixtures.path("log.ae")).records
            var bytes = try readFile(version2 + "/log.ae")
            bytes[Int(records.last!.offset) + 20] ^= 0x01
            try writeFile(version2 + "/log.ae", bytes)
            #expect(throws: StorageError.missingTransactions(file: version2 + "/log.bd", offset: 16, expected: 0xbc, found: 0xbd)) {
                _ = try directory.recover(extendedTypesEnabled: true)
            }
        }
    }

    @Test func logsWithoutASnapshotAreRefused() throws {
        try withFixtureDataDir(Fixtures.logNames) { version2, directory in
            #expect(throws: StorageError.logsWithoutSnapshot(directory: version2)) {
                _ = try directory.recover(extendedTypesEnabled: true)
            }
            // Apache's zookeeper.snapshot.trust.empty replays them onto an empty tree.
            let state = try directory.recover(extendedTypesEnabled: true, options: RecoveryOptions(trustEmptySnapshot: true))
            // DataTree() gives /zookeeper/config aversion 0 where Apache's
            // empty tree has -1; everything else matches.
            let withoutConfig = { (lines: [String]) in lines.filter { !$0.hasPrefix("node /zookeeper/config ") } }
            #expect(withoutConfig(dump(state.tree, sessions: state.sessions)) == withoutConfig(ApacheOracle.lines(ApacheOracle.recovered)))
            #expect(state.lastZxid == 0xc0)
        }
    }

    @Test func aFuzzySnapshotNamingAnUnknownACLListLoadsAndTheLogRestoresTheList() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(dataDir: FilePath(root + "/data"))
            try directory.createDirectories()
            let version2 = root + "/data/version-2"
            let digestACL = [ACL(perms: .all, id: Id(scheme: "digest", id: "u:hash"))]
            let create = CreateTxn(path: "/fuzzy", data: "d", acl: digestACL, ephemeral: false, parentCVersion: -1)
            var tree = DataTree(extendedTypesEnabled: false)
            var triggers: [WatchTrigger] = []
            _ = tree.apply(TxnHeader.make(zxid: 6, type: .create), .create(create), triggers: &triggers)
            // As Apache writes a snapshot begun at zxid 5: /fuzzy (zxid 6)
            // made it into the file, its ACL list did not (the map went
            // first). Here: the map's one entry is renumbered 1 -> 2, and the
            // file sealed again, so the node's id 1 names nothing.
            var bytes = SnapshotWriter.encode(tree: tree, sessions: [:],
                                              options: SnapshotOptions(digestEnabled: false, serializeLastProcessedZxid: false, fsync: false))
            #expect(Array(bytes[24..<32]) == [0, 0, 0, 0, 0, 0, 0, 1])
            bytes[31] = 2
            let sealAt = bytes.count - 13
            let checksum = UInt64(bitPattern: Adler32(bytes[..<sealAt]).value)
            for i in 0..<8 { bytes[sealAt + i] = UInt8(truncatingIfNeeded: checksum >> (56 - 8 * UInt64(i))) }
            try writeFile(version2 + "/snapshot.5", bytes)

            let loaded = try SnapshotReader.read(FilePath(version2 + "/snapshot.5"), extendedTypesEnabled: false)
            #expect(loaded.unresolvedACLPaths == [path("/fuzzy")])
            #expect(loaded.tree.nodes[path("/fuzzy")]?.acl == SnapshotReader.unresolvedACL)

            var writer = TxnLogWriter(directory: FilePath(version2), options: .init(preAllocSize: 4096))
            try writer.append(header: TxnHeader.make(zxid: 6, type: .create), body: .create(create))
            try writer.sync()
            try writer.close()
            let state = try directory.recover(extendedTypesEnabled: false)
            #expect(state.snapshot?.name == "snapshot.5")
            #expect(state.tree.nodes[path("/fuzzy")]?.acl == digestACL)
            #expect(!state.warnings.contains(.aclsNotRestored(count: 1)))
        }
    }

    @Test func emptyDirectoryGetsAnInitialSnapshot() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(dataDir: FilePath(root + "/data"))
            let state = try directory.recover(extendedTypesEnabled: false)
            #expect(state.lastZxid == 0)
            #expect(state.tree.nodeCount == 4)
            #expect(try listDirectory(root + "/data/version-2") == ["snapshot.0"])
            #expect(state.warnings == [.initialSnapshotWritten(file: root + "/data/version-2/snapshot.0")])
            let again = try directory.recover(extendedTypesEnabled: false)
            #expect(again.snapshot?.name == "snapshot.0")
            #expect(again.warnings.isEmpty)
        }
    }

    @Test func anEmptyNewestLogIsDeleted() throws {
        for content in [[UInt8](), [UInt8](repeating: 0, count: 65552)] {
            try withFixtureDataDir { version2, directory in
                try writeFile(version2 + "/log.c1", content)
                let state = try directory.recover(extendedTypesEnabled: true)
                #expect(state.lastZxid == 0xc0)
                #expect(state.warnings == [.emptyLogDeleted(file: version2 + "/log.c1")])
                #expect(!(try listDirectory(version2)).contains("log.c1"))
            }
        }
    }

    /// A crash can tear the first write of a new log: its header cut short
    /// ("ZKLG" and part of the version) holds no transaction either.
    @Test func aNewestLogWithATornHeaderIsDeleted() throws {
        for length in [1, 4, 13] {
            try withFixtureDataDir { version2, directory in
                let header: [UInt8] = [0x5a, 0x4b, 0x4c, 0x47, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
                try writeFile(version2 + "/log.c1", Array(header.prefix(length)))
                let state = try directory.recover(extendedTypesEnabled: true)
                #expect(state.lastZxid == 0xc0)
                #expect(state.warnings == [.emptyLogDeleted(file: version2 + "/log.c1")])
                #expect(!(try listDirectory(version2)).contains("log.c1"))
            }
        }
    }

    @Test func separateLogDirectoryAndLayoutCheck() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(dataDir: FilePath(root + "/snap"), dataLogDir: FilePath(root + "/log"))
            try directory.createDirectories()
            for name in Fixtures.snapshotNames {
                try FileManager.default.copyItem(atPath: Fixtures.directory + "/" + name, toPath: root + "/snap/version-2/" + name)
            }
            for name in Fixtures.logNames {
                try FileManager.default.copyItem(atPath: Fixtures.directory + "/" + name, toPath: root + "/log/version-2/" + name)
            }
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(state.lastZxid == 0xc0)
            // dataDir and dataLogDir swapped: refused, as Apache does.
            let swapped = DataDirectory(dataDir: FilePath(root + "/log"), dataLogDir: FilePath(root + "/snap"))
            #expect(throws: StorageError.self) { _ = try swapped.recover(extendedTypesEnabled: true) }
        }
    }

    /// The whole cycle on our own files: write logs and a snapshot taken
    /// from a copy of the tree mid-way, then recover the live tree.
    @Test func recoversWhatOurWritersWrote() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(dataDir: FilePath(root))
            var state = try directory.recover(extendedTypesEnabled: true)
            var tree = state.tree
            var sessions: [SessionID: Int32] = [:]
            var tracker = DigestTracker(tree: tree)
            var writer = directory.makeLogWriter(options: .init(preAllocSize: 16384))
            var generator = SeededGenerator(seed: 42)
            for zxid in Int64(1)...Int64(400) {
                let (header, body) = Samples.randomTxn(zxid: zxid, tree: tree, sessions: sessions, using: &generator)
                switch body {
                case .createSession(let txn): sessions[SessionID(raw: header.clientId)] = txn.timeOut
                case .closeSession: sessions[SessionID(raw: header.clientId)] = nil
                default: break
                }
                var triggers: [WatchTrigger] = []
                _ = tracker.apply(header, body, to: &tree, triggers: &triggers)
                try writer.append(header: header, body: body, digest: header.type == .error ? nil : tracker.txnDigest)
                if zxid % 7 == 0 { try writer.sync() }
                if zxid == 150 || zxid == 300 {
                    try writer.rollLog()
                    try directory.writeSnapshot(tree: tree, sessions: sessions)
                }
            }
            try writer.close()
            state = try directory.recover(extendedTypesEnabled: true)
            #expect(state.snapshot?.name == "snapshot.12c")
            #expect(state.lastZxid == 400)
            #expect(state.replayedTxnCount == 100)
            #expect(sameTree(state.tree, tree))
            #expect(state.sessions == sessions)
            // Digests were verified along the way: none differed.
            #expect(state.warnings.isEmpty, "\(state.warnings)")
        }
    }

    // MARK: Helpers

    /// The tree (as dumped) after each zxid from 0xbb to 0xc0, replayed
    /// from snapshot.bb by the fixture logs.
    static func treesAfterEachZxid() throws -> [Zxid: [String]] {
        let snapshot = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: true)
        var tree = snapshot.tree
        var sessions = snapshot.sessions
        var result: [Zxid: [String]] = [0xbb: dump(tree, sessions: sessions)]
        for name in ["log.ae", "log.bd"] {
            for record in try TxnLogContents(path: Fixtures.path(name)).records where record.zxid > 0xbb {
                switch record.entry.body {
                case .createSession(let txn): sessions[SessionID(raw: record.header.clientId)] = txn.timeOut
                case .closeSession: sessions[SessionID(raw: record.header.clientId)] = nil
                default: break
                }
                var triggers: [WatchTrigger] = []
                _ = tree.apply(record.header, record.entry.body, triggers: &triggers)
                result[record.zxid] = dump(tree, sessions: sessions)
            }
        }
        return result
    }

    static func payload(_ record: TxnLogRecord, in bytes: [UInt8]) -> [UInt8] {
        Array(bytes[Int(record.offset + 12)..<Int(record.endOffset - 1)])
    }
}

extension RecoveryTests {
    @Test func deletesTheTemporaryFileOfAnUnfinishedSnapshot() throws {
        try withFixtureDataDir { version2, directory in
            try writeFile(version2 + "/.tmp-snapshot.c0", [1, 2, 3])
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(state.warnings == [.unfinishedSnapshotDeleted(file: version2 + "/.tmp-snapshot.c0")])
            #expect(state.snapshot?.name == "snapshot.bb")
            #expect(!(try listDirectory(version2)).contains(".tmp-snapshot.c0"))
        }
    }
}
