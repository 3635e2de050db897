import NIOCore
import Testing
import ZKZab

@Suite("Election port: initial message")
struct ElectionInitialMessageTests {
    // Reference doc §1.2, computed with Debian 3.8.0.
    static let docV1 = "ffffffffffff0000 0000000000000002 0000000e 3132372e302e302e313a33383838"

    @Test func encodesTheReferenceDocV1Vector() {
        let message = ElectionInitialMessage.v1(sid: 2, address: ElectionAddress(host: "127.0.0.1", port: 3888))
        #expect(toHex(message.encodedBytes) == toHex(fromHex(Self.docV1)))
    }

    @Test func decodesTheReferenceDocV1Vector() throws {
        let message = try ElectionInitialMessage(decoding: fromHex(Self.docV1))
        #expect(message.protocolVersion == .v1)
        #expect(message.sid == 2)
        #expect(message.addresses == [ElectionAddress(host: "127.0.0.1", port: 3888)])
    }

    /// Every message Apache's own InitialMessage.parse accepted, with the
    /// address count it kept (it drops wildcards).
    @Test(arguments: ApacheVectors.lines.filter { $0.hasPrefix("initial.parsed") })
    func decodesWhatApacheAccepts(line: String) throws {
        let fields = line.split(separator: " ")
        let bytes = fromHex(String(fields[1]))
        let kept = Int(fields[3].dropFirst("addresses=".count)) ?? -1
        let message = try ElectionInitialMessage(decoding: bytes)
        #expect(message.sid == 2)
        #expect(message.connectableAddresses.count == kept)
        #expect(message.encodedBytes == bytes)
    }

    @Test func ipv6AddressesTravelInBrackets() throws {
        let message = try ElectionInitialMessage(decoding: ApacheVectors.all("initial.parsed")[1].bytes)
        #expect(message.addresses == [ElectionAddress(host: "::1", port: 23531)])
        #expect(message.addressText == "[::1]:23531")
    }

    @Test func v2CarriesSeveralAddresses() throws {
        let message = try ElectionInitialMessage(decoding: ApacheVectors.all("initial.parsed")[2].bytes)
        #expect(message.protocolVersion == .v2)
        #expect(message.addresses.map(\.text) == ["127.0.0.1:23531", "10.0.0.2:23531"])
    }

    @Test func wildcardAddressesAreNotConnectable() {
        #expect(ElectionAddress(host: "0.0.0.0", port: 1).isWildcard)
        #expect(ElectionAddress(host: "::", port: 1).isWildcard)
        #expect(ElectionAddress(host: "0:0:0:0:0:0:0:0", port: 1).isWildcard)
        #expect(!ElectionAddress(host: "127.0.0.1", port: 1).isWildcard)
        #expect(!ElectionAddress(host: "::1", port: 1).isWildcard)
    }

    @Test func aNonNegativeFirstLongIsALegacyBareSid() throws {
        let legacy = ElectionInitialMessage(protocolVersion: .legacy, sid: 5, addresses: [])
        #expect(legacy.encodedBytes == [0, 0, 0, 0, 0, 0, 0, 5])
        let decoded = try ElectionInitialMessage(decoding: legacy.encodedBytes)
        #expect(decoded == legacy)
    }

    @Test func theObserverIdIsKeptForTheShellToReplace() throws {
        let message = ElectionInitialMessage.v1(sid: ElectionInitialMessage.observerID, address: ElectionAddress(host: "h", port: 1))
        #expect(try ElectionInitialMessage(decoding: message.encodedBytes).sid == Int64.max)
    }

