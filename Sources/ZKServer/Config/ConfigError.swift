/// A configuration problem that stops start-up.
///
/// It names where the problem is (file and line), which key, and what was
/// expected, so `description` reads like
/// `zoo.cfg:7: tickTime: expected a positive integer in milliseconds, got "abc"`.
/// `file` is the path as given on the command line, or `--set` for an
/// override; `line` is nil for overrides and for keys that are missing.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    /// The config file as named by the caller, `--set` for an override, or nil.
    public var file: String?
    /// The 1-based line the (logical) line starts on, if there is one.
    public var line: Int?
    /// The key the problem is about, if there is one.
    public var key: String?
    /// What was expected and what was found, or what went wrong.
    public var message: String

    /// Creates an error; see the type's documentation for the meaning of each part.
    public init(file: String?, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`, leaving out the parts that are nil.
    public var description: String {
        var parts: [String] = []
        switch (file, line) {
        case let (file?, line?): parts.append("\(file):\(line)")
        case let (file?, nil): parts.append(file)
        case let (nil, line?): parts.append("line \(line)")
        case (nil, nil): break
        }
        if let key { parts.append(key) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
