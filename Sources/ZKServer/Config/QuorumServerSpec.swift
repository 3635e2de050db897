/// The value of a `server.N` line, checked as QuorumPeer.QuorumServer checks it:
/// `host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]`,
/// with IPv6 hosts in brackets and, when `multiAddress.enabled=true`, several
/// `|`-separated server addresses. Host names are not resolved here.
struct QuorumServerSpec: Equatable, Sendable {
    enum Role: String, Sendable {
        case participant
        case observer
    }

    struct Address: Equatable, Sendable {
        var host: String
        var quorumPort: Int
        var electionPort: Int
    }

    /// The `expected …, got …` text of a syntax problem; the caller adds file, line and key.
    struct SyntaxError: Error, Equatable {
        var message: String
    }

    var addresses: [Address]
    var role: Role
    /// The host before the client port; nil when only a port is given (wildcard).
    var clientAddress: String?
    /// The port after `;`, if the line has a client part.
    var clientPort: Int?

    static let form = "host:quorumPort:electionPort[:participant|observer][;[clientAddress:]clientPort]"

    static func parse(_ raw: String, multiAddressEnabled: Bool) throws(SyntaxError) -> QuorumServerSpec {
        let malformed = SyntaxError(message: "expected \(form), got \"\(raw)\"")
        let serverAndClient = javaSplit(raw, ";")
        guard (1...2).contains(serverAndClient.count) else { throw malformed }

        var clientAddress: String?
        var clientPort: Int?
        if serverAndClient.count == 2 {
            let clientParts = try hostAndPort(serverAndClient[1], malformed)
            guard (1...2).contains(clientParts.count) else { throw malformed }
            clientPort = try port(clientParts[clientParts.count - 1], "the client port", raw)
            if clientParts.count == 2 {
                guard !clientParts[0].isEmpty else { throw malformed }
                clientAddress = clientParts[0]
            }
        }

        let serverParts = javaSplit(serverAndClient[0], "|")
        if serverParts.count > 1, !multiAddressEnabled {
            throw SyntaxError(message: "expected one server address (set multiAddress.enabled=true for several), got \"\(raw)\"")
        }
        var addresses: [Address] = []
        var role: Role?
        for serverPart in serverParts {
            let parts = try hostAndPort(serverPart, malformed)
            guard (3...4).contains(parts.count), !parts[0].isEmpty else { throw malformed }
            let address = Address(
                host: parts[0],
                quorumPort: try port(parts[1], "the quorum port", raw),
                electionPort: try port(parts[2], "the election port", raw))
            guard address.quorumPort != address.electionPort else {
                throw SyntaxError(message: "expected different quorum and election ports, got \"\(raw)\"")
            }
            if parts.count == 4 {
                let name = ZooCfgProperties.javaTrim(parts[3]).lowercased()
                guard let partRole = Role(rawValue: name) else {
                    throw SyntaxError(message: "expected participant or observer as the role, got \"\(parts[3])\"")
                }
                if let role, role != partRole {
                    throw SyntaxError(message: "expected the same role for every address, got \"\(raw)\"")
                }
                role = partRole
            }
            addresses.append(address)
        }
        return QuorumServerSpec(
            addresses: addresses, role: role ?? .participant,
            clientAddress: clientAddress, clientPort: clientPort)
    }

    private static func port(_ text: String, _ what: String, _ raw: String) throws(SyntaxError) -> Int {
        guard let value = Int32(text), (0...65535).contains(value) else {
            throw SyntaxError(message: "expected a port number from 0 to 65535 for \(what), got \"\(raw)\"")
        }
        return Int(value)
    }

    /// ConfigUtils.getHostAndPort: `[v6addr]:a:b` keeps the address whole,
    /// anything else is split on `:`.
    private static func hostAndPort(_ text: String, _ malformed: SyntaxError) throws(SyntaxError) -> [String] {
        guard text.hasPrefix("[") else { return javaSplit(text, ":") }
        guard let close = text.firstIndex(of: "]") else { throw malformed }
        let host = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        guard rest.first == ":", rest.count > 1 else { throw malformed }
        return [host] + javaSplit(String(rest.dropFirst()), ":")
    }

    /// `String.split(regex)` in Java keeps empty fields except trailing ones.
    private static func javaSplit(_ text: String, _ separator: Character) -> [String] {
        var fields = text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        while fields.count > 1, fields.last == "" { fields.removeLast() }
        return fields
    }
}
