// Apache ZooKeeper 3.8's own view of the compressed fixture directories
// (Tests/Fixtures/disk/apache-3.8-compressed), used as the oracle for
// reading compressed snapshots and recovering from them.
//
// Printed by the Dump.java program at the end of ApacheOracle.swift (it
// calls FileTxnSnapLog.restore, exactly what a starting server does), run as
//   java -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
//        -Dzookeeper.extendedTypesEnabled=true Dump.java <dir>
// where <dir>/version-2 holds copies of all the files of gz/ or snappy/
// (`...Recovered`), or only the newest snapshot (`...Newest`). Apache picks
// the decompressor from the file name, as SnapStream.getInputStream does.

enum CompressedApacheOracle {
    /// FileTxnSnapLog.restore of all of gz/.
    static let gzRecovered = """
    lastZxid 33
    digest 75298182443
    session 1000064dfc40000 15000
    node / czxid=0 mzxid=0 pzxid=2 ctime=0 mtime=0 version=0 cversion=1 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /gz czxid=2 mzxid=2 pzxid=32 ctime=1795647009095 mtime=1795647009095 version=0 cversion=37 aversion=0 owner=0 children=36 data=b64:cm9vdCBvZiBneg== acl=31:world:anyone;
    node /gz/acl czxid=21 mzxid=21 pzxid=21 ctime=1795647009163 mtime=1795647009163 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:Z3VhcmRlZA== acl=31:digest:fixture:XoLTrPSwQ0sFsH5m2bT8FRZaFkw=;1:world:anyone;
    node /gz/big czxid=26 mzxid=26 pzxid=26 ctime=1795647009170 mtime=1795647009170 version=0 cversion=0 aversion=0 owner=0 children=0 data=len:2048:adler:1094253614 acl=31:world:anyone;
    node /gz/empty czxid=25 mzxid=25 pzxid=25 ctime=1795647009168 mtime=1795647009168 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /gz/eph czxid=23 mzxid=23 pzxid=23 ctime=1795647009166 mtime=1795647009166 version=0 cversion=0 aversion=0 owner=1000064dfc40000 children=0 data=b64:ZXBoZW1lcmFs acl=31:world:anyone;
    node /gz/iponly czxid=22 mzxid=22 pzxid=22 ctime=1795647009164 mtime=1795647009164 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:aXA= acl=3:ip:127.0.0.1;
    node /gz/late czxid=32 mzxid=32 pzxid=32 ctime=1795647011187 mtime=1795647011187 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:YWZ0ZXIgc25hcHNob3Q= acl=31:world:anyone;
    node /gz/n00 czxid=3 mzxid=27 pzxid=3 ctime=1795647009105 mtime=1795647009172 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAw acl=31:world:anyone;
    node /gz/n01 czxid=4 mzxid=33 pzxid=4 ctime=1795647009107 mtime=1795647011193 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:bGF0ZSBjaGFuZ2U= acl=31:world:anyone;
    node /gz/n02 czxid=5 mzxid=5 pzxid=5 ctime=1795647009109 mtime=1795647009109 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMg== acl=31:world:anyone;
    node /gz/n03 czxid=6 mzxid=28 pzxid=6 ctime=1795647009111 mtime=1795647009173 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAz acl=31:world:anyone;
    node /gz/n04 czxid=7 mzxid=7 pzxid=7 ctime=1795647009112 mtime=1795647009112 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNA== acl=31:world:anyone;
    node /gz/n05 czxid=8 mzxid=8 pzxid=8 ctime=1795647009115 mtime=1795647009115 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNQ== acl=31:world:anyone;
    node /gz/n06 czxid=9 mzxid=29 pzxid=9 ctime=1795647009117 mtime=1795647009174 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA2 acl=31:world:anyone;
    node /gz/n07 czxid=a mzxid=a pzxid=a ctime=1795647009119 mtime=1795647009119 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNw== acl=31:world:anyone;
    node /gz/n08 czxid=b mzxid=b pzxid=b ctime=1795647009121 mtime=1795647009121 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgOA== acl=31:world:anyone;
    node /gz/n09 czxid=c mzxid=2a pzxid=c ctime=1795647009125 mtime=1795647009175 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA5 acl=31:world:anyone;
    node /gz/n10 czxid=d mzxid=d pzxid=d ctime=1795647009128 mtime=1795647009128 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTA= acl=31:world:anyone;
    node /gz/n11 czxid=e mzxid=e pzxid=e ctime=1795647009130 mtime=1795647009130 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTE= acl=31:world:anyone;
    node /gz/n12 czxid=f mzxid=2b pzxid=f ctime=1795647009132 mtime=1795647009176 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxMg== acl=31:world:anyone;
    node /gz/n13 czxid=10 mzxid=10 pzxid=10 ctime=1795647009133 mtime=1795647009133 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTM= acl=31:world:anyone;
    node /gz/n14 czxid=11 mzxid=11 pzxid=11 ctime=1795647009136 mtime=1795647009136 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTQ= acl=31:world:anyone;
    node /gz/n15 czxid=12 mzxid=2c pzxid=12 ctime=1795647009140 mtime=1795647009177 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxNQ== acl=31:world:anyone;
    node /gz/n16 czxid=13 mzxid=13 pzxid=13 ctime=1795647009141 mtime=1795647009141 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTY= acl=31:world:anyone;
    node /gz/n17 czxid=14 mzxid=14 pzxid=14 ctime=1795647009142 mtime=1795647009142 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTc= acl=31:world:anyone;
    node /gz/n18 czxid=15 mzxid=2d pzxid=15 ctime=1795647009143 mtime=1795647009178 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxOA== acl=31:world:anyone;
    node /gz/n19 czxid=16 mzxid=16 pzxid=16 ctime=1795647009145 mtime=1795647009145 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTk= acl=31:world:anyone;
    node /gz/n20 czxid=17 mzxid=17 pzxid=17 ctime=1795647009146 mtime=1795647009146 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjA= acl=31:world:anyone;
    node /gz/n21 czxid=18 mzxid=2e pzxid=18 ctime=1795647009147 mtime=1795647009179 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyMQ== acl=31:world:anyone;
    node /gz/n22 czxid=19 mzxid=19 pzxid=19 ctime=1795647009149 mtime=1795647009149 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjI= acl=31:world:anyone;
    node /gz/n23 czxid=1a mzxid=1a pzxid=1a ctime=1795647009150 mtime=1795647009150 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjM= acl=31:world:anyone;
    node /gz/n24 czxid=1b mzxid=2f pzxid=1b ctime=1795647009152 mtime=1795647009181 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyNA== acl=31:world:anyone;
    node /gz/n25 czxid=1c mzxid=1c pzxid=1c ctime=1795647009153 mtime=1795647009153 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjU= acl=31:world:anyone;
    node /gz/n26 czxid=1d mzxid=1d pzxid=1d ctime=1795647009154 mtime=1795647009154 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjY= acl=31:world:anyone;
    node /gz/n27 czxid=1e mzxid=30 pzxid=1e ctime=1795647009155 mtime=1795647009183 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyNw== acl=31:world:anyone;
    node /gz/n28 czxid=1f mzxid=1f pzxid=1f ctime=1795647009160 mtime=1795647009160 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjg= acl=31:world:anyone;
    node /gz/seq-0000000033 czxid=24 mzxid=24 pzxid=24 ctime=1795647009167 mtime=1795647009167 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /zookeeper czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /zookeeper/config czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=-1 owner=0 children=0 data=b64: acl=1:world:anyone;
    node /zookeeper/quota czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    """

