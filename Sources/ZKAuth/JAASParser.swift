/// The reader behind `JAASConfig.parse`: the JDK's ConfigFile grammar over
/// java.io.StreamTokenizer as ConfigFile sets it up (default syntax, `"`
/// quotes, `$ _ - *` as word chars, `//` and `/* */` comments, lines
/// significant). It works on UTF-16 code units, as Java chars.
struct JAASParser {
    private enum Token: Equatable {
        case word([UInt16])
        /// A quoted string; `quote` is `"` or `'`.
        case quoted([UInt16], quote: UInt16)
        /// Something StreamTokenizer reads as a number (digits with at most
        /// one `.`, perhaps after a `-`); valid only as a nameless section.
        case number
        case char(UInt16)
        case endOfFile
    }

    private let units: [UInt16]
    private let systemProperties: [String: String]
    private var position = 0
    private var line = 1
    private var lookahead = Token.endOfFile
    private var lookaheadLine = 1

    init(text: String, systemProperties: [String: String]) {
        self.units = Array(text.utf16)
        self.systemProperties = systemProperties
    }

    // MARK: Grammar (ConfigFile.Spi.readConfig / parseLoginEntry)

    mutating func parseFile() throws(JAASError) -> JAASConfig {
        var sections: [JAASConfig.Section] = []
        var sawUnnamedSection = false
        advance()
        while lookahead != .endOfFile {
            let nameLine = lookaheadLine
            let (name, entries) = try parseSection()
            guard let name else {
                // The JDK keeps it under a null name, where no lookup finds
                // it; only a second one matters (a duplicate).
                if sawUnnamedSection { throw .duplicateSection(line: nameLine, name: "null") }
                sawUnnamedSection = true
                continue
            }
            if sections.contains(where: { Array($0.name.utf16) == Array(name.utf16) }) {
                throw .duplicateSection(line: nameLine, name: name)
            }
            sections.append(JAASConfig.Section(name: name, entries: entries))
        }
        return JAASConfig(sections: sections)
    }

    /// One section; its name is nil when the token before `{` is neither a
    /// word nor a quoted string. The JDK takes any token there and reads its
    /// StreamTokenizer.sval, which is null for a number or a symbol.
    private mutating func parseSection() throws(JAASError) -> (name: String?, entries: [JAASConfig.LoginModuleEntry]) {
        var name: String?
        switch lookahead {
        case .word(let text), .quoted(let text, _): name = Self.string(text)
        default: name = nil
        }
        advance()
        try expect(0x7B, "'{' after the section name")
        var entries: [JAASConfig.LoginModuleEntry] = []
        while lookahead != .char(0x7D) {
            entries.append(try parseLoginModule())
        }
        advance()
        try expect(0x3B, "';' after the section's closing '}'")
        return (name, entries)
    }

    private mutating func parseLoginModule() throws(JAASError) -> JAASConfig.LoginModuleEntry {
        let moduleLine = lookaheadLine
        let module = try string("a login module class name or '}'")
        // AppConfigurationEntry's constructor refuses an empty name.
        guard !module.isEmpty else { throw .emptyLoginModuleName(line: moduleLine) }
        let flagLine = lookaheadLine
        let flagText = try string("a control flag (required, requisite, sufficient or optional)")
        // toUpperCase(Locale.ENGLISH) then an exact match, so any case, and
        // even `requıred` with a dotless i.
        guard let flag = Self.controlFlag(flagText) else {
            throw .invalidControlFlag(line: flagLine, flag: flagText)
        }
        var options: [(key: String, value: String)] = []
        while lookahead != .char(0x3B) {
            let key = try string("an option key or ';'")
            try expect(0x3D, "'=' after option key '\(key)'")
            let valueLine = lookaheadLine
            let value = try string("a value for option '\(key)'")
            options.append((key, try expand(value, line: valueLine)))
        }
        advance()
        return JAASConfig.LoginModuleEntry(loginModuleName: module, controlFlag: flag, options: options)
    }

