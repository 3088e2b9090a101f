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
    XET_STALLED("a download made no progress for the stall timeout (Xet transfers hang like this)",
            Recovery.FAST_PATH_OFF, ExitCode.DOWNLOAD_FAILED,
            "set HF_HUB_DISABLE_XET=1 for plain HTTP downloads (the launcher does this on its retry), or run "
                    + "'aitk-launcher prefetch' first so run.py downloads nothing"),
    NETWORK_ERROR("a network error while talking to the Hub", Recovery.RETRY_WITH_BACKOFF, ExitCode.DOWNLOAD_FAILED,
            "check the connection or HF_ENDPOINT; run 'aitk-launcher prefetch' first so training loads offline"),
    MODEL_NOT_CACHED("a file is missing from the offline cache", Recovery.GO_ONLINE, ExitCode.DOWNLOAD_FAILED,
            "run 'aitk-launcher prefetch' again, or unset HF_HUB_OFFLINE so run.py may download what is missing"),
    GATED_REPO("the model is gated and the token cannot read it (401/403)", Recovery.NONE, ExitCode.DOWNLOAD_FAILED,
            "accept the license on the model's Hub page with your account, then set HF_TOKEN to a token of that account"),
    HUB_FILE_NOT_SERVED("the Hub did not serve a file of the model (most often: the token cannot read the gated model)",
            Recovery.NONE, ExitCode.DOWNLOAD_FAILED,
            "accept the license on the model's Hub page with your account and set HF_TOKEN to a read token of that "
                    + "account (a fine-grained token needs 'public gated repositories'); if you have access, check "
                    + "model.name_or_path and the connection or proxy"),
    ATTENTION_KERNEL_FAILED("PyTorch's cuDNN attention kernel failed (a known PyTorch/cuDNN bug, not your settings)",
            Recovery.NONE, ExitCode.TRAINING_FAILED,
            "export TORCH_CUDNN_SDPA_DEPRIORITIZED=1 TORCH_CUDNN_SDPA_PREFERRED=0 (newer PyTorch reads the first, "
                    + "older the second) and launch again, so attention runs on the flash kernel; or update torch"),
    NAN_LOSS("the loss became NaN or infinite", Recovery.NONE, ExitCode.TRAINING_FAILED,
            "lower train.lr (e.g. 1e-4 -> 5e-5), use train.dtype: bf16, and check the dataset for broken images"),
    MISSING_FILE("a file or folder the config names does not exist", Recovery.NONE, ExitCode.INPUT_INVALID,
            "fix the path in the config (datasets[*].folder_path, model.name_or_path) and run 'aitk-launcher validate'"),
    DAMAGED_FILE("a weights file is truncated or damaged (a download or a save that was cut off)",
            Recovery.SET_ASIDE_CHECKPOINT, ExitCode.INPUT_INVALID,
            "move the file the error names aside: a checkpoint of this run (ai-toolkit then resumes from the one "
                    + "before it), or a model file (then run 'aitk-launcher prefetch' again to download it whole)"),
    CONFIG_INVALID("ai-toolkit rejected the config", Recovery.NONE, ExitCode.INPUT_INVALID,
            "run 'aitk-launcher validate CONFIG' and fix the findings it prints"),
    PYTHON_PACKAGE_MISSING("a Python package ai-toolkit needs is not installed", Recovery.NONE, ExitCode.ENVIRONMENT,
            "install ai-toolkit's requirements into its interpreter: <venv>/bin/pip install -r requirements.txt"),
    CUDA_UNAVAILABLE("PyTorch cannot use CUDA", Recovery.NONE, ExitCode.ENVIRONMENT,
            "install a CUDA build of torch that matches the driver (see 'aitk-launcher doctor')"),
    HOST_OUT_OF_MEMORY("the host ran out of RAM: the kernel's out-of-memory killer ended the trainer (SIGKILL)",
            Recovery.NONE, ExitCode.TRAINING_FAILED,
            "free host RAM: lower datasets[*].num_workers, turn model.low_vram off if you can (it quantizes in host "
                    + "RAM), close other programs or add swap; 'dmesg | grep -i oom' shows the kill"),
    KILLED("the trainer was killed by a signal the launcher did not send", Recovery.NONE, ExitCode.TRAINING_FAILED,
            "find who sent it (a watchdog, a scheduler's limit, another user); run the same command again to resume "
                    + "from the newest checkpoint"),
    STALLED("no progress and no output for longer than the stall timeout", Recovery.RETRY_WITH_BACKOFF,
            ExitCode.TRAINING_FAILED,
            "look at the end of the log for what it was doing; raise --stall-timeout if that step is just slow"),
    INTERRUPTED("stopped by the user", Recovery.STOP, ExitCode.INTERRUPTED,
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
        SET_ASIDE_CHECKPOINT("when it is this run's newest checkpoint, cut off while saving: move it out of the "
                + "run's folder, then resume from the one before it; otherwise no retry"),
        STOP("stops cleanly (SIGINT to run.py, waits for a checkpoint being written) and does not restart"),
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
