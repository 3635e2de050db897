import ZKProtocol

/// ZooKeeper's ACL rules as pure functions: validating and expanding the ACL
/// of a create or setACL (PrepRequestProcessor.fixupACL), deciding access
/// (ZooKeeperServer.checkACL), what getACL returns, and whoAmI.
///
/// Which permission each operation needs, in Apache 3.9.5 (for the pipeline):
/// create: CREATE on the parent; delete: DELETE on the parent; setData:
/// WRITE; setACL: ADMIN; check (in multi): READ; getData, getChildren,
/// getChildren2, getAllChildrenNumber: READ; exists: READ on the node when it
/// exists (since 3.9.2, ZOOKEEPER-2590; 3.8 checks nothing); getACL: READ or
/// ADMIN (see `getACL`). `check` is called with one of these.
public enum ACLPolicy: Sendable {
    /// Validates and expands the ACL of a create or setACL
    /// (PrepRequestProcessor.fixupACL).
    ///
    /// In order:
    /// 1. Exact duplicates (same perms and id) are dropped, keeping the
    ///    first (ZOOKEEPER-1877). Expansion below can still yield repeats.
    /// 2. A null or empty list is `invalidACL`.
    /// 3. Each entry, in order:
    ///    - `world:anyone` is kept; `world` with another id is `invalidACL`.
    ///    - `auth` (whatever its id) becomes one entry with its perms for each
    ///      session id whose scheme is an authenticated provider (`digest`,
    ///      not `ip`, not `super`), in `authIds` order; none is `invalidACL`.
    ///    - a registered scheme (`digest`, `ip`) is kept if its provider
    ///      says the id is valid, else `invalidACL`.
    ///    - any other scheme, or a null scheme, is `invalidACL`.
    ///
    /// Perms are never checked: 0 and bits beyond ALL are stored as given.
    ///
    /// Where Apache dereferences a null string it throws a
    /// NullPointerException, which PrepRequestProcessor answers with
    /// `marshallingError`; we return that too. That happens for a null id
    /// under `world` or a registered scheme, and while removing duplicates,
    /// for an entry with the same perms as an earlier one whose scheme is
    /// null, or whose scheme equals the earlier one's and whose id is null.
    public static func fixup(acls: [ACL]?, authIds: [Id], providers: AuthProviders = AuthProviders()) -> Result<[ACL], ZKError> {
        let unique: [ACL]
        switch removeDuplicates(acls ?? []) {
        case .success(let list): unique = list
        case .failure(let error): return .failure(error)
        }
        guard !unique.isEmpty else { return .failure(.invalidACL) }

        var fixed: [ACL] = []
        for acl in unique {
            guard let scheme = acl.id.scheme.bytes else { return .failure(.invalidACL) }
            if scheme == AuthNames.world {
                guard let id = acl.id.id.bytes else { return .failure(.marshallingError) }
                if id == AuthNames.anyone {
                    fixed.append(acl)
                    continue
                }
            }
            if scheme == AuthNames.auth {
                let expanded = authIds
                    .filter { providers.provider(forScheme: $0.scheme)?.isAuthenticated == true }
                    .map { ACL(perms: acl.perms, id: $0) }
                guard !expanded.isEmpty else { return .failure(.invalidACL) }
                fixed += expanded
                continue
            }
            guard let provider = providers.provider(forScheme: acl.id.scheme) else { return .failure(.invalidACL) }
            guard let id = acl.id.id.bytes else { return .failure(.marshallingError) }
            guard provider.isValid(aclId: id) else { return .failure(.invalidACL) }
            fixed.append(acl)
        }
        return .success(fixed)
    }

    /// PrepRequestProcessor.removeDuplicates, including where the
    /// jute-generated `ACL.equals` would throw on a null string.
    private static func removeDuplicates(_ acls: [ACL]) -> Result<[ACL], ZKError> {
        var kept: [ACL] = []
        for candidate in acls {
            var isDuplicate = false
            for earlier in kept where candidate.perms == earlier.perms {
                guard !candidate.id.scheme.isNull else { return .failure(.marshallingError) }
                guard candidate.id.scheme == earlier.id.scheme else { continue }
                guard !candidate.id.id.isNull else { return .failure(.marshallingError) }
                if candidate.id.id == earlier.id.id {
                    isDuplicate = true
                    break
                }
            }
            if !isDuplicate { kept.append(candidate) }
        }
        return .success(kept)
    }

