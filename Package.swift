// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SwiftZK",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftzk", targets: ["swiftzk"]),
        .library(name: "ZKProtocol", targets: ["ZKProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "ZKProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "swiftzk",
            dependencies: [
                "ZKProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "ZKProtocolTests",
            dependencies: ["ZKProtocol"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