    /// FileTxnSnapLog.restore of gz/snapshot.2d.gz alone.
    static let gzNewest = """
    lastZxid 2d
    digest 70545003929
    session 1000064dfc40000 15000
    node / czxid=0 mzxid=0 pzxid=2 ctime=0 mtime=0 version=0 cversion=1 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /gz czxid=2 mzxid=2 pzxid=26 ctime=1795647009095 mtime=1795647009095 version=0 cversion=36 aversion=0 owner=0 children=36 data=b64:cm9vdCBvZiBneg== acl=31:world:anyone;
    node /gz/acl czxid=21 mzxid=21 pzxid=21 ctime=1795647009163 mtime=1795647009163 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:Z3VhcmRlZA== acl=31:digest:fixture:XoLTrPSwQ0sFsH5m2bT8FRZaFkw=;1:world:anyone;
    node /gz/big czxid=26 mzxid=26 pzxid=26 ctime=1795647009170 mtime=1795647009170 version=0 cversion=0 aversion=0 owner=0 children=0 data=len:2048:adler:1094253614 acl=31:world:anyone;
    node /gz/empty czxid=25 mzxid=25 pzxid=25 ctime=1795647009168 mtime=1795647009168 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /gz/eph czxid=23 mzxid=23 pzxid=23 ctime=1795647009166 mtime=1795647009166 version=0 cversion=0 aversion=0 owner=1000064dfc40000 children=0 data=b64:ZXBoZW1lcmFs acl=31:world:anyone;
    node /gz/iponly czxid=22 mzxid=22 pzxid=22 ctime=1795647009164 mtime=1795647009164 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:aXA= acl=3:ip:127.0.0.1;
    node /gz/n00 czxid=3 mzxid=27 pzxid=3 ctime=1795647009105 mtime=1795647009172 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAw acl=31:world:anyone;
    node /gz/n01 czxid=4 mzxid=4 pzxid=4 ctime=1795647009107 mtime=1795647009107 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMQ== acl=31:world:anyone;
    node /gz/n02 czxid=5 mzxid=5 pzxid=5 ctime=1795647009109 mtime=1795647009109 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMg== acl=31:world:anyone;
    node /gz/n03 czxid=6 mzxid=28 pzxid=6 ctime=1795647009111 mtime=1795647009173 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAz acl=31:world:anyone;
    node /gz/n04 czxid=7 mzxid=7 pzxid=7 ctime=1795647009112 mtime=1795647009112 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNA== acl=31:world:anyone;
    node /gz/n05 czxid=8 mzxid=8 pzxid=8 ctime=1795647009115 mtime=1795647009115 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNQ== acl=31:world:anyone;
    node /gz/n06 czxid=9 mzxid=29 pzxid=9 ctime=1795647009117 mtime=1795647009174 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA2 acl=31:world:anyone;
    node /gz/n07 czxid=a mzxid=a pzxid=a ctime=1795647009119 mtime=1795647009119 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNw== acl=31:world:anyone;
    node /gz/n08 czxid=b mzxid=b pzxid=b ctime=1795647009121 mtime=1795647009121 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgOA== acl=31:world:anyone;
    node /gz/n09 czxid=c mzxid=2a pzxid=c ctime=1795647009125 mtime=1795647009175 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA5 acl=31:world:anyone;
    node /gz/n10 czxid=d mzxid=d pzxid=d ctime=1795647009128 mtime=1795647009128 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTA= acl=31:world:anyone;
    node /gz/n11 czxid=e mzxid=e pzxid=e ctime=1795647009130 mtime=1795647009130 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTE= acl=31:world:anyone;
    node /gz/n12 czxid=f mzxid=2b pzxid=f ctime=1795647009132 mtime=1795647009176 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxMg== acl=31:world:anyone;
    node /gz/n13 czxid=10 mzxid=10 pzxid=10 ctime=1795647009133 mtime=1795647009133 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTM= acl=31:world:anyone;
    node /gz/n14 czxid=11 mzxid=11 pzxid=11 ctime=1795647009136 mtime=1795647009136 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTQ= acl=31:world:anyone;
    node /gz/n15 czxid=12 mzxid=2c pzxid=12 ctime=1795647009140 mtime=1795647009177 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxNQ== acl=31:world:anyone;
    node /gz/n16 czxid=13 mzxid=13 pzxid=13 ctime=1795647009141 mtime=1795647009141 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTY= acl=31:world:anyone;
    node /gz/n17 czxid=14 mzxid=14 pzxid=14 ctime=1795647009142 mtime=1795647009142 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTc= acl=31:world:anyone;
    node /gz/n18 czxid=15 mzxid=2d pzxid=15 ctime=1795647009143 mtime=1795647009178 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxOA== acl=31:world:anyone;
    node /gz/n19 czxid=16 mzxid=16 pzxid=16 ctime=1795647009145 mtime=1795647009145 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTk= acl=31:world:anyone;
    node /gz/n20 czxid=17 mzxid=17 pzxid=17 ctime=1795647009146 mtime=1795647009146 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjA= acl=31:world:anyone;
    node /gz/n21 czxid=18 mzxid=18 pzxid=18 ctime=1795647009147 mtime=1795647009147 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjE= acl=31:world:anyone;
    node /gz/n22 czxid=19 mzxid=19 pzxid=19 ctime=1795647009149 mtime=1795647009149 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjI= acl=31:world:anyone;
    node /gz/n23 czxid=1a mzxid=1a pzxid=1a ctime=1795647009150 mtime=1795647009150 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjM= acl=31:world:anyone;
    node /gz/n24 czxid=1b mzxid=1b pzxid=1b ctime=1795647009152 mtime=1795647009152 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjQ= acl=31:world:anyone;
    node /gz/n25 czxid=1c mzxid=1c pzxid=1c ctime=1795647009153 mtime=1795647009153 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjU= acl=31:world:anyone;
    node /gz/n26 czxid=1d mzxid=1d pzxid=1d ctime=1795647009154 mtime=1795647009154 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjY= acl=31:world:anyone;
    node /gz/n27 czxid=1e mzxid=1e pzxid=1e ctime=1795647009155 mtime=1795647009155 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjc= acl=31:world:anyone;
    node /gz/n28 czxid=1f mzxid=1f pzxid=1f ctime=1795647009160 mtime=1795647009160 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjg= acl=31:world:anyone;
    node /gz/n29 czxid=20 mzxid=20 pzxid=20 ctime=1795647009162 mtime=1795647009162 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjk= acl=31:world:anyone;
    node /gz/seq-0000000033 czxid=24 mzxid=24 pzxid=24 ctime=1795647009167 mtime=1795647009167 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /zookeeper czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /zookeeper/config czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=-1 owner=0 children=0 data=b64: acl=1:world:anyone;
    node /zookeeper/quota czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    """

