import ZKDataTree
import ZKProtocol
import ZKServerCore

/// A message on its way through the simulated network.
enum ToServer {
    case connect(ConnectRequest)
    case request(xid: Int32, ZKRequest)
}

enum ToClient {
    case outbound(Outbound)
    case closed
}

/// One connection: FIFO both ways, each message with its delivery time.
struct SimConnection {
    let client: Int
    var toServer: [(at: UInt64, message: ToServer)] = []
    var toClient: [(at: UInt64, message: ToClient)] = []
    var stalledUntil: UInt64 = 0
    var closing = false
}

/// A request a client waits on.
struct Outstanding {
    enum Op: CustomStringConvertible {
        case ping
        case read(path: [UInt8], watch: WatchKind?, exists: Bool)
        case create(parent: [UInt8], sequential: Bool)
        case write
        case closeSession

        var description: String {
            switch self {
            case .ping: return "ping"
            case .read(let path, _, _): return "read \(String(decoding: path, as: UTF8.self))"
            case .create(let parent, _): return "create under \(String(decoding: parent, as: UTF8.self))"
            case .write: return "write"
            case .closeSession: return "closeSession"
            }
        }
    }

    var xid: Int32
    var op: Op
    var sentNanos: UInt64
}

enum WatchKind {
    case data
    case child
}

struct SimWatch {
    var path: [UInt8]
    var kind: WatchKind
    /// The zxid the watch was set at: changes after it fire it.
    var setAt: Int64
}

/// A client: one session at a time, over one connection at a time.
struct SimClient {
    let index: Int
    var sessionID: Int64 = 0
    var password: [UInt8] = []
    var timeoutMillis: Int32 = 2000
    var connection: ConnectionID?
    var handshakeDone = false
    var nextXid: Int32 = 1
    var outstanding: [Outstanding] = []
    var watches: [SimWatch] = []
    var lastZxidSeen: Int64 = 0
    var lastSentNanos: UInt64 = 0
    var silentUntil: UInt64 = 0
    var closing = false

    init(index: Int) {
        self.index = index
    }
}

extension Simulation {
    static let parents: [[UInt8]] = ["/a", "/b", "/c"].map { Array($0.utf8) }
    static let names = (0..<6).map { "n\($0)" }
    /// Requests a simulated client keeps in flight at most.
    static let maxOutstandingPerClient = 8

    // MARK: Network

    func deliveryTime(afterLast last: UInt64?) -> UInt64 {
        let delay = UInt64(random.int(0...30)) * 1_000_000 + UInt64(random.int(0...999)) * 1000
        return max(monotonicNanos + delay, last ?? 0)
    }

    func enqueueToClient(_ id: ConnectionID, _ message: ToClient) {
        guard var connection = connections[id], !connection.closing else { return }
        if case .closed = message { connection.closing = true }
        connection.toClient.append((deliveryTime(afterLast: connection.toClient.last?.at), message))
        connections[id] = connection
    }

    func enqueueToServer(_ id: ConnectionID, _ message: ToServer) {
        guard var connection = connections[id] else { return }
        connection.toServer.append((deliveryTime(afterLast: connection.toServer.last?.at), message))
        connections[id] = connection
    }

    /// Delivers every message due, earliest first; FIFO within a connection,
    /// any order between connections.
    func deliverDue() {
        while result.findings.isEmpty {
            var best: (id: ConnectionID, at: UInt64, toServer: Bool)?
            for (id, connection) in connections where connection.stalledUntil <= monotonicNanos {
                if let first = connection.toServer.first, first.at <= monotonicNanos, best.map({ first.at < $0.at }) ?? true {
                    best = (id, first.at, true)
                }
                if let first = connection.toClient.first, first.at <= monotonicNanos, best.map({ first.at < $0.at }) ?? true {
                    best = (id, first.at, false)
                }
            }
            guard let best else { return }
            guard var connection = connections[best.id] else { return }
            if best.toServer {
                let message = connection.toServer.removeFirst()
                connections[best.id] = connection
                serverReceives(best.id, message.message)
            } else {
                let message = connection.toClient.removeFirst()
                connections[best.id] = connection
                clientReceives(best.id, message.message)
            }
        }
    }

