package dev.aitk.launcher.plan;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;

/** No plan fits the GPUs (exit 4); {@link #refusal()} says by how much and what to change. */
public class DoesNotFitException extends LauncherException {
    private final transient PlanRefusal refusal;

    public DoesNotFitException(PlanRefusal refusal) {
        super(ExitCode.DOES_NOT_FIT, refusal.message());
        this.refusal = refusal;
    }

    public PlanRefusal refusal() {
        return refusal;
    }
}