    /// FileTxnSnapLog.restore of all of snappy/.
    static let snappyRecovered = """
    lastZxid 33
    digest 76350874482
    session 100006506180000 15000
    node / czxid=0 mzxid=0 pzxid=2 ctime=0 mtime=0 version=0 cversion=1 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /snappy czxid=2 mzxid=2 pzxid=32 ctime=1795647018713 mtime=1795647018713 version=0 cversion=37 aversion=0 owner=0 children=36 data=b64:cm9vdCBvZiBzbmFwcHk= acl=31:world:anyone;
    node /snappy/acl czxid=21 mzxid=21 pzxid=21 ctime=1795647018806 mtime=1795647018806 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:Z3VhcmRlZA== acl=31:digest:fixture:XoLTrPSwQ0sFsH5m2bT8FRZaFkw=;1:world:anyone;
    node /snappy/big czxid=26 mzxid=26 pzxid=26 ctime=1795647018822 mtime=1795647018822 version=0 cversion=0 aversion=0 owner=0 children=0 data=len:2048:adler:1094253614 acl=31:world:anyone;
    node /snappy/empty czxid=25 mzxid=25 pzxid=25 ctime=1795647018817 mtime=1795647018817 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /snappy/eph czxid=23 mzxid=23 pzxid=23 ctime=1795647018811 mtime=1795647018811 version=0 cversion=0 aversion=0 owner=100006506180000 children=0 data=b64:ZXBoZW1lcmFs acl=31:world:anyone;
    node /snappy/iponly czxid=22 mzxid=22 pzxid=22 ctime=1795647018809 mtime=1795647018809 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:aXA= acl=3:ip:127.0.0.1;
    node /snappy/late czxid=32 mzxid=32 pzxid=32 ctime=1795647020847 mtime=1795647020847 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:YWZ0ZXIgc25hcHNob3Q= acl=31:world:anyone;
    node /snappy/n00 czxid=3 mzxid=27 pzxid=3 ctime=1795647018722 mtime=1795647018824 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAw acl=31:world:anyone;
    node /snappy/n01 czxid=4 mzxid=33 pzxid=4 ctime=1795647018733 mtime=1795647020852 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:bGF0ZSBjaGFuZ2U= acl=31:world:anyone;
    node /snappy/n02 czxid=5 mzxid=5 pzxid=5 ctime=1795647018737 mtime=1795647018737 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMg== acl=31:world:anyone;
    node /snappy/n03 czxid=6 mzxid=28 pzxid=6 ctime=1795647018739 mtime=1795647018827 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAz acl=31:world:anyone;
    node /snappy/n04 czxid=7 mzxid=7 pzxid=7 ctime=1795647018741 mtime=1795647018741 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNA== acl=31:world:anyone;
    node /snappy/n05 czxid=8 mzxid=8 pzxid=8 ctime=1795647018743 mtime=1795647018743 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNQ== acl=31:world:anyone;
    node /snappy/n06 czxid=9 mzxid=29 pzxid=9 ctime=1795647018745 mtime=1795647018828 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA2 acl=31:world:anyone;
    node /snappy/n07 czxid=a mzxid=a pzxid=a ctime=1795647018747 mtime=1795647018747 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNw== acl=31:world:anyone;
    node /snappy/n08 czxid=b mzxid=b pzxid=b ctime=1795647018749 mtime=1795647018749 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgOA== acl=31:world:anyone;
    node /snappy/n09 czxid=c mzxid=2a pzxid=c ctime=1795647018750 mtime=1795647018831 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA5 acl=31:world:anyone;
    node /snappy/n10 czxid=d mzxid=d pzxid=d ctime=1795647018754 mtime=1795647018754 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTA= acl=31:world:anyone;
    node /snappy/n11 czxid=e mzxid=e pzxid=e ctime=1795647018764 mtime=1795647018764 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTE= acl=31:world:anyone;
    node /snappy/n12 czxid=f mzxid=2b pzxid=f ctime=1795647018768 mtime=1795647018833 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxMg== acl=31:world:anyone;
    node /snappy/n13 czxid=10 mzxid=10 pzxid=10 ctime=1795647018770 mtime=1795647018770 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTM= acl=31:world:anyone;
    node /snappy/n14 czxid=11 mzxid=11 pzxid=11 ctime=1795647018773 mtime=1795647018773 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTQ= acl=31:world:anyone;
    node /snappy/n15 czxid=12 mzxid=2c pzxid=12 ctime=1795647018775 mtime=1795647018835 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxNQ== acl=31:world:anyone;
    node /snappy/n16 czxid=13 mzxid=13 pzxid=13 ctime=1795647018777 mtime=1795647018777 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTY= acl=31:world:anyone;
    node /snappy/n17 czxid=14 mzxid=14 pzxid=14 ctime=1795647018779 mtime=1795647018779 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTc= acl=31:world:anyone;
    node /snappy/n18 czxid=15 mzxid=2d pzxid=15 ctime=1795647018782 mtime=1795647018837 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxOA== acl=31:world:anyone;
    node /snappy/n19 czxid=16 mzxid=16 pzxid=16 ctime=1795647018784 mtime=1795647018784 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTk= acl=31:world:anyone;
    node /snappy/n20 czxid=17 mzxid=17 pzxid=17 ctime=1795647018786 mtime=1795647018786 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjA= acl=31:world:anyone;
    node /snappy/n21 czxid=18 mzxid=2e pzxid=18 ctime=1795647018788 mtime=1795647018838 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyMQ== acl=31:world:anyone;
    node /snappy/n22 czxid=19 mzxid=19 pzxid=19 ctime=1795647018791 mtime=1795647018791 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjI= acl=31:world:anyone;
    node /snappy/n23 czxid=1a mzxid=1a pzxid=1a ctime=1795647018793 mtime=1795647018793 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjM= acl=31:world:anyone;
    node /snappy/n24 czxid=1b mzxid=2f pzxid=1b ctime=1795647018796 mtime=1795647018839 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyNA== acl=31:world:anyone;
    node /snappy/n25 czxid=1c mzxid=1c pzxid=1c ctime=1795647018798 mtime=1795647018798 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjU= acl=31:world:anyone;
    node /snappy/n26 czxid=1d mzxid=1d pzxid=1d ctime=1795647018799 mtime=1795647018799 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjY= acl=31:world:anyone;
    node /snappy/n27 czxid=1e mzxid=30 pzxid=1e ctime=1795647018801 mtime=1795647018841 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyNw== acl=31:world:anyone;
    node /snappy/n28 czxid=1f mzxid=1f pzxid=1f ctime=1795647018803 mtime=1795647018803 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjg= acl=31:world:anyone;
    node /snappy/seq-0000000033 czxid=24 mzxid=24 pzxid=24 ctime=1795647018814 mtime=1795647018814 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /zookeeper czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /zookeeper/config czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=-1 owner=0 children=0 data=b64: acl=1:world:anyone;
    node /zookeeper/quota czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    """

