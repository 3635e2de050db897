import Testing
import ZKProtocol
@testable import ZKServerCore

private func create(_ path: String, mode: CreateMode = .persistent) -> ZKRequest {
    .create(CreateRequest(path: JuteBytes(path), data: "", acl: ACL.openACLUnsafe, flags: mode.code))
}

private func warnings(_ actions: [CoreAction]) -> [String] {
    actions.compactMap { if case .warn(let message) = $0 { return message }; return nil }
}

@Suite("Per-session limits")
struct SessionLimitsTests {
    @Test func aWatchPastTheSessionsLimitIsRefusedWithQuotaExceededAndAWarning() throws {
        var h = CoreHarness { $0.limits.watchesPerSession = 2 }
        let connected = h.connect(1)
        let session = try #require(connected).sessionId
        h.send(1, create("/a"))
        h.send(1, create("/b"))
        #expect(h.send(1, .getData(GetDataRequest(path: "/a", watch: true)))?.header.err == .ok)
        #expect(h.send(1, .getChildren(GetChildrenRequest(path: "/a", watch: true)))?.header.err == .ok)
        // Watching what it watches already adds nothing, so it is allowed.
        #expect(h.send(1, .exists(ExistsRequest(path: "/a", watch: true)))?.header.err == .ok)
        #expect(warnings(h.actions).isEmpty)
        #expect(h.send(1, .getData(GetDataRequest(path: "/b", watch: true)))?.header.err == .quotaExceeded)
        let warning = try #require(warnings(h.actions).first)
        #expect(warning.contains(hex(session)) && warning.contains("swiftzk.maxWatchesPerSession=2"))
        #expect(h.send(1, .addWatch(AddWatchRequest(path: "/b", mode: AddWatchMode.persistentRecursive.code)))?.header.err == .quotaExceeded)
        #expect(h.send(1, .exists(ExistsRequest(path: "/missing", watch: true)))?.header.err == .quotaExceeded)
        // Reads without a watch go on, and nothing was registered.
        #expect(h.send(1, .getData(GetDataRequest(path: "/b", watch: false)))?.header.err == .ok)
        #expect(h.core.watches.watchCount(of: 1) == 2)
        // A fired watch frees its slot.
        h.send(1, .setData(SetDataRequest(path: "/a", data: "x", version: -1)))
        #expect(h.send(1, .getData(GetDataRequest(path: "/b", watch: true)))?.header.err == .ok)
    }

    @Test func setWatchesPastTheLimitSetsWhatFitsAndAnswersQuotaExceeded() {
        var h = CoreHarness { $0.limits.watchesPerSession = 1 }
        h.connect(1)
        h.send(1, create("/a"))
        h.send(1, create("/b"))
        let zxid = h.core.tree.lastProcessedZxid
        let reply = h.send(1, .setWatches(SetWatches(relativeZxid: zxid, dataWatches: ["/a", "/b"], existWatches: [], childWatches: [])))
        #expect(reply?.header.err == .quotaExceeded)
        #expect(h.core.watches.watchCount(of: 1) == 1)
        #expect(warnings(h.actions).count == 1)
    }

    @Test func anEphemeralPastTheSessionsLimitIsRefusedWithQuotaExceededAndAWarning() throws {
        var h = CoreHarness { $0.limits.ephemeralsPerSession = 2 }
        let connected = h.connect(1)
        let session = try #require(connected).sessionId
        h.connect(2)
        #expect(h.send(1, create("/e1", mode: .ephemeral))?.header.err == .ok)
        #expect(h.send(1, create("/e", mode: .ephemeralSequential))?.header.err == .ok)
        #expect(h.send(1, create("/e3", mode: .ephemeral))?.header.err == .quotaExceeded)
        let warning = try #require(warnings(h.actions).first)
        #expect(warning.contains(hex(session)) && warning.contains("swiftzk.maxEphemeralsPerSession=2"))
        // Persistent nodes and other sessions are not held to it.
        #expect(h.send(1, create("/p"))?.header.err == .ok)
        #expect(h.send(2, create("/other", mode: .ephemeral))?.header.err == .ok)
        // Inside a multi the op fails and the multi with it.
        let multi = h.send(1, .multi(MultiRequest(ops: [.create(.create, CreateRequest(path: "/m", data: "", acl: ACL.openACLUnsafe, flags: CreateMode.ephemeral.code))])))
        #expect(multi?.body == .multi(MultiResponse(results: [.error(.quotaExceeded)])))
        // Deleting one makes room.
        #expect(h.send(1, .delete(DeleteRequest(path: "/e1", version: -1)))?.header.err == .ok)
        #expect(h.send(1, create("/e3", mode: .ephemeral))?.header.err == .ok)
    }

    @Test func withBothLimitsAtZeroNothingIsRefused() {
        var h = CoreHarness()
        #expect(h.core.config.limits.watchesPerSession == 0 && h.core.config.limits.ephemeralsPerSession == 0)
        h.connect(1)
        for i in 0..<200 {
            #expect(h.send(1, create("/e\(i)", mode: .ephemeral))?.header.err == .ok)
            #expect(h.send(1, .getData(GetDataRequest(path: JuteBytes("/e\(i)"), watch: true)))?.header.err == .ok)
            #expect(h.send(1, .getChildren(GetChildrenRequest(path: JuteBytes("/e\(i)"), watch: true)))?.header.err == .ok)
        }
        #expect(h.core.watches.watchCount(of: 1) == 400)
        #expect(warnings(h.actions).isEmpty)
    }
}