    @Test func decodesIncrementallyAndConsumesNothingUntilComplete() throws {
        let bytes = fromHex(Self.docV1) + [0xAA]
        var buffer = ByteBuffer()
        var decoded: ElectionInitialMessage?
        for (index, byte) in bytes.enumerated() {
            buffer.writeInteger(byte)
            decoded = try ElectionInitialMessage.decode(from: &buffer)
            if decoded != nil {
                #expect(index == bytes.count - 2)
                break
            }
            #expect(buffer.readableBytes == index + 1)
        }
        #expect(decoded?.sid == 2)
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [Int64(-2), -65537, -65534, Int64.min])
    func unknownNegativeVersionIsRefused(version: Int64) {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        #expect(throws: ZabWireError.unknownProtocolVersion(version)) {
            try ElectionInitialMessage.decode(from: &buffer)
        }
    }

    @Test(arguments: [Int32(0), -1, -2048, Int32.min])
    func nonPositiveAddressLengthIsRefused(length: Int32) {
        var buffer = ByteBuffer()
        buffer.writeInteger(ElectionInitialMessage.protocolVersionV1)
        buffer.writeInteger(Int64(2))
        buffer.writeInteger(length)
        #expect(throws: ZabWireError.negativeLength(message: "InitialMessage", field: "address", length: Int64(length))) {
            try ElectionInitialMessage.decode(from: &buffer)
        }
    }

    @Test func oversizeAddressIsRefusedBeforeItArrives() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(ElectionInitialMessage.protocolVersionV1)
        buffer.writeInteger(Int64(2))
        buffer.writeInteger(Int32(2049))
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "InitialMessage", field: "address", length: 2049, limit: 2048)) {
            try ElectionInitialMessage.decode(from: &buffer)
        }
        // 2048 is allowed: with no bytes yet it waits.
        var atLimit = ByteBuffer()
        atLimit.writeInteger(ElectionInitialMessage.protocolVersionV1)
        atLimit.writeInteger(Int64(2))
        atLimit.writeInteger(Int32(2048))
        #expect(try ElectionInitialMessage.decode(from: &atLimit) == nil)
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.1:notaport", "[::1]", "127.0.0.1:", ":3888", "host:65536",
                      "host:-1", "host:+80", "a:b:c", "[::1", "[::1]3888", "[]:3888", "host:1|"])
    func malformedAddressesAreRefused(text: String) {
        let message = ElectionInitialMessage(protocolVersion: .v1, sid: 2, addresses: [])
        var bytes = Array(message.encodedBytes.prefix(16))
        bytes += [0, 0, 0, UInt8(text.utf8.count)] + Array(text.utf8)
        #expect(throws: ZabWireError.self) {
            try ElectionInitialMessage(decoding: bytes)
        }
    }

    /// The three Apache refused in GoldenVectors.java are among the above.
    @Test func apacheRefusesTheSameAddresses() {
        let refused = ApacheVectors.lines.filter { $0.hasPrefix("initial.rejected") }
        #expect(refused.count == 3)
        #expect(refused.allSatisfy { $0.hasSuffix(" rejected") })
    }

    @Test func invalidUTF8AddressIsRefused() {
        var bytes = Array(fromHex(Self.docV1).prefix(16))
        bytes += [0, 0, 0, 3, 0xff, 0x3a, 0x31]
        #expect(throws: ZabWireError.badElectionAddress("\u{FFFD}:1")) {
            try ElectionInitialMessage(decoding: bytes)
        }
    }

    @Test func truncatedCompleteInputIsATypedError() {
        let bytes = Array(fromHex(Self.docV1).dropLast(3))
        #expect(throws: ZabWireError.truncated(message: "InitialMessage", field: "address", needed: 34, available: 31)) {
            try ElectionInitialMessage(decoding: bytes)
        }
    }
}

@Suite("Election port: notifications")
struct NotificationTests {
    static let config = Array("server.1=127.0.0.1:23521:23531:participant\nserver.2=127.0.0.1:23522:23532:participant\nversion=0".utf8)

    @Test func encodesTheReferenceDocVectorPrefix() {
        // Reference doc §1.2: LOOKING, leader 3, zxid 0x100000002, round 1, peerEpoch 1, 63-byte config.
        let config = [UInt8](repeating: 0x61, count: 63)
        let notification = Notification(state: .looking, leader: 3, zxid: 0x1_0000_0002, electionEpoch: 1, peerEpoch: 1, config: config)
        let expected = fromHex("00000000 0000000000000003 0000000100000002 0000000000000001 0000000000000001 00000002 0000003f") + config
        #expect(notification.encodedBytes == expected)
        #expect(notification.encodedBytes.count == 44 + 63)
    }

