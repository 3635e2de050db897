/// The few pieces of java.lang.String and Integer semantics that Apache
/// ZooKeeper's auth providers lean on, reproduced over bytes.
///
/// Apache parses ACL ids and auth data as Java Strings: it splits them with
/// `String.split` and reads numbers with `Integer.parseInt`. Both have quirks
/// that decide whether an id is valid (a sign is allowed, any Unicode decimal
/// digit counts, trailing empty pieces vanish), so we copy them instead of
/// using Swift's own parsing. Every separator used here is ASCII, and an ASCII
/// byte never occurs inside a multi-byte UTF-8 sequence, so splitting the
/// bytes gives the same pieces as splitting the decoded String.
enum JavaText {
    /// `String.split(sep, limit)` for a literal separator.
    ///
    /// - limit > 0: at most `limit` pieces, the last holding the rest.
    /// - limit == 0: every piece, then trailing empty pieces removed.
    /// - limit < 0: every piece, trailing empty pieces kept.
    ///
    /// As in Java, input with no separator at all comes back whole (so ""
    /// gives [""]), and a separator at the very start yields a leading "".
    static func split(_ bytes: ArraySlice<UInt8>, on separator: [UInt8], limit: Int) -> [ArraySlice<UInt8>] {
        precondition(!separator.isEmpty)
        var pieces: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index + separator.count <= bytes.endIndex {
            if limit > 0 && pieces.count == limit - 1 { break }
            if bytes[index..<(index + separator.count)].elementsEqual(separator) {
                pieces.append(bytes[start..<index])
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        if pieces.isEmpty { return [bytes] }
        pieces.append(bytes[start..<bytes.endIndex])
        if limit == 0 {
            while let last = pieces.last, last.isEmpty { pieces.removeLast() }
        }
        return pieces
    }

    static func split(_ bytes: [UInt8], on separator: [UInt8], limit: Int) -> [ArraySlice<UInt8>] {
        split(bytes[...], on: separator, limit: limit)
    }

    /// The UTF-16 code units of `new String(bytes, UTF_8)` in Java.
    ///
    /// Each malformed sequence becomes U+FFFD, but Java groups the bytes of a
    /// malformed sequence differently from Swift and from Unicode's "maximal
    /// subpart" advice: an encoded surrogate (ED A0 80) is one U+FFFD, not
    /// three, and a truncated sequence at the very end swallows its trailing
    /// continuation byte. This is a port of OpenJDK 17's
    /// String.decodeUTF8_UTF16 (checked against Java 17 by the tests).
    static func utf16(_ bytes: some Collection<UInt8>) -> [UInt16] {
        let src = Array(bytes)
        if src.allSatisfy({ $0 < 0x80 }) { return src.map(UInt16.init) }
        let replacement: UInt16 = 0xFFFD
        func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
        var out: [UInt16] = []
        out.reserveCapacity(src.count)
        var sp = 0
        let sl = src.count
        decoding: while sp < sl {
            let b1 = src[sp]
            sp += 1
            switch b1 {
            case 0x00...0x7F:
                out.append(UInt16(b1))
            case 0xC2...0xDF:
                guard sp < sl else {
                    out.append(replacement)
                    break decoding
                }
                let b2 = src[sp]
                if isContinuation(b2) {
                    out.append(UInt16(b1 & 0x1F) << 6 | UInt16(b2 & 0x3F))
                    sp += 1
                } else {
                    out.append(replacement)
                }
            case 0xE0...0xEF:
                if sp + 1 < sl {
                    let b2 = src[sp], b3 = src[sp + 1]
                    let overlong = b1 == 0xE0 && b2 & 0xE0 == 0x80
                    if overlong || !isContinuation(b2) || !isContinuation(b3) {
                        out.append(replacement)
                        sp += (overlong || !isContinuation(b2)) ? 0 : 1
                    } else {
                        let unit = UInt16(b1 & 0x0F) << 12 | UInt16(b2 & 0x3F) << 6 | UInt16(b3 & 0x3F)
                        out.append((0xD800...0xDFFF).contains(unit) ? replacement : unit)
                        sp += 2
                    }
                    continue decoding
                }
                out.append(replacement)
                if sp < sl && ((b1 == 0xE0 && src[sp] & 0xE0 == 0x80) || !isContinuation(src[sp])) {
                    continue decoding
                }
                break decoding
            case 0xF0...0xF7:
                if sp + 2 < sl {
                    let b2 = src[sp], b3 = src[sp + 1], b4 = src[sp + 2]
                    let scalar = UInt32(b1 & 0x07) << 18 | UInt32(b2 & 0x3F) << 12 | UInt32(b3 & 0x3F) << 6 | UInt32(b4 & 0x3F)
                    if !isContinuation(b2) || !isContinuation(b3) || !isContinuation(b4) || !(0x10000...0x10FFFF).contains(scalar) {
                        out.append(replacement)
                        let badSecond = b1 > 0xF4 || (b1 == 0xF0 && !(0x90...0xBF).contains(b2))
                            || (b1 == 0xF4 && b2 & 0xF0 != 0x80) || !isContinuation(b2)
                        sp += badSecond ? 0 : (isContinuation(b3) ? 2 : 1)
                    } else {
                        let value = scalar - 0x10000
                        out.append(0xD800 | UInt16(value >> 10))
                        out.append(0xDC00 | UInt16(value & 0x3FF))
                        sp += 3
                    }
                    continue decoding
                }
                let badSecond = sp < sl && ((b1 == 0xF0 && !(0x90...0xBF).contains(src[sp]))
                    || (b1 == 0xF4 && src[sp] & 0xF0 != 0x80) || !isContinuation(src[sp]))
                out.append(replacement)
                if b1 > 0xF4 || badSecond { continue decoding }
                sp += 1
                if sp < sl && !isContinuation(src[sp]) { continue decoding }
                break decoding
            default:
                out.append(replacement)
            }
        }
        return out
    }

    /// `bytes` as Java's `new String(bytes, UTF_8).getBytes(UTF_8)` gives
    /// them back: valid UTF-8 is unchanged, malformed sequences become
    /// U+FFFD as `utf16` decides.
    static func utf8RoundTrip(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let units = utf16(bytes)
        if units.allSatisfy({ $0 < 0x80 }) { return units.map { UInt8($0) } }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code
    /// units, in wrapping 32-bit arithmetic.
    static func hashCode(_ bytes: some Collection<UInt8>) -> Int32 {
        var hash: Int32 = 0
        for unit in utf16(bytes) {
            hash = hash &* 31 &+ Int32(unit)
        }
        return hash
    }

    /// `Integer.parseInt(s, radix)`, or nil where Java throws
    /// NumberFormatException.
    ///
    /// One leading '+' or '-' is allowed. A digit is whatever
    /// `Character.digit(char, radix)` accepts: any BMP decimal digit (general
    /// category Nd: Arabic-Indic, Devanagari, fullwidth, ...), ASCII letters
    /// and fullwidth Latin letters for values from 10. Each UTF-16 unit is one
    /// char, so a supplementary-plane digit (a surrogate pair) is rejected.
    static func parseInt(_ units: some Collection<UInt16>, radix: Int32) -> Int32? {
        guard let first = units.first else { return nil }
        var negative = false
        var limit = -Int32.max
        var rest = units[...]
        if first < 0x30 {
            if first == 0x2D {
                negative = true
                limit = Int32.min
            } else if first != 0x2B {
                return nil
            }
            rest = rest.dropFirst()
            if rest.isEmpty { return nil }
        }
        // Accumulate negatively, as Java does, so Int32.min parses.
        let multmin = limit / radix
        var result: Int32 = 0
        for unit in rest {
            guard let digit = digitValue(unit, radix: radix), result >= multmin else { return nil }
            result *= radix
            guard result >= limit + digit else { return nil }
            result -= digit
        }
        return negative ? result : -result
    }

    static func parseInt(_ bytes: some Collection<UInt8>, radix: Int32) -> Int32? {
        parseInt(utf16(bytes), radix: radix)
    }

    /// `Character.digit(char, radix)`, nil for -1.
    private static func digitValue(_ unit: UInt16, radix: Int32) -> Int32? {
        let value: Int32
        switch unit {
        case 0x30...0x39: value = Int32(unit - 0x30)
        case 0x41...0x5A: value = Int32(unit - 0x41) + 10
        case 0x61...0x7A: value = Int32(unit - 0x61) + 10
        case 0xFF21...0xFF3A: value = Int32(unit - 0xFF21) + 10
        case 0xFF41...0xFF5A: value = Int32(unit - 0xFF41) + 10
        case 0x80...:
            guard let scalar = Unicode.Scalar(unit),
                  scalar.properties.generalCategory == .decimalNumber,
                  let numeric = scalar.properties.numericValue
            else { return nil }
            value = Int32(numeric)
        default: return nil
        }
        return value < radix ? value : nil
    }
}

/// Byte spellings of the scheme names and fixed ids the auth rules compare
/// against.
enum AuthNames {
    static let world: [UInt8] = Array("world".utf8)
    static let anyone: [UInt8] = Array("anyone".utf8)
    static let auth: [UInt8] = Array("auth".utf8)
    static let digest: [UInt8] = Array("digest".utf8)
    static let ip: [UInt8] = Array("ip".utf8)
    static let superScheme: [UInt8] = Array("super".utf8)
}
