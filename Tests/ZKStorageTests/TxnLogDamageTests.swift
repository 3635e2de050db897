import SystemPackage
import Testing
import ZKStorage

/// How the reader tells a torn tail (what a crash leaves) from damage in
/// the middle of a log.
@Suite struct TxnLogDamageTests {
    let original: [UInt8]
    let records: [TxnLogRecord]

    init() throws {
        original = try Fixtures.bytes("log.bd")
        records = try TxnLogContents(path: Fixtures.path("log.bd")).records
    }

    /// Reads `bytes` as a log file.
    func read(_ bytes: [UInt8]) throws -> TxnLogContents {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/log.bd", bytes)
            return try TxnLogContents(path: FilePath(directory + "/log.bd"))
        }
    }

    var last: TxnLogRecord { records[records.count - 1] }

    @Test func missingEndMarkerAtTheEndIsATornTail() throws {
        var bytes = original
        bytes[Int(last.endOffset) - 1] = UInt8(ascii: "X")
        let log = try read(bytes)
        #expect(log.records.count == 3)
        #expect(log.end == .tornTail(offset: last.offset, problem: .missingEndMarker(found: UInt8(ascii: "X"))))
    }

    @Test func checksumMismatchAtTheEndIsATornTail() throws {
        var bytes = original
        bytes[Int(last.offset) + 40] ^= 0x10
        let log = try read(bytes)
        #expect(log.records.count == 3)
        guard case .tornTail(last.offset, .checksumMismatch) = log.end else {
            Issue.record("\(log.end)")
            return
        }
    }

    @Test func partialRecordAtTheEndIsATornTail() throws {
        let log = try read(Array(original[..<(Int(last.offset) + 30)]))
        #expect(log.end == .tornTail(offset: last.offset,
                                     problem: .partialRecord(needed: last.endOffset - last.offset, available: 30)))
    }

    @Test func garbageInThePaddingIsATornTail() throws {
        var bytes = original
        for index in Int(last.endOffset)..<(Int(last.endOffset) + 12) { bytes[index] = 0xff }
        let log = try read(bytes)
        #expect(log.records.count == 4)
        #expect(log.end == .tornTail(offset: last.endOffset, problem: .invalidLength(-1)))
    }

    @Test func zeroLengthWithDataAfterItIsReported() throws {
        var bytes = original
        bytes[Int(last.endOffset) + 100] = 1
        let log = try read(bytes)
        #expect(log.end == .tornTail(offset: last.endOffset, problem: .dataAfterEnd))
    }

    @Test func damageFollowedByValidRecordsIsCorruption() throws {
        for target in 0..<3 {
            var bytes = original
            bytes[Int(records[target].offset) + 25] ^= 0x01
            #expect {
                _ = try read(bytes)
            } throws: { error in
                guard case let .corruptLog(_, offset, .checksumMismatch, next) = error as? StorageError else { return false }
                return offset == records[target].offset && next == records[target + 1].offset
            }
        }
    }

    @Test func aDamagedLengthIsFoundByTheRecordsAfterIt() throws {
        var bytes = original
        // The first record's length now claims most of the file.
        bytes[Int(records[0].offset) + 9] = 0x7f
        #expect {
            _ = try read(bytes)
        } throws: { error in
            guard case let .corruptLog(_, offset, .partialRecord, next) = error as? StorageError else { return false }
            return offset == records[0].offset && next == records[1].offset
        }
    }
}
