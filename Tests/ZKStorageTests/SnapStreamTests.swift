import Foundation
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

/// Zab's SNAP state transfer against the bytes Apache's own classes write
/// (Tests/Fixtures/zab/snap-stream.bb, from scripts/zab/snap-stream.sh: the
/// tree and sessions of the fixture snapshot.bb).
@Suite struct SnapStreamTests {
    static let apacheStream: [UInt8] = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        let path = parts.joined(separator: "/") + "/Fixtures/zab/snap-stream.bb"
        return (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }()

    /// Feeds `bytes` to a scanner in the given piece sizes (cycled) and
    /// returns the length it reports, and after how many bytes.
    static func scanInPieces(_ bytes: [UInt8], pieces: [Int]) throws -> (length: Int, fedWhenFound: Int)? {
        var scanner = SnapStreamScanner()
        var fed = 0
        var index = 0
        while fed < bytes.count {
            fed = min(bytes.count, fed + pieces[index % pieces.count])
            index += 1
            if let length = try scanner.scan(Array(bytes[0..<fed])) { return (length, fed) }
        }
        return nil
    }

    @Test func readsApachesStream() throws {
        let bytes = Self.apacheStream
        #expect(bytes.count == 6063)
        let snapshot = try SnapStream.decode(bytes, zxid: Zxid(raw: 0xbb), extendedTypesEnabled: true)
        let file = try SnapshotReader.read(Fixtures.path("snapshot.bb"), extendedTypesEnabled: true)
        // What Apache printed for the same stream: 59 nodes, 1 session, digest
        // 1a95a126b7. Apache's node map holds the root twice ("" and "/").
        #expect(snapshot.tree.nodes.count + 1 == 59)
        #expect(snapshot.sessions.count == 1)
        #expect(TreeDigest.of(snapshot.tree) == 0x1a95a126b7)
        #expect(sameTree(snapshot.tree, file.tree))
        #expect(snapshot.sessions == file.sessions)
    }

    @Test func writesWhatApacheReads() throws {
        // Same tree, same sessions: our stream decodes to the same state, and
        // Apache's own reader (scripts/zab/snap-stream.sh read) takes it to
        // the same node count, sessions and digest. The bytes differ by one
        // ACL cache entry: Apache keeps a world:anyone list that no node
        // names by id (35 bytes).
        let apache = try SnapStream.decode(Self.apacheStream, zxid: Zxid(raw: 0xbb), extendedTypesEnabled: true)
        let ours = SnapStream.encode(tree: apache.tree, sessions: apache.sessions)
        let again = try SnapStream.decode(ours, zxid: Zxid(raw: 0xbb), extendedTypesEnabled: true)
        #expect(sameTree(again.tree, apache.tree))
        #expect(again.sessions == apache.sessions)
        #expect(Array(ours.suffix(14)) == [0, 0, 0, 10] + Array("BenWasHere".utf8))

        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let script = parts.joined(separator: "/") + "/scripts/zab/snap-stream.sh"
        let file = NSTemporaryDirectory() + "swiftzk-snap-stream-" + UUID().uuidString
        try Data(ours).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["read", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: output, as: UTF8.self) == "nodes 59 sessions 1 digest 1a95a126b7\n")
    }

    @Test(arguments: [[1], [7], [4096], [3, 1, 250, 17, 64]])
    func findsTheEndHoweverTheBytesArrive(_ pieces: [Int]) throws {
        let (tree, sessions) = Samples.variedTree()
        let stream = SnapStream.encode(tree: tree, sessions: sessions)
        // The stream is followed on the wire by the next packet (NEWLEADER).
        let wire = stream + [0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0, 0]
        let found = try #require(try Self.scanInPieces(wire, pieces: pieces))
        #expect(found.length == stream.count)
        #expect(found.fedWhenFound >= stream.count)
        #expect(found.fedWhenFound - stream.count < (pieces.max() ?? 1))
        let decoded = try SnapStream.decode(Array(wire[0..<found.length]), zxid: Zxid(raw: tree.lastProcessedZxid),
                                            extendedTypesEnabled: true)
        #expect(sameTree(decoded.tree, tree))
        #expect(decoded.sessions == sessions)
    }

    @Test func scansApachesStreamByteByByte() throws {
        let found = try #require(try Self.scanInPieces(Self.apacheStream, pieces: [1]))
        #expect(found.length == Self.apacheStream.count)
    }

    @Test func refusesAFieldOverItsLimit() throws {
        var bytes = SnapStream.encode(tree: DataTree(), sessions: [:])
        // The signature's length made huge.
        bytes.replaceSubrange(bytes.count - 14..<bytes.count - 10, with: [0x7f, 0xff, 0xff, 0xff])
        var scanner = SnapStreamScanner()
        #expect(throws: SnapStreamScanner.Malformed.self) { try scanner.scan(bytes) }
        var negative = SnapStreamScanner()
        #expect(throws: SnapStreamScanner.Malformed.self) { try negative.scan([0xff, 0xff, 0xff, 0xfe]) }
    }

    @Test func refusesAStreamOverItsLimit() throws {
        let (tree, sessions) = Samples.variedTree()
        let stream = SnapStream.encode(tree: tree, sessions: sessions)
        var scanner = SnapStreamScanner(limits: .init(maxFieldBytes: 1 << 20, maxStreamBytes: stream.count / 2))
        #expect(throws: SnapStreamScanner.Malformed.self) { try scanner.scan(stream) }
    }

    @Test func refusesAMissingSignature() throws {
        var bytes = Self.apacheStream
        bytes[bytes.count - 1] = 0x21  // "BenWasHer!"
        #expect(throws: StorageError.self) {
            try SnapStream.decode(bytes, zxid: Zxid(raw: 0xbb), extendedTypesEnabled: true)
        }
    }
}
