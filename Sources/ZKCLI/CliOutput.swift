import Foundation
import Synchronization

/// stdout and stderr, unbuffered and in one order: zkCli's System.out and
/// System.err flush every line, so a merged capture keeps the order in
/// which they were printed, and so must ours.
final class CliOutput: Sendable {
    private let lock = Mutex(())
    /// Whether watch events are printed (`printwatches on|off`).
    private let printWatches = Mutex(true)

    /// Writes `text` as it is.
    func write(_ text: String, toError: Bool = false) {
        let fd: Int32 = toError ? 2 : 1
        lock.withLock { _ in
            var bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { raw in
                    Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
            bytes.removeAll()
        }
    }

    /// println.
    func line(_ text: String, toError: Bool = false) {
        write(text + "\n", toError: toError)
    }

    var watchesPrinted: Bool {
        get { printWatches.withLock { $0 } }
        set { printWatches.withLock { $0 = newValue } }
    }

    /// ZooKeeperMain.MyWatcher: "WATCHER::" and the event, each after an
    /// empty line, on stdout.
    func event(_ text: String) {
        guard watchesPrinted else { return }
        write("\nWATCHER::\n\n\(text)\n")
    }
}
