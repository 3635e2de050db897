#!/usr/bin/env bash
# Capture golden wire-byte and on-disk fixtures from Debian's Apache ZooKeeper 3.8.
#
#   scripts/capture-fixtures/run.sh
#
# Starts a throw-away standalone Apache ZooKeeper on 127.0.0.1:21810 (fresh
# temp dataDir), captures loopback traffic with tshark, drives scripted
# sessions with real clients (kazoo, zkCli.sh, Apache's Java client library,
# the C client cli_mt), stops everything, then
#   * splits the capture into Tests/Fixtures/wire/<client>-<scenario>.frames
#     (extract.py), and
#   * copies the server's version-2/ log.* and snapshot.* files into
#     Tests/Fixtures/disk/apache-3.8/.
# Everything stays on 127.0.0.1.  Needs root (tshark on lo) and the packages
# installed by scripts/setup.  Re-runnable: old fixtures are replaced; every
# run yields different timestamps, session ids, passwords and zxids.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=21810          # ZooKeeper client port (the only port captured)
PROXY_PORT=21811    # dropproxy.py: relay used to force client reconnects
CTL_PORT=21812      # dropproxy.py control port
WIRE_OUT="$REPO/Tests/Fixtures/wire"
DISK_OUT="$REPO/Tests/Fixtures/disk/apache-3.8"
ZKCLI=/usr/share/zookeeper/bin/zkCli.sh
CLIMT=/usr/lib/zookeeper/bin/cli_mt
ZKJAR=/usr/share/java/zookeeper.jar
# zookeeper.jar's manifest Class-Path pulls in its dependencies (jute, netty,
# slf4j-api, ...); slf4j-simple gives the server a log on stderr.
SERVER_CP="/etc/zookeeper/conf:$ZKJAR:/usr/share/java/slf4j-simple.jar"

WORK=$(mktemp -d /tmp/swiftzk-capture.XXXXXX)
PCAP="$WORK/capture.pcap"
MANIFEST="$WORK/manifest.tsv"
DATA="$WORK/data"
SERVER_PID= TSHARK_PID= PROXY_PID=

log() { printf '[capture %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

stop_pid() { # pid signal
    local pid=$1 sig=${2:-TERM}
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -s "$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -s KILL "$pid" 2>/dev/null || true
}

cleanup() {
    stop_pid "$PROXY_PID"
    stop_pid "$TSHARK_PID" INT
    stop_pid "$SERVER_PID"
    log "work dir (pcap, server log, manifest): $WORK"
}
trap cleanup EXIT

for tool in java tshark nc python3 "$CLIMT" "$ZKCLI"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (run scripts/setup)" >&2; exit 1; }
done
python3 -c 'import kazoo' || { echo "python kazoo missing (run scripts/setup)" >&2; exit 1; }
for p in $PORT $PROXY_PORT $CTL_PORT; do
    if ss -Hltn "sport = :$p" | grep -q .; then echo "port $p already in use" >&2; exit 1; fi
done

# ---------------------------------------------------------------- server ---
mkdir -p "$DATA"
cat > "$WORK/zoo.cfg" <<EOF
tickTime=2000
dataDir=$DATA
clientPort=$PORT
clientPortAddress=127.0.0.1
extendedTypesEnabled=true
preAllocSize=64
snapCount=20
4lw.commands.whitelist=*
admin.enableServer=false
EOF
log "starting Apache ZooKeeper ($(dpkg-query -W -f='${Version}' zookeeper)) on 127.0.0.1:$PORT"
java -cp "$SERVER_CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
    org.apache.zookeeper.server.ZooKeeperServerMain "$WORK/zoo.cfg" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 150); do
    [ "$(printf ruok | nc -q 1 127.0.0.1 $PORT 2>/dev/null)" = imok ] && break
    kill -0 "$SERVER_PID" || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.2
done
[ "$(printf ruok | nc -q 1 127.0.0.1 $PORT)" = imok ] || { echo "server did not come up" >&2; exit 1; }

python3 "$HERE/dropproxy.py" $PROXY_PORT $PORT $CTL_PORT > "$WORK/proxy.log" 2>&1 &
PROXY_PID=$!

