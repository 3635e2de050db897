import Crypto
import ZKProtocol

/// What to do with one client SASL token (ZooKeeperServer.processSasl).
public enum SASLStep: Sendable, Hashable {
    /// Reply OK with `SetSASLResponse { token }`; the exchange goes on.
    case challenge([UInt8])
    /// The client proved its password. Add `sasl:<user>` to the connection's
    /// auth info (and `super:` if `user` is a `zookeeper.superUser`), then
    /// reply OK with `SetSASLResponse { token }` (the `rspauth=` proof).
    case success(user: String, token: [UInt8])
    /// Reply AUTHFAILED (-115), or SESSIONCLOSEDREQUIRESASLAUTH (-124) when
    /// `zookeeper.sessionRequireClientSASLAuth` is set, with a null token,
    /// then close the connection (the session lives on until it expires).
    /// With `zookeeper.allowSaslFailedClients=true` (and SASL not required)
    /// Apache instead replies OK with a null token and keeps the connection.
    /// `reason` is the JDK's SaslException message.
    case failure(reason: String)
    /// Close the connection without replying. Apache gets here through an
    /// unchecked exception that processSasl does not catch (a non-numeric
    /// `maxbuf` or `nonce-count`, a null token, a malformed Kerberos-style
    /// user name), which its connection layer answers by closing.
    case closeWithoutReply(reason: String)
}

/// The server side of SASL DIGEST-MD5 (RFC 2831) for one connection, as
/// Apache ZooKeeper runs it: the JDK's DigestMD5Server created by
/// SecurityUtils.createSaslServer with protocol "zookeeper", server name
/// "zk-sasl-md5" and no properties, answering through
/// SaslServerCallbackHandler with the users of the JAAS `Server` section.
///
/// With no properties the JDK offers only qop `auth`, speaks UTF-8 and takes
/// the server name as its one realm, so the challenge is
/// `realm="zk-sasl-md5",nonce="…",charset=utf-8,algorithm=md5-sess` (no
/// `qop` directive: clients then assume `auth`).
///
/// Feed each client token to `evaluate`; the first (empty from real
/// clients) yields the challenge. Create one per connection, and only when
/// the JAAS file has the `Server` section: without it Apache has no SASL
/// server and answers every SASL request OK with a null token.
public struct SASLDigestMD5Server: Sendable {
    /// The longest client token the JDK accepts (MAX_RESPONSE_LENGTH).
    public static let maxResponseBytes = 4096

    /// The keys of a digest-response the JDK reads (DigestMD5Server's
    /// DIRECTIVE_KEY); the order gives the indices below.
    private static let responseKeys = [
        "username", "realm", "nonce", "cnonce", "nonce-count", "qop", "digest-uri",
        "response", "maxbuf", "charset", "cipher", "authzid", "auth-param",
    ]
    private enum Key {
        static let username = 0, realm = 1, nonce = 2, cnonce = 3, nonceCount = 4, qop = 5
        static let digestURI = 6, response = 7, maxbuf = 8, charset = 9, authzid = 11
    }

    private enum State: Sendable {
        case awaitingInitialResponse
        case awaitingDigestResponse(nonce: [UInt8])
        /// Completed or failed: the JDK's step 0, where every call fails.
        case finished
    }

    private let users: [String: String]
    private let superPassword: String?
    private let realm: String
    private let digestURI: String
    private let nonceRandomBytes: [UInt8]
    private var state = State.awaitingInitialResponse

    /// A server for one connection.
    ///
    /// - users: user name → password, from `JAASConfig.serverUsers`.
    /// - realm: the one realm offered and accepted (the JDK's default is the
    ///   server name).
    /// - serviceProtocol, serverName: the expected digest-uri is
    ///   `serviceProtocol/serverName`, compared ignoring case.
    /// - nonce: random bytes from the caller (30 of them, as the JDK uses);
    ///   the challenge carries their base64 form.
    /// - superPassword: `zookeeper.SASLAuthenticationProvider.superPassword`.
    ///   It replaces the password of user `super`, but only if `users` has a
    ///   `super` (SaslServerCallbackHandler looks the name up first).
    public init(
        users: [String: String],
        realm: String = "zk-sasl-md5",
        serviceProtocol: String = "zookeeper",
        serverName: String = "zk-sasl-md5",
        nonce: [UInt8],
        superPassword: String? = nil
    ) {
        self.users = users
        self.realm = realm
        self.digestURI = serviceProtocol + "/" + serverName
        self.nonceRandomBytes = nonce
        self.superPassword = superPassword
    }

