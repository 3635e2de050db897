import Foundation
import Testing

@testable import ZKServer

/// Apache's own sample config, read from an installed ZooKeeper package (not
/// copied into this repository). Skipped when no package is installed.
@Suite struct ConfigApacheSampleTests {
    static let samplePath: String? = [
        "/etc/zookeeper/conf/zoo.cfg",  // Debian's zookeeper package
        "/usr/share/zookeeper/conf/zoo_sample.cfg",
        "/opt/zookeeper/conf/zoo_sample.cfg",
        "/usr/local/etc/zookeeper/zoo_sample.cfg",  // Homebrew
    ].first { FileManager.default.isReadableFile(atPath: $0) }

    /// The sample with its dataDir (/tmp/zookeeper) moved into the scratch directory.
    private func sample(in scratch: ConfigScratch) throws -> String {
        let text = try String(contentsOfFile: try #require(Self.samplePath), encoding: .utf8)
        #expect(text.contains("dataDir=/tmp/zookeeper"))
        return text.replacingOccurrences(of: "dataDir=/tmp/zookeeper", with: "dataDir=\(scratch.directory)")
    }

    // scripts/setup installs Debian's zookeeper package, which ships the sample.
    @Test
    func apachesSampleConfigLoadsWithItsValuesAndNoWarnings() throws {
        let scratch = try ConfigScratch()
        let file = try scratch.write("zoo.cfg", try sample(in: scratch))
        let config = try ServerConfig.load(path: file)
        var expected = ServerConfig.embeddedDefault()
        expected.sourceFile = file
        expected.dataDir = scratch.directory
        expected.dataLogDir = scratch.directory
        expected.properties = config.properties
        #expect(config.properties["tickTime"] == "2000")
        #expect(config == expected)
    }

    // scripts/setup installs Debian's zookeeper package, which ships the sample.
    @Test
    func apachesSampleConfigWithItsCommentedOptionsTurnedOn() throws {
        let scratch = try ConfigScratch()
        // Uncomment every "#key=value" line, as an admin following the comments would.
        var uncommentedKeys: [String] = []
        let text = try sample(in: scratch)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                guard line.hasPrefix("#"), line.contains("="), !line.contains(" ") else { return String(line) }
                uncommentedKeys.append(String(line.dropFirst().prefix { $0 != "=" }))
                return String(line.dropFirst())
            }
            .joined(separator: "\n")
        let file = try scratch.write("zoo.cfg", text)
        let config = try ServerConfig.load(path: file)
        #expect(uncommentedKeys.contains("autopurge.purgeInterval"))
        #expect(config.maxClientCnxns == 60)
        #expect(config.snapRetainCount == 3)
        #expect(config.purgeIntervalHours == 1)
        let notActedOn = uncommentedKeys.filter { !ZooCfgKeys.actedOn.contains($0) }
        #expect(config.warnings == ["\(file): accepted but not acted on yet: \(notActedOn.joined(separator: ", "))"])
    }
}
