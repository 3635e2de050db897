import ZKDataTree
import ZKProtocol

/// The four-letter words: their names and the text the server answers.
public enum FourLetterWord: String, CaseIterable, Sendable {
    case conf, cons, crst, dump, envi, gtmk, ruok, stmk, srst, srvr, stat, wchc, wchp, wchs, mntr, isro, hash, dirs
    /// SwiftZK's own: live sessions grouped by client host, with suspected
    /// leaked handles and duplicate registrations.
    case leak
    /// SwiftZK's admin actions, off unless `adminActions.enabled=true`:
    /// `expi 0x<session id>` expires a session now; `clip <address>` closes
    /// every connection from a client address. The argument follows the
    /// word on the same line.
    case expi, clip

    /// Words that take an argument after them, up to a newline or the end.
    public var takesArgument: Bool { self == .expi || self == .clip }

    /// Recognises a word from the first four bytes of a connection.
    public init?(firstBytes: [UInt8]) {
        guard firstBytes.count == 4, let word = FourLetterWord(rawValue: String(decoding: firstBytes, as: UTF8.self)) else {
            return nil
        }
        self = word
    }

    /// The answer to a word that is not in `4lw.commands.whitelist`.
    public var notWhitelistedText: String {
        "\(rawValue) is not executed because it is not in the whitelist.\n"
    }
}

extension FrontEnd {
    /// A connection opened with a four-letter word: it counts as one packet
    /// received, as in Apache.
    mutating func fourLetterWordReceived(_ id: ConnectionID) {
        connections[id]?.isFourLetterWord = true
        connections[id]?.packetsReceived += 1
        stats.packetsReceived += 1
    }

    /// The text of `srvr` (and of `stat` when `withClients`), in Apache's layout.
    func serverStatusText(withClients: Bool, tree: DataTree) -> String {
        var text = "Zookeeper version: \(config.versionString)\n"
        if withClients {
            text += "Clients:\n"
            for connection in connections.values.sorted(by: { $0.id < $1.id }) {
                // Apache shows the selector interest: 0 for a connection that
                // is answering a four-letter word, 1 (read) otherwise.
                let interest = connection.isFourLetterWord ? 0 : 1
                text += " /\(connection.address.display)[\(interest)](queued=0,recved=\(connection.packetsReceived),sent=\(connection.packetsSent))\n"
            }
            text += "\n"
        }
        text += "Latency min/avg/max: \(stats.latency.latencyText)\n"
        text += "Received: \(stats.packetsReceived)\n"
        text += "Sent: \(stats.packetsSent)\n"
        text += "Connections: \(connections.count)\n"
        text += "Outstanding: 0\n"
        text += "Zxid: \(Zxid(raw: tree.lastProcessedZxid))\n"
        text += "Mode: standalone\n"
        // Apache's count includes the root twice (as "" and "/").
        text += "Node count: \(tree.nodeCount + 1)\n"
        return text
    }
}
