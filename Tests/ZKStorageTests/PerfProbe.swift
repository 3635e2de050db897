import Foundation
import SystemPackage
import Testing
import ZKDataTree
import ZKProtocol
import ZKStorage

// TEMPORARY measurement, removed before hand-off.
@Test func perfProbe() throws {
    guard ProcessInfo.processInfo.environment["ZKSTORAGE_PERF"] != nil else { return }
    try withTemporaryDirectory { root in
        let directory = DataDirectory(dataDir: FilePath(root))
        _ = try directory.recover(extendedTypesEnabled: false)
        var writer = directory.makeLogWriter()
        let count = 200_000
        let clock = ContinuousClock()
        var tree = DataTree()
        var tracker = DigestTracker(tree: tree)
        let payload = JuteBytes([UInt8](repeating: 0x61, count: 100))
        var elapsedApply = Duration.zero
        let start = clock.now
        for i in 1...count {
            let zxid = Int64(i)
            let header = TxnHeader(clientId: 1, cxid: Int32(i), zxid: zxid, time: 0, type: .create)
            let body = TxnBody.create(CreateTxn(path: JuteBytes("/n\(i % 50_000)/x\(i)".utf8.count > 0 ? "/p\(i)" : ""), data: payload, acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1))
            var triggers: [WatchTrigger] = []
            let t0 = clock.now
            _ = tracker.apply(header, body, to: &tree, triggers: &triggers)
            elapsedApply += clock.now - t0
            try writer.append(header: header, body: body, digest: tracker.txnDigest)
            if i % 1000 == 0 { try writer.sync() }
        }
        try writer.close()
        let written = clock.now - start
        let t1 = clock.now
        try directory.writeSnapshot(tree: tree, sessions: [:])
        let snap = clock.now - t1
        // Remove the snapshot to force full replay.
        let t2 = clock.now
        let s1 = try directory.recover(extendedTypesEnabled: false)
        let recoverFromSnapshot = clock.now - t2
        _ = Syscalls_unlinkSnapshot(root, zxid: Int64(count))
        let t3 = clock.now
        let s2 = try directory.recover(extendedTypesEnabled: false)
        let replayAll = clock.now - t3
        print("PERF count=\(count) write+apply+digest=\(written) (apply+digest \(elapsedApply)) snapshot=\(snap) recoverFromSnapshot=\(recoverFromSnapshot) replayAll=\(replayAll) nodes=\(s1.tree.nodeCount) \(s2.replayedTxnCount)")
    }
}

private func Syscalls_unlinkSnapshot(_ root: String, zxid: Int64) -> Bool {
    (try? FileManager.default.removeItem(atPath: root + "/version-2/snapshot." + String(zxid, radix: 16))) != nil
}
