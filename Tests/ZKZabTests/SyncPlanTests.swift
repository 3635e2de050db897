import Testing
import ZKProtocol
@testable import ZKZab

/// A committed transaction for sync tests; `tag` tells histories apart.
func syncTxn(_ epoch: Int64, _ counter: Int64, tag: Int64 = 0) -> ProposalPayload {
    let zxid = ZxidMath.zxid(epoch: epoch, counter: counter)
    return ProposalPayload(
        header: TxnHeader(clientId: tag, cxid: Int32(truncatingIfNeeded: counter), zxid: zxid, time: tag, type: .error),
        body: .error(ErrorTxn(err: .ok)), digest: nil
    )
}

func zx(_ epoch: Int64, _ counter: Int64) -> Int64 { ZxidMath.zxid(epoch: epoch, counter: counter) }

struct SyncPlanTests {
    /// (1,1) (1,2) (1,3) | (2,1) (2,2); L = (2,2).
    static let window: SyncWindow = {
        let proposals = [syncTxn(1, 1), syncTxn(1, 2), syncTxn(1, 3), syncTxn(2, 1), syncTxn(2, 2)]
        do { return try SyncWindow(proposals: proposals, lastProcessedZxid: zx(2, 2)) } catch { preconditionFailure("test window: \(error)") }
    }()

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var peer: Int64
        var force = false
        var bug: PlantedSyncBug?
        var method: SyncMethod
        var zxid: Int64
        var sent: [Int64]
        var lastQueued: Int64
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "forceSnapshotSync sends SNAP at L", peer: zx(1, 2), force: true, method: .snap, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "peer at L gets an empty DIFF at its own zxid", peer: zx(2, 2), method: .diff, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "peer past max in max's epoch gets TRUNC(max)", peer: zx(2, 7), method: .trunc, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "peer past max in a later epoch gets SNAP, never a TRUNC across epochs", peer: zx(3, 2), method: .snap, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "peer past max at a new-epoch zxid gets SNAP (Apache's unhandled case)", peer: zx(3, 0), method: .snap, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "peer on an entry gets DIFF(max) and what follows", peer: zx(1, 2), method: .diff, zxid: zx(2, 2), sent: [zx(1, 3), zx(2, 1), zx(2, 2)], lastQueued: zx(2, 2)),
        Case(name: "peer on min gets DIFF(max) and the rest", peer: zx(1, 1), method: .diff, zxid: zx(2, 2), sent: [zx(1, 2), zx(1, 3), zx(2, 1), zx(2, 2)], lastQueued: zx(2, 2)),
        Case(name: "peer at a new-epoch zxid inside the window gets DIFF and everything after", peer: zx(2, 0), method: .diff, zxid: zx(2, 2), sent: [zx(2, 1), zx(2, 2)], lastQueued: zx(2, 2)),
        Case(name: "peer with a tail in an older epoch gets SNAP, not a TRUNC across the epoch", peer: zx(1, 5), method: .snap, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "the planted bug DIFFs that peer and keeps its tail", peer: zx(1, 5), bug: .leaderDiffsAcrossEpoch, method: .diff, zxid: zx(2, 2), sent: [zx(2, 1), zx(2, 2)], lastQueued: zx(2, 2)),
        Case(name: "peer before the window gets SNAP", peer: 0, method: .snap, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
        Case(name: "peer before the window at a new-epoch zxid gets SNAP", peer: zx(1, 0), method: .snap, zxid: zx(2, 2), sent: [], lastQueued: zx(2, 2)),
    ]

    @Test("the leader chooses DIFF, TRUNC or SNAP as Apache's syncFollower does", arguments: cases)
    func choice(_ c: Case) {
        let plan = SyncPlan.choose(peerLastZxid: c.peer, window: Self.window, forceSnapshot: c.force, plantedBug: c.bug)
        #expect(plan.method == c.method)
        #expect(plan.zxid == c.zxid)
        #expect(plan.proposals.map(\.header.zxid) == c.sent)
        #expect(plan.lastQueuedZxid == c.lastQueued)
    }

    @Test("an empty window is min = max = L: DIFF at L, TRUNC past it, SNAP before it")
    func emptyWindow() throws {
        let window = try SyncWindow(proposals: [], lastProcessedZxid: zx(1, 3))
        #expect(SyncPlan.choose(peerLastZxid: zx(1, 3), window: window).method == .diff)
        let trunc = SyncPlan.choose(peerLastZxid: zx(1, 5), window: window)
        #expect(trunc.method == .trunc && trunc.zxid == zx(1, 3))
        #expect(SyncPlan.choose(peerLastZxid: zx(1, 1), window: window).method == .snap)
        #expect(SyncPlan.choose(peerLastZxid: zx(2, 0), window: window).method == .snap)
        // A fresh ensemble: nothing anywhere, every learner gets an empty DIFF at 0.
        let fresh = try SyncWindow(proposals: [], lastProcessedZxid: 0)
        let diff = SyncPlan.choose(peerLastZxid: 0, window: fresh)
        #expect(diff.method == .diff && diff.zxid == 0 && diff.proposals.isEmpty)
    }

    @Test("a window with a hole is refused (ZOOKEEPER-4925), within an epoch and at an epoch's start")
    func holesRefused() {
        #expect(throws: SyncWindow.Problem.hole(previous: zx(1, 1), zxid: zx(1, 3))) {
            try SyncWindow(proposals: [syncTxn(1, 1), syncTxn(1, 3)], lastProcessedZxid: zx(1, 3))
        }
        #expect(throws: SyncWindow.Problem.hole(previous: zx(1, 2), zxid: zx(2, 2))) {
            try SyncWindow(proposals: [syncTxn(1, 1), syncTxn(1, 2), syncTxn(2, 2)], lastProcessedZxid: zx(2, 2))
        }
        #expect(throws: SyncWindow.Problem.hole(previous: zx(2, 1), zxid: zx(1, 5))) {
            try SyncWindow(proposals: [syncTxn(2, 1), syncTxn(1, 5)], lastProcessedZxid: zx(1, 5))
        }
        // An epoch with no transactions in between is no hole.
        #expect(throws: Never.self) {
            try SyncWindow(proposals: [syncTxn(1, 1), syncTxn(3, 1)], lastProcessedZxid: zx(3, 1))
        }
    }

    @Test("a window must end at L, and holds at most maxWindowProposals")
    func windowBounds() {
        #expect(throws: SyncWindow.Problem.endsBeforeLastProcessed(maxZxid: zx(1, 2), lastProcessedZxid: zx(1, 4))) {
            try SyncWindow(proposals: [syncTxn(1, 1), syncTxn(1, 2)], lastProcessedZxid: zx(1, 4))
        }
        let limits = SyncLimits(maxLearnerConnections: 4, maxWindowProposals: 2, maxPacketsBufferedDuringSync: 10)
        #expect(throws: SyncWindow.Problem.tooManyProposals(count: 3, limit: 2)) {
            try SyncWindow(proposals: [syncTxn(1, 1), syncTxn(1, 2), syncTxn(1, 3)], lastProcessedZxid: zx(1, 3), limits: limits)
        }
    }

    @Test("over a contiguous window no TRUNC is ever below the window's max, for every peer zxid")
    func truncNeverBelowMax() {
        for epoch in Int64(0)...3 {
            for counter in Int64(0)...8 {
                let plan = SyncPlan.choose(peerLastZxid: zx(epoch, counter), window: Self.window)
                if plan.method == .trunc { #expect(plan.zxid == Self.window.maxZxid) }
                if plan.method == .diff, let first = plan.proposals.first {
                    #expect(first.header.zxid > zx(epoch, counter))
                }
            }
        }
    }
}
