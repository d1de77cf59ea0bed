package io.hexproperty.database.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Who the PostgreSQL processes run as, and the command prefix that makes it so.
 *
 * <p>PostgreSQL refuses to run as root, and containers, CI and this project's machines run as
 * root. So when the JVM is root the server runs as {@code nobody} through util-linux
 * {@code setpriv}, and the data directory is handed to that user. Otherwise it runs as the JVM's
 * own user.
 *
 * <p>The server runs in a session of its own ({@code setsid}), so a terminal's Ctrl-C reaches the
 * JVM alone and the JVM decides when the database stops.
 *
 * <p>Either way, when {@code setpriv} exists the server gets a parent-death signal (SIGINT, i.e.
 * PostgreSQL's fast shutdown) bound to the thread that spawned it: if the JVM dies, even by
 * {@code kill -9}, the server shuts itself down instead of living on as an orphan. The second
 * {@code setpriv} runs after the uid change because the kernel clears the parent-death signal when
 * credentials change.
 */
final class ServiceUser {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServiceUser.class);
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final String UNPRIVILEGED = "nobody";

    private final String name;
    private final List<String> prefix;
    private final boolean switched;
    private final boolean diesWithJvm;

    private ServiceUser(String name, List<String> prefix, boolean switched, boolean diesWithJvm) {
        this.name = name;
        this.prefix = List.copyOf(prefix);
        this.switched = switched;
        this.diesWithJvm = diesWithJvm;
    }

    static ServiceUser detect() {
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        boolean setpriv = Files.isExecutable(SETPRIV);
        List<String> prefix = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // Its own session: Ctrl-C in the terminal reaches only the JVM, which stops the server
            // after draining its own work instead of losing the database mid-drain. A child of the
            // JVM is never a process-group leader, so setsid execs in place (no fork): the pid we
            // hold stays the server's.
            prefix.add(SETSID.toString());
        }
        if (root) {
            if (!setpriv) {
                throw new DatabaseStartException("PostgreSQL refuses to run as root and " + SETPRIV
                        + " (util-linux) is missing to switch to user '" + UNPRIVILEGED
                        + "'; install util-linux or run as an ordinary user");
            }
            long[] ids = passwdEntry(UNPRIVILEGED);
            prefix.addAll(List.of(SETPRIV.toString(), "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", "--"));
        }
        if (setpriv) {
            prefix.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "INT", "--"));
        }
        return new ServiceUser(root ? UNPRIVILEGED : System.getProperty("user.name"), prefix, root, setpriv);
    }

    String name() {
        return name;
    }

    /** Whether the server gets a parent-death signal, i.e. cannot outlive the JVM. */
    boolean diesWithJvm() {
        return diesWithJvm;
    }

    /** The command line that runs {@code program} as this user (with the parent-death signal). */
    List<String> command(Path program, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(program.toString());
        command.addAll(args);
        return command;
    }

    /** Gives a directory tree to this user (PostgreSQL insists on owning its data directory). */
    void own(Path tree) throws IOException {
        if (!switched) {
            return;
        }
        UserPrincipalLookupService lookup = tree.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(name);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(groupName());
        if (user.equals(Files.getOwner(tree, LinkOption.NOFOLLOW_LINKS))) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    /**
     * Lets this user reach {@code dir}, the directory that holds the cluster. Only when running as
     * root: then the JVM's own directories (a 0700 temporary directory, a checkout under /root) are
     * typically closed to {@code nobody}, so {@code dir} and each ancestor without it get the search
     * bit for others (o+x: pass through, not list). Ancestors are logged, being outside our tree.
     */
    void allowTraversal(Path dir) throws IOException {
        if (!switched) {
            return;
        }
        for (Path p = dir; p != null; p = p.getParent()) {
            var perms = java.util.EnumSet.copyOf(Files.getPosixFilePermissions(p));
            if (perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(p, perms);
                if (!p.equals(dir)) {
                    LOG.warn("granted search permission (o+x) on {} so that PostgreSQL, running as '{}' because it"
                            + " refuses root, can reach its data directory {}", p, name, dir);
                }
            }
        }
    }

    /** Whether this user can create files in {@code dir} (every parent must be searchable too). */
    boolean canWrite(Path dir) {
        if (!switched) {
            return Files.isWritable(dir);
        }
        List<String> command = command(Path.of("/usr/bin/test"), List.of("-w", dir.toString()));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String groupName() throws IOException {
        long gid = passwdEntry(name)[1];
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
            String[] f = line.split(":", -1);
            if (f.length > 2 && f[2].equals(Long.toString(gid))) {
                return f[0];
            }
        }
        throw new IOException("no group with id " + gid + " in /etc/group");
    }

    private static long[] passwdEntry(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length > 3 && f[0].equals(user)) {
                    return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new DatabaseStartException("PostgreSQL refuses to run as root and /etc/passwd cannot be read to find user '"
                    + user + "': " + e.getMessage() + "; run as an ordinary user", e);
        }
        throw new DatabaseStartException("PostgreSQL refuses to run as root and there is no user '" + user
                + "' to run it as; create that user or run as an ordinary user");
    }
}
