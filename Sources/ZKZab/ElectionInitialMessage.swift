import NIOCore

/// One election address as the initial message carries it: `host:port`, or
/// `[v6-literal]:port`.
public struct ElectionAddress: Hashable, Sendable {
    /// The host name or literal address, without brackets.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// The text Apache sends (`NetUtils.formatInetAddr`): an IPv6 literal in
    /// brackets.
    public var text: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// True for 0.0.0.0 or an all-zero IPv6 literal. Apache drops these from
    /// a received initial message (ZOOKEEPER-2164): connecting back to a
    /// wildcard reaches nobody.
    public var isWildcard: Bool {
        if host == "0.0.0.0" { return true }
        return host.contains(":") && host.allSatisfy { $0 == "0" || $0 == ":" }
    }

    /// Parses one `host:port` or `[host]:port`, as Apache's
    /// `ConfigUtils.getHostAndPort` plus the port check, but stricter: the
    /// host must be non-empty and the port plain decimal in 0...65535.
    public init(parsing text: Substring) throws(ZabWireError) {
        let host: Substring
        let portText: Substring
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { throw .badElectionAddress(String(text)) }
            host = text[text.index(after: text.startIndex)..<close]
            let afterClose = text[text.index(after: close)...]
            guard afterClose.first == ":" else { throw .badElectionAddress(String(text)) }
            portText = afterClose.dropFirst()
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw .badElectionAddress(String(text)) }
            host = parts[0]
            portText = parts[1]
        }
        guard !host.isEmpty, !portText.isEmpty, portText.count <= 5,
              portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = UInt16(portText)
        else { throw .badElectionAddress(String(text)) }
        self.init(host: String(host), port: port)
    }
}

/// The first bytes an election connection's initiator sends
/// (QuorumCnxManager.initiateConnection / handleConnection).
///
/// Since 3.5.0 a negative protocol version comes first, then the sender's
/// server id and its election address; before that the first long was the
/// bare server id.
public struct ElectionInitialMessage: Hashable, Sendable {
    /// The protocol generation of the message.
    public enum ProtocolVersion: Hashable, Sendable {
        /// Before 3.5.0: only the server id.
        case legacy
        /// -65536 (ZOOKEEPER-107): one `host:port`. What Apache sends unless
        /// `multiAddress.enabled` (ZOOKEEPER-3720).
        case v1
        /// -65535 (ZOOKEEPER-3188): `host1:port1|host2:port2|...`.
        case v2

        /// The number on the wire; `nil` for the legacy form, which has none.
        public var wireValue: Int64? {
            switch self {
            case .legacy: return nil
            case .v1: return ElectionInitialMessage.protocolVersionV1
            case .v2: return ElectionInitialMessage.protocolVersionV2
            }
        }
    }

    /// Apache's `PROTOCOL_VERSION_V1`.
    public static let protocolVersionV1: Int64 = -65536
    /// Apache's `PROTOCOL_VERSION_V2`.
    public static let protocolVersionV2: Int64 = -65535
    /// The server id an observer without one sends (`QuorumPeer.OBSERVER_ID`);
    /// the receiver gives the connection a negative temporary id instead.
    public static let observerID = Int64.max

    public var protocolVersion: ProtocolVersion
    /// The sender's server id.
    public var sid: Int64
    /// The sender's election addresses, as sent (wildcards included); empty
    /// for the legacy form.
    public var addresses: [ElectionAddress]

    public init(protocolVersion: ProtocolVersion, sid: Int64, addresses: [ElectionAddress]) {
        self.protocolVersion = protocolVersion
        self.sid = sid
        self.addresses = addresses
    }

    /// The V1 message Apache sends by default.
    public static func v1(sid: Int64, address: ElectionAddress) -> ElectionInitialMessage {
        ElectionInitialMessage(protocolVersion: .v1, sid: sid, addresses: [address])
    }

    /// The addresses worth connecting back to: wildcards dropped, as Apache
    /// does (ZOOKEEPER-2164).
    public var connectableAddresses: [ElectionAddress] { addresses.filter { !$0.isWildcard } }