    /// Handles a GetSASLRequest. A null token ends the connection with no
    /// reply: Apache dereferences it before its try block.
    public mutating func evaluate(request: GetSASLRequest) -> SASLStep {
        guard let token = request.token.bytes else {
            state = .finished
            return .closeWithoutReply(reason: "null SASL token")
        }
        return evaluate(response: token)
    }

    /// Handles one client token (SaslServer.evaluateResponse).
    public mutating func evaluate(response: [UInt8]) -> SASLStep {
        if response.count > Self.maxResponseBytes {
            state = .finished
            return .failure(reason: "DIGEST-MD5: Invalid digest response length. Got:  \(response.count) Expected < \(Self.maxResponseBytes)")
        }
        switch state {
        case .awaitingInitialResponse:
            // A non-empty first token is ignored, as JDK 17 does (JDK 8
            // refused it with "DIGEST-MD5 must not have an initial response").
            let nonce = Self.base64(nonceRandomBytes)
            state = .awaitingDigestResponse(nonce: nonce)
            return .challenge(challenge(nonce: nonce))
        case .awaitingDigestResponse(let nonce):
            state = .finished
            return validate(response: response, nonce: nonce)
        case .finished:
            return .failure(reason: "DIGEST-MD5: Server at illegal state")
        }
    }

    /// DigestMD5Server.generateChallenge with no qop, maxbuf or cipher
    /// properties.
    private func challenge(nonce: [UInt8]) -> [UInt8] {
        var out = Array("realm=\"".utf8)
        out += Self.quotedStringValue(Array(realm.utf8))
        out += Array("\",nonce=\"".utf8)
        out += Self.quotedStringValue(nonce)
        out += Array("\",charset=utf-8,algorithm=md5-sess".utf8)
        return out
    }

    /// DigestMD5Server.validateClientResponse, check for check in the JDK's
    /// order, since the order decides which failure a bad response gets.
    private func validate(response: [UInt8], nonce: [UInt8]) -> SASLStep {
        let directives: SASLDirectives
        switch SASLDirectives.parse(response, keys: Self.responseKeys) {
        case .success(let parsed): directives = parsed
        case .failure(let error): return .failure(reason: error.message)
        }
        func text(_ bytes: [UInt8]) -> [UInt16] { JavaText.utf16(bytes) }
        func string(_ units: [UInt16]) -> String { String(decoding: units, as: UTF16.self) }
        func violation(_ what: String) -> SASLStep { .failure(reason: "DIGEST-MD5: digest response format violation. " + what) }

        if let charset = directives[Key.charset], text(charset) != Array("utf-8".utf16) {
            return violation("Incompatible charset value: " + string(text(charset)))
        }
        if let maxbuf = directives[Key.maxbuf], JavaText.parseInt(maxbuf, radix: 10) == nil {
            return .closeWithoutReply(reason: "NumberFormatException: maxbuf " + string(text(maxbuf)))
        }
        guard let usernameBytes = directives[Key.username] else { return violation("Missing username.") }
        let username = text(usernameBytes)
        let negotiatedRealm = directives[Key.realm].map(text) ?? []
        guard negotiatedRealm == Array(realm.utf16) else {
            return violation("Nonexistent realm: " + string(negotiatedRealm))
        }
        guard let clientNonce = directives[Key.nonce] else { return violation("Missing nonce.") }
        guard clientNonce == nonce else { return violation("Mismatched nonce.") }
        guard let cnonce = directives[Key.cnonce] else { return violation("Missing cnonce.") }
        if let count = directives[Key.nonceCount] {
            guard let value = JavaText.parseInt(count, radix: 16) else {
                return .closeWithoutReply(reason: "NumberFormatException: nonce-count " + string(text(count)))
            }
            guard value == 1 else { return violation("Nonce count does not match: " + string(text(count))) }
        }
        let qop = directives[Key.qop].map(text) ?? Array("auth".utf16)
        switch string(qop) {
        case "auth": break
        case "auth-int", "auth-conf": return .failure(reason: "DIGEST-MD5: server does not support  qop: " + string(qop))
        default: return violation("Invalid QOP: " + string(qop))
        }
        guard let uriBytes = directives[Key.digestURI], SASLDirectives.javaEqualsIgnoreCase(text(uriBytes), digestURI) else {
            let shown = directives[Key.digestURI].map { string(text($0)) } ?? "null"
            return violation("Mismatched URI: \(shown); expecting: \(digestURI)")
        }
        guard let clientResponse = directives[Key.response] else {
            return .failure(reason: "DIGEST-MD5: digest response format  violation. Missing response.")
        }
        let authzid = directives[Key.authzid]
        guard let password = password(for: username) else {
            return .failure(reason: "DIGEST-MD5: cannot acquire password for \(string(username)) in realm : \(string(negotiatedRealm))")
        }

        // The JDK rebuilds the strings it decoded: digest-uri and qop as
        // UTF-8, user name, realm and password as ISO-8859-1 when every char
        // fits (else UTF-8). Nonce, cnonce and authzid go in as raw bytes,
        // and the nonce count is always its own "00000001".
        let uri = Array(string(text(uriBytes)).utf8)
        let keyHash = Array(Insecure.MD5.hash(data:
            Self.latin1OrUTF8(username) + [0x3A] + Self.latin1OrUTF8(negotiatedRealm) + [0x3A] + Self.latin1OrUTF8(Array(password.utf16))))
        var a1 = keyHash + [0x3A] + nonce + [0x3A] + cnonce
        if let authzid { a1 += [0x3A] + authzid }
        let hexA1 = Self.hex(Array(Insecure.MD5.hash(data: a1)))
        func responseValue(a2: [UInt8]) -> [UInt8] {
            let kd = hexA1 + [0x3A] + nonce + Array(":00000001:".utf8) + cnonce + [0x3A]
                + Array(string(qop).utf8) + [0x3A] + Self.hex(Array(Insecure.MD5.hash(data: a2)))
            return Self.hex(Array(Insecure.MD5.hash(data: kd)))
        }
        guard clientResponse == responseValue(a2: Array("AUTHENTICATE:".utf8) + uri) else {
            return violation("Mismatched response.")
        }
        guard let authorizationID = Self.authorizationID(authenticationID: username, authzid: authzid.map(text)) else {
            return .closeWithoutReply(reason: "IllegalArgumentException: Malformed Kerberos name: " + string(username))
        }
        return .success(user: string(authorizationID), token: Array("rspauth=".utf8) + responseValue(a2: [0x3A] + uri))
    }

