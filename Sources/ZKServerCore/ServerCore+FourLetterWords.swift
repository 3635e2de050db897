import ZKDataTree
import ZKProtocol

// The four-letter words' texts are the front end's; they read the committed
// tree and the live sessions, which the composition hands them.
extension ServerCore {
    /// A connection opened with a four-letter word: it counts as one packet
    /// received, as in Apache.
    public mutating func fourLetterWordReceived(_ id: ConnectionID) {
        frontEnd.fourLetterWordReceived(id)
    }

    /// The text of `srvr` (and of `stat` when `withClients`), in Apache's layout.
    public func serverStatusText(withClients: Bool) -> String {
        frontEnd.serverStatusText(withClients: withClients, tree: tree)
    }

    /// `cons`: every connection, then a blank line.
    public func consText(now: Now) -> String {
        frontEnd.consText(now: now, tree: tree, sessions: sessions)
    }

    /// `crst`: resets every connection's statistics.
    public mutating func resetConnectionStats() -> String {
        frontEnd.resetConnectionStats()
    }

    /// `srst`: resets the server statistics.
    public mutating func resetServerStats() -> String {
        frontEnd.resetServerStats()
    }

    /// `dump`: sessions by expiry, ephemerals by session, and connections.
    public func dumpText(now: Now) -> String {
        frontEnd.dumpText(now: now, tree: tree, sessions: sessions)
    }

    /// `wchs`: a summary of the watches.
    public func watchSummaryText() -> String {
        frontEnd.watchSummaryText()
    }

    /// `wchc` (by session) and `wchp` (by path).
    public func watchListText(byPath: Bool) -> String {
        frontEnd.watchListText(byPath: byPath)
    }

    /// `mntr`: key-tab-value lines; `process` carries the shell's figures.
    public func monitorText(process: [(String, String)]) -> String {
        frontEnd.monitorText(process: process, tree: tree, sessions: sessions, unappliedCount: unappliedCount)
    }

    /// `leak`: live sessions grouped by client host, with suspected leaks.
    public func leakText(now: Now) -> String {
        frontEnd.leakText(now: now, tree: tree, sessions: sessions)
    }
}
