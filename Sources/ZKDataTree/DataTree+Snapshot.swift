import ZKProtocol

// Taking a tree apart for a snapshot and putting it back together, in the
// order Apache's DataTree.serializeNode writes nodes: pre-order from the
// root, each node before its children.

extension DataTree {
    /// Why nodes read from a snapshot do not form a tree.
    public enum SnapshotLoadError: Error, Hashable, Sendable, CustomStringConvertible {
        /// A node came before its parent (or its parent is absent).
        case missingParent(path: [UInt8])
        /// The same path came twice.
        case duplicatePath(path: [UInt8])
        /// A path that is neither the root nor starts with "/".
        case invalidPath(path: [UInt8])
        /// The snapshot held no root node.
        case missingRoot

        public var description: String {
            switch self {
            case .missingParent(let path): return "node \(display(path)) has no parent before it"
            case .duplicatePath(let path): return "node \(display(path)) appears twice"
            case .invalidPath(let path): return "invalid node path \(display(path))"
            case .missingRoot: return "no root node"
            }
        }

        private func display(_ path: [UInt8]) -> String { "\"" + String(decoding: path, as: UTF8.self) + "\"" }
    }

    /// Assembles a tree from nodes in snapshot order, one node at a time, so
    /// a reader can report exactly where a bad node was.
    ///
    /// The root may be given as "" (how Apache writes it) or "/". Each node's
    /// `childPaths` is ignored: children are rebuilt from the paths.
    public struct SnapshotLoader: Sendable {
        private var tree: DataTree
        private var sawRoot = false

        /// An empty loader for a server with or without TTL nodes.
        public init(extendedTypesEnabled: Bool) {
            tree = DataTree(extendedTypesEnabled: extendedTypesEnabled)
            tree.nodes = Nodes()
        }

        /// Adds the next node. Its parent must already have been added.
        public mutating func add(path: [UInt8], node: DataNode) throws(SnapshotLoadError) {
            var node = node
            node.childPaths = []
            if path.isEmpty || path == ZNodePath.root {
                guard !sawRoot else { throw .duplicatePath(path: ZNodePath.root) }
                sawRoot = true
                tree.nodes[ZNodePath.root] = node
                return
            }
            guard path.first == 0x2f, let parentPath = ZNodePath.parent(of: path) else {
                throw .invalidPath(path: path)
            }
            // One lookup each for the parent and the node: the tree is
            // dropped on an error, so what was changed before does not matter.
            guard tree.nodes[parentPath]?.childPaths.insert(ZNodeKey(path)).inserted != nil else {
                throw .missingParent(path: path)
            }
            guard tree.nodes.updateValue(node, forKey: path) == nil else { throw .duplicatePath(path: path) }
            // As Apache's DataTree.deserialize: containers, TTLs, and any
            // other non-zero owner is a session.
            switch tree.ephemeralOwnerType(node.stat.ephemeralOwner) {
            case .container: tree.containers.insert(path)
            case .ttl: tree.ttls.insert(path)
            case .session(let session): tree.ephemerals[session, default: []].insert(path)
            case .none: break
            }
        }

        /// The assembled tree. Quota paths are found and their
        /// `zookeeper_stats` nodes recounted, as Apache's setupQuota does
        /// after loading a snapshot.
        public func finish(lastProcessedZxid: Int64) throws(SnapshotLoadError) -> DataTree {
            guard sawRoot else { throw .missingRoot }
            var tree = self.tree
            tree.lastProcessedZxid = lastProcessedZxid
            tree.setUpQuotasAfterLoad()
            return tree
        }
    }

    /// A tree rebuilt from `(path, node)` pairs in snapshot order.
    public init(
        snapshotNodes: some Sequence<(path: [UInt8], node: DataNode)>,
        lastProcessedZxid: Int64,
        extendedTypesEnabled: Bool
    ) throws(SnapshotLoadError) {
        var loader = SnapshotLoader(extendedTypesEnabled: extendedTypesEnabled)
        for (path, node) in snapshotNodes {
            try loader.add(path: path, node: node)
        }
        self = try loader.finish(lastProcessedZxid: lastProcessedZxid)
    }

    /// Every node in the order a snapshot stores them: pre-order from the
    /// root, children sorted by bytes so equal trees give equal files. The
    /// root's path is "/"; a snapshot writer writes it as "".
    public var snapshotNodes: SnapshotNodes { SnapshotNodes(tree: self) }

    /// The nodes of a tree in snapshot order (see `DataTree.snapshotNodes`).
    public struct SnapshotNodes: Sequence, Sendable {
        let tree: DataTree

        /// An iterator from the root.
        public func makeIterator() -> Iterator { Iterator(tree: tree) }

        /// Walks the tree depth-first with an explicit stack, so deep trees
        /// cannot overflow the call stack.
        public struct Iterator: IteratorProtocol, Sendable {
            let tree: DataTree
            var stack: [[UInt8]]

            init(tree: DataTree) {
                self.tree = tree
                self.stack = tree.nodes[ZNodePath.root] == nil ? [] : [ZNodePath.root]
            }

            /// The next node and its path, or nil after the last.
            public mutating func next() -> (path: [UInt8], node: DataNode)? {
                while let path = stack.popLast() {
                    guard let node = tree.nodes[path] else { continue }
                    // Pushed in reverse so the smallest child comes out first.
                    // Siblings share the parent's prefix, so paths sort as
                    // their names do.
                    let children = node.childPaths.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }
                    stack.append(contentsOf: children.reversed())
                    return (path, node)
                }
                return nil
            }
        }
    }

    /// Apache's setupQuota: every leaf `.../zookeeper_limits` under
    /// /zookeeper/quota names a quota'd path, and that path's
    /// `zookeeper_stats` node is rewritten with the subtree's real count and
    /// bytes (its stat is left alone).
    mutating func setUpQuotasAfterLoad() {
        quotaPaths = []
        let prefix = ZNodePath.quota + [0x2f]
        let suffix = [0x2f] + Quotas.limitNode
        // Walk only the /zookeeper/quota subtree, not the whole tree.
        var quotaNodes: [[UInt8]] = []
        var stack = [ZNodePath.quota]
        while let next = stack.popLast() {
            guard let node = nodes[next] else { continue }
            if node.childPaths.isEmpty { quotaNodes.append(next) }
            stack.append(contentsOf: node.childPaths.lazy.map(\.bytes))
        }
        for path in quotaNodes where path.starts(with: prefix) && path.ends(with: suffix) {
            // Apache cuts at the first "/zookeeper_limits" after the prefix.
            guard let cut = path.firstIndex(ofSubsequence: suffix, from: ZNodePath.quota.count) else { continue }
            let target = Array(path[ZNodePath.quota.count..<cut])
            guard !target.isEmpty else { continue }
            quotaPaths.insert(target)
        }
        for target in quotaPaths {
            let statPath = Quotas.statPath(target)
            guard nodes[statPath] != nil else { continue }
            let (count, bytes) = usage(of: target)
            var stats = StatsTrack()
            stats.count = count
            stats.bytes = bytes
            nodes[statPath]?.data = JuteBytes(stats.text)
        }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }

    func firstIndex(ofSubsequence needle: [UInt8], from start: Int) -> Int? {
        guard needle.count <= count else { return nil }
        var index = start
        while index + needle.count <= count {
            if self[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
