# shellcheck shell=bash
# Start and stop throw-away ZooKeeper servers for the interop scripts.
# Source it (it is a library, not executable):
#
#   . scripts/lib/servers.sh
#   trap stop_all EXIT
#   port=$(free_port 22181)
#   start_apache  "$port" "$dir"   # Debian's Apache ZooKeeper 3.8, standalone
#   start_swiftzk "$port" "$dir"   # ${SWIFTZK:-<repo>/.build/debug/swiftzk} server DIR/zoo.cfg
#   stop_server "$dir"             # one server
#   stop_all                       # every server started by this shell
#
# Each server gets DIR/zoo.cfg, DIR/data, DIR/server.log and DIR/server.pid.
# Both servers share one config (write_zoo_cfg); everything binds 127.0.0.1.
# Functions return non-zero on failure (they never `exit`), so they work with
# and without `set -e`.  Everything they print goes to stderr.
# To start servers in parallel, run start_* in the background and add each
# DIR to SERVERS_STARTED yourself (a subshell's additions are lost), e.g.
#   start_apache 22181 "$a" & p1=$!; start_swiftzk 22182 "$b" & p2=$!
#   SERVERS_STARTED+=("$a" "$b"); wait "$p1" && wait "$p2" || exit 1
#
# Knobs (environment):
#   SWIFTZK               swiftzk binary (default <repo>/.build/debug/swiftzk)
#   SERVER_START_TIMEOUT  seconds to wait for "imok" (default 30)
#   ZK_SERVER_CP          classpath for Apache's server (default: Debian's jars)
#   ZK_SERVER_JVMFLAGS    extra JVM flags for Apache's server

SERVERS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVERS_REPO=$(cd "$SERVERS_LIB_DIR/../.." && pwd)
# zookeeper.jar's manifest Class-Path brings in its dependencies (jute, netty,
# slf4j-api, ...); slf4j-simple is the logging backend: it writes to stderr,
# which start_apache sends to DIR/server.log.
: "${ZK_SERVER_CP:=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar}"
: "${SERVER_START_TIMEOUT:=30}"

SERVERS_STARTED=()     # DIRs of the servers this shell started, for stop_all