    /// The address text as sent: V1 sends the first address only.
    public var addressText: String {
        switch protocolVersion {
        case .legacy: return ""
        case .v1: return addresses.first?.text ?? ""
        case .v2: return addresses.map(\.text).joined(separator: "|")
        }
    }

    /// Appends the message as Apache's initiator writes it.
    public func encode(to buffer: inout ByteBuffer) {
        guard let version = protocolVersion.wireValue else {
            buffer.writeInteger(sid, endianness: .big)
            return
        }
        let address = Array(addressText.utf8)
        buffer.writeInteger(version, endianness: .big)
        buffer.writeInteger(sid, endianness: .big)
        buffer.writeInteger(Int32(truncatingIfNeeded: address.count), endianness: .big)
        buffer.writeBytes(address)
    }

    /// The encoded bytes.
    public var encodedBytes: [UInt8] {
        var buffer = ByteBuffer()
        encode(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Takes the initial message off the front of a new connection's bytes.
    ///
    /// Returns `nil` when more bytes are needed (nothing is consumed then).
    /// As Apache's receiver: a non-negative first long is a legacy bare sid;
    /// a negative one must be V1 or V2, and the address length must be in
    /// 1...`limits.maxElectionAddressBytes`, checked before the address is
    /// waited for.
    public static func decode(from buffer: inout ByteBuffer, limits: ZabLimits = .apacheDefaults) throws(ZabWireError) -> ElectionInitialMessage? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, endianness: .big, as: Int64.self) else { return nil }
        if first >= 0 {
            buffer.moveReaderIndex(forwardBy: 8)
            return ElectionInitialMessage(protocolVersion: .legacy, sid: first, addresses: [])
        }
        let version: ProtocolVersion
        switch first {
        case protocolVersionV1: version = .v1
        case protocolVersionV2: version = .v2
        default: throw .unknownProtocolVersion(first)
        }
        guard let sid = buffer.getInteger(at: start + 8, endianness: .big, as: Int64.self),
              let length = buffer.getInteger(at: start + 16, endianness: .big, as: Int32.self)
        else { return nil }
        guard length > 0 else {
            throw .negativeLength(message: "InitialMessage", field: "address", length: Int64(length))
        }
        guard Int(length) <= limits.maxElectionAddressBytes else {
            throw .lengthExceedsLimit(message: "InitialMessage", field: "address", length: Int64(length), limit: limits.maxElectionAddressBytes)
        }
        guard let bytes = buffer.getBytes(at: start + 20, length: Int(length)) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .badElectionAddress(String(decoding: bytes, as: UTF8.self))
        }
        var addresses: [ElectionAddress] = []
        // V1 peers never send '|', and Apache splits on it for both versions.
        for part in text.split(separator: "|", omittingEmptySubsequences: false) {
            addresses.append(try ElectionAddress(parsing: part))
        }
        buffer.moveReaderIndex(forwardBy: 20 + Int(length))
        return ElectionInitialMessage(protocolVersion: version, sid: sid, addresses: addresses)
    }

    /// Decodes a complete initial message from `bytes`; truncated input is an
    /// error here, and so are bytes after the message.
    public init(decoding bytes: [UInt8], limits: ZabLimits = .apacheDefaults) throws(ZabWireError) {
        var buffer = ByteBuffer(bytes: bytes)
        guard let message = try ElectionInitialMessage.decode(from: &buffer, limits: limits) else {
            throw .truncated(message: "InitialMessage", field: "address", needed: Self.neededBytes(bytes), available: bytes.count)
        }
        guard buffer.readableBytes == 0 else { throw .trailingBytes(message: "InitialMessage", count: buffer.readableBytes) }
        self = message
    }

    private static func neededBytes(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 20 else { return bytes.count < 8 ? 8 : 20 }
        let length = bytes[16..<20].reduce(0) { ($0 << 8) | Int($1) }
        return 20 + length
    }
}
