#!/usr/bin/env python3
"""Generates SwiftZK's Jute record types from Apache ZooKeeper's zookeeper.jute.

Usage: scripts/gen/jute.py [path/to/zookeeper.jute]
Also reads scripts/gen/extra.jute (records Apache uses but the schema lacks).
Writes Sources/ZKProtocol/Generated/Records.swift and
Tests/ZKProtocolTests/Generated/Arbitrary+Records.swift. The schema is the
protocol's specification; this script and its output are our own code.
Run it again after changing the schema or the tables below, and commit both.
"""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JUTE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference", "zookeeper.jute")

# Records written by hand because their encoding is not plain Jute
# (ConnectRequest/ConnectResponse carry an optional trailing readOnly flag).
HAND_WRITTEN = {"ConnectRequest", "ConnectResponse"}

# Fields whose int holds a value of one of our wire enums.
ENUM_FIELDS = {
    ("RequestHeader", "type"): "OpCode",
    ("ReplyHeader", "err"): "ZKError",
    ("MultiHeader", "type"): "OpCode",
    ("MultiHeader", "err"): "ZKError",
    ("ErrorResponse", "err"): "ZKError",
    ("ErrorTxn", "err"): "ZKError",
    ("TxnHeader", "type"): "OpCode",
    ("Txn", "type"): "OpCode",
    ("WatcherEvent", "type"): "EventType",
    ("WatcherEvent", "state"): "KeeperState",
    ("ACL", "perms"): "Perms",
}

