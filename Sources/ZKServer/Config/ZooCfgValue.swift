/// Number and flag syntax of the Java calls Apache uses to read each key, so
/// a value Apache takes is taken here with the same meaning.
enum ZooCfgValue {
    /// How Apache turns a key's text into a number.
    enum IntegerSyntax {
        /// `Integer.parseInt`: optional sign, decimal digits, 32 bits.
        case parseInt
        /// `Long.parseLong`: optional sign, decimal digits, 64 bits.
        case parseLong
        /// `Integer.getInteger` → `Integer.decode`: also `0x`, `#` (hex) and
        /// a leading `0` (octal), 32 bits.
        case decodeInt
        /// `Long.getLong` → `Long.decode`, 64 bits.
        case decodeLong
    }

    static func integer(_ text: String, _ syntax: IntegerSyntax) -> Int? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        var radix = 10
        switch syntax {
        case .parseInt, .parseLong:
            break
        case .decodeInt, .decodeLong:
            if body.hasPrefix("0x") || body.hasPrefix("0X") {
                radix = 16
                body = body.dropFirst(2)
            } else if body.hasPrefix("#") {
                radix = 16
                body = body.dropFirst()
            } else if body.hasPrefix("0"), body.count > 1 {
                radix = 8
                body = body.dropFirst()
            }
        }
        // UInt64(_:radix:) would take a second sign; Java does not.
        guard let first = body.first, first != "+", first != "-",
              let magnitude = UInt64(body, radix: radix)
        else { return nil }
        let value: Int64
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            value = Int64(truncatingIfNeeded: 0 &- magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            value = Int64(magnitude)
        }
        switch syntax {
        case .parseInt, .decodeInt:
            guard let narrow = Int32(exactly: value) else { return nil }
            return Int(narrow)
        case .parseLong, .decodeLong:
            return Int(value)
        }
    }

    /// QuorumPeerConfig.parseBoolean: `true` or `false`, any case. Apache's
    /// system-property flags (`Boolean.getBoolean`) quietly read anything
    /// else as false; here anything else is an error instead.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// A host name or address; `[v6]` brackets are dropped, as
    /// ConfigUtils.getHostAndPort does for server lines.
    static func host(_ text: String) -> String? {
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("["), text.hasSuffix("]"), text.count > 2 {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// Addresses that mean "every interface", for comparing a `clientPortAddress`
    /// with a server line's client address as QuorumPeerConfig.setupClientPort does.
    static func isWildcard(_ host: String?) -> Bool {
        guard let host else { return true }
        return ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"].contains(host)
    }
}
