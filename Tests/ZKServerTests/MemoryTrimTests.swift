import Foundation
import Testing

@testable import ZKServer

@Suite(.serialized) struct MemoryTrimTests {
    /// Frees most of 200 MB of small blocks while keeping every 64th, so the
    /// free memory is scattered through the arena (as after a connection
    /// with a million watches closes) and malloc does not return it by itself.
    private func scatterFreedMemory() -> [UnsafeMutableRawPointer] {
        let blockBytes = 2048
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(100_000)
        for _ in 0..<100_000 {
            guard let block = malloc(blockBytes) else { break }
            memset(block, 0x5a, blockBytes)
            blocks.append(block)
        }
        var kept: [UnsafeMutableRawPointer] = []
        for (i, block) in blocks.enumerated() {
            if i % 64 == 0 { kept.append(block) } else { free(block) }
        }
        return kept
    }

    @Test func trimGivesScatteredFreedMemoryBack() throws {
        let kept = scatterFreedMemory()
        defer { kept.forEach { free($0) } }
        let before = try #require(MemoryTrim.residentBytes())
        #expect(MemoryTrim.trim())
        let after = try #require(MemoryTrim.residentBytes())
        #expect(before - after > 100 * 1024 * 1024, "RSS \(before) before the trim, \(after) after")
    }

    @Test func checkTrimsOnlyWhenRSSGrew() throws {
        let trim = MemoryTrim(growthBeforeTrimBytes: 64 * 1024 * 1024, checkDelayMillis: 10)
        #expect(!trim.check())
        let kept = scatterFreedMemory()
        defer { kept.forEach { free($0) } }
        #expect(trim.check())
        // The trim gave the memory back: RSS is near its start again.
        #expect(!trim.check())
    }

    @Test func aClosedConnectionSchedulesOneCheck() async throws {
        let trim = MemoryTrim(growthBeforeTrimBytes: 64 * 1024 * 1024, checkDelayMillis: 10)
        let kept = scatterFreedMemory()
        defer { kept.forEach { free($0) } }
        let before = try #require(MemoryTrim.residentBytes())
        trim.connectionClosed()
        trim.connectionClosed()
        try await Task.sleep(for: .milliseconds(500))
        let after = try #require(MemoryTrim.residentBytes())
        #expect(before - after > 100 * 1024 * 1024, "RSS \(before) before, \(after) after the scheduled check")
    }
}
