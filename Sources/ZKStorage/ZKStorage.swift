/// ZKStorage: Apache ZooKeeper's `version-2` transaction log and snapshot
/// formats, group commit, recovery and purge (see DESIGN.md, "Persistence").
public enum ZKStorage {}
