import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

@Suite struct TxnLogWriterTests {
    /// Apache's fixture server ran with preAllocSize=64 (KiB) and committed
    /// each transaction on its own; writing the same entries the same way
    /// must give the same file, byte for byte, padding included.
    @Test(arguments: Fixtures.logNames)
    func rewritesApacheLogByteForByte(_ name: String) throws {
        let original = try Fixtures.bytes(name)
        let records = try TxnLogContents(path: Fixtures.path(name)).records
        try withTemporaryDirectory { directory in
            var writer = TxnLogWriter(directory: FilePath(directory),
                                      options: .init(preAllocSize: 65536, forceSync: false))
            for record in records {
                try writer.append(record.entry)
                try writer.sync()
            }
            #expect(writer.currentFile == FilePath(directory + "/" + name))
            try writer.close()
            #expect(try readFile(directory + "/" + name) == original)
        }
    }

    @Test func writesReadsAndRollsLogs() throws {
        try withTemporaryDirectory { directory in
            var writer = TxnLogWriter(directory: FilePath(directory), options: .init(preAllocSize: 4096))
            var entries: [TxnLogEntry] = []
            for zxid in Int64(1)...Int64(30) {
                let entry = TxnLogEntry(
                    header: .make(zxid: zxid, type: .create),
                    body: Samples.create("/n\(zxid)", data: JuteBytes([UInt8](repeating: UInt8(zxid), count: Int(zxid) * 50))),
                    digest: zxid % 2 == 0 ? TxnDigest(version: 2, treeDigest: zxid * 1000) : nil)
                entries.append(entry)
                try writer.append(entry)
                if zxid % 3 == 0 { try writer.sync() }
                if zxid == 10 || zxid == 20 { try writer.rollLog() }
            }
            try writer.close()
            #expect(try listDirectory(directory) == ["log.1", "log.15", "log.b"])
            var read: [TxnLogEntry] = []
            for name in ["log.1", "log.b", "log.15"] {
                let log = try TxnLogContents(path: FilePath(directory + "/" + name))
                #expect(log.fileHeader == FileHeader(magic: StorageFormat.logMagic, version: 2, dbid: 0))
                guard case .clean = log.end else {
                    Issue.record("\(name) ended \(log.end)")
                    continue
                }
                read += log.records.map(\.entry)
            }
            #expect(read == entries)
        }
    }

    @Test func preallocatesInSteps() throws {
        try withTemporaryDirectory { directory in
            var writer = TxnLogWriter(directory: FilePath(directory), options: .init(preAllocSize: 8192, forceSync: false))
            try writer.append(header: .make(zxid: 1, type: .create), body: Samples.create("/a"))
            try writer.flush()
            let file = directory + "/log.1"
            // Header, then padded to header + one step (Apache's FilePadding).
            #expect(try readFile(file).count == 16 + 8192)
            var sizes: [Int] = []
            for zxid in Int64(2)...Int64(200) {
                try writer.append(header: .make(zxid: zxid, type: .create), body: Samples.create("/n\(zxid)", data: JuteBytes([UInt8](repeating: 1, count: 100))))
                try writer.flush()
                sizes.append(try readFile(file).count)
            }
            try writer.close()
            // The file only ever grows by whole steps and stays ahead of the data.
            #expect(Set(sizes).allSatisfy { ($0 - 16) % 8192 == 0 })
            #expect(sizes.last! > Int(writer_dataEnd(file)))
            let log = try TxnLogContents(path: FilePath(file))
            #expect(log.records.count == 200)
            #expect(log.end == .clean(offset: log.records.last!.endOffset))
        }
    }

    @Test func rollsAtTheSizeLimit() throws {
        try withTemporaryDirectory { directory in
            var writer = TxnLogWriter(directory: FilePath(directory), options: .init(preAllocSize: 0, sizeLimit: 1000))
            for zxid in Int64(1)...Int64(10) {
                try writer.append(header: .make(zxid: zxid, type: .setData),
                                  body: .setData(SetDataTxn(path: "/x", data: JuteBytes([UInt8](repeating: 7, count: 300)), version: Int32(zxid))))
                try writer.sync()
            }
            try writer.close()
            // Each file passes 1000 bytes at its third record, then rolls.
            #expect(try listDirectory(directory) == ["log.1", "log.4", "log.7", "log.a"])
        }
    }
}

extension TxnLogWriterTests {
    @Test func refusesToOverwriteALogWithTransactions() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/log.1", try Fixtures.bytes("log.1"))
            var writer = TxnLogWriter(directory: FilePath(directory))
            #expect(throws: StorageError.self) {
                try writer.append(header: .make(zxid: 1, type: .create), body: Samples.create("/a"))
            }
            // The file is untouched.
            #expect(try readFile(directory + "/log.1") == Fixtures.bytes("log.1"))
        }
    }

    @Test func reusesAnEmptyLeftoverLog() throws {
        try withTemporaryDirectory { directory in
            // A header and zeros: a crash right after the file was created.
            try writeFile(directory + "/log.5", Array(try Fixtures.bytes("log.1").prefix(16)) + [UInt8](repeating: 0, count: 100))
            var writer = TxnLogWriter(directory: FilePath(directory), options: .init(preAllocSize: 0))
            try writer.append(header: .make(zxid: 5, type: .create), body: Samples.create("/a"))
            try writer.close()
            let log = try TxnLogContents(path: FilePath(directory + "/log.5"))
            #expect(log.records.map(\.zxid) == [5])
        }
    }

    @Test func refusesZxidsOutOfOrder() throws {
        try withTemporaryDirectory { directory in
            var writer = TxnLogWriter(directory: FilePath(directory))
            try writer.append(header: .make(zxid: 7, type: .create), body: Samples.create("/a"))
            #expect(throws: StorageError.self) {
                try writer.append(header: .make(zxid: 7, type: .create), body: Samples.create("/b"))
            }
            try writer.append(header: .make(zxid: 8, type: .create), body: Samples.create("/b"))
            try writer.close()
        }
    }

    /// A long run of appends before one sync (a pipelined flood) costs time
    /// linear in its size. The buffer used to be reallocated to the exact
    /// size for every entry, so the copying grew with the square of the
    /// batch: for these 20,000 entries of 2 KiB, some 400 GB of copies
    /// instead of 40 MB.
    @Test func bufferedAppendsOfALongBatchTakeLinearTime() throws {
        try withTemporaryDirectory { directory in
            var writer = TxnLogWriter(directory: FilePath(directory), options: .init(preAllocSize: 0, forceSync: false))
            let count: Int64 = 20_000
            let data = JuteBytes([UInt8](repeating: 0x61, count: 2048))
            let started = ContinuousClock.now
            for zxid in 1...count {
                try writer.append(header: .make(zxid: zxid, type: .create), body: Samples.create("/flood", data: data))
            }
            try writer.sync()
            #expect(ContinuousClock.now - started < .seconds(30))
            try writer.close()
            let log = try TxnLogContents(path: FilePath(directory + "/log.1"))
            #expect(log.records.count == Int(count))
            #expect(log.records.last?.zxid.raw == count)
        }
    }
}

/// The end of the last record in a log file.
private func writer_dataEnd(_ file: String) -> Int64 {
    (try? TxnLogContents(path: FilePath(file)).end.offset) ?? 0
}
