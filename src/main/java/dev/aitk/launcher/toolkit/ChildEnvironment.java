package dev.aitk.launcher.toolkit;

import dev.aitk.launcher.util.Environment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The environment run.py gets: the user's environment plus the variables the launcher sets, each with its
 * reason. Matches what ai-toolkit's own UI sets (CUDA_DEVICE_ORDER, CUDA_VISIBLE_DEVICES, PYTHONUNBUFFERED,
 * HF_TOKEN) and adds what avoids the failures its users report (PYTHONUTF8 on Windows, fragmentation OOMs,
 * hf_transfer errors). Secrets are passed through but only ever shown as {@code <set, hidden>}.
 */
public final class ChildEnvironment {
    static final String HIDDEN = "<set, hidden>";
    /** huggingface_hub 0.x's fast path (hf_transfer); 1.x and later ignore it and use Xet. */
    static final String HF_TRANSFER = "HF_HUB_ENABLE_HF_TRANSFER";
    static final String XET_HIGH_PERFORMANCE = "HF_XET_HIGH_PERFORMANCE";
    static final String DISABLE_XET = "HF_HUB_DISABLE_XET";
    private static final List<String> SECRETS = List.of("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");

    /** One variable the launcher sets or passes on, and why; {@code secret} values are never printed. */
    public record Variable(String name, String value, String reason, boolean secret) {
        /** The form safe to print: a secret's value is replaced by {@code <set, hidden>}. */
        public Variable redacted() {
            return secret ? new Variable(name, HIDDEN, reason, true) : this;
        }
    }

    /**
     * What the launcher knows when it builds the environment.
     *
     * @param gpuIndices       nvidia-smi indices of the GPUs this process may use
     * @param hubMajorVersion  major version of huggingface_hub in the toolkit's interpreter; empty when not
     *                         probed (a dry run)
     * @param prefetchComplete the model is in the Hugging Face cache, so run.py may work offline
     * @param fastDownload     use the installed huggingface_hub's fast-download path (off after it failed)
     */
    public record Request(List<Integer> gpuIndices, OptionalInt hubMajorVersion, boolean prefetchComplete,
                          boolean fastDownload) {
        public Request {
            gpuIndices = List.copyOf(gpuIndices);
        }

        /**
         * The request for a probed interpreter. An unreadable huggingface_hub version gets the 1.x switches
         * (what current ai-toolkit installs); 0.x without hf_transfer gets the fast path off, since 0.x fails
         * the download outright when hf_transfer is asked for and missing.
         */
        public static Request forInterpreter(List<Integer> gpuIndices, PythonReport python, boolean prefetchComplete) {
            int major = python.hubMajorVersion().orElse(1);
            return new Request(gpuIndices, OptionalInt.of(major), prefetchComplete, major != 0 || python.hfTransfer());
        }
    }

    private final Map<String, String> inherited;
    private final List<Variable> variables;
    private final List<String> notes;

    private ChildEnvironment(Map<String, String> inherited, List<Variable> variables, List<String> notes) {
        this.inherited = inherited;
        this.variables = List.copyOf(variables);
        this.notes = List.copyOf(notes);
    }

    public static ChildEnvironment build(Environment parent, Request request) {
        List<Variable> vars = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        vars.add(new Variable("CUDA_DEVICE_ORDER", "PCI_BUS_ID",
                "number GPUs as nvidia-smi does, so the indices below mean the same cards", false));
        vars.add(new Variable("CUDA_VISIBLE_DEVICES",
                request.gpuIndices().stream().map(String::valueOf).collect(Collectors.joining(",")),
                "the GPUs the plan gives this job (nvidia-smi indices); inside the job "
                        + (request.gpuIndices().size() == 1 ? "it is cuda:0"
                        : "they are cuda:0..cuda:" + (request.gpuIndices().size() - 1)), false));
        vars.add(new Variable("PYTHONUNBUFFERED", "1", "progress and errors reach the launcher as they happen", false));
        vars.add(new Variable("PYTHONUTF8", "1",
                "UTF-8 file and console I/O everywhere; without it Windows code pages break on non-ASCII captions and paths", false));
        vars.add(new Variable("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True",
                "less fragmentation of GPU memory across bucket sizes, fewer out-of-memory errors", false));
        for (String name : List.of("HF_HOME", "HF_HUB_CACHE")) {
            parent.get(name).ifPresent(v -> vars.add(new Variable(name, v,
                    "passed through: the cache the prefetch filled is the one run.py reads", false)));
        }
        if (request.prefetchComplete()) {
            vars.add(new Variable("HF_HUB_OFFLINE", "1",
                    "the model is already in the cache; no network round trips, no surprise downloads", false));
        }
        for (String name : SECRETS) {
            parent.get(name).ifPresent(v -> vars.add(new Variable(name, v,
                    "passed through from your environment for gated models; never written anywhere", true)));
        }
        if (parent.get("HF_TOKEN").isEmpty() && parent.get("HUGGING_FACE_HUB_TOKEN").isEmpty()) {
            notes.add("HF_TOKEN is not set: gated models (FLUX.1-dev, FLUX.1-Kontext-dev) need it unless the model is already in the cache");
        }
        addDownloadSwitches(parent, request, vars, notes);
        return new ChildEnvironment(parent.variables(), vars, notes);
    }

