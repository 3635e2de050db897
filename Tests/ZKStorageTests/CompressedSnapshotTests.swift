import Foundation
import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKStorage

/// Compressed snapshots written by Apache 3.8 (`snapshot.<zxid>.gz` and
/// `.snappy`), read and recovered. Expected values come from Apache's
/// SnapshotFormatter and FileTxnSnapLog.restore (CompressedApacheOracle).
@Suite struct CompressedSnapshotTests {
    /// (method, file, SnapshotFormatter count, digest zxid ("Last zxid"), session)
    static let snapshots: [(method: String, name: String, count: Int, digestZxid: Int64, session: Int64)] = [
        ("gz", "snapshot.1d.gz", 33, 0x1d, 0x1_0000_64df_c400_00),
        ("gz", "snapshot.2d.gz", 42, 0x2d, 0x1_0000_64df_c400_00),
        ("snappy", "snapshot.20.snappy", 36, 0x20, 0x1_0000_6506_1800_00),
        ("snappy", "snapshot.30.snappy", 41, 0x31, 0x1_0000_6506_1800_00),
    ]

    @Test(arguments: snapshots.map { $0.name })
    func readsApacheCompressedSnapshot(_ name: String) throws {
        let entry = try #require(Self.snapshots.first { $0.name == name })
        let snapshot = try SnapshotReader.read(CompressedFixtures.path(entry.method, name), extendedTypesEnabled: true)
        #expect(snapshot.fileHeader == FileHeader(magic: StorageFormat.snapshotMagic, version: 2, dbid: -1))
        #expect(snapshot.zxid.raw == Int64(name.split(separator: ".")[1], radix: 16))
        // SnapshotFormatter "ZNode Details (count=N)" counts Apache's "" alias of the root too.
        #expect(snapshot.tree.nodeCount == entry.count - 1)
        // SnapshotFormatter "Session Details": "0x..., 15000, <ephemerals>".
        #expect(snapshot.sessions == [SessionID(raw: entry.session): 15000])
        // SnapshotFormatter "Last zxid" is the digest trailer's zxid.
        #expect(snapshot.digest?.zxid.raw == entry.digestZxid)
        #expect(snapshot.lastProcessedZxid == nil)
    }

    @Test(arguments: [("gz", "snapshot.2d.gz"), ("snappy", "snapshot.30.snappy")])
    func newestSnapshotEqualsApacheRestore(_ method: String, _ name: String) throws {
        let oracle = method == "gz" ? CompressedApacheOracle.gzNewest : CompressedApacheOracle.snappyNewest
        let snapshot = try SnapshotReader.read(CompressedFixtures.path(method, name), extendedTypesEnabled: true)
        #expect(dump(snapshot.tree, sessions: snapshot.sessions) == ApacheOracle.lines(oracle))
        #expect(String(TreeDigest.of(snapshot.tree)) == ApacheOracle.value("digest", in: oracle))
        #expect(hexString(snapshot.zxid) == ApacheOracle.value("lastZxid", in: oracle))
    }

