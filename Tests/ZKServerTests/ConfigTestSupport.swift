import Foundation
import Testing

@testable import ZKServer

/// A unique temporary directory for one test's config files, removed afterwards.
final class ConfigScratch {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftzk-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The path of `name` inside the scratch directory.
    func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `text` to `name`, with `{dir}` replaced by the scratch directory.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = path(name)
        let parent = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(expand(text).utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// `text` with `{dir}` replaced by the scratch directory.
    func expand(_ text: String) -> String {
        text.replacingOccurrences(of: "{dir}", with: directory)
    }

    /// Writes `text` as zoo.cfg and loads it with `overrides`.
    func load(_ text: String, overrides: [String] = []) throws -> ServerConfig {
        let file = try write("zoo.cfg", text)
        return try ServerConfig.load(path: file, overrides: overrides.map(expand))
    }

    /// Writes `text` as zoo.cfg, loads it, and returns the error it must raise.
    func loadError(_ text: String, overrides: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigError? {
        let file = try write("zoo.cfg", text)
        do {
            let config = try ServerConfig.load(path: file, overrides: overrides.map(expand))
            Issue.record("expected a ConfigError, loaded \(config)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}