    /// ConfigFile.match for a module name, flag, key or value: a word or a
    /// double-quoted string.
    private mutating func string(_ expected: String) throws(JAASError) -> String {
        switch lookahead {
        case .word(let text), .quoted(let text, quote: 0x22):
            advance()
            return Self.string(text)
        default:
            throw unexpected(expected)
        }
    }

    private mutating func expect(_ char: UInt16, _ expected: String) throws(JAASError) {
        guard lookahead == .char(char) else { throw unexpected(expected) }
        advance()
    }

    private func unexpected(_ expected: String) -> JAASError {
        let found: String
        switch lookahead {
        case .word(let text): found = "'\(Self.string(text))'"
        case .quoted(let text, let quote): found = quote == 0x22 ? "\"\(Self.string(text))\"" : "'\(Self.string(text))' in single quotes"
        case .number: found = "a number"
        case .char(let c): found = "'\(Self.string([c]))'"
        case .endOfFile: found = "the end of the file"
        }
        return .unexpected(line: lookaheadLine, expected: expected, found: found)
    }

    private static func controlFlag(_ text: String) -> JAASConfig.ControlFlag? {
        let upper = Array(text.uppercased().utf16)
        let flags: [JAASConfig.ControlFlag] = [.required, .requisite, .sufficient, .optional]
        return flags.first(where: { Array($0.rawValue.uppercased().utf16) == upper })
    }

    /// ConfigFile.expand: PropertyExpander.expand, then a non-empty value
    /// may not expand to "".
    ///
    /// `${name}` is replaced by the property (`${/}` by `/`); `${{...}}` is
    /// kept as written; a `${` with no closing `}` is kept from there on.
    private func expand(_ value: String, line: Int) throws(JAASError) -> String {
        let text = Array(value.utf16)
        guard !text.isEmpty, var start = Self.find([0x24, 0x7B], in: text, from: 0) else { return value }
        var out: [UInt16] = []
        var copied = 0
        while true {
            out += text[copied..<start]
            var end = start + 2
            if end < text.count, text[end] == 0x7B {
                // ${{ ... }} is not expanded.
                guard let close = Self.find([0x7D, 0x7D], in: text, from: end), close + 2 != text.count else {
                    out += text[start...]
                    copied = text.count
                    break
                }
                end = close + 1
                out += text[start...end]
            } else {
                while end < text.count, text[end] != 0x7D { end += 1 }
                guard end < text.count else {
                    out += text[start...]
                    copied = text.count
                    break
                }
                let name = Self.string(Array(text[(start + 2)..<end]))
                if name == "/" {
                    out.append(0x2F)
                } else if let replacement = systemProperties.first(where: { Array($0.key.utf16) == Array(name.utf16) })?.value {
                    out += Array(replacement.utf16)
                } else {
                    throw .undefinedProperty(line: line, name: name)
                }
            }
            copied = end + 1
            guard let next = Self.find([0x24, 0x7B], in: text, from: copied) else {
                if copied < text.count { out += text[copied...] }
                break
            }
            start = next
        }
        if out.isEmpty { throw .emptyExpansion(line: line, value: value) }
        return Self.string(out)
    }

