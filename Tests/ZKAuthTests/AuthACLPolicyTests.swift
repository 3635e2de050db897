import Testing
import ZKProtocol
@testable import ZKAuth

struct AuthACLPolicyTests {
    private let ipId = Id(scheme: "ip", id: "127.0.0.1")
    private let alice = Id(scheme: "digest", id: "alice:aaa=")
    private let bob = Id(scheme: "digest", id: "bob:bbb=")
    private let anyone = Id(scheme: "world", id: "anyone")
    private let superUser = Id(scheme: "super", id: "")

    // MARK: fixup

    @Test func worldAnyoneIsKeptAsGiven() {
        #expect(ACLPolicy.fixup(acls: ACL.openACLUnsafe, authIds: [ipId]) == .success(ACL.openACLUnsafe))
    }

    @Test func nullOrEmptyListIsInvalid() {
        #expect(ACLPolicy.fixup(acls: nil, authIds: [ipId]) == .failure(.invalidACL))
        #expect(ACLPolicy.fixup(acls: [], authIds: [ipId]) == .failure(.invalidACL))
    }

    @Test func authExpandsToEveryAuthenticatedIdOfTheSessionInOrder() {
        let acls = [ACL(perms: [.read, .write], id: Id(scheme: "auth", id: "ignored"))]
        let fixed = ACLPolicy.fixup(acls: acls, authIds: [bob, ipId, alice])
        #expect(fixed == .success([ACL(perms: [.read, .write], id: bob), ACL(perms: [.read, .write], id: alice)]))
    }

    @Test func authWithoutAnAuthenticatedIdIsInvalid() {
        // ip is not an authenticated provider, and super has no provider.
        #expect(ACLPolicy.fixup(acls: ACL.creatorAllACL, authIds: [ipId]) == .failure(.invalidACL))
        #expect(ACLPolicy.fixup(acls: ACL.creatorAllACL, authIds: [ipId, superUser]) == .failure(.invalidACL))
        #expect(ACLPolicy.fixup(acls: ACL.creatorAllACL, authIds: []) == .failure(.invalidACL))
    }

    @Test func authSkipsDigestIdsWhenDigestIsDisabled() {
        let providers = AuthProviders(digestEnabled: false)
        #expect(ACLPolicy.fixup(acls: ACL.creatorAllACL, authIds: [alice], providers: providers) == .failure(.invalidACL))
    }

    @Test func exactDuplicatesAreRemovedBeforeExpansionOnly() {
        let auth = ACL(perms: .all, id: Id(scheme: "auth", id: ""))
        let explicit = ACL(perms: .all, id: alice)
        let fixed = ACLPolicy.fixup(acls: [explicit, auth, explicit, auth], authIds: [alice])
        #expect(fixed == .success([explicit, explicit]))
        let differentPerms = ACL(perms: .read, id: alice)
        #expect(ACLPolicy.fixup(acls: [explicit, differentPerms], authIds: []) == .success([explicit, differentPerms]))
    }

    @Test(arguments: [
        ACL(perms: .all, id: Id(scheme: "world", id: "everyone")),
        ACL(perms: .all, id: Id(scheme: "World", id: "anyone")),
        ACL(perms: .all, id: Id(scheme: "super", id: "")),
        ACL(perms: .all, id: Id(scheme: "sasl", id: "alice")),
        ACL(perms: .all, id: Id(scheme: "x509", id: "CN=alice")),
        ACL(perms: .all, id: Id(scheme: .null, id: "x")),
        ACL(perms: .all, id: Id(scheme: "digest", id: "alice")),
        ACL(perms: .all, id: Id(scheme: "digest", id: "alice:")),
        ACL(perms: .all, id: Id(scheme: "digest", id: "a:b:c")),
        ACL(perms: .all, id: Id(scheme: "ip", id: "localhost")),
        ACL(perms: .all, id: Id(scheme: "ip", id: "10.0.0.0/33")),
        ACL(perms: .all, id: Id(scheme: "ip", id: "::ffff:1.2.3.4")),
    ])
    func badSchemeOrIdIsInvalid(acl: ACL) {
        #expect(ACLPolicy.fixup(acls: [acl, ACL.openACLUnsafe[0]], authIds: [alice]) == .failure(.invalidACL))
    }

    @Test func digestACLRequiresValidIdOnlyWhenDigestIsRegistered() {
        let acl = [ACL(perms: .all, id: alice)]
        #expect(ACLPolicy.fixup(acls: acl, authIds: []) == .success(acl))
        #expect(ACLPolicy.fixup(acls: acl, authIds: [], providers: AuthProviders(digestEnabled: false)) == .failure(.invalidACL))
    }

