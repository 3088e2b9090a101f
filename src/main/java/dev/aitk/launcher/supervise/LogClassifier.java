package dev.aitk.launcher.supervise;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one line of ai-toolkit output (run.py, tqdm, PyTorch, huggingface_hub) and says what it means.
 * Stateless and shared by the live supervisor, {@code diagnose} and the troubleshooting guide's test.
 */
public final class LogClassifier {
    /** What the supervisor writes into the log itself, so {@code diagnose} of a log sees stalls and stops. */
    public static final String LAUNCHER_PREFIX = "[aitk-launcher] ";

    private static final Pattern BAR = Pattern.compile(
            "^(?:(?<desc>.*?):\\s*)?(?<pct>\\d{1,3})%\\|[^|]*\\|\\s*(?<n>[\\d.]+[kMGT]?)/(?<total>[\\d.]+[kMGT]?)"
                    + "\\s*\\[(?<elapsed>[\\d:]+)<(?<eta>[\\d:?]+),\\s*(?<rate>\\?|[\\d.]+)\\s*(?<unit>s/it|it/s|[kMGT]?B/s)"
                    + "(?:,\\s*(?<post>[^\\]]*))?\\]");
    private static final Pattern LR = Pattern.compile("\\blr:\\s*([-+\\w.]+)");
    private static final Pattern LOSS = Pattern.compile("\\bloss:\\s*([-+\\w.]+)");
    private static final Pattern SAVING = Pattern.compile("^\\s*Saving at step (\\d+)");
    private static final Pattern SAVED = Pattern.compile("^\\s*Saved checkpoint to (.+?)\\s*$");
    private static final Pattern RESUMING = Pattern.compile("#### IMPORTANT RESUMING FROM (.+?) ####");
    private static final Pattern FOUND_STEP = Pattern.compile("Found step (\\d+) in metadata");
    private static final Pattern OOM_SKIP = Pattern.compile("# OOM during training step, skipping batch (\\d+)/(\\d+) #");
    /** The summary's count; "0 completed jobs" is the real run.py's failure banner, never a finish. */
    private static final Pattern COMPLETED = Pattern.compile("^\\s*-\\s*[1-9]\\d* completed jobs?\\s*$");
    private static final Pattern ERROR_RUNNING_JOB = Pattern.compile("^\\s*Error running job: (.*)$");
    private static final Pattern NAN_TEXT = Pattern.compile("(?i)\\bloss\\b(?: is|:|=)\\s*-?(nan|inf)\\b");
    private static final Pattern XET = Pattern.compile("(?i)(\\bhf_xet\\b|\\bxet\\b|CAS service error|XetError)");

