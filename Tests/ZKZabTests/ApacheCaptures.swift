// Messages captured from a live 3-node ensemble of Debian's Apache ZooKeeper
// 3.8.0 on 127.0.0.1 (tickTime 500 ms), by `scripts/zab/capture-apache.sh`
// on 2026-12-04: capture.py, written from the reference doc and not from the
// Swift code, dialled each member as server 0 (which makes the member dial
// back with its own initial message) and as non-member server 9 (whose
// LOOKING notification the member answers with its vote), then joined the
// leader as non-voting follower 9 with an empty DIFF and watched a kazoo
// session create /probe, set it, revalidate, forward a sync and close.
// Session ids and times differ on every run; the tests check structure and
// consistency, not those values. The lines are the script's output, unedited.
enum ApacheCaptures {
    static let lines: [String] = [
        "capture.election.initial.1 ffffffffffff000000000000000000010000000f3132372e302e302e313a3233353331",
        "capture.election.reply.1 000000010000000000000003000000000000000000000000000000010000000000000001000000020000008a7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a7365727665722e333d3132372e302e302e313a32333532333a32333533333a7061727469636970616e740a76657273696f6e3d30",
        "capture.election.initial.2 ffffffffffff000000000000000000020000000f3132372e302e302e313a3233353332",
        "capture.election.reply.2 000000010000000000000003000000000000000000000000000000010000000000000001000000020000008a7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a7365727665722e333d3132372e302e302e313a32333532333a32333533333a7061727469636970616e740a76657273696f6e3d30",
        "capture.election.initial.3 ffffffffffff000000000000000000030000000f3132372e302e302e313a3233353333",
        "capture.election.reply.3 000000020000000000000003000000000000000000000000000000010000000000000001000000020000008a7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a7365727665722e333d3132372e302e302e313a32333532333a32333533333a7061727469636970616e740a76657273696f6e3d30",
        "capture.quorum.leaderinfo.1 0000001100000001000000000000000400010000ffffffff",
        "capture.quorum.diff.1 0000000d0000000100000000ffffffffffffffff",
        "capture.quorum.newleader.1 0000000a00000001000000000000008a7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a7365727665722e333d3132372e302e302e313a32333532333a32333533333a7061727469636970616e740a76657273696f6e3d30ffffffff",
        "capture.quorum.uptodate.1 0000000cffffffffffffffffffffffffffffffff",
        "capture.quorum.proposal.1 0000000200000001000000010000003003000126458a0000000000000000000100000001000001a242e9335afffffff600002710000000020000000051c6d660ffffffff",
        "capture.quorum.commit.1 000000040000000100000001ffffffffffffffff",
        "capture.quorum.ping.1 000000050000000100000001ffffffffffffffff",
        "capture.quorum.ping.2 000000050000000100000001ffffffffffffffff",
        "capture.quorum.ping.3 000000050000000100000001ffffffffffffffff",
        "capture.quorum.proposal.2 0000000200000001000000020000005f03000126458a0000000000010000000100000002000001a242e9358200000001000000062f70726f62650000000568656c6c6f000000010000001f00000005776f726c6400000006616e796f6e650000000001000000020000000215c5efd0ffffffff",
        "capture.quorum.commit.2 000000040000000100000002ffffffffffffffff",
        "capture.quorum.proposal.3 0000000200000001000000030000004303000126458a0000000000020000000100000003000001a242e935a900000005000000062f70726f626500000005776f726c640000000100000002000000021232ffcaffffffff",
        "capture.quorum.commit.3 000000040000000100000003ffffffffffffffff",
        "capture.quorum.ping.4 000000050000000100000003ffffffffffffffff",
        "capture.quorum.ping.5 000000050000000100000003ffffffffffffffff",
        "capture.session.id 03000126458a0000",
        "capture.session.password e42c772ea126d8c162e4299e52920017",
        "capture.quorum.revalidate.1 00000006ffffffffffffffff0000000903000126458a000001ffffffff",
        "capture.quorum.sync.1 000000070000000000000000ffffffffffffffff",
        "capture.quorum.proposal.4 0000000200000001000000040000003003000126458a0000000000030000000100000004000001a242e93e20fffffff50000000000000002000000021232ffcaffffffff",
        "capture.quorum.commit.4 000000040000000100000004ffffffffffffffff",
    ]

    /// The bytes captured under `name`.
    static func bytes(_ name: String) -> [UInt8] {
        for line in lines {
            let fields = line.split(separator: " ")
            if fields.first.map(String.init) == name { return fromHex(String(fields[1])) }
        }
        return []
    }

    /// Every capture whose name starts with `prefix`, in capture order.
    static func all(_ prefix: String) -> [(name: String, bytes: [UInt8])] {
        lines.compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2, fields[0].hasPrefix(prefix) else { return nil }
            return (String(fields[0]), fromHex(String(fields[1])))
        }
    }
}
