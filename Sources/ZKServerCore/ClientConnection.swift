import ZKProtocol

/// What the core knows of one client connection.
public struct ClientConnection: Sendable {
    public let id: ConnectionID
    public let address: ClientAddress
    public let openedWallMillis: Int64
    /// The session it carries, once the handshake is done.
    public var sessionID: Int64?
    /// The identities it has proven (ip at connect, then digest, super...).
    public var authIds: [Id] = []
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
    /// When the client last sent anything (wall clock, for display only).
    public var lastHeardWallMillis: Int64

    init(id: ConnectionID, address: ClientAddress, openedWallMillis: Int64) {
        self.id = id
        self.address = address
        self.openedWallMillis = openedWallMillis
        self.lastHeardWallMillis = openedWallMillis
    }
}

/// Server-wide counters, for the four-letter words.
public struct ServerStats: Sendable {
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
}