    /** Ordered: the first rule whose keywords all appear wins, so specific messages beat generic ones. */
    private static final List<Rule> RULES = List.of(
            new Rule(FailureKind.OUT_OF_MEMORY, "OutOfMemoryError"),
            new Rule(FailureKind.OUT_OF_MEMORY, "CUDA out of memory"),
            new Rule(FailureKind.OUT_OF_MEMORY, "CUDA error: out of memory"),
            new Rule(FailureKind.OUT_OF_MEMORY, "times in a row, aborting training"),
            new Rule(FailureKind.HF_TRANSFER_FAILED, "hf_transfer", "error occurred while downloading"),
            new Rule(FailureKind.HF_TRANSFER_FAILED, "hf_transfer", "package is not available"),
            new Rule(FailureKind.GATED_REPO, "GatedRepoError"),
            new Rule(FailureKind.GATED_REPO, "Cannot access gated repo"),
            new Rule(FailureKind.GATED_REPO, "401 Client Error"),
            new Rule(FailureKind.GATED_REPO, "403 Client Error"),
            new Rule(FailureKind.GATED_REPO, "is restricted", "Access to model"),
            new Rule(FailureKind.GATED_REPO, "Invalid user token"),
            // diffusers' words for a Hub file it could not get; in ai-toolkit's issues almost always a token
            // without access to the gated repo (the Hub answers 403), sometimes a proxy.
            new Rule(FailureKind.MISSING_FILE, "required according to the checkpoint index"),
            new Rule(FailureKind.HUB_FILE_NOT_SERVED, "does not appear to have a file named"),
            new Rule(FailureKind.MODEL_NOT_CACHED, "LocalEntryNotFoundError"),
            new Rule(FailureKind.MODEL_NOT_CACHED, "outgoing traffic has been disabled"),
            new Rule(FailureKind.MODEL_NOT_CACHED, "OfflineModeIsEnabled"),
            new Rule(FailureKind.PYTHON_PACKAGE_MISSING, "ModuleNotFoundError: No module named"),
            new Rule(FailureKind.PYTHON_PACKAGE_MISSING, "ImportError: cannot import name"),
            new Rule(FailureKind.ATTENTION_KERNEL_FAILED, "mha_graph", "is_good()"),
            new Rule(FailureKind.ATTENTION_KERNEL_FAILED, "[cudnn_frontend] Error"),
            new Rule(FailureKind.CUDA_UNAVAILABLE, "Torch not compiled with CUDA enabled"),
            new Rule(FailureKind.CUDA_UNAVAILABLE, "No CUDA GPUs are available"),
            new Rule(FailureKind.CUDA_UNAVAILABLE, "CUDA driver version is insufficient"),
            new Rule(FailureKind.CUDA_UNAVAILABLE, "Found no NVIDIA driver on your system"),
            new Rule(FailureKind.NETWORK_ERROR, "ConnectionError"),
            new Rule(FailureKind.NETWORK_ERROR, "ConnectTimeout"),
            new Rule(FailureKind.NETWORK_ERROR, "ReadTimeout"),
            new Rule(FailureKind.NETWORK_ERROR, "ConnectError"),
            new Rule(FailureKind.NETWORK_ERROR, "Max retries exceeded"),
            new Rule(FailureKind.NETWORK_ERROR, "Connection reset by peer"),
            new Rule(FailureKind.NETWORK_ERROR, "Temporary failure in name resolution"),
            new Rule(FailureKind.NETWORK_ERROR, "RemoteDisconnected"),
            new Rule(FailureKind.NETWORK_ERROR, "IncompleteRead"),
            new Rule(FailureKind.NETWORK_ERROR, "Server Error: Bad Gateway"),
            new Rule(FailureKind.NETWORK_ERROR, "Server Error: Service Unavailable"),
            new Rule(FailureKind.NETWORK_ERROR, "Server Error: Gateway Timeout"),
            // safetensors' and diffusers' words for a file cut short (seen with the real ai-toolkit resuming from a
            // truncated checkpoint and loading a truncated transformer); torch.load's for a truncated optimizer.pt.
            new Rule(FailureKind.DAMAGED_FILE, "Error while deserializing header"),
            new Rule(FailureKind.DAMAGED_FILE, "Unable to load weights from checkpoint file"),
            new Rule(FailureKind.DAMAGED_FILE, "failed finding central directory"),
            new Rule(FailureKind.DAMAGED_FILE, "PytorchStreamReader failed reading"),
            new Rule(FailureKind.MISSING_FILE, "FileNotFoundError"),
            new Rule(FailureKind.MISSING_FILE, "No such file or directory"),
            new Rule(FailureKind.CONFIG_INVALID, "yaml.scanner.ScannerError"),
            new Rule(FailureKind.CONFIG_INVALID, "yaml.parser.ParserError"),
            new Rule(FailureKind.CONFIG_INVALID, "mutually exclusive"),
            new Rule(FailureKind.CONFIG_INVALID, "Unknown process type"),
            new Rule(FailureKind.CONFIG_INVALID, "Unknown job type"),
            new Rule(FailureKind.CONFIG_INVALID, "Environment variable", "not set"),
            // An arch ai-toolkit does not know falls back to the Stable Diffusion loader, which then finds no unet
            // in a FLUX folder (the real trainer with arch: flux_kontxt).
            new Rule(FailureKind.CONFIG_INVALID, "StableDiffusion", "expected", "were passed"),
            new Rule(FailureKind.XET_STALLED, LAUNCHER_PREFIX + "stalled:", "download"),
            new Rule(FailureKind.STALLED, LAUNCHER_PREFIX + "stalled:"),
            new Rule(FailureKind.INTERRUPTED, LAUNCHER_PREFIX + "stopping:"),
            // ai-toolkit's UI stop raises Exception("Job stopped"), which run.py reports as a failed job.
            new Rule(FailureKind.INTERRUPTED, "Job stopped"),
            // The kernel's OOM killer sends SIGKILL: as the launcher notes it, as PyTorch's DataLoader, accelerate,
            // torchrun and the kernel log word it.
            Rule.matching(FailureKind.HOST_OUT_OF_MEMORY, "\\[aitk-launcher] killed by signal 9\\b"),
            new Rule(FailureKind.HOST_OUT_OF_MEMORY, "is killed by signal: Killed"),
            new Rule(FailureKind.HOST_OUT_OF_MEMORY, "died with <Signals.SIGKILL: 9>"),
            new Rule(FailureKind.HOST_OUT_OF_MEMORY, "Signal 9 (SIGKILL) received"),
            new Rule(FailureKind.HOST_OUT_OF_MEMORY, "Out of memory: Killed process"),
            // A shell's note on a SIGKILLed child: "Killed", or "run.sh: line 3: 1234 Killed  python run.py".
            Rule.matching(FailureKind.HOST_OUT_OF_MEMORY, "^(?:\\s*Killed\\s*|.*\\b\\d+ Killed\\s+\\S.*)$"),
            new Rule(FailureKind.KILLED, LAUNCHER_PREFIX + "killed by signal"),
            new Rule(FailureKind.KILLED, LAUNCHER_PREFIX + "ended by signal"),
            // Python's last traceback line after Ctrl+C outside ai-toolkit's job loop (while importing).
            Rule.matching(FailureKind.INTERRUPTED, "^\\s*KeyboardInterrupt\\s*$"));

    /** A line shows {@code kind} when it holds every keyword, or (when {@code pattern} is set) matches it. */
    private record Rule(FailureKind kind, Pattern pattern, String... keywords) {
        Rule(FailureKind kind, String... keywords) {
            this(kind, null, keywords);
        }

