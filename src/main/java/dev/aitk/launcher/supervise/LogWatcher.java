package dev.aitk.launcher.supervise;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Follows one attempt's merged output line by line and keeps what matters, in bounded memory: the latest
 * progress, saves and resumes, OOM skips, the most telling failure, the last traceback (head and tail kept
 * when it is huge) and the last few lines. tqdm redraws are only parsed every {@value #BAR_PARSE_MILLIS} ms
 * (the newest wins), so a child printing 100 MB of {@code \r} updates costs little more than copying bytes.
 */
public final class LogWatcher implements LineSplitter.LineSink {
    static final int BAR_PARSE_MILLIS = 100;
    private static final int KEPT_LINE_CHARS = 2048;
    private static final int TRACEBACK_HEAD_LINES = 40;
    private static final int TRACEBACK_TAIL_LINES = 160;
    private static final int LAST_LINES = 40;
    private static final int MAX_NOTES = 256;

    private final LogClassifier classifier = new LogClassifier();
    private final String jobName;
    private final LongSupplier nanoClock;
    private final Queue<LogEvent> notes = new ConcurrentLinkedQueue<>();

    private final byte[] pendingBar;
    private int pendingBarLength = -1;
    private long lastBarParseNanos = Long.MIN_VALUE / 2;

    private Long step;
    private Long totalSteps;
    private Double secondsPerStep;
    private Long etaSeconds;
    private Double learningRate;
    private Double loss;
    private int oomSkipped;
    private boolean saving;
    private Long lastSavedStep;
    private String lastCheckpoint;
    private Long resumedFromStep;
    private String resumedFrom;
    private FailureKind failure;
    private String failureLine;
    private boolean jobError;
    private boolean jobStopped;
    private boolean jobCompleted;
    private long bytesRead;
    private String downloading;

    private boolean inTraceback;
    private final List<String> tracebackHead = new ArrayList<>();
    private final ArrayDeque<String> tracebackTail = new ArrayDeque<>();
    private int tracebackOmitted;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();

    /** {@code jobName} is config.name (the training bar's label); null when unknown. */
    public LogWatcher(String jobName, int maxLineBytes, LongSupplier nanoClock) {
        this.jobName = jobName;
        this.nanoClock = nanoClock;
        this.pendingBar = new byte[maxLineBytes];
    }

    /** The {@link LineSplitter.LineSink} to feed. */
    @Override
    public synchronized void line(byte[] bytes, int length, boolean truncated) {
        if (isBar(bytes, length) && bytes[length - 1] != ']' && splitAfterBar(bytes, length, truncated)) {
            return;
        }
        if (isBar(bytes, length)) {
            System.arraycopy(bytes, 0, pendingBar, 0, length);
            pendingBarLength = length;
            long now = nanoClock.getAsLong();
            if (now - lastBarParseNanos >= BAR_PARSE_MILLIS * 1_000_000L) {
                lastBarParseNanos = now;
                parsePendingBar();
            }
            return;
        }
        parsePendingBar();
        String decoded = new String(bytes, 0, length, StandardCharsets.UTF_8);
        String text = truncated ? decoded + " [line cut at " + length + " bytes]" : decoded;
        remember(text);
        Optional<LogEvent> event = classifier.classify(text);
        event.ifPresent(e -> apply(e, text));
    }

    /** The bar being drawn now (no {@code \r} after it yet) is the latest progress. */
    @Override
    public synchronized void partial(byte[] bytes, int length) {
        if (isBar(bytes, length)) {
            System.arraycopy(bytes, 0, pendingBar, 0, length);
            pendingBarLength = length;
        }
    }

    /**
     * A bar with more text after it (a traceback printed while the bar was still open): the bar and the rest
     * are two lines. Returns false when there is nothing after the bar.
     */
    private boolean splitAfterBar(byte[] bytes, int length, boolean truncated) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        int close = text.indexOf(']', text.indexOf("%|"));
        if (close < 0 || close + 1 >= text.length() || text.substring(close + 1).isBlank()) {
            return false;
        }
        byte[] bar = text.substring(0, close + 1).getBytes(StandardCharsets.UTF_8);
        byte[] rest = text.substring(close + 1).getBytes(StandardCharsets.UTF_8);
        line(bar, bar.length, false);
        line(rest, rest.length, truncated);
        return true;
    }

    /** Counts bytes read (for the record) without looking at them. */
    public synchronized void counted(int bytes) {
        bytesRead += bytes;
    }

    /** Notable events since the last call (saves, resumes, OOM skips, failures), oldest first. */
    public List<LogEvent> drainNotes() {
        List<LogEvent> out = new ArrayList<>();
        LogEvent e;
        while ((e = notes.poll()) != null) {
            out.add(e);
        }
        return out;
    }

    public synchronized RunSnapshot snapshot() {
        parsePendingBar();
        List<String> traceback = new ArrayList<>(tracebackHead);
        if (tracebackOmitted > 0) {
            traceback.add("  ... " + tracebackOmitted + " lines left out ...");
        }
        traceback.addAll(tracebackTail);
        return new RunSnapshot(step, totalSteps, secondsPerStep, etaSeconds, learningRate, loss, oomSkipped, saving,
                lastSavedStep, lastCheckpoint, resumedFromStep, resumedFrom, failure, failureLine, jobError,
                jobStopped, jobCompleted, traceback, new ArrayList<>(lastLines), bytesRead, downloading);
    }

    private static boolean isBar(byte[] bytes, int length) {
        for (int i = 0; i + 1 < length; i++) {
            if (bytes[i] == '%' && bytes[i + 1] == '|') {
                return true;
            }
        }
        return false;
    }

    private void parsePendingBar() {
        if (pendingBarLength < 0) {
            return;
        }
        String text = new String(pendingBar, 0, pendingBarLength, StandardCharsets.UTF_8);
        pendingBarLength = -1;
        classifier.classify(text).ifPresentOrElse(e -> apply(e, text), () -> remember(text));
    }

    private void apply(LogEvent event, String text) {
        if (event instanceof LogEvent.Progress p) {
            applyProgress(p, text);
        } else if (event instanceof LogEvent.SaveStarted) {
            saving = true;
            note(event);
        } else if (event instanceof LogEvent.SaveFinished s) {
            saving = false;
            lastCheckpoint = s.path();
            lastSavedStep = step;
            jobCompleted |= s.isFinal();
            note(event);
        } else if (event instanceof LogEvent.Resuming r) {
            resumedFrom = r.path();
            note(event);
        } else if (event instanceof LogEvent.ResumeStep r) {
            resumedFromStep = r.step();
            note(event);
        } else if (event instanceof LogEvent.OomSkipped) {
            oomSkipped++;
            note(event);
        } else if (event instanceof LogEvent.JobStopped) {
            jobStopped = true;
        } else if (event instanceof LogEvent.JobCompleted) {
            jobCompleted = true;
        } else if (event instanceof LogEvent.TracebackStart) {
            inTraceback = true;
            tracebackHead.clear();
            tracebackTail.clear();
            tracebackOmitted = 0;
            tracebackHead.add(text);
        } else if (event instanceof LogEvent.JobError e) {
            jobError = true;
            // run.py's own summary of why it failed is the most telling line.
            if (e.kind() != FailureKind.CRASHED || failure == null) {
                // Keep an earlier line of the same kind (the exception itself) as the evidence.
                if (failure != e.kind() || failureLine == null) {
                    failureLine = text;
                }
                failure = e.kind();
            }
            note(event);
        } else if (event instanceof LogEvent.Failure f && failure == null) {
            failure = f.kind();
            failureLine = text;
            note(event);
        }
    }

    private void applyProgress(LogEvent.Progress p, String text) {
        boolean training = p.training() || (jobName != null && jobName.equals(p.description()));
        if (!training) {
            if (p.download()) {
                downloading = transfer(p, text);
            }
            return;
        }
        downloading = null;
        step = p.step();
        totalSteps = p.total();
        if (p.secondsPerStep() != null) {
            secondsPerStep = p.secondsPerStep();
        }
        etaSeconds = p.etaSeconds();
        if (p.learningRate() != null) {
            learningRate = p.learningRate();
        }
        if (p.loss() != null) {
            loss = p.loss();
        }
        if (p.failure().isPresent() && failure != FailureKind.NAN_LOSS) {
            failure = FailureKind.NAN_LOSS;
            failureLine = text;
            note(new LogEvent.Failure(FailureKind.NAN_LOSS, text));
        }
    }

    /** "model.safetensors (45%, 10.2G of 23.8G)" from the bar as tqdm drew it. */
    private static String transfer(LogEvent.Progress p, String text) {
        int bar = text.indexOf("%|");
        int pipe = text.indexOf('|', bar + 2);
        int open = text.indexOf('[', pipe);
        String counts = pipe > 0 && open > pipe ? text.substring(pipe + 1, open).strip() : p.step() + "/" + p.total();
        int digits = bar;
        while (digits > 0 && Character.isDigit(text.charAt(digits - 1))) {
            digits--;
        }
        String percent = digits < bar ? text.substring(digits, bar) + "%, " : "";
        return (p.description().isEmpty() ? "a file" : p.description()) + " (" + percent + counts.replace("/", " of ") + ")";
    }

    private void remember(String text) {
        if (!text.isBlank()) {
            downloading = null;
        }
        String kept = text.length() > KEPT_LINE_CHARS ? text.substring(0, KEPT_LINE_CHARS) + " [...]" : text;
        if (inTraceback) {
            keepTraceback(kept);
            // The exception line (not indented) closes the traceback.
            if (!kept.isEmpty() && !Character.isWhitespace(kept.charAt(0))
                    && !kept.startsWith("During handling") && !kept.startsWith("The above exception")) {
                inTraceback = false;
            }
        }
        lastLines.addLast(kept);
        if (lastLines.size() > LAST_LINES) {
            lastLines.removeFirst();
        }
    }

    private void keepTraceback(String text) {
        if (tracebackHead.size() < TRACEBACK_HEAD_LINES) {
            tracebackHead.add(text);
            return;
        }
        tracebackTail.addLast(text);
        if (tracebackTail.size() > TRACEBACK_TAIL_LINES) {
            tracebackTail.removeFirst();
            tracebackOmitted++;
        }
    }

    private void note(LogEvent e) {
        if (notes.size() < MAX_NOTES) {
            notes.add(e);
        }
    }
}
