import NIOCore

/// One operation inside a multi or multiRead request.
///
/// On the wire each is a MultiHeader (its opcode, done=false, err=-1)
/// followed by the operation's request record (MultiOperationRecord).
public enum MultiOp: Hashable, Sendable {
    /// create, create2 or createContainer, with its CreateRequest.
    case create(OpCode, CreateRequest)
    case createTTL(CreateTTLRequest)
    /// delete or deleteContainer.
    case delete(OpCode, DeleteRequest)
    case setData(SetDataRequest)
    case check(CheckVersionRequest)
    case getChildren(GetChildrenRequest)
    case getData(GetDataRequest)

    /// The opcode written in this operation's MultiHeader.
    public var opCode: OpCode {
        switch self {
        case .create(let op, _), .delete(let op, _): return op
        case .createTTL: return .createTTL
        case .setData: return .setData
        case .check: return .check
        case .getChildren: return .getChildren
        case .getData: return .getData
        }
    }
}

/// The body of a multi (opcode 14) or multiRead (opcode 22) request: its
/// operations, then a MultiHeader with done=true.
public struct MultiRequest: JuteRecord {
    public var ops: [MultiOp]

    public init(ops: [MultiOp]) { self.ops = ops }

    public init(from reader: inout JuteReader) throws(JuteError) {
        var ops: [MultiOp] = []
        while true {
            let header = try MultiHeader(from: &reader)
            if header.done { break }
            switch header.type {
            case .create, .create2, .createContainer:
                ops.append(.create(header.type, try CreateRequest(from: &reader)))
            case .createTTL:
                ops.append(.createTTL(try CreateTTLRequest(from: &reader)))
            case .delete, .deleteContainer:
                ops.append(.delete(header.type, try DeleteRequest(from: &reader)))
            case .setData:
                ops.append(.setData(try SetDataRequest(from: &reader)))
            case .check:
                ops.append(.check(try CheckVersionRequest(from: &reader)))
            case .getChildren:
                ops.append(.getChildren(try GetChildrenRequest(from: &reader)))
            case .getData:
                ops.append(.getData(try GetDataRequest(from: &reader)))
            default:
                throw .invalidValue(record: "MultiHeader", field: "type", value: Int64(header.type.code))
            }
        }
        self.ops = ops
    }

    public func encode(to buffer: inout ByteBuffer) {
        for op in ops {
            MultiHeader(type: op.opCode, done: false, err: .unrecognized(-1)).encode(to: &buffer)
            switch op {
            case .create(_, let request): request.encode(to: &buffer)
            case .createTTL(let request): request.encode(to: &buffer)
            case .delete(_, let request): request.encode(to: &buffer)
            case .setData(let request): request.encode(to: &buffer)
            case .check(let request): request.encode(to: &buffer)
            case .getChildren(let request): request.encode(to: &buffer)
            case .getData(let request): request.encode(to: &buffer)
            }
        }
        MultiHeader.end.encode(to: &buffer)
    }
}

extension MultiHeader {
    /// The header that ends a multi request or response: type -1, done, err -1.
    public static let end = MultiHeader(type: .error, done: true, err: .unrecognized(-1))
}

/// One result inside a multi or multiRead response.
public enum MultiResult: Hashable, Sendable {
    case create(CreateResponse)
    case create2(Create2Response)
    case delete
    case setData(SetDataResponse)
    case check
    case getChildren(GetChildrenResponse)
    case getData(GetDataResponse)
    /// A failed operation, or one rolled back because another failed.
    case error(ZKError)

    /// The opcode written in this result's MultiHeader.
    public var opCode: OpCode {
        switch self {
        case .create: return .create
        case .create2: return .create2
        case .delete: return .delete
        case .setData: return .setData
        case .check: return .check
        case .getChildren: return .getChildren
        case .getData: return .getData
        case .error: return .error
        }
    }
}

/// The body of a multi or multiRead reply: a MultiHeader and a record per
/// result, then a MultiHeader with done=true (MultiResponse).
public struct MultiResponse: JuteRecord {
    public var results: [MultiResult]

    public init(results: [MultiResult]) { self.results = results }

    public init(from reader: inout JuteReader) throws(JuteError) {
        var results: [MultiResult] = []
        while true {
            let header = try MultiHeader(from: &reader)
            if header.done { break }
            switch header.type {
            case .create: results.append(.create(try CreateResponse(from: &reader)))
            case .create2: results.append(.create2(try Create2Response(from: &reader)))
            case .delete: results.append(.delete)
            case .setData: results.append(.setData(try SetDataResponse(from: &reader)))
            case .check: results.append(.check)
            case .getChildren: results.append(.getChildren(try GetChildrenResponse(from: &reader)))
            case .getData: results.append(.getData(try GetDataResponse(from: &reader)))
            case .error: results.append(.error(try ErrorResponse(from: &reader).err))
            default:
                throw .invalidValue(record: "MultiHeader", field: "type", value: Int64(header.type.code))
            }
        }
        self.results = results
    }

    public func encode(to buffer: inout ByteBuffer) {
        for result in results {
            var err = ZKError.ok
            if case .error(let code) = result { err = code }
            MultiHeader(type: result.opCode, done: false, err: err).encode(to: &buffer)
            switch result {
            case .create(let response): response.encode(to: &buffer)
            case .create2(let response): response.encode(to: &buffer)
            case .setData(let response): response.encode(to: &buffer)
            case .getChildren(let response): response.encode(to: &buffer)
            case .getData(let response): response.encode(to: &buffer)
            case .error(let code): ErrorResponse(err: code).encode(to: &buffer)
            case .delete, .check: break
            }
        }
        MultiHeader.end.encode(to: &buffer)
    }
}