# --------------------------------------------------------------- capture ---
log "starting tshark on lo, filter 'tcp port $PORT' -> $PCAP"
tshark -i lo -f "tcp port $PORT" -w "$PCAP" -q > "$WORK/tshark.log" 2>&1 &
TSHARK_PID=$!
for _ in $(seq 100); do grep -q "Capturing on" "$WORK/tshark.log" && break; sleep 0.1; done
grep -q "Capturing on" "$WORK/tshark.log" || { cat "$WORK/tshark.log" >&2; exit 1; }
sleep 1

# scenario NAMES CLIENT DESCRIPTION -- command...
# Records the time window of a scenario; extract.py maps every TCP connection
# that starts inside the window to the next name in NAMES.
scenario() {
    local names=$1 client=$2 desc=$3; shift 4
    log "scenario $names"
    local t0; t0=$(date +%s.%N)
    "$@"
    sleep 1.5   # let FIN/ACKs and late packets land inside the window
    printf '%s\t%s\t%s\t%s\t%s\n' "$t0" "$(date +%s.%N)" "$names" "$client" "$desc" >> "$MANIFEST"
    sleep 0.5
}

drop_connections() { # make every client behind dropproxy.py reconnect
    printf 'drop\n' | nc -q 1 127.0.0.1 $CTL_PORT >&2
}

KAZOO="kazoo $(python3 -c 'import kazoo; print(kazoo.__version__)') (python $(python3 -c 'import platform; print(platform.python_version())'))"
ZKPKG="zookeeper $(dpkg-query -W -f='${Version}' zookeeper)"
CPKG="zookeeper-bin $(dpkg-query -W -f='${Version}' zookeeper-bin)"
JAVAV=$(java -version 2>&1 | head -1 | sed 's/"//g')

run_kazoo() { python3 "$HERE/kazoo_session.py" "$@"; }
run_zkcli() { # host:port, commands on stdin
    # zkCli exits non-zero when some command in the session failed (we make
    # several fail on purpose), so only a missing quit would be a problem.
    "$ZKCLI" -timeout 4000 -server "$1" > "$WORK/zkcli.$2.out" 2>&1 || log "zkCli.sh ($2) exit status $?"
}
run_climt() { # host:port tag [extra args], commands on stdin
    local hp=$1 tag=$2; shift 2
    "$CLIMT" -h "$hp" "$@" > "$WORK/climt.$tag.out" 2>&1
}
z() { printf '%s\n' "$*"; sleep 0.15; }       # one zkCli command
c() { printf '%s\n' "$*"; sleep 0.3; }        # one cli_mt command

# ---------------------------------------------------------------- kazoo ---
scenario kazoo-main "$KAZOO" \
    "create (persistent/ephemeral/sequential/ephemeral-sequential/makepath/create2), exists+watch, get+watch then set (WatcherEvent xid -1), set with version and bad version, getChildren/getChildren2 with watches, getACL/setACL (digest, ip, world), NoAuth then addauth digest, delete (versioned, NotEmpty, NoNode), sync, 70000-byte value, multi ok + failing multis, reconfig (ReconfigDisabled), idle pings, closeSession" \
    -- run_kazoo 127.0.0.1:$PORT main

scenario kazoo-reconnect-1,kazoo-reconnect-2 "$KAZOO" \
    "same session on two TCP connections: watches + addauth on connection 1, kazoo's socket is shut down underneath it, kazoo reconnects with sessionId/passwd/lastZxid and re-sends auth (xid -4); kazoo 2.11 sends no SetWatches; idle pings; closeSession on connection 2" \
    -- run_kazoo 127.0.0.1:$PORT reconnect

scenario kazoo-resume-orphan "$KAZOO" \
    "new session creating an ephemeral, then the process exits WITHOUT closeSession (socket closed by the kernel)" \
    -- run_kazoo 127.0.0.1:$PORT resume-orphan "$WORK/kazoo.id"

scenario kazoo-resume "$KAZOO" \
    "fresh KazooClient(client_id=(sessionId, passwd)) resuming the session left by kazoo-resume-orphan (ConnectRequest with non-zero sessionId and passwd, lastZxidSeen 0), ops on its ephemeral, idle pings, closeSession" \
    -- run_kazoo 127.0.0.1:$PORT resume "$WORK/kazoo.id"

