// Prints golden vectors for SwiftZK's ZKZab tests, produced by Apache
// ZooKeeper's own classes from Debian's jar (run by golden-vectors.sh).
// It lives in Apache's quorum package only to reach the package-private
// FastLeaderElection.buildMsg and the Leader packet constants.
package org.apache.zookeeper.server.quorum;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.server.persistence.Util;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnDigest;
import org.apache.zookeeper.txn.TxnHeader;

public class GoldenVectors {
    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x & 0xff));
        return s.toString();
    }

    static byte[] record(Record r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryOutputArchive.getArchive(out).writeRecord(r, "packet");
        return out.toByteArray();
    }

    static void packet(String name, QuorumPacket p) throws Exception {
        System.out.println(name + " " + hex(record(p)));
    }


    public static void main(String[] args) throws Exception {
        String config = "server.1=127.0.0.1:23521:23531:participant\nserver.2=127.0.0.1:23522:23532:participant\nversion=0";
        byte[] cfg = config.getBytes(StandardCharsets.UTF_8);

        // Election notifications, as FastLeaderElection's sender builds them.
        System.out.println("notification.looking " + hex(FastLeaderElection.buildMsg(0, 3, 0x100000002L, 1, 1, cfg).array()));
        System.out.println("notification.leading " + hex(FastLeaderElection.buildMsg(2, 2, 0x500000007L, 9, 5, cfg).array()));
        System.out.println("notification.observer " + hex(FastLeaderElection.buildMsg(3, Long.MIN_VALUE, Long.MIN_VALUE, 4, Long.MIN_VALUE, new byte[0]).array()));
        System.out.println("notification.legacy40 " + hex(FastLeaderElection.buildMsg(1, 7, 0x300000001L, 2, 3).array()));

        // Initial messages: checked by Apache's own parser.
        for (String text : new String[] {"127.0.0.1:3888", "[::1]:23531", "127.0.0.1:23531|10.0.0.2:23531", "0.0.0.0:3888"}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            byte[] addr = text.getBytes(StandardCharsets.UTF_8);
            out.writeLong(text.contains("|") ? QuorumCnxManager.PROTOCOL_VERSION_V2 : QuorumCnxManager.PROTOCOL_VERSION_V1);
            out.writeLong(2);
            out.writeInt(addr.length);
            out.write(addr);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            long version = in.readLong();
            QuorumCnxManager.InitialMessage m = QuorumCnxManager.InitialMessage.parse(version, in);
            System.out.println("initial.parsed " + hex(bytes.toByteArray()) + " sid=" + m.sid + " addresses=" + m.electionAddr.size());
        }
        for (String bad : new String[] {"127.0.0.1", "127.0.0.1:notaport", "[::1]"}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            byte[] addr = bad.getBytes(StandardCharsets.UTF_8);
            out.writeLong(2);
            out.writeInt(addr.length);
            out.write(addr);
            try {
                QuorumCnxManager.InitialMessage.parse(QuorumCnxManager.PROTOCOL_VERSION_V1, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                System.out.println("initial.rejected " + bad + " ACCEPTED");
            } catch (QuorumCnxManager.InitialMessage.InitialMessageException e) {
                System.out.println("initial.rejected " + bad + " rejected");
            }
        }

        // Discovery.
        packet("quorum.followerinfo", new QuorumPacket(Leader.FOLLOWERINFO, 0x100000000L, record(new LearnerInfo(2, 0x10000, 0)), null));
        packet("quorum.observerinfo", new QuorumPacket(Leader.OBSERVERINFO, 0x300000000L, record(new LearnerInfo(4, 0x10000, 0x100000000L)), null));
        byte[] ver = new byte[4];
        ByteBuffer.wrap(ver).putInt(0x10000);
        packet("quorum.leaderinfo", new QuorumPacket(Leader.LEADERINFO, 0x200000000L, ver, null));
        byte[] epoch = new byte[4];
        ByteBuffer.wrap(epoch).putInt(1);
        packet("quorum.ackepoch", new QuorumPacket(Leader.ACKEPOCH, 0x100000003L, epoch, null));
        byte[] already = new byte[4];
        ByteBuffer.wrap(already).putInt(-1);
        packet("quorum.ackepoch.already", new QuorumPacket(Leader.ACKEPOCH, 0x200000000L, already, null));
        packet("quorum.newleader", new QuorumPacket(Leader.NEWLEADER, 0x200000000L, cfg, null));

        // Synchronisation and broadcast markers (LearnerHandler.queueOpPacket and friends).
        packet("quorum.diff", new QuorumPacket(Leader.DIFF, 0x100000005L, null, null));
        packet("quorum.trunc", new QuorumPacket(Leader.TRUNC, 0x100000004L, null, null));
        packet("quorum.snap", new QuorumPacket(Leader.SNAP, 0x100000005L, null, null));
        packet("quorum.uptodate", new QuorumPacket(Leader.UPTODATE, -1, null, null));
        packet("quorum.ack", new QuorumPacket(Leader.ACK, 0x200000001L, null, null));
        packet("quorum.commit", new QuorumPacket(Leader.COMMIT, 0x200000001L, null, null));
        packet("quorum.sync", new QuorumPacket(Leader.SYNC, 0, null, null));
        packet("quorum.ping.leader", new QuorumPacket(Leader.PING, 0x200000005L, null, null));
        ByteArrayOutputStream touches = new ByteArrayOutputStream();
        DataOutputStream t = new DataOutputStream(touches);
        t.writeLong(0x0100000000000001L); t.writeInt(30000);
        t.writeLong(0x0200017f3a2b0000L); t.writeInt(4000);
        packet("quorum.ping.reply", new QuorumPacket(Leader.PING, 0x200000005L, touches.toByteArray(), null));
        packet("quorum.ping.reply.empty", new QuorumPacket(Leader.PING, 0x200000005L, new byte[0], null));

        // Sessions.
        ByteArrayOutputStream rv = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(rv);
        r.writeLong(0x0100000000000001L); r.writeInt(30000);
        packet("quorum.revalidate.request", new QuorumPacket(Leader.REVALIDATE, -1, rv.toByteArray(), null));
        ByteArrayOutputStream rs = new ByteArrayOutputStream();
        DataOutputStream r2 = new DataOutputStream(rs);
        r2.writeLong(0x0100000000000001L); r2.writeBoolean(true);
        packet("quorum.revalidate.response", new QuorumPacket(Leader.REVALIDATE, -1, rs.toByteArray(), null));

        // A forwarded create, with the client's auth id.
        List<ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        byte[] create = record(new CreateRequest("/probe", "hello".getBytes(StandardCharsets.UTF_8), open, 0));
        ByteArrayOutputStream fw = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(fw);
        f.writeLong(0x0200017f3a2b0000L); f.writeInt(7); f.writeInt(ZooDefs.OpCode.create); f.write(create);
        List<Id> auth = new ArrayList<>(Arrays.asList(new Id("ip", "127.0.0.1")));
        packet("quorum.request.create", new QuorumPacket(Leader.REQUEST, -1, fw.toByteArray(), auth));
        ByteArrayOutputStream fs = new ByteArrayOutputStream();
        DataOutputStream f2 = new DataOutputStream(fs);
        f2.writeLong(0x0200017f3a2b0000L); f2.writeInt(8); f2.writeInt(ZooDefs.OpCode.sync);
        f2.write(record(new org.apache.zookeeper.proto.SyncRequest("/")));
        packet("quorum.request.sync", new QuorumPacket(Leader.REQUEST, -1, fs.toByteArray(), new ArrayList<Id>()));

        // Proposals, as Util.marshallTxnEntry (what Request.getSerializeData uses).
        TxnHeader h1 = new TxnHeader(0x0100014d113b0000L, 1, 0x100000002L, 1764000000000L, ZooDefs.OpCode.create);
        byte[] p1 = Util.marshallTxnEntry(h1, new CreateTxn("/probe", "hello".getBytes(StandardCharsets.UTF_8), open, false, 1), new TxnDigest(2, 0x1d67af7ddL));
        packet("quorum.proposal.create", new QuorumPacket(Leader.PROPOSAL, 0x100000002L, p1, null));
        TxnHeader h2 = new TxnHeader(0x0100014d113b0000L, 0, 0x100000001L, 1764000000000L, ZooDefs.OpCode.createSession);
        byte[] p2 = Util.marshallTxnEntry(h2, new CreateSessionTxn(30000), new TxnDigest(2, 0x51c6d660L));
        packet("quorum.proposal.createsession", new QuorumPacket(Leader.PROPOSAL, 0x100000001L, p2, null));
        TxnHeader h3 = new TxnHeader(0x0100014d113b0000L, 2, 0x100000003L, 1764000000001L, ZooDefs.OpCode.setData);
        byte[] p3 = Util.marshallTxnEntry(h3, new SetDataTxn("/probe", new byte[] {1, 2}, 1), null);
        packet("quorum.proposal.setdata.nodigest", new QuorumPacket(Leader.PROPOSAL, 0x100000003L, p3, null));
        packet("quorum.inform.create", new QuorumPacket(Leader.INFORM, 0x100000002L, p1, null));
        byte[] act = new byte[8];
        ByteBuffer.wrap(act).putLong(3);
        packet("quorum.commitandactivate", new QuorumPacket(Leader.COMMITANDACTIVATE, 0x100000009L, act, null));
        packet("quorum.informandactivate", Leader.buildInformAndActivePacket(0x100000003L, 3, p3));

        // Quorum SASL's auth packet (what a peer with quorum.auth.enableSasl sends first).
        System.out.println("auth.success " + hex(record(org.apache.zookeeper.server.quorum.auth.QuorumAuth.createPacket(
            org.apache.zookeeper.server.quorum.auth.QuorumAuth.Status.SUCCESS, new byte[] {1, 2, 3}))));
        System.out.println("auth.inprogress.null " + hex(record(org.apache.zookeeper.server.quorum.auth.QuorumAuth.createPacket(
            org.apache.zookeeper.server.quorum.auth.QuorumAuth.Status.IN_PROGRESS, null))));

        // java.util.Random and session passwords.
        for (long sessionId : new long[] {0x0100000000000000L, 0x01000a1b2c3d0000L, 0x0300017f3a2b0001L, 0L, -1L, Long.MIN_VALUE + 1}) {
            byte[] pw = new byte[16];
            new Random(sessionId ^ 0xB3415C00L).nextBytes(pw);
            System.out.println("password " + Long.toHexString(sessionId) + " " + hex(pw));
        }
        Random rnd = new Random(42);
        StringBuilder ints = new StringBuilder();
        for (int i = 0; i < 5; i++) ints.append(rnd.nextInt()).append(",");
        System.out.println("random.seed42.nextInt " + ints);
        byte[] odd = new byte[7];
        new Random(-7).nextBytes(odd);
        System.out.println("random.seed-7.nextBytes7 " + hex(odd));
    }
}
