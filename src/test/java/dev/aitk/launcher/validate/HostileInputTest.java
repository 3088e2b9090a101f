package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input never crashes validate: each case ends in one error finding, one sentence, with a fix. */
@Timeout(60)
class HostileInputTest {
    @TempDir
    Path tmp;
    ValidatorFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ValidatorFixture(tmp);
    }

    private Finding single(Path config) {
        ValidationReport r = fx.validator().validate(config, ValidateOptions.defaults());
        assertThat(r.hasErrors()).isTrue();
        Finding f = r.findings().stream().filter(Finding::isError).findFirst().orElseThrow();
        assertThat(f.message()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(f.fix()).isNotBlank();
        return f;
    }

    @Test
    void malformedYamlGivesLineAndColumn() {
        Path c = fx.write("bad.yaml", "job: extension\nconfig:\n  name: x\n  process:\n    - type: sd_trainer\n      model: {name_or_path: a\n      train: {}\n");
        Finding f = single(c);
        assertThat(f.message()).startsWith("the config is not valid YAML at line");
        assertThat(f.line()).isNotNull();
        assertThat(f.column()).isNotNull();
    }

    @Test
    void tabIndentationIsReportedWhereItIs() {
        Path c = fx.write("tabs.yaml", "job: extension\nconfig:\n\tname: x\n");
        Finding f = single(c);
        assertThat(f.line()).isEqualTo(3);
    }

    @Test
    void billionLaughsIsRefusedQuickly() {
        StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        String prev = "a";
        for (char c = 'b'; c <= 'i'; c++) {
            y.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                y.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            y.append("]\n");
            prev = String.valueOf(c);
        }
        Finding f = single(fx.write("bomb.yaml", y.toString()));
        assertThat(f.message()).contains("aliases").contains("billion laughs");
    }

    @Test
    void recursiveAliasIsRefused() {
        Finding f = single(fx.write("loop.yaml", "job: extension\nconfig: &c\n  name: x\n  process: [*c]\n"));
        assertThat(f.message()).contains("recursive");
    }

    @Test
    void fiftyMegabyteFileIsRefusedWithoutParsing() throws IOException {
        Path big = tmp.resolve("big.yaml");
        byte[] line = "key: value value value value value value value value value value\n".getBytes();
        try (var out = Files.newOutputStream(big)) {
            for (long written = 0; written < 50L * 1024 * 1024; written += line.length) {
                out.write(line);
            }
        }
        Finding f = single(big);
        assertThat(f.message()).contains("50.0 MiB").contains("a few KiB");
    }

    @Test
    void deepNestingIsRefused() {
        String y = "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        Finding f = single(fx.write("deep.yaml", y));
        assertThat(f.message()).containsAnyOf("levels deep", "nests");
    }

    @Test
    void binaryGarbageIsRefused() throws IOException {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[10] = 0;
        Path p = Files.write(tmp.resolve("junk.yaml"), junk);
        assertThat(single(p).message()).contains("binary");
    }

    @Test
    void invalidUtf8IsRefusedWithItsLine() throws IOException {
        Path p = Files.write(tmp.resolve("latin1.yaml"), "job: extension\nconfig:\n  name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Finding f = single(p);
        assertThat(f.message()).contains("not UTF-8").contains("line 3");
    }

    @Test
    void directoryInsteadOfFile() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("configdir.yaml"));
        assertThat(single(d).message()).contains("is a folder");
    }

    @Test
    void missingFile() {
        assertThat(single(tmp.resolve("nope.yaml")).message()).contains("does not exist");
    }

    @Test
    void unreadableFile() throws Exception {
        Path p = fx.write("secret.yaml", "job: extension\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        try {
            if (Files.isReadable(p)) {
                assertThat(validateWithoutRootsReadPower(p)).contains("permission denied");
            } else {
                assertThat(single(p).message()).contains("permission denied");
            }
        } finally {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /**
     * Root reads through chmod 000 (CAP_DAC_OVERRIDE), and CI builds as root: there validate runs in a child JVM
     * that setpriv starts without the two capabilities that bypass file permissions, so the case is real there too.
     */
    private static String validateWithoutRootsReadPower(Path config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps",
                "-dac_override,-dac_read_search", "--", java, "-cp", System.getProperty("java.class.path"),
                "dev.aitk.launcher.cli.Main", "validate", config.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(p.exitValue()).as(out).isNotZero();
        return out;
    }

    @Test
    void emptyFileAndScalarDocument() {
        assertThat(single(fx.write("empty.yaml", "# nothing\n")).message()).contains("empty");
        assertThat(single(fx.write("scalar.yaml", "just a string\n")).message()).contains("must be a mapping");
    }

    @Test
    void wrongExtensionIsAnError() {
        fx.maskDataset(1);
        Path c = fx.config("flux-dev-mask.yaml");
        Path txt = c.resolveSibling("config.txt");
        try {
            Files.move(c, txt);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ValidationReport r = fx.validate(txt);
        assertThat(r.findings()).filteredOn(Finding::isError).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("only .yaml, .yml, .json or .jsonc"));
    }

    @Test
    void symlinkLoopInDatasetFolderIsAnError() throws IOException {
        fx.maskDataset(2);
        Path images = fx.data.resolve("images");
        Files.createSymbolicLink(images.resolve("loop_a"), images.resolve("loop_b"));
        Files.createSymbolicLink(images.resolve("loop_b"), images.resolve("loop_a"));
        Files.createSymbolicLink(images.resolve("self.png"), images.resolve("self.png"));
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(r.findings()).filteredOn(Finding::isError).extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("symbolic link loops").contains("loop_a"))
                .anySatisfy(m -> assertThat(m).contains("cannot be read").contains("self.png (it is a symbolic link loop)"));
    }
}
