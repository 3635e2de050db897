import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Gives memory that malloc holds free back to the kernel after connections
/// close.
///
/// glibc keeps what a thread frees in that thread's arena and returns an
/// arena's pages to the kernel only from its top. Tearing down a connection
/// that held 1,000,000 watches frees some 200 MB scattered through the state
/// loop's arena, so the server's RSS stayed at its peak although nothing used
/// the memory (231 MB against 28 MB before the session; `malloc_trim(0)`
/// brought it to 63 MB, the rest being the watch table's bucket array,
/// which keeps its capacity). `malloc_trim(0)` releases the free pages of
/// every arena.
///
/// A close only schedules a check, `checkDelayMillis` later on a thread of
/// its own, and closes in between share it, so there is at most one trim
/// per `checkDelayMillis`. The check trims when RSS is `growthBeforeTrimBytes`
/// above its value at start-up: freed memory does not lower RSS, so the
/// growth is all a check can see, and a trim that finds little to release
/// costs a walk of malloc's free lists only.
final class MemoryTrim: Sendable {
    /// RSS growth since start-up, in bytes, above which a check trims.
    static let growthBeforeTrimBytes = 16 * 1024 * 1024
    /// Time from a close to its check, in milliseconds.
    static let checkDelayMillis = 1000

    private struct State {
        var checkScheduled = false
        let residentBytesAtStart: Int
    }

    private let state: NIOLockedValueBox<State>
    private let growthBeforeTrimBytes: Int
    private let checkDelayMillis: Int

    init(growthBeforeTrimBytes: Int = MemoryTrim.growthBeforeTrimBytes,
         checkDelayMillis: Int = MemoryTrim.checkDelayMillis) {
        self.growthBeforeTrimBytes = growthBeforeTrimBytes
        self.checkDelayMillis = checkDelayMillis
        state = NIOLockedValueBox(State(residentBytesAtStart: Self.residentBytes() ?? 0))
    }

    /// A connection closed (and with it its watches and queued replies).
    func connectionClosed() {
        guard Self.mallocTrim != nil else { return }
        let schedule = state.withLockedValue { state in
            defer { state.checkScheduled = true }
            return !state.checkScheduled
        }
        guard schedule else { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .milliseconds(checkDelayMillis)) {
            self.check()
        }
    }

    /// Trims if RSS grew enough since start-up; true when it trimmed.
    @discardableResult
    func check() -> Bool {
        let start = state.withLockedValue { state in
            state.checkScheduled = false
            return state.residentBytesAtStart
        }
        guard let resident = Self.residentBytes(), resident - start >= growthBeforeTrimBytes else { return false }
        return Self.trim()
    }

    /// `malloc_trim(0)`; false when this C library has none.
    @discardableResult
    static func trim() -> Bool {
        guard let mallocTrim else { return false }
        _ = mallocTrim(0)
        return true
    }

    /// glibc's `malloc_trim`, looked up at run time: the Glibc module does
    /// not export malloc.h, and other C libraries do not have it.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// This process's resident set size in bytes (/proc/self/statm), or nil.
    static func residentBytes() -> Int? {
        #if canImport(Glibc)
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        // "size resident shared ...", in pages.
        let fields = bytes[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * sysconf(Int32(_SC_PAGESIZE))
        #else
        return nil
        #endif
    }
}
