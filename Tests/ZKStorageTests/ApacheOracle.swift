// Apache ZooKeeper 3.8's own view of the fixture files, used as the oracle
// for recovery and snapshot reading.
//
// Generated with Debian's zookeeper 3.8.0 jar by the Java program at the end
// of this file, run as
//   java -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar \
//        -Dzookeeper.extendedTypesEnabled=true Dump.java <dir>
// where <dir>/version-2 holds copies of Tests/Fixtures/disk/apache-3.8 (all
// files for `recovered`, one snapshot for the others). It calls
// FileTxnSnapLog.restore, exactly what a starting server does, then prints
// the last zxid, Apache's tree digest, the sessions and every node (stat,
// data as base64 up to 64 bytes, ACL) sorted by path.

enum ApacheOracle {
    /// FileTxnSnapLog.restore of the whole fixture directory.
    static let recovered = """
    lastZxid c0
    digest 108979042338
    node / czxid=0 mzxid=0 pzxid=b8 ctime=0 mtime=0 version=0 cversion=9 aversion=0 owner=0 children=10 data=b64: acl=31:world:anyone;
    node /climt czxid=98 mzxid=98 pzxid=b4 ctime=1795641311101 mtime=1795641311101 version=0 cversion=15 aversion=0 owner=0 children=10 data=b64:bmV3 acl=31:world:anyone;
    node /climt-rc czxid=b8 mzxid=b8 pzxid=bb ctime=1795641338456 mtime=1795641338456 version=0 cversion=2 aversion=0 owner=0 children=2 data=b64:bmV3 acl=31:world:anyone;
    node /climt-rc/d czxid=b9 mzxid=ba pzxid=b9 ctime=1795641338750 mtime=1795641347268 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZA== acl=31:world:anyone;
    node /climt-rc/missing czxid=bb mzxid=bb pzxid=bb ctime=1795641347588 mtime=1795641347588 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2 czxid=a1 mzxid=a1 pzxid=a1 ctime=1795641313819 mtime=1795641313819 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2ctr czxid=a5 mzxid=a5 pzxid=a5 ctime=1795641315030 mtime=1795641315030 version=0 cversion=0 aversion=0 owner=8000000000000000 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2s-0000000009 czxid=a3 mzxid=a3 pzxid=a3 ctime=1795641314427 mtime=1795641314427 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2ttl czxid=a6 mzxid=a6 pzxid=a6 ctime=1795641315334 mtime=1795641315334 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ctr czxid=9d mzxid=9d pzxid=9e ctime=1795641312606 mtime=1795641312606 version=0 cversion=1 aversion=0 owner=8000000000000000 children=1 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ctr/child czxid=9e mzxid=9e pzxid=9e ctime=1795641312909 mtime=1795641312909 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/kid czxid=ab mzxid=ab pzxid=ab ctime=1795641318069 mtime=1795641318069 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/plain czxid=99 mzxid=ad pzxid=99 ctime=1795641311395 mtime=1795641319886 version=2 cversion=0 aversion=0 owner=0 children=0 data=b64:YWdhaW4= acl=31:world:anyone;
    node /climt/seq-0000000002 czxid=9b mzxid=9b pzxid=9b ctime=1795641311999 mtime=1795641311999 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ttl czxid=9f mzxid=9f pzxid=9f ctime=1795641313215 mtime=1795641313215 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ttlseq-0000000006 czxid=a0 mzxid=a0 pzxid=a0 ctime=1795641313516 mtime=1795641313516 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /japi czxid=74 mzxid=74 pzxid=96 ctime=1795641304304 mtime=1795641304304 version=0 cversion=17 aversion=0 owner=0 children=11 data=b64:amFwaS1yb290 acl=31:world:anyone;
    node /japi/c2 czxid=75 mzxid=75 pzxid=75 ctime=1795641304311 mtime=1795641304311 version=0 cversion=0 aversion=1 owner=0 children=0 data=b64:YzI= acl=3:ip:127.0.0.0/8;16:digest:other:C9oU18wYV9MKI6QqDxMNatrbkNI=;
    node /japi/c2-seq-0000000001 czxid=76 mzxid=76 pzxid=76 ctime=1795641304318 mtime=1795641304318 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:YzJz acl=31:world:anyone;
    node /japi/container czxid=77 mzxid=77 pzxid=79 ctime=1795641304323 mtime=1795641304323 version=0 cversion=1 aversion=0 owner=8000000000000000 children=1 data=b64:Y3Ry acl=31:world:anyone;
    node /japi/container/child czxid=79 mzxid=79 pzxid=79 ctime=1795641304330 mtime=1795641304330 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /japi/container2 czxid=78 mzxid=78 pzxid=78 ctime=1795641304326 mtime=1795641304326 version=0 cversion=0 aversion=0 owner=8000000000000000 children=0 data=b64:Y3RyMg== acl=31:world:anyone;
    node /japi/creator czxid=81 mzxid=81 pzxid=81 ctime=1795641304451 mtime=1795641304451 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bWluZQ== acl=31:digest:java:VN7ieyaEzjH4/ggR5cXambh5IEQ=;
    node /japi/digest czxid=82 mzxid=82 pzxid=82 ctime=1795641304481 mtime=1795641304481 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:ZA== acl=31:digest:other:C9oU18wYV9MKI6QqDxMNatrbkNI=;
    node /japi/m-ttl czxid=92 mzxid=92 pzxid=92 ctime=1795641305652 mtime=1795641305652 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:dA== acl=31:world:anyone;
    node /japi/pw czxid=8e mzxid=8f pzxid=91 ctime=1795641304770 mtime=1795641304776 version=1 cversion=1 aversion=0 owner=0 children=0 data=b64:MQ== acl=31:world:anyone;
    node /japi/ro czxid=83 mzxid=83 pzxid=83 ctime=1795641304496 mtime=1795641304496 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cm8= acl=1:world:anyone;
    node /japi/ttl czxid=7a mzxid=7a pzxid=7a ctime=1795641304340 mtime=1795641304340 version=0 cversion=0 aversion=0 owner=ff0000000036ee80 children=0 data=b64:dHRs acl=31:world:anyone;
    node /japi/ttl-seq-0000000005 czxid=7b mzxid=7b pzxid=7b ctime=1795641304352 mtime=1795641304352 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:dHRscw== acl=31:world:anyone;
    node /kazoo czxid=2 mzxid=2 pzxid=28 ctime=1795641242673 mtime=1795641242673 version=0 cversion=13 aversion=0 owner=0 children=6 data=b64:a2F6b28tcm9vdA== acl=31:world:anyone;
    node /kazoo-rc czxid=2a mzxid=2a pzxid=2d ctime=1795641252332 mtime=1795641252332 version=0 cversion=2 aversion=0 owner=0 children=2 data=b64:cmM= acl=31:world:anyone;
    node /kazoo-rc/data czxid=2b mzxid=2e pzxid=2b ctime=1795641252337 mtime=1795641254593 version=2 cversion=0 aversion=0 owner=0 children=0 data=b64:ZDI= acl=31:world:anyone;
    node /kazoo-rc/missing czxid=2d mzxid=2d pzxid=2d ctime=1795641252523 mtime=1795641252523 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo-resume czxid=31 mzxid=31 pzxid=35 ctime=1795641260056 mtime=1795641260056 version=0 cversion=2 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo/deep czxid=8 mzxid=8 pzxid=16 ctime=1795641242771 mtime=1795641242771 version=0 cversion=2 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /kazoo/deep/a czxid=9 mzxid=9 pzxid=17 ctime=1795641242774 mtime=1795641242774 version=0 cversion=1 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo/deep/x czxid=16 mzxid=16 pzxid=16 ctime=1795641243408 mtime=1795641243408 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo/persistent czxid=3 mzxid=12 pzxid=3 ctime=1795641242692 mtime=1795641243174 version=2 cversion=0 aversion=1 owner=0 children=0 data=b64:cDM= acl=31:digest:kazoo:4gZxSPUXcLUPmCD/bW5qtCbtffk=;1:world:anyone;
    node /kazoo/secret czxid=18 mzxid=18 pzxid=18 ctime=1795641243532 mtime=1795641243532 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:aGlkZGVu acl=31:digest:kazoo:4gZxSPUXcLUPmCD/bW5qtCbtffk=;
    node /kazoo/seq-0000000002 czxid=5 mzxid=5 pzxid=5 ctime=1795641242704 mtime=1795641242704 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /kazoo/tx czxid=24 mzxid=24 pzxid=24 ctime=1795641246898 mtime=1795641246898 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:dDI= acl=31:world:anyone;
    node /kazoo/withstat czxid=b mzxid=b pzxid=b ctime=1795641242831 mtime=1795641242831 version=0 cversion=0 aversion=1 owner=0 children=0 data=b64:YzI= acl=31:ip:127.0.0.1;
    node /zkcli czxid=37 mzxid=37 pzxid=c0 ctime=1795641267995 mtime=1795641267995 version=0 cversion=10 aversion=0 owner=0 children=2 data=b64:emtjbGktcm9vdA== acl=31:world:anyone;
    node /zkcli-q czxid=62 mzxid=62 pzxid=62 ctime=1795641281767 mtime=1795641281767 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cQ== acl=31:world:anyone;
    node /zkcli-rc czxid=6c mzxid=6c pzxid=71 ctime=1795641285366 mtime=1795641285366 version=0 cversion=3 aversion=0 owner=0 children=3 data=b64:cmM= acl=31:world:anyone;
    node /zkcli-rc/d czxid=6d mzxid=70 pzxid=6d ctime=1795641285371 mtime=1795641295844 version=2 cversion=0 aversion=0 owner=0 children=0 data=b64:ZDI= acl=31:world:anyone;
    node /zkcli-rc/e czxid=71 mzxid=71 pzxid=71 ctime=1795641295996 mtime=1795641295996 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:ZQ== acl=31:world:anyone;
    node /zkcli-rc/missing czxid=6f mzxid=6f pzxid=6f ctime=1795641290564 mtime=1795641290564 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bQ== acl=31:world:anyone;
    node /zkcli/plain czxid=38 mzxid=4f pzxid=51 ctime=1795641267998 mtime=1795641274849 version=4 cversion=1 aversion=1 owner=0 children=0 data=b64:ZGF0YTQ= acl=31:digest:zk:sPuPQAg9HXkjz6j/fYvO5gzPdwo=;
    node /zkcli/seq-0000000002 czxid=3a mzxid=3a pzxid=3a ctime=1795641268144 mtime=1795641268144 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /zookeeper czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /zookeeper/config czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=-1 owner=0 children=0 data=b64: acl=1:world:anyone;
    node /zookeeper/quota czxid=0 mzxid=0 pzxid=69 ctime=0 mtime=0 version=0 cversion=2 aversion=0 owner=0 children=1 data=b64: acl=31:world:anyone;
    node /zookeeper/quota/zkcli czxid=5f mzxid=5f pzxid=61 ctime=1795641281698 mtime=1795641281698 version=0 cversion=2 aversion=0 owner=0 children=2 data=null acl=31:world:anyone;
    node /zookeeper/quota/zkcli/zookeeper_limits czxid=60 mzxid=66 pzxid=60 ctime=1795641281702 mtime=1795641282392 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y291bnQ9LTEsYnl0ZXM9LTE9O2J5dGVIYXJkTGltaXQ9LTE7Y291bnRIYXJkTGltaXQ9LTE= acl=31:world:anyone;
    node /zookeeper/quota/zkcli/zookeeper_stats czxid=61 mzxid=61 pzxid=61 ctime=1795641281707 mtime=1795641281707 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:Y291bnQ9MyxieXRlcz0xNg== acl=31:world:anyone;
    """

