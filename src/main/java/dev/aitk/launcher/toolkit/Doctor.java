package dev.aitk.launcher.toolkit;

import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.Source;
import dev.aitk.launcher.toolkit.DoctorReport.Check;
import dev.aitk.launcher.toolkit.DoctorReport.Status;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code doctor}: is this machine ready to train? Driver and GPUs, ai-toolkit and its commit, the
 * interpreter and its packages, free disk for the model cache and the outputs, and whether a Hub token is
 * there (only "present"/"absent": a token is never shown).
 */
public final class Doctor {
    /** FLUX.1-dev in diffusers layout (transformer, both text encoders, VAE) is about 34 GB on disk. */
    static final ByteSize MODEL_CACHE_NEED = ByteSize.ofGib(34);

    private final Environment env;
    private final ProcessRunner runner;
    private final GpuDetector detector;

    /** {@code detector} is the hardware stage's, reading the machine the command runs on. */
    public Doctor(Environment env, ProcessRunner runner, GpuDetector detector) {
        this.env = env;
        this.runner = runner;
        this.detector = detector;
    }

    /** All flags may be null: then AITK_HOME, the toolkit's venv, and the working directory are used. */
    public DoctorReport check(Path toolkitDir, String python, Path outputDir) {
        List<Check> checks = new ArrayList<>();
        checks.add(gpus());
        ToolkitInstall install = null;
        try {
            install = new ToolkitLocator(env).locate(toolkitDir, python).require();
            checks.add(new Check("ai-toolkit", Status.OK, install.root() + " (from " + install.rootSource() + ")", null));
            checks.add(commit(install.root()));
        } catch (LauncherException e) {
            checks.add(new Check("ai-toolkit", Status.FAIL, e.getMessage(), "clone ostris/ai-toolkit, install it as its "
                    + "README says, and set AITK_HOME (or pass --toolkit-dir)"));
        }
        if (install != null) {
            checks.addAll(interpreter(install));
        }
        checks.add(disk("model cache", hubCache(), MODEL_CACHE_NEED, ByteSize.ofGib(50),
                "free space there, or set HF_HOME to a disk with at least " + MODEL_CACHE_NEED.human() + " free"));
        Path outputs = outputDir == null ? env.workingDirectory() : env.resolve(outputDir);
        checks.add(disk("outputs", outputs, ByteSize.ofGib(2), ByteSize.ofGib(10),
                "free space there or pass --output on a larger disk (checkpoints are ~20-200 MB each)"));
        checks.add(token());
        boolean ready = checks.stream().noneMatch(c -> c.status() == Status.FAIL);
        return new DoctorReport(checks, ready);
    }

