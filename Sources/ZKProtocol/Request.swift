import NIOCore

/// The body of a client request, chosen by the opcode in its RequestHeader.
public enum ZKRequest: Hashable, Sendable {
    case create(CreateRequest)
    case create2(CreateRequest)
    case createContainer(CreateRequest)
    case createTTL(CreateTTLRequest)
    case delete(DeleteRequest)
    case deleteContainer(DeleteRequest)
    case exists(ExistsRequest)
    case getData(GetDataRequest)
    case setData(SetDataRequest)
    case getACL(GetACLRequest)
    case setACL(SetACLRequest)
    case getChildren(GetChildrenRequest)
    case getChildren2(GetChildren2Request)
    case sync(SyncRequest)
    case ping
    case check(CheckVersionRequest)
    case multi(MultiRequest)
    case multiRead(MultiRequest)
    case reconfig(ReconfigRequest)
    case checkWatches(CheckWatchesRequest)
    case removeWatches(RemoveWatchesRequest)
    case auth(AuthPacket)
    case setWatches(SetWatches)
    case setWatches2(SetWatches2)
    case sasl(GetSASLRequest)
    case getEphemerals(GetEphemeralsRequest)
    case getAllChildrenNumber(GetAllChildrenNumberRequest)
    case addWatch(AddWatchRequest)
    case whoAmI
    case closeSession

    /// The opcode that selects this body.
    public var opCode: OpCode {
        switch self {
        case .create: return .create
        case .create2: return .create2
        case .createContainer: return .createContainer
        case .createTTL: return .createTTL
        case .delete: return .delete
        case .deleteContainer: return .deleteContainer
        case .exists: return .exists
        case .getData: return .getData
        case .setData: return .setData
        case .getACL: return .getACL
        case .setACL: return .setACL
        case .getChildren: return .getChildren
        case .getChildren2: return .getChildren2
        case .sync: return .sync
        case .ping: return .ping
        case .check: return .check
        case .multi: return .multi
        case .multiRead: return .multiRead
        case .reconfig: return .reconfig
        case .checkWatches: return .checkWatches
        case .removeWatches: return .removeWatches
        case .auth: return .auth
        case .setWatches: return .setWatches
        case .setWatches2: return .setWatches2
        case .sasl: return .sasl
        case .getEphemerals: return .getEphemerals
        case .getAllChildrenNumber: return .getAllChildrenNumber
        case .addWatch: return .addWatch
        case .whoAmI: return .whoAmI
        case .closeSession: return .closeSession
        }
    }

    /// Reads the body for `opCode`. An opcode with no client request body
    /// throws `JuteError.unknownOpCode`.
    public init(opCode: OpCode, from reader: inout JuteReader) throws(JuteError) {
        switch opCode {
        case .create: self = .create(try CreateRequest(from: &reader))
        case .create2: self = .create2(try CreateRequest(from: &reader))
        case .createContainer: self = .createContainer(try CreateRequest(from: &reader))
        case .createTTL: self = .createTTL(try CreateTTLRequest(from: &reader))
        case .delete: self = .delete(try DeleteRequest(from: &reader))
        case .deleteContainer: self = .deleteContainer(try DeleteRequest(from: &reader))
        case .exists: self = .exists(try ExistsRequest(from: &reader))
        case .getData: self = .getData(try GetDataRequest(from: &reader))
        case .setData: self = .setData(try SetDataRequest(from: &reader))
        case .getACL: self = .getACL(try GetACLRequest(from: &reader))
        case .setACL: self = .setACL(try SetACLRequest(from: &reader))
        case .getChildren: self = .getChildren(try GetChildrenRequest(from: &reader))
        case .getChildren2: self = .getChildren2(try GetChildren2Request(from: &reader))
        case .sync: self = .sync(try SyncRequest(from: &reader))
        case .ping: self = .ping
        case .check: self = .check(try CheckVersionRequest(from: &reader))
        case .multi: self = .multi(try MultiRequest(from: &reader))
        case .multiRead: self = .multiRead(try MultiRequest(from: &reader))
        case .reconfig: self = .reconfig(try ReconfigRequest(from: &reader))
        case .checkWatches: self = .checkWatches(try CheckWatchesRequest(from: &reader))
        case .removeWatches: self = .removeWatches(try RemoveWatchesRequest(from: &reader))
        case .auth: self = .auth(try AuthPacket(from: &reader))
        case .setWatches: self = .setWatches(try SetWatches(from: &reader))
        case .setWatches2: self = .setWatches2(try SetWatches2(from: &reader))
        case .sasl: self = .sasl(try GetSASLRequest(from: &reader))
        case .getEphemerals: self = .getEphemerals(try GetEphemeralsRequest(from: &reader))
        case .getAllChildrenNumber: self = .getAllChildrenNumber(try GetAllChildrenNumberRequest(from: &reader))
        case .addWatch: self = .addWatch(try AddWatchRequest(from: &reader))
        case .whoAmI: self = .whoAmI
        case .closeSession: self = .closeSession
        case .notification, .createSession, .error, .unrecognized:
            throw .unknownOpCode(opCode.code)
        }
    }

    /// Appends the body (not the header).
    public func encode(to buffer: inout ByteBuffer) {
        switch self {
        case .create(let r), .create2(let r), .createContainer(let r): r.encode(to: &buffer)
        case .createTTL(let r): r.encode(to: &buffer)
        case .delete(let r), .deleteContainer(let r): r.encode(to: &buffer)
        case .exists(let r): r.encode(to: &buffer)
        case .getData(let r): r.encode(to: &buffer)
        case .setData(let r): r.encode(to: &buffer)
        case .getACL(let r): r.encode(to: &buffer)
        case .setACL(let r): r.encode(to: &buffer)
        case .getChildren(let r): r.encode(to: &buffer)
        case .getChildren2(let r): r.encode(to: &buffer)
        case .sync(let r): r.encode(to: &buffer)
        case .check(let r): r.encode(to: &buffer)
        case .multi(let r), .multiRead(let r): r.encode(to: &buffer)
        case .reconfig(let r): r.encode(to: &buffer)
        case .checkWatches(let r): r.encode(to: &buffer)
        case .removeWatches(let r): r.encode(to: &buffer)
        case .auth(let r): r.encode(to: &buffer)
        case .setWatches(let r): r.encode(to: &buffer)
        case .setWatches2(let r): r.encode(to: &buffer)
        case .sasl(let r): r.encode(to: &buffer)
        case .getEphemerals(let r): r.encode(to: &buffer)
        case .getAllChildrenNumber(let r): r.encode(to: &buffer)
        case .addWatch(let r): r.encode(to: &buffer)
        case .ping, .whoAmI, .closeSession: break
        }
    }
}

/// A complete client request after the connect handshake: RequestHeader, then body.
public struct RequestPacket: JuteRecord {
    public var xid: Int32
    public var request: ZKRequest

    public init(xid: Int32, request: ZKRequest) {
        self.xid = xid
        self.request = request
    }

    public init(from reader: inout JuteReader) throws(JuteError) {
        let header = try RequestHeader(from: &reader)
        xid = header.xid
        request = try ZKRequest(opCode: header.type, from: &reader)
    }

    public func encode(to buffer: inout ByteBuffer) {
        RequestHeader(xid: xid, type: request.opCode).encode(to: &buffer)
        request.encode(to: &buffer)
    }
}