    /// SaslServerCallbackHandler's name and password callbacks: the user's
    /// password, or nil for an unknown user. Names compare as Java Strings
    /// (exact UTF-16), not with Swift's canonical equivalence.
    private func password(for username: [UInt16]) -> String? {
        guard let entry = users.first(where: { Array($0.key.utf16) == username }) else { return nil }
        if entry.key == "super", let superPassword { return superPassword }
        return entry.value
    }

    /// SaslServerCallbackHandler.handleAuthorizeCallback: the id the session
    /// gets, from the authentication id run through KerberosName with the
    /// DEFAULT auth_to_local rule and no krb5.conf (default realm "").
    ///
    /// - No `@`: the name itself.
    /// - `service[/host]@realm` with an empty realm: the name itself (the
    ///   rule maps it to `service`, and host and realm are put back).
    /// - `service[/host]@realm` with a realm: no rule applies, Apache logs
    ///   the IOException and the JDK falls back to the authzid, or the
    ///   authentication id when none was sent.
    /// - Any other name with `@` (`a@b@c`, `a/b/c@r`): nil, because
    ///   KerberosName throws IllegalArgumentException, which nothing catches.
    static func authorizationID(authenticationID: [UInt16], authzid: [UInt16]?) -> [UInt16]? {
        let at: UInt16 = 0x40, slash: UInt16 = 0x2F
        guard let atIndex = authenticationID.firstIndex(of: at) else { return authenticationID }
        let principal = authenticationID[..<atIndex]
        let realm = authenticationID[(atIndex + 1)...]
        guard !realm.contains(at), !realm.contains(slash), principal.count(where: { $0 == slash }) <= 1 else {
            return nil
        }
        return realm.isEmpty ? authenticationID : (authzid ?? authenticationID)
    }

    /// DigestMD5Base.stringToByte_8859_1 with useUTF8 on.
    static func latin1OrUTF8(_ units: [UInt16]) -> [UInt8] {
        if units.allSatisfy({ $0 <= 0xFF }) { return units.map { UInt8($0) } }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// DigestMD5Base.writeQuotedStringValue: backslash before `"`, `\`, DEL
    /// and control bytes other than CR, HT and LF.
    static func quotedStringValue(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            if byte == 0x22 || byte == 0x5C || byte == 0x7F || (byte <= 31 && byte != 13 && byte != 9 && byte != 10) {
                out.append(0x5C)
            }
            out.append(byte)
        }
        return out
    }

    /// Lower-case hex, as DigestMD5Base.binaryToHex.
    static func hex(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    /// Standard base64 (the JDK's pem_array), padded with `=` when the
    /// length is not a multiple of 3 (the JDK's 30 bytes never need it).
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
            let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return out
    }
}