    /// FileTxnSnapLog.restore of a directory holding only snapshot.bb.
    static let snapshotBB = """
    lastZxid bb
    digest 114179516087
    session 100000cd6490008 30000
    node / czxid=0 mzxid=0 pzxid=b8 ctime=0 mtime=0 version=0 cversion=9 aversion=0 owner=0 children=10 data=b64: acl=31:world:anyone;
    node /climt czxid=98 mzxid=98 pzxid=b4 ctime=1795641311101 mtime=1795641311101 version=0 cversion=15 aversion=0 owner=0 children=10 data=b64:bmV3 acl=31:world:anyone;
    node /climt-rc czxid=b8 mzxid=b8 pzxid=bb ctime=1795641338456 mtime=1795641338456 version=0 cversion=2 aversion=0 owner=0 children=2 data=b64:bmV3 acl=31:world:anyone;
    node /climt-rc/d czxid=b9 mzxid=ba pzxid=b9 ctime=1795641338750 mtime=1795641347268 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZA== acl=31:world:anyone;
    node /climt-rc/missing czxid=bb mzxid=bb pzxid=bb ctime=1795641347588 mtime=1795641347588 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2 czxid=a1 mzxid=a1 pzxid=a1 ctime=1795641313819 mtime=1795641313819 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2ctr czxid=a5 mzxid=a5 pzxid=a5 ctime=1795641315030 mtime=1795641315030 version=0 cversion=0 aversion=0 owner=8000000000000000 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2s-0000000009 czxid=a3 mzxid=a3 pzxid=a3 ctime=1795641314427 mtime=1795641314427 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/c2ttl czxid=a6 mzxid=a6 pzxid=a6 ctime=1795641315334 mtime=1795641315334 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ctr czxid=9d mzxid=9d pzxid=9e ctime=1795641312606 mtime=1795641312606 version=0 cversion=1 aversion=0 owner=8000000000000000 children=1 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ctr/child czxid=9e mzxid=9e pzxid=9e ctime=1795641312909 mtime=1795641312909 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/kid czxid=ab mzxid=ab pzxid=ab ctime=1795641318069 mtime=1795641318069 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/plain czxid=99 mzxid=ad pzxid=99 ctime=1795641311395 mtime=1795641319886 version=2 cversion=0 aversion=0 owner=0 children=0 data=b64:YWdhaW4= acl=31:world:anyone;
    node /climt/seq-0000000002 czxid=9b mzxid=9b pzxid=9b ctime=1795641311999 mtime=1795641311999 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ttl czxid=9f mzxid=9f pzxid=9f ctime=1795641313215 mtime=1795641313215 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /climt/ttlseq-0000000006 czxid=a0 mzxid=a0 pzxid=a0 ctime=1795641313516 mtime=1795641313516 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:bmV3 acl=31:world:anyone;
    node /japi czxid=74 mzxid=74 pzxid=96 ctime=1795641304304 mtime=1795641304304 version=0 cversion=17 aversion=0 owner=0 children=11 data=b64:amFwaS1yb290 acl=31:world:anyone;
    node /japi/c2 czxid=75 mzxid=75 pzxid=75 ctime=1795641304311 mtime=1795641304311 version=0 cversion=0 aversion=1 owner=0 children=0 data=b64:YzI= acl=3:ip:127.0.0.0/8;16:digest:other:C9oU18wYV9MKI6QqDxMNatrbkNI=;
    node /japi/c2-seq-0000000001 czxid=76 mzxid=76 pzxid=76 ctime=1795641304318 mtime=1795641304318 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:YzJz acl=31:world:anyone;
    node /japi/container czxid=77 mzxid=77 pzxid=79 ctime=1795641304323 mtime=1795641304323 version=0 cversion=1 aversion=0 owner=8000000000000000 children=1 data=b64:Y3Ry acl=31:world:anyone;
    node /japi/container/child czxid=79 mzxid=79 pzxid=79 ctime=1795641304330 mtime=1795641304330 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /japi/container2 czxid=78 mzxid=78 pzxid=78 ctime=1795641304326 mtime=1795641304326 version=0 cversion=0 aversion=0 owner=8000000000000000 children=0 data=b64:Y3RyMg== acl=31:world:anyone;
    node /japi/creator czxid=81 mzxid=81 pzxid=81 ctime=1795641304451 mtime=1795641304451 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bWluZQ== acl=31:digest:java:VN7ieyaEzjH4/ggR5cXambh5IEQ=;
    node /japi/digest czxid=82 mzxid=82 pzxid=82 ctime=1795641304481 mtime=1795641304481 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:ZA== acl=31:digest:other:C9oU18wYV9MKI6QqDxMNatrbkNI=;
    node /japi/m-ttl czxid=92 mzxid=92 pzxid=92 ctime=1795641305652 mtime=1795641305652 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:dA== acl=31:world:anyone;
    node /japi/pw czxid=8e mzxid=8f pzxid=91 ctime=1795641304770 mtime=1795641304776 version=1 cversion=1 aversion=0 owner=0 children=0 data=b64:MQ== acl=31:world:anyone;
    node /japi/ro czxid=83 mzxid=83 pzxid=83 ctime=1795641304496 mtime=1795641304496 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cm8= acl=1:world:anyone;
    node /japi/ttl czxid=7a mzxid=7a pzxid=7a ctime=1795641304340 mtime=1795641304340 version=0 cversion=0 aversion=0 owner=ff0000000036ee80 children=0 data=b64:dHRs acl=31:world:anyone;
    node /japi/ttl-seq-0000000005 czxid=7b mzxid=7b pzxid=7b ctime=1795641304352 mtime=1795641304352 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:dHRscw== acl=31:world:anyone;
    node /kazoo czxid=2 mzxid=2 pzxid=28 ctime=1795641242673 mtime=1795641242673 version=0 cversion=13 aversion=0 owner=0 children=6 data=b64:a2F6b28tcm9vdA== acl=31:world:anyone;
    node /kazoo-rc czxid=2a mzxid=2a pzxid=2d ctime=1795641252332 mtime=1795641252332 version=0 cversion=2 aversion=0 owner=0 children=2 data=b64:cmM= acl=31:world:anyone;
    node /kazoo-rc/data czxid=2b mzxid=2e pzxid=2b ctime=1795641252337 mtime=1795641254593 version=2 cversion=0 aversion=0 owner=0 children=0 data=b64:ZDI= acl=31:world:anyone;
    node /kazoo-rc/missing czxid=2d mzxid=2d pzxid=2d ctime=1795641252523 mtime=1795641252523 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo-resume czxid=31 mzxid=31 pzxid=35 ctime=1795641260056 mtime=1795641260056 version=0 cversion=2 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo/deep czxid=8 mzxid=8 pzxid=16 ctime=1795641242771 mtime=1795641242771 version=0 cversion=2 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /kazoo/deep/a czxid=9 mzxid=9 pzxid=17 ctime=1795641242774 mtime=1795641242774 version=0 cversion=1 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo/deep/x czxid=16 mzxid=16 pzxid=16 ctime=1795641243408 mtime=1795641243408 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /kazoo/persistent czxid=3 mzxid=12 pzxid=3 ctime=1795641242692 mtime=1795641243174 version=2 cversion=0 aversion=1 owner=0 children=0 data=b64:cDM= acl=31:digest:kazoo:4gZxSPUXcLUPmCD/bW5qtCbtffk=;1:world:anyone;
    node /kazoo/secret czxid=18 mzxid=18 pzxid=18 ctime=1795641243532 mtime=1795641243532 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:aGlkZGVu acl=31:digest:kazoo:4gZxSPUXcLUPmCD/bW5qtCbtffk=;
    node /kazoo/seq-0000000002 czxid=5 mzxid=5 pzxid=5 ctime=1795641242704 mtime=1795641242704 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /kazoo/tx czxid=24 mzxid=24 pzxid=24 ctime=1795641246898 mtime=1795641246898 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:dDI= acl=31:world:anyone;
    node /kazoo/withstat czxid=b mzxid=b pzxid=b ctime=1795641242831 mtime=1795641242831 version=0 cversion=0 aversion=1 owner=0 children=0 data=b64:YzI= acl=31:ip:127.0.0.1;
    node /zkcli czxid=37 mzxid=37 pzxid=6a ctime=1795641267995 mtime=1795641267995 version=0 cversion=10 aversion=0 owner=0 children=4 data=b64:emtjbGktcm9vdA== acl=31:world:anyone;
    node /zkcli-q czxid=62 mzxid=62 pzxid=62 ctime=1795641281767 mtime=1795641281767 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cQ== acl=31:world:anyone;
    node /zkcli-rc czxid=6c mzxid=6c pzxid=71 ctime=1795641285366 mtime=1795641285366 version=0 cversion=3 aversion=0 owner=0 children=3 data=b64:cmM= acl=31:world:anyone;
    node /zkcli-rc/d czxid=6d mzxid=70 pzxid=6d ctime=1795641285371 mtime=1795641295844 version=2 cversion=0 aversion=0 owner=0 children=0 data=b64:ZDI= acl=31:world:anyone;
    node /zkcli-rc/e czxid=71 mzxid=71 pzxid=71 ctime=1795641295996 mtime=1795641295996 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:ZQ== acl=31:world:anyone;
    node /zkcli-rc/missing czxid=6f mzxid=6f pzxid=6f ctime=1795641290564 mtime=1795641290564 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:bQ== acl=31:world:anyone;
    node /zkcli/plain czxid=38 mzxid=4f pzxid=51 ctime=1795641267998 mtime=1795641274849 version=4 cversion=1 aversion=1 owner=0 children=0 data=b64:ZGF0YTQ= acl=31:digest:zk:sPuPQAg9HXkjz6j/fYvO5gzPdwo=;
    node /zkcli/seq-0000000002 czxid=3a mzxid=3a pzxid=3a ctime=1795641268144 mtime=1795641268144 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /zkcli/ttl czxid=3e mzxid=3e pzxid=3e ctime=1795641268762 mtime=1795641268762 version=0 cversion=0 aversion=1 owner=ff0000000000ea60 children=0 data=b64:dA== acl=31:ip:127.0.0.1;1:world:anyone;
    node /zkcli/ttlseq-0000000006 czxid=3f mzxid=3f pzxid=3f ctime=1795641268911 mtime=1795641268911 version=0 cversion=0 aversion=0 owner=ff0000000000ea60 children=0 data=b64:dHM= acl=31:world:anyone;
    node /zookeeper czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /zookeeper/config czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=-1 owner=0 children=0 data=b64: acl=1:world:anyone;
    node /zookeeper/quota czxid=0 mzxid=0 pzxid=69 ctime=0 mtime=0 version=0 cversion=2 aversion=0 owner=0 children=1 data=b64: acl=31:world:anyone;
    node /zookeeper/quota/zkcli czxid=5f mzxid=5f pzxid=61 ctime=1795641281698 mtime=1795641281698 version=0 cversion=2 aversion=0 owner=0 children=2 data=null acl=31:world:anyone;
    node /zookeeper/quota/zkcli/zookeeper_limits czxid=60 mzxid=66 pzxid=60 ctime=1795641281702 mtime=1795641282392 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y291bnQ9LTEsYnl0ZXM9LTE9O2J5dGVIYXJkTGltaXQ9LTE7Y291bnRIYXJkTGltaXQ9LTE= acl=31:world:anyone;
    node /zookeeper/quota/zkcli/zookeeper_stats czxid=61 mzxid=61 pzxid=61 ctime=1795641281707 mtime=1795641281707 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:Y291bnQ9NSxieXRlcz0xOQ== acl=31:world:anyone;
    """

