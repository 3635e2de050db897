// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks of SwiftZK's hot paths (ordo-one/benchmark). A package of
// its own so the main package and its CI build never pull in the benchmark
// plugin. Run with scripts/bench-micro; see DECISIONS.md.
let package = Package(
    name: "SwiftZKBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "SwiftZK", path: ".."),
        // The MallocInterposer trait alone: the default traits also pull in
        // swift-runtime-interposer (ARC counters), which this machine's
        // package mirror does not have.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // Trees, keys and values the benchmarks share, and their configuration.
        .target(
            name: "BenchFixtures",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ZKProtocol", package: "SwiftZK"),
                .product(name: "ZKDataTree", package: "SwiftZK"),
            ]
        ),
        .executableTarget(
            name: "Codec",
            dependencies: [
                "BenchFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ZKProtocol", package: "SwiftZK"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/Codec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DataTreeOps",
            dependencies: [
                "BenchFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ZKProtocol", package: "SwiftZK"),
                .product(name: "ZKDataTree", package: "SwiftZK"),
            ],
            path: "Benchmarks/DataTreeOps",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Watches",
            dependencies: [
                "BenchFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ZKProtocol", package: "SwiftZK"),
                .product(name: "ZKDataTree", package: "SwiftZK"),
                .product(name: "ZKServerCore", package: "SwiftZK"),
            ],
            path: "Benchmarks/Watches",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Snapshots",
            dependencies: [
                "BenchFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ZKProtocol", package: "SwiftZK"),
                .product(name: "ZKDataTree", package: "SwiftZK"),
                .product(name: "ZKStorage", package: "SwiftZK"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/Snapshots",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
