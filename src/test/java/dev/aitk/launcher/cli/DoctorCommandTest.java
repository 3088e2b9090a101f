package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * doctor against a described machine: a fake nvidia-smi printing the real H100 capture, an ai-toolkit
 * checkout with a git HEAD, and the real python3 probed for real (with stand-in torch/bitsandbytes/quanto
 * packages on PYTHONPATH where a test needs a ready interpreter).
 */
class DoctorCommandTest {
    @TempDir
    Path tmp;

    private Path bin;
    private Path toolkit;
    private String realPath;

    @BeforeEach
    void machine() throws IOException {
        realPath = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        Assumptions.assumeTrue(Executables.find("python3", Environment.of(Map.of("PATH", realPath), tmp, tmp))
                .isPresent(), "python3 is not on PATH");
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path csv = tmp.resolve("nvidia-smi.csv");
        try (InputStream in = getClass().getResourceAsStream("/fixtures/h100/nvidia-smi-query-noheader-nounits.csv")) {
            Files.copy(in, csv);
        }
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\ncat '" + csv + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        toolkit = Files.createDirectories(tmp.resolve("ai-toolkit"));
        Files.writeString(toolkit.resolve("run.py"), "print('not used')\n");
        Files.createDirectories(toolkit.resolve(".git/refs/heads"));
        Files.writeString(toolkit.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(toolkit.resolve(".git/refs/heads/main"), "27a03a91c0ffee0000000000000000000000beef\n");
    }

    private Path standInPackages() throws IOException {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.createDirectories(site.resolve("torch"));
        Files.writeString(site.resolve("torch/__init__.py"), String.join("\n",
                "__version__ = '2.7.1+cu128'",
                "class version:",
                "    cuda = '12.8'",
                "class cuda:",
                "    @staticmethod",
                "    def is_available():",
                "        return True",
                "    @staticmethod",
                "    def device_count():",
                "        return 1",
                ""));
        Files.createDirectories(site.resolve("bitsandbytes"));
        Files.writeString(site.resolve("bitsandbytes/__init__.py"), "");
        Files.createDirectories(site.resolve("optimum/quanto"));
        Files.writeString(site.resolve("optimum/__init__.py"), "");
        Files.writeString(site.resolve("optimum/quanto/__init__.py"), "");
        return site;
    }

    private CliRun machineRun() {
        return CliRun.in(tmp).env("PATH", bin + ":" + realPath).env("AITK_HOME", toolkit.toString())
                .env("HF_HOME", tmp.resolve("hf").toString());
    }

    @Test
    void aReadyMachineIsReadyAndTheTokenIsNeverShown() throws IOException {
        CliRun.Result r = machineRun().env("PYTHONPATH", standInPackages().toString())
                .env("HF_TOKEN", "hf_verysecretvalue").run("doctor");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("ok    driver and GPUs   1 x NVIDIA H100 80GB HBM3 (81559 MiB), driver 580.159.04")
                .contains("ok    ai-toolkit commit 27a03a91c0ff (main)")
                .contains("(python3 on PATH (no venv in")
                .contains("ok    torch             torch 2.7.1+cu128, CUDA 12.8, 1 GPU(s) visible")
                .contains("ok    bitsandbytes")
                .contains("ok    optimum-quanto")
                .contains("ok    Hub token         present (HF_TOKEN)")
                .contains("ready to train");
        assertThat(r.out() + r.err()).doesNotContain("hf_verysecretvalue");
    }

    @Test
    void anInterpreterWithoutTorchFailsWithTheFixAndExit7() {
        CliRun.Result r = machineRun().env("PYTHONPATH", tmp.resolve("empty").toString()).run("doctor");

        Assumptions.assumeFalse(r.out().contains("ok    torch"), "this python3 has a CUDA torch installed");
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.out()).containsPattern("fail  torch .*(not importable|cannot use CUDA)")
                .contains("fix: ")
                .contains("warn  Hub token         absent")
                .contains("not ready");
    }

    @Test
    void noDriverAndNoToolkitAreEachOneFailedLine() {
        CliRun.Result r = CliRun.in(tmp).env("PATH", tmp.resolve("nothing").toString()).env("HF_HOME",
                tmp.resolve("hf").toString()).run("doctor", "--json");

        assertThat(r.exitCode()).isEqualTo(7);
        JsonNode report = Json.mapper().valueToTree(parse(r.out()));
        assertThat(report.get("ready").asBoolean()).isFalse();
        assertThat(report.get("checks").get(0).get("status").asText()).isEqualTo("FAIL");
        assertThat(report.get("checks").get(0).get("detail").asText()).contains("no NVIDIA GPU found").contains("nvidia-smi: not found on PATH");
        assertThat(report.get("checks").get(1).get("detail").asText()).contains("pass --toolkit-dir DIR or set AITK_HOME");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }
}