    /// For each fixture snapshot restored alone: the node count (without
    /// Apache's "" alias of the root) and the tree digest (getTreeDigest).
    static let snapshotDigests: [(name: String, nodes: Int, digest: Int64)] = [
        ("snapshot.0", 4, 1371985504),
        ("snapshot.10", 15, 22591177629),
        ("snapshot.1c", 16, 30518559757),
        ("snapshot.29", 14, 27999060894),
        ("snapshot.3d", 24, 46549605169),
        ("snapshot.4e", 28, 58696700947),
        ("snapshot.60", 26, 47608598862),
        ("snapshot.6c", 28, 53265851054),
        ("snapshot.7a", 37, 68887526279),
        ("snapshot.88", 44, 86027213492),
        ("snapshot.9a", 47, 92257514313),
        ("snapshot.ac", 60, 126665521146),
        ("snapshot.bb", 58, 114179516087),
    ]

    /// Lines of `text` that describe nodes and sessions.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("node ") || $0.hasPrefix("session ") }
    }

    /// The value of the `key` line ("lastZxid", "digest").
    static func value(_ key: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(key + " ") }.map { String($0.dropFirst(key.count + 1)) }
    }
}

/* Dump.java
import java.io.File;
import java.util.*;
import java.util.zip.Adler32;
import org.apache.zookeeper.server.*;
import org.apache.zookeeper.server.persistence.*;
import org.apache.zookeeper.data.*;

public class Dump {
    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        FileTxnSnapLog log = new FileTxnSnapLog(dir, dir);
        DataTree dt = new DataTree();
        Map<Long, Integer> sessions = new HashMap<>();
        long zxid = log.restore(dt, sessions, (h, r, d) -> {});
        System.out.println("lastZxid " + Long.toHexString(zxid));
        System.out.println("digest " + dt.getTreeDigest());
        TreeMap<Long, Integer> ss = new TreeMap<>(sessions);
        for (Map.Entry<Long, Integer> e : ss.entrySet()) System.out.println("session " + Long.toHexString(e.getKey()) + " " + e.getValue());
        List<String> paths = new ArrayList<>();
        collect(dt, "/", paths);
        Collections.sort(paths);
        for (String p : paths) {
            DataNode n = dt.getNode(p);
            StatPersisted s = n.stat;
            Stat st = new Stat();
            List<ACL> acl = dt.getACL(p, st);
            StringBuilder a = new StringBuilder();
            for (ACL x : acl) a.append(x.getPerms()).append(':').append(x.getId().getScheme()).append(':').append(x.getId().getId()).append(';');
            String data;
            byte[] d = n.getData();
            if (d == null) data = "null";
            else if (d.length <= 64) data = "b64:" + Base64.getEncoder().encodeToString(d);
            else { Adler32 c = new Adler32(); c.update(d); data = "len:" + d.length + ":adler:" + c.getValue(); }
            System.out.println("node " + p + " czxid=" + Long.toHexString(s.getCzxid()) + " mzxid=" + Long.toHexString(s.getMzxid())
              + " pzxid=" + Long.toHexString(s.getPzxid()) + " ctime=" + s.getCtime() + " mtime=" + s.getMtime()
              + " version=" + s.getVersion() + " cversion=" + s.getCversion() + " aversion=" + s.getAversion()
              + " owner=" + Long.toHexString(s.getEphemeralOwner()) + " children=" + n.getChildren().size()
              + " data=" + data + " acl=" + a);
        }
    }
    static void collect(DataTree dt, String p, List<String> out) {
        out.add(p);
        DataNode n = dt.getNode(p);
        for (String c : n.getChildren()) collect(dt, (p.equals("/") ? "" : p) + "/" + c, out);
    }
}
*/