    @Test func validIPAclsAreKept() {
        let acl = [ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.0/8")), ACL(perms: .all, id: Id(scheme: "ip", id: "fe80::/10"))]
        #expect(ACLPolicy.fixup(acls: acl, authIds: []) == .success(acl))
    }

    @Test func permsAreNeverValidated() {
        let acl = [ACL(perms: Perms(rawValue: 0), id: anyone), ACL(perms: Perms(rawValue: -1), id: alice)]
        #expect(ACLPolicy.fixup(acls: acl, authIds: []) == .success(acl))
    }

    /// Where Apache throws a NullPointerException, PrepRequestProcessor
    /// answers MARSHALLINGERROR.
    @Test func nullStringsWhereApacheDereferencesThemAreMarshallingErrors() {
        let worldNull = ACL(perms: .all, id: Id(scheme: "world", id: .null))
        let digestNull = ACL(perms: .all, id: Id(scheme: "digest", id: .null))
        let ipNull = ACL(perms: .all, id: Id(scheme: "ip", id: .null))
        let schemeNull = ACL(perms: .all, id: Id(scheme: .null, id: "x"))
        #expect(ACLPolicy.fixup(acls: [worldNull], authIds: []) == .failure(.marshallingError))
        #expect(ACLPolicy.fixup(acls: [digestNull], authIds: []) == .failure(.marshallingError))
        #expect(ACLPolicy.fixup(acls: [ipNull], authIds: []) == .failure(.marshallingError))
        // Duplicate removal compares a later entry against earlier ones of equal perms.
        #expect(ACLPolicy.fixup(acls: [ACL.openACLUnsafe[0], schemeNull], authIds: []) == .failure(.marshallingError))
        #expect(ACLPolicy.fixup(acls: [ACL(perms: .all, id: Id(scheme: "world", id: "x")), worldNull], authIds: []) == .failure(.marshallingError))
        // ...but only those: unequal perms or another scheme go on to the checks.
        #expect(ACLPolicy.fixup(acls: [ACL(perms: .read, id: anyone), schemeNull], authIds: []) == .failure(.invalidACL))
        #expect(ACLPolicy.fixup(acls: [ACL(perms: .all, id: Id(scheme: "sasl", id: .null))], authIds: []) == .failure(.invalidACL))
        // auth ignores its id entirely.
        let authNull = ACL(perms: .all, id: Id(scheme: "auth", id: .null))
        #expect(ACLPolicy.fixup(acls: [authNull], authIds: [alice]) == .success([ACL(perms: .all, id: alice)]))
    }

    // MARK: check

    @Test func skipACLAllowsEverything() {
        #expect(ACLPolicy.check(acl: [ACL(perms: .read, id: alice)], required: .write, authIds: [], skipACL: true))
    }

    @Test func nullOrEmptyACLAllowsEverything() {
        #expect(ACLPolicy.check(acl: nil, required: .admin, authIds: []))
        #expect(ACLPolicy.check(acl: [], required: .admin, authIds: []))
    }

    @Test func superBypassesTheACL() {
        let acl = [ACL(perms: .read, id: bob)]
        #expect(ACLPolicy.check(acl: acl, required: .delete, authIds: [ipId, superUser]))
        #expect(!ACLPolicy.check(acl: acl, required: .delete, authIds: [ipId, alice]))
    }

    @Test func worldAnyoneGrantsOnlyItsPerms() {
        let acl = ACL.readACLUnsafe
        #expect(ACLPolicy.check(acl: acl, required: .read, authIds: []))
        #expect(!ACLPolicy.check(acl: acl, required: .write, authIds: []))
    }

    @Test func digestNeedsTheExactIdAndAPermBit() {
        let acl = [ACL(perms: [.read, .admin], id: alice), ACL(perms: .write, id: bob)]
        #expect(ACLPolicy.check(acl: acl, required: .read, authIds: [ipId, alice]))
        #expect(!ACLPolicy.check(acl: acl, required: .write, authIds: [ipId, alice]))
        #expect(ACLPolicy.check(acl: acl, required: .write, authIds: [bob]))
        #expect(!ACLPolicy.check(acl: acl, required: .read, authIds: [Id(scheme: "digest", id: "alice:other=")]))
        #expect(!ACLPolicy.check(acl: acl, required: .read, authIds: [alice], providers: AuthProviders(digestEnabled: false)))
    }

    @Test func anyBitOfTheRequiredPermsIsEnough() {
        let acl = [ACL(perms: .admin, id: anyone)]
        #expect(ACLPolicy.check(acl: acl, required: [.read, .admin], authIds: []))
    }

    @Test(arguments: [
        ("127.0.0.1", "127.0.0.0/8", true),
        ("127.0.0.1", "10.0.0.0/8", false),
        ("10.9.8.7", "0.0.0.0/0", true),
        ("0:0:0:0:0:0:0:1", "::1", true),
        ("0:0:0:0:0:0:0:1", "127.0.0.1", false),
    ])
    func ipEntriesMatchTheSessionsIpId(session: String, acl: String, expected: Bool) {
        let entries = [ACL(perms: .read, id: Id(scheme: "ip", id: JuteBytes(acl)))]
        #expect(ACLPolicy.check(acl: entries, required: .read, authIds: [Id(scheme: "ip", id: JuteBytes(session))]) == expected)
    }

    @Test func entriesOfSchemesWithoutProviderNeverMatch() {
        let acl = [ACL(perms: .all, id: Id(scheme: "sasl", id: "alice")), ACL(perms: .all, id: Id(scheme: "super", id: ""))]
        #expect(!ACLPolicy.check(acl: acl, required: .read, authIds: [Id(scheme: "sasl", id: "alice")]))
    }

    // MARK: getACL

    @Test func getACLNeedsReadOrAdmin() {
        let acl = [ACL(perms: .write, id: anyone), ACL(perms: .all, id: alice)]
        #expect(ACLPolicy.getACL(acl: acl, authIds: [ipId]) == .failure(.noAuth))
    }

    @Test func adminSeesTheACLAsStored() {
        let acl = [ACL(perms: .read, id: anyone), ACL(perms: .all, id: alice)]
        #expect(ACLPolicy.getACL(acl: acl, authIds: [alice]) == .success(acl))
        #expect(ACLPolicy.getACL(acl: acl, authIds: [superUser]) == .success(acl))
        #expect(ACLPolicy.getACL(acl: acl, authIds: [], skipACL: true) == .success(acl))
    }

    @Test func readerWithoutAdminSeesDigestHashesMasked() {
        let acl = [ACL(perms: .read, id: anyone), ACL(perms: .all, id: alice), ACL(perms: .all, id: Id(scheme: "ip", id: "10.0.0.0/8"))]
        let expected = [acl[0], ACL(perms: .all, id: Id(scheme: "digest", id: "alice:x")), acl[2]]
        #expect(ACLPolicy.getACL(acl: acl, authIds: [ipId]) == .success(expected))
    }

    /// Java's `replaceAll(":.*", ":x")`, checked under Java 17.
    @Test(arguments: [
        ("a:b", "a:x"), ("a:b\nc:d", "a:x\nc:x"), ("a:\nb", "a:x\nb"), ("nocolon", "nocolon"),
        ("a:b\r\nc:d", "a:x\r\nc:x"), ("a:b\u{2028}c:d", "a:x\u{2028}c:x"), ("a:b\u{85}c", "a:x\u{85}c"),
        ("::", ":x"), ("x:y:z", "x:x"), ("", ""),
    ])
    func redactionReplacesFromFirstColonToLineEnd(id: String, expected: String) {
        let redacted = ACLPolicy.redactForGetACL([ACL(perms: .read, id: Id(scheme: "digest", id: JuteBytes(id)))])
        #expect(redacted == [ACL(perms: .read, id: Id(scheme: "digest", id: JuteBytes(expected)))])
    }

    // MARK: whoAmI

    @Test func whoAmIListsSchemeAndUserPerId() {
        let infos = ACLPolicy.whoAmI(authIds: [superUser, Id(scheme: "digest", id: "super:lK75jTNcA+U9vtVEw5vB51mj/w4="), ipId])
        #expect(infos == [
            ClientInfo(authScheme: "super", user: ""),
            ClientInfo(authScheme: "digest", user: "super"),
            ClientInfo(authScheme: "ip", user: "127.0.0.1"),
        ])
    }

    @Test func whoAmIReportsEmptyUserForSchemesWithoutProvider() {
        let infos = ACLPolicy.whoAmI(authIds: [alice], providers: AuthProviders(digestEnabled: false))
        #expect(infos == [ClientInfo(authScheme: "digest", user: "")])
    }

    @Test func whoAmIOfAFreshConnectionIsItsAddress() {
        let info = AuthInfo(clientAddress: [10, 1, 2, 3])
        #expect(ACLPolicy.whoAmI(authIds: info.ids) == [ClientInfo(authScheme: "ip", user: "10.1.2.3")])
    }
}
