import SystemPackage
import ZKStorage

/// A simulated disk behind the storage port. Reads see every write (the page
/// cache); a crash keeps only what was made durable, plus a random prefix
/// of what was not, the last write of it torn at a random byte. A file's
/// data is durable after its fsync; a name created, renamed or removed is
/// durable after its directory's fsync. Faults: fsyncs that fail, and a
/// full disk (ENOSPC) once `capacityBytes` is reached.
public final class SimDisk: StorageIO, @unchecked Sendable {
    // One simulation drives the disk from one thread.

    final class Inode {
        var data: [UInt8] = []
        var durable: [UInt8] = []
        var pending: [Change] = []
    }

    enum Change {
        case write(offset: Int, bytes: [UInt8])
        case truncate(Int)
    }

    enum NameChange {
        case link(directory: String, name: String, Inode)
        case unlink(directory: String, name: String)
    }

    private var directories: Set<String> = []
    private var entries: [String: [String: Inode]] = [:]
    private var durableEntries: [String: [String: Inode]] = [:]
    private var pendingNames: [NameChange] = []

    /// Bytes the disk holds; writes past it fail with ENOSPC. nil: no limit.
    public var capacityBytes: Int?
    /// The chance that an fsync fails with EIO.
    public var fsyncFailureRate = 0.0
    /// Counters, for the report.
    public private(set) var fsyncs = 0
    public private(set) var failedFsyncs = 0
    public private(set) var noSpaceErrors = 0
    private var random: SimRandom

    public init(random: SimRandom) {
        self.random = random
    }

    /// Bytes in all files the current names reach.
    public var usedBytes: Int {
        var seen = Set<ObjectIdentifier>()
        var total = 0
        for files in entries.values {
            for inode in files.values where seen.insert(ObjectIdentifier(inode)).inserted { total += inode.data.count }
        }
        return total
    }

    /// The machine loses power: what was not durable is lost or torn.
    public func crash() {
        var names = durableEntries
        let kept = pendingNames.isEmpty ? 0 : random.int(0...pendingNames.count)
        for change in pendingNames.prefix(kept) { Self.apply(change, to: &names) }
        pendingNames = []
        var seen = Set<ObjectIdentifier>()
        for files in names.values {
            for inode in files.values where seen.insert(ObjectIdentifier(inode)).inserted {
                var data = inode.durable
                let keep = inode.pending.isEmpty ? 0 : random.int(0...inode.pending.count)
                for (index, change) in inode.pending.prefix(keep).enumerated() {
                    switch change {
                    case .write(let offset, var bytes):
                        if index == keep - 1, random.chance(0.5) { bytes = Array(bytes.prefix(random.int(0...bytes.count))) }
                        Self.write(bytes, at: offset, into: &data)
                    case .truncate(let size):
                        Self.resize(&data, to: size)
                    }
                }
                inode.data = data
                inode.durable = data
                inode.pending = []
            }
        }
        entries = names
        durableEntries = names
    }

    // MARK: StorageIO

    public func open(_ path: FilePath, _ mode: StorageOpenMode) throws(Errno) -> any StorageHandle {
        let (directory, name) = try split(path)
        if mode == .read, directories.contains(path.description) {
            return SimHandle(disk: self, inode: Inode(), directory: path.description)
        }
        let existing = entries[directory]?[name]
        switch mode {
        case .read, .readWrite:
            guard let existing else { throw .noSuchFileOrDirectory }
            return SimHandle(disk: self, inode: existing, directory: nil)
        case .createExclusive:
            if existing != nil { throw .fileExists }
            return SimHandle(disk: self, inode: link(directory, name), directory: nil)
        case .createOrTruncate:
            if let existing {
                existing.data = []
                existing.pending.append(.truncate(0))
                return SimHandle(disk: self, inode: existing, directory: nil)
            }
            return SimHandle(disk: self, inode: link(directory, name), directory: nil)
        }
    }

    public func syncDirectory(_ path: FilePath) throws(Errno) {
        guard directories.contains(path.description) else { throw .noSuchFileOrDirectory }
        try maybeFailSync()
        let directory = path.description
        var rest: [NameChange] = []
        for change in pendingNames {
            switch change {
            case .link(let d, _, _), .unlink(let d, _):
                if d == directory { Self.apply(change, to: &durableEntries) } else { rest.append(change) }
            }
        }
        pendingNames = rest
    }

    public func rename(_ from: FilePath, _ to: FilePath) throws(Errno) {
        let (fromDirectory, fromName) = try split(from)
        let (toDirectory, toName) = try split(to)
        guard let inode = entries[fromDirectory]?[fromName] else { throw .noSuchFileOrDirectory }
        entries[fromDirectory]?[fromName] = nil
        entries[toDirectory, default: [:]][toName] = inode
        pendingNames.append(.unlink(directory: fromDirectory, name: fromName))
        pendingNames.append(.link(directory: toDirectory, name: toName, inode))
    }

