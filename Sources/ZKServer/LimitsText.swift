import ZKServerCore

/// How `conf` and `mntr` show the limits (`Limits.rows`).
///
/// `conf` prints each as `key=value` under its zoo.cfg key. `mntr` prints
/// each as `zk_limit_<name>`, the name being the zoo.cfg key without a
/// `swiftzk.` prefix, in snake case:
///
///     zk_limit_jute_maxbuffer                       bytes
///     zk_limit_global_outstanding_limit             requests
///     zk_limit_max_outstanding_per_connection       requests
///     zk_limit_max_queued_reply_bytes               bytes
///     zk_limit_max_watches_per_session              watches (0: none)
///     zk_limit_max_ephemerals_per_session           znodes (0: none)
///     zk_limit_max_client_cnxns                     connections (0: none)
///     zk_limit_max_cnxns                            connections (0: none)
///     zk_limit_max_log_queue_depth                  transactions
///
/// followed by the current figures (see `StateLoop.monitorFigures`):
/// `zk_requests_awaiting_reply`, `zk_log_queue_depth`,
/// `zk_connections_throttled`, `zk_connections_paused_for_backpressure`
/// and `zk_connections_closed_for_unread_replies`.
enum LimitsText {
    static func confLines(_ limits: Limits) -> [String] {
        limits.rows.map { "\($0.key)=\($0.value)" }
    }

    static func monitorRows(_ limits: Limits) -> [(String, String)] {
        limits.rows.map { ("zk_limit_" + monitorName($0.key), "\($0.value)") }
    }

    /// `swiftzk.maxQueuedReplyBytes` → `max_queued_reply_bytes`.
    static func monitorName(_ key: String) -> String {
        let bare = key.hasPrefix("swiftzk.") ? String(key.dropFirst("swiftzk.".count)) : key
        var name = ""
        for character in bare {
            if character == "." {
                name += "_"
            } else if character.isUppercase {
                name += "_" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }
}
