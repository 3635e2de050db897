import ZKDataTree
import ZKProtocol

/// Zab's SNAP state transfer, as Apache's LearnerHandler sends it after a
/// SNAP packet on the quorum port: the body of a snapshot file (sessions,
/// ACL cache, nodes in pre-order, the path "/") followed by the jute string
/// "BenWasHere". There is no file header, no Adler32 seal, no digest or
/// lastProcessedZxid trailer, and no length prefix: a receiver finds the
/// end only by walking the records (`SnapStreamScanner`).
public enum SnapStream {
    /// The string that closes the stream (Apache checks it and gives up
    /// the sync when it is missing).
    public static let signature: [UInt8] = Array("BenWasHere".utf8)

    /// The stream for `tree` and `sessions`.
    public static func encode(tree: DataTree, sessions: [SessionID: Int32]) -> [UInt8] {
        var stream = SealedStream()
        var output = MemoryOutput()
        // Memory output cannot fail.
        try? SnapshotWriter.encodeBody(tree: tree, sessions: sessions, into: &stream, output: &output)
        stream.buffer.appendJuteBytes(ZNodePath.root)
        stream.buffer.appendJuteBytes(signature)
        try? stream.drain(into: &output)
        return output.bytes
    }

    /// Decodes a whole stream (as `SnapStreamScanner` delimited it) into a
    /// snapshot at `zxid`, the SNAP packet's zxid.
    public static func decode(_ bytes: [UInt8], zxid: Zxid, extendedTypesEnabled: Bool) throws(StorageError) -> Snapshot {
        var parser = SnapshotParser(source: MemorySource(bytes: bytes), file: "SNAP state transfer")
        return try parser.parseSnapStream(zxid: zxid, extendedTypesEnabled: extendedTypesEnabled)
    }
}

/// Finds where a SNAP state transfer ends in bytes that arrive in pieces,
/// without decoding it: it steps over each record by its length fields, and
/// resumes where it stopped when more bytes come. Linear in the stream's
/// size however it is cut.
public struct SnapStreamScanner: Sendable {
    /// What the scanner accepts.
    public struct Limits: Sendable, Hashable {
        /// Largest single buffer or string in the stream (a node's data or
        /// path, an ACL id), in bytes: Apache's jute.maxbuffer plus its
        /// extra size, as for every quorum packet field.
        public var maxFieldBytes: Int
        /// Largest whole stream, in bytes. Apache has no limit; this one
        /// keeps a hostile or broken leader from filling memory.
        public var maxStreamBytes: Int

        /// 2 MiB fields, 8 GiB streams.
        public static let defaults = Limits(maxFieldBytes: 0xfffff + 0xfffff, maxStreamBytes: 8 << 30)

        public init(maxFieldBytes: Int, maxStreamBytes: Int) {
            self.maxFieldBytes = maxFieldBytes
            self.maxStreamBytes = maxStreamBytes
        }
    }

    /// Why the bytes cannot be a SNAP stream.
    public struct Malformed: Error, Hashable, Sendable, CustomStringConvertible {
        /// The byte offset in the stream where the problem is.
        public var offset: Int
        public var reason: String
        public var description: String { "malformed SNAP state transfer at byte \(offset): \(reason)" }
    }

    private enum Phase: Sendable, Hashable {
        case sessionCount
        case sessions(left: Int)
        case aclCount
        case aclEntry(left: Int)
        case aclList(entriesLeft: Int, aclsLeft: Int)
        case nodePath
        case nodeRest
        case signature
        case done
    }

    public let limits: Limits
    private var phase = Phase.sessionCount
    /// How far the records are walked.
    private var position = 0

    public init(limits: Limits = .defaults) {
        self.limits = limits
    }

