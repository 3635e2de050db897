import NIOCore

/// The body of a successful reply. Which record follows a ReplyHeader depends
/// on the request's opcode, which the client knows from the xid, so decoding
/// takes that opcode. An error reply (err ≠ 0) carries no body.
public enum ZKResponse: Hashable, Sendable {
    case create(CreateResponse)
    /// create2, createContainer and createTTL all answer with Create2Response.
    case create2(Create2Response)
    case exists(ExistsResponse)
    case getData(GetDataResponse)
    case setData(SetDataResponse)
    case getACL(GetACLResponse)
    case setACL(SetACLResponse)
    case getChildren(GetChildrenResponse)
    case getChildren2(GetChildren2Response)
    case sync(SyncResponse)
    case multi(MultiResponse)
    /// reconfig answers with the new configuration, as a GetDataResponse.
    case reconfig(GetDataResponse)
    case sasl(SetSASLResponse)
    case getEphemerals(GetEphemeralsResponse)
    case getAllChildrenNumber(GetAllChildrenNumberResponse)
    case whoAmI(WhoAmIResponse)
    /// addWatch answers with an ErrorResponse holding 0.
    case addWatch(ErrorResponse)
    /// delete, ping, auth, setWatches, removeWatches, checkWatches and
    /// closeSession: nothing after the header.
    case empty

    /// Reads the body of a successful reply to a request with `opCode`.
    public init(opCode: OpCode, from reader: inout JuteReader) throws(JuteError) {
        switch opCode {
        case .create: self = .create(try CreateResponse(from: &reader))
        case .create2, .createContainer, .createTTL: self = .create2(try Create2Response(from: &reader))
        case .exists: self = .exists(try ExistsResponse(from: &reader))
        case .getData: self = .getData(try GetDataResponse(from: &reader))
        // check, outside a multi, answers with the node's Stat as setData does.
        case .setData, .check: self = .setData(try SetDataResponse(from: &reader))
        case .getACL: self = .getACL(try GetACLResponse(from: &reader))
        case .setACL: self = .setACL(try SetACLResponse(from: &reader))
        case .getChildren: self = .getChildren(try GetChildrenResponse(from: &reader))
        case .getChildren2: self = .getChildren2(try GetChildren2Response(from: &reader))
        case .sync: self = .sync(try SyncResponse(from: &reader))
        case .multi, .multiRead: self = .multi(try MultiResponse(from: &reader))
        case .reconfig: self = .reconfig(try GetDataResponse(from: &reader))
        case .sasl: self = .sasl(try SetSASLResponse(from: &reader))
        case .getEphemerals: self = .getEphemerals(try GetEphemeralsResponse(from: &reader))
        case .getAllChildrenNumber: self = .getAllChildrenNumber(try GetAllChildrenNumberResponse(from: &reader))
        case .whoAmI: self = .whoAmI(try WhoAmIResponse(from: &reader))
        case .addWatch: self = .addWatch(try ErrorResponse(from: &reader))
        case .delete, .deleteContainer, .ping, .auth, .setWatches, .setWatches2,
             .removeWatches, .checkWatches, .closeSession:
            self = .empty
        case .notification, .createSession, .error, .unrecognized:
            throw .unknownOpCode(opCode.code)
        }
    }

    /// Appends the body (not the header).
    public func encode(to buffer: inout ByteBuffer) {
        switch self {
        case .create(let r): r.encode(to: &buffer)
        case .create2(let r): r.encode(to: &buffer)
        case .exists(let r): r.encode(to: &buffer)
        case .getData(let r), .reconfig(let r): r.encode(to: &buffer)
        case .setData(let r): r.encode(to: &buffer)
        case .getACL(let r): r.encode(to: &buffer)
        case .setACL(let r): r.encode(to: &buffer)
        case .getChildren(let r): r.encode(to: &buffer)
        case .getChildren2(let r): r.encode(to: &buffer)
        case .sync(let r): r.encode(to: &buffer)
        case .multi(let r): r.encode(to: &buffer)
        case .sasl(let r): r.encode(to: &buffer)
        case .getEphemerals(let r): r.encode(to: &buffer)
        case .getAllChildrenNumber(let r): r.encode(to: &buffer)
        case .whoAmI(let r): r.encode(to: &buffer)
        case .addWatch(let r): r.encode(to: &buffer)
        case .empty: break
        }
    }
}