# -------------------------------------------------------------- zkCli.sh ---
zkcli_main_cmds() {
    z create /zkcli zkcli-root
    z create /zkcli/plain data0
    z create -e /zkcli/eph e
    z create -s /zkcli/seq- s
    z create -e -s /zkcli/eseq- es
    z create -c /zkcli/ctr c
    z create /zkcli/ctr/child x
    z create -t 60000 /zkcli/ttl t
    z create -s -t 60000 /zkcli/ttlseq- ts
    z create /zkcli/plain dup
    z create /zkcli/nope/x
    z get /zkcli/plain
    z get -s /zkcli/plain
    z get -w /zkcli/plain
    z set /zkcli/plain data1
    z set -s /zkcli/plain data2
    z set -v 2 /zkcli/plain data3
    z set -v 99 /zkcli/plain bad
    z get /zkcli/missing
    z stat /zkcli/plain
    z stat -w /zkcli/later
    z create /zkcli/later now
    z ls /zkcli
    z ls -s /zkcli
    z ls -w /zkcli
    z create /zkcli/kid k
    z ls -R /zkcli
    z getAllChildrenNumber /zkcli
    z getAllChildrenNumber /
    z getEphemerals /zkcli
    z getEphemerals
    z getAcl /zkcli/plain
    z getAcl -s /zkcli/plain
    z addauth digest zk:secret
    z whoami
    z setAcl /zkcli/plain auth:zk:secret:cdrwa
    z setAcl /zkcli/kid 'digest:other:C9oU18wYV9MKI6QqDxMNatrbkNI=:cdrwa'
    z setAcl -v 0 /zkcli/ttl ip:127.0.0.1:cdrwa,world:anyone:r
    z setAcl -s /zkcli/later world:anyone:cdrwa
    z setAcl -v 42 /zkcli/later world:anyone:cdrwa
    z setAcl -R /zkcli/ctr world:anyone:cdrwa
    z getAcl /zkcli/kid
    z get /zkcli/kid
    z sync /zkcli
    z addWatch -m PERSISTENT /zkcli/plain
    z addWatch -m PERSISTENT_RECURSIVE /zkcli
    z addWatch /zkcli/later
    z set /zkcli/plain data4
    z create /zkcli/plain/sub s
    z delete /zkcli/plain/sub
    z removewatches /zkcli/plain
    z removewatches /zkcli -a
    z removewatches /zkcli/later
    z stat -w /zkcli/missing2
    z removewatches /zkcli/missing2 -d
    z ls -w /zkcli/ctr
    z removewatches /zkcli/ctr -c
    sleep 3   # idle > timeout/3 -> pings
    z delete /zkcli/later
    z delete -v 0 /zkcli/kid
    z delete /zkcli/ctr
    z delete /zkcli/nope
    z delete -v 99 /zkcli/eph
    z deleteall /zkcli/ctr
    z create /zkcli/tree t
    z create /zkcli/tree/a a
    z create /zkcli/tree/a/b b
    z create /zkcli/tree/c c
    z deleteall -b 2 /zkcli/tree
    z config
    z config -s
    z reconfig -add 'server.2=127.0.0.1:21820:21821;127.0.0.1:21822'
    z setquota -n 10 /zkcli
    z create /zkcli-q q
    z setquota -b 1000 /zkcli-q
    z listquota /zkcli
    z listquota /zkcli-q
    z delquota -n /zkcli
    z delquota /zkcli-q
    z listquota /zkcli
    z quit
}
scenario zkcli-main "zkCli.sh ($ZKPKG, ZooKeeperMain, $JAVAV)" \
    "one long zkCli.sh session (commands piped on stdin, -timeout 4000): create plain/-e/-s/-e -s/-c/-t/-s -t (+ NodeExists/NoNode), get/-s/-w, set/-s/-v (+ BadVersion), stat/-w, ls/-s/-w/-R, getAllChildrenNumber, getEphemerals, getAcl/-s, addauth digest, whoami, setAcl auth/digest/ip/world/-v/-s/-R (+ NoAuth read), sync, addWatch PERSISTENT/PERSISTENT_RECURSIVE + events, removewatches -a/-d/-c, idle pings, delete/-v (+ NotEmpty, NoNode, BadVersion), deleteall (multi batches), config/-s, reconfig (error), setquota/listquota/delquota, quit (closeSession)" \
    -- run_zkcli 127.0.0.1:$PORT main < <(zkcli_main_cmds)

