package dev.aitk.launcher.plan;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;

/** The user's pins checked before any search: each bad value is a usage error (exit 2) saying what is accepted. */
final class RequestCheck {
    private RequestCheck() {
    }

    static void check(PlanRequest r) {
        if (r.optimizer() != null && !Optimizers.known(r.optimizer())) {
            throw new LauncherException(ExitCode.USAGE, "unknown optimizer '" + r.optimizer() + "'; use one of "
                    + Optimizers.names());
        }
        if (r.rank() != null && (r.rank() < 1 || r.rank() > 1024)) {
            throw new LauncherException(ExitCode.USAGE, "LoRA rank " + r.rank() + " is out of range; use 1 to 1024 "
                    + "(16 is the usual choice)");
        }
        if (r.resolutionsPx() != null) {
            if (r.resolutionsPx().isEmpty()) {
                throw new LauncherException(ExitCode.USAGE, "no resolution given; use e.g. --resolution 512,768,1024");
            }
            for (int res : r.resolutionsPx()) {
                if (res < 256 || res > 2048 || res % 16 != 0) {
                    throw new LauncherException(ExitCode.USAGE, "resolution " + res + " is not usable; use multiples "
                            + "of 16 from 256 to 2048 (FLUX packs 16x16 pixels per token), e.g. 512,768,1024");
                }
            }
        }
        if (r.batchSize() != null && (r.batchSize() < 1 || r.batchSize() > SettingsSearch.MAX_BATCH)) {
            throw new LauncherException(ExitCode.USAGE, "batch size " + r.batchSize() + " is out of range; use 1 to "
                    + SettingsSearch.MAX_BATCH);
        }
        if (r.effectiveBatch() != null && r.effectiveBatch() < 1) {
            throw new LauncherException(ExitCode.USAGE, "effective batch must be at least 1");
        }
        if (r.batchSize() != null && r.effectiveBatch() != null && r.effectiveBatch() % r.batchSize() != 0) {
            throw new LauncherException(ExitCode.USAGE, "--effective-batch " + r.effectiveBatch()
                    + " is not a multiple of --batch-size " + r.batchSize() + "; pick sizes that divide evenly");
        }
        if (r.steps() != null && r.steps() < 1) {
            throw new LauncherException(ExitCode.USAGE, "steps must be at least 1 (e.g. --steps 2000)");
        }
        if (r.epochs() != null && r.dataset() == null) {
            throw new LauncherException(ExitCode.USAGE, "--epochs counts passes over the dataset, so it needs "
                    + "--dataset DIR (a folder with images); or give the length in --steps");
        }
        if (r.epochs() != null && r.steps() != null) {
            throw new LauncherException(ExitCode.USAGE, "--steps and --epochs both set the training length; give one");
        }
        if (r.memoryCapGib() != null && !(r.memoryCapGib() > 0)) {
            throw new LauncherException(ExitCode.USAGE, "a memory cap must be more than 0 GiB");
        }
    }
}