        static Rule matching(FailureKind kind, String regex) {
            return new Rule(kind, Pattern.compile(regex));
        }

        boolean matches(String line) {
            if (pattern != null) {
                return pattern.matcher(line).find();
            }
            for (String k : keywords) {
                if (!line.contains(k)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** What {@code line} (one line, without its {@code \r} or {@code \n}) says; empty for ordinary output. */
    public Optional<LogEvent> classify(String line) {
        if (line.indexOf('%') >= 0 && line.indexOf('|') >= 0) {
            Optional<LogEvent> bar = progress(line);
            if (bar.isPresent()) {
                return bar;
            }
        }
        Matcher m;
        if ((m = SAVING.matcher(line)).find()) {
            return Optional.of(new LogEvent.SaveStarted(Long.parseLong(m.group(1))));
        }
        if ((m = SAVED.matcher(line)).find()) {
            return Optional.of(new LogEvent.SaveFinished(m.group(1)));
        }
        if ((m = RESUMING.matcher(line)).find()) {
            return Optional.of(new LogEvent.Resuming(m.group(1)));
        }
        if ((m = FOUND_STEP.matcher(line)).find()) {
            return Optional.of(new LogEvent.ResumeStep(Long.parseLong(m.group(1))));
        }
        if ((m = OOM_SKIP.matcher(line)).find()) {
            return Optional.of(new LogEvent.OomSkipped(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
        }
        if (line.strip().equals("Job stopped")) {
            return Optional.of(new LogEvent.JobStopped());
        }
        if (COMPLETED.matcher(line).matches()) {
            return Optional.of(new LogEvent.JobCompleted());
        }
        if (line.startsWith("Traceback (most recent call last):")) {
            return Optional.of(new LogEvent.TracebackStart());
        }
        if ((m = ERROR_RUNNING_JOB.matcher(line)).find()) {
            String message = m.group(1);
            return Optional.of(new LogEvent.JobError(message, failureIn(message).orElse(FailureKind.CRASHED)));
        }
        return failureIn(line).map(kind -> new LogEvent.Failure(kind, line));
    }

    /** The failure a piece of text shows, by the ordered rules. */
    public Optional<FailureKind> failureIn(String text) {
        for (Rule rule : RULES) {
            if (rule.matches(text)) {
                return Optional.of(rule.kind());
            }
        }
        if (XET.matcher(text).find() && text.toLowerCase(Locale.ROOT).contains("error")) {
            return Optional.of(FailureKind.XET_DOWNLOAD_FAILED);
        }
        if (NAN_TEXT.matcher(text).find()) {
            return Optional.of(FailureKind.NAN_LOSS);
        }
        return Optional.empty();
    }

    private static Optional<LogEvent> progress(String line) {
        Matcher m = BAR.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        String unit = m.group("unit");
        boolean perStep = unit.equals("s/it") || unit.equals("it/s");
        long step = wholeNumber(m.group("n"));
        long total = wholeNumber(m.group("total"));
        Double secondsPerStep = null;
        if (perStep && !m.group("rate").equals("?")) {
            double rate = Double.parseDouble(m.group("rate"));
            secondsPerStep = unit.equals("s/it") ? rate : rate > 0 ? 1.0 / rate : null;
        }
        String post = m.group("post") == null ? "" : m.group("post");
        Double loss = number(LOSS, post);
        Double lr = number(LR, post);
        String desc = m.group("desc") == null ? "" : m.group("desc").strip();
        boolean training = perStep && (loss != null || lr != null);
        boolean download = !perStep || desc.startsWith("Fetching ") || desc.startsWith("Downloading");
        return Optional.of(new LogEvent.Progress(desc, step, total, secondsPerStep, clockSeconds(m.group("eta")),
                lr, loss, training, download));
    }

    private static long wholeNumber(String text) {
        char last = text.charAt(text.length() - 1);
        if (Character.isDigit(last)) {
            return (long) Double.parseDouble(text);
        }
        double v = Double.parseDouble(text.substring(0, text.length() - 1));
        double scale = switch (last) {
            case 'k' -> 1e3;
            case 'M' -> 1e6;
            case 'G' -> 1e9;
            default -> 1e12;
        };
        return (long) (v * scale);
    }

    private static Double number(Pattern p, String text) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return null;
        }
        String v = m.group(1).toLowerCase(Locale.ROOT);
        if (v.equals("nan") || v.equals("-nan")) {
            return Double.NaN;
        }
        if (v.equals("inf") || v.equals("+inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (v.equals("-inf")) {
            return Double.NEGATIVE_INFINITY;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** tqdm's {@code MM:SS} or {@code H:MM:SS}; {@code ?} is unknown. */
    static Long clockSeconds(String text) {
        if (text == null || text.contains("?")) {
            return null;
        }
        long seconds = 0;
        for (String part : text.split(":")) {
            if (part.isEmpty()) {
                return null;
            }
            seconds = seconds * 60 + Long.parseLong(part);
        }
        return seconds;
    }
}
