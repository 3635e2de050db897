import ZKProtocol

/// The four-letter words: their names and the text the server answers.
public enum FourLetterWord: String, CaseIterable, Sendable {
    case conf, cons, crst, dump, envi, gtmk, ruok, stmk, srst, srvr, stat, wchc, wchp, wchs, mntr, isro, hash, dirs

    /// Recognises a word from the first four bytes of a connection.
    public init?(firstBytes: [UInt8]) {
        guard firstBytes.count == 4, let word = FourLetterWord(rawValue: String(decoding: firstBytes, as: UTF8.self)) else {
            return nil
        }
        self = word
    }

    /// The words this server answers so far; the others say so.
    public var isImplemented: Bool {
        switch self {
        case .ruok, .srvr, .stat, .isro: return true
        default: return false
        }
    }

    /// The answer to a word that is not in `4lw.commands.whitelist`.
    public var notWhitelistedText: String {
        "\(rawValue) is not executed because it is not in the whitelist.\n"
    }
}

extension ServerCore {
    /// The text of `srvr` (and of `stat` when `withClients`), in Apache's layout.
    public func serverStatusText(withClients: Bool) -> String {
        var text = "Zookeeper version: \(config.versionString)\n"
        if withClients {
            text += "Clients:\n"
            for connection in connections.values.sorted(by: { $0.id < $1.id }) {
                text += " /\(connection.address.display)[1](queued=0,recved=\(connection.packetsReceived),sent=\(connection.packetsSent))\n\n"
            }
            text += "\n"
        }
        text += "Latency min/avg/max: 0/0.0/0\n"
        text += "Received: \(stats.packetsReceived)\n"
        text += "Sent: \(stats.packetsSent)\n"
        text += "Connections: \(connections.count)\n"
        text += "Outstanding: 0\n"
        text += "Zxid: \(hex(tree.lastProcessedZxid))\n"
        text += "Mode: standalone\n"
        // Apache's count includes the root twice (as "" and "/").
        text += "Node count: \(tree.nodeCount + 1)\n"
        return text
    }
}
