// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SwiftZK",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftzk", targets: ["swiftzk"]),
        .library(name: "ZKProtocol", targets: ["ZKProtocol"]),
        .library(name: "ZKDataTree", targets: ["ZKDataTree"]),
        .library(name: "ZKAuth", targets: ["ZKAuth"]),
        .library(name: "ZKServerCore", targets: ["ZKServerCore"]),
        .library(name: "ZKStorage", targets: ["ZKStorage"]),
        .library(name: "ZKZab", targets: ["ZKZab"]),
        .library(name: "ZKClient", targets: ["ZKClient"]),
        .library(name: "ZKCLI", targets: ["ZKCLI"]),
        .library(name: "ZKBench", targets: ["ZKBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "ZKProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "ZKDataTree",
            dependencies: [
                "ZKProtocol",
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "ZKAuth",
            dependencies: [
                "ZKProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ZKServerCore",
            dependencies: [
                "ZKProtocol", "ZKDataTree", "ZKAuth",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "ZKZab",
            dependencies: ["ZKProtocol", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "ZKStorage",
            dependencies: [
                "ZKProtocol", "ZKDataTree",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "ZKServer",
            dependencies: [
                "ZKProtocol", "ZKDataTree", "ZKAuth", "ZKServerCore", "ZKStorage", "ZKZab",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ZKClient",
            dependencies: [
                "ZKProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ZKCLI",
            dependencies: [
                "ZKProtocol", "ZKDataTree", "ZKClient",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ZKBench",
            dependencies: [
                "ZKProtocol", "ZKClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "ZKSimulation",
            dependencies: [
                "ZKProtocol", "ZKDataTree", "ZKServerCore", "ZKStorage", "ZKZab",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(name: "zksim", dependencies: ["ZKSimulation"]),
        .executableTarget(
            name: "swiftzk",
            dependencies: [
                "ZKProtocol", "ZKDataTree", "ZKServerCore", "ZKServer", "ZKStorage", "ZKClient", "ZKCLI", "ZKBench",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "ZKProtocolTests", dependencies: ["ZKProtocol"]),
        .testTarget(name: "ZKDataTreeTests", dependencies: ["ZKDataTree"]),
        .testTarget(name: "ZKAuthTests", dependencies: ["ZKAuth"]),
        .testTarget(name: "ZKServerCoreTests", dependencies: ["ZKServerCore"]),
        .testTarget(name: "ZKStorageTests", dependencies: ["ZKStorage"]),
        .testTarget(name: "ZKZabTests", dependencies: ["ZKZab", "ZKProtocol", "ZKServerCore", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(
            name: "ZKServerTests",
            dependencies: [
                "ZKServer", "ZKServerCore", "ZKProtocol", "ZKZab",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ZKCLITests", dependencies: ["ZKCLI", "ZKDataTree"]),
        .testTarget(name: "ZKBenchTests", dependencies: ["ZKBench"]),
        .testTarget(
            name: "ZKSimulationTests",
            dependencies: ["ZKSimulation", "ZKZab", "ZKProtocol", "ZKServerCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "ZKClientTests",
            dependencies: ["ZKClient", .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(
            name: "ZKClientInteropTests",
            dependencies: ["ZKClient", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
