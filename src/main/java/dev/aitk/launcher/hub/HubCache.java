package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache, byte-compatible with huggingface_hub: {@code models--org--name/} with
 * {@code blobs/<etag>}, relative {@code snapshots/<commit>/<path>} symlinks, {@code refs/<revision>} (no
 * newline), {@code .no_exist/<commit>/<path>} and {@code trees/<commit>.json}.
 */
public final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;
    private final boolean symlinksDisabled;

    public HubCache(Path root, boolean symlinksDisabled) {
        this.root = root;
        this.symlinksDisabled = symlinksDisabled;
    }

    /**
     * The cache a child Python process will read with this environment: HF_HUB_CACHE, else the legacy
     * HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
     */
    public static HubCache locate(Environment env) {
        Path root = env.get("HF_HUB_CACHE").or(() -> env.get("HUGGINGFACE_HUB_CACHE"))
                .map(p -> env.resolve(expandHome(p, env)))
                .orElseGet(() -> hfHome(env).resolve("hub"));
        return new HubCache(root, HubSettings.truthy(env.get("HF_HUB_DISABLE_SYMLINKS")));
    }

    /** {@code $HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}. */
    static Path hfHome(Environment env) {
        return env.get("HF_HOME").map(p -> env.resolve(expandHome(p, env)))
                .orElseGet(() -> env.get("XDG_CACHE_HOME").map(p -> env.resolve(expandHome(p, env)))
                        .orElse(env.userHome().resolve(".cache")).resolve("huggingface"));
    }

    private static Path expandHome(String p, Environment env) {
        if (p.equals("~")) {
            return env.userHome();
        }
        if (p.startsWith("~/") || p.startsWith("~\\")) {
            return env.userHome().resolve(p.substring(2));
        }
        return Path.of(p);
    }

    public Path root() {
        return root;
    }

    public boolean symlinksDisabled() {
        return symlinksDisabled;
    }

    public static String folderName(String repoId) {
        return "models--" + repoId.replace("/", "--");
    }

    public Path repoDir(String repoId) {
        return root.resolve(folderName(repoId));
    }

    public Path blobPath(String repoId, String etag) {
        return repoDir(repoId).resolve("blobs").resolve(etag);
    }

    public Path snapshotDir(String repoId, String commit) {
        return repoDir(repoId).resolve("snapshots").resolve(commit);
    }

    public Path snapshotPath(String repoId, String commit, String repoPath) {
        return snapshotDir(repoId, commit).resolve(repoPath);
    }

    public Path lockPath(String repoId, String etag) {
        return root.resolve(".locks").resolve(folderName(repoId)).resolve(etag + ".aitk.lock");
    }

    /** The commit a revision points to in the cache, read from refs/ (or the revision itself when it is a commit). */
    public Optional<String> commitFor(String repoId, String revision) {
        if (COMMIT.matcher(revision).matches()) {
            return Optional.of(revision);
        }
        Path ref = repoDir(repoId).resolve("refs").resolve(revision);
        try {
            String text = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return COMMIT.matcher(text).matches() ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True when the snapshot entry resolves to a regular file of the expected size. */
    public boolean isCached(String repoId, String commit, String repoPath, long sizeBytes) {
        Path p = snapshotPath(repoId, commit, repoPath);
        try {
            return Files.isRegularFile(p) && Files.size(p) == sizeBytes;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes refs/{revision} = commit with no trailing newline, atomically; nothing to do for a commit revision. */
    public void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = repoDir(repoId).resolve("refs").resolve(revision);
        if (commit.equals(commitFor(repoId, revision).orElse(null))) {
            return;
        }
        writeAtomically(ref, commit.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Points snapshots/{commit}/{path} at the blob: a relative symlink, or (symlinks disabled or unsupported)
     * the blob itself moved into place, as huggingface_hub does on Windows without developer mode.
     */
    public void linkSnapshot(String repoId, String commit, String repoPath, String etag) throws IOException {
        Path target = snapshotPath(repoId, commit, repoPath);
        Path blob = blobPath(repoId, etag);
        Files.createDirectories(target.getParent());
        if (!symlinksDisabled) {
            Path relative = target.getParent().relativize(blob);
            Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createSymbolicLink(temp, relative);
                moveAtomically(temp, target);
                return;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                // No symlink privilege (Windows without developer mode): copy, as huggingface_hub does.
                Files.deleteIfExists(temp);
            }
        }
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.deleteIfExists(target);
        if (Files.isRegularFile(blob)) {
            Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.copy(blob, temp, StandardCopyOption.REPLACE_EXISTING);
            moveAtomically(temp, target);
        }
    }

    /**
     * Points every snapshot path of one verified blob at it; without symlinks the blob itself moves into the first
     * path (copies for the others), as huggingface_hub does.
     */
    void linkAll(String repoId, String commit, List<String> repoPaths, String etag) throws IOException {
        Path blob = blobPath(repoId, etag);
        if (symlinksDisabled && Files.isRegularFile(blob)) {
            for (String path : repoPaths.subList(1, repoPaths.size())) {
                linkSnapshot(repoId, commit, path, etag);
            }
            placeWithoutSymlink(repoId, commit, repoPaths.get(0), blob);
            return;
        }
        for (String path : repoPaths) {
            linkSnapshot(repoId, commit, path, etag);
        }
    }

    /** Moves a verified download straight into the snapshot (no blob kept), for caches without symlinks. */
    private void placeWithoutSymlink(String repoId, String commit, String repoPath, Path verified) throws IOException {
        Path target = snapshotPath(repoId, commit, repoPath);
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        moveAtomically(verified, target);
    }

    /** Marks files the run may probe for but the repo does not have, so offline lookups answer "absent" at once. */
    public void markMissing(String repoId, String commit, Collection<String> repoPaths) throws IOException {
        for (String path : repoPaths) {
            Path marker = repoDir(repoId).resolve(".no_exist").resolve(commit).resolve(path);
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                try {
                    Files.createFile(marker);
                } catch (FileAlreadyExistsException ignored) {
                    // Another writer got there first; the marker is empty either way.
                }
            }
        }
    }

    /** Writes trees/{commit}.json in huggingface_hub's format, so snapshot_download(local_files_only) trusts the snapshot. */
    public void writeTree(String repoId, String commit, Collection<RemoteEntry> entries) throws IOException {
        Map<String, ObjectNode> files = new TreeMap<>();
        for (RemoteEntry e : entries) {
            ObjectNode info = Json.mapper().createObjectNode();
            info.put("size", e.sizeBytes());
            info.put("blob_id", e.gitOid());
            if (e.lfsSha256() != null) {
                info.put("lfs_sha256", e.lfsSha256());
                info.put("lfs_size", e.sizeBytes());
            }
            files.put(e.path(), info);
        }
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("format_version", 1);
        ObjectNode fileNode = doc.putObject("files");
        files.forEach(fileNode::set);
        writeAtomically(repoDir(repoId).resolve("trees").resolve(commit + ".json"),
                Json.mapper().writeValueAsBytes(doc));
    }

    /** The listing a previous prefetch (or huggingface_hub itself) stored for a commit, if any. */
    public Optional<Map<String, RemoteEntry>> readTree(String repoId, String commit) {
        Path file = repoDir(repoId).resolve("trees").resolve(commit + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode doc = Json.mapper().readTree(file.toFile());
            if (doc.path("format_version").asInt() != 1) {
                return Optional.empty();
            }
            Map<String, RemoteEntry> out = new TreeMap<>();
            for (Map.Entry<String, JsonNode> f : doc.path("files").properties()) {
                JsonNode v = f.getValue();
                String lfs = v.hasNonNull("lfs_sha256") ? v.get("lfs_sha256").asText() : null;
                out.put(f.getKey(), new RemoteEntry(f.getKey(), v.path("size").asLong(), v.path("blob_id").asText(), lfs));
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temp, bytes);
            moveAtomically(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        AtomicFiles.rename(from, to);
    }
}