zkcli_reconnect_cmds() {
    z create /zkcli-rc rc
    z create /zkcli-rc/d d0
    z addauth digest zk:secret
    z get -w /zkcli-rc/d
    z ls -w /zkcli-rc
    z stat -w /zkcli-rc/missing
    sleep 0.5; drop_connections; sleep 3
    z set /zkcli-rc/d d1
    z create /zkcli-rc/missing m
    z addWatch -m PERSISTENT /zkcli-rc/d
    z addWatch /zkcli-rc
    z get -w /zkcli-rc/d
    z ls -w /zkcli-rc
    sleep 0.5; drop_connections; sleep 3
    z set /zkcli-rc/d d2
    z create /zkcli-rc/e e
    sleep 3
    z quit
}
scenario zkcli-reconnect-1,zkcli-reconnect-2,zkcli-reconnect-3 "zkCli.sh ($ZKPKG, ZooKeeperMain, $JAVAV) via dropproxy.py" \
    "one session, three TCP connections: get -w/ls -w/stat -w + addauth; relay drops the connection -> reconnect with sessionId/passwd/lastZxid, auth re-sent (xid -4), SetWatches (101, xid -8); watches fire; addWatch PERSISTENT/PERSISTENT_RECURSIVE; drop again -> SetWatches2 (105); events; quit (closeSession) on connection 3" \
    -- run_zkcli 127.0.0.1:$PROXY_PORT reconnect < <(zkcli_reconnect_cmds)

# ---------------------------------------------------- Java client library ---
scenario javaapi-main "Apache Java client library ($ZKPKG, org.apache.zookeeper.admin.ZooKeeperAdmin, $JAVAV), scripts/capture-fixtures/JavaApiSession.java" \
    "addAuth digest; create/create2/createContainer/createTTL (+ sequential TTL, ephemeral(-sequential)) with NodeExists/NoNode/NoChildrenForEphemerals; ACL schemes auth/digest/ip/world with NoAuth and BadVersion; whoAmI, getEphemerals, getAllChildrenNumber; exists/getData/getChildren/getChildren2 watches; addWatch PERSISTENT + PERSISTENT_RECURSIVE and their events; checkWatches (17) and removeWatches (18) with *WatchRemoved events; multi ok (incl. TTL/container creates) and failing; multiRead with a failing op; 12 pipelined async requests; getConfig; reconfig (ReconfigDisabled); sync; idle pings; closeSession" \
    -- java -cp "$ZKJAR" "$HERE/JavaApiSession.java" 127.0.0.1:$PORT > "$WORK/javaapi.out" 2>&1

# --------------------------------------------------------------- cli_mt ---
climt_main_cmds() {
    c create /climt
    c create /climt/plain
    c create +e /climt/eph
    c create +s /climt/seq-
    c create +es /climt/eseq-
    c create +c /climt/ctr
    c create /climt/ctr/child
    c create +t=60000 /climt/ttl
    c create +st=60000 /climt/ttlseq-
    c create2 /climt/c2
    c create2 +e /climt/c2e
    c create2 +s /climt/c2s-
    c create2 +es /climt/c2es-
    c create2 +c /climt/c2ctr
    c create2 +t=60000 /climt/c2ttl
    c create /climt/plain
    c create /climt/nope/x
    c get /climt/plain
    c set /climt/plain hello
    c get /climt/missing
    c set /climt/missing x
    c ls /climt
    c ls2 /climt
    c create /climt/kid
    c ls /climt/missing
    c exists /climt/plain
    c exists /climt/missing
    c wexists /climt/later
    c create /climt/later
    c set /climt/plain again
    c sync /climt
    c addauth digest climt:secret
    c config
    c 'reconfig -add server.2=127.0.0.1:21820:21821;127.0.0.1:21822'
    c 'reconfig -remove 3'
    c 'reconfig -members server.1=127.0.0.1:21830:21831;127.0.0.1:21810 -version 100000000'
    c myid
    c aget /climt/plain
    c delete /climt/later
    c delete /climt
    c delete /climt/missing
    sleep 11   # 30 s session (hard-coded in cli_mt) -> ping after 10 s idle
    c get /climt/c2
    c reinit   # zookeeper_close (closeSession) + brand-new session on a new connection
    sleep 1
    c ls2 /climt
    c quit
    sleep 1
}
scenario climt-main,climt-main-reinit "cli_mt ($CPKG, C client, libzookeeper_mt)" \
    "cli_mt commands: create/create2 with +e/+s/+es/+c/+t=/+st= (createContainer, createTTL), NodeExists/NoNode, get (watch), set, ls/ls2 (watch), exists/wexists, sync, addauth digest, config (getData /zookeeper/config + watch), reconfig -add/-remove/-members (errors), delete (+ NotEmpty/NoNode), idle ping, then 'reinit' = closeSession + a new session on a second connection, quit (closeSession). 'od' omitted: it sends 200 x 64 KiB setData + getData" \
    -- run_climt 127.0.0.1:$PORT main < <(climt_main_cmds)

