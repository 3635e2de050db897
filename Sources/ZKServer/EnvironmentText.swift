import Foundation

/// The text of the `envi` four-letter word: "Environment:" then key=value
/// lines with Apache's keys. The java.* keys Apache prints have no meaning
/// here and are left out; kazoo and other tools read zookeeper.version.
enum EnvironmentText {
    static func make(version: String) -> String {
        let process = ProcessInfo.processInfo
        var system = utsname()
        uname(&system)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let lines: [(String, String)] = [
            ("zookeeper.version", version),
            ("host.name", process.hostName),
            ("os.name", field(system.sysname)),
            ("os.arch", field(system.machine)),
            ("os.version", field(system.release)),
            ("user.name", process.environment["USER"] ?? NSUserName()),
            ("user.home", NSHomeDirectory()),
            ("user.dir", FileManager.default.currentDirectoryPath),
            ("os.memory.physical", "\(process.physicalMemory / 1_048_576)MB"),
            ("process.id", "\(process.processIdentifier)"),
        ]
        return "Environment:\n" + lines.map { "\($0.0)=\($0.1)\n" }.joined()
    }
}