    private static func find(_ needle: [UInt16], in text: [UInt16], from start: Int) -> Int? {
        guard start <= text.count - needle.count else { return nil }
        for i in start...(text.count - needle.count) where text[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }

    private static func string(_ units: [UInt16]) -> String { String(decoding: units, as: UTF16.self) }

    // MARK: Tokens (java.io.StreamTokenizer.nextToken)

    private enum CharClass { case whitespace, word, digit, quote, comment, ordinary }

    /// StreamTokenizer's default table with ConfigFile's additions.
    private static func charClass(_ c: UInt16) -> CharClass {
        switch c {
        case 0...0x20: .whitespace
        case 0x30...0x39, 0x2E, 0x2D: .digit  // '-' is also a word char, but digits are tested first
        case 0x41...0x5A, 0x61...0x7A, 0xA0...0xFF, 0x24, 0x5F, 0x2A: .word
        case 0x22, 0x27: .quote
        case 0x2F: .comment
        case 0x100...: .word
        default: .ordinary
        }
    }

    private func peek(_ offset: Int = 0) -> UInt16? {
        position + offset < units.count ? units[position + offset] : nil
    }

    /// Consumes one char, counting lines (CR LF, CR and LF each end one).
    private mutating func read() -> UInt16? {
        guard position < units.count else { return nil }
        let c = units[position]
        position += 1
        if c == 0x0A || (c == 0x0D && peek() != 0x0A) { line += 1 }
        return c
    }

    private mutating func advance() {
        lookahead = nextToken()
    }

    private mutating func nextToken() -> Token {
        while true {
            guard let c = peek() else {
                lookaheadLine = line
                return .endOfFile
            }
            switch Self.charClass(c) {
            case .whitespace:
                _ = read()
                continue
            case .comment:
                _ = read()
                if read() == 0x2A {  // /* ... */, or to the end of the file
                    var previous: UInt16 = 0
                    while let d = read(), !(previous == 0x2A && d == 0x2F) { previous = d }
                } else {
                    // `//`, or a lone '/' (a comment char in StreamTokenizer's
                    // default table): the char after the '/' is consumed even
                    // if it ends the line, then the rest of the line goes.
                    skipRestOfLine()
                }
                continue
            default:
                break
            }
            lookaheadLine = line
            switch Self.charClass(c) {
            case .digit:
                _ = read()
                if c == 0x2D {
                    guard let next = peek(), next == 0x2E || (0x30...0x39).contains(next) else { return .char(c) }
                }
                // StreamTokenizer's number: digits with at most one '.'.
                var seenDot = c == 0x2E
                while let d = peek(), (0x30...0x39).contains(d) || (d == 0x2E && !seenDot) {
                    if d == 0x2E { seenDot = true }
                    _ = read()
                }
                return .number
            case .word:
                var word: [UInt16] = []
                while let d = peek(), [.word, .digit].contains(Self.charClass(d)) {
                    word.append(d)
                    _ = read()
                }
                return .word(word)
            case .quote:
                _ = read()
                return .quoted(readQuoted(closing: c), quote: c)
            default:
                _ = read()
                return .char(c)
            }
        }
    }

    /// Skips to (not past) the next CR or LF.
    private mutating func skipRestOfLine() {
        while let d = peek(), d != 0x0A, d != 0x0D { _ = read() }
    }

    /// The body of a quoted string after its opening quote. It ends at the
    /// closing quote (consumed) or before a line end or the end of the file,
    /// with no error, as in StreamTokenizer.
    private mutating func readQuoted(closing quote: UInt16) -> [UInt16] {
        var out: [UInt16] = []
        while let d = peek(), d != quote, d != 0x0A, d != 0x0D {
            _ = read()
            guard d == 0x5C else {
                out.append(d)
                continue
            }
            guard let e = read() else {
                out.append(0xFFFF)  // Java appends (char) -1
                break
            }
            if (0x30...0x37).contains(e) {
                var value = e - 0x30
                if let e2 = peek(), (0x30...0x37).contains(e2) {
                    _ = read()
                    value = value * 8 + (e2 - 0x30)
                    if let e3 = peek(), (0x30...0x37).contains(e3), e <= 0x33 {
                        _ = read()
                        value = value * 8 + (e3 - 0x30)
                    }
                }
                out.append(value)
            } else {
                switch e {
                case 0x61: out.append(0x07)  // \a
                case 0x62: out.append(0x08)  // \b
                case 0x66: out.append(0x0C)  // \f
                case 0x6E: out.append(0x0A)  // \n
                case 0x72: out.append(0x0D)  // \r
                case 0x74: out.append(0x09)  // \t
                case 0x76: out.append(0x0B)  // \v
                default: out.append(e)
                }
            }
        }
        if peek() == quote { _ = read() }
        return out
    }
}
