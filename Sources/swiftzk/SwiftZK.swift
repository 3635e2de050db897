import ArgumentParser

@main
struct SwiftZK: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftzk",
        abstract: "SwiftZK: a ZooKeeper-compatible coordination server.",
        discussion: """
            SwiftZK speaks Apache ZooKeeper's client protocol, reads its zoo.cfg \
            and keeps its on-disk formats, so existing clients and tools work unchanged.
            """,
        version: "0.1.0",
        subcommands: [ServerCommand.self, LogsCommand.self, SnapshotCommand.self, DoctorCommand.self, BenchCommand.self, CliCommand.self]
    )
}
