import Foundation
import Logging
import NIOCore
import NIOPosix
import ZKProtocol
import ZKServerCore

/// One `mntr` line: its name and value.
typealias ProcessFigure = (String, String)

/// The per-connection settings from zoo.cfg.
struct ConnectionSettings: Sendable {

    /// `dirs`: bytes in the data and log directories, read on the blocking
    /// pool so the event loop never waits for the disk.
    func directorySizes(on eventLoop: EventLoop) -> EventLoopFuture<String> {
        let dataDir = dataDir, dataLogDir = dataLogDir
        return blockingPool.runIfActive(eventLoop: eventLoop) {
            "datadir_size: \(Self.size(of: dataDir + "/version-2"))\nlogdir_size: \(Self.size(of: dataLogDir + "/version-2"))\n"
        }
    }

    static func size(of directory: String) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.reduce(0) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// The process figures `mntr` adds to the core's, read on the blocking pool.
    func processFigures(on eventLoop: EventLoop) -> EventLoopFuture<[ProcessFigure]> {
        let dataDir = dataDir, startedWallMillis = startedWallMillis
        return blockingPool.runIfActive(eventLoop: eventLoop) {
            Self.processFigures(dataDir: dataDir, startedWallMillis: startedWallMillis)
        }
    }

    static func processFigures(dataDir: String, startedWallMillis: Int64) -> [ProcessFigure] {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 0
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let uptime = ServerClock.wallMillis() - startedWallMillis
        return [
            ("zk_open_file_descriptor_count", "\(open)"),
            ("zk_max_file_descriptor_count", "\(limit.rlim_cur)"),
            ("zk_uptime", "\(uptime)"),
            ("zk_data_dir_size", "\(Self.size(of: dataDir + "/version-2"))"),
        ]
    }

    var maxBufferBytes: Int
    /// Reply bytes a client may leave unread before it is closed (0: no limit).
    var maxQueuedReplyBytes: Int
    /// Where `dirs` and `mntr` read the file system.
    var blockingPool: NIOThreadPool
    var fourLetterWords: Set<String>
    var versionString: String
    /// The answer to `conf`.
    var confText: String
    /// `sessionlessCnxnTimeout` in ms; 0 turns it off.
    var sessionlessTimeoutMillis: Int64
    var dataDir: String
    var dataLogDir: String
    var startedWallMillis: Int64
    /// `adminActions.enabled`: allows expi and clip.
    var adminActionsEnabled = false
}

extension ClientAddress {
    /// The address of a peer in its natural form: IPv4-mapped IPv6 addresses
    /// become plain IPv4.
    init(_ address: SocketAddress?) {
        guard let address else {
            self.init(bytes: [], host: "unknown", port: 0)
            return
        }
        let port = address.port ?? 0
        switch address {
        case .v4(let v4):
            // sin_addr holds the address in network order: its bytes are a.b.c.d.
            let bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
            self.init(bytes: bytes, host: bytes.map(String.init).joined(separator: "."), port: port)
        case .v6(let v6):
            var addr = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &addr) { Array($0) }
            if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                let v4 = Array(bytes[12..<16])
                self.init(bytes: v4, host: v4.map(String.init).joined(separator: "."), port: port)
            } else {
                self.init(bytes: bytes, host: address.ipAddress ?? "?", port: port)
            }
        case .unixDomainSocket:
            self.init(bytes: [], host: "unix", port: 0)
        }
    }
}
