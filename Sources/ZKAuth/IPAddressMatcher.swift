/// An `ip` ACL id parsed by Apache ZooKeeper 3.9's IPAuthenticationProvider
/// rules: an address, optionally followed by `/bits`.
///
/// The forms accepted are exactly Apache's (3.9.4 and later, ZOOKEEPER-4240):
/// - IPv4 `a.b.c.d`: four decimal parts from 0 to 255, each read by Java's
///   `Integer.parseInt`, so `+1`, `-0`, `010` (ten) and non-ASCII decimal
///   digits are accepted.
/// - IPv6: eight hex groups of at most four characters, or fewer around a
///   single `::`. A group is read by `Integer.parseInt(group, 16)` and its low
///   16 bits kept, so `-1` is `ffff`. Embedded dotted quads (`::ffff:1.2.3.4`)
///   and zone suffixes (`%eth0`) are rejected.
/// - A text containing ':' is parsed as IPv6, else one containing '.' as
///   IPv4; anything else is invalid.
/// - `/bits` is a decimal from 0 to 32 (IPv4) or 128 (IPv6).
///
/// Before 3.9.4, and in 3.8, only IPv4 ids exist: an IPv6 id is an invalid ACL.
public struct IPAddressMatcher: Sendable, Hashable {
    /// The network address with the host bits cleared: 4 or 16 bytes.
    public let network: [UInt8]
    /// How many leading bits a client address must share with `network`.
    public let prefixBits: Int

    /// Parses an `ip` ACL id; nil where IPAuthenticationProvider.isValid is false.
    public init?(aclId: [UInt8]) {
        let parts = JavaText.split(aclId, on: [UInt8(ascii: "/")], limit: 2)
        guard let address = Self.parseAddress(parts[0]) else { return nil }
        var bits = address.count * 8
        if parts.count == 2 {
            guard let parsed = JavaText.parseInt(parts[1], radix: 10), parsed >= 0, Int(parsed) <= bits else {
                return nil
            }
            bits = Int(parsed)
        }
        self.network = Self.mask(address, bits: bits)
        self.prefixBits = bits
    }

    /// Whether `aclId` is a valid `ip` ACL id (IPAuthenticationProvider.isValid).
    public static func isValid(aclId: [UInt8]) -> Bool {
        IPAddressMatcher(aclId: aclId) != nil
    }

    /// Whether a client at `clientAddress` (4 or 16 raw bytes, network order)
    /// is inside this network.
    ///
    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as the IPv4
    /// address, because Java hands Apache such peers as IPv4 addresses. An
    /// IPv4 client never matches an IPv6 ACL, nor the other way round.
    public func matches(clientAddress: [UInt8]) -> Bool {
        guard let address = Self.unmapped(clientAddress), address.count == network.count else { return false }
        return Self.mask(address, bits: prefixBits) == network
    }

    /// Apache's `matches(id, aclExpr)`: whether the session's `ip` id (an
    /// address in text, no `/bits`) lies inside the ACL expression.
    public static func matches(sessionId: [UInt8], aclExpr: [UInt8]) -> Bool {
        guard let matcher = IPAddressMatcher(aclId: aclExpr),
              let address = parseAddress(sessionId[...]),
              address.count == matcher.network.count
        else { return false }
        return mask(address, bits: matcher.prefixBits) == matcher.network
    }

    /// The text of the `ip` id Apache gives a connection from `clientAddress`:
    /// Java's `InetAddress.getHostAddress()`.
    ///
    /// IPv4 (and IPv4-mapped IPv6) is dotted decimal; IPv6 is eight lowercase
    /// hex groups without leading zeros and without `::` compression, such as
    /// `0:0:0:0:0:0:0:1`. Java appends `%scope` to scoped (link-local)
    /// addresses, which no ACL then matches; we take no scope. Nil unless the
    /// input is 4 or 16 bytes.
    public static func hostAddress(_ clientAddress: [UInt8]) -> [UInt8]? {
        guard let address = unmapped(clientAddress) else { return nil }
        if address.count == 4 {
            return Array(address.map { String($0) }.joined(separator: ".").utf8)
        }
        let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }
        return Array(groups.joined(separator: ":").utf8)
    }

    /// Apache's addr2Bytes: the 4 or 16 bytes of an address in text (no
    /// `/bits`), or nil.
    public static func parseAddress(_ text: [UInt8]) -> [UInt8]? {
        parseAddress(text[...])
    }

    static func parseAddress(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        if text.contains(UInt8(ascii: ":")) { return parseIPv6(text) }
        if text.contains(UInt8(ascii: ".")) { return parseIPv4(text) }
        return nil
    }

    /// 4 bytes for IPv4 and IPv4-mapped IPv6, 16 for other IPv6, else nil.
    static func unmapped(_ address: [UInt8]) -> [UInt8]? {
        switch address.count {
        case 4:
            return address
        case 16:
            let isMapped = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
            return isMapped ? Array(address[12..<16]) : address
        default:
            return nil
        }
    }

    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = JavaText.split(text, on: [UInt8(ascii: ".")], limit: -1)
        guard parts.count == 4 else { return nil }
        var address: [UInt8] = []
        for part in parts {
            guard let value = JavaText.parseInt(part, radix: 10), (0...255).contains(value) else { return nil }
            address.append(UInt8(value))
        }
        return address
    }

    private static func parseIPv6(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let colon = [UInt8(ascii: ":")]
        let halves = JavaText.split(text, on: colon + colon, limit: -1)
        var head: [ArraySlice<UInt8>] = []
        var tail: [ArraySlice<UInt8>] = []
        switch halves.count {
        case 1:
            head = JavaText.split(halves[0], on: colon, limit: -1)
            guard head.count == 8 else { return nil }
        case 2:
            if !halves[0].isEmpty { head = JavaText.split(halves[0], on: colon, limit: -1) }
            if !halves[1].isEmpty { tail = JavaText.split(halves[1], on: colon, limit: -1) }
            guard head.count + tail.count < 8 else { return nil }
        default:
            return nil
        }
        guard let headBytes = parseGroups(head), let tailBytes = parseGroups(tail) else { return nil }
        return headBytes + [UInt8](repeating: 0, count: 16 - headBytes.count - tailBytes.count) + tailBytes
    }

    private static func parseGroups(_ groups: [ArraySlice<UInt8>]) -> [UInt8]? {
        var bytes: [UInt8] = []
        for group in groups {
            let units = JavaText.utf16(group)
            guard !units.isEmpty, units.count <= 4, let value = JavaText.parseInt(units, radix: 16) else { return nil }
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value))
        }
        return bytes
    }

    /// Clears every bit after the first `bits` (IPAuthenticationProvider.mask).
    private static func mask(_ address: [UInt8], bits: Int) -> [UInt8] {
        var masked = address
        for index in masked.indices {
            let keep = bits - index * 8
            if keep <= 0 {
                masked[index] = 0
            } else if keep < 8 {
                masked[index] &= ~UInt8(0xFF >> keep)
            }
        }
        return masked
    }
}
