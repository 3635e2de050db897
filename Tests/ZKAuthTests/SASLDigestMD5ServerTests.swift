import Testing
import ZKProtocol
@testable import ZKAuth

/// SASL DIGEST-MD5 as Apache ZooKeeper's server runs it (the JDK's
/// DigestMD5Server behind ZooKeeperSaslServer), checked against transcripts
/// of real peers: pure-sasl 0.6.2, the client kazoo uses, and JDK 17's
/// server with ZooKeeper's SaslServerCallbackHandler.
struct SASLDigestMD5ServerTests {
    /// The users of the JAAS file the oracle ran with.
    static let users: [String: String] = [
        "super": "super_secret", "jaasuser": "jaas_password", "we\"ird\\user": "p,w=\"x\"",
        "\u{141}ukasz": "has\u{142}o", "jos\u{e9}": "secret", "svc/host@": "pw1", "svc@REALM": "pw2",
        "a@b@c": "pw3", "a/b/c": "pw4", "empty": "",
    ]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func fromHex(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    // MARK: pure-sasl transcripts

    /// A full exchange recorded with pure-sasl's DigestMD5Mechanism as
    /// kazoo drives it (service "zookeeper", host "zk-sasl-md5"): the
    /// challenge our server must send for `nonce`, the client's answer, and
    /// the rspauth that pure-sasl then accepted.
    struct Transcript: Sendable, CustomTestStringConvertible {
        var user: String
        var nonce: [UInt8]
        var challenge: String
        var response: String
        var rspauth: String
        var testDescription: String { user }
    }

    static let transcripts: [Transcript] = [
        Transcript(
            user: "jaasuser", nonce: Array(0..<30),
            challenge: "realm=\"zk-sasl-md5\",nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\",charset=utf-8,algorithm=md5-sess",
            response: "qop=auth,realm=\"zk-sasl-md5\",username=\"jaasuser\",nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\",cnonce=\"13436424411240122\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=418800c323a4b3342510abbdd37f2599",
            rspauth: "rspauth=3842f4074780ff1cec0ef507acb71de5"),
        Transcript(
            user: "super", nonce: (0..<30).map { UInt8(($0 * 37 + 11) % 256) },
            challenge: "realm=\"zk-sasl-md5\",nonce=\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8\",charset=utf-8,algorithm=md5-sess",
            response: "qop=auth,realm=\"zk-sasl-md5\",username=\"super\",nonce=\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8\",cnonce=\"9560342718892494\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=fb9e2f232c247c4720482fc83407aa83",
            rspauth: "rspauth=544b12f9e38590813880def01c8956c1"),
        Transcript(
            user: "we\"ird\\user", nonce: (0..<30).map { UInt8(255 - $0) },
            challenge: "realm=\"zk-sasl-md5\",nonce=\"//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi\",charset=utf-8,algorithm=md5-sess",
            response: "qop=auth,realm=\"zk-sasl-md5\",username=\"we\\\"ird\\\\user\",nonce=\"//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi\",cnonce=\"23796462709189137\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=e24e18c66f4111d4dd87ef8f026e858a",
            rspauth: "rspauth=384ebc2bac36377163f3e83d9922ebd9"),
        Transcript(
            user: "\u{141}ukasz", nonce: Array(repeating: 7, count: 30),
            challenge: "realm=\"zk-sasl-md5\",nonce=\"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH\",charset=utf-8,algorithm=md5-sess",
            response: "qop=auth,realm=\"zk-sasl-md5\",username=\"\u{141}ukasz\",nonce=\"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH\",cnonce=\"23604808973743452\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=07904cff53d277d6470a576b839ae2ed",
            rspauth: "rspauth=6e5bbde5fb00460f2463d4cd59cf28fc"),
    ]

    @Test("pure-sasl's DIGEST-MD5 client authenticates and accepts our rspauth", arguments: transcripts)
    func pureSASLExchangeSucceeds(_ transcript: Transcript) {
        var server = SASLDigestMD5Server(users: Self.users, nonce: transcript.nonce)
        // kazoo sends an empty token first, since pure-sasl has nothing to say yet.
        #expect(server.evaluate(response: []) == .challenge(Self.bytes(transcript.challenge)))
        #expect(server.evaluate(response: Self.bytes(transcript.response))
            == .success(user: transcript.user, token: Self.bytes(transcript.rspauth)))
    }

