import Foundation
import NIOCore
import Testing
@testable import ZKProtocol

/// Frames captured from real clients talking to Apache ZooKeeper 3.8 (see
/// Tests/Fixtures/README.md). Every frame must decode, and re-encode to the
/// identical bytes.
struct CapturedConnection: CustomStringConvertible, Sendable {
    struct Frame: Sendable {
        var fromClient: Bool
        var payload: [UInt8]
        var line: Int
    }
    var name: String
    var frames: [Frame]
    var description: String { name }

    static let directory: String = {
        // Tests/ZKProtocolTests/GoldenWireTests.swift → Tests/Fixtures/wire
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures/wire"
    }()

    static func all() -> [CapturedConnection] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".frames") && !$0.hasPrefix("4lw-") }.sorted().compactMap(load)
    }

    static func load(_ name: String) -> CapturedConnection? {
        guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else { return nil }
        var frames: [Frame] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("C ") || line.hasPrefix("S ") else { continue }
            let bytes = hexBytes(line.dropFirst(2))
            // Each line holds a whole frame: 4-byte length, then the payload.
            frames.append(Frame(fromClient: line.hasPrefix("C"), payload: Array(bytes.dropFirst(4)), line: index + 1))
        }
        return CapturedConnection(name: name, frames: frames)
    }

    static func hexBytes(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(nibble(high) << 4 | nibble(low)))
        }
        return bytes
    }

    static func nibble(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        default: return Int(c - UInt8(ascii: "a")) + 10
        }
    }
}

/// What a captured connection held, counted while checking it.
struct WireTally {
    var requestOps: [OpCode: Int] = [:]
    var replyOps: [OpCode: Int] = [:]
    var errors: [ZKError: Int] = [:]
    var notifications = 0
}

/// Decodes, re-encodes and cross-checks one captured connection.
func checkCapture(_ connection: CapturedConnection) throws -> WireTally {
    var tally = WireTally()
    var pending: [Int32: OpCode] = [:]
    var sawConnect = false
    var sawConnectResponse = false
    for frame in connection.frames {
        let where_ = "\(connection.name):\(frame.line)"
        if frame.fromClient {
            if !sawConnect {
                let request = try ConnectRequest(decoding: frame.payload)
                #expect(request.encodedBytes == frame.payload, "\(where_): ConnectRequest re-encoding")
                #expect(request.protocolVersion == 0, "\(where_)")
                #expect(request.passwd.count == 16, "\(where_)")
                sawConnect = true
                continue
            }
            let packet = try RequestPacket(decoding: frame.payload)
            #expect(packet.encodedBytes == frame.payload, "\(where_): \(packet.request.opCode) re-encoding")
            pending[packet.xid] = packet.request.opCode
            tally.requestOps[packet.request.opCode, default: 0] += 1
        } else {
            if !sawConnectResponse {
                let response = try ConnectResponse(decoding: frame.payload)
                #expect(response.encodedBytes == frame.payload, "\(where_): ConnectResponse re-encoding")
                #expect(response.readOnly == false, "\(where_)")
                sawConnectResponse = true
                continue
            }
            var reader = JuteReader(ByteBuffer(bytes: frame.payload))
            let header = try ReplyHeader(from: &reader)
            var encoded = ByteBuffer()
            header.encode(to: &encoded)
            if header.xid == SpecialXid.notification {
                let event = try WatcherEvent(from: &reader)
                event.encode(to: &encoded)
                #expect(event.state == .syncConnected, "\(where_)")
                #expect(event.path.bytes?.first == UInt8(ascii: "/"), "\(where_)")
                tally.notifications += 1
            } else {
                let opCode: OpCode
                switch header.xid {
                case SpecialXid.ping: opCode = .ping
                case SpecialXid.auth: opCode = .auth
                case SpecialXid.setWatches: opCode = pending[header.xid] ?? .setWatches
                default:
                    guard let op = pending.removeValue(forKey: header.xid) else {
                        Issue.record("\(where_): reply to unknown xid \(header.xid)")
                        continue
                    }
                    opCode = op
                }
                tally.replyOps[opCode, default: 0] += 1
                if header.err == .ok {
                    let response = try ZKResponse(opCode: opCode, from: &reader)
                    response.encode(to: &encoded)
                } else {
                    tally.errors[header.err, default: 0] += 1
                }
            }
            #expect(reader.isAtEnd, "\(where_): \(reader.remaining) bytes left after the reply")
            #expect(Array(encoded.readableBytesView) == frame.payload, "\(where_): reply re-encoding")
        }
    }
    #expect(sawConnect && sawConnectResponse, "\(connection.name): no handshake")
    return tally
}

@Suite("Golden bytes from real clients and Apache ZooKeeper 3.8")
struct GoldenWireTests {
    @Test("every captured frame decodes and re-encodes identically", arguments: CapturedConnection.all())
    func capture(_ connection: CapturedConnection) throws {
        _ = try checkCapture(connection)
    }

    @Test func capturesCoverTheClientOperations() throws {
        var requests: [OpCode: Int] = [:]
        var replies: [OpCode: Int] = [:]
        var errors: Set<ZKError> = []
        var notifications = 0
        let all = CapturedConnection.all()
        #expect(all.count >= 15)
        for connection in all {
            let tally = try checkCapture(connection)
            requests.merge(tally.requestOps, uniquingKeysWith: +)
            replies.merge(tally.replyOps, uniquingKeysWith: +)
            errors.formUnion(tally.errors.keys)
            notifications += tally.notifications
        }
        let expected: [OpCode] = [
            .create, .create2, .createContainer, .createTTL, .delete, .exists, .getData, .setData, .getACL, .setACL,
            .getChildren, .getChildren2, .getAllChildrenNumber, .getEphemerals, .sync, .multi, .multiRead,
            .setWatches, .setWatches2, .addWatch, .removeWatches, .checkWatches, .auth, .whoAmI, .reconfig,
            .closeSession, .ping,
        ]
        for op in expected {
            #expect(requests[op, default: 0] > 0, "no \(op) request captured")
            #expect(replies[op, default: 0] > 0, "no \(op) reply captured")
        }
        #expect(notifications > 0)
        for error in [ZKError.noNode, .nodeExists, .badVersion, .notEmpty, .noAuth, .reconfigDisabled] {
            #expect(errors.contains(error), "no \(error) reply captured")
        }
    }

    @Test func kazooHandshakeFields() throws {
        let connection = try #require(CapturedConnection.load("kazoo-main.frames"))
        let request = try ConnectRequest(decoding: connection.frames[0].payload)
        #expect(request.lastZxidSeen == 0)
        #expect(request.timeOut == 4000)
        #expect(request.sessionId == 0)
        #expect(request.readOnly == false)
        let response = try ConnectResponse(decoding: connection.frames[1].payload)
        #expect(response.timeOut == 4000)
        #expect(response.sessionId != 0)
        #expect(response.passwd.count == 16)
        // The first request creates /kazoo with data "kazoo-root" and the open ACL.
        let create = try RequestPacket(decoding: connection.frames[2].payload)
        #expect(create.xid == 1)
        guard case .create(let body) = create.request else {
            Issue.record("expected a create, got \(create.request.opCode)")
            return
        }
        #expect(body.path == "/kazoo")
        #expect(body.data == "kazoo-root")
        #expect(body.acl == ACL.openACLUnsafe)
        #expect(body.flags == 0)
        let reply = try ReplyHeader(decoding: connection.frames[3].payload)
        #expect(reply.xid == 1)
        #expect(reply.err == .ok)
        #expect(reply.zxid > 0)
    }
}
