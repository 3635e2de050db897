import ZKAuth
import ZKProtocol

/// The ACL and authentication rules as the pipeline applies them, built on
/// the providers and policies in Auth/.
struct AccessControl: Sendable {
    let providers: AuthProviders
    let skipACL: Bool

    init(superDigest: String?, skipACL: Bool, sasl: SASLAuthProvider?) {
        providers = AuthProviders(superDigest: superDigest.map { Array($0.utf8) }, sasl: sasl)
        self.skipACL = skipACL
    }

    /// The ACL a create or setACL stores, or invalidACL.
    func fixup(_ acl: [ACL]?, requester: Requester) throws(ZKError) -> [ACL] {
        try ACLPolicy.fixup(acls: acl, authIds: requester.authIds, providers: providers).get()
    }

    /// Throws noAuth unless the requester holds one of `perms` on `acl`.
    func check(_ acl: [ACL], _ perms: Perms, _ requester: Requester) throws(ZKError) {
        guard ACLPolicy.check(acl: acl, required: perms, authIds: requester.authIds, providers: providers, skipACL: skipACL) else {
            throw .noAuth
        }
    }

    static func redactDigests(_ acl: [ACL]) -> [ACL] { ACLPolicy.redactForGetACL(acl) }

    func clientInfo(_ ids: [Id]) -> [ClientInfo] { ACLPolicy.whoAmI(authIds: ids, providers: providers) }
}
