import Testing
import ZKProtocol
@testable import ZKServerCore

private func create(_ path: String, mode: CreateMode = .persistent) -> ZKRequest {
    .create(CreateRequest(path: JuteBytes(path), data: JuteBytes(""), acl: ACL.openACLUnsafe, flags: mode.code))
}

private func children(_ reply: (header: ReplyHeader, body: ZKResponse?)?) -> [String] {
    guard case .getChildren(let response)? = reply?.body else { return [] }
    return (response.children ?? []).map { String(decoding: $0.bytesOrEmpty, as: UTF8.self) }
}

/// Sorted child lists kept between getChildren calls: every change to the
/// children shows in the next listing, and the memory stays within its limit.
struct ChildListingCacheTests {
    static let many = ChildListingCache.minimumChildren + 200

    /// A core with /big holding `many` children (c00000, c00001, ...).
    static func bigNode(_ configure: (inout CoreConfig) -> Void = { _ in }) -> CoreHarness {
        var h = CoreHarness(configure)
        h.connect(1)
        h.send(1, create("/big"))
        for i in 0..<many { h.send(1, create("/big/c" + String(format: "%05d", i))) }
        return h
    }

    @Test func aRepeatedListingIsKeptAndEqualsAFreshOne() {
        var h = Self.bigNode()
        let first = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(first.count == Self.many)
        #expect(first == first.sorted())
        #expect(h.core.frontEnd.childListings.count == 1)
        let second = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(second == first)
        #expect(h.core.frontEnd.childListings.hits == 1)
        // getChildren2 and multiRead's getChildren use the same listing.
        guard case .getChildren2(let two)? = h.send(1, .getChildren2(GetChildren2Request(path: "/big", watch: false)))?.body else {
            Issue.record("no getChildren2 reply")
            return
        }
        #expect(two.children?.count == Self.many && two.stat.numChildren == Int32(Self.many))
        #expect(h.core.frontEnd.childListings.hits == 2)
    }

    @Test func everyKindOfChildChangeShowsInTheNextListing() {
        var h = Self.bigNode()
        h.connect(2)
        _ = h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false)))
        // A create.
        h.send(1, create("/big/zz-new"))
        var listed = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(listed.count == Self.many + 1 && listed.last == "zz-new")
        // A delete.
        h.send(1, .delete(DeleteRequest(path: "/big/c00000", version: -1)))
        listed = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(listed.count == Self.many && listed.first == "c00001")
        // An ephemeral that goes with its session's close.
        h.send(2, create("/big/eph", mode: .ephemeral))
        listed = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(listed.contains("eph"))
        h.send(2, .closeSession)
        listed = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(!listed.contains("eph") && listed.count == Self.many)
        // A multi that deletes one child and creates another.
        h.send(1, .multi(MultiRequest(ops: [
            .delete(.delete, DeleteRequest(path: "/big/c00001", version: -1)),
            .create(.create, CreateRequest(path: "/big/m", data: JuteBytes(""), acl: ACL.openACLUnsafe, flags: CreateMode.persistent.code)),
        ])))
        listed = children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false))))
        #expect(listed.count == Self.many && !listed.contains("c00001") && listed.contains("m"))
        #expect(listed == listed.sorted())
    }

    @Test func theCacheKeepsWithinItsLimitAndZeroKeepsNothing() {
        // Room for about one listing of /big.
        var h = Self.bigNode { $0.limits.childListingCacheBytes = 40_000 }
        h.send(1, create("/big2"))
        for i in 0..<Self.many { h.send(1, create("/big2/d" + String(format: "%05d", i))) }
        _ = h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false)))
        _ = h.send(1, .getChildren(GetChildrenRequest(path: "/big2", watch: false)))
        #expect(h.core.frontEnd.childListings.count == 1)
        #expect(h.core.frontEnd.childListings.bytes <= 40_000)
        #expect(children(h.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false)))).count == Self.many)

        var off = Self.bigNode { $0.limits.childListingCacheBytes = 0 }
        #expect(children(off.send(1, .getChildren(GetChildrenRequest(path: "/big", watch: false)))).count == Self.many)
        #expect(off.core.frontEnd.childListings.count == 0)
    }

    @Test func aSmallListingIsNotKept() {
        var h = CoreHarness()
        h.connect(1)
        h.send(1, create("/small"))
        for i in 0..<10 { h.send(1, create("/small/s\(i)")) }
        #expect(children(h.send(1, .getChildren(GetChildrenRequest(path: "/small", watch: false)))).count == 10)
        #expect(h.core.frontEnd.childListings.count == 0)
    }

    @Test func maxClientCnxnsCountsOpensAndClosesPerAddress() {
        var h = CoreHarness { $0.maxClientConnectionsPerHost = 2 }
        let here = ClientAddress(bytes: [10, 0, 0, 1], host: "10.0.0.1", port: 1)
        let there = ClientAddress(bytes: [10, 0, 0, 2], host: "10.0.0.2", port: 1)
        var actions: [CoreAction] = []
        h.core.connectionOpened(1, address: here, now: h.now, actions: &actions)
        h.core.connectionOpened(2, address: here, now: h.now, actions: &actions)
        h.core.connectionOpened(3, address: there, now: h.now, actions: &actions)
        #expect(actions.isEmpty)
        h.core.connectionOpened(4, address: here, now: h.now, actions: &actions)
        #expect(actions.count == 1)
        h.core.connectionClosed(1, now: h.now)
        actions = []
        h.core.connectionOpened(5, address: here, now: h.now, actions: &actions)
        #expect(actions.isEmpty)
    }
}
