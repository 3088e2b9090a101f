package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aitk.launcher.NoSkipsOnCi;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * The real huggingface_hub 1.33 reads every Hub cache a test class leaves, in one python process after the class
 * (read_caches.py says what is checked: scan_cache_dir clean, every snapshot file found offline with the fake Hub's
 * size and sha256, partial downloads never reachable under a file's name). A test names its cache with
 * {@link #watch}; after the test the cache is moved out of the test's temporary folder (a rename), so it outlives it.
 * {@link #keepCopy} keeps the cache as it is at that moment, for the half-done states a test goes through.
 * Register with {@code @RegisterExtension static final HuggingfaceHubReadsTheCaches caches = ...}.
 */
public final class HuggingfaceHubReadsTheCaches implements AfterEachCallback, AfterAllCallback {
    static final String VERSION = "1.33.0";

    private record Watched(FakeHub hub, Path cache) {
    }

    private final List<Watched> watched = new ArrayList<>();
    private final ObjectNode manifest = Json.mapper().createObjectNode();
    private Path kept;
    private int count;

    /** Checks {@code cache} (a hub cache folder, e.g. HF_HOME/hub) against what {@code hub} serves after this test. */
    public void watch(FakeHub hub, Path cache) {
        watched.add(new Watched(hub, cache));
    }

    /** Keeps the cache as it is now (copied, symlinks as symlinks) for the check after the class, named {@code label}. */
    public Path keepCopy(FakeHub hub, Path cache, String label) throws IOException {
        Path copy = nextFolder();
        try (Stream<Path> all = Files.walk(cache)) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(cache.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        record(hub, copy, label);
        return copy;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (context.getExecutionException().isPresent()) {
                return;
            }
            for (Watched w : watched) {
                if (Files.isDirectory(w.cache())) {
                    Path moved = nextFolder();
                    Files.move(w.cache(), moved);
                    record(w.hub(), moved, testName(context));
                }
            }
        } finally {
            watched.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        if (kept == null) {
            return;
        }
        String out = readKept();
        if (!out.contains("checked ") || out.contains("PROBLEM ") || out.contains("\nexit ")) {
            throw new AssertionError("huggingface_hub " + VERSION + " finds problems in the caches "
                    + context.getRequiredTestClass().getSimpleName() + " left:\n" + out);
        }
        // Into the class's surefire output file: which caches were read, and the partial downloads left unreachable.
        System.out.print(out);
    }

    /** Reads every cache kept so far with huggingface_hub, then deletes them; returns read_caches.py's output. */
    String readKept() throws IOException, InterruptedException {
        try {
            requireHuggingfaceHub();
            Path script = kept.resolve("read_caches.py");
            try (InputStream in = HuggingfaceHubReadsTheCaches.class.getResourceAsStream("read_caches.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            return python(List.of(script.toString(), kept.resolve("caches.json").toString()), Map.of("HF_HUB_OFFLINE", "1"));
        } finally {
            deleteTree(kept);
            kept = null;
            manifest.removeAll();
        }
    }

    private void record(FakeHub hub, Path folder, String test) throws IOException {
        ObjectNode cache = manifest.withArray("caches").addObject();
        cache.put("test", test);
        cache.put("dir", folder.toString());
        ObjectNode repos = cache.putObject("repos");
        for (FakeHub.Repo repo : hub.repos()) {
            ObjectNode files = repos.putObject(repo.id);
            for (FakeHub.FakeFile f : repo.files.values()) {
                files.putObject(f.path).put("size", f.size()).put("sha256", f.sha256).put("etag", f.etag());
            }
        }
        Files.writeString(kept.resolve("caches.json"), Json.write(manifest));
    }

    private Path nextFolder() throws IOException {
        if (kept == null) {
            kept = Files.createTempDirectory("hub-caches");
        }
        return kept.resolve("cache-" + count++);
    }

    private static String testName(ExtensionContext context) {
        return context.getRequiredTestClass().getSimpleName() + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
    }

    /** Fails on CI (which installs it) and skips elsewhere when python3 lacks huggingface_hub 1.33. */
    static void requireHuggingfaceHub() throws IOException, InterruptedException {
        String found = python(List.of("-c", "import huggingface_hub; print(huggingface_hub.__version__)"), Map.of()).strip();
        if (!found.equals(VERSION)) {
            String why = "needs python3 with huggingface_hub " + VERSION + " (python3 -m pip install huggingface_hub==" + VERSION
                    + "); found: " + found;
            if (NoSkipsOnCi.onCi()) {
                throw new AssertionError(why + " (" + NoSkipsOnCi.CI_VARIABLE + "=1: .ci/run installs it)");
            }
            throw new TestAbortedException("skipped: " + why);
        }
    }

    /**
     * Runs python3 with the Hub variables of this machine removed and {@code env} set; returns stdout and stderr, with
     * "exit N" appended when it fails, or "" when python3 cannot be started.
     */
    static String python(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        pb.environment().put("HF_HUB_DISABLE_XET", "1");
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException noPython) {
            return "";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return out + "\n(timed out)\nexit 124";
        }
        return p.exitValue() == 0 ? out : out + "\nexit " + p.exitValue();
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
