/// The `key=value` directives of a DIGEST-MD5 message (RFC 2831 §7.1), read
/// as the JDK's DigestMD5Base.parseDirectives reads them, which is what
/// Apache ZooKeeper's server sees.
///
/// The JDK's reading differs from the RFC grammar in ways a peer can notice:
/// - Only the keys in the table are kept. Any other key is skipped, so the
///   `nc` that clients send is ignored: the JDK's table spells that directive
///   `nonce-count`.
/// - Keys match case-insensitively as Java's `equalsIgnoreCase` does, after
///   decoding the key bytes as UTF-8.
/// - A known key given twice is an error; an unknown key given twice is not.
/// - Whitespace is CR, LF, SP and HT, byte by byte.
/// - Inside quotes a backslash takes the next byte as it is.
/// - An unquoted value runs to the next comma or whitespace and may contain
///   `=` and `"`.
/// - Empty elements (`a=1,,b=2`) are skipped; a key with no `=` before a comma
///   is an error, but a key with no `=` at the very end is taken with an
///   empty value.
struct SASLDirectives: Hashable {
    /// The raw bytes of each key of the table, nil where the key was absent.
    private(set) var values: [[UInt8]?]

    /// Why a message could not be read; the text is the JDK's SaslException
    /// message, so logs read the same as Apache's.
    struct ParseError: Error, Hashable {
        var message: String
    }

    /// Reads `message` against `keys` (ASCII, lower case).
    static func parse(_ message: [UInt8], keys: [String]) -> Result<SASLDirectives, ParseError> {
        var result = SASLDirectives(values: Array(repeating: nil, count: keys.count))
        var key: [UInt8] = []
        var value: [UInt8] = []
        var gettingKey = true
        var gettingQuotedValue = false
        var expectSeparator = false
        var i = skipLWS(message, from: 0)

        func text(_ bytes: [UInt8]) -> String { String(decoding: JavaText.utf16(bytes), as: UTF16.self) }

        while i < message.count {
            let byte = message[i]
            if gettingKey {
                if byte == UInt8(ascii: ",") {
                    if !key.isEmpty {
                        return .failure(ParseError(message: "Directive key contains a ',':" + text(key)))
                    }
                    i = skipLWS(message, from: i + 1)
                } else if byte == UInt8(ascii: "=") {
                    if key.isEmpty {
                        return .failure(ParseError(message: "Empty directive key"))
                    }
                    gettingKey = false
                    i = skipLWS(message, from: i + 1)
                    guard i < message.count else {
                        return .failure(ParseError(message: "Valueless directive found: " + text(key)))
                    }
                    if message[i] == UInt8(ascii: "\"") {
                        gettingQuotedValue = true
                        i += 1
                    }
                } else if isLWS(byte) {
                    i = skipLWS(message, from: i + 1)
                    guard i < message.count, message[i] == UInt8(ascii: "=") else {
                        return .failure(ParseError(message: "'=' expected after key: " + text(key)))
                    }
                } else {
                    key.append(byte)
                    i += 1
                }
            } else if gettingQuotedValue {
                if byte == UInt8(ascii: "\\") {
                    i += 1
                    guard i < message.count else {
                        return .failure(ParseError(
                            message: "Unmatched quote found for directive: \(text(key)) with value: \(text(value))"))
                    }
                    value.append(message[i])
                    i += 1
                } else if byte == UInt8(ascii: "\"") {
                    i += 1
                    gettingQuotedValue = false
                    expectSeparator = true
                } else {
                    value.append(byte)
                    i += 1
                }
            } else if isLWS(byte) || byte == UInt8(ascii: ",") {
                if let error = result.store(key: key, value: value, keys: keys) { return .failure(error) }
                key.removeAll()
                value.removeAll()
                gettingKey = true
                gettingQuotedValue = false
                expectSeparator = false
                i = skipLWS(message, from: i + 1)
            } else if expectSeparator {
                return .failure(ParseError(
                    message: "Expecting comma or linear whitespace after quoted string: \"\(text(value))\""))
            } else {
                value.append(byte)
                i += 1
            }
        }
        if gettingQuotedValue {
            return .failure(ParseError(
                message: "Unmatched quote found for directive: \(text(key)) with value: \(text(value))"))
        }
        // The JDK stores the last pair whenever a key was read, even one whose
        // `=` never came (it is then stored with an empty value).
        if !key.isEmpty {
            if let error = result.store(key: key, value: value, keys: keys) { return .failure(error) }
        }
        return .success(result)
    }

    /// The value of `keys[index]`, or nil.
    subscript(_ index: Int) -> [UInt8]? { values[index] }

    /// extractDirective: the first table key equal (ignoring case) to `key`
    /// takes `value`; a second value for it is an error.
    private mutating func store(key: [UInt8], value: [UInt8], keys: [String]) -> ParseError? {
        let units = JavaText.utf16(key)
        guard let index = keys.firstIndex(where: { Self.javaEqualsIgnoreCase(units, $0) }) else { return nil }
        if values[index] != nil {
            let shown = String(decoding: JavaText.utf16(value), as: UTF16.self)
            return ParseError(message: "DIGEST-MD5: peer sent more than one \(String(decoding: units, as: UTF16.self)) directive: \(shown)")
        }
        values[index] = value
        return nil
    }

    /// Java's `String.equalsIgnoreCase` of `units` with an ASCII string.
    ///
    /// Java compares char by char: equal, or equal after `toUpperCase`, or
    /// equal after `toUpperCase` then `toLowerCase`. Against ASCII that
    /// admits exactly four non-ASCII chars: dotless ı and dotted İ for i,
    /// long ſ for s, and the Kelvin sign for k.
    static func javaEqualsIgnoreCase(_ units: [UInt16], _ ascii: String) -> Bool {
        let other = Array(ascii.utf16)
        guard units.count == other.count else { return false }
        for (a, b) in zip(units, other) where a != b {
            guard foldedASCII(a) == foldedASCII(b) else { return false }
        }
        return true
    }

    /// The ASCII lower-case letter a char folds to under Java's
    /// equalsIgnoreCase, or the char itself.
    private static func foldedASCII(_ unit: UInt16) -> UInt16 {
        switch unit {
        case 0x41...0x5A: unit + 0x20
        case 0x0130, 0x0131: 0x69  // İ, ı → i
        case 0x017F: 0x73          // ſ → s
        case 0x212A: 0x6B          // Kelvin sign → k
        default: unit
        }
    }

    /// LWS, checked byte by byte as the JDK does: CR, LF, SP, HT.
    private static func isLWS(_ byte: UInt8) -> Bool {
        byte == 13 || byte == 10 || byte == 32 || byte == 9
    }

    private static func skipLWS(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start
        while i < bytes.count, isLWS(bytes[i]) { i += 1 }
        return i
    }
}
