import ZKProtocol

// Generators for the hand-written records (the generated ones are in
// Generated/Arbitrary+Records.swift).

extension ConnectRequest: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> ConnectRequest {
        ConnectRequest(
            protocolVersion: g.int32(), lastZxidSeen: g.int64(), timeOut: g.int32(),
            sessionId: g.int64(), passwd: g.bytes(), readOnly: g.chance(3) ? nil : g.bool())
    }
}

extension ConnectResponse: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> ConnectResponse {
        ConnectResponse(
            protocolVersion: g.int32(), timeOut: g.int32(), sessionId: g.int64(),
            passwd: g.bytes(), readOnly: g.chance(3) ? nil : g.bool())
    }
}

extension MultiOp: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> MultiOp {
        switch g.below(7) {
        case 0: return .create(g.pick([.create, .create2, .createContainer]), .arbitrary(&g))
        case 1: return .createTTL(.arbitrary(&g))
        case 2: return .delete(g.pick([.delete, .deleteContainer]), .arbitrary(&g))
        case 3: return .setData(.arbitrary(&g))
        case 4: return .check(.arbitrary(&g))
        case 5: return .getChildren(.arbitrary(&g))
        default: return .getData(.arbitrary(&g))
        }
    }
}

extension MultiRequest: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> MultiRequest {
        MultiRequest(ops: g.array { MultiOp.arbitrary(&$0) })
    }
}

extension MultiResult: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> MultiResult {
        switch g.below(8) {
        case 0: return .create(.arbitrary(&g))
        case 1: return .create2(.arbitrary(&g))
        case 2: return .delete
        case 3: return .setData(.arbitrary(&g))
        case 4: return .check
        case 5: return .getChildren(.arbitrary(&g))
        case 6: return .getData(.arbitrary(&g))
        default: return .error(.arbitrary(&g))
        }
    }
}

extension MultiResponse: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> MultiResponse {
        MultiResponse(results: g.array { MultiResult.arbitrary(&$0) })
    }
}

extension ZKRequest: Arbitrary {
    /// Every request body, each case equally likely.
    static func arbitrary(_ g: inout Gen) -> ZKRequest {
        let all: [(inout Gen) -> ZKRequest] = [
            { .create(.arbitrary(&$0)) }, { .create2(.arbitrary(&$0)) },
            { .createContainer(.arbitrary(&$0)) }, { .createTTL(.arbitrary(&$0)) },
            { .delete(.arbitrary(&$0)) }, { .deleteContainer(.arbitrary(&$0)) },
            { .exists(.arbitrary(&$0)) }, { .getData(.arbitrary(&$0)) },
            { .setData(.arbitrary(&$0)) }, { .getACL(.arbitrary(&$0)) },
            { .setACL(.arbitrary(&$0)) }, { .getChildren(.arbitrary(&$0)) },
            { .getChildren2(.arbitrary(&$0)) }, { .sync(.arbitrary(&$0)) },
            { _ in .ping }, { .check(.arbitrary(&$0)) },
            { .multi(.arbitrary(&$0)) }, { .multiRead(.arbitrary(&$0)) },
            { .reconfig(.arbitrary(&$0)) }, { .checkWatches(.arbitrary(&$0)) },
            { .removeWatches(.arbitrary(&$0)) }, { .auth(.arbitrary(&$0)) },
            { .setWatches(.arbitrary(&$0)) }, { .setWatches2(.arbitrary(&$0)) },
            { .sasl(.arbitrary(&$0)) }, { .getEphemerals(.arbitrary(&$0)) },
            { .getAllChildrenNumber(.arbitrary(&$0)) }, { .addWatch(.arbitrary(&$0)) },
            { _ in .whoAmI }, { _ in .closeSession },
        ]
        return all[g.below(all.count)](&g)
    }
}

extension RequestPacket: Arbitrary {
    static func arbitrary(_ g: inout Gen) -> RequestPacket {
        RequestPacket(xid: g.int32(), request: .arbitrary(&g))
    }
}