    public func unlink(_ path: FilePath) throws(Errno) {
        let (directory, name) = try split(path)
        guard entries[directory]?[name] != nil else { throw .noSuchFileOrDirectory }
        entries[directory]?[name] = nil
        pendingNames.append(.unlink(directory: directory, name: name))
    }

    public func makeDirectories(_ path: FilePath) throws(Errno) {
        var prefix = FilePath(root: path.root)
        for component in path.components {
            prefix.append(component)
            directories.insert(prefix.description)
        }
    }

    public func listDirectory(_ path: FilePath) throws(Errno) -> [String] {
        guard directories.contains(path.description) else { throw .noSuchFileOrDirectory }
        return (entries[path.description] ?? [:]).keys.sorted()
    }

    /// Every file name and its size, for traces.
    public var listing: [String] {
        entries.sorted { $0.key < $1.key }.flatMap { directory, files in
            files.sorted { $0.key < $1.key }.map { "\(directory)/\($0.key) \($0.value.data.count)" }
        }
    }

    // MARK: Inside

    private func split(_ path: FilePath) throws(Errno) -> (String, String) {
        // String work, not FilePath's components: those are slow unoptimised.
        let text = path.description
        guard let slash = text.lastIndex(of: "/"), text.index(after: slash) < text.endIndex else { throw .invalidArgument }
        let directory = slash == text.startIndex ? "/" : String(text[..<slash])
        guard directories.contains(directory) else { throw .noSuchFileOrDirectory }
        return (directory, String(text[text.index(after: slash)...]))
    }

    private func link(_ directory: String, _ name: String) -> Inode {
        let inode = Inode()
        entries[directory, default: [:]][name] = inode
        pendingNames.append(.link(directory: directory, name: name, inode))
        return inode
    }

    private static func apply(_ change: NameChange, to names: inout [String: [String: Inode]]) {
        switch change {
        case .link(let directory, let name, let inode): names[directory, default: [:]][name] = inode
        case .unlink(let directory, let name): names[directory]?[name] = nil
        }
    }

    static func write(_ bytes: [UInt8], at offset: Int, into data: inout [UInt8]) {
        if data.count < offset + bytes.count { data += [UInt8](repeating: 0, count: offset + bytes.count - data.count) }
        data.withUnsafeMutableBufferPointer { target in
            bytes.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress, let destination = target.baseAddress else { return }
                (destination + offset).update(from: base, count: source.count)
            }
        }
    }

    static func resize(_ data: inout [UInt8], to size: Int) {
        if data.count > size { data.removeLast(data.count - size) } else { data += [UInt8](repeating: 0, count: size - data.count) }
    }

    fileprivate func maybeFailSync() throws(Errno) {
        fsyncs += 1
        if fsyncFailureRate > 0, random.chance(fsyncFailureRate) {
            failedFsyncs += 1
            throw .ioError
        }
    }

    fileprivate func checkSpace(growingBy bytes: Int) throws(Errno) {
        guard let capacityBytes, bytes > 0, usedBytes + bytes > capacityBytes else { return }
        noSpaceErrors += 1
        throw .noSpace
    }
}

final class SimHandle: StorageHandle, @unchecked Sendable {
    private let disk: SimDisk
    private let inode: SimDisk.Inode
    /// Set for a directory opened to be fsynced.
    private let directory: String?
    private var closed = false

    init(disk: SimDisk, inode: SimDisk.Inode, directory: String?) {
        self.disk = disk
        self.inode = inode
        self.directory = directory
    }

    func read(at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        guard !closed else { throw .badFileDescriptor }
        let start = Int(min(offset, Int64(inode.data.count)))
        let end = min(start + count, inode.data.count)
        return Array(inode.data[start..<end])
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws(Errno) {
        guard !closed, directory == nil else { throw .badFileDescriptor }
        try disk.checkSpace(growingBy: Int(offset) + bytes.count - inode.data.count)
        SimDisk.write(bytes, at: Int(offset), into: &inode.data)
        inode.pending.append(.write(offset: Int(offset), bytes: bytes))
    }

    func size() throws(Errno) -> Int64 {
        guard !closed else { throw .badFileDescriptor }
        return Int64(inode.data.count)
    }

    func sync(dataOnly: Bool) throws(Errno) {
        guard !closed else { throw .badFileDescriptor }
        if let directory {
            try disk.syncDirectory(FilePath(directory))
            return
        }
        try disk.maybeFailSync()
        inode.durable = inode.data
        inode.pending = []
    }

    func truncate(to size: Int64) throws(Errno) {
        guard !closed, directory == nil else { throw .badFileDescriptor }
        try disk.checkSpace(growingBy: Int(size) - inode.data.count)
        SimDisk.resize(&inode.data, to: Int(size))
        inode.pending.append(.truncate(Int(size)))
    }

    func close() throws(Errno) {
        closed = true
    }
}
