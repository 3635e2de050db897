import BenchFixtures
import Benchmark
import Foundation
import SystemPackage
import ZKDataTree
import ZKStorage

/// 100 sessions of 30 s, as a snapshot carries them.
private let sessions: [Int64: Int32] = Dictionary(uniqueKeysWithValues: (0..<100).map { (0x1000 + Int64($0), 30_000) })

// Serialising the 10,000-node tree in Apache's snapshot format, digest
// trailer included (the server's default). Figures are per snapshot.
let benchmarks: @Sendable () -> Void = {
    BenchConfig.install(timeUnits: .microseconds, cpuTotal: true)

    Benchmark("Snapshot serialise 10k nodes into memory") { _, tree in
        let bytes = SnapshotWriter.encode(tree: tree, sessions: sessions)
        blackHole(bytes.count)
    } setup: {
        BenchFixtures.prefilledTree()
    }

    // The file path the snapshot thread takes: a temporary file, written in
    // chunks, renamed over the last one. No fsync, so this measures the
    // serialiser and the write syscalls, not the disk.
    let directory = FilePath(NSTemporaryDirectory()).appending("swiftzk-bench-snapshots-\(getpid())")
    Benchmark("Snapshot write 10k nodes to /tmp (no fsync)") { _, tree in
        do {
            let path = try SnapshotWriter.write(
                tree: tree, sessions: sessions, to: directory, options: SnapshotOptions(fsync: false))
            blackHole(path)
        } catch {
            fatalError("snapshot write into \(directory): \(error)")
        }
    } setup: {
        try FileManager.default.createDirectory(atPath: directory.string, withIntermediateDirectories: true)
        return BenchFixtures.prefilledTree()
    } teardown: {
        try? FileManager.default.removeItem(atPath: directory.string)
    }
}
