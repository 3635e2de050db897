import ZKProtocol

/// What applying one transaction did: its path and resulting stat for the
/// reply, or the error it carried; one result per operation for a multi.
public struct TxnResult: Equatable, Sendable {
    public var type: OpCode
    public var path: [UInt8]?
    public var stat: Stat?
    public var err: ZKError
    public var multi: [TxnResult]?

    public init(type: OpCode, path: [UInt8]? = nil, stat: Stat? = nil, err: ZKError = .ok, multi: [TxnResult]? = nil) {
        self.type = type
        self.path = path
        self.stat = stat
        self.err = err
        self.multi = multi
    }
}
