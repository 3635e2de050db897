#!/bin/bash
# Runs a 3-node Debian Apache ZooKeeper 3.8 ensemble on 127.0.0.1 (tickTime
# 500 ms), lets capture.py speak the election and quorum protocols to it, and
# prints the captured messages as "name hex" lines (the source of
# Tests/ZKZabTests/ApacheCaptures.swift). Every JVM it starts is killed on exit.
# Ports: clients 23501-23503, quorum 23521-23523, election 23531-23533, and
# 23539 for the probe's own election listener.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/zab-capture.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
servers=""
for n in 1 2 3; do servers+="server.$n=127.0.0.1:2352$n:2353$n"$'\n'; done
for n in 1 2 3; do
    mkdir -p "$work/$n/data"
    echo "$n" > "$work/$n/data/myid"
    cat > "$work/$n/zoo.cfg" <<CFG
tickTime=500
initLimit=10
syncLimit=5
dataDir=$work/$n/data
clientPort=2350$n
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr
$servers
CFG
    java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
        org.apache.zookeeper.server.quorum.QuorumPeerMain "$work/$n/zoo.cfg" > "$work/$n/log" 2>&1 &
    pids+=($!)
done
# Wait (at most 60 s) until one member leads and the others follow.
for _ in $(seq 120); do
    modes=""
    for n in 1 2 3; do modes+=$( (echo srvr | timeout 1 nc -q1 127.0.0.1 2350$n 2>/dev/null || true) | grep '^Mode' || true); done
    if [[ $modes == *leader* && $(grep -o follower <<<"$modes" | wc -l) == 2 ]]; then break; fi
    sleep 0.5
done
[[ $modes == *leader* ]] || { echo "ensemble did not elect a leader: $modes" >&2; tail -20 "$work"/*/log >&2; exit 1; }
config=""
for n in 1 2 3; do config+="server.$n=127.0.0.1:2352$n:2353$n:participant"$'\n'; done
python3 "$here/capture.py" 23501,23502,23503 23521,23522,23523 23531,23532,23533 23539 "${config}version=0"
