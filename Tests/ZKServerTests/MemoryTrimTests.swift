import Foundation
import Testing

@testable import ZKServer

@Suite(.serialized) struct MemoryTrimTests {
    /// Frees most of 200 MB of small blocks while keeping every 64th, so the
    /// free memory is scattered through the arena (as after a connection
    /// with a million watches closes) and malloc does not return it by itself.
    private func scatterFreedMemory() -> [UnsafeMutableRawPointer] {
        scatterFreedMemoryAndPages().kept
    }

    /// As `scatterFreedMemory`, and also the pages that held only freed
    /// blocks: whether those are resident says what a trim did to this
    /// memory alone, whatever other tests running meanwhile allocate (the
    /// process's RSS does not: found when the suite grew and a trim of 190
    /// MB showed as 88 MB).
    private func scatterFreedMemoryAndPages() -> (kept: [UnsafeMutableRawPointer], freedPages: [UInt]) {
        let blockBytes = 2048
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(100_000)
        for _ in 0..<100_000 {
            guard let block = malloc(blockBytes) else { break }
            memset(block, 0x5a, blockBytes)
            blocks.append(block)
        }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        func pages(of block: UnsafeMutableRawPointer) -> ClosedRange<UInt> {
            let start = UInt(bitPattern: block)
            return (start / page)...((start + UInt(blockBytes) - 1) / page)
        }
        var kept: [UnsafeMutableRawPointer] = []
        var keptPages: Set<UInt> = []
        var freedPages: Set<UInt> = []
        for (i, block) in blocks.enumerated() {
            if i % 64 == 0 {
                kept.append(block)
                keptPages.formUnion(pages(of: block))
            } else {
                freedPages.formUnion(pages(of: block))
                free(block)
            }
        }
        return (kept, freedPages.subtracting(keptPages).map { $0 * page })
    }

    /// The fraction of `pages` (page addresses) resident in memory (mincore).
    private func residentFraction(_ pages: [UInt]) -> Double {
        guard !pages.isEmpty else { return 0 }
        var resident = 0
        var vector: UInt8 = 0
        for address in pages {
            guard let pointer = UnsafeMutableRawPointer(bitPattern: address) else { continue }
            // ENOMEM: no longer mapped at all, which counts as returned.
            if mincore(pointer, 1, &vector) == 0, vector & 1 == 1 { resident += 1 }
        }
        return Double(resident) / Double(pages.count)
    }

    /// Scattered freed memory whose pages are still resident. Another
    /// server in this test process may trim the same arenas at any moment
    /// (its own check after a closed connection), so a scatter whose pages
    /// went before they were measured is made again (at most 3 times).
    private func scatterResidentFreedMemory() -> (kept: [UnsafeMutableRawPointer], freedPages: [UInt], resident: Double) {
        var attempt = scatterFreedMemoryAndPages()
        var resident = residentFraction(attempt.freedPages)
        for _ in 1..<3 where resident <= 0.9 {
            attempt.kept.forEach { free($0) }
            attempt = scatterFreedMemoryAndPages()
            resident = residentFraction(attempt.freedPages)
        }
        return (attempt.kept, attempt.freedPages, resident)
    }

    @Test func trimGivesScatteredFreedMemoryBack() throws {
        let (kept, freedPages, before) = scatterResidentFreedMemory()
        defer { kept.forEach { free($0) } }
        // About 190 MB of pages that held only freed blocks.
        #expect(freedPages.count * Int(sysconf(Int32(_SC_PAGESIZE))) > 150 * 1024 * 1024)
        #expect(before > 0.9, "\(before) of the freed pages resident before the trim")
        // What is judged is the pages: whether this call or another
        // server's check in this process released them first, malloc_trim
        // is what released them (its return value says only which call did).
        _ = MemoryTrim.trim()
        let after = residentFraction(freedPages)
        #expect(after < 0.5, "\(after) of the freed pages still resident after the trim")
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
        let (kept, freedPages, before) = scatterResidentFreedMemory()
        defer { kept.forEach { free($0) } }
        trim.connectionClosed()
        trim.connectionClosed()
        try await Task.sleep(for: .milliseconds(500))
        let after = residentFraction(freedPages)
        #expect(before > 0.9, "\(before) of the freed pages resident before")
        #expect(after < 0.5, "\(after) of the freed pages still resident after the scheduled check")
    }
}
