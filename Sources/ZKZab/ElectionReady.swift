import ZKProtocol

/// A notification the election wants sent to one server.
public struct ElectionMessage: Hashable, Sendable {
    /// The server to send it to.
    public var to: ServerID
    /// What to send.
    public var notification: Notification

    /// Creates a message.
    public init(to: ServerID, notification: Notification) {
        self.to = to
        self.notification = notification
    }
}

/// How an election ended for this server.
public struct ElectionDecision: Hashable, Sendable {
    /// LEADING when the leader is this server, else FOLLOWING, or OBSERVING
    /// for an observer.
    public var state: ServerState
    /// The vote the election ended on: the leader, the zxid and peerEpoch its
    /// voters knew it by, and the round (`electionEpoch`) it was decided in.
    public var vote: Vote

    /// Creates a decision.
    public init(state: ServerState, vote: Vote) {
        self.state = state
        self.vote = vote
    }

    /// The elected leader.
    public var leader: ServerID { ServerID(raw: vote.leader) }
}

/// What the shell must do after feeding the election its inputs: send the
/// messages, act on the decision, then call `Election.advance(_:)`.
public struct ElectionReady: Hashable, Sendable {
    /// Notifications to send, at most one per destination: a newer one
    /// replaces an unsent older one, as Apache keeps only the newest message
    /// queued for each peer (QuorumCnxManager's SEND_CAPACITY of 1). So the
    /// list never holds more than one message per server the shell has a
    /// connection to, and the shell's connection limit bounds it.
    public var messages: [ElectionMessage]
    /// Set once, when the election ends.
    public var decision: ElectionDecision?

    /// Creates a ready value.
    public init(messages: [ElectionMessage] = [], decision: ElectionDecision? = nil) {
        self.messages = messages
        self.decision = decision
    }

    /// True when there is nothing to do.
    public var isEmpty: Bool { messages.isEmpty && decision == nil }
}
