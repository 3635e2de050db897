import Crypto
import ZKAuth
import ZKProtocol

/// Where a connection's SASL exchange stands.
enum SASLState: Sendable {
    case notStarted
    case inProgress(SASLDigestMD5Server)
    /// Succeeded or failed: any further SASL token fails.
    case finished
}

extension FrontEnd {
    /// One SASL token (opcode 102), as Apache's processSasl answers it.
    mutating func sasl(_ id: ConnectionID, xid: Int32, _ request: GetSASLRequest, actions: inout some CoreActionSink) {
        guard let connection = connections[id] else { return }
        guard let users = config.saslUsers else {
            // No SASL server configured: Apache answers OK with no token.
            saslReply(id, xid: xid, err: .ok, token: .null, actions: &actions)
            return
        }
        var server: SASLDigestMD5Server
        switch connection.sasl {
        case .notStarted:
            server = SASLDigestMD5Server(users: users, nonce: saslNonce(for: id), superPassword: config.saslSuperPassword)
        case .inProgress(let current):
            server = current
        case .finished:
            saslReply(id, xid: xid, err: .authFailed, token: .null, actions: &actions)
            actions.append(.close(id, reason: "SASL token after the exchange ended"))
            return
        }
        switch server.evaluate(request: request) {
        case .challenge(let token):
            connections[id]?.sasl = .inProgress(server)
            saslReply(id, xid: xid, err: .ok, token: JuteBytes(token), actions: &actions)
        case .success(let user, let token):
            connections[id]?.sasl = .finished
            let granted = config.saslProvider?.grantedIds(authorizationID: user)
                ?? [Id(scheme: JuteBytes(SASLAuthProvider.scheme), id: JuteBytes(user))]
            for grantedID in granted { connections[id]?.auth.add(grantedID) }
            saslReply(id, xid: xid, err: .ok, token: JuteBytes(token), actions: &actions)
        case .failure(let reason):
            connections[id]?.sasl = .finished
            saslReply(id, xid: xid, err: .authFailed, token: .null, actions: &actions)
            actions.append(.close(id, reason: "SASL authentication failed: \(reason)"))
        case .closeWithoutReply(let reason):
            connections[id]?.sasl = .finished
            actions.append(.close(id, reason: "malformed SASL token: \(reason)"))
        }
    }

    /// SASL replies carry their token even with an error, unlike others.
    private mutating func saslReply(_ id: ConnectionID, xid: Int32, err: ZKError, token: JuteBytes,
                                    actions: inout some CoreActionSink) {
        let header = ReplyHeader(xid: xid, zxid: 0, err: err)
        send(id, .reply(header, .sasl(SetSASLResponse(token: token))), actions: &actions)
    }

    /// 30 bytes for the DIGEST-MD5 nonce: unpredictable without the server
    /// secret, yet computed without a random source (cores read none).
    private func saslNonce(for id: ConnectionID) -> [UInt8] {
        var message = Array("sasl-nonce".utf8)
        var big = id.raw.bigEndian
        message += withUnsafeBytes(of: &big) { Array($0) }
        var count = stats.packetsReceived.bigEndian
        message += withUnsafeBytes(of: &count) { Array($0) }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: config.sessionSecret))
        return Array(Array(mac).prefix(30))
    }
}
