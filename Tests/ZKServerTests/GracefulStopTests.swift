import Foundation
import Testing

/// `swiftzk server` as a real process: SIGTERM stops it gracefully.
@Suite struct GracefulStopTests {
    /// The swiftzk binary built next to the test bundle.
    static func swiftzkBinary() -> URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("swiftzk")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    @Test(.timeLimit(.minutes(1)))
    func sigtermStopsTheServerGracefullyWithStatusZero() async throws {
        let binary = try #require(Self.swiftzkBinary(), "build swiftzk first (swift build)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftzk-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("zoo.cfg")
        try "tickTime=2000\ndataDir=\(directory.path)/data\nclientPort=0\nclientPortAddress=127.0.0.1\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let logURL = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = binary
        process.arguments = ["server", config.path]
        process.standardError = log
        process.standardOutput = log
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        func logText() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
        var waited = 0
        while !logText().contains("serving clients on"), process.isRunning, waited < 300 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(logText().contains("serving clients on"), "\(logText())")

        kill(process.processIdentifier, SIGTERM)
        waited = 0
        while process.isRunning, waited < 400 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(logText().contains("graceful stop"), "\(logText())")
        #expect(logText().contains("stopped gracefully"), "\(logText())")
    }
}