    func serverReceives(_ id: ConnectionID, _ message: ToServer) {
        trace("connection \(id) -> server: \(message)")
        switch message {
        case .connect(let request):
            carryOut(core.step(.connect(id, request), now: now))
        case .request(let xid, let body):
            carryOut(core.step(.request(id, xid: xid, opCode: body.opCode, body: .success(body), receivedNanos: nil), now: now))
        }
    }

    /// The connection breaks: both sides hear of it now; what was in flight is lost.
    func resetConnection(_ id: ConnectionID) {
        dropConnection(id, tellCore: true)
    }

    func dropConnection(_ id: ConnectionID, tellCore: Bool) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        if tellCore { carryOut(core.step(.connectionClosed(id), now: now)) }
        let index = connection.client
        guard clients[index].connection == id else { return }
        clients[index].connection = nil
        clients[index].handshakeDone = false
        clients[index].outstanding = []
        clients[index].watches = []
        if clients[index].closing {
            // The closeSession's outcome is unknown; start afresh.
            clients[index].closing = false
            clients[index].sessionID = 0
        }
    }

    // MARK: Clients

    func clientActs(_ index: Int) {
        let client = clients[index]
        if client.silentUntil > monotonicNanos || client.closing { return }
        guard let id = client.connection else {
            openConnection(index)
            return
        }
        guard client.handshakeDone, client.outstanding.count < Self.maxOutstandingPerClient else { return }
        let choice = random.int(0...99)
        if choice < 2 {
            // Silence long enough for the session to expire.
            clients[index].silentUntil = monotonicNanos + UInt64(client.timeoutMillis) * 1_000_000 * UInt64(random.int(2...3))
            return
        }
        if choice < 4 {
            send(index, id, .closeSession, .closeSession)
            clients[index].closing = true
            return
        }
        let parent = Self.parents[random.int(0...(Self.parents.count - 1))]
        let path = parent + Array(("/" + Self.names[random.int(0...(Self.names.count - 1))]).utf8)
        let data = JuteBytes(Array("v\(random.int(0...99))".utf8))
        switch choice {
        case 4..<30:
            send(index, id, createRequest(parent: parent, path: path, data: data), .create(parent: parent, sequential: false))
        case 30..<34:
            send(index, id, .create(CreateRequest(path: JuteBytes(parent), data: data, acl: ACL.openACLUnsafe, flags: 0)), .write)
        case 34..<46:
            send(index, id, .setData(SetDataRequest(path: JuteBytes(path), data: data, version: -1)), .write)
        case 46..<56:
            send(index, id, .delete(DeleteRequest(path: JuteBytes(path), version: -1)), .write)
        case 56..<64:
            let other = parent + Array(("/" + Self.names[random.int(0...(Self.names.count - 1))]).utf8)
            let ops: [MultiOp] = [
                .create(.create, CreateRequest(path: JuteBytes(path), data: data, acl: ACL.openACLUnsafe, flags: 0)),
                random.chance(0.5) ? .setData(SetDataRequest(path: JuteBytes(other), data: data, version: -1))
                    : .delete(.delete, DeleteRequest(path: JuteBytes(other), version: -1)),
            ]
            send(index, id, .multi(MultiRequest(ops: ops)), .write)
        case 64..<76:
            let watch = random.chance(0.6)
            send(index, id, .getData(GetDataRequest(path: JuteBytes(path), watch: watch)), .read(path: path, watch: watch ? .data : nil, exists: false))
        case 76..<86:
            let watch = random.chance(0.6)
            send(index, id, .exists(ExistsRequest(path: JuteBytes(path), watch: watch)), .read(path: path, watch: watch ? .data : nil, exists: true))
        default:
            let watch = random.chance(0.6)
            send(index, id, .getChildren(GetChildrenRequest(path: JuteBytes(parent), watch: watch)), .read(path: parent, watch: watch ? .child : nil, exists: false))
        }
    }

    func createRequest(parent: [UInt8], path: [UInt8], data: JuteBytes) -> ZKRequest {
        let modes: [CreateMode] = [.persistent, .ephemeral, .persistentSequential, .ephemeralSequential, .container,
                                   .persistentWithTTL, .persistentSequentialWithTTL]
        let mode = modes[random.int(0...(modes.count - 1))]
        let request = CreateRequest(path: JuteBytes(path), data: data, acl: ACL.openACLUnsafe, flags: mode.code)
        switch mode {
        case .container: return .createContainer(request)
        case .persistentWithTTL, .persistentSequentialWithTTL:
            return .createTTL(CreateTTLRequest(path: request.path, data: data, acl: request.acl, flags: mode.code,
                                               ttl: Int64(random.int(200...3000))))
        default: return random.chance(0.5) ? .create(request) : .create2(request)
        }
    }

    func send(_ index: Int, _ id: ConnectionID, _ request: ZKRequest, _ op: Outstanding.Op) {
        var xid = clients[index].nextXid
        if case .ping = request { xid = SpecialXid.ping } else { clients[index].nextXid += 1 }
        var op = op
        if case .create(let parent, _) = op, case .create(let r) = request { op = .create(parent: parent, sequential: Self.isSequential(r.flags)) }
        if case .create(let parent, _) = op, case .create2(let r) = request { op = .create(parent: parent, sequential: Self.isSequential(r.flags)) }
        if case .create(let parent, _) = op, case .createTTL(let r) = request { op = .create(parent: parent, sequential: Self.isSequential(r.flags)) }
        clients[index].outstanding.append(Outstanding(xid: xid, op: op, sentNanos: monotonicNanos))
        clients[index].lastSentNanos = monotonicNanos
        enqueueToServer(id, .request(xid: xid, request))
    }

    func keepAlive(_ index: Int) {
        let client = clients[index]
        guard let id = client.connection, client.handshakeDone, !client.closing, client.silentUntil <= monotonicNanos,
              monotonicNanos - client.lastSentNanos > UInt64(client.timeoutMillis) * 1_000_000 / 3 else { return }
        send(index, id, .ping, .ping)
    }

    func openConnection(_ index: Int) {
        let id = nextConnectionID
        nextConnectionID.raw += 1
        connections[id] = SimConnection(client: index)
        clients[index].connection = id
        clients[index].handshakeDone = false
        clients[index].lastSentNanos = monotonicNanos
        let address = ClientAddress(bytes: [10, 0, 0, UInt8(index + 1)], host: "10.0.0.\(index + 1)", port: Int(id.raw % 60000) + 1024)
        carryOut(core.step(.connectionOpened(id, address: address), now: now))
        if clients[index].sessionID == 0 { clients[index].timeoutMillis = Int32(random.int(400...3000)) }
        let client = clients[index]
        enqueueToServer(id, .connect(ConnectRequest(lastZxidSeen: client.lastZxidSeen, timeOut: client.timeoutMillis,
                                                     sessionId: client.sessionID, passwd: JuteBytes(client.password))))
    }

    func clientReceives(_ id: ConnectionID, _ message: ToClient) {
        guard let connection = connections[id] else { return }
        let index = connection.client
        trace("connection \(id) -> client \(index): \(message)")
        switch message {
        case .closed:
            dropConnection(id, tellCore: true)
        case .outbound(.connectResponse(let response)):
            if response.sessionId == 0 {
                // Expired (or unknown after a crash): its ephemerals must go.
                if clients[index].sessionID != 0 {
                    deadSessions.insert(SessionID(raw: clients[index].sessionID))
                    result.expiredSessions += 1
                }
                clients[index].sessionID = 0
                clients[index].password = []
                return
            }
            clients[index].sessionID = response.sessionId
            clients[index].password = response.passwd.bytesOrEmpty
            clients[index].timeoutMillis = response.timeOut
            clients[index].handshakeDone = true
        case .outbound(.notification(_, let event)):
            let path = event.path.bytesOrEmpty
            clients[index].watches.removeAll { watch in
                guard watch.path == path else { return false }
                switch event.type {
                case .nodeChildrenChanged: return watch.kind == .child
                case .nodeDeleted: return true
                default: return watch.kind == .data
                }
            }
        case .outbound(.reply(let header, let body)):
            clientGetsReply(index, header, body)
        }
    }

    func clientGetsReply(_ index: Int, _ header: ReplyHeader, _ body: ZKResponse?) {
        guard let expected = clients[index].outstanding.first else {
            report(.replyOrder, "client \(index) got a reply (xid \(header.xid)) to nothing")
            return
        }
        guard expected.xid == header.xid else {
            report(.replyOrder, "client \(index) expected the reply to xid \(expected.xid) (\(expected.op)), got xid \(header.xid)")
            return
        }
        clients[index].outstanding.removeFirst()
        if header.zxid > 0 {
            checkWatches(index, before: header.zxid)
            clients[index].lastZxidSeen = max(clients[index].lastZxidSeen, header.zxid)
        }
        switch expected.op {
        case .ping:
            break
        case .read(let path, let watch, let exists):
            // exists also watches a node that is not there; getData does not.
            if let watch, header.err == .ok || (header.err == .noNode && exists) {
                clients[index].watches.append(SimWatch(path: path, kind: watch, setAt: header.zxid))
            }
        case .create(let parent, let sequential):
            guard header.err == .ok else { break }
            acknowledge(Zxid(raw: header.zxid))
            if sequential, let created = createdPath(body) {
                if sequentialNames[parent, default: []].insert(created).inserted == false {
                    report(.sequenceRepeated, "\(String(decoding: created, as: UTF8.self)) created twice under \(String(decoding: parent, as: UTF8.self))")
                }
            }
        case .write:
            if header.err == .ok { acknowledge(Zxid(raw: header.zxid)) }
        case .closeSession:
            if header.err == .ok {
                acknowledge(Zxid(raw: header.zxid))
                deadSessions.insert(SessionID(raw: clients[index].sessionID))
            }
            clients[index].closing = false
            clients[index].sessionID = 0
            clients[index].password = []
        }
    }

    func acknowledge(_ zxid: Zxid) {
        result.acknowledgedWrites += 1
        maxAckedZxid = max(maxAckedZxid, zxid)
    }

    func createdPath(_ body: ZKResponse?) -> [UInt8]? {
        switch body {
        case .create(let r): return r.path.bytesOrEmpty
        case .create2(let r): return r.path.bytesOrEmpty
        default: return nil
        }
    }

    /// A reply showing the tree at `zxid` must come after every event its
    /// client's watches fired up to there.
    func checkWatches(_ index: Int, before zxid: Int64) {
        for watch in clients[index].watches where watch.setAt < zxid {
            for fired in watch.setAt + 1 ... zxid {
                for trigger in triggers[fired] ?? [] where trigger.path == watch.path {
                    if (watch.kind == .data && trigger.data) || (watch.kind == .child && trigger.child) {
                        report(.watchAfterReply, "client \(index): a reply at zxid \(hex(zxid)) came before the \(trigger.type) event of \(hex(fired)) on \(String(decoding: watch.path, as: UTF8.self))")
                        return
                    }
                }
            }
        }
    }
}

extension Simulation {
    static func isSequential(_ flags: Int32) -> Bool {
        switch CreateMode(code: flags) {
        case .persistentSequential, .ephemeralSequential, .persistentSequentialWithTTL: return true
        default: return false
        }
    }
}
