import ZKProtocol

/// A small, seeded source of test values (SplitMix64), so every property
/// test is repeatable: a failure prints its seed.
struct Gen {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound`.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// True one time in `n`.
    mutating func chance(_ n: Int) -> Bool { below(n) == 0 }

    mutating func bool() -> Bool { next() & 1 == 1 }

    /// Edge values often, any value otherwise.
    mutating func int32() -> Int32 {
        switch below(6) {
        case 0: return [0, 1, -1, Int32.min, Int32.max][below(5)]
        case 1: return Int32(below(100))
        default: return Int32(truncatingIfNeeded: next())
        }
    }

    mutating func int64() -> Int64 {
        switch below(6) {
        case 0: return [0, 1, -1, Int64.min, Int64.max][below(5)]
        case 1: return Int64(below(100))
        default: return Int64(bitPattern: next())
        }
    }

    /// Null, empty, a path-like string or random bytes.
    mutating func bytes() -> JuteBytes {
        switch below(8) {
        case 0: return .null
        case 1: return JuteBytes([])
        case 2, 3:
            let parts = (0...below(4)).map { _ in "n\(below(1000))" }
            return JuteBytes("/" + parts.joined(separator: "/"))
        default:
            return JuteBytes((0..<below(40)).map { _ in UInt8(truncatingIfNeeded: next()) })
        }
    }

    /// Null sometimes, else up to four elements.
    mutating func vector<T>(_ element: (inout Gen) -> T) -> [T]? {
        if chance(8) { return nil }
        return (0..<below(5)).map { _ in element(&self) }
    }

    /// Never null.
    mutating func array<T>(max: Int = 4, _ element: (inout Gen) -> T) -> [T] {
        (0..<below(max + 1)).map { _ in element(&self) }
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}

/// A type whose values tests can generate.
protocol Arbitrary {
    static func arbitrary(_ g: inout Gen) -> Self
}

extension Perms: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> Perms {
        g.chance(4) ? Perms(rawValue: g.int32()) : Perms(rawValue: Int32(g.below(32)))
    }
}