    /// FileTxnSnapLog.restore of snappy/snapshot.30.snappy alone.
    static let snappyNewest = """
    lastZxid 30
    digest 79207033283
    session 100006506180000 15000
    node / czxid=0 mzxid=0 pzxid=2 ctime=0 mtime=0 version=0 cversion=1 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /snappy czxid=2 mzxid=2 pzxid=31 ctime=1795647018713 mtime=1795647018713 version=0 cversion=36 aversion=0 owner=0 children=35 data=b64:cm9vdCBvZiBzbmFwcHk= acl=31:world:anyone;
    node /snappy/acl czxid=21 mzxid=21 pzxid=21 ctime=1795647018806 mtime=1795647018806 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:Z3VhcmRlZA== acl=31:digest:fixture:XoLTrPSwQ0sFsH5m2bT8FRZaFkw=;1:world:anyone;
    node /snappy/big czxid=26 mzxid=26 pzxid=26 ctime=1795647018822 mtime=1795647018822 version=0 cversion=0 aversion=0 owner=0 children=0 data=len:2048:adler:1094253614 acl=31:world:anyone;
    node /snappy/empty czxid=25 mzxid=25 pzxid=25 ctime=1795647018817 mtime=1795647018817 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    node /snappy/eph czxid=23 mzxid=23 pzxid=23 ctime=1795647018811 mtime=1795647018811 version=0 cversion=0 aversion=0 owner=100006506180000 children=0 data=b64:ZXBoZW1lcmFs acl=31:world:anyone;
    node /snappy/iponly czxid=22 mzxid=22 pzxid=22 ctime=1795647018809 mtime=1795647018809 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:aXA= acl=3:ip:127.0.0.1;
    node /snappy/n00 czxid=3 mzxid=27 pzxid=3 ctime=1795647018722 mtime=1795647018824 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAw acl=31:world:anyone;
    node /snappy/n01 czxid=4 mzxid=4 pzxid=4 ctime=1795647018733 mtime=1795647018733 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMQ== acl=31:world:anyone;
    node /snappy/n02 czxid=5 mzxid=5 pzxid=5 ctime=1795647018737 mtime=1795647018737 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMg== acl=31:world:anyone;
    node /snappy/n03 czxid=6 mzxid=28 pzxid=6 ctime=1795647018739 mtime=1795647018827 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAz acl=31:world:anyone;
    node /snappy/n04 czxid=7 mzxid=7 pzxid=7 ctime=1795647018741 mtime=1795647018741 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNA== acl=31:world:anyone;
    node /snappy/n05 czxid=8 mzxid=8 pzxid=8 ctime=1795647018743 mtime=1795647018743 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNQ== acl=31:world:anyone;
    node /snappy/n06 czxid=9 mzxid=29 pzxid=9 ctime=1795647018745 mtime=1795647018828 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA2 acl=31:world:anyone;
    node /snappy/n07 czxid=a mzxid=a pzxid=a ctime=1795647018747 mtime=1795647018747 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgNw== acl=31:world:anyone;
    node /snappy/n08 czxid=b mzxid=b pzxid=b ctime=1795647018749 mtime=1795647018749 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgOA== acl=31:world:anyone;
    node /snappy/n09 czxid=c mzxid=2a pzxid=c ctime=1795647018750 mtime=1795647018831 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCA5 acl=31:world:anyone;
    node /snappy/n10 czxid=d mzxid=d pzxid=d ctime=1795647018754 mtime=1795647018754 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTA= acl=31:world:anyone;
    node /snappy/n11 czxid=e mzxid=e pzxid=e ctime=1795647018764 mtime=1795647018764 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTE= acl=31:world:anyone;
    node /snappy/n12 czxid=f mzxid=2b pzxid=f ctime=1795647018768 mtime=1795647018833 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxMg== acl=31:world:anyone;
    node /snappy/n13 czxid=10 mzxid=10 pzxid=10 ctime=1795647018770 mtime=1795647018770 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTM= acl=31:world:anyone;
    node /snappy/n14 czxid=11 mzxid=11 pzxid=11 ctime=1795647018773 mtime=1795647018773 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTQ= acl=31:world:anyone;
    node /snappy/n15 czxid=12 mzxid=2c pzxid=12 ctime=1795647018775 mtime=1795647018835 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxNQ== acl=31:world:anyone;
    node /snappy/n16 czxid=13 mzxid=13 pzxid=13 ctime=1795647018777 mtime=1795647018777 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTY= acl=31:world:anyone;
    node /snappy/n17 czxid=14 mzxid=14 pzxid=14 ctime=1795647018779 mtime=1795647018779 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTc= acl=31:world:anyone;
    node /snappy/n18 czxid=15 mzxid=2d pzxid=15 ctime=1795647018782 mtime=1795647018837 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAxOA== acl=31:world:anyone;
    node /snappy/n19 czxid=16 mzxid=16 pzxid=16 ctime=1795647018784 mtime=1795647018784 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMTk= acl=31:world:anyone;
    node /snappy/n20 czxid=17 mzxid=17 pzxid=17 ctime=1795647018786 mtime=1795647018786 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjA= acl=31:world:anyone;
    node /snappy/n21 czxid=18 mzxid=2e pzxid=18 ctime=1795647018788 mtime=1795647018838 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyMQ== acl=31:world:anyone;
    node /snappy/n22 czxid=19 mzxid=19 pzxid=19 ctime=1795647018791 mtime=1795647018791 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjI= acl=31:world:anyone;
    node /snappy/n23 czxid=1a mzxid=1a pzxid=1a ctime=1795647018793 mtime=1795647018793 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjM= acl=31:world:anyone;
    node /snappy/n24 czxid=1b mzxid=2f pzxid=1b ctime=1795647018796 mtime=1795647018839 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyNA== acl=31:world:anyone;
    node /snappy/n25 czxid=1c mzxid=1c pzxid=1c ctime=1795647018798 mtime=1795647018798 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjU= acl=31:world:anyone;
    node /snappy/n26 czxid=1d mzxid=1d pzxid=1d ctime=1795647018799 mtime=1795647018799 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjY= acl=31:world:anyone;
    node /snappy/n27 czxid=1e mzxid=30 pzxid=1e ctime=1795647018801 mtime=1795647018841 version=1 cversion=0 aversion=0 owner=0 children=0 data=b64:Y2hhbmdlZCAyNw== acl=31:world:anyone;
    node /snappy/n28 czxid=1f mzxid=1f pzxid=1f ctime=1795647018803 mtime=1795647018803 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:dmFsdWUgMjg= acl=31:world:anyone;
    node /snappy/seq-0000000033 czxid=24 mzxid=24 pzxid=24 ctime=1795647018814 mtime=1795647018814 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64:cw== acl=31:world:anyone;
    node /zookeeper czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=2 data=b64: acl=31:world:anyone;
    node /zookeeper/config czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=-1 owner=0 children=0 data=b64: acl=1:world:anyone;
    node /zookeeper/quota czxid=0 mzxid=0 pzxid=0 ctime=0 mtime=0 version=0 cversion=0 aversion=0 owner=0 children=0 data=b64: acl=31:world:anyone;
    """
}