    @Test func matchesApacheBuildMsgWhileLooking() throws {
        let notification = Notification(state: .looking, leader: 3, zxid: 0x1_0000_0002, electionEpoch: 1, peerEpoch: 1, config: Self.config)
        #expect(toHex(notification.encodedBytes) == ApacheVectors.hex("notification.looking"))
        #expect(try Notification(decoding: ApacheVectors.bytes("notification.looking")) == notification)
    }

    @Test func matchesApacheBuildMsgWhileLeading() throws {
        let notification = Notification(state: .leading, leader: 2, zxid: 0x5_0000_0007, electionEpoch: 9, peerEpoch: 5, config: Self.config)
        #expect(toHex(notification.encodedBytes) == ApacheVectors.hex("notification.leading"))
        #expect(try Notification(decoding: ApacheVectors.bytes("notification.leading")) == notification)
    }

    @Test func matchesAnObserversNonVote() throws {
        let notification = Notification(state: .observing, leader: Vote.nonVoterValue, zxid: Vote.nonVoterValue, electionEpoch: 4, peerEpoch: Vote.nonVoterValue, config: [])
        #expect(toHex(notification.encodedBytes) == ApacheVectors.hex("notification.observer"))
        #expect(try Notification(decoding: ApacheVectors.bytes("notification.observer")) == notification)
    }

    @Test func readsApaches40ByteFormAsVersionZero() throws {
        let bytes = ApacheVectors.bytes("notification.legacy40")
        #expect(bytes.count == 40)
        let notification = try Notification(decoding: bytes)
        #expect(notification == Notification(state: .following, leader: 7, zxid: 0x3_0000_0001, electionEpoch: 2, peerEpoch: 3, version: 0, config: nil))
        let written = Notification(state: .following, leader: 7, zxid: 0x3_0000_0001, electionEpoch: 2, peerEpoch: 3, version: 0, config: nil)
        #expect(written.legacy40Bytes == bytes)
    }

    @Test func reads28ByteFormTakingPeerEpochFromTheZxid() throws {
        let old = Notification(state: .looking, leader: 1, zxid: 0x7_0000_0010, electionEpoch: 3, peerEpoch: 0, version: 0, config: nil)
        let bytes = old.legacy28Bytes
        #expect(bytes.count == 28)
        let decoded = try Notification(decoding: bytes)
        #expect(decoded.peerEpoch == 7)
        #expect(decoded.version == 0)
        #expect(decoded.config == nil)
    }

