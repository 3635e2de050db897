import Testing
import ZKProtocol
import ZKServerCore

/// Drives a ServerCore through its public `step`, holding the log: each
/// Ready is what one step produced, and nothing is durable until the test
/// says so.
private struct Stepper {
    var core = ServerCore(config: CoreConfig(), now: Now(monotonicNanos: 1_000_000_000, wallMillis: 1_700_000_000_000))
    var now = Now(monotonicNanos: 1_000_000_000, wallMillis: 1_700_000_000_000)
    var nextXid: [ConnectionID: Int32] = [:]

    mutating func step(_ input: CoreInput) -> Ready {
        core.step(input, now: now)
    }

    mutating func advance(millis: UInt64) {
        now.monotonicNanos += millis * 1_000_000
        now.wallMillis += Int64(millis)
    }

    /// Opens `id` and makes its session durable; returns the session id.
    mutating func connect(_ id: ConnectionID, timeoutMillis: Int32 = 10000) -> Int64 {
        _ = step(.connectionOpened(id, address: ClientAddress(bytes: [127, 0, 0, 1], host: "127.0.0.1", port: 5000 + Int(id.raw))))
        let logged = step(.connect(id, ConnectRequest(lastZxidSeen: 0, timeOut: timeoutMillis, sessionId: 0,
                                                      passwd: JuteBytes([UInt8](repeating: 0, count: 16)))))
        guard let last = logged.toLog.last else { return 0 }
        for case .send(id, .connectResponse(let response)) in step(.durable(upTo: Zxid(raw: last.header.zxid))).toSend {
            return response.sessionId
        }
        return 0
    }

    /// Sends `request` on `id`; returns its xid and the Ready of that step.
    mutating func send(_ id: ConnectionID, _ request: ZKRequest) -> (xid: Int32, ready: Ready) {
        let xid = nextXid[id, default: 1]
        nextXid[id] = xid + 1
        return (xid, step(.request(id, xid: xid, opCode: request.opCode, body: .success(request), receivedNanos: nil)))
    }
}

private func createRequest(_ path: String) -> ZKRequest {
    .create(CreateRequest(path: JuteBytes(path), data: "", acl: ACL.openACLUnsafe, flags: 0))
}

/// Where in `toSend` a reply to `xid` on `id` is, with its error.
private func reply(_ ready: Ready, _ id: ConnectionID, xid: Int32) -> (index: Int, err: ZKError)? {
    for (i, action) in ready.toSend.enumerated() {
        if case .send(id, .reply(let header, _)) = action, header.xid == xid { return (i, header.err) }
    }
    return nil
}

@Suite("Ready")
struct ReadyTests {
    @Test func aCreateGoesOutAsToLogAndItsReplyOnlyAfterDurable() throws {
        var s = Stepper()
        _ = s.connect(1)
        let (xid, logged) = s.send(1, createRequest("/a"))
        #expect(logged.toLog.count == 1)
        let entry = try #require(logged.toLog.first)
        #expect(entry.header.type == .create)
        guard case .create(let txn) = entry.body else {
            Issue.record("expected a create, got \(entry.body)")
            return
        }
        #expect(txn.path == "/a")
        #expect(logged.toSend.isEmpty, "no reply before the create is durable")
        #expect(s.core.tree.node(Array("/a".utf8)) == nil)

        let applied = s.step(.durable(upTo: Zxid(raw: entry.header.zxid)))
        #expect(applied.toLog.isEmpty)
        #expect(reply(applied, 1, xid: xid)?.err == .ok)
        #expect(s.core.tree.node(Array("/a".utf8)) != nil)
    }

