package dev.aitk.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules a newcomer relies on, read from the main sources (src/main/java, run from the project folder as
 * Maven does), so a change that breaks one fails the build instead of waiting for a review.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java", "dev", "aitk", "launcher");
    private static final Pattern LAUNCHER_PACKAGE = Pattern.compile("\\bdev\\.aitk\\.launcher\\.([a-z]+)\\.");

    /** Every main source file, keyed by its path under dev/aitk/launcher ("supervise/Supervisor.java"). */
    private static Map<String, String> sources() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(MAIN.relativize(file).toString().replace('\\', '/'),
                        Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        assertThat(sources).as("main sources under " + MAIN.toAbsolutePath()).hasSizeGreaterThan(100);
        return sources;
    }

    /** The main source files in which {@code pattern} occurs. */
    private static List<String> filesMatching(Pattern pattern) throws IOException {
        return sources().entrySet().stream().filter(e -> pattern.matcher(e.getValue()).find())
                .map(Map.Entry::getKey).toList();
    }

    @Test
    void superviseReachesOnlyIntoUtil() throws IOException {
        List<String> upward = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (!file.startsWith("supervise/")) {
                return;
            }
            Matcher m = LAUNCHER_PACKAGE.matcher(text);
            while (m.find()) {
                if (!m.group(1).equals("supervise") && !m.group(1).equals("util")) {
                    upward.add(file + " uses dev.aitk.launcher." + m.group(1));
                }
            }
        });
        assertThat(upward).as("supervise/ is a leaf: it may use util/ and nothing else of the launcher").isEmpty();
    }

    @Test
    void noMainSourceFileIsOver400Lines() throws IOException {
        List<String> long_ = new ArrayList<>();
        sources().forEach((file, text) -> {
            long lines = text.lines().count();
            if (lines > 400) {
                long_.add(file + " has " + lines + " lines");
            }
        });
        assertThat(long_).as("split a file over 400 lines along its seams").isEmpty();
    }

    @Test
    void oneClassSetsUpSnakeYaml() throws IOException {
        Pattern loader = Pattern.compile("new\\s+([\\w.]+\\.)?(LoaderOptions|Yaml|Composer|ParserImpl|Load|"
                + "SafeConstructor|DumperOptions)\\s*[(<]|extends\\s+([\\w.]+\\.)?SafeConstructor");
        assertThat(filesMatching(loader)).as("SnakeYAML is set up for ai-toolkit configs in one class; others call it")
                .containsExactly("config/YamlIo.java");
    }

    @Test
    void oneClassLocatesAiToolkitAndItsInterpreter() throws IOException {
        // The rules that find the toolkit (AITK_HOME from the environment) and its Python (the venv folders, the
        // interpreter names on PATH) are written once; everyone else asks ToolkitLocator.
        Pattern rule = Pattern.compile("\"\\.?venv\"|get\\(\\s*(ToolkitLocator\\.)?HOME_VARIABLE|get\\(\"AITK_HOME\"\\)"
                + "|find\\(\"python3?\"");
        assertThat(filesMatching(rule)).containsExactly("toolkit/ToolkitLocator.java");
    }

    @Test
    void onlyCliPrintsExitsOrReadsTheEnvironment() throws IOException {
        Pattern global = Pattern.compile("System\\.(getenv|out|err|exit)\\b");
        List<String> reaching = filesMatching(global).stream()
                .filter(file -> !file.startsWith("cli/") && !file.equals("util/Environment.java")).toList();
        assertThat(reaching).as("core code gets its environment and output through its constructor").isEmpty();
    }

    @Test
    void theArchitecturePageNamesEveryPackageAndOnlyFilesThatExist() throws IOException {
        String page = Files.readString(Path.of("docs", "architecture.md"), StandardCharsets.UTF_8);
        try (Stream<Path> dirs = Files.list(MAIN)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                assertThat(page).as("docs/architecture.md names the package " + dir.getFileName())
                        .contains("| `" + dir.getFileName() + "` |");
            }
        }
        Matcher named = Pattern.compile("`([a-z]+/[A-Z][A-Za-z]*)(\\.java)?[`.(]").matcher(page);
        int files = 0;
        while (named.find()) {
            files++;
            assertThat(MAIN.resolve(named.group(1) + ".java")).as("docs/architecture.md names " + named.group(1))
                    .exists();
        }
        assertThat(files).isGreaterThan(20);
    }

    @Test
    void theArchitecturePageHasTheExitCodeTable() throws IOException {
        String page = Files.readString(Path.of("docs", "architecture.md"), StandardCharsets.UTF_8);
        String table = page.substring(page.indexOf("## Exit codes"));
        List<String> rows = table.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
        assertThat(rows).containsExactlyElementsOf(Stream.of(ExitCode.values())
                .map(c -> "| " + c.code() + " | " + c.meaning() + " |").toList());
    }
}
