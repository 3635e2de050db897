import NIOCore
import ZKProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shell's clocks and randomness, read here and handed to the core.
struct ServerClock: Sendable {
    func now() -> Now {
        Now(monotonicNanos: NIODeadline.now().uptimeNanoseconds, wallMillis: Self.wallMillis())
    }

    static func wallMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Bytes from the system's CSPRNG.
    func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
