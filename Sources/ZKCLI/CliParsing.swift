/// How zkCli.sh splits a command line into words and parses a command's
/// flags, reproduced so that every quirk (and every error message) matches.

/// A command failed; `message` goes to stderr as zkCli prints a CliException.
struct CliFailure: Error {
    var message: String
    /// zkCli's exit code for it (1; 127 for an unknown command).
    var exitCode: Int32 = 1
}

enum CliLine {
    /// Splits a line as ZooKeeperMain.MyCommandOptions.parseCommand does:
    /// the regex `\s*([^"']\S*|"[^"]*"|'[^']*')\s*` applied with find(), then
    /// one pair of surrounding quotes stripped from each word.
    static func words(_ line: String) -> [String] {
        let chars = Array(line.unicodeScalars)
        func isSpace(_ c: Unicode.Scalar) -> Bool {
            c == " " || c == "\t" || c == "\n" || c == "\u{0B}" || c == "\u{0C}" || c == "\r"
        }
        func nonSpaceEnd(_ from: Int) -> Int {
            var j = from
            while j < chars.count && !isSpace(chars[j]) { j += 1 }
            return j
        }
        var out: [String] = []
        var p = 0
        while p < chars.count {
            var q = p
            while q < chars.count && isSpace(chars[q]) { q += 1 }
            var token: ArraySlice<Unicode.Scalar>?
            var end = q
            if q < chars.count, chars[q] != "\"", chars[q] != "'" {
                end = nonSpaceEnd(q + 1)
                token = chars[q..<end]
            } else if q < chars.count, let close = chars[(q + 1)...].firstIndex(of: chars[q]) {
                end = close + 1
                token = chars[q..<end]
            } else if q > p {
                // The regex backtracks: the last blank is taken as [^"'].
                end = q < chars.count ? nonSpaceEnd(q) : q
                token = chars[(q - 1)..<end]
            }
            guard let token else {
                p += 1
                continue
            }
            while end < chars.count && isSpace(chars[end]) { end += 1 }
            var word = String(String.UnicodeScalarView(token))
            let scalars = Array(token)
            if scalars.count >= 2, let first = scalars.first, first == "\"" || first == "'", scalars.last == first {
                word = String(String.UnicodeScalarView(scalars[1..<(scalars.count - 1)]))
            }
            out.append(word)
            p = max(end, p + 1)
        }
        return out
    }
}

/// A command's flags, as commons-cli's Options.
struct CliOptions {
    /// Flag letter -> whether it takes a value.
    var flags: [String: Bool]
    /// Mutually exclusive flags (commons-cli OptionGroup), with its display
    /// text for "Missing required option".
    var group: (members: Set<String>, required: Bool, display: String)? = nil

    init(_ flags: [String: Bool], group: (members: Set<String>, required: Bool, display: String)? = nil) {
        self.flags = flags
        self.group = group
    }
}

/// The result of parsing one command's words.
struct CliParsed {
    /// Non-flag words, the command name first.
    var args: [String] = []
    /// Flags given, with their value when they take one.
    var values: [String: String] = [:]
    var present: Set<String> = []

    func has(_ flag: String) -> Bool { present.contains(flag) }
    func value(_ flag: String) -> String? { values[flag] }
}

extension CliOptions {
    /// Parses as commons-cli 1.5's DefaultParser (stopAtNonOption false).
    func parse(_ words: [String]) throws(CliFailure) -> CliParsed {
        var result = CliParsed()
        var pending: String?   // a flag waiting for its value
        var skipping = false
        var selected: String?

        func fail(_ kind: String, _ text: String) -> CliFailure {
            CliFailure(message: "org.apache.commons.cli.\(kind): \(text)")
        }
        func checkPending() throws(CliFailure) {
            if let flag = pending { throw fail("MissingArgumentException", "Missing argument for option: \(flag)") }
        }
        func take(_ flag: String) throws(CliFailure) {
            try checkPending()
            if let group, group.members.contains(flag) {
                if let selected, selected != flag {
                    throw fail("AlreadySelectedException",
                               "The option '\(flag)' was specified but an option from this group has already been selected: '\(selected)'")
                }
                selected = flag
            }
            result.present.insert(flag)
            if flags[flag] == true { pending = flag }
        }
        func setValue(_ flag: String, _ value: String) {
            if result.values[flag] == nil { result.values[flag] = value }
            pending = nil
        }
        func isOption(_ token: String) -> Bool {
            guard token.hasPrefix("-"), token.count > 1 else { return false }
            let body = token.dropFirst()
            let name = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if flags[name] != nil { return true }
            return body.first.map { flags[String($0)] != nil } ?? false
        }
        func isNegativeNumber(_ token: String) -> Bool { Double(token) != nil && token.hasPrefix("-") }
        func unrecognized(_ token: String) throws(CliFailure) {
            if token.hasPrefix("-") && token.count > 1 {
                throw fail("UnrecognizedOptionException", "Unrecognized option: \(token)")
            }
            result.args.append(token)
        }

        for token in words {
            if skipping {
                result.args.append(token)
            } else if token == "--" {
                skipping = true
            } else if let flag = pending, !isOption(token) || isNegativeNumber(token) {
                setValue(flag, token)
            } else if token.hasPrefix("--") {
                try unrecognized(token)
            } else if token.hasPrefix("-") && token != "-" {
                let t = String(token.dropFirst())
                if let eq = t.firstIndex(of: "=") {
                    let name = String(t[..<eq])
                    if name.count == 1, flags[name] == true {
                        try take(name)
                        setValue(name, String(t[t.index(after: eq)...]))
                    } else {
                        try unrecognized(token)
                    }
                } else if flags[t] != nil {
                    try take(t)
                } else {
                    // -S1S2S3 or -S1S2V (concatenated letters; a value-taking
                    // letter takes the rest as its value).
                    let letters = Array(t)
                    var i = 0
                    while i < letters.count {
                        let flag = String(letters[i])
                        guard flags[flag] != nil else { try unrecognized(token); break }
                        try take(flag)
                        if flags[flag] == true && i + 1 < letters.count {
                            setValue(flag, String(letters[(i + 1)...]))
                            break
                        }
                        i += 1
                    }
                }
            } else {
                try unrecognized(token)
            }
        }
        try checkPending()
        if let group, group.required, selected == nil {
            throw fail("MissingOptionException", "Missing required option: \(group.display)")
        }
        return result
    }
}
