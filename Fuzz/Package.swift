// swift-tools-version:6.1
// The libFuzzer targets for SwiftZK's decoders and parsers. A separate
// package because it must be built with `-sanitize=fuzzer` and without a
// Swift `main`:
//   scripts/fuzz [TARGET] [SECONDS]
// TARGET is decoder (Jute), inflate, snappy, jaas or zoocfg.
import PackageDescription

let package = Package(
    name: "SwiftZKFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // The very sources of ../Sources/ZKProtocol, through a symlink, built
        // here with the fuzzer's instrumentation.
        .target(
            name: "ZKProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // ../Sources/ZKDataTree and ../Sources/ZKStorage, for the decompressors.
        .target(
            name: "ZKDataTree",
            dependencies: ["ZKProtocol", .product(name: "HashTreeCollections", package: "swift-collections")]
        ),
        .target(
            name: "ZKStorage",
            dependencies: ["ZKProtocol", "ZKDataTree", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // ZKAuth's JAAS parser alone (its two files, through symlinks): the
        // rest of ZKAuth needs swift-crypto, which the parser does not.
        .target(name: "ZKAuthJAAS"),
        // ../Sources/ZKServer/Config: the zoo.cfg reader, which needs nothing
        // else of ZKServer.
        .target(name: "ZKServerConfig"),
        // The system zlib, the oracle for the DEFLATE decoder.
        .systemLibrary(name: "CZlib"),
        .target(name: "FuzzEntry"),
        .executableTarget(
            name: "FuzzDecoder",
            dependencies: [
                "ZKProtocol",
                "FuzzEntry",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "FuzzInflate", dependencies: ["ZKStorage", "CZlib", "FuzzEntry"]),
        .executableTarget(name: "FuzzSnappy", dependencies: ["ZKStorage", "FuzzEntry"]),
        .executableTarget(name: "FuzzJAAS", dependencies: ["ZKAuthJAAS", "FuzzEntry"]),
        .executableTarget(name: "FuzzZooCfg", dependencies: ["ZKServerConfig", "FuzzEntry"]),
    ],
    swiftLanguageModes: [.v6]
)
