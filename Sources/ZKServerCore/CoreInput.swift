import ZKProtocol

/// One input the shell gives the core (`ServerCore.step`), with the time
/// passed beside it.
public enum CoreInput: Sendable {
    /// A new connection. Over `maxClientCnxns` from its address, or over
    /// `maxCnxns` in all, the Ready closes it at once, as Apache does.
    case connectionOpened(ConnectionID, address: ClientAddress)
    /// The connection is gone (closed by either side). Its watches go; its
    /// session stays until it expires or its client resumes it elsewhere.
    case connectionClosed(ConnectionID)
    /// The first packet of a connection.
    case connect(ConnectionID, ConnectRequest)
    /// One request after the handshake, in arrival order. `body` is the
    /// decoded record, or why it could not be decoded; `receivedNanos` is
    /// when the shell read it (monotonic), for the latency figures.
    case request(ConnectionID, xid: Int32, opCode: OpCode, body: Result<ZKRequest, JuteError>, receivedNanos: UInt64?)
    /// The log made every transaction up to this zxid durable.
    case durable(upTo: Zxid)
    /// The log failed: nothing after this zxid was written.
    case logFailed(after: Zxid, reason: String)
    /// The log works again (space came back).
    case logRecovered
    /// Time passed: expire silent sessions, reap containers and TTL nodes.
    /// Give it often (every few tens of milliseconds).
    case tick
}
