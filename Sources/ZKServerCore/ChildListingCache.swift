import DequeModule
import ZKDataTree
import ZKProtocol

/// Sorted child lists of nodes with many children, kept between getChildren
/// calls.
///
/// The tree keeps a node's children as a set, so each listing sorts them:
/// for 50,000 children that is some 800,000 comparisons and 100,000 small
/// arrays per call. A client asking for that listing over and over kept the
/// state loop busy for seconds (issue #11's unread-replies check). Apache
/// copies a hash set instead and answers in its order; SwiftZK answers in
/// byte order, so a repeated listing is kept here.
///
/// An entry is dropped when a committed transaction changes the node's
/// children or removes the node (`invalidate`, from the watch triggers every
/// apply produces), and is used only while the node's creation zxid, child
/// version, pzxid and child count are those it was made from. Entries are
/// kept for nodes with at least `minimumChildren` children, within
/// `limitBytes` in total (the names' bytes plus 16 per name), oldest out
/// first.
struct ChildListingCache: Sendable {
    /// The node a listing was made from.
    struct Validator: Equatable, Sendable {
        var czxid: Int64
        var cversion: Int32
        var pzxid: Int64
        var numChildren: Int32

        init(_ stat: Stat) {
            czxid = stat.czxid
            cversion = stat.cversion
            pzxid = stat.pzxid
            numChildren = stat.numChildren
        }
    }

    private struct Entry: Sendable {
        var validator: Validator
        var children: [JuteBytes]
        var bytes: Int
        /// When it was stored: its place in `order`.
        var sequence: Int
    }

    /// Listings shorter than this are cheap to make and are not kept.
    static let minimumChildren = 1_000

    /// `swiftzk.childListingCacheBytes` (0: nothing is kept).
    let limitBytes: Int
    private var entries: [[UInt8]: Entry] = [:]
    /// Paths in the order they were stored, for eviction. A place whose
    /// sequence is not its entry's is stale (removed or stored again).
    private var order: Deque<(path: [UInt8], sequence: Int)> = []
    private var nextSequence = 0
    private(set) var bytes = 0
    private(set) var hits = 0
    private(set) var misses = 0

    init(limitBytes: Int) {
        self.limitBytes = limitBytes
    }

    var count: Int { entries.count }

    /// The kept listing of `path`, if it was made from a node with `stat`.
    mutating func lookup(_ path: [UInt8], _ stat: Stat) -> [JuteBytes]? {
        guard limitBytes > 0, let entry = entries[path] else { return nil }
        guard entry.validator == Validator(stat) else {
            remove(path)
            misses += 1
            return nil
        }
        hits += 1
        return entry.children
    }

    /// Keeps `children`, the sorted listing of the node at `path` with `stat`.
    mutating func store(_ path: [UInt8], _ stat: Stat, _ children: [JuteBytes]) {
        guard limitBytes > 0, children.count >= Self.minimumChildren else { return }
        misses += 1
        var size = path.count
        for child in children { size += 16 + (child.bytes?.count ?? 0) }
        guard size <= limitBytes else { return }
        remove(path)
        while bytes + size > limitBytes, let oldest = order.popFirst() {
            if entries[oldest.path]?.sequence == oldest.sequence { remove(oldest.path) }
        }
        entries[path] = Entry(validator: Validator(stat), children: children, bytes: size, sequence: nextSequence)
        order.append((path, nextSequence))
        nextSequence += 1
        bytes += size
        // Removed and re-stored paths leave stale places in `order`; drop
        // them when they outnumber the entries.
        if order.count > 2 * entries.count + 16 {
            order = Deque(order.filter { entries[$0.path]?.sequence == $0.sequence })
        }
    }

    /// A committed change to `path`'s children, or to the node itself.
    mutating func invalidate(_ path: [UInt8]) {
        guard !entries.isEmpty else { return }
        remove(path)
    }

    /// Forgets everything (the tree was replaced).
    mutating func removeAll() {
        entries.removeAll()
        order.removeAll()
        bytes = 0
    }

    private mutating func remove(_ path: [UInt8]) {
        guard let entry = entries.removeValue(forKey: path) else { return }
        bytes -= entry.bytes
    }
}