servers_log() { printf '[servers %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# pid_alive PID: true while PID runs.  A zombie counts as dead: a server
# started from a subshell is reparented when that subshell exits, and its
# new parent may reap it only much later.
pid_alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

# port_in_use PORT: true when something listens on 127.0.0.1:PORT (or *:PORT).
port_in_use() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# free_port [START]: prints the first port >= START (default 22181) that
# nothing listens on.  Racy by nature, but good enough on a loopback box.
free_port() {
    local p=${1:-22181} last=$(( ${1:-22181} + 200 ))
    while [ "$p" -lt "$last" ]; do
        if ! port_in_use "$p"; then echo "$p"; return 0; fi
        p=$((p + 1))
    done
    servers_log "no free port in ${1:-22181}..$last"
    return 1
}

# listener_is PORT PID: true when PID owns the socket listening on PORT.
listener_is() {
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -q "pid=$2,"
}

# four_letter PORT WORD: sends a four-letter word, prints the answer.
four_letter() {
    printf '%s' "$2" | timeout 5 nc -q 1 -w 2 127.0.0.1 "$1" 2>/dev/null
}

# write_zoo_cfg PORT DIR: the one config both servers run with.
write_zoo_cfg() {
    local port=$1 dir=$2
    mkdir -p "$dir/data" || return 1
    cat > "$dir/zoo.cfg" <<EOF
tickTime=2000
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
admin.enableServer=false
extendedTypesEnabled=true
EOF
}

# wait_imok PORT DIR NAME: waits (bounded) until the server answers ruok with
# imok; fails early if its process died.  On failure prints the log tail.
wait_imok() {
    local port=$1 dir=$2 name=$3 pid deadline
    pid=$(cat "$dir/server.pid")
    deadline=$((SECONDS + SERVER_START_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ "$(four_letter "$port" ruok)" = imok ]; then
            # The answer must come from our process, not from some other
            # server that took the port (then ours fails to bind).
            if listener_is "$port" "$pid"; then
                servers_log "$name up on 127.0.0.1:$port (pid $pid, dir $dir)"
                return 0
            fi
            servers_log "$name: something else answers on port $port; tail of $dir/server.log:"
            tail -n 20 "$dir/server.log" >&2
            return 1
        fi
        if ! pid_alive "$pid"; then
            servers_log "$name (pid $pid) exited before answering ruok; tail of $dir/server.log:"
            tail -n 40 "$dir/server.log" >&2
            return 1
        fi
        sleep 0.2
    done
    servers_log "$name did not answer ruok with imok on 127.0.0.1:$port within ${SERVER_START_TIMEOUT}s; tail of $dir/server.log:"
    tail -n 40 "$dir/server.log" >&2
    return 1
}

# start_server NAME PORT DIR -- command...: common part of start_apache and
# start_swiftzk.  The command runs in the background with its output in
# DIR/server.log; its pid goes to DIR/server.pid.
start_server() {
    local name=$1 port=$2 dir=$3
    shift 4
    if port_in_use "$port"; then
        servers_log "$name: port $port is already in use"
        return 1
    fi
    write_zoo_cfg "$port" "$dir" || return 1
    # stdin from /dev/null: the server must not eat the caller's stdin.
    "$@" < /dev/null > "$dir/server.log" 2>&1 &
    echo $! > "$dir/server.pid"
    SERVERS_STARTED+=("$dir")
    wait_imok "$port" "$dir" "$name"
}

# start_apache PORT DIR: Debian's Apache ZooKeeper 3.8 (ZooKeeperServerMain,
# standalone) with DIR/zoo.cfg.
start_apache() {
    local port=$1 dir=$2
    mkdir -p "$dir" || return 1
    # shellcheck disable=SC2086  # ZK_SERVER_JVMFLAGS is a list of flags
    start_server apache "$port" "$dir" -- \
        java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
            -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
            -Dorg.slf4j.simpleLogger.showDateTime=true \
            ${ZK_SERVER_JVMFLAGS:-} \
            -cp "$ZK_SERVER_CP" \
            org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg"
}

# start_swiftzk PORT DIR: swiftzk with the same zoo.cfg.
start_swiftzk() {
    local port=$1 dir=$2 bin=${SWIFTZK:-$SERVERS_REPO/.build/debug/swiftzk}
    mkdir -p "$dir" || return 1
    if [ ! -x "$bin" ]; then
        servers_log "swiftzk binary not found at $bin (run 'swift build' or set SWIFTZK)"
        return 1
    fi
    start_server swiftzk "$port" "$dir" -- "$bin" server "$dir/zoo.cfg"
}

# stop_server DIR: SIGTERM, wait up to 10 s, then SIGKILL.  Quiet and
# successful if the server is not running.
stop_server() {
    local dir=$1 pid i
    [ -f "$dir/server.pid" ] || return 0
    pid=$(cat "$dir/server.pid")
    rm -f "$dir/server.pid"
    [ -n "$pid" ] && pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 200; i++)); do
        pid_alive "$pid" || break
        sleep 0.05
    done
    if pid_alive "$pid"; then
        servers_log "pid $pid ($dir) ignored SIGTERM for 10 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null
    fi
    # Reap it when it is our child (no-op otherwise). Its status is that of
    # a process we just killed: not an error, even under `set -e`.
    wait "$pid" 2>/dev/null || true
    return 0
}

# stop_all: stops every server started through this library by this shell.
# Safe to call more than once, e.g. from an EXIT trap.
stop_all() {
    local dir pid
    # SIGTERM to all first, so they shut down in parallel; then wait for each.
    for dir in "${SERVERS_STARTED[@]}"; do
        pid=$(cat "$dir/server.pid" 2>/dev/null) && [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
    done
    for dir in "${SERVERS_STARTED[@]}"; do
        stop_server "$dir"
    done
    SERVERS_STARTED=()
    return 0
}

# ---------------------------------------------------------------------------
# Additions for the durability scripts (scripts/interop/crash-loop,
# scripts/interop/disk-full).  They keep DIR/data between starts, so the
# same DIR can be started, killed and started again (on a new port if need
# be) to test recovery:
#
#   start_apache_cfg  PORT DIR [KEY=VALUE...]   # write_zoo_cfg + extra lines
#   start_swiftzk_cfg PORT DIR [KEY=VALUE...]
#   crash_server DIR                            # SIGKILL, no grace
#
# The extra KEY=VALUE lines must be keys write_zoo_cfg does not write (e.g.
# snapCount, preAllocSize, autopurge.purgeInterval).  To put the dataDir
# elsewhere (a small tmpfs, say), make DIR/data a symlink to it first:
# write_zoo_cfg's `mkdir -p DIR/data` leaves an existing symlink alone.

# write_zoo_cfg_extra PORT DIR [KEY=VALUE...]: write_zoo_cfg, then the extra
# lines appended in order.
write_zoo_cfg_extra() {
    local port=$1 dir=$2 kv
    shift 2
    write_zoo_cfg "$port" "$dir" || return 1
    for kv in "$@"; do
        case $kv in
            ?*=*) printf '%s\n' "$kv" >> "$dir/zoo.cfg" || return 1 ;;
            *) servers_log "write_zoo_cfg_extra: '$kv' is not KEY=VALUE"; return 1 ;;
        esac
    done
}