    @Test func versionOneHasNoConfigAndTrailingBytesAreIgnored() throws {
        var buffer = ByteBuffer(bytes: Notification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: nil).legacy40Bytes)
        buffer.writeBytes([0xde, 0xad]) // 42 bytes: the version field is read
        let decoded = try Notification(decoding: buffer)
        #expect(decoded.version == 1)
        #expect(decoded.config == nil)
        // A current message followed by bytes a later version might add.
        let current = Notification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: [0x41])
        #expect(try Notification(decoding: current.encodedBytes + [1, 2, 3]) == current)
    }

    @Test(arguments: [0, 1, 27])
    func underTwentyEightBytesIsRefused(count: Int) {
        #expect(throws: ZabWireError.truncated(message: "Notification", field: "electionEpoch", needed: 28, available: count)) {
            try Notification(decoding: [UInt8](repeating: 0, count: count))
        }
    }

    @Test func thirtySixBytesEndsInsideTheVersion() {
        let bytes = Array(Notification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: nil).legacy40Bytes.prefix(36))
        #expect(throws: ZabWireError.truncated(message: "Notification", field: "version", needed: 4, available: 0)) {
            try Notification(decoding: bytes)
        }
    }

    @Test(arguments: [Int32(4), -1, 99])
    func unknownStateIsRefused(state: Int32) {
        var bytes = Notification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: []).encodedBytes
        bytes.replaceSubrange(0..<4, with: withUnsafeBytes(of: state.bigEndian, Array.init))
        #expect(throws: ZabWireError.invalidValue(message: "Notification", field: "state", value: Int64(state))) {
            try Notification(decoding: bytes)
        }
    }

    private func withConfigLength(_ length: Int32, extra: Int = 0) -> [UInt8] {
        var bytes = Notification(state: .looking, leader: 1, zxid: 2, electionEpoch: 3, peerEpoch: 4, config: []).encodedBytes
        bytes.replaceSubrange(40..<44, with: withUnsafeBytes(of: length.bigEndian, Array.init))
        return bytes + [UInt8](repeating: 0x7a, count: extra)
    }

    @Test func negativeConfigLengthIsRefused() {
        #expect(throws: ZabWireError.negativeLength(message: "Notification", field: "config", length: -5)) {
            try Notification(decoding: withConfigLength(-5))
        }
    }

    @Test func configLengthAboveTheMessageSizeIsRefused() {
        // Apache's bound is the message's capacity (ZOOKEEPER's malformed-notification fix).
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "Notification", field: "config", length: 0x7fff_ffff, limit: 44)) {
            try Notification(decoding: withConfigLength(Int32.max))
        }
    }

    @Test func configCutShortIsTruncated() {
        #expect(throws: ZabWireError.truncated(message: "Notification", field: "config", needed: 10, available: 3)) {
            try Notification(decoding: withConfigLength(10, extra: 3))
        }
    }

    @Test func votesCarryTheNotificationFields() {
        let notification = Notification(state: .following, leader: 3, zxid: 9, electionEpoch: 2, peerEpoch: 1, config: nil)
        #expect(notification.vote == Vote(leader: 3, zxid: 9, electionEpoch: 2, peerEpoch: 1, state: .following, version: 2))
    }

    @Test func serverStatesHaveApachesOrdinals() {
        #expect(ServerState.allCases.map(\.rawValue) == [0, 1, 2, 3])
        #expect(ServerState.allCases.map(\.name) == ["LOOKING", "FOLLOWING", "LEADING", "OBSERVING"])
    }
}

@Suite("Election port: framing")
struct ElectionFramingTests {
    @Test func framesNotificationsWithTheirLength() throws {
        let notification = Notification(state: .looking, leader: 3, zxid: 0x1_0000_0002, electionEpoch: 1, peerEpoch: 1, config: NotificationTests.config)
        var stream = ByteBuffer()
        ElectionFraming.write(notification, into: &stream)
        ElectionFraming.write([1, 2, 3], into: &stream)
        let wire = bytesOf(stream)
        #expect(Array(wire.prefix(4)) == [0, 0, 0, UInt8(44 + NotificationTests.config.count)])
        var input = ByteBuffer()
        var messages: [ByteBuffer] = []
        for byte in wire {
            input.writeInteger(byte)
            while let message = try ElectionFraming.nextMessage(from: &input) { messages.append(message) }
        }
        #expect(messages.count == 2)
        #expect(try Notification(decoding: messages[0]) == notification)
        #expect(bytesOf(messages[1]) == [1, 2, 3])
    }

    @Test(arguments: [Int32(0), -1, Int32.min])
    func nonPositiveLengthIsRefused(length: Int32) {
        var input = ByteBuffer()
        input.writeInteger(length)
        #expect(throws: ZabWireError.negativeLength(message: "ElectionMessage", field: "length", length: Int64(length))) {
            try ElectionFraming.nextMessage(from: &input)
        }
    }

    @Test func lengthAbove512KiBIsRefusedBeforeThePayload() throws {
        var input = ByteBuffer()
        input.writeInteger(Int32(512 * 1024 + 1))
        #expect(throws: ZabWireError.lengthExceedsLimit(message: "ElectionMessage", field: "length", length: 524_289, limit: 524_288)) {
            try ElectionFraming.nextMessage(from: &input)
        }
        var atLimit = ByteBuffer()
        atLimit.writeInteger(Int32(512 * 1024))
        #expect(try ElectionFraming.nextMessage(from: &atLimit) == nil)
    }
}