    /** The hardware stage's own detection (nvidia-smi, then sysfs, then OSHI); only nvidia-smi proves a driver. */
    private Check gpus() {
        GpuInventory inv = detector.detect(null, null);
        String notes = String.join("; ", inv.notes());
        if (inv.isEmpty()) {
            return new Check("driver and GPUs", Status.FAIL, "no NVIDIA GPU found (" + notes + ")", "install the NVIDIA "
                    + "driver (it ships nvidia-smi); in Docker, run with --gpus all");
        }
        if (inv.gpuSource() != Source.NVIDIA_SMI) {
            return new Check("driver and GPUs", Status.FAIL, inv.count() + " NVIDIA card(s) seen by "
                    + inv.gpuSource().label() + ", but nvidia-smi does not answer, so the driver is not usable ("
                    + notes + ")", "install or reload the NVIDIA driver (a driver/library mismatch needs a reboot)");
        }
        Map<String, Long> counts = inv.gpus().stream().collect(Collectors.groupingBy(
                g -> g.name() + (g.totalMib() == null ? "" : " (" + g.totalMib() + " MiB)"), java.util.TreeMap::new,
                Collectors.counting()));
        String list = counts.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining(", "));
        String driver = inv.gpus().get(0).driverVersion();
        return new Check("driver and GPUs", Status.OK, list + (driver == null ? "" : ", driver " + driver), null);
    }

    private static Check commit(Path root) {
        Path git = root.resolve(".git");
        try {
            if (Files.isRegularFile(git)) {
                String pointer = Files.readString(git).strip();
                if (pointer.startsWith("gitdir:")) {
                    git = root.resolve(pointer.substring(7).strip());
                }
            }
            Path head = git.resolve("HEAD");
            if (!Files.isRegularFile(head)) {
                return new Check("ai-toolkit commit", Status.WARN, "not a git checkout, so its version is unknown",
                        "install ai-toolkit with git clone so updates and bug reports can name the commit");
            }
            String ref = Files.readString(head).strip();
            if (!ref.startsWith("ref:")) {
                return new Check("ai-toolkit commit", Status.OK, shortSha(ref) + " (detached)", null);
            }
            String name = ref.substring(4).strip();
            Path loose = git.resolve(name);
            if (Files.isRegularFile(loose)) {
                return new Check("ai-toolkit commit", Status.OK, shortSha(Files.readString(loose).strip()) + " ("
                        + name.replace("refs/heads/", "") + ")", null);
            }
            Path packed = git.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed)) {
                    if (line.endsWith(" " + name)) {
                        return new Check("ai-toolkit commit", Status.OK, shortSha(line.substring(0, line.indexOf(' ')))
                                + " (" + name.replace("refs/heads/", "") + ")", null);
                    }
                }
            }
            return new Check("ai-toolkit commit", Status.WARN, "the checkout's HEAD (" + name + ") cannot be resolved",
                    "run 'git status' in the toolkit folder");
        } catch (IOException e) {
            return new Check("ai-toolkit commit", Status.WARN, "cannot read " + git + " (" + e.getMessage() + ")",
                    "check the folder's permissions");
        }
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private List<Check> interpreter(ToolkitInstall install) {
        List<Check> checks = new ArrayList<>();
        PythonReport p;
        try {
            p = new InterpreterProbe(runner).probe(install.python(), env);
        } catch (LauncherException e) {
            checks.add(new Check("interpreter", Status.FAIL, e.getMessage(), "create the toolkit's venv as its README "
                    + "says, or pass --python"));
            return checks;
        }
        String where = install.python() + " (" + install.pythonSource() + ")";
        boolean oldPython = p.python() != null && p.python().matches("3\\.[0-9](\\..*)?");
        checks.add(new Check("interpreter", oldPython ? Status.WARN : Status.OK, "Python " + p.python() + " at " + where,
                oldPython ? "ai-toolkit needs Python 3.10 or newer; create its venv with a newer python" : null));
        if (p.torch() == null) {
            checks.add(new Check("torch", Status.FAIL, "not importable (" + p.torchError() + ")",
                    "install ai-toolkit's requirements into this interpreter: pip install -r requirements.txt "
                            + "(torch first, as its README says)"));
        } else if (!Boolean.TRUE.equals(p.cudaAvailable())) {
            checks.add(new Check("torch", Status.FAIL, "torch " + p.torch() + " cannot use CUDA"
                    + (p.torchCuda() == null ? " (a CPU-only build)" : " (built for CUDA " + p.torchCuda() + ")"),
                    "install the CUDA build of torch that matches the driver nvidia-smi shows"));
        } else {
            checks.add(new Check("torch", Status.OK, "torch " + p.torch() + ", CUDA " + p.torchCuda() + ", "
                    + p.cudaDevices() + " GPU(s) visible", null));
        }
        if (p.huggingfaceHub() == null) {
            checks.add(new Check("huggingface_hub", Status.FAIL, "not installed", "pip install -r requirements.txt"));
        } else {
            String switches = p.fastDownloadSwitches().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            checks.add(new Check("huggingface_hub", Status.OK, p.huggingfaceHub() + " (launch sets " + switches + ")",
                    null));
        }
        checks.add(p.bitsandbytes()
                ? new Check("bitsandbytes", Status.OK, "importable", null)
                : new Check("bitsandbytes", Status.WARN, "not installed: 8-bit optimizers (adamw8bit) will fail",
                "pip install bitsandbytes, or plan with a non-8-bit optimizer"));
        checks.add(p.optimumQuanto()
                ? new Check("optimum-quanto", Status.OK, "importable", null)
                : new Check("optimum-quanto", Status.WARN, "not installed: model.quantize (qfloat8) will fail",
                "pip install optimum-quanto"));
        return checks;
    }

    private static Check disk(String what, Path dir, ByteSize failBelow, ByteSize warnBelow, String fix) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return new Check("disk: " + what, Status.WARN, "cannot tell the free space of " + dir, fix);
        }
        try {
            ByteSize free = new ByteSize(Files.getFileStore(existing).getUsableSpace());
            Status s = free.compareTo(failBelow) < 0 ? Status.FAIL : free.compareTo(warnBelow) < 0 ? Status.WARN
                    : Status.OK;
            return new Check("disk: " + what, s, free.human() + " free at " + dir, s == Status.OK ? null : fix);
        } catch (IOException e) {
            return new Check("disk: " + what, Status.WARN, "cannot tell the free space of " + dir + " ("
                    + e.getMessage() + ")", fix);
        }
    }

    /** The hub cache huggingface_hub uses: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME or ~/.cache. */
    private Path hubCache() {
        Optional<String> cache = env.get("HF_HUB_CACHE");
        if (cache.isPresent()) {
            return env.resolve(Path.of(cache.get()));
        }
        return hfHome().resolve("hub");
    }

    private Path hfHome() {
        Optional<String> home = env.get("HF_HOME");
        if (home.isPresent()) {
            return env.resolve(Path.of(home.get()));
        }
        Path xdg = env.get("XDG_CACHE_HOME").map(Path::of).orElse(env.userHome().resolve(".cache"));
        return xdg.resolve("huggingface");
    }

    private Check token() {
        for (String name : List.of("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")) {
            if (env.get(name).isPresent()) {
                return new Check("Hub token", Status.OK, "present (" + name + ")", null);
            }
        }
        Path file = env.get("HF_TOKEN_PATH").map(Path::of).orElse(hfHome().resolve("token"));
        try {
            if (Files.isRegularFile(file) && !Files.readString(file).isBlank()) {
                return new Check("Hub token", Status.OK, "present (" + file + ")", null);
            }
        } catch (IOException e) {
            return new Check("Hub token", Status.WARN, "the token file " + file + " cannot be read",
                    "check its permissions");
        }
        return new Check("Hub token", Status.WARN, "absent: FLUX.1-dev and Kontext are gated and will not download",
                "accept the model's license on the Hub, then export HF_TOKEN=<a read token>");
    }
}
