import SystemPackage
import Testing
import ZKProtocol
import ZKStorage

/// Apache's transaction logs, read back. Counts and values come from
/// Apache's TxnLogToolkit (`TxnLogToolkit -d <log>`) on the same files.
@Suite struct TxnLogFixtureTests {
    /// (file, transactions, first zxid, last zxid) as TxnLogToolkit prints them.
    static let expected: [(String, Int, Int64, Int64)] = [
        ("log.1", 17, 0x1, 0x11), ("log.12", 12, 0x12, 0x1d), ("log.1e", 13, 0x1e, 0x2a),
        ("log.2b", 20, 0x2b, 0x3e), ("log.3f", 17, 0x3f, 0x4f), ("log.50", 18, 0x50, 0x61),
        ("log.62", 12, 0x62, 0x6d), ("log.6e", 14, 0x6e, 0x7b), ("log.7c", 14, 0x7c, 0x89),
        ("log.8a", 18, 0x8a, 0x9b), ("log.9c", 18, 0x9c, 0xad), ("log.ae", 15, 0xae, 0xbc),
        ("log.bd", 4, 0xbd, 0xc0),
    ]

    @Test(arguments: expected)
    func readsEveryTransactionOfApacheLog(_ name: String, _ count: Int, _ first: Int64, _ last: Int64) throws {
        let log = try TxnLogContents(path: Fixtures.path(name))
        #expect(log.fileHeader == FileHeader(magic: StorageFormat.logMagic, version: 2, dbid: 0))
        #expect(log.records.count == count)
        #expect(log.records.first?.zxid.raw == first)
        #expect(log.records.last?.zxid.raw == last)
        // Zxids follow on, one record after the other, and the data ends
        // cleanly in preallocated zeros.
        #expect(log.records.map(\.zxid.raw) == Array(first...last))
        for (a, b) in zip(log.records, log.records.dropFirst()) { #expect(a.endOffset == b.offset) }
        #expect(log.end == .clean(offset: log.records.last?.endOffset ?? 16))
        // Apache 3.8 with digests enabled writes a TxnDigest in every entry
        // except error transactions.
        for record in log.records {
            #expect((record.entry.digest?.version == 2) == (record.header.type != .error))
        }
    }

    @Test func logsHoldApacheTransactionMix() throws {
        var types: [OpCode: Int] = [:]
        for name in Fixtures.logNames {
            for record in try TxnLogContents(path: Fixtures.path(name)).records {
                types[record.header.type, default: 0] += 1
            }
        }
        // The counts in Tests/Fixtures/README.md.
        #expect(types.values.reduce(0, +) == 192)
        #expect(types[.create] == 65)
        #expect(types[.error] == 35)
        #expect(types[.setData] == 17)
        #expect(types[.delete] == 15)
        #expect(types[.createSession] == 10)
        #expect(types[.closeSession] == 10)
        #expect(types[.setACL] == 9)
        #expect(types[.create2] == 9)
        #expect(types[.multi] == 8)
        #expect(types[.createTTL] == 7)
        #expect(types[.createContainer] == 5)
        #expect(types[.deleteContainer] == 2)
    }

    @Test func decodesSpecificTransactions() throws {
        let log = try TxnLogContents(path: Fixtures.path("log.1"))
        // TxnLogToolkit: "session 0x100000cd6490000 cxid 0x0 zxid 0x1 createSession 4000"
        let first = log.records[0]
        #expect(first.offset == 16)
        #expect(first.header.clientId == 0x1_0000_0cd6_4900_00)
        #expect(first.header.cxid == 0)
        #expect(first.entry.body == .createSession(CreateSessionTxn(timeOut: 4000)))
        // "cxid 0x3 zxid 0x4 create /kazoo/ephemeral,e,[31,s{'world,'anyone}],true,2"
        let ephemeral = log.records[3]
        #expect(ephemeral.header.cxid == 3)
        #expect(ephemeral.entry.body == .create(CreateTxn(
            path: "/kazoo/ephemeral", data: "e", acl: ACL.openACLUnsafe, ephemeral: true, parentCVersion: 2)))
        // "cxid 0x6 zxid 0x7 error -101"
        #expect(log.records[6].entry.body == .error(ErrorTxn(err: .noNode)))
        // "cxid 0x17 zxid 0x11 setData /kazoo/persistent,p2,1"
        #expect(log.records[16].entry.body == .setData(SetDataTxn(path: "/kazoo/persistent", data: "p2", version: 1)))
    }

    @Test func readsTheLargeCreateThatGrewItsLog() throws {
        let log = try TxnLogContents(path: Fixtures.path("log.1e"))
        #expect(log.fileSize == 131_072)
        let big = log.records.compactMap { record -> Int? in
            if case .create(let txn) = record.entry.body { return txn.data.count }
            if case .setData(let txn) = record.entry.body { return txn.data.count }
            return nil
        }.max()
        #expect(big == 70_000)
    }

    @Test func readerResumesAtARecordBoundary() throws {
        let all = try TxnLogContents(path: Fixtures.path("log.2b")).records
        var reader = try TxnLogReader(path: Fixtures.path("log.2b"), offset: all[5].offset)
        var rest: [TxnLogRecord] = []
        while let record = try reader.next() { rest.append(record) }
        #expect(rest == Array(all[5...]))
    }

    @Test func rejectsAFileWithoutTheLogMagic() throws {
        #expect(throws: StorageError.badMagic(file: Fixtures.path("snapshot.0").description,
                                              found: StorageFormat.snapshotMagic, expected: StorageFormat.logMagic)) {
            _ = try TxnLogReader(path: Fixtures.path("snapshot.0"))
        }
    }
}
