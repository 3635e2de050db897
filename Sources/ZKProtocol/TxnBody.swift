import NIOCore

/// The record that follows a TxnHeader in the transaction log or in a
/// MultiTxn, chosen by the header's type (as Apache's SerializeUtils reads it).
public enum TxnBody: Hashable, Sendable {
    case createSession(CreateSessionTxn)
    /// closeSession; `nil` when the log entry has no body (servers before 3.6,
    /// or with `zookeeper.closeSessionTxn.enabled=false`).
    case closeSession(CloseSessionTxn?)
    /// create and create2.
    case create(CreateTxn)
    /// A create written by servers before parentCVersion existed.
    case createV0(CreateTxnV0)
    case createTTL(CreateTTLTxn)
    case createContainer(CreateContainerTxn)
    /// delete and deleteContainer.
    case delete(DeleteTxn)
    case setData(SetDataTxn)
    /// reconfig: the new configuration, written as a SetDataTxn on /zookeeper/config.
    case reconfig(SetDataTxn)
    case setACL(SetACLTxn)
    case check(CheckVersionTxn)
    case error(ErrorTxn)
    case multi(MultiTxn)
    /// A transaction type with no body (e.g. a no-op).
    case none

    /// Reads the body of a transaction of type `type` from the rest of `reader`.
    public init(type: OpCode, from reader: inout JuteReader) throws(JuteError) {
        switch type {
        case .createSession: self = .createSession(try CreateSessionTxn(from: &reader))
        case .closeSession: self = .closeSession(reader.isAtEnd ? nil : try CloseSessionTxn(from: &reader))
        case .create, .create2:
            // Logs from before 3.3 hold CreateTxnV0, which lacks parentCVersion.
            let saved = reader
            do {
                self = .create(try CreateTxn(from: &reader))
            } catch {
                reader = saved
                self = .createV0(try CreateTxnV0(from: &reader))
            }
        case .createTTL: self = .createTTL(try CreateTTLTxn(from: &reader))
        case .createContainer: self = .createContainer(try CreateContainerTxn(from: &reader))
        case .delete, .deleteContainer: self = .delete(try DeleteTxn(from: &reader))
        case .setData: self = .setData(try SetDataTxn(from: &reader))
        case .reconfig: self = .reconfig(try SetDataTxn(from: &reader))
        case .setACL: self = .setACL(try SetACLTxn(from: &reader))
        case .check: self = .check(try CheckVersionTxn(from: &reader))
        case .error: self = .error(try ErrorTxn(from: &reader))
        case .multi: self = .multi(try MultiTxn(from: &reader))
        default: self = .none
        }
    }

    /// Reads the body of a transaction of type `type` from `bytes` (a
    /// sub-transaction of a MultiTxn holds its body as a buffer).
    public init(type: OpCode, bytes: [UInt8]) throws(JuteError) {
        var reader = JuteReader(ByteBuffer(bytes: bytes))
        try self.init(type: type, from: &reader)
    }

    /// The encoded body.
    public var encodedBytes: [UInt8] {
        var buffer = ByteBuffer()
        encode(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Appends the body.
    public func encode(to buffer: inout ByteBuffer) {
        switch self {
        case .createSession(let t): t.encode(to: &buffer)
        case .closeSession(let t): t?.encode(to: &buffer)
        case .create(let t): t.encode(to: &buffer)
        case .createV0(let t): t.encode(to: &buffer)
        case .createTTL(let t): t.encode(to: &buffer)
        case .createContainer(let t): t.encode(to: &buffer)
        case .delete(let t): t.encode(to: &buffer)
        case .setData(let t), .reconfig(let t): t.encode(to: &buffer)
        case .setACL(let t): t.encode(to: &buffer)
        case .check(let t): t.encode(to: &buffer)
        case .error(let t): t.encode(to: &buffer)
        case .multi(let t): t.encode(to: &buffer)
        case .none: break
        }
    }
}
