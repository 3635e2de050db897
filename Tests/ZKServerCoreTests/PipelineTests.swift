import Testing
import ZKProtocol
@testable import ZKServerCore

@Suite("Per-connection request queue")
struct PipelineTests {
    @Test func thousandsOfPipelinedReadsBehindAWriteAreAnsweredInOrder() throws {
        var h = CoreHarness()
        h.connect(1)
        h.holdLog = true
        h.send(1, .create(CreateRequest(path: "/w", data: "", acl: ACL.openACLUnsafe, flags: 0)))
        let zxid = try #require(h.actions.compactMap { action -> Int64? in
            if case .log(let header, _) = action { return header.zxid }
            return nil
        }.first)
        for _ in 0..<5000 { h.send(1, .exists(ExistsRequest(path: "/w", watch: false))) }
        h.actions = []
        h.core.durable(upTo: Zxid(raw: zxid), now: h.now, actions: &h.actions)
        let replies = h.actions.compactMap { action -> ReplyHeader? in
            if case .send(1, .reply(let header, _)) = action { return header }
            return nil
        }
        #expect(replies.map(\.xid) == Array(1...5001))
        #expect(replies.allSatisfy { $0.err == .ok })
        #expect(h.core.connections[1]?.queue.isEmpty == true)
    }
}
