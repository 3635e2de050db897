import Testing
import ZKProtocol
@testable import ZKAuth

struct AuthEnforcementTests {
    private let ipId = Id(scheme: "ip", id: "127.0.0.1")
    private let alice = Id(scheme: "digest", id: "alice:aaa=")

    @Test func disabledAdmitsEveryone() throws {
        #expect(AuthEnforcement.disabled.admits(authIds: []))
        let off = try AuthEnforcement(enabled: false, schemesProperty: "nonsense")
        #expect(!off.isEnabled)
        #expect(off.admits(authIds: [ipId]))
    }

    @Test func enforcedSchemeMustBeHeld() throws {
        let enforcement = try AuthEnforcement(enabled: true, schemesProperty: " digest ,")
        #expect(enforcement.schemes == [Array("digest".utf8)])
        #expect(!enforcement.admits(authIds: [ipId]))
        #expect(enforcement.admits(authIds: [ipId, alice]))
    }

    @Test func ipSchemeAdmitsEveryConnection() throws {
        let enforcement = try AuthEnforcement(enabled: true, schemesProperty: "ip")
        #expect(enforcement.admits(authIds: AuthInfo(clientAddress: [10, 0, 0, 1]).ids))
    }

    @Test func enabledWithoutSchemesIsAConfigError() {
        #expect(throws: AuthEnforcement.ConfigError.noSchemes) { try AuthEnforcement(enabled: true, schemesProperty: nil) }
        #expect(throws: AuthEnforcement.ConfigError.noSchemes) { try AuthEnforcement(enabled: true, schemesProperty: ",") }
    }

    @Test func unknownSchemeIsAConfigError() {
        #expect(throws: AuthEnforcement.ConfigError.unknownScheme("sasl")) { try AuthEnforcement(enabled: true, schemesProperty: "digest,sasl") }
        #expect(throws: AuthEnforcement.ConfigError.unknownScheme("")) { try AuthEnforcement(enabled: true, schemesProperty: ",digest") }
        #expect(throws: AuthEnforcement.ConfigError.unknownScheme("digest")) {
            try AuthEnforcement(enabled: true, schemesProperty: "digest", providers: AuthProviders(digestEnabled: false))
        }
    }

    @Test func requiringSASLIsAConfigError() {
        #expect(throws: AuthEnforcement.ConfigError.saslUnsupported) {
            try AuthEnforcement(enabled: false, schemesProperty: nil, requireClientSASLAuth: true)
        }
    }
}