    @Test func challengeHasNoQopDirectiveLikeTheJDKWithoutProperties() {
        var server = SASLDigestMD5Server(users: [:], nonce: Array(repeating: 0, count: 30))
        guard case .challenge(let challenge) = server.evaluate(response: []) else {
            Issue.record("expected a challenge")
            return
        }
        let text = String(decoding: challenge, as: UTF8.self)
        #expect(text == "realm=\"zk-sasl-md5\",nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",charset=utf-8,algorithm=md5-sess")
        #expect(!text.contains("qop"))
    }

    @Test func wrongPasswordFailsWithMismatchedResponse() {
        // The jaasuser transcript's response, as if the password were wrong:
        // same bytes, but the server knows a different password.
        let transcript = Self.transcripts[0]
        var server = SASLDigestMD5Server(users: ["jaasuser": "not_the_password"], nonce: transcript.nonce)
        _ = server.evaluate(response: [])
        #expect(server.evaluate(response: Self.bytes(transcript.response))
            == .failure(reason: "DIGEST-MD5: digest response format violation. Mismatched response."))
    }

    @Test func unknownUserFailsWithNoPassword() {
        let transcript = Self.transcripts[0]
        var server = SASLDigestMD5Server(users: ["someoneelse": "x"], nonce: transcript.nonce)
        _ = server.evaluate(response: [])
        #expect(server.evaluate(response: Self.bytes(transcript.response))
            == .failure(reason: "DIGEST-MD5: cannot acquire password for jaasuser in realm : zk-sasl-md5"))
    }

    @Test func pureSASLUserWithLatin1NameFailsAsAgainstApache() {
        // pure-sasl hashes "josé" as UTF-8; the JDK hashes names whose chars
        // all fit in ISO-8859-1 as ISO-8859-1. So this user cannot log in
        // with pure-sasl against Apache either.
        var server = SASLDigestMD5Server(users: Self.users, nonce: Array(100..<130))
        #expect(server.evaluate(response: []) == .challenge(Self.bytes(
            "realm=\"zk-sasl-md5\",nonce=\"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB\",charset=utf-8,algorithm=md5-sess")))
        let response = "qop=auth,realm=\"zk-sasl-md5\",username=\"jos\u{e9}\",nonce=\"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB\",cnonce=\"6229016948897019\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=af6f9cc0353caa906d6b97e85f6e0dee"
        #expect(server.evaluate(response: Self.bytes(response))
            == .failure(reason: "DIGEST-MD5: digest response format violation. Mismatched response."))
    }

    // MARK: JDK transcripts

    enum Outcome: Sendable, Equatable {
        case success(user: String, token: [UInt8])
        case failure(reason: String)
        case closeWithoutReply
    }

    /// A digest-response crafted for a nonce that JDK 17's DigestMD5Server
    /// (with ZooKeeper's SaslServerCallbackHandler and the users above)
    /// issued, and what that server did with it.
    struct OracleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var nonce: [UInt8]
        var response: [UInt8]
        var expected: Outcome
        init(_ name: String, nonce: String, response: String, expected: Outcome) {
            self.name = name
            self.nonce = SASLDigestMD5ServerTests.fromHex(nonce)
            self.response = Array(response.utf8)
            self.expected = expected
        }
        var testDescription: String { name }
    }

    static let oracleCases: [OracleCase] = [
        OracleCase("puresasl unknown", nonce: "876db6f9c25b71d9f6ae18e1ba58f8e6c3eed44745b17e1389d2569c7a78",
                   response: "qop=auth,realm=\"zk-sasl-md5\",username=\"baduser\",nonce=\"h222+cJbcdn2rhjhulj45sPu1EdFsX4TidJWnHp4\",cnonce=\"7376700106833903\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=7bb3d06b4c6f3d10c1a52bfc026afeb6",
                   expected: .failure(reason: "DIGEST-MD5: cannot acquire password for baduser in realm : zk-sasl-md5")),
        OracleCase("authzid svc@REALM", nonce: "d9caad3a92f91285218d542ae7d65ecec16775a195ca717844cace104a96",
                   response: "username=\"svc@REALM\",realm=\"zk-sasl-md5\",nonce=\"2cqtOpL5EoUhjVQq59ZezsFndaGVynF4RMrOEEqW\",cnonce=\"c361269722\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=18480b405d94f7adee23deace7e05607,authzid=\"other\"",
                   expected: .success(user: "other", token: Array("rspauth=80bd6877ecc1b0b43f90717444bf8232".utf8))),
        OracleCase("svc/host@", nonce: "039e88b4c490b2838fbc98ae99d615733d6699d39bb9cfb7a717d4a99f81",
                   response: "username=\"svc/host@\",realm=\"zk-sasl-md5\",nonce=\"A56ItMSQsoOPvJiumdYVcz1mmdObuc+3pxfUqZ+B\",cnonce=\"c342489307\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=6b810ad14d7565649fe8b6f78dcc2b3e",
                   expected: .success(user: "svc/host@", token: Array("rspauth=cdae24587418f20ba6b94a8b536957a7".utf8))),
        OracleCase("a@b@c", nonce: "30c46b0f83df5dd2446e0ca227b133bcacebe92682a01ab7b92453de11d2",
                   response: "username=\"a@b@c\",realm=\"zk-sasl-md5\",nonce=\"MMRrD4PfXdJEbgyiJ7EzvKzr6SaCoBq3uSRT3hHS\",cnonce=\"c956976714\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=6c04dc2c90653e1730a745815e15f823",
                   expected: .closeWithoutReply),
        OracleCase("jos\u{e9} latin1", nonce: "2e55c1151490ef35446704e395f2f5cb0af212b2b6e1737f2bec99d08aab",
                   response: "username=\"jos\u{e9}\",realm=\"zk-sasl-md5\",nonce=\"LlXBFRSQ7zVEZwTjlfL1ywryErK24XN/K+yZ0Iqr\",cnonce=\"c554847029\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=3a1c6ffbcbbfae60b37cbe4c02174c99",
                   expected: .success(user: "jos\u{e9}", token: Array("rspauth=85a31e30bed47b869a318c2b4006d2e7".utf8))),
        OracleCase("jos\u{e9} utf8", nonce: "addf2bc969f5f21c3b6c45bb377bdfd464250a4b1f290fb4754e31061e3a",
                   response: "username=\"jos\u{e9}\",realm=\"zk-sasl-md5\",nonce=\"rd8ryWn18hw7bEW7N3vf1GQlCksfKQ+0dU4xBh46\",cnonce=\"c361024382\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=c39a6d63a0325a63b33f8e9777ed64e8",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Mismatched response.")),
        OracleCase("nonce-count +1", nonce: "56873d804059e6bb87d20cfb353a6619f85ddd47eb285a5a1df85750acb5",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"Voc9gEBZ5ruH0gz7NTpmGfhd3UfrKFpaHfhXUKy1\",cnonce=\"c651966938\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=3b29446bc223871cc7361227eb9c57ea,nonce-count=+1",
                   expected: .success(user: "jaasuser", token: Array("rspauth=9803d8d45f7162ca2fd6b1784e91e7d7".utf8))),
        OracleCase("nonce-count 00000002", nonce: "70cb17acc9c42a5b3f547634b4edc810d24cc6c649c34f86d9cb57991997",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"cMsXrMnEKls/VHY0tO3IENJMxsZJw0+G2ctXmRmX\",cnonce=\"c423620993\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=5ac0486461e6de3851daa755bb035e4b,nonce-count=00000002",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Nonce count does not match: 00000002")),
        OracleCase("nonce-count zz", nonce: "31315c1d620af870a7b1c8c8b6f3de27fe3e0a710a709fc6f02ff2c5143f",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"MTFcHWIK+HCnscjItvPeJ/4+CnEKcJ/G8C/yxRQ/\",cnonce=\"c433395795\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=7a005d54409ea5dceda2f78219c5eebe,nonce-count=zz",
                   expected: .closeWithoutReply),
        OracleCase("maxbuf bad", nonce: "9455f3638b7fcb3c0f8bfa13f739fc29a9f45a1483cf4fcd2e7095865227",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"lFXzY4t/yzwPi/oT9zn8Kan0WhSDz0/NLnCVhlIn\",cnonce=\"c844507620\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=235844d18da9e3e802091d7a39e5e760,maxbuf=lots",
                   expected: .closeWithoutReply),
        OracleCase("charset UTF-8", nonce: "7cd5670dbd2155f3e29ce42acc182dbe3715fc63080b66cb66ff551426d7",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"fNVnDb0hVfPinOQqzBgtvjcV/GMIC2bLZv9VFCbX\",cnonce=\"c645667222\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=4eb5ab664bc3b36b5301772d58955d1a,charset=UTF-8",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Incompatible charset value: UTF-8")),
        OracleCase("qop absent", nonce: "0e6da005c4949d47aea4c471d59d79d6812fcfce550d3ed6b8929d6569c6",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"Dm2gBcSUnUeupMRx1Z151oEvz85VDT7WuJKdZWnG\",cnonce=\"c520638212\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=8378f7c75fd72442b5863a50554b581f",
                   expected: .success(user: "jaasuser", token: Array("rspauth=bcbcf414c7b902d436c9513164619ea2".utf8))),
        OracleCase("qop auth-int", nonce: "87168cd22173d4d3795775d7f3f2cbd697b3e404e9edfaa884f2b51c0b5f",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"hxaM0iFz1NN5V3XX8/LL1pez5ATp7fqohPK1HAtf\",cnonce=\"c287716853\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=b13f655ccad36118d019ab5f050300ac,qop=auth-int",
                   expected: .failure(reason: "DIGEST-MD5: server does not support  qop: auth-int")),
        OracleCase("qop AUTH", nonce: "d3344591a553326e6803b816c4e63ea58d968b2ebcd50854f9a67b2bb847",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"0zRFkaVTMm5oA7gWxOY+pY2Wiy681QhU+aZ7K7hH\",cnonce=\"c84555755\",nc=00000001,digest-uri=\"zookeeper/zk-sasl-md5\",response=ea050d33142a3615373d2d306a644426,qop=AUTH",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Invalid QOP: AUTH")),
        OracleCase("uri kelvin", nonce: "5f8c73eed52f5d16d8cc3608baa1e9ea5af6b64205d0de6d8eaa250db12a",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"X4xz7tUvXRbYzDYIuqHp6lr2tkIF0N5tjqolDbEq\",cnonce=\"c776923226\",nc=00000001,qop=auth,digest-uri=\"zoo\u{212a}eeper/zk-sasl-md5\",response=22905fc7bb28d7af11076931175b9f71",
                   expected: .success(user: "jaasuser", token: Array("rspauth=34e7b5388b47b93a2c21ebde849be71a".utf8))),
        OracleCase("uri missing", nonce: "1fd86d9e77cbc0498774841ce8cb35df4e5d90a472952a2f0f0216155a53",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"H9htnnfLwEmHdIQc6Ms1305dkKRylSovDwIWFVpT\",cnonce=\"c513499132\",nc=00000001,qop=auth,response=531c70e1f609f0e5c036d7a331decd4b",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Mismatched URI: null; expecting: zookeeper/zk-sasl-md5")),
        OracleCase("realm missing", nonce: "fc11cf9fd8096ff53cf787bedce6aa40b13670a45477982e4ea58aebd153",
                   response: "username=\"jaasuser\",nonce=\"/BHPn9gJb/U894e+3OaqQLE2cKRUd5guTqWK69FT\",cnonce=\"c275521093\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=4f6a4849e74639269a5eca2f88224d10",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Nonexistent realm: ")),
        OracleCase("username twice", nonce: "0f28344024e7d81505cd1897224a356990184e6ab7c2701b075cb5c7001a",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"Dyg0QCTn2BUFzRiXIko1aZAYTmq3wnAbB1y1xwAa\",cnonce=\"c987172214\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=b814656451e94728eabd4b164e78516f,username=\"jaasuser\"",
                   expected: .failure(reason: "DIGEST-MD5: peer sent more than one username directive: jaasuser")),
        OracleCase("nc twice", nonce: "bd484c365094a48bc756156d7f892bbcb8eef22cb57868f4a964c5fce163",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"vUhMNlCUpIvHVhVtf4krvLju8iy1eGj0qWTF/OFj\",cnonce=\"c90662661\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=424905b4ff4c37aa3842a453fb7a17ad,nc=00000001",
                   expected: .success(user: "jaasuser", token: Array("rspauth=5d11f15068d41ff752e6b50d74277244".utf8))),
        OracleCase("key long s", nonce: "2387e62b03e24d70877fffd93ebfbdd78a94f2c4fa90df7724e1f547117d",
                   response: "u\u{17f}ername=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"I4fmKwPiTXCHf//ZPr+914qU8sT6kN93JOH1RxF9\",cnonce=\"c405776042\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=7a2520deb1a4c3e081bab9f4f6664ec2",
                   expected: .success(user: "jaasuser", token: Array("rspauth=9f1bca33b5e628a2518dc1e3ea0714fe".utf8))),
        OracleCase("sep spaces", nonce: "473e9604631743ee290c6d4d0cd6704ea806be878ba6c0d3f5eeafb13c36",
                   response: "username=\"jaasuser\" ,\r\n\t realm=\"zk-sasl-md5\" ,\r\n\t nonce=\"Rz6WBGMXQ+4pDG1NDNZwTqgGvoeLpsDT9e6vsTw2\" ,\r\n\t cnonce=\"c462198621\" ,\r\n\t nc=00000001 ,\r\n\t qop=auth ,\r\n\t digest-uri=\"zookeeper/zk-sasl-md5\" ,\r\n\t response=666fe9c3a29cee86e7e5b1614f6e2ca6",
                   expected: .success(user: "jaasuser", token: Array("rspauth=36a28d7eb4ecf8a7fbe0732ef8b0f585".utf8))),
        OracleCase("response upper", nonce: "f914b719e07ffdaa3d278889d957dea361d713ae6c37eebfebe518e385c8",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"+RS3GeB//ao9J4iJ2Vfeo2HXE65sN+6/6+UY44XI\",cnonce=\"c515993350\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=078022F6A0B5882CA0139AC6CB58217F",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Mismatched response.")),
        OracleCase("weird unquoted", nonce: "ea88b1ff7520261001c4b18e111514afb32473d28725a2c2e484c34736a5",
                   response: "realm=\"zk-sasl-md5\",nonce=\"6oix/3UgJhABxLGOERUUr7Mkc9KHJaLC5ITDRzal\",cnonce=\"c266469626\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=eb8e108106f33d1ad235f434b2097d5d,username=we\"ird\\user",
                   expected: .success(user: "we\"ird\\user", token: Array("rspauth=f5da3581d71372242fa4660faf585d14".utf8))),
        OracleCase("trailing authzid", nonce: "079cac136d7810fb900ccc011237ea7798ab873b3de00f105cd50c93ce76",
                   response: "username=\"jaasuser\",realm=\"zk-sasl-md5\",nonce=\"B5ysE214EPuQDMwBEjfqd5irhzs94A8QXNUMk852\",cnonce=\"c584085653\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=97e5f2b4e577a7280c862144a4249b5d,authzid",
                   expected: .failure(reason: "DIGEST-MD5: digest response format violation. Mismatched response.")),
        OracleCase("empty pw", nonce: "63b635a3c25db3ddc2ffb467491af10081221af4746fb925fc64a7308ea1",
                   response: "username=\"empty\",realm=\"zk-sasl-md5\",nonce=\"Y7Y1o8Jds93C/7RnSRrxAIEiGvR0b7kl/GSnMI6h\",cnonce=\"c721653173\",nc=00000001,qop=auth,digest-uri=\"zookeeper/zk-sasl-md5\",response=a4371bb1fa5bb87a58d5d0f6ac3eab37",
                   expected: .success(user: "empty", token: Array("rspauth=4355e599d6f7a03a5c763d7020d62804".utf8))),
    ]

    @Test("a digest-response gets what JDK 17's server gave it", arguments: oracleCases)
    func matchesJDKServer(_ oracle: OracleCase) {
        var server = SASLDigestMD5Server(users: Self.users, nonce: oracle.nonce)
        guard case .challenge = server.evaluate(response: []) else {
            Issue.record("expected a challenge")
            return
        }
        let outcome: Outcome? = switch server.evaluate(response: oracle.response) {
        case .success(let user, let token): .success(user: user, token: token)
        case .failure(let reason): .failure(reason: reason)
        case .closeWithoutReply: .closeWithoutReply
        case .challenge: nil
        }
        #expect(outcome == oracle.expected)
    }

    // MARK: State machine

    @Test func nonEmptyFirstTokenIsIgnoredAsByModernJDKs() {
        var server = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
        #expect(server.evaluate(response: Self.bytes("username=\"jaasuser\""))
            == .challenge(Self.bytes(Self.transcripts[0].challenge)))
    }

    @Test func tokenOverFourKilobytesFails() {
        var server = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
        #expect(server.evaluate(response: Array(repeating: 0x78, count: 4097))
            == .failure(reason: "DIGEST-MD5: Invalid digest response length. Got:  4097 Expected < 4096"))
        var atLimit = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
        #expect(atLimit.evaluate(response: Array(repeating: 0x78, count: 4096))
            == .challenge(Self.bytes(Self.transcripts[0].challenge)))
    }

    @Test func anyTokenAfterSuccessFails() {
        let transcript = Self.transcripts[0]
        var server = SASLDigestMD5Server(users: Self.users, nonce: transcript.nonce)
        _ = server.evaluate(response: [])
        _ = server.evaluate(response: Self.bytes(transcript.response))
        #expect(server.evaluate(response: []) == .failure(reason: "DIGEST-MD5: Server at illegal state"))
    }

    @Test func anyTokenAfterFailureFails() {
        var server = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
        _ = server.evaluate(response: [])
        #expect(server.evaluate(response: Self.bytes("junk")) != .failure(reason: "DIGEST-MD5: Server at illegal state"))
        #expect(server.evaluate(response: Self.bytes(Self.transcripts[0].response))
            == .failure(reason: "DIGEST-MD5: Server at illegal state"))
    }

    @Test func nullTokenClosesWithoutReply() {
        var server = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
        #expect(server.evaluate(request: GetSASLRequest(token: .null)) == .closeWithoutReply(reason: "null SASL token"))
    }

    @Test func requestWrapperPassesTheToken() {
        var server = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
        #expect(server.evaluate(request: GetSASLRequest(token: JuteBytes([])))
            == .challenge(Self.bytes(Self.transcripts[0].challenge)))
    }

    @Test func superPasswordReplacesTheJAASPasswordOfSuper() {
        let transcript = Self.transcripts[1]  // user super, password super_secret
        var replaced = SASLDigestMD5Server(users: ["super": "jaas_value"], nonce: transcript.nonce, superPassword: "super_secret")
        _ = replaced.evaluate(response: [])
        #expect(replaced.evaluate(response: Self.bytes(transcript.response))
            == .success(user: "super", token: Self.bytes(transcript.rspauth)))
    }

    @Test func superPasswordNeedsSuperInJAAS() {
        let transcript = Self.transcripts[1]
        var server = SASLDigestMD5Server(users: ["jaasuser": "x"], nonce: transcript.nonce, superPassword: "super_secret")
        _ = server.evaluate(response: [])
        #expect(server.evaluate(response: Self.bytes(transcript.response))
            == .failure(reason: "DIGEST-MD5: cannot acquire password for super in realm : zk-sasl-md5"))
    }

    @Test func userNamesCompareAsJavaStringsNotCanonically() {
        // "é" precomposed in the JAAS file, decomposed on the wire: Java
        // Strings differ, so the user is unknown (Swift's == would say equal).
        let transcript = Self.transcripts[0]
        var server = SASLDigestMD5Server(users: ["jos\u{e9}": "x"], nonce: transcript.nonce)
        _ = server.evaluate(response: [])
        let response = "username=\"jose\u{301}\",realm=\"zk-sasl-md5\",nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\",cnonce=\"x\",digest-uri=\"zookeeper/zk-sasl-md5\",response=00"
        #expect(server.evaluate(response: Self.bytes(response))
            == .failure(reason: "DIGEST-MD5: cannot acquire password for jose\u{301} in realm : zk-sasl-md5"))
    }

    @Test func base64MatchesTheJDKAlphabetAndPadsOddLengths() {
        #expect(SASLDigestMD5Server.base64([0xFB, 0xFF, 0xBF]) == Self.bytes("+/+/"))
        #expect(SASLDigestMD5Server.base64([0x61]) == Self.bytes("YQ=="))
        #expect(SASLDigestMD5Server.base64([0x61, 0x62]) == Self.bytes("YWI="))
        #expect(SASLDigestMD5Server.base64([]) == [])
    }

    @Test func challengeEscapesQuotesInTheRealm() {
        var server = SASLDigestMD5Server(users: [:], realm: "a\"b\\c", nonce: [0, 0, 0])
        #expect(server.evaluate(response: [])
            == .challenge(Self.bytes("realm=\"a\\\"b\\\\c\",nonce=\"AAAA\",charset=utf-8,algorithm=md5-sess")))
    }

    @Test("Kerberos-style names map as SaslServerCallbackHandler maps them", arguments: [
        ("jaasuser", nil, "jaasuser"),
        ("a/b/c", nil, "a/b/c"),
        ("svc/host@", nil, "svc/host@"),
        ("svc@", "other", "svc@"),
        ("svc@REALM", nil, "svc@REALM"),
        ("svc@REALM", "other", "other"),
        ("svc/host@REALM", "x", "x"),
    ] as [(String, String?, String)])
    func authorizationIDFollowsKerberosName(_ name: String, _ authzid: String?, _ expected: String) {
        let id = SASLDigestMD5Server.authorizationID(
            authenticationID: Array(name.utf16), authzid: authzid.map { Array($0.utf16) })
        #expect(id == Array(expected.utf16))
    }

    @Test("malformed Kerberos names end the connection", arguments: ["a@b@c", "a/b/c@R", "a@b/c"])
    func malformedKerberosNameHasNoAuthorizationID(_ name: String) {
        #expect(SASLDigestMD5Server.authorizationID(authenticationID: Array(name.utf16), authzid: nil) == nil)
    }

    // MARK: Robustness

    /// SplitMix64, so every run feeds the same inputs.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomBytesNeverCrashAndNeverAuthenticate() {
        var random = SeededGenerator(state: 2831)
        for _ in 0..<2000 {
            var server = SASLDigestMD5Server(users: Self.users, nonce: Array(0..<30))
            _ = server.evaluate(response: [])
            let length = Int.random(in: 0...300, using: &random)
            let token = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            switch server.evaluate(response: token) {
            case .failure, .closeWithoutReply: break
            case .success, .challenge: Issue.record("random token accepted: \(token)")
            }
        }
    }

    @Test func mutatedResponsesNeverCrash() {
        let transcript = Self.transcripts[0]
        let valid = Self.bytes(transcript.response)
        let specials = Self.bytes(",\"\\= \r\n\t") + [0x00, 0xC3, 0xA9, 0xFF, 0x80]
        var random = SeededGenerator(state: 102)
        for _ in 0..<3000 {
            var token = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0...token.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !token.isEmpty: token.remove(at: min(position, token.count - 1))
                case 1: token.insert(specials.randomElement(using: &random)!, at: position)
                case 2 where !token.isEmpty: token[min(position, token.count - 1)] = UInt8.random(in: 0...255, using: &random)
                default: token = Array(token[..<position])
                }
            }
            var server = SASLDigestMD5Server(users: Self.users, nonce: transcript.nonce)
            _ = server.evaluate(response: [])
            if case .challenge = server.evaluate(response: token) { Issue.record("second token gave a challenge") }
        }
    }
}