def parse(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    records = []
    module = None
    for m in re.finditer(r"module\s+([\w.]+)\s*\{|class\s+(\w+)\s*\{([^}]*)\}", text):
        if m.group(1):
            module = m.group(1)
            continue
        name, body = m.group(2), m.group(3)
        fields = []
        for line in body.split(";"):
            line = line.strip()
            if not line:
                continue
            fm = re.match(r"(vector\s*<\s*[\w.]+\s*>|[\w.]+)\s*(\w+)$", line)
            if not fm:
                raise SystemExit(f"cannot parse field '{line}' in {name}")
            ftype = re.sub(r"\s+", "", fm.group(1))
            fields.append((ftype, fm.group(2)))
        records.append((module, name, fields))
    return records

def short(t):
    return t.split(".")[-1]

def swift_type(rec, fname, ftype):
    if (rec, fname) in ENUM_FIELDS:
        return ENUM_FIELDS[(rec, fname)]
    v = re.match(r"vector<(.+)>", ftype)
    if v:
        inner = v.group(1)
        return f"[{swift_type(None, None, inner)}]?"
    return {"int": "Int32", "long": "Int64", "boolean": "Bool",
            "buffer": "JuteBytes", "ustring": "JuteBytes"}.get(ftype, short(ftype))

def read_expr(rec, fname, ftype, r="reader", label=None):
    label = label or fname
    if (rec, fname) in ENUM_FIELDS:
        enum = ENUM_FIELDS[(rec, fname)]
        if enum == "Perms":
            return f"Perms(rawValue: try {r}.readInt(\"{rec}\", \"{label}\"))"
        return f"{enum}(code: try {r}.readInt(\"{rec}\", \"{label}\"))"
    v = re.match(r"vector<(.+)>", ftype)
    if v:
        inner = read_expr(rec, None, v.group(1), "$0", label)
        return f"try {r}.readVector(\"{rec}\", \"{label}\") {{ (r: inout JuteReader) throws(JuteError) in {inner.replace('$0', 'r')} }}"
    prim = {"int": "readInt", "long": "readLong", "boolean": "readBool", "buffer": "readBytes", "ustring": "readBytes"}
    if ftype in prim:
        return f"try {r}.{prim[ftype]}(\"{rec}\", \"{label}\")"
    return f"try {short(ftype)}(from: &{r})"

def write_stmt(rec, fname, ftype, value, b="buffer"):
    if (rec, fname) in ENUM_FIELDS:
        enum = ENUM_FIELDS[(rec, fname)]
        return f"{b}.writeJuteInt({value}.rawValue)" if enum == "Perms" else f"{b}.writeJuteInt({value}.code)"
    v = re.match(r"vector<(.+)>", ftype)
    if v and v.group(1) in ("ustring", "buffer"):
        return f"{b}.writeJuteByteStrings({value})"
    if v:
        inner = write_stmt(rec, None, v.group(1), "$1", "$0")
        return f"{b}.writeJuteVector({value}) {{ {inner} }}"
    prim = {"int": "writeJuteInt", "long": "writeJuteLong", "boolean": "writeJuteBool", "buffer": "writeJuteBytes", "ustring": "writeJuteBytes"}
    if ftype in prim:
        return f"{b}.{prim[ftype]}({value})"
    return f"{value}.encode(to: &{b})"

FIXED_SIZES = {"int": 4, "long": 8, "boolean": 1}

def fixed_size(rec, fields):
    """The encoded size of a record of only ints, longs and booleans, else None."""
    if not all(ftype in FIXED_SIZES for ftype, _ in fields):
        return None
    return sum(FIXED_SIZES[ftype] for ftype, _ in fields)

def store_stmt(rec, fname, ftype, offset):
    """A big-endian store of one fixed-size field into the raw buffer `out`."""
    if (rec, fname) in ENUM_FIELDS:
        enum = ENUM_FIELDS[(rec, fname)]
        value = f"{fname}.rawValue" if enum == "Perms" else f"{fname}.code"
    else:
        value = fname
    if ftype == "int":
        return f"out.storeBytes(of: {value}.bigEndian, toByteOffset: {offset}, as: Int32.self)"
    if ftype == "long":
        return f"out.storeBytes(of: {value}.bigEndian, toByteOffset: {offset}, as: Int64.self)"
    return f"out.storeBytes(of: {value} ? 1 : 0, toByteOffset: {offset}, as: UInt8.self)"

def arb_expr(rec, fname, ftype):
    if (rec, fname) in ENUM_FIELDS:
        enum = ENUM_FIELDS[(rec, fname)]
        return f"{enum}.arbitrary(&g)"
    v = re.match(r"vector<(.+)>", ftype)
    if v:
        return f"g.vector {{ g in {arb_expr(None, None, v.group(1))} }}"
    prim = {"int": "g.int32()", "long": "g.int64()", "boolean": "g.bool()", "buffer": "g.bytes()", "ustring": "g.bytes()"}
    return prim.get(ftype, f"{short(ftype)}.arbitrary(&g)")

# The wire enums: (name, doc, cases). Codes are Apache ZooKeeper 3.9's
# (ZooDefs.OpCode, KeeperException.Code, Watcher.Event.EventType and
# KeeperState, CreateMode, WatcherType, AddWatchMode).
ENUMS = [
    ("OpCode", "An operation code, as carried in RequestHeader.type and TxnHeader.type.", [
        ("notification", 0), ("create", 1), ("delete", 2), ("exists", 3), ("getData", 4),
        ("setData", 5), ("getACL", 6), ("setACL", 7), ("getChildren", 8), ("sync", 9),
        ("ping", 11), ("getChildren2", 12), ("check", 13), ("multi", 14), ("create2", 15),
        ("reconfig", 16), ("checkWatches", 17), ("removeWatches", 18), ("createContainer", 19),
        ("deleteContainer", 20), ("createTTL", 21), ("multiRead", 22), ("auth", 100),
        ("setWatches", 101), ("sasl", 102), ("getEphemerals", 103), ("getAllChildrenNumber", 104),
        ("setWatches2", 105), ("addWatch", 106), ("whoAmI", 107), ("createSession", -10),
        ("closeSession", -11), ("error", -1)]),
    ("ZKError", "A ZooKeeper result code, as carried in ReplyHeader.err. `.ok` is success.", [
        ("ok", 0), ("systemError", -1), ("runtimeInconsistency", -2), ("dataInconsistency", -3),
        ("connectionLoss", -4), ("marshallingError", -5), ("unimplemented", -6),
        ("operationTimeout", -7), ("badArguments", -8), ("unknownSession", -12),
        ("newConfigNoQuorum", -13), ("reconfigInProgress", -14), ("apiError", -100),
        ("noNode", -101), ("noAuth", -102), ("badVersion", -103), ("noChildrenForEphemerals", -108),
        ("nodeExists", -110), ("notEmpty", -111), ("sessionExpired", -112), ("invalidCallback", -113),
        ("invalidACL", -114), ("authFailed", -115), ("sessionMoved", -118), ("notReadOnly", -119),
        ("ephemeralOnLocalSession", -120), ("noWatcher", -121), ("requestTimeout", -122),
        ("reconfigDisabled", -123), ("sessionClosedRequireSASLAuth", -124), ("quotaExceeded", -125),
        ("throttledOp", -127)]),
    ("EventType", "The kind of a watch event, as carried in WatcherEvent.type.", [
        ("none", -1), ("nodeCreated", 1), ("nodeDeleted", 2), ("nodeDataChanged", 3),
        ("nodeChildrenChanged", 4), ("dataWatchRemoved", 5), ("childWatchRemoved", 6),
        ("persistentWatchRemoved", 7)]),
    ("KeeperState", "The connection state in a watch event, as carried in WatcherEvent.state.", [
        ("unknown", -1), ("disconnected", 0), ("noSyncConnected", 1), ("syncConnected", 3),
        ("authFailed", 4), ("connectedReadOnly", 5), ("saslAuthenticated", 6), ("expired", -112),
        ("closed", 7)]),
    ("CreateMode", "A node's creation mode, as carried in the flags of a create request.", [
        ("persistent", 0), ("ephemeral", 1), ("persistentSequential", 2), ("ephemeralSequential", 3),
        ("container", 4), ("persistentWithTTL", 5), ("persistentSequentialWithTTL", 6)]),
    ("WatcherType", "Which watches removeWatches and checkWatches act on.", [
        ("children", 1), ("data", 2), ("any", 3), ("persistent", 4), ("persistentRecursive", 5)]),
    ("AddWatchMode", "The mode of an addWatch request.", [
        ("persistent", 0), ("persistentRecursive", 1)]),
]

def gen_enums():
    out = ["// Generated by scripts/gen/jute.py. Do not edit by hand.", ""]
    arb = []
    for name, doc, cases in ENUMS:
        out.append(f"/// {doc}")
        out.append("///")
        out.append("/// Decoding is total: a code with no name becomes `.unrecognized(code)`, which")
        out.append("/// encodes back to the same code. Equality and hashing follow the code.")
        out.append(f"public enum {name}: Hashable, Sendable, CaseIterable {{")
        for c, v in cases:
            out.append(f"    case {c}")
        out.append("    /// A code this version does not name.")
        out.append("    case unrecognized(Int32)")
        out.append("")
        out.append("    /// Every named case.")
        out.append(f"    public static let allCases: [{name}] = [{', '.join('.' + c for c, _ in cases)}]")
        out.append("")
        out.append("    /// The value for a wire code; unnamed codes become `.unrecognized`.")
        out.append("    @inlinable")
        out.append("    public init(code: Int32) {")
        out.append("        switch code {")
        for c, v in cases:
            out.append(f"        case {v}: self = .{c}")
        out.append("        default: self = .unrecognized(code)")
        out.append("        }")
        out.append("    }")
        out.append("")
        out.append("    /// The wire code.")
        out.append("    @inlinable")
        out.append("    public var code: Int32 {")
        out.append("        switch self {")
        for c, v in cases:
            out.append(f"        case .{c}: return {v}")
        out.append("        case .unrecognized(let code): return code")
        out.append("        }")
        out.append("    }")
        out.append("")
        out.append(f"    public static func == (lhs: {name}, rhs: {name}) -> Bool {{ lhs.code == rhs.code }}")
        out.append("    public func hash(into hasher: inout Hasher) { hasher.combine(code) }")
        out.append("}")
        out.append("")
        arb.append(f"extension {name}: Arbitrary {{")
        arb.append(f"    static func arbitrary(_ g: inout Gen) -> {name} {{")
        arb.append(f"        g.chance(8) ? {name}(code: g.int32()) : allCases[g.below(allCases.count)]")
        arb.append("    }")
        arb.append("}")
        arb.append("")
    return "\n".join(out), "\n".join(arb)

def main():
    records = parse(open(JUTE).read()) + parse(open(os.path.join(ROOT, "scripts/gen/extra.jute")).read())
    out = ["// Generated by scripts/gen/jute.py from zookeeper.jute. Do not edit by hand.", "", "import NIOCore", ""]
    arb = ["// Generated by scripts/gen/jute.py from zookeeper.jute. Do not edit by hand.", "", "import ZKProtocol", ""]
    names = []
    for module, name, fields in records:
        if name in HAND_WRITTEN:
            continue
        names.append(name)
        out.append(f"/// The Jute record `{module}.{name}`.")
        out.append(f"public struct {name}: JuteRecord {{")
        for ftype, fname in fields:
            out.append(f"    public var {fname}: {swift_type(name, fname, ftype)}")
        out.append("")
        params = ", ".join(f"{fname}: {swift_type(name, fname, ftype)}" for ftype, fname in fields)
        out.append(f"    /// Creates the record from its fields, in schema order.")
        out.append(f"    public init({params}) {{")
        for ftype, fname in fields:
            out.append(f"        self.{fname} = {fname}")
        out.append("    }")
        out.append("")
        out.append("    public init(from reader: inout JuteReader) throws(JuteError) {")
        for ftype, fname in fields:
            out.append(f"        self.{fname} = {read_expr(name, fname, ftype)}")
        out.append("    }")
        out.append("")
        out.append("    public func encode(to buffer: inout ByteBuffer) {")
        size = fixed_size(name, fields)
        if size is not None and len(fields) > 1:
            # Only ints, longs and booleans: one capacity check and direct
            # big-endian stores instead of one ByteBuffer write per field.
            out.append(f"        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: {size}) {{ out in")
            offset = 0
            for ftype, fname in fields:
                out.append(f"            {store_stmt(name, fname, ftype, offset)}")
                offset += FIXED_SIZES[ftype]
            out.append(f"            return {size}")
            out.append("        }")
        else:
            for ftype, fname in fields:
                out.append(f"        {write_stmt(name, fname, ftype, fname)}")
        out.append("    }")
        out.append("}")
        out.append("")
        arb.append(f"extension {name}: Arbitrary {{")
        arb.append(f"    static func arbitrary(_ g: inout Gen) -> {name} {{")
        args = ", ".join(f"{fname}: {arb_expr(name, fname, ftype)}" for ftype, fname in fields)
        arb.append(f"        {name}({args})")
        arb.append("    }")
        arb.append("}")
        arb.append("")
    enums, enum_arb = gen_enums()
    arb.append(enum_arb)
    open(os.path.join(ROOT, "Sources/ZKProtocol/Generated/Enums.swift"), "w").write(enums)
    arb.append("/// One round-trip check per generated record type.")
    arb.append("let allGeneratedRecordTypes: [any (JuteRecord & Arbitrary).Type] = [")
    for n in names:
        arb.append(f"    {n}.self,")
    arb.append("]")
    arb.append("")
    src = os.path.join(ROOT, "Sources/ZKProtocol/Generated/Records.swift")
    tst = os.path.join(ROOT, "Tests/ZKProtocolTests/Generated/Arbitrary+Records.swift")
    os.makedirs(os.path.dirname(src), exist_ok=True)
    os.makedirs(os.path.dirname(tst), exist_ok=True)
    open(src, "w").write("\n".join(out))
    open(tst, "w").write("\n".join(arb))
    print(f"generated {len(names)} records")

main()