    @Test func nodeDataStatAndACLs() throws {
        let gz = try SnapshotReader.read(CompressedFixtures.path("gz", "snapshot.2d.gz"), extendedTypesEnabled: true)
        let session: Int64 = 0x1_0000_64df_c400_00
        // SnapshotFormatter -d: "/gz/acl cZxid = 0x21 ... data = Z3VhcmRlZA==" ("guarded").
        let acl = try #require(gz.tree.node(path("/gz/acl")))
        #expect(acl.data == "guarded")
        #expect(acl.stat.czxid == 0x21)
        #expect(acl.stat.mzxid == 0x21)
        #expect(acl.stat.version == 0)
        #expect(acl.acl == [
            ACL(perms: .all, id: Id(scheme: "digest", id: "fixture:XoLTrPSwQ0sFsH5m2bT8FRZaFkw=")),
            ACL(perms: .read, id: Id(scheme: "world", id: "anyone")),
        ])
        #expect(gz.tree.node(path("/gz/iponly"))?.acl == [ACL(perms: [.read, .write], id: Id(scheme: "ip", id: "127.0.0.1"))])
        // The ephemeral, owned by the open session.
        let eph = try #require(gz.tree.node(path("/gz/eph")))
        #expect(eph.stat.ephemeralOwner == session)
        #expect(eph.stat.czxid == 0x23)
        #expect(gz.tree.ephemerals[session]?.contains(path("/gz/eph")) == true)
        // A set node: "/gz/n21 ... mZxid = 0x2e" is after this fuzzy snapshot's zxid in the
        // recovered tree; in the snapshot itself n18 is the last one set.
        let n18 = try #require(gz.tree.node(path("/gz/n18")))
        #expect(n18.data == "changed 18")
        #expect(n18.stat.mzxid == 0x2d)
        #expect(n18.stat.version == 1)
        #expect(gz.tree.node(path("/gz/big"))?.data.bytes == Array((0..<2048).map { UInt8($0 % 256) }))
        #expect(gz.tree.node(path("/gz/empty"))?.data.bytes == [])
        #expect(gz.tree.node(path("/gz/seq-0000000033")) != nil)
        #expect(gz.tree.node(path("/gz/n29")) != nil)  // deleted at 0x31, after this snapshot

        let snappy = try SnapshotReader.read(CompressedFixtures.path("snappy", "snapshot.30.snappy"), extendedTypesEnabled: true)
        // SnapshotFormatter -d: "/snappy/big cZxid = 0x26 ... data = AAECAwQF..." (2048 bytes).
        let big = try #require(snappy.tree.node(path("/snappy/big")))
        #expect(big.stat.czxid == 0x26)
        #expect(big.data.bytes == Array((0..<2048).map { UInt8($0 % 256) }))
        #expect(snappy.tree.node(path("/snappy/eph"))?.stat.ephemeralOwner == 0x1_0000_6506_1800_00)
        #expect(snappy.tree.node(path("/snappy/n29")) == nil)
        #expect(snappy.tree.node(path("/snappy/n27"))?.data == "changed 27")
    }

    // MARK: Recovery

    @Test(arguments: [("gz", "snapshot.2d.gz", 6), ("snappy", "snapshot.30.snappy", 3)])
    func recoversDataDirWithOnlyCompressedSnapshots(_ method: String, _ newest: String, _ replayed: Int) throws {
        let oracle = method == "gz" ? CompressedApacheOracle.gzRecovered : CompressedApacheOracle.snappyRecovered
        try CompressedFixtures.withDataDir(method) { _, directory in
            let state = try directory.recover(extendedTypesEnabled: true)
            #expect(state.snapshot?.name == newest)
            #expect(state.snapshot?.compression == method)
            #expect(state.lastZxid == 0x33)
            #expect(hexString(state.lastZxid) == ApacheOracle.value("lastZxid", in: oracle))
            #expect(state.replayedTxnCount == replayed)
            #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(oracle))
            #expect(String(TreeDigest.of(state.tree)) == ApacheOracle.value("digest", in: oracle))
            #expect(state.warnings.isEmpty, "\(state.warnings)")
        }
    }

    @Test(arguments: [("gz", "snapshot.2d.gz", "snapshot.1d.gz"), ("snappy", "snapshot.30.snappy", "snapshot.20.snappy")])
    func fallsBackToTheOlderCompressedSnapshot(_ method: String, _ newest: String, _ older: String) throws {
        let oracle = method == "gz" ? CompressedApacheOracle.gzRecovered : CompressedApacheOracle.snappyRecovered
        for damage in ["flip", "cut"] {
            try CompressedFixtures.withDataDir(method) { version2, directory in
                var bytes = try readFile(version2 + "/" + newest)
                if damage == "flip" { bytes[bytes.count / 2] ^= 0x01 } else { bytes.removeLast(bytes.count / 3) }
                try writeFile(version2 + "/" + newest, bytes)
                let state = try directory.recover(extendedTypesEnabled: true)
                #expect(state.snapshot?.name == older)
                #expect(dump(state.tree, sessions: state.sessions) == ApacheOracle.lines(oracle))
                #expect(state.lastZxid == 0x33)
                guard case let .snapshotSkipped(file, reason)? = state.warnings.first, state.warnings.count == 1 else {
                    Issue.record("expected one snapshotSkipped, got \(state.warnings)")
                    return
                }
                #expect(file.hasSuffix(newest))
                #expect(reason.contains(newest))
            }
        }
    }

    // MARK: Damage

    /// Every proper prefix of each fixture is an error naming the file.
    @Test(arguments: snapshots.map { $0.name })
    func everyTruncationIsAnError(_ name: String) throws {
        let entry = try #require(Self.snapshots.first { $0.name == name })
        let bytes = try CompressedFixtures.bytes(entry.method, name)
        for length in 0..<bytes.count {
            do {
                let data = try CompressedSnapshot.decompress(Array(bytes[..<length]), method: entry.method, file: name)
                _ = try SnapshotReader.decode(data, zxid: 1, extendedTypesEnabled: true, name: name)
                Issue.record("\(name) cut at \(length) was accepted")
            } catch {
                guard case let .corruptSnapshot(file, _, _) = error else {
                    Issue.record("\(name) cut at \(length): \(error)")
                    continue
                }
                #expect(file == name)
            }
        }
        // Through the file, too.
        try withTemporaryDirectory { directory in
            let file = directory + "/" + name
            try writeFile(file, Array(bytes[..<(bytes.count - 1)]))
            #expect(throws: StorageError.self) { _ = try SnapshotReader.read(FilePath(file), extendedTypesEnabled: true) }
        }
    }

    /// A damaged bit anywhere is an error, or harmless: then the file
    /// decompresses to exactly the same bytes. Harmless are the fields
    /// Apache ignores too (gzip's FTEXT, reserved flags, MTIME, XFL and OS;
    /// snappy-java's version words) and copies whose changed distance
    /// points at identical bytes (runs of zeros). Any change to the data is
    /// caught by gzip's CRC-32 or the snapshot's Adler-32 seals.
    @Test(arguments: snapshots.map { $0.name })
    func everyFlippedBitIsCaughtOrHarmless(_ name: String) throws {
        let entry = try #require(Self.snapshots.first { $0.name == name })
        let bytes = try CompressedFixtures.bytes(entry.method, name)
        let original = try CompressedSnapshot.decompress(bytes, method: entry.method, file: name)
        let zxid = try SnapshotReader.decode(original, zxid: 1, extendedTypesEnabled: true).zxid
        var caught = 0
        var harmlessHeaderBytes: Set<Int> = []
        for index in bytes.indices {
            for bit in [0, 3, 7] {
                var damaged = bytes
                damaged[index] ^= 1 << bit
                guard let data = try? CompressedSnapshot.decompress(damaged, method: entry.method, file: name),
                      (try? SnapshotReader.decode(data, zxid: zxid, extendedTypesEnabled: true)) != nil else {
                    caught += 1
                    continue
                }
                #expect(data == original, "bit \(bit) of byte \(index) changed the data undetected")
                if index < 16 { harmlessHeaderBytes.insert(index) }
            }
        }
        #expect(harmlessHeaderBytes == (entry.method == "gz" ? Set(3...9) : Set(8...15)))
        // Nearly every damaged bit is caught.
        #expect(caught * 10 > bytes.count * 3 * 9, "\(caught) of \(bytes.count * 3) caught")
    }

    @Test func damagedFilesAreErrorsNamingTheFile() throws {
        try withTemporaryDirectory { directory in
            // Was `unsupportedCompression`; now the gzip stream is read, and this one is cut short.
            let gz = directory + "/snapshot.5.gz"
            try writeFile(gz, [0x1f, 0x8b, 0, 0])
            #expect(throws: StorageError.corruptSnapshot(file: gz, offset: 2, reason: "gz: unsupported compression method 0 (8, deflate, expected)")) {
                _ = try SnapshotReader.read(FilePath(gz), extendedTypesEnabled: false)
            }
            let empty = directory + "/snapshot.6.gz"
            try writeFile(empty, [])
            #expect(throws: StorageError.corruptSnapshot(file: empty, offset: 0, reason: "gz: file ends inside the gzip header")) {
                _ = try SnapshotReader.read(FilePath(empty), extendedTypesEnabled: false)
            }
            // An uncompressed snapshot under a .snappy name.
            let snappy = directory + "/snapshot.bb.snappy"
            try writeFile(snappy, try Fixtures.bytes("snapshot.bb"))
            #expect(throws: StorageError.corruptSnapshot(file: snappy, offset: 0, reason: "snappy: not a snappy-java stream (no \\x82SNAPPY\\0 header)")) {
                _ = try SnapshotReader.read(FilePath(snappy), extendedTypesEnabled: false)
            }
            // Valid compression around a damaged snapshot: the offset is in the decompressed data.
            var content = try Fixtures.bytes("snapshot.bb")
            content[100] ^= 0x40
            let inside = directory + "/snapshot.bb.gz"
            try writeFile(inside, TestGzip.stored(content))
            do throws(StorageError) {
                _ = try SnapshotReader.read(FilePath(inside), extendedTypesEnabled: true)
                Issue.record("damaged content accepted")
            } catch {
                switch error {
                case let .corruptSnapshot(file, _, reason):
                    #expect(file == inside)
                    #expect(reason.hasSuffix("(offset in the gz-decompressed data)"))
                case let .snapshotChecksumMismatch(file, _, _, _):
                    #expect(file == inside)
                default:
                    Issue.record("\(error)")
                }
            }
            // A missing file is an I/O error, as for uncompressed snapshots.
            #expect(throws: StorageError.self) { _ = try SnapshotReader.read(FilePath(directory + "/snapshot.7.gz"), extendedTypesEnabled: false) }
        }
    }

    @Test func decompressionIsLimited() throws {
        let path = CompressedFixtures.path("gz", "snapshot.2d.gz")
        #expect(throws: StorageError.corruptSnapshot(file: path.text, offset: 0, reason: "compressed file is 1281 bytes, more than the 1000-byte limit")) {
            _ = try CompressedSnapshot.read(path, method: "gz", zxid: 0x2d, extendedTypesEnabled: true, limit: 1000)
        }
        do {
            _ = try CompressedSnapshot.read(path, method: "gz", zxid: 0x2d, extendedTypesEnabled: true, limit: 2000)
            Issue.record("limit not enforced")
        } catch {
            #expect(error.description.contains("exceeds the 2000-byte limit"), "\(error)")
        }
        let snappy = CompressedFixtures.path("snappy", "snapshot.30.snappy")
        #expect(throws: StorageError.self) {
            _ = try CompressedSnapshot.read(snappy, method: "snappy", zxid: 0x30, extendedTypesEnabled: true, limit: 2000)
        }
        // Other methods are still reported as unsupported.
        #expect(throws: StorageError.unsupportedCompression(file: path.text, method: "lz4")) {
            _ = try CompressedSnapshot.read(path, method: "lz4", zxid: 0x2d, extendedTypesEnabled: true)
        }
    }

    /// Apache's uncompressed snapshot, compressed by the test's own writers,
    /// reads back as the same snapshot.
    @Test func roundTripsAnUncompressedApacheSnapshot() throws {
        let content = try Fixtures.bytes("snapshot.bb")
        let original = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: true)
        try withTemporaryDirectory { directory in
            let files: [(String, [UInt8])] = [
                ("snapshot.bb.gz", TestGzip.fixed(content)),
                ("snapshot.bb.snappy", TestSnappy.stream(content, blockSize: 1024)),
            ]
            for (name, bytes) in files {
                try writeFile(directory + "/" + name, bytes)
                let snapshot = try SnapshotReader.read(FilePath(directory + "/" + name), extendedTypesEnabled: true)
                #expect(snapshot.zxid == 0xbb)
                #expect(dump(snapshot.tree, sessions: snapshot.sessions) == dump(original.tree, sessions: original.sessions))
                #expect(snapshot.digest == original.digest)
            }
        }
    }

    /// Random bytes under compressed names give errors naming the file.
    @Test func randomFilesAreErrors() throws {
        var rng = SplitMix64(state: 42)
        try withTemporaryDirectory { directory in
            for round in 0..<200 {
                let method = round % 2 == 0 ? "gz" : "snappy"
                let header = round % 4 < 2 ? [] : (method == "gz" ? TestGzip.header : TestSnappy.header)
                let file = directory + "/snapshot.\(String(round, radix: 16)).\(method)"
                try writeFile(file, header + rng.bytes(Int.random(in: 0...2000, using: &rng)))
                do throws(StorageError) {
                    _ = try SnapshotReader.read(FilePath(file), extendedTypesEnabled: true)
                    Issue.record("\(file) accepted")
                } catch {
                    #expect(error.description.hasPrefix(file), "\(error)")
                }
            }
        }
    }
}
