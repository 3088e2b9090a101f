package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one reference into what to fetch: its revision's commit, the repo listing (stored in the cache as
 * huggingface_hub stores it), for a diffusers repo its {@code model_index.json}, and the {@link FileSelection}.
 */
final class RepoResolver {
    /** One reference resolved: the commit its revision names, the full listing and the files selected from it. */
    record ResolvedRepo(ModelReference ref, String commit, FileSelection.Selected selection) {
        String repoId() {
            return ref.repoId();
        }
    }

    private final HubApi api;
    private final HubCache cache;
    private final ApiRetries retries;

    RepoResolver(HubApi api, HubCache cache, ApiRetries retries) {
        this.api = api;
        this.cache = cache;
        this.retries = retries;
    }

    String commitOf(ModelReference ref) {
        return ref.revision().matches("[0-9a-f]{40}") ? ref.revision()
                : retries.call("the revision lookup of " + ref.repoId(), () -> api.commitOf(ref.repoId(), ref.revision()));
    }

    List<RemoteEntry> listing(String repoId, String commit) {
        return retries.call("the file listing of " + repoId, () -> api.listFiles(repoId, commit));
    }

    ResolvedRepo resolve(ModelReference ref, List<String> components, GlobPatterns patterns, Downloader downloader) {
        String repoId = ref.repoId();
        String commit = commitOf(ref);
        Map<String, RemoteEntry> listing = new LinkedHashMap<>();
        for (RemoteEntry e : listing(repoId, commit)) {
            listing.put(e.path(), e);
        }
        try {
            // The snapshot folder first, as huggingface_hub makes it before writing a ref: a prefetch that then fails
            // (gated, no disk) must not leave a repo folder or ref that scan_cache_dir reports as a corrupted cache.
            Files.createDirectories(cache.snapshotDir(repoId, commit));
            cache.writeRef(repoId, ref.revision(), commit);
            cache.writeTree(repoId, commit, listing.values());
        } catch (AccessDeniedException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + e.getFile()
                    + " (permission denied); fix its permissions or point HF_HOME / --cache-dir at a writable folder");
        } catch (IOException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + cache.root() + " ("
                    + HubApi.describe(e) + "); check the disk, or point HF_HOME / --cache-dir elsewhere");
        }
        Optional<JsonNode> modelIndex = Optional.empty();
        if (ref.filePath().isEmpty() && patterns.include().isEmpty() && listing.containsKey(FileSelection.MODEL_INDEX)) {
            modelIndex = Optional.of(modelIndex(repoId, commit, listing.get(FileSelection.MODEL_INDEX), downloader));
        }
        FileSelection.Selected selection = FileSelection.select(ref, listing, modelIndex, components, patterns);
        try {
            cache.markMissing(repoId, commit, selection.absentProbes());
        } catch (IOException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + cache.root() + " (" + HubApi.describe(e) + ")");
        }
        return new ResolvedRepo(ref, commit, selection);
    }

    /** model_index.json decides which components to fetch, so it is fetched (into the cache) before the plan. */
    private JsonNode modelIndex(String repoId, String commit, RemoteEntry index, Downloader downloader) {
        if (!cache.isCached(repoId, commit, index.path(), index.sizeBytes())) {
            HubApi.FileLocation loc = retries.call("the lookup of " + repoId + "/" + index.path(),
                    () -> api.locate(repoId, commit, index.path()));
            downloader.runAll(List.of(new BlobTransfer(downloader, repoId, commit, List.of(index.path()), loc)));
        }
        try {
            return Json.mapper().readTree(cache.snapshotPath(repoId, commit, index.path()).toFile());
        } catch (IOException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, repoId + "'s model_index.json is not valid JSON; the repo is broken or not a diffusers model");
        }
    }
}
