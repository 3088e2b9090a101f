package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.ExitCode;

/**
 * Every failure the launcher recognises, with what it does about it and what the user can change.
 * docs/troubleshooting.md has one section per kind; a test checks each section's example line classifies
 * as that kind, so the two cannot drift apart.
 */
public enum FailureKind {
    OUT_OF_MEMORY("out of GPU memory", Recovery.REPLAN_SMALLER, ExitCode.TRAINING_FAILED,
            "lower train.batch_size, set model.quantize: true and model.low_vram: true, or train at smaller resolutions"),
    HF_TRANSFER_FAILED("the hf_transfer fast download failed", Recovery.FAST_PATH_OFF, ExitCode.DOWNLOAD_FAILED,
            "set HF_HUB_ENABLE_HF_TRANSFER=0 (the launcher does this on its retry; ai-toolkit from before 2026-03 "
                    + "forces it on, so update it), or pip install hf_transfer"),
    XET_DOWNLOAD_FAILED("the Xet fast download failed", Recovery.FAST_PATH_OFF, ExitCode.DOWNLOAD_FAILED,
            "set HF_HUB_DISABLE_XET=1 and HF_XET_HIGH_PERFORMANCE=0 (the launcher does this on its retry)"),
    NETWORK_ERROR("a network error while talking to the Hub", Recovery.RETRY_WITH_BACKOFF, ExitCode.DOWNLOAD_FAILED,
            "check the connection or HF_ENDPOINT; run 'aitk-launcher prefetch' first so training loads offline"),
    MODEL_NOT_CACHED("a file is missing from the offline cache", Recovery.GO_ONLINE, ExitCode.DOWNLOAD_FAILED,
            "run 'aitk-launcher prefetch' again, or unset HF_HUB_OFFLINE so run.py may download what is missing"),
    GATED_REPO("the model is gated and the token cannot read it (401/403)", Recovery.NONE, ExitCode.DOWNLOAD_FAILED,
            "accept the license on the model's Hub page with your account, then set HF_TOKEN to a token of that account"),
    NAN_LOSS("the loss became NaN or infinite", Recovery.NONE, ExitCode.TRAINING_FAILED,
            "lower train.lr (e.g. 1e-4 -> 5e-5), use train.dtype: bf16, and check the dataset for broken images"),
    MISSING_FILE("a file or folder the config names does not exist", Recovery.NONE, ExitCode.INPUT_INVALID,
            "fix the path in the config (datasets[*].folder_path, model.name_or_path) and run 'aitk-launcher validate'"),
    CONFIG_INVALID("ai-toolkit rejected the config", Recovery.NONE, ExitCode.INPUT_INVALID,
            "run 'aitk-launcher validate CONFIG' and fix the findings it prints"),
    PYTHON_PACKAGE_MISSING("a Python package ai-toolkit needs is not installed", Recovery.NONE, ExitCode.ENVIRONMENT,
            "install ai-toolkit's requirements into its interpreter: <venv>/bin/pip install -r requirements.txt"),
    CUDA_UNAVAILABLE("PyTorch cannot use CUDA", Recovery.NONE, ExitCode.ENVIRONMENT,
            "install a CUDA build of torch that matches the driver (see 'aitk-launcher doctor')"),
    KILLED("the trainer was killed by a signal it did not ask for", Recovery.NONE, ExitCode.TRAINING_FAILED,
            "check the host's free RAM (the kernel's OOM killer logs to dmesg) or lower datasets[*].num_workers"),
    STALLED("no progress and no output for longer than the stall timeout", Recovery.RETRY_WITH_BACKOFF,
            ExitCode.TRAINING_FAILED,
            "look at the end of the log for what it was doing; raise --stall-timeout if that step is just slow"),
    INTERRUPTED("stopped by the user", Recovery.NONE, ExitCode.INTERRUPTED,
            "run the same command again: ai-toolkit resumes from its newest checkpoint"),
    CRASHED("run.py failed with an error the launcher does not know", Recovery.NONE, ExitCode.TRAINING_FAILED,
            "read the traceback at the end of the log; 'aitk-launcher diagnose LOG' shows it");

    private final String title;
    private final Recovery recovery;
    private final ExitCode exitCode;
    private final String fix;

    FailureKind(String title, Recovery recovery, ExitCode exitCode, String fix) {
        this.title = title;
        this.recovery = recovery;
        this.exitCode = exitCode;
        this.fix = fix;
    }

    public String title() {
        return title;
    }

    /** What the supervisor does about it when the attempt budget allows. */
    public Recovery recovery() {
        return recovery;
    }

    /** The exit code when the run ends on this failure. */
    public ExitCode exitCode() {
        return exitCode;
    }

    /** What the user can change, in one sentence. */
    public String fix() {
        return fix;
    }

    /** The supervisor's answer to a failure. */
    public enum Recovery {
        REPLAN_SMALLER("re-plan with a memory cap below the failed plan's predicted peak, then resume"),
        FAST_PATH_OFF("turn the fast download path off, then restart"),
        RETRY_WITH_BACKOFF("wait (growing each time), then restart"),
        GO_ONLINE("restart without HF_HUB_OFFLINE so run.py may fetch what is missing"),
        NONE("no retry: the same run would fail the same way");

        private final String description;

        Recovery(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
