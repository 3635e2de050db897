import NIOConcurrencyHelpers
import NIOCore
import ZKClient
import ZKProtocol

/// Real TCP (NIOTransport) with two faults a test can switch on:
/// `crash()` kills the connection and refuses every later one, as a client
/// process that died (nothing more leaves it, no closeSession); and
/// `dropNextReply()` closes the connection instead of delivering the next
/// reply to a numbered request, as a network that lost it.
final class FaultyTransport: ZKTransport, Sendable {
    private struct State {
        var crashed = false
        var dropNextReply = false
        var connections: [any ZKTransportConnection] = []
    }

    private let inner = NIOTransport()
    private let state = NIOLockedValueBox(State())

    struct Refused: Error {}

    func crash() {
        let open = state.withLockedValue { state -> [any ZKTransportConnection] in
            state.crashed = true
            defer { state.connections = [] }
            return state.connections
        }
        open.forEach { $0.close() }
    }

    func dropNextReply() {
        state.withLockedValue { $0.dropNextReply = true }
    }

    func connect(
        to host: ZKHost, on loop: any EventLoop, timeout: TimeAmount,
        onFrame: @escaping @Sendable (ByteBuffer) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any ZKTransportConnection> {
        if state.withLockedValue({ $0.crashed }) {
            return loop.makeFailedFuture(Refused())
        }
        let holder = NIOLockedValueBox<(any ZKTransportConnection)?>(nil)
        let state = self.state
        return inner.connect(to: host, on: loop, timeout: timeout, onFrame: { frame in
            let xid = frame.getInteger(at: frame.readerIndex, as: Int32.self) ?? 0
            let drop = xid > 0 && state.withLockedValue { state -> Bool in
                defer { state.dropNextReply = false }
                return state.dropNextReply
            }
            if drop {
                holder.withLockedValue { $0 }?.close()
                return
            }
            onFrame(frame)
        }, onClose: onClose).map { connection in
            holder.withLockedValue { $0 = connection }
            state.withLockedValue { $0.connections.append(connection) }
            return connection
        }
    }
}
