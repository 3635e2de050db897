#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Now on the monotonic clock, in nanoseconds: the bench's only time base.
func benchMonotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time and memory of a process, from /proc (Linux only).
struct ProcessSample: Sendable {
    /// utime + stime, in seconds (10 ms ticks for another process).
    var cpuSeconds: Double
    /// VmRSS, bytes.
    var rssBytes: Int
    /// VmHWM (peak RSS), bytes.
    var peakRSSBytes: Int

    /// Reads /proc/PID/stat and /proc/PID/status; nil when the process is
    /// gone or /proc is unavailable.
    static func read(pid: Int32) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        // The command name (field 2) may hold spaces and parentheses: the
        // fields after it start after the last ')'. utime and stime are
        // fields 14 and 15, i.e. 12th and 13th after the state (field 3).
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ProcessSample(cpuSeconds: (utime + stime) / ticksPerSecond,
                             rssBytes: kilobytes("VmRSS:", in: status) * 1024,
                             peakRSSBytes: kilobytes("VmHWM:", in: status) * 1024)
    }

    /// This process, with getrusage's microsecond CPU times.
    static func ownProcess() -> ProcessSample {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return ProcessSample(cpuSeconds: cpu, rssBytes: kilobytes("VmRSS:", in: status) * 1024,
                             peakRSSBytes: kilobytes("VmHWM:", in: status) * 1024)
    }

    private static func kilobytes(_ key: String, in status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return Int(line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
        }
        return 0
    }
}
