#!/bin/sh
# Prints the golden vectors in Tests/ZKZabTests/ApacheVectors.swift, made by
# Apache ZooKeeper's own classes from Debian's jar (3.8.0 here): compile
# GoldenVectors.java against the jar and run it. Nothing touches the network.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cp=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out" -cp "$cp" "$here/GoldenVectors.java" 2>&1 | grep -v '^Note:' || true
java -cp "$out:$cp" org.apache.zookeeper.server.quorum.GoldenVectors
