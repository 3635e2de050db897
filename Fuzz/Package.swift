// swift-tools-version:6.1
// The libFuzzer target for SwiftZK's decoders. A separate package because it
// must be built with `-sanitize=fuzzer` and without a Swift `main`:
//   scripts/fuzz [seconds]
import PackageDescription

let package = Package(
    name: "SwiftZKFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The very sources of ../Sources/ZKProtocol, through a symlink, built
        // here with the fuzzer's instrumentation.
        .target(
            name: "ZKProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(name: "FuzzEntry"),
        .executableTarget(
            name: "FuzzDecoder",
            dependencies: [
                "ZKProtocol",
                "FuzzEntry",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
