import NIOCore
import Testing
@testable import ZKProtocol

/// Encodes `value` with `encode`, decodes it back with `decode`, and checks
/// that the value and the bytes survive and that decoding used every byte.
private func checkRoundTrip<T: Equatable>(
    _ value: T, seed: UInt64,
    encode: (T, inout ByteBuffer) -> Void,
    decode: (inout JuteReader) throws(JuteError) -> T,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var buffer = ByteBuffer()
    encode(value, &buffer)
    var reader = JuteReader(buffer)
    do {
        let decoded = try decode(&reader)
        #expect(decoded == value, "seed \(seed)", sourceLocation: sourceLocation)
        #expect(reader.isAtEnd, "seed \(seed): \(reader.remaining) bytes left over", sourceLocation: sourceLocation)
        var again = ByteBuffer()
        encode(decoded, &again)
        #expect(again == buffer, "seed \(seed): re-encoding differs", sourceLocation: sourceLocation)
    } catch {
        Issue.record("seed \(seed): \(error)", sourceLocation: sourceLocation)
    }
}

private func roundTripMany<T: JuteRecord & Arbitrary>(_ type: T.Type, count: Int = 300) {
    for seed in 0..<UInt64(count) {
        var g = Gen(seed: seed &* 7919 &+ UInt64(String(describing: T.self).utf8.count))
        let value = T.arbitrary(&g)
        checkRoundTrip(value, seed: seed, encode: { $0.encode(to: &$1) }, decode: { (r: inout JuteReader) throws(JuteError) in try T(from: &r) })
    }
}

@Suite("Round trips over generated values")
struct RoundTripTests {
    @Test("every record of zookeeper.jute", arguments: allGeneratedRecordTypes.map { TypeBox($0) })
    func generatedRecord(_ box: TypeBox) {
        roundTripMany(box.type)
    }

    @Test func connectRequest() { roundTripMany(ConnectRequest.self) }
    @Test func connectResponse() { roundTripMany(ConnectResponse.self) }
    @Test func multiRequest() { roundTripMany(MultiRequest.self) }
    @Test func multiResponse() { roundTripMany(MultiResponse.self) }
    @Test func requestPacket() { roundTripMany(RequestPacket.self, count: 2000) }

    @Test func responseBodies() {
        for seed in 0..<UInt64(2000) {
            var g = Gen(seed: seed)
            let value = OpResponse.arbitrary(&g)
            checkRoundTrip(
                value.response, seed: seed, encode: { $0.encode(to: &$1) },
                decode: { (r: inout JuteReader) throws(JuteError) in try ZKResponse(opCode: value.opCode, from: &r) })
        }
    }

    @Test func transactionBodies() {
        for seed in 0..<UInt64(2000) {
            var g = Gen(seed: seed)
            let value = TypedTxn.arbitrary(&g)
            checkRoundTrip(
                value.body, seed: seed, encode: { $0.encode(to: &$1) },
                decode: { (r: inout JuteReader) throws(JuteError) in try TxnBody(type: value.type, from: &r) })
        }
    }

    @Test("every enum case keeps its code", arguments: [
        OpCode.allCases.map(\.code), ZKError.allCases.map(\.code), EventType.allCases.map(\.code),
        KeeperState.allCases.map(\.code), CreateMode.allCases.map(\.code),
    ])
    func enumCodes(_ codes: [Int32]) {
        #expect(Set(codes).count == codes.count, "duplicate codes")
    }

    @Test func unknownEnumValuesAreExplicit() {
        for code in [Int32.min, -1000, 77, 999, Int32.max] {
            #expect(OpCode(code: code) == .unrecognized(code))
            #expect(OpCode(code: code).code == code)
            #expect(ZKError(code: code).code == code)
            #expect(EventType(code: code).code == code)
            #expect(KeeperState(code: code).code == code)
        }
        #expect(OpCode(code: 1) == .create)
        #expect(ZKError(code: -101) == .noNode)
        #expect(ZKError(code: -110) == .nodeExists)
        #expect(EventType(code: 4) == .nodeChildrenChanged)
        #expect(KeeperState(code: -112) == .expired)
    }

    @Test func nullSurvivesButDiffersFromEmpty() throws {
        let withNull = GetDataResponse(data: .null, stat: Stat(czxid: 1, mzxid: 2, ctime: 3, mtime: 4, version: 5, cversion: 6, aversion: 7, ephemeralOwner: 8, dataLength: 0, numChildren: 0, pzxid: 9))
        var withEmpty = withNull
        withEmpty.data = JuteBytes([])
        #expect(withNull.encodedBytes.prefix(4) == [0xff, 0xff, 0xff, 0xff])
        #expect(withEmpty.encodedBytes.prefix(4) == [0, 0, 0, 0])
        #expect(try GetDataResponse(decoding: withNull.encodedBytes) == withNull)
        #expect(try GetDataResponse(decoding: withEmpty.encodedBytes) == withEmpty)
        let nullVector = GetChildrenResponse(children: nil)
        #expect(nullVector.encodedBytes == [0xff, 0xff, 0xff, 0xff])
        #expect(try GetChildrenResponse(decoding: nullVector.encodedBytes) == nullVector)
    }

    @Test func connectRequestWithoutReadOnlyFlag() throws {
        // Old clients stop after the password; the record must not demand the flag.
        let old = ConnectRequest(lastZxidSeen: 5, timeOut: 30000, sessionId: 0, passwd: JuteBytes([UInt8](repeating: 0, count: 16)), readOnly: nil)
        #expect(old.encodedBytes.count == 4 + 8 + 4 + 8 + 4 + 16)
        #expect(try ConnectRequest(decoding: old.encodedBytes) == old)
        let new = ConnectRequest(lastZxidSeen: 5, timeOut: 30000, sessionId: 0, passwd: JuteBytes([UInt8](repeating: 0, count: 16)), readOnly: true)
        #expect(new.encodedBytes.count == old.encodedBytes.count + 1)
        #expect(try ConnectRequest(decoding: new.encodedBytes).readOnly == true)
    }
}

/// Wraps a record type so it can be a parameterised test argument.
struct TypeBox: CustomStringConvertible, Sendable {
    let type: any (JuteRecord & Arbitrary).Type
    init(_ type: any (JuteRecord & Arbitrary).Type) { self.type = type }
    var description: String { String(describing: type) }
}
