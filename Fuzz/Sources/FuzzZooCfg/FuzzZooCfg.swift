@testable import ZKServerConfig

// libFuzzer entry point for the zoo.cfg reader (ZKServer's Config/). The
// input, decoded as zoo.cfg bytes are, is a zoo.cfg file: the properties
// lexer must give entries or a ConfigError, and the entries, applied as
// overrides to the embedded default, must give a ServerConfig or a
// ConfigError, never a trap. Keys that name files to open
// (dynamicConfigFile, dataDir, dataLogDir) are left out, so the harness
// reads no files the input chooses.

private let fileKeys: Set<String> = ["dynamicConfigFile", "dataDir", "dataLogDir"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = ZooCfgProperties.decode(Array(UnsafeBufferPointer(start: data, count: size)))
    guard let entries = try? ZooCfgProperties.parse(text, file: "fuzz.cfg") else { return 0 }
    let overrides = entries
        .filter { entry in !fileKeys.contains(entry.key) && !fileKeys.contains(where: { "zookeeper." + $0 == entry.key }) }
        .map { "\($0.key)=\($0.value)" }
    do {
        let config = try ServerConfig.load(path: nil, overrides: overrides)
        precondition(config.minSessionTimeout <= config.maxSessionTimeout, "loaded a config with minSessionTimeout above maxSessionTimeout")
        precondition(ZooCfgParser.serverIds.contains(config.serverId), "loaded a server id outside 0...254")
    } catch {
        precondition(error.file != nil, "a ConfigError without a file: \(error)")
    }
    return 0
}
