import Testing
import ZKProtocol
@testable import ZKAuth

struct AuthInfoTests {
    private let localhost: [UInt8] = [127, 0, 0, 1]
    private let userPassId = Id(scheme: "digest", id: "user:smGaoVKd/cQkjm7b88GyorAUz20=")
    private let superId = Id(scheme: "digest", id: "super:lK75jTNcA+U9vtVEw5vB51mj/w4=")

    private func digestPacket(_ credentials: String) -> AuthPacket {
        AuthPacket(type: 0, scheme: "digest", auth: JuteBytes(credentials))
    }

    @Test func newConnectionHoldsItsIPId() {
        #expect(AuthInfo(clientAddress: localhost).ids == [Id(scheme: "ip", id: "127.0.0.1")])
    }

    @Test func mappedIPv6PeerGetsAnIPv4Id() {
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 168, 0, 9]
        #expect(AuthInfo(clientAddress: mapped).ids == [Id(scheme: "ip", id: "192.168.0.9")])
    }

    @Test func ipv6PeerGetsJavasUncompressedForm() {
        let loopback = [UInt8](repeating: 0, count: 15) + [1]
        #expect(AuthInfo(clientAddress: loopback).ids == [Id(scheme: "ip", id: "0:0:0:0:0:0:0:1")])
    }

    @Test func digestAuthAddsTheDigestIdInApachesOrder() {
        var info = AuthInfo(clientAddress: localhost)
        #expect(info.processAuth(digestPacket("user:pass"), providers: AuthProviders()) == .ok)
        // Order from Java's ConcurrentHashMap.newKeySet holding these two.
        #expect(info.ids == [Id(scheme: "ip", id: "127.0.0.1"), userPassId])
    }

    @Test func superDigestAlsoGrantsSuper() {
        var info = AuthInfo(clientAddress: localhost)
        let providers = AuthProviders(superDigest: Array("super:lK75jTNcA+U9vtVEw5vB51mj/w4=".utf8))
        #expect(info.processAuth(digestPacket("super:secret"), providers: providers) == .ok)
        #expect(info.ids == [Id(scheme: "super", id: ""), superId, Id(scheme: "ip", id: "127.0.0.1")])
    }

    @Test func wrongSuperPasswordIsAnOrdinaryDigestId() {
        var info = AuthInfo(clientAddress: localhost)
        let providers = AuthProviders(superDigest: Array("super:lK75jTNcA+U9vtVEw5vB51mj/w4=".utf8))
        #expect(info.processAuth(digestPacket("super:wrong"), providers: providers) == .ok)
        #expect(!info.ids.contains { $0.scheme == "super" })
    }

    @Test func repeatedAuthChangesNothing() {
        var info = AuthInfo(clientAddress: localhost)
        _ = info.processAuth(digestPacket("user:pass"), providers: AuthProviders())
        let before = info.ids
        #expect(info.processAuth(digestPacket("user:pass"), providers: AuthProviders()) == .ok)
        #expect(info.ids == before)
    }

    @Test func digestAuthWithoutColonSucceedsAsInApache() {
        var info = AuthInfo(clientAddress: localhost)
        #expect(info.processAuth(digestPacket("nocolon"), providers: AuthProviders()) == .ok)
        #expect(info.contains(Id(scheme: "digest", id: "nocolon:Ra+cHr2ZoHvBjtNArFGNGlVie4g=")))
    }

    @Test func ipAuthReaddsTheConnectionsOwnAddress() {
        var info = AuthInfo(clientAddress: localhost)
        #expect(info.processAuth(AuthPacket(type: 0, scheme: "ip", auth: "10.0.0.1"), providers: AuthProviders()) == .ok)
        #expect(info.ids == [Id(scheme: "ip", id: "127.0.0.1")])
    }

    @Test(arguments: [
        AuthPacket(type: 0, scheme: "sasl", auth: "x"),
        AuthPacket(type: 0, scheme: "super", auth: "secret"),
        AuthPacket(type: 0, scheme: "world", auth: "anyone"),
        AuthPacket(type: 0, scheme: "Digest", auth: "user:pass"),
        AuthPacket(type: 0, scheme: .null, auth: "user:pass"),
        AuthPacket(type: 0, scheme: "digest", auth: .null),
    ])
    func unknownSchemeOrUnusableDataFailsAndClosesTheConnection(packet: AuthPacket) {
        var info = AuthInfo(clientAddress: localhost)
        let reply = info.processAuth(packet, providers: AuthProviders())
        #expect(reply == .authFailed)
        #expect(reply.error == .authFailed)
        #expect(reply.error.code == -115)
        #expect(reply.closesConnection)
        #expect(info.ids == [Id(scheme: "ip", id: "127.0.0.1")])
    }

    @Test func digestAuthFailsWhenDigestProviderIsDisabled() {
        var info = AuthInfo(clientAddress: localhost)
        #expect(info.processAuth(digestPacket("user:pass"), providers: AuthProviders(digestEnabled: false)) == .authFailed)
    }

    @Test func configuredDigestAlgorithmIsUsed() {
        var info = AuthInfo(clientAddress: localhost)
        _ = info.processAuth(digestPacket("user:pass"), providers: AuthProviders(digestAlgorithm: .sha256))
        #expect(info.contains(Id(scheme: "digest", id: "user:70yRTFkWmLJo2zxkFj6v2nIJpjDyNuvw7r8EVGDfcjo=")))
    }

    @Test func idHashCodeIsTheJuteGeneratedOne() {
        // new Id("ip", "127.0.0.1").hashCode() under Java 17.
        #expect(AuthInfo.javaHashCode(Id(scheme: "ip", id: "127.0.0.1")) == 1506146057)
        #expect(AuthInfo.javaHashCode(Id(scheme: .null, id: .null)) == 37 &* 37 &* 17)
    }
}