/// A reply body together with the opcode of the request it answers (the
/// client knows that opcode from the xid).
struct OpResponse: Arbitrary {
    var opCode: OpCode
    var response: ZKResponse

    static func arbitrary(_ g: inout Gen) -> OpResponse {
        let all: [(inout Gen) -> OpResponse] = [
            { OpResponse(opCode: .create, response: .create(.arbitrary(&$0))) },
            { OpResponse(opCode: $0.pick([.create2, .createContainer, .createTTL]), response: .create2(.arbitrary(&$0))) },
            { OpResponse(opCode: .exists, response: .exists(.arbitrary(&$0))) },
            { OpResponse(opCode: .getData, response: .getData(.arbitrary(&$0))) },
            { OpResponse(opCode: $0.pick([.setData, .check]), response: .setData(.arbitrary(&$0))) },
            { OpResponse(opCode: .addWatch, response: .addWatch(.arbitrary(&$0))) },
            { OpResponse(opCode: .getACL, response: .getACL(.arbitrary(&$0))) },
            { OpResponse(opCode: .setACL, response: .setACL(.arbitrary(&$0))) },
            { OpResponse(opCode: .getChildren, response: .getChildren(.arbitrary(&$0))) },
            { OpResponse(opCode: .getChildren2, response: .getChildren2(.arbitrary(&$0))) },
            { OpResponse(opCode: .sync, response: .sync(.arbitrary(&$0))) },
            { OpResponse(opCode: $0.pick([.multi, .multiRead]), response: .multi(.arbitrary(&$0))) },
            { OpResponse(opCode: .reconfig, response: .reconfig(.arbitrary(&$0))) },
            { OpResponse(opCode: .sasl, response: .sasl(.arbitrary(&$0))) },
            { OpResponse(opCode: .getEphemerals, response: .getEphemerals(.arbitrary(&$0))) },
            { OpResponse(opCode: .getAllChildrenNumber, response: .getAllChildrenNumber(.arbitrary(&$0))) },
            { OpResponse(opCode: .whoAmI, response: .whoAmI(.arbitrary(&$0))) },
            {
                OpResponse(
                    opCode: $0.pick([.delete, .deleteContainer, .ping, .auth, .setWatches, .setWatches2,
                                     .removeWatches, .checkWatches, .closeSession]),
                    response: .empty)
            },
        ]
        return all[g.below(all.count)](&g)
    }
}

/// A transaction body together with the TxnHeader type that selects it.
struct TypedTxn: Arbitrary {
    var type: OpCode
    var body: TxnBody

    static func arbitrary(_ g: inout Gen) -> TypedTxn {
        let all: [(inout Gen) -> TypedTxn] = [
            { TypedTxn(type: .createSession, body: .createSession(.arbitrary(&$0))) },
            { TypedTxn(type: .closeSession, body: .closeSession($0.bool() ? nil : .arbitrary(&$0))) },
            { TypedTxn(type: $0.pick([.create, .create2]), body: .create(.arbitrary(&$0))) },
            { TypedTxn(type: .create, body: .createV0(.arbitrary(&$0))) },
            { TypedTxn(type: .createTTL, body: .createTTL(.arbitrary(&$0))) },
            { TypedTxn(type: .createContainer, body: .createContainer(.arbitrary(&$0))) },
            { TypedTxn(type: $0.pick([.delete, .deleteContainer]), body: .delete(.arbitrary(&$0))) },
            { TypedTxn(type: .setData, body: .setData(.arbitrary(&$0))) },
            { TypedTxn(type: .reconfig, body: .reconfig(.arbitrary(&$0))) },
            { TypedTxn(type: .setACL, body: .setACL(.arbitrary(&$0))) },
            { TypedTxn(type: .check, body: .check(.arbitrary(&$0))) },
            { TypedTxn(type: .error, body: .error(.arbitrary(&$0))) },
            { TypedTxn(type: .multi, body: .multi(.arbitrary(&$0))) },
            { TypedTxn(type: $0.pick([.ping, .sync]), body: .none) },
        ]
        return all[g.below(all.count)](&g)
    }
}