    @Test func committedIsSetByTheStepThatApplied() throws {
        var s = Stepper()
        _ = s.connect(1)
        let (_, first) = s.send(1, createRequest("/a"))
        let (_, second) = s.send(1, createRequest("/b"))
        #expect(first.committed == nil && second.committed == nil)
        let firstZxid = Zxid(raw: try #require(first.toLog.first).header.zxid)
        let secondZxid = Zxid(raw: try #require(second.toLog.first).header.zxid)
        #expect(secondZxid == firstZxid.next, "toLog continues in zxid order from step to step")

        #expect(s.step(.durable(upTo: firstZxid)).committed == firstZxid)
        let read = s.send(1, .exists(ExistsRequest(path: "/a", watch: false))).ready
        #expect(read.committed == nil, "a read applies nothing")
        #expect(s.step(.durable(upTo: firstZxid)).isEmpty, "reporting the same zxid again does nothing")
        let both = s.step(.durable(upTo: secondZxid))
        #expect(both.committed == secondZxid)
        #expect(both.toSend.count == 2, "the second create's reply, then the read queued behind it")
    }

    @Test func aWatchEventPrecedesTheReplyThatShowsItsChange() throws {
        var s = Stepper()
        _ = s.connect(1)
        let watched = s.send(1, .exists(ExistsRequest(path: "/w", watch: true)))
        #expect(reply(watched.ready, 1, xid: watched.xid)?.err == .noNode)
        let (xid, logged) = s.send(1, createRequest("/w"))
        let ready = s.step(.durable(upTo: Zxid(raw: try #require(logged.toLog.last).header.zxid)))
        let eventIndex = try #require(ready.toSend.firstIndex {
            if case .send(1, .notification(_, let event)) = $0 { return event.type == .nodeCreated && event.path == "/w" }
            return false
        })
        let replyIndex = try #require(reply(ready, 1, xid: xid)).index
        #expect(eventIndex < replyIndex)
    }

    @Test func aCloseFollowsTheRepliesBeforeIt() throws {
        var s = Stepper()
        _ = s.connect(1)
        let create = s.send(1, createRequest("/a"))
        let read = s.send(1, .exists(ExistsRequest(path: "/a", watch: false)))
        #expect(read.ready.toSend.isEmpty, "the read waits behind the session's write")
        let close = s.send(1, .closeSession)
        let last = try #require(close.ready.toLog.last)
        #expect(last.header.type == .closeSession)
        let ready = s.step(.durable(upTo: Zxid(raw: last.header.zxid)))
        let replies = [create.xid, read.xid, close.xid].map { reply(ready, 1, xid: $0) }
        #expect(replies.map { $0?.err } == [.ok, .ok, .ok])
        #expect(replies.map { $0?.index } == [0, 1, 2])
        #expect(ready.toSend.count == 4)
        guard case .close(1, _) = ready.toSend.last else {
            Issue.record("expected the close last, got \(ready.toSend)")
            return
        }
        #expect(ready.committed == Zxid(raw: last.header.zxid))
    }

    @Test func logFailedAnswersTheWaitingWritesWithErrors() throws {
        var s = Stepper()
        _ = s.connect(1)
        let durable = s.core.committed.lastProcessedZxid
        let first = s.send(1, createRequest("/lost"))
        let second = s.send(1, createRequest("/lost2"))
        let read = s.send(1, .exists(ExistsRequest(path: "/", watch: false)))
        let ready = s.step(.logFailed(after: durable, reason: "disk full"))
        #expect(ready.toLog.isEmpty)
        #expect(ready.committed == nil)
        #expect(reply(ready, 1, xid: first.xid)?.err == .systemError)
        #expect(reply(ready, 1, xid: second.xid)?.err == .systemError)
        #expect(reply(ready, 1, xid: read.xid)?.err == .ok, "the read behind them runs")
        #expect(ready.toSend.count == 3)
        // Writes are refused at once until the log recovers.
        let refused = s.send(1, createRequest("/refused"))
        #expect(refused.ready.toLog.isEmpty)
        #expect(reply(refused.ready, 1, xid: refused.xid)?.err == .systemError)
        #expect(s.step(.logRecovered).isEmpty)
        #expect(s.send(1, createRequest("/again")).ready.toLog.count == 1)
    }

    @Test func tickWithAnExpiredSessionLogsACloseSession() throws {
        var s = Stepper()
        let session = s.connect(1, timeoutMillis: 4000)
        #expect(session != 0)
        #expect(s.step(.tick).toLog.isEmpty)
        s.advance(millis: 10_000)
        let ready = s.step(.tick)
        let close = try #require(ready.toLog.first)
        #expect(close.header.type == .closeSession)
        #expect(close.header.clientId == session)
        #expect(ready.toSend.isEmpty, "the connection closes when the closeSession is durable")
        let applied = s.step(.durable(upTo: Zxid(raw: close.header.zxid)))
        guard case .close(1, _) = applied.toSend.last else {
            Issue.record("expected the connection closed, got \(applied.toSend)")
            return
        }
    }

    @Test func stepIntoAppendsAndRemoveAllKeepsCapacity() throws {
        var s = Stepper()
        _ = s.connect(1)
        var kept = Ready()
        #expect(kept.isEmpty)
        for (xid, path) in zip(Int32(1)..., ["/a", "/b", "/c"]) {
            s.core.step(.request(1, xid: xid, opCode: .create, body: .success(createRequest(path)), receivedNanos: nil),
                        now: s.now, into: &kept)
        }
        let zxids = kept.toLog.map(\.header.zxid)
        #expect(zxids.count == 3 && zxids == zxids.sorted())
        let capacity = kept.toLog.capacity
        kept.removeAll(keepingCapacity: true)
        #expect(kept.isEmpty)
        #expect(kept.toLog.capacity == capacity)
        let last = try #require(zxids.last)
        s.core.step(.durable(upTo: Zxid(raw: last)), now: s.now, into: &kept)
        #expect(kept.committed == Zxid(raw: last))
        #expect(kept.toSend.count == 3)
    }

    @Test func adminActionsComeOutAsAReady() throws {
        var s = Stepper()
        let session = s.connect(1)
        _ = s.connect(2)
        var ready = Ready()
        #expect(s.core.closeConnections(fromHost: "127.0.0.1", into: &ready) == "closed 2 connections from 127.0.0.1\n")
        #expect(ready.toSend.map(\.connection).sorted() == [1, 2])
        #expect(ready.toLog.isEmpty)
        ready.removeAll()
        #expect(s.core.expireSession(SessionID(raw: session), now: s.now, into: &ready) == "session \(SessionID(raw: session)) expired\n")
        #expect(ready.toLog.map(\.header.type) == [.closeSession])
        #expect(ready.toSend.isEmpty)
        #expect(ready.warnings.count == 1)
    }
}
