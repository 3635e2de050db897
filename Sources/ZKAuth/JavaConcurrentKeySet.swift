/// A set that iterates in the order Java's `ConcurrentHashMap.newKeySet()`
/// does, for elements whose Java `hashCode()` is supplied.
///
/// Apache keeps a connection's auth ids in such a set (ServerCnxn.authInfo),
/// and that iteration order leaks onto the wire: it is the order of whoAmI's
/// list and of the ACL entries an `auth` ACL expands to. We reproduce it so
/// both match Apache byte for byte.
///
/// Modelled from OpenJDK 17's ConcurrentHashMap, single-threaded: a table of
/// 16 bins at first, bin = spread(hash) & (size - 1), new keys appended to
/// their bin, the table doubled when the count reaches 3/4 of its size, and
/// each bin split on doubling with Java's "lastRun" reordering. A bin that
/// would hold 9 keys grows a table smaller than 64 (tryPresize) and becomes a
/// tree bin otherwise; tree bins prepend new keys. Iteration walks bins in
/// index order.
struct JavaConcurrentKeySet<Element: Hashable & Sendable>: Sendable, Hashable {
    private struct Entry: Sendable, Hashable {
        var element: Element
        /// Java's spread(hashCode()): the high half folded in, sign bit cleared.
        var hash: Int32
    }

    private struct Bin: Sendable, Hashable {
        var entries: [Entry] = []
        var isTree = false
    }

    private static var treeifyThreshold: Int { 8 }
    private static var untreeifyThreshold: Int { 6 }
    private static var minTreeifyCapacity: Int { 64 }

    private var bins: [Bin] = Array(repeating: Bin(), count: 16)
    private var members: Set<Element> = []
    /// The count at which the table doubles: 3/4 of its size.
    private var sizeCtl = 12

    init() {}

    var count: Int { members.count }

    func contains(_ element: Element) -> Bool { members.contains(element) }

    /// The elements in Java's iteration order (kept up to date on insert,
    /// which is rare, so reading it costs nothing).
    private(set) var elements: [Element] = []

    /// Adds `element` unless present; false if it was already there.
    @discardableResult
    mutating func insert(_ element: Element, javaHashCode: Int32) -> Bool {
        guard members.insert(element).inserted else { return false }
        let hash = Int32(bitPattern: (UInt32(bitPattern: javaHashCode) ^ (UInt32(bitPattern: javaHashCode) >> 16)) & 0x7FFF_FFFF)
        let index = Int(hash) & (bins.count - 1)
        let entry = Entry(element: element, hash: hash)
        if bins[index].isTree {
            bins[index].entries.insert(entry, at: 0)
        } else {
            let before = bins[index].entries.count
            bins[index].entries.append(entry)
            if before >= Self.treeifyThreshold { treeifyBin(index) }
        }
        while count >= sizeCtl { transfer() }
        elements = bins.flatMap { $0.entries.map(\.element) }
        return true
    }

    private mutating func treeifyBin(_ index: Int) {
        if bins.count < Self.minTreeifyCapacity {
            tryPresize(bins.count << 1)
        } else {
            bins[index].isTree = true
        }
    }

    /// ConcurrentHashMap.tryPresize(size): double until the table is at
    /// least tableSizeFor(1.5 * size + 1) or that fits under sizeCtl.
    private mutating func tryPresize(_ size: Int) {
        var target = 1
        while target < size + (size >> 1) + 1 { target <<= 1 }
        while target > sizeCtl { transfer() }
    }

    /// ConcurrentHashMap.transfer: doubles the table, splitting each bin into
    /// the same index (hash bit n clear) and index + n (bit set).
    private mutating func transfer() {
        let n = bins.count
        var next = Array(repeating: Bin(), count: n * 2)
        for (index, bin) in bins.enumerated() where !bin.entries.isEmpty {
            let (low, high) = bin.isTree ? splitTree(bin.entries, n: n) : splitList(bin.entries, n: n)
            next[index] = low
            next[index + n] = high
        }
        bins = next
        sizeCtl = (n << 1) - (n >> 1)
    }

    /// A list bin splits by finding "lastRun", the longest tail whose entries
    /// all go the same way, which moves as is; the entries before it are
    /// pushed one by one onto the front of their new list, so they reverse.
    private func splitList(_ entries: [Entry], n: Int) -> (Bin, Bin) {
        func goesHigh(_ entry: Entry) -> Bool { Int(entry.hash) & n != 0 }
        var lastRun = 0
        for index in entries.indices.dropFirst() where goesHigh(entries[index]) != goesHigh(entries[index - 1]) {
            lastRun = index
        }
        var low = Bin()
        var high = Bin()
        if goesHigh(entries[lastRun]) {
            high.entries = Array(entries[lastRun...])
        } else {
            low.entries = Array(entries[lastRun...])
        }
        for entry in entries[..<lastRun] {
            if goesHigh(entry) {
                high.entries.insert(entry, at: 0)
            } else {
                low.entries.insert(entry, at: 0)
            }
        }
        return (low, high)
    }

    /// A tree bin splits in order; a half of 6 or fewer becomes a list again.
    private func splitTree(_ entries: [Entry], n: Int) -> (Bin, Bin) {
        let low = entries.filter { Int($0.hash) & n == 0 }
        let high = entries.filter { Int($0.hash) & n != 0 }
        return (Bin(entries: low, isTree: low.count > Self.untreeifyThreshold),
                Bin(entries: high, isTree: high.count > Self.untreeifyThreshold))
    }
}
