package dev.aitk.launcher.hub;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Who a partial download belongs to. Each downloader names its partial files {@code <etag>.<owner>.aitk.incomplete}
 * with an owner of host, process id and a serial, so two launchers on a shared file system whose locks silently do
 * nothing (NFS without lockd) never write, truncate or rename the same partial file. A partial whose owner is gone
 * (a dead process on this host, this JVM's finished downloader, or no write for {@link #OTHER_HOST_QUIET} from
 * another host) is adopted by an atomic rename, which only one claimant can win, so resuming still works.
 */
final class PartialOwner {
    static final String DATA_SUFFIX = ".aitk.incomplete";
    static final String JOURNAL_SUFFIX = ".aitk.chunks";
    /** A partial from another host with no write for this long is taken as abandoned. */
    static final Duration OTHER_HOST_QUIET = Duration.ofMinutes(10);

    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicLong SERIAL = new AtomicLong();
    private static final String HOST = hostName();
    private static final long PID = ProcessHandle.current().pid();

    private final String token;

    private PartialOwner(String token) {
        this.token = token;
    }

    /** A new owner, live until {@link #release()}. */
    static PartialOwner register() {
        PartialOwner owner = new PartialOwner(HOST + "_" + PID + "_" + SERIAL.incrementAndGet());
        LIVE.add(owner.token);
        return owner;
    }

    void release() {
        LIVE.remove(token);
    }

    Path dataPath(Path blob) {
        return blob.resolveSibling(blob.getFileName() + "." + token + DATA_SUFFIX);
    }

    Path journalPath(Path blob) {
        return blob.resolveSibling(blob.getFileName() + "." + token + JOURNAL_SUFFIX);
    }

    /**
     * Takes over the most complete partial of {@code blob} whose owner is gone, renaming it (and its journal) to
     * this owner's names; nothing when there is none or another claimant won the rename.
     */
    void adoptLeftover(Path blob) throws IOException {
        Path mine = dataPath(blob);
        if (Files.exists(mine)) {
            return;
        }
        for (Leftover l : abandoned(blob)) {
            try {
                Files.move(l.data, mine, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.NoSuchFileException lost) {
                continue; // Another launcher adopted it first.
            }
            try {
                Files.move(l.journal, journalPath(blob), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.NoSuchFileException noJournal) {
                // The data without its journal proves nothing: its chunks are fetched again.
            }
            return;
        }
    }

    /** Partials of {@code blob} whose owners are gone, most completed bytes first. */
    static List<Leftover> abandoned(Path blob) {
        List<Leftover> out = new ArrayList<>();
        Path dir = blob.getParent();
        String prefix = blob.getFileName() + ".";
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(DATA_SUFFIX)) {
                    String owner = name.substring(prefix.length(), name.length() - DATA_SUFFIX.length());
                    Path journal = p.resolveSibling(name.substring(0, name.length() - DATA_SUFFIX.length()) + JOURNAL_SUFFIX);
                    if (gone(owner, p)) {
                        out.add(new Leftover(p, journal));
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        // The older unowned name (blob + ".aitk.incomplete") an earlier version left: its process is gone.
        Path legacy = blob.resolveSibling(blob.getFileName() + DATA_SUFFIX);
        if (Files.isRegularFile(legacy)) {
            out.add(new Leftover(legacy, blob.resolveSibling(blob.getFileName() + JOURNAL_SUFFIX)));
        }
        out.sort((a, b) -> Long.compare(a.journalBytes(), b.journalBytes()) * -1);
        return out;
    }

    private static boolean gone(String owner, Path data) {
        String[] parts = owner.split("_");
        if (parts.length != 3) {
            return true;
        }
        long pid;
        try {
            pid = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return true;
        }
        if (parts[0].equals(HOST)) {
            return pid == PID ? !LIVE.contains(owner) : !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            return Files.getLastModifiedTime(data).toInstant().isBefore(Instant.now().minus(OTHER_HOST_QUIET));
        } catch (IOException e) {
            return false;
        }
    }

    private static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "host";
        }
        String clean = name.replaceAll("[^A-Za-z0-9-]", "-");
        return clean.isEmpty() ? "host" : clean;
    }

    /** One abandoned partial: its data file and journal. */
    record Leftover(Path data, Path journal) {
        long journalBytes() {
            try {
                return Files.isRegularFile(journal) ? Files.size(journal) : 0;
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
