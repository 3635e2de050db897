import ZKAuthJAAS

// libFuzzer entry point for the JAAS login-configuration parser (ZKAuth's
// JAASParser.swift). The input, decoded as UTF-8 with replacement, is a
// JAAS file; parsing must give a configuration or a JAASError whose line
// is inside the text, and never trap. A parsed configuration is also
// queried as the SASL set-up queries it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.utf16.reduce(1) { $1 == 10 || $1 == 13 ? $0 + 1 : $0 }
    switch JAASConfig.parse(text: text, systemProperties: ["user.name": "fuzz", "a": "${b}"]) {
    case .success(let config):
        _ = config.serverUsers()
        _ = config.section("Server")?.entries.first?.option("user_super")
    case .failure(let error):
        precondition((0...lines + 1).contains(error.line), "JAASError line \(error.line) outside a \(lines)-line text")
        _ = error.description
    }
    return 0
}