    /// Whether a session holding `authIds` may do an operation needing
    /// `required` on a node whose ACL is `acl` (ZooKeeperServer.checkACL).
    /// False means the operation fails with `noAuth`.
    ///
    /// Allowed when any of these holds, in Apache's order:
    /// - `skipACL` (the `zookeeper.skipACL=yes` property);
    /// - the ACL is null or empty;
    /// - the session holds an id of scheme `super`;
    /// - an entry sharing at least one bit with `required` is `world:anyone`,
    ///   or has a registered scheme and the session holds an id of that
    ///   scheme that the provider matches to it: `digest` ids must be equal,
    ///   an `ip` session id must lie inside the entry's address/bits.
    ///
    /// The `ip` rule uses the session's `ip` id, not the socket, exactly as
    /// Apache does; `AuthInfo` puts the peer address there at connect.
    public static func check(
        acl: [ACL]?, required: Perms, authIds: [Id],
        providers: AuthProviders = AuthProviders(), skipACL: Bool = false
    ) -> Bool {
        if skipACL { return true }
        guard let acl, !acl.isEmpty else { return true }
        if authIds.contains(where: { $0.scheme.bytes == AuthNames.superScheme }) { return true }
        for entry in acl where entry.perms.rawValue & required.rawValue != 0 {
            if entry.id.scheme.bytes == AuthNames.world && entry.id.id.bytes == AuthNames.anyone { return true }
            guard let provider = providers.provider(forScheme: entry.id.scheme), let aclId = entry.id.id.bytes else { continue }
            for authId in authIds where authId.scheme == entry.id.scheme {
                if let sessionId = authId.id.bytes, provider.matches(sessionId: sessionId, aclId: aclId) { return true }
            }
        }
        return false
    }

    /// The reply to getACL on a node whose ACL is `acl`
    /// (FinalRequestProcessor, OpCode.getACL).
    ///
    /// It needs READ or ADMIN, else `noAuth`. A session with ADMIN gets the
    /// ACL as stored; one with only READ gets it through `redactForGetACL`,
    /// which hides the password hashes of `digest` entries.
    public static func getACL(
        acl: [ACL], authIds: [Id],
        providers: AuthProviders = AuthProviders(), skipACL: Bool = false
    ) -> Result<[ACL], ZKError> {
        guard check(acl: acl, required: [.read, .admin], authIds: authIds, providers: providers, skipACL: skipACL) else {
            return .failure(.noAuth)
        }
        if check(acl: acl, required: .admin, authIds: authIds, providers: providers, skipACL: skipACL) {
            return .success(acl)
        }
        return .success(redactForGetACL(acl))
    }

    /// The ACL as getACL shows it to a session without ADMIN: each `digest`
    /// id has Java's `replaceAll(":.*", ":x")` applied, so `user:hash`
    /// becomes `user:x`. Other schemes are unchanged.
    ///
    /// The regex's '.' stops at a line terminator (\n, \r, U+0085, U+2028,
    /// U+2029), and replaceAll goes on after it, so each line of an id
    /// loses what follows its first ':'.
    public static func redactForGetACL(_ acl: [ACL]) -> [ACL] {
        acl.map { entry in
            guard entry.id.scheme.bytes == AuthNames.digest, let id = entry.id.id.bytes else { return entry }
            return ACL(perms: entry.perms, id: Id(scheme: entry.id.scheme, id: JuteBytes(redactDigestId(id))))
        }
    }

    private static func redactDigestId(_ id: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        var skipping = false
        while index < id.count {
            let terminatorLength = lineTerminatorLength(id, at: index)
            if terminatorLength > 0 {
                skipping = false
                out += id[index..<(index + terminatorLength)]
                index += terminatorLength
            } else if skipping {
                index += 1
            } else if id[index] == UInt8(ascii: ":") {
                out += [UInt8(ascii: ":"), UInt8(ascii: "x")]
                skipping = true
                index += 1
            } else {
                out.append(id[index])
                index += 1
            }
        }
        return out
    }

    /// The UTF-8 length of a line terminator starting at `index`, or 0.
    private static func lineTerminatorLength(_ bytes: [UInt8], at index: Int) -> Int {
        switch bytes[index] {
        case 0x0A, 0x0D:
            return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85:
            return 2
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
            return 3
        default:
            return 0
        }
    }

    /// The whoAmI reply for a session holding `authIds`
    /// (AuthUtil.getClientInfos): one entry per id, in order, with the scheme
    /// and the provider's user name: the id itself for `ip`, the part before
    /// ':' for `digest`, and "" for a scheme with no provider (`super`).
    public static func whoAmI(authIds: [Id], providers: AuthProviders = AuthProviders()) -> [ClientInfo] {
        authIds.map { id in
            let user = providers.provider(forScheme: id.scheme).map { $0.userName(ofId: id.id.bytesOrEmpty) } ?? []
            return ClientInfo(authScheme: id.scheme, user: JuteBytes(user))
        }
    }
}