    /**
     * The fast-download switch depends on the huggingface_hub the toolkit runs: 0.x reads
     * HF_HUB_ENABLE_HF_TRANSFER, 1.x and 2.x ignore hf_transfer and use Xet (HF_XET_HIGH_PERFORMANCE,
     * HF_HUB_DISABLE_XET). A switch the user set themselves is left alone.
     */
    private static void addDownloadSwitches(Environment parent, Request request, List<Variable> vars, List<String> notes) {
        if (request.hubMajorVersion().isEmpty()) {
            notes.add("huggingface_hub version unknown (not probed in a dry run): the real launch asks the toolkit's "
                    + "interpreter and sets the fast-download switches that version reads");
            return;
        }
        int major = request.hubMajorVersion().getAsInt();
        Map<String, String> wanted = switches(major, request.fastDownload());
        String why;
        if (major == 0) {
            why = request.fastDownload() ? "huggingface_hub 0.x: parallel downloads through hf_transfer"
                    : "huggingface_hub 0.x: hf_transfer off after a failed fast download; plain resumable downloads";
        } else {
            why = request.fastDownload() ? "huggingface_hub " + major + ".x: Xet downloads at full speed"
                    : "huggingface_hub " + major + ".x: Xet off after a failed fast download; plain HTTP downloads";
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String own = parent.get(e.getKey()).orElse(null);
            if (own != null) {
                notes.add(e.getKey() + "=" + own + " is kept from your environment");
            } else {
                vars.add(new Variable(e.getKey(), e.getValue(), why, false));
            }
        }
    }

    /** The switches huggingface_hub {@code major}.x reads, set to use its fast path or not. */
    private static Map<String, String> switches(int major, boolean fast) {
        Map<String, String> switches = new LinkedHashMap<>();
        if (major == 0) {
            switches.put(HF_TRANSFER, fast ? "1" : "0");
        } else {
            switches.put(XET_HIGH_PERFORMANCE, fast ? "1" : "0");
            switches.put(DISABLE_XET, fast ? "0" : "1");
        }
        return switches;
    }

    /** The fast-download switches a launch sets for {@code python}'s huggingface_hub (doctor shows them). */
    public static Map<String, String> fastDownloadSwitches(PythonReport python) {
        Request r = Request.forInterpreter(List.of(), python, false);
        return switches(r.hubMajorVersion().getAsInt(), r.fastDownload());
    }

    /** Every fast path off, for every version: plain resumable HTTP downloads (the retry after a failed one). */
    public static Map<String, String> fastDownloadOff() {
        Map<String, String> off = new LinkedHashMap<>(switches(0, false));
        off.putAll(switches(1, false));
        return off;
    }


    /** The variables the launcher sets or passes on, with reasons (secrets included; print {@link #redacted()}). */
    public List<Variable> variables() {
        return variables;
    }

    /** The same list with secret values hidden: what output, logs and records show. */
    public List<Variable> redacted() {
        return variables.stream().map(Variable::redacted).toList();
    }

    public List<String> notes() {
        return notes;
    }

    /**
     * The user's variables passed on as they are: everything but the ones the launcher sets or passes on by
     * name (those, HF_TOKEN included, are the launcher's to record; their values masked where secret).
     */
    public Map<String, String> passedOnUntouched() {
        Map<String, String> untouched = new LinkedHashMap<>(inherited);
        variables.forEach(v -> untouched.remove(v.name()));
        return untouched;
    }

    /** The complete environment for the child process: the user's, with the launcher's variables on top. */
    public Map<String, String> toMap() {
        Map<String, String> all = new LinkedHashMap<>(inherited);
        for (Variable v : variables) {
            all.put(v.name(), v.value());
        }
        return all;
    }
}
