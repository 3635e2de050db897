/// A JAAS login configuration file, the file named by
/// `-Djava.security.auth.login.config`, read as the JDK's ConfigFile reads
/// it (a java.io.StreamTokenizer over the text).
///
/// ```
/// Server {
///     org.apache.zookeeper.server.auth.DigestLoginModule required
///     user_super="super_secret"
///     user_jaasuser="jaas_password";
/// };
/// ```
///
/// Grammar: sections `Name { Module Flag key=value ... ; ... };`. Names, keys
/// and values are words (letters, digits, `_ $ - * .` and any char from
/// U+00A0 up, not starting with a digit, `.` or `-`) or double-quoted strings
/// with Java escapes (`\n`, `\t`, `\"`, octal `\123`, ...). A section name
/// may also be single-quoted; any other token there (a number, a symbol)
/// makes a nameless section, which the JDK accepts once and nothing can
/// look up, so it is left out of `sections`. Comments are `//…`, `/*…*/`, and a lone `/`
/// also comments out the rest of its line. Option values expand
/// `${property}` from the given system properties (`${/}` is `/`), as the
/// JDK does with policy.expandProperties on (its default).
public struct JAASConfig: Sendable, Hashable {
    /// One `Name { ... };` block (a login application).
    public struct Section: Sendable, Hashable {
        /// The application name, such as `Server` or `Client`.
        public var name: String
        /// The login modules, in file order.
        public var entries: [LoginModuleEntry]
    }

    /// One `Module Flag options;` line (javax AppConfigurationEntry).
    public struct LoginModuleEntry: Sendable, Hashable {
        /// The login module class, such as
        /// `org.apache.zookeeper.server.auth.DigestLoginModule`.
        public var loginModuleName: String
        /// The control flag.
        public var controlFlag: ControlFlag
        /// The options in file order; for a key given twice the later value
        /// wins (`option(_:)`), as in the JDK's HashMap.
        public var options: [(key: String, value: String)]

        /// The value of option `key`, compared as a Java String (exact
        /// UTF-16); nil if absent.
        public func option(_ key: String) -> String? {
            let units = Array(key.utf16)
            return options.last(where: { Array($0.key.utf16) == units })?.value
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.loginModuleName == rhs.loginModuleName && lhs.controlFlag == rhs.controlFlag
                && lhs.options.elementsEqual(rhs.options, by: { $0.key == $1.key && $0.value == $1.value })
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(loginModuleName)
            hasher.combine(controlFlag)
            for (key, value) in options {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// A login module's control flag (LoginModuleControlFlag).
    public enum ControlFlag: String, Sendable, Hashable {
        case required, requisite, sufficient, optional
    }

    /// The sections in file order; names are unique.
    public var sections: [Section]

    /// The section named `name` (exact, case-sensitive), or nil.
    ///
    /// Like ZooKeeper, which asks `Configuration.getAppConfigurationEntry`
    /// directly, there is no fallback to an `other` section, and a section
    /// with no login modules counts as absent (the JDK returns null for it).
    public func section(_ name: String) -> Section? {
        let units = Array(name.utf16)
        return sections.first(where: { Array($0.name.utf16) == units && !$0.entries.isEmpty })
    }

    /// The DIGEST-MD5 users of section `section` (ZooKeeper's
    /// `zookeeper.sasl.serverconfig`, default `Server`): user name →
    /// password, from every option named `user_<name>` of every login module
    /// in it, whatever its class (ServerCnxnFactory.getDigestMd5Credentials).
    /// A later module's `user_x` replaces an earlier one's.
    public func serverUsers(section name: String = "Server") -> [String: String] {
        var users: [String: String] = [:]
        let prefix = Array("user_".utf16)
        for entry in section(name)?.entries ?? [] {
            // File order with overwriting gives the JDK's result: the last
            // value of a key within a module, the last module across them.
            for (key, value) in entry.options {
                let units = Array(key.utf16)
                guard units.starts(with: prefix) else { continue }
                users[String(decoding: units.dropFirst(prefix.count), as: UTF16.self)] = value
            }
        }
        return users
    }

    /// Reads a JAAS file.
    ///
    /// - systemProperties: what `${name}` in an option value expands to; a
    ///   name not in it is an error, as in the JDK.
    public static func parse(text: String, systemProperties: [String: String] = [:]) -> Result<JAASConfig, JAASError> {
        var parser = JAASParser(text: text, systemProperties: systemProperties)
        do {
            return .success(try parser.parseFile())
        } catch {
            return .failure(error)
        }
    }
}

/// Why a JAAS file could not be read. Each names the line, counted from 1.
public enum JAASError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A token other than the grammar allows.
    case unexpected(line: Int, expected: String, found: String)
    /// A control flag other than required, requisite, sufficient, optional.
    case invalidControlFlag(line: Int, flag: String)
    /// A login module class name written as `""`.
    case emptyLoginModuleName(line: Int)
    /// Two sections with one name.
    case duplicateSection(line: Int, name: String)
    /// `${name}` in an option value, with no such system property.
    case undefinedProperty(line: Int, name: String)
    /// An option value that expanded to the empty string.
    case emptyExpansion(line: Int, value: String)

    /// The line the problem is on.
    public var line: Int {
        switch self {
        case .unexpected(let line, _, _), .invalidControlFlag(let line, _), .emptyLoginModuleName(let line),
             .duplicateSection(let line, _),
             .undefinedProperty(let line, _), .emptyExpansion(let line, _):
            line
        }
    }

    public var description: String {
        switch self {
        case .unexpected(let line, let expected, let found):
            "JAAS file line \(line): expected \(expected), found \(found)"
        case .invalidControlFlag(let line, let flag):
            "JAAS file line \(line): control flag must be required, requisite, sufficient or optional, got '\(flag)'"
        case .emptyLoginModuleName(let line):
            "JAAS file line \(line): the login module class name is empty; name a class such as org.apache.zookeeper.server.auth.DigestLoginModule"
        case .duplicateSection(let line, let name):
            "JAAS file line \(line): section '\(name)' is defined twice; merge its login modules into one section"
        case .undefinedProperty(let line, let name):
            "JAAS file line \(line): option value uses ${\(name)}, but system property '\(name)' is not set; set it or write the value literally"
        case .emptyExpansion(let line, let value):
            "JAAS file line \(line): option value '\(value)' expands to an empty string"
        }
    }
}
