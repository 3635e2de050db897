// Apache ZooKeeper's own classes, from Debian's jar, writing and reading the
// SNAP state transfer exactly as LearnerHandler sends it and Learner reads it.
//   write SNAPSHOT_DIR ZXID_HEX OUT   loads snapshot.<zxid> with FileSnap and
//                                     writes the stream for its tree and sessions
//   read STREAM                       reads a stream; prints the node count,
//                                     session count and tree digest
package org.apache.zookeeper.server.quorum;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileSnap;
import org.apache.zookeeper.server.util.SerializeUtils;

public class SnapStreamVector {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("write")) {
            DataTree tree = new DataTree();
            Map<Long, Integer> sessions = new ConcurrentHashMap<>();
            File dir = new File(args[1]);
            // FileSnap reads the newest valid snapshot in the directory.
            new FileSnap(dir).deserialize(tree, sessions);
            try (BufferedOutputStream out = new BufferedOutputStream(new FileOutputStream(args[3]))) {
                BinaryOutputArchive oa = BinaryOutputArchive.getArchive(out);
                SerializeUtils.serializeSnapshot(tree, oa, sessions);
                oa.writeString("BenWasHere", "signature");
            }
            System.out.println("nodes " + tree.getNodeCount() + " sessions " + sessions.size()
                + " digest " + Long.toHexString(tree.getTreeDigest()));
        } else {
            DataTree tree = new DataTree();
            Map<Long, Integer> sessions = new HashMap<>();
            try (BufferedInputStream in = new BufferedInputStream(new FileInputStream(args[1]))) {
                BinaryInputArchive ia = BinaryInputArchive.getArchive(in);
                SerializeUtils.deserializeSnapshot(tree, ia, sessions);
                String signature = ia.readString("signature");
                if (!"BenWasHere".equals(signature)) {
                    throw new IllegalStateException("missing signature");
                }
                if (in.read() != -1) {
                    throw new IllegalStateException("bytes after the signature");
                }
            }
            System.out.println("nodes " + tree.getNodeCount() + " sessions " + sessions.size()
                + " digest " + Long.toHexString(tree.getTreeDigest()));
        }
    }
}