climt_reconnect_cmds() {
    c create /climt-rc
    c create /climt-rc/d
    c addauth digest climt:secret
    c get /climt-rc/d
    c ls /climt-rc
    c exists /climt-rc/missing
    sleep 1; drop_connections; sleep 5
    c set /climt-rc/d changed
    c create /climt-rc/missing
    sleep 1
    c quit
    sleep 1
}
scenario climt-reconnect-1,climt-reconnect-2 "cli_mt ($CPKG, C client) via dropproxy.py" \
    "one session, two TCP connections: get/ls/exists watches + addauth; relay drops the connection -> C client reconnects with sessionId/passwd/lastZxid, re-sends auth and SetWatches (101); watches fire; quit (closeSession)" \
    -- run_climt 127.0.0.1:$PROXY_PORT reconnect < <(climt_reconnect_cmds)

climt_readonly_cmds() {
    c get /climt/plain
    c ls2 /climt
    c quit
    sleep 1
}
scenario climt-readonly "cli_mt ($CPKG, C client) -r" \
    "ConnectRequest with readOnly=true against a read-write standalone server; get, ls2, quit" \
    -- run_climt 127.0.0.1:$PORT readonly -r < <(climt_readonly_cmds)

# -------------------------------------------------------- four letter words ---
fourlw() { for w in "$@"; do printf '%s' "$w" | nc -q 2 127.0.0.1 $PORT > /dev/null; sleep 0.3; done; }
FOURLW=(ruok srvr stat conf cons wchs wchc wchp dump mntr isro crst srst)   # envi left out: it dumps host environment
scenario "$(printf '4lw-%s,' "${FOURLW[@]}" | sed 's/,$//')" "netcat (nc -q 2)" \
    "four-letter-word command; raw bytes, not length-framed" \
    -- fourlw "${FOURLW[@]}"

# ------------------------------------------------------------------ stop ---
sleep 1
log "stopping tshark and the server"
stop_pid "$TSHARK_PID" INT; TSHARK_PID=
stop_pid "$PROXY_PID"; PROXY_PID=
stop_pid "$SERVER_PID"; SERVER_PID=

# --------------------------------------------------------------- outputs ---
rm -f "$WIRE_OUT"/*.frames
mkdir -p "$WIRE_OUT"
log "extracting frames -> $WIRE_OUT"
python3 "$HERE/extract.py" --pcap "$PCAP" --manifest "$MANIFEST" --out "$WIRE_OUT" --port $PORT \
    --server-desc "Apache ZooKeeper 3.8.0 ($ZKPKG), ZooKeeperServerMain standalone on 127.0.0.1:$PORT; zoo.cfg: $(grep -v '^dataDir' "$WORK/zoo.cfg" | tr '\n' ' ')" \
    --capture-desc "$(tshark --version | head -1 | sed 's/ (Git.*//') on lo, capture filter 'tcp port $PORT', split by scripts/capture-fixtures/extract.py"

rm -rf "$DISK_OUT"
mkdir -p "$DISK_OUT"
cp -p "$DATA"/version-2/log.* "$DATA"/version-2/snapshot.* "$DISK_OUT"/
log "copied $(ls "$DISK_OUT" | wc -l) files from version-2/ -> $DISK_OUT"

python3 "$HERE/check_frames.py" "$WIRE_OUT"
