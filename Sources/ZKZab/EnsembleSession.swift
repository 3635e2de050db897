/// Session ids and passwords as an Apache ensemble makes them, so that any
/// member, SwiftZK or Apache, can accept a session another member created.
public enum EnsembleSession {
    /// The first session id a server hands out (`SessionTrackerImpl.
    /// initializeNextSessionId`): the server id's low byte in bits 56-63, the
    /// low 40 bits of the clock's milliseconds in bits 16-55, zeros below;
    /// later ids count up by one from there.
    ///
    /// `elapsedMillis` is Apache's `Time.currentElapsedTime()` (a monotonic
    /// clock in milliseconds); any value that differs between restarts works,
    /// since ids only need to be unique.
    public static func initialSessionId(serverId: Int64, elapsedMillis: Int64) -> Int64 {
        let low = (UInt64(bitPattern: elapsedMillis) << 24) >> 8
        let id = Int64(bitPattern: low | (UInt64(bitPattern: serverId) << 56))
        // Int64.min marks a container's ephemeralOwner; never a session.
        return id == Int64.min ? id &+ 1 : id
    }

    /// The salt Apache mixes into the seed (`ZooKeeperServer.superSecret`).
    public static let passwordSalt: Int64 = 0xB341_5C00
    /// Bytes in a session password.
    public static let passwordBytes = 16

    /// The password of `sessionId`: `new java.util.Random(sessionId ^
    /// 0xB3415C00).nextBytes(16)`. Public and predictable, exactly as Apache's
    /// (see DECISIONS.md): every member recomputes it to check a reconnect.
    public static func password(sessionId: Int64) -> [UInt8] {
        var random = JavaRandom(seed: sessionId ^ passwordSalt)
        return random.nextBytes(count: passwordBytes)
    }
}

/// `java.util.Random`, bit for bit: the 48-bit linear congruential generator
/// of the Java SE specification.
public struct JavaRandom: Hashable, Sendable {
    static let multiplier: UInt64 = 0x5_DEEC_E66D
    static let addend: UInt64 = 0xB
    static let mask: UInt64 = (1 << 48) - 1

    private var seed: UInt64

    /// `new Random(seed)`: the seed scrambled with the multiplier.
    public init(seed: Int64) {
        self.seed = (UInt64(bitPattern: seed) ^ Self.multiplier) & Self.mask
    }

    /// `next(bits)`: advance the state, return its top `bits` bits (1...32).
    public mutating func next(bits: Int) -> Int32 {
        seed = (seed &* Self.multiplier &+ Self.addend) & Self.mask
        return Int32(truncatingIfNeeded: Int64(seed >> UInt64(48 - bits)))
    }

    /// `nextInt()`.
    public mutating func nextInt() -> Int32 { next(bits: 32) }

    /// `nextBytes(new byte[count])`: one `nextInt()` per 4 bytes, low byte
    /// first; the last int's unused bytes are dropped.
    public mutating func nextBytes(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = UInt32(bitPattern: nextInt())
            for _ in 0..<min(4, count - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }
}