# launch_server NAME PORT DIR -- command...: start_server without writing
# DIR/zoo.cfg (it must exist).  The server's output is appended to
# DIR/server.log, so a log survives restarts.
launch_server() {
    local name=$1 port=$2 dir=$3
    shift 4
    if [ ! -f "$dir/zoo.cfg" ]; then
        servers_log "$name: $dir/zoo.cfg does not exist"
        return 1
    fi
    if port_in_use "$port"; then
        servers_log "$name: port $port is already in use"
        return 1
    fi
    local pid rc
    printf '=== %(%F %T)T launch %s on port %s\n' -1 "$name" "$port" >> "$dir/server.log"
    "$@" < /dev/null >> "$dir/server.log" 2>&1 &
    pid=$!
    echo "$pid" > "$dir/server.pid"
    SERVERS_STARTED+=("$dir")
    wait_imok "$port" "$dir" "$name" && return 0
    # Say how it ended if it exited (it is our child: its status is ours).
    if ! pid_alive "$pid"; then
        rc=0
        wait "$pid" 2>/dev/null || rc=$?
        if [ "$rc" -gt 128 ]; then
            servers_log "$name (pid $pid) was killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null))"
        else
            servers_log "$name (pid $pid) exited with status $rc"
        fi
    fi
    return 1
}

# apache_server_exec DIR: replaces the calling (sub)shell with Apache's
# server on DIR/zoo.cfg -- the command start_apache runs.
apache_server_exec() {
    # shellcheck disable=SC2086  # ZK_SERVER_JVMFLAGS is a list of flags
    exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
        -Dorg.slf4j.simpleLogger.showDateTime=true \
        ${ZK_SERVER_JVMFLAGS:-} \
        -cp "$ZK_SERVER_CP" \
        org.apache.zookeeper.server.ZooKeeperServerMain "$1/zoo.cfg"
}

# start_apache_cfg PORT DIR [KEY=VALUE...]: start_apache with extra cfg lines;
# keeps DIR/data (a restart recovers from it).
start_apache_cfg() {
    local port=$1 dir=$2
    shift 2
    mkdir -p "$dir" || return 1
    write_zoo_cfg_extra "$port" "$dir" "$@" || return 1
    launch_server apache "$port" "$dir" -- apache_server_exec "$dir"
}

# start_swiftzk_cfg PORT DIR [KEY=VALUE...]: start_swiftzk with extra cfg
# lines; keeps DIR/data (a restart recovers from it).
start_swiftzk_cfg() {
    local port=$1 dir=$2 bin=${SWIFTZK:-$SERVERS_REPO/.build/debug/swiftzk}
    shift 2
    mkdir -p "$dir" || return 1
    if [ ! -x "$bin" ]; then
        servers_log "swiftzk binary not found at $bin (run 'swift build' or set SWIFTZK)"
        return 1
    fi
    write_zoo_cfg_extra "$port" "$dir" "$@" || return 1
    launch_server swiftzk "$port" "$dir" -- "$bin" server "$dir/zoo.cfg"
}

# crash_server DIR: SIGKILL the server at once (no SIGTERM first) and wait,
# up to 10 s, until it is gone.  Quiet and successful if it is not running;
# fails if it outlives the wait.
crash_server() {
    local dir=$1 pid i
    [ -f "$dir/server.pid" ] || return 0
    pid=$(cat "$dir/server.pid")
    rm -f "$dir/server.pid"
    [ -n "$pid" ] && pid_alive "$pid" || return 0
    kill -KILL "$pid" 2>/dev/null
    for ((i = 0; i < 200; i++)); do
        pid_alive "$pid" || break
        sleep 0.05
    done
    wait "$pid" 2>/dev/null || true
    if pid_alive "$pid"; then
        servers_log "pid $pid ($dir) still alive 10 s after SIGKILL"
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------------------
# Additions for scripts/interop/session-hygiene: a server inside a network
# namespace (ip netns, needs root), checked through that namespace's own
# loopback.  The namespace is the caller's to create and delete.
#
#   write_zoo_cfg_wildcard PORT DIR [KEY=VALUE...]  # no clientPortAddress
#   four_letter_netns NS PORT WORD                  # via NS's 127.0.0.1
#   launch_server_netns NS NAME PORT DIR -- command...
#   start_apache_netns  NS PORT DIR                 # DIR/zoo.cfg must exist
#   start_swiftzk_netns NS PORT DIR
#
# stop_server, crash_server and stop_all work on these servers too (they act
# on DIR/server.pid; pids are not namespaced).

# write_zoo_cfg_wildcard PORT DIR [KEY=VALUE...]: like write_zoo_cfg but
# without clientPortAddress, so the server binds the (dual-stack) wildcard;
# the extra lines are appended in order.
write_zoo_cfg_wildcard() {
    local port=$1 dir=$2 kv
    shift 2
    mkdir -p "$dir/data" || return 1
    cat > "$dir/zoo.cfg" <<EOC || return 1
tickTime=2000
dataDir=$dir/data
clientPort=$port
4lw.commands.whitelist=*
admin.enableServer=false
EOC
    for kv in "$@"; do
        case $kv in
            ?*=*) printf '%s\n' "$kv" >> "$dir/zoo.cfg" || return 1 ;;
            *) servers_log "write_zoo_cfg_wildcard: '$kv' is not KEY=VALUE"; return 1 ;;
        esac
    done
}

