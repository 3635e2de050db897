import HashTreeCollections

extension DataTree {
    /// The tree's znodes by path: a persistent hash map keyed by `ZNodeKey`,
    /// read and written with `[UInt8]` paths.
    ///
    /// Copying it (for a snapshot) is O(1), and later changes copy only the
    /// paths they touch, so a snapshot never stalls the state loop (see
    /// DECISIONS.md).
    public struct Nodes: Sequence, Sendable {
        var storage = TreeDictionary<ZNodeKey, DataNode>()

        init() {}

        /// The node at `path`. Setting goes through in place, so changing a
        /// node's child set does not copy it.
        public internal(set) subscript(path: [UInt8]) -> DataNode? {
            get { storage[ZNodeKey(path)] }
            _modify { yield &storage[ZNodeKey(path)] }
        }

        /// Sets the node at `path` and returns the one it replaced.
        @discardableResult
        mutating func updateValue(_ node: DataNode, forKey path: [UInt8]) -> DataNode? {
            storage.updateValue(node, forKey: ZNodeKey(path))
        }

        /// Removes the node at `path` and returns it.
        @discardableResult
        mutating func removeValue(forKey path: [UInt8]) -> DataNode? {
            storage.removeValue(forKey: ZNodeKey(path))
        }

        public var count: Int { storage.count }
        public var isEmpty: Bool { storage.isEmpty }

        /// Every path, in no particular order.
        public var keys: LazyMapSequence<TreeDictionary<ZNodeKey, DataNode>.Keys, [UInt8]> {
            storage.keys.lazy.map(\.bytes)
        }

        /// Every node, in no particular order.
        public var values: TreeDictionary<ZNodeKey, DataNode>.Values { storage.values }

        public func makeIterator() -> Iterator { Iterator(base: storage.makeIterator()) }

        /// The (path, node) pairs, in no particular order.
        public struct Iterator: IteratorProtocol {
            var base: TreeDictionary<ZNodeKey, DataNode>.Iterator

            public mutating func next() -> (key: [UInt8], value: DataNode)? {
                base.next().map { ($0.key.bytes, $0.value) }
            }
        }
    }
}
