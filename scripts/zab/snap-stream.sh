#!/bin/sh
# The SNAP state transfer as Apache ZooKeeper's own classes (Debian's jar)
# write and read it (SnapStreamVector.java).
#   scripts/zab/snap-stream.sh            regenerates Tests/Fixtures/zab/snap-stream.bb
#                                         from the fixture snapshot.bb
#   scripts/zab/snap-stream.sh read FILE  Apache reads FILE as a SNAP stream and
#                                         prints its node count, sessions, digest
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cp=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-simple.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -nowarn -d "$work" -cp "$cp" "$here/SnapStreamVector.java" 2>&1 | grep -v '^Note:' || true
run() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$work:$cp" org.apache.zookeeper.server.quorum.SnapStreamVector "$@"; }
if [ "${1:-}" = read ]; then
    run read "$2"
else
    mkdir -p "$work/version-2"
    cp "$repo/Tests/Fixtures/disk/apache-3.8/snapshot.bb" "$work/version-2/"
    run write "$work/version-2" bb "$repo/Tests/Fixtures/zab/snap-stream.bb"
fi