# four_letter_netns NS PORT WORD: a four-letter word to 127.0.0.1:PORT inside NS.
four_letter_netns() {
    printf '%s' "$3" | timeout 5 ip netns exec "$1" nc -q 1 -w 2 127.0.0.1 "$2" 2>/dev/null
}

# launch_server_netns NS NAME PORT DIR -- command...: launch_server, with the
# command run inside network namespace NS (`ip netns exec` execs it, so
# DIR/server.pid is the server's own pid).  Waits (bounded) for imok on NS's
# 127.0.0.1:PORT from that pid.
launch_server_netns() {
    local ns=$1 name=$2 port=$3 dir=$4 pid deadline
    shift 5
    if [ ! -f "$dir/zoo.cfg" ]; then
        servers_log "$name: $dir/zoo.cfg does not exist"
        return 1
    fi
    if ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
        servers_log "$name: port $port is already in use in netns $ns"
        return 1
    fi
    printf '=== %(%F %T)T launch %s on port %s in netns %s\n' -1 "$name" "$port" "$ns" >> "$dir/server.log"
    ip netns exec "$ns" "$@" < /dev/null >> "$dir/server.log" 2>&1 &
    pid=$!
    echo "$pid" > "$dir/server.pid"
    SERVERS_STARTED+=("$dir")
    deadline=$((SECONDS + SERVER_START_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ "$(four_letter_netns "$ns" "$port" ruok)" = imok ]; then
            if ip netns exec "$ns" ss -Hltnp "sport = :$port" 2>/dev/null | grep -q "pid=$pid,"; then
                servers_log "$name up on port $port in netns $ns (pid $pid, dir $dir)"
                return 0
            fi
            servers_log "$name: something else answers on port $port in netns $ns; tail of $dir/server.log:"
            tail -n 20 "$dir/server.log" >&2
            return 1
        fi
        if ! pid_alive "$pid"; then
            servers_log "$name (pid $pid) exited before answering ruok; tail of $dir/server.log:"
            tail -n 40 "$dir/server.log" >&2
            return 1
        fi
        sleep 0.2
    done
    servers_log "$name did not answer ruok with imok on port $port in netns $ns within ${SERVER_START_TIMEOUT}s; tail of $dir/server.log:"
    tail -n 40 "$dir/server.log" >&2
    return 1
}

# start_apache_netns NS PORT DIR: Debian's Apache ZooKeeper 3.8 on
# DIR/zoo.cfg inside NS (the command start_apache runs).
start_apache_netns() {
    # shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
    launch_server_netns "$1" apache "$2" "$3" -- \
        bash -c '. "$1" && apache_server_exec "$2"' servers.sh "$SERVERS_LIB_DIR/servers.sh" "$3"
}

# start_swiftzk_netns NS PORT DIR: swiftzk on DIR/zoo.cfg inside NS.
start_swiftzk_netns() {
    local bin=${SWIFTZK:-$SERVERS_REPO/.build/debug/swiftzk}
    if [ ! -x "$bin" ]; then
        servers_log "swiftzk binary not found at $bin (run 'swift build' or set SWIFTZK)"
        return 1
    fi
    launch_server_netns "$1" swiftzk "$2" "$3" -- "$bin" server "$3/zoo.cfg"
}

# ---------------------------------------------------------------------------
# Addition for scripts/interop/apache-compat: Apache's own offline tools.
#
#   apache_java CLASS [ARGS...]    # e.g. org.apache.zookeeper.server.SnapshotFormatter -d FILE
#
# Runs a main class from Debian's Apache ZooKeeper jars with the server's
# classpath ($ZK_SERVER_CP: zookeeper.jar, whose manifest Class-Path brings
# jute, netty, ..., and slf4j-simple, which logs to stderr).  Its exit status
# is the tool's; stdin is /dev/null.
apache_java() {
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
        -cp "$ZK_SERVER_CP" "$@" < /dev/null
}
