import ZKProtocol

// The shell's entry points: every input goes through `step`, and what it
// produces comes back as one `Ready`.
extension ServerCore {
    /// Runs one input and returns what it produced.
    public mutating func step(_ input: CoreInput, now: Now) -> Ready {
        var ready = Ready()
        step(input, now: now, into: &ready)
        return ready
    }

    /// Runs one input and appends what it produced to `ready`, after what is
    /// already there; `committed` becomes the higher of the two. A shell that
    /// keeps one Ready and empties it with `removeAll(keepingCapacity: true)`
    /// allocates nothing per step for it.
    public mutating func step(_ input: CoreInput, now: Now, into ready: inout Ready) {
        let appliedBefore = committed.lastProcessedZxid
        switch input {
        case .connectionOpened(let id, let address):
            connectionOpened(id, address: address, now: now, actions: &ready)
        case .connectionClosed(let id):
            connectionClosed(id, now: now)
        case .connect(let id, let request):
            connect(id, request, now: now, actions: &ready)
        case .request(let id, let xid, let opCode, let body, let receivedNanos):
            request(id, xid: xid, opCode: opCode, body: body, receivedNanos: receivedNanos, now: now, actions: &ready)
        case .durable(let zxid):
            durable(upTo: zxid, now: now, actions: &ready)
        case .logFailed(let zxid, let reason):
            logFailed(after: zxid, reason: reason, now: now, actions: &ready)
        case .logRecovered:
            logRecovered()
        case .tick:
            tick(now: now, actions: &ready)
        }
        let appliedAfter = committed.lastProcessedZxid
        if appliedAfter > appliedBefore { ready.noteCommitted(appliedAfter) }
    }

    // MARK: Admin actions

    /// Expires a session at once, as if it had timed out; its closeSession
    /// goes into `ready.toLog`. Returns the report for the admin.
    public mutating func expireSession(_ sessionID: SessionID, now: Now, into ready: inout Ready) -> String {
        expireSession(sessionID, now: now, actions: &ready)
    }

    /// Closes every connection from `host` (the closes go into
    /// `ready.toSend`); their sessions stay until they expire or their
    /// clients return. Returns the report for the admin.
    public mutating func closeConnections(fromHost host: String, into ready: inout Ready) -> String {
        closeConnections(fromHost: host, actions: &ready)
    }
}