    /// The stream's length once `bytes` (everything received since the SNAP
    /// packet, in order; bytes after the stream may follow) holds all of
    /// it, else nil: call again with more. Throws on bytes that cannot be a
    /// stream or pass a limit.
    public mutating func scan(_ bytes: [UInt8]) throws(Malformed) -> Int? {
        while true {
            switch phase {
            case .done:
                return position
            case .sessionCount:
                guard let count = try count(bytes, "session count", bytesEach: 12) else { return nil }
                phase = .sessions(left: count)
            case .sessions(let left):
                guard try have(bytes, left * 12) else { return nil }
                position += left * 12
                phase = .aclCount
            case .aclCount:
                guard let count = try count(bytes, "ACL cache size", bytesEach: 12) else { return nil }
                phase = .aclEntry(left: count)
            case .aclEntry(let left):
                if left == 0 { phase = .nodePath; continue }
                guard try have(bytes, 12) else { return nil }
                position += 8
                guard let acls = try count(bytes, "ACL list length", bytesEach: 12) else { return nil }
                phase = .aclList(entriesLeft: left, aclsLeft: acls)
            case .aclList(let entriesLeft, let aclsLeft):
                if aclsLeft == 0 { phase = .aclEntry(left: entriesLeft - 1); continue }
                // perms, scheme, id: walked as one unit.
                var probe = position + 4
                guard try have(bytes, 4), try skipField(bytes, at: &probe, "ACL scheme"),
                      try skipField(bytes, at: &probe, "ACL id") else { return nil }
                position = probe
                phase = .aclList(entriesLeft: entriesLeft, aclsLeft: aclsLeft - 1)
            case .nodePath:
                var probe = position
                guard let isEnd = try pathIsTerminator(bytes, at: &probe) else { return nil }
                position = probe
                phase = isEnd ? .signature : .nodeRest
            case .nodeRest:
                // data, ACL id (8), StatPersisted (60).
                var probe = position
                guard try skipField(bytes, at: &probe, "node data") else { return nil }
                guard try have(bytes, probe - position + 68) else { return nil }
                position = probe + 68
                phase = .nodePath
            case .signature:
                var probe = position
                guard try skipField(bytes, at: &probe, "signature") else { return nil }
                position = probe
                phase = .done
            }
            guard position <= limits.maxStreamBytes else {
                throw Malformed(offset: position, reason: "the stream passes its limit of \(limits.maxStreamBytes) bytes")
            }
        }
    }

    private func have(_ bytes: [UInt8], _ count: Int) throws(Malformed) -> Bool {
        bytes.count - position >= count
    }

    private func int32(_ bytes: [UInt8], at offset: Int) -> Int32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int32($1) }
    }

    /// Reads a count at `position` (and moves past it); nil when not all here.
    private mutating func count(_ bytes: [UInt8], _ what: String, bytesEach: Int) throws(Malformed) -> Int? {
        guard try have(bytes, 4) else { return nil }
        let value = int32(bytes, at: position)
        guard value >= 0, Int(value) <= limits.maxStreamBytes / bytesEach else {
            throw Malformed(offset: position, reason: "\(what) \(value) is invalid")
        }
        position += 4
        return Int(value)
    }

    /// Moves `offset` past a jute buffer (length, bytes; -1 is null); false
    /// when not all of it is here.
    private func skipField(_ bytes: [UInt8], at offset: inout Int, _ what: String) throws(Malformed) -> Bool {
        guard bytes.count - offset >= 4 else { return false }
        let length = int32(bytes, at: offset)
        guard length >= -1, Int(length) <= limits.maxFieldBytes else {
            throw Malformed(offset: offset, reason: "\(what) length \(length) is invalid (limit \(limits.maxFieldBytes) bytes)")
        }
        let size = 4 + max(0, Int(length))
        guard bytes.count - offset >= size else { return false }
        offset += size
        return true
    }

    /// Moves past a node path; true when it is "/", which ends the nodes.
    private func pathIsTerminator(_ bytes: [UInt8], at offset: inout Int) throws(Malformed) -> Bool? {
        let start = offset
        guard try skipField(bytes, at: &offset, "node path") else { return nil }
        return offset - start == 5 && bytes[start + 4] == 0x2f
    }
}
