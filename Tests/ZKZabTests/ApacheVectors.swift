import NIOCore

// Golden vectors made by Apache ZooKeeper's own classes from Debian's jar
// (3.8.0): FastLeaderElection.buildMsg, QuorumCnxManager.InitialMessage.parse,
// the jute QuorumPacket/LearnerInfo/TxnHeader serialisers, Util.marshallTxnEntry,
// Leader.buildInformAndActivePacket and java.util.Random. Regenerate with
// `scripts/zab/golden-vectors.sh`; the lines below are its output, unedited.
enum ApacheVectors {
    static let lines: [String] = [
        "notification.looking 000000000000000000000003000000010000000200000000000000010000000000000001000000020000005f7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a76657273696f6e3d30",
        "notification.leading 000000020000000000000002000000050000000700000000000000090000000000000005000000020000005f7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a76657273696f6e3d30",
        "notification.observer 0000000380000000000000008000000000000000000000000000000480000000000000000000000200000000",
        "notification.legacy40 00000001000000000000000700000003000000010000000000000002000000000000000300000001",
        "initial.parsed ffffffffffff000000000000000000020000000e3132372e302e302e313a33383838 sid=2 addresses=1",
        "initial.parsed ffffffffffff000000000000000000020000000b5b3a3a315d3a3233353331 sid=2 addresses=1",
        "initial.parsed ffffffffffff000100000000000000020000001e3132372e302e302e313a32333533317c31302e302e302e323a3233353331 sid=2 addresses=2",
        "initial.parsed ffffffffffff000000000000000000020000000c302e302e302e303a33383838 sid=2 addresses=0",
        "initial.rejected 127.0.0.1 rejected",
        "initial.rejected 127.0.0.1:notaport rejected",
        "initial.rejected [::1] rejected",
        "quorum.followerinfo 0000000b0000000100000000000000140000000000000002000100000000000000000000ffffffff",
        "quorum.observerinfo 000000100000000300000000000000140000000000000004000100000000000100000000ffffffff",
        "quorum.leaderinfo 0000001100000002000000000000000400010000ffffffff",
        "quorum.ackepoch 0000001200000001000000030000000400000001ffffffff",
        "quorum.ackepoch.already 00000012000000020000000000000004ffffffffffffffff",
        "quorum.newleader 0000000a00000002000000000000005f7365727665722e313d3132372e302e302e313a32333532313a32333533313a7061727469636970616e740a7365727665722e323d3132372e302e302e313a32333532323a32333533323a7061727469636970616e740a76657273696f6e3d30ffffffff",
        "quorum.diff 0000000d0000000100000005ffffffffffffffff",
        "quorum.trunc 0000000e0000000100000004ffffffffffffffff",
        "quorum.snap 0000000f0000000100000005ffffffffffffffff",
        "quorum.uptodate 0000000cffffffffffffffffffffffffffffffff",
        "quorum.ack 000000030000000200000001ffffffffffffffff",
        "quorum.commit 000000040000000200000001ffffffffffffffff",
        "quorum.sync 000000070000000000000000ffffffffffffffff",
        "quorum.ping.leader 000000050000000200000005ffffffffffffffff",
        "quorum.ping.reply 000000050000000200000005000000180100000000000001000075300200017f3a2b000000000fa0ffffffff",
        "quorum.ping.reply.empty 00000005000000020000000500000000ffffffff",
        "quorum.revalidate.request 00000006ffffffffffffffff0000000c010000000000000100007530ffffffff",
        "quorum.revalidate.response 00000006ffffffffffffffff00000009010000000000000101ffffffff",
        "quorum.request.create 00000001ffffffffffffffff000000420200017f3a2b00000000000700000001000000062f70726f62650000000568656c6c6f000000010000001f00000005776f726c6400000006616e796f6e650000000000000001000000026970000000093132372e302e302e31",
        "quorum.request.sync 00000001ffffffffffffffff000000150200017f3a2b00000000000800000009000000012f00000000",
        "quorum.proposal.create 0000000200000001000000020000005f0100014d113b00000000000100000001000000020000019ab697e80000000001000000062f70726f62650000000568656c6c6f000000010000001f00000005776f726c6400000006616e796f6e6500000000010000000200000001d67af7ddffffffff",
        "quorum.proposal.createsession 000000020000000100000001000000300100014d113b00000000000000000001000000010000019ab697e800fffffff600007530000000020000000051c6d660ffffffff",
        "quorum.proposal.setdata.nodigest 000000020000000100000003000000340100014d113b00000000000200000001000000030000019ab697e80100000005000000062f70726f626500000002010200000001ffffffff",
        "quorum.inform.create 0000000800000001000000020000005f0100014d113b00000000000100000001000000020000019ab697e80000000001000000062f70726f62650000000568656c6c6f000000010000001f00000005776f726c6400000006616e796f6e6500000000010000000200000001d67af7ddffffffff",
        "quorum.commitandactivate 000000090000000100000009000000080000000000000003ffffffff",
        "quorum.informandactivate 0000001300000001000000030000003c00000000000000030100014d113b00000000000200000001000000030000019ab697e80100000005000000062f70726f626500000002010200000001ffffffff",
        "auth.success 5f2435013501edcc0000000100000003010203",
        "auth.inprogress.null 5f2435013501edcc00000000ffffffff",
        "password 100000000000000 f22acd4a97e69d6d20a49bb638eadb38",
        "password 1000a1b2c3d0000 99540115b2ac339b9f3f41ba4b39270b",
        "password 300017f3a2b0001 6ad3b3b53896f321826130c47581c791",
        "password 0 f22acd4a97e69d6d20a49bb638eadb38",
        "password ffffffffffffffff 20f62cb5648dc2d771471c8a2486a9ee",
        "password 8000000000000001 054cc74a37327db215e702e20c73f005",
        "random.seed42.nextInt -1170105035,234785527,-1360544799,205897768,1325939940,",
        "random.seed-7.nextBytes7 8c2ae544838bc8",
    ]

    /// The hex of the vector named `name` (the second field of its line).
    static func hex(_ name: String) -> String {
        for line in lines {
            let fields = line.split(separator: " ")
            if fields.first.map(String.init) == name { return String(fields[1]) }
        }
        return ""
    }

    /// The bytes of the vector named `name`.
    static func bytes(_ name: String) -> [UInt8] { fromHex(hex(name)) }

    /// Every line whose name starts with `prefix`, as (name, bytes).
    static func all(_ prefix: String) -> [(name: String, bytes: [UInt8])] {
        lines.compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0].hasPrefix(prefix) else { return nil }
            return (String(fields[0]), fromHex(String(fields[1])))
        }
    }
}

/// Bytes from a hex string; spaces are ignored.
func fromHex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace }.utf8)
    var bytes: [UInt8] = []
    var index = 0
    while index + 1 < digits.count {
        let pair = String(decoding: digits[index...index + 1], as: UTF8.self)
        bytes.append(UInt8(pair, radix: 16) ?? 0)
        index += 2
    }
    return bytes
}

/// Lower-case hex of `bytes`.
func toHex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// The readable bytes of a buffer.
func bytesOf(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }
