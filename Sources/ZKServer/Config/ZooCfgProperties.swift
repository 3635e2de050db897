import Foundation

/// Where one setting came from: a line of a file, or a `--set` override.
struct ZooCfgOrigin: Equatable, Sendable, CustomStringConvertible {
    /// The file as named by the caller, or `--set`.
    var file: String
    /// The 1-based line the logical line starts on; nil for overrides.
    var line: Int?

    var description: String {
        if let line { return "\(file):\(line)" }
        return file
    }
}

/// One `key=value` pair after Java Properties unescaping and trimming.
struct ZooCfgEntry: Equatable, Sendable {
    var key: String
    var value: String
    var origin: ZooCfgOrigin
}

/// Reads zoo.cfg with the semantics of `java.util.Properties.load`, which is
/// what QuorumPeerConfig.parse uses:
/// - `#` or `!` as the first non-blank character makes a comment line;
/// - the key ends at the first unescaped `=`, `:` or blank; blanks around the
///   separator are skipped, so `key=value`, `key: value` and `key value` all work;
/// - a line ending in an odd number of backslashes continues on the next line,
///   whose leading blanks are dropped;
/// - `\t \n \r \f \uXXXX` escapes are decoded, any other `\c` is `c`.
/// Like QuorumPeerConfig.parseProperties, key and value are then trimmed.
///
/// Deliberate difference: Java reads the bytes as ISO-8859-1; we read UTF-8
/// (dropping a byte-order mark) and fall back to ISO-8859-1 only when the
/// file is not valid UTF-8, so non-ASCII paths mean what the user typed.
enum ZooCfgProperties {
    /// Larger files are refused, so a mistaken path such as /dev/zero fails
    /// fast instead of filling memory. Real zoo.cfg files are a few KiB.
    static let maxFileBytes = 1 << 20

    /// Reads the whole file at `path` and decodes it to text.
    static func readFile(_ path: String) throws(ConfigError) -> String {
        let bytes = try readBytes(path)
        return decode(bytes)
    }

    /// Reads a file's bytes, reporting failures as `path: cannot read: <strerror>`.
    static func readBytes(_ path: String) throws(ConfigError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw cannotRead(path, errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw cannotRead(path, code)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxFileBytes {
                throw ConfigError(file: path, message: "cannot read: larger than \(maxFileBytes) bytes; is this really a config file?")
            }
        }
        return bytes
    }

    private static func cannotRead(_ path: String, _ code: Int32) -> ConfigError {
        ConfigError(file: path, message: "cannot read: \(String(cString: strerror(code)))")
    }

    static func decode(_ bytes: [UInt8]) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: body.map { Unicode.Scalar($0) })
        return String(scalars)
    }

    /// Splits `text` into entries in file order. Duplicates are all returned;
    /// the caller decides that the later one wins, as Properties does.
    static func parse(_ text: String, file: String) throws(ConfigError) -> [ZooCfgEntry] {
        let scalars = Array(text.unicodeScalars)
        var entries: [ZooCfgEntry] = []
        var index = 0
        var lineNumber = 1

        // Consumes one line terminator (\n, \r or \r\n) at `index`, if any.
        func consumeNewline() {
            guard index < scalars.count else { return }
            if scalars[index] == "\r" {
                index += 1
                if index < scalars.count, scalars[index] == "\n" { index += 1 }
            } else if scalars[index] == "\n" {
                index += 1
            } else {
                return
            }
            lineNumber += 1
        }
        func skipBlanks() {
            while index < scalars.count, isBlank(scalars[index]) { index += 1 }
        }
        func isNewline(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" }

        while index < scalars.count {
            skipBlanks()
            guard index < scalars.count else { break }
            let first = scalars[index]
            if isNewline(first) {
                consumeNewline()
                continue
            }
            if first == "#" || first == "!" {
                while index < scalars.count, !isNewline(scalars[index]) { index += 1 }
                consumeNewline()
                continue
            }

            let startLine = lineNumber
            var logical: [Unicode.Scalar] = []
            while true {
                while index < scalars.count, !isNewline(scalars[index]) {
                    logical.append(scalars[index])
                    index += 1
                }
                let atEnd = index >= scalars.count
                consumeNewline()
                // The part already in `logical` from earlier physical lines
                // always ends in an even run of backslashes, so counting the
                // whole run gives the same parity as Java's per-line flag.
                let trailingBackslashes = logical.reversed().prefix { $0 == "\\" }.count
                guard trailingBackslashes % 2 == 1 else { break }
                logical.removeLast()
                if atEnd { break }
                skipBlanks()
            }
            entries.append(try entry(from: logical, origin: ZooCfgOrigin(file: file, line: startLine)))
        }
        return entries
    }

    /// Splits one logical line into key and value, as Properties.load0.
    private static func entry(from line: [Unicode.Scalar], origin: ZooCfgOrigin) throws(ConfigError) -> ZooCfgEntry {
        var keyEnd = 0
        var valueStart = line.count
        var hasSeparator = false
        var precedingBackslash = false
        while keyEnd < line.count {
            let scalar = line[keyEnd]
            if !precedingBackslash, scalar == "=" || scalar == ":" {
                valueStart = keyEnd + 1
                hasSeparator = true
                break
            }
            if !precedingBackslash, isBlank(scalar) {
                valueStart = keyEnd + 1
                break
            }
            precedingBackslash = scalar == "\\" ? !precedingBackslash : false
            keyEnd += 1
        }
        while valueStart < line.count {
            let scalar = line[valueStart]
            if !isBlank(scalar) {
                guard !hasSeparator, scalar == "=" || scalar == ":" else { break }
                hasSeparator = true
            }
            valueStart += 1
        }
        let key = javaTrim(try unescape(line[0..<keyEnd], origin: origin, key: nil))
        let value = javaTrim(try unescape(line[valueStart...], origin: origin, key: key))
        return ZooCfgEntry(key: key, value: value, origin: origin)
    }

    /// Properties.loadConvert. Works in UTF-16 code units so that a surrogate
    /// pair written as two `\u` escapes decodes to one character.
    private static func unescape(_ text: ArraySlice<Unicode.Scalar>, origin: ZooCfgOrigin, key: String?) throws(ConfigError) -> String {
        var units: [UInt16] = []
        var index = text.startIndex
        while index < text.endIndex {
            let scalar = text[index]
            index += 1
            guard scalar == "\\" else {
                units.append(contentsOf: scalar.utf16)
                continue
            }
            guard index < text.endIndex else { break }
            let escaped = text[index]
            index += 1
            switch escaped {
            case "u":
                let digits = text[index..<min(index + 4, text.endIndex)]
                let values = digits.compactMap(hexValue)
                guard values.count == 4 else {
                    let found = "\\u" + String(String.UnicodeScalarView(digits))
                    throw ConfigError(
                        file: origin.file, line: origin.line, key: key,
                        message: "expected \\uXXXX with four hex digits, got \"\(found)\"")
                }
                units.append(values.reduce(0) { $0 << 4 | UInt16($1) })
                index += 4
            case "t": units.append(0x09)
            case "n": units.append(0x0A)
            case "r": units.append(0x0D)
            case "f": units.append(0x0C)
            default: units.append(contentsOf: escaped.utf16)
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    /// The blanks Properties skips around keys and separators.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{0C}"
    }

    /// `String.trim()`: drops code points up to U+0020 at both ends.
    static func javaTrim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }),
              let last = scalars.lastIndex(where: { $0.value > 0x20 })
        else { return "" }
        return String(scalars[first...last])
    }
}
