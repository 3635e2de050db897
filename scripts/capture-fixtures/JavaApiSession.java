// Scripted session with Apache's own Java client library (the same
// org.apache.zookeeper.ZooKeeper(Admin) that zkCli.sh uses), for the request
// types zkCli.sh cannot send: multiRead (22), checkWatches (17), async
// pipelining, create2/createTTL/createContainer with Stat, the "auth" ACL
// scheme, etc.  Run with the JDK single-file source launcher:
//
//   java -cp /usr/share/java/zookeeper.jar JavaApiSession.java 127.0.0.1:21810
//
// Every request is serialized by the ZooKeeper client jar itself.

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

public class JavaApiSession {
    static final LinkedBlockingQueue<WatchedEvent> EVENTS = new LinkedBlockingQueue<>();
    static final Watcher W = e -> {
        if (e.getType() != Watcher.Event.EventType.None) {
            System.out.println("  watch: " + e);
            EVENTS.add(e);
        }
    };

    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static void step(String s) throws InterruptedException {
        System.out.println("javaapi: " + s);
        Thread.sleep(50);
    }

    static void awaitEvents(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            if (EVENTS.poll(5, TimeUnit.SECONDS) == null) {
                System.out.println("  WARNING: missing watch event");
                return;
            }
        }
    }

    interface Call { void run() throws Exception; }

    static void expect(Class<? extends KeeperException> k, Call c) throws Exception {
        try {
            c.run();
            System.out.println("  WARNING: no " + k.getSimpleName());
        } catch (KeeperException e) {
            System.out.println("  expected " + e.getClass().getSimpleName() + " (" + e.code() + ")");
        }
    }

    public static void main(String[] args) throws Exception {
        String hp = args[0];
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeperAdmin zk = new ZooKeeperAdmin(hp, 4000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not connected");
        }
        List<ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        Stat st = new Stat();
        String r = "/japi";

        step("addAuth digest");
        zk.addAuthInfo("digest", b("java:secret"));

        step("create (1), create2 (15), container (19), TTL (21), ephemeral, sequential");
        zk.create(r, b("japi-root"), open, CreateMode.PERSISTENT);
        zk.create(r + "/c2", b("c2"), open, CreateMode.PERSISTENT, st);
        zk.create(r + "/c2-seq-", b("c2s"), open, CreateMode.PERSISTENT_SEQUENTIAL, st);
        zk.create(r + "/container", b("ctr"), open, CreateMode.CONTAINER);
        zk.create(r + "/container2", b("ctr2"), open, CreateMode.CONTAINER, st);
        zk.create(r + "/container/child", b(""), open, CreateMode.PERSISTENT);
        zk.create(r + "/ttl", b("ttl"), open, CreateMode.PERSISTENT_WITH_TTL, st, 3_600_000L);
        zk.create(r + "/ttl-seq-", b("ttls"), open, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, st, 60_000L);
        zk.create(r + "/eph", b("e"), open, CreateMode.EPHEMERAL);
        zk.create(r + "/eph-seq-", b("es"), open, CreateMode.EPHEMERAL_SEQUENTIAL, st);
        expect(KeeperException.NodeExistsException.class, () -> zk.create(r + "/c2", b(""), open, CreateMode.PERSISTENT));
        expect(KeeperException.NoNodeException.class, () -> zk.create(r + "/nope/x", b(""), open, CreateMode.PERSISTENT, st));
        expect(KeeperException.NoChildrenForEphemeralsException.class, () -> zk.create(r + "/eph/x", b(""), open, CreateMode.PERSISTENT));

        step("ACL schemes: auth (CREATOR_ALL_ACL), digest, ip, world read-only");
        zk.create(r + "/creator", b("mine"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        String digest = DigestAuthenticationProvider.generateDigest("other:pw");
        zk.create(r + "/digest", b("d"), Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest))), CreateMode.PERSISTENT);
        expect(KeeperException.NoAuthException.class, () -> zk.getData(r + "/digest", false, null));
        zk.create(r + "/ro", b("ro"), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        expect(KeeperException.NoAuthException.class, () -> zk.setData(r + "/ro", b("x"), -1));
        zk.setACL(r + "/c2", Arrays.asList(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE, new Id("ip", "127.0.0.0/8")),
                new ACL(ZooDefs.Perms.ADMIN, new Id("digest", digest))), 0);
        zk.getACL(r + "/c2", st);
        zk.getACL(r + "/creator", st);
        expect(KeeperException.BadVersionException.class, () -> zk.setACL(r + "/ttl", open, 9));

        step("whoAmI (107), getEphemerals (103), getAllChildrenNumber (104)");
        System.out.println("  whoAmI: " + zk.whoAmI());
        System.out.println("  ephemerals(/japi): " + zk.getEphemerals(r));
        System.out.println("  ephemerals(): " + zk.getEphemerals());
        System.out.println("  allChildrenNumber(/japi): " + zk.getAllChildrenNumber(r));
        System.out.println("  allChildrenNumber(/): " + zk.getAllChildrenNumber("/"));

        step("exists / getData / getChildren / getChildren2 with watches");
        zk.exists(r + "/later", W);
        zk.create(r + "/later", b("now"), open, CreateMode.PERSISTENT);
        awaitEvents(1);
        zk.getData(r + "/later", W, st);
        zk.setData(r + "/later", b("changed"), st.getVersion());
        awaitEvents(1);
        zk.getChildren(r, W);
        zk.create(r + "/kid", b(""), open, CreateMode.PERSISTENT);
        awaitEvents(1);
        zk.getChildren(r, W, st);
        zk.delete(r + "/kid", -1);
        awaitEvents(1);
        zk.getData(r + "/later", W, st);
        zk.delete(r + "/later", st.getVersion());
        awaitEvents(1);
        expect(KeeperException.NoNodeException.class, () -> zk.getData(r + "/later", false, null));
        expect(KeeperException.BadVersionException.class, () -> zk.setData(r + "/c2", b("x"), 99));
        expect(KeeperException.NotEmptyException.class, () -> zk.delete(r + "/container", -1));

        step("addWatch PERSISTENT (106) + PERSISTENT_RECURSIVE, fire them, removeWatches (17 via watcher, 18 all)");
        zk.create(r + "/pw", b("0"), open, CreateMode.PERSISTENT);
        zk.addWatch(r + "/pw", W, AddWatchMode.PERSISTENT);
        zk.addWatch(r, W, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.setData(r + "/pw", b("1"), -1);          // pw: changed (persistent + recursive)
        zk.create(r + "/pw/sub", b(""), open, CreateMode.PERSISTENT); // pw: children; /japi recursive: created
        zk.delete(r + "/pw/sub", -1);
        Thread.sleep(500);
        EVENTS.clear();
        // 3.8.0's WatcherType has no Persistent/PersistentRecursive (added in 3.9), so try Any.
        try {
            zk.removeWatches(r + "/pw", W, Watcher.WatcherType.Any, false);         // checkWatches (17)
        } catch (KeeperException e) {
            System.out.println("  removeWatches(persistent, Any): " + e.code());
        }
        try {
            zk.removeAllWatches(r, Watcher.WatcherType.Any, false);                 // removeWatches (18)
        } catch (KeeperException e) {
            System.out.println("  removeAllWatches(recursive, Any): " + e.code());
        }
        zk.getData(r + "/c2", W, st);
        zk.getChildren(r + "/container", W);
        zk.removeWatches(r + "/c2", W, Watcher.WatcherType.Data, false);            // 17
        zk.removeAllWatches(r + "/container", Watcher.WatcherType.Any, false);      // 18
        Thread.sleep(300);
        EVENTS.clear();

        step("multi (14): success and failure");
        List<OpResult> res = zk.multi(Arrays.asList(
                Op.create(r + "/m1", b("m1"), open, CreateMode.PERSISTENT),
                Op.create(r + "/m-ttl", b("t"), open, CreateMode.PERSISTENT_WITH_TTL, 60_000L),
                Op.create(r + "/m-ctr", b("c"), open, CreateMode.CONTAINER),
                Op.check(r + "/m1", 0),
                Op.setData(r + "/m1", b("m1b"), 0),
                Op.delete(r + "/m-ctr", -1)));
        System.out.println("  multi ok: " + res.size() + " results");
        try {
            zk.multi(Arrays.asList(
                    Op.create(r + "/m2", b("m2"), open, CreateMode.PERSISTENT),
                    Op.check(r + "/m1", 42),
                    Op.delete(r + "/m1", -1)));
        } catch (KeeperException e) {
            System.out.println("  multi failed as expected: " + e.code());
        }

        step("multiRead (22): getData + getChildren, one failing");
        res = zk.multi(Arrays.asList(
                Op.getData(r + "/m1"),
                Op.getChildren(r),
                Op.getData(r + "/missing"),
                Op.getChildren(r + "/container")));
        System.out.println("  multiRead results: " + res.size());

        step("async pipelining: 12 requests written back to back");
        CountDownLatch done = new CountDownLatch(12);
        for (int i = 0; i < 4; i++) {
            zk.getData(r + "/m1", false, (rc, p, ctx, data, s) -> done.countDown(), null);
            zk.exists(r + "/nothing-" + i, false, (rc, p, ctx, s) -> done.countDown(), null);
            zk.getChildren(r, false, (rc, p, ctx, kids, s) -> done.countDown(), null);
        }
        done.await(10, TimeUnit.SECONDS);

        step("getConfig (getData /zookeeper/config), reconfig (16) -> error on standalone, sync (9)");
        zk.getConfig(W, st);
        try {
            zk.reconfigure(Collections.singletonList("server.2=127.0.0.1:21820:21821;127.0.0.1:21822"), null, null, -1, st);
        } catch (KeeperException e) {
            System.out.println("  reconfig -> " + e.code());
        }
        CountDownLatch synced = new CountDownLatch(1);
        zk.sync(r, (rc, p, ctx) -> synced.countDown(), null);
        synced.await(5, TimeUnit.SECONDS);

        step("idle 3s -> pings");
        Thread.sleep(3000);

        step("delete one node, then close (closeSession -11); the rest of /japi stays for the disk fixtures");
        zk.delete(r + "/m1", -1);
        zk.close();
        System.out.println("javaapi: closed");
    }
}
