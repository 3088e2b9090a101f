package dev.aitk.launcher.submit;

/**
 * What the scheduler says about one job or array task. {@code jobId} is the id as Slurm prints it
 * ({@code 42} or {@code 41_3}); {@code state} is Slurm's state name (PENDING, RUNNING, COMPLETED, FAILED,
 * CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ...); {@code source} says which tool answered (squeue,
 * scontrol, sacct, jobcomp), since finished jobs leave squeue and not every cluster keeps accounting.
 */
public record JobState(String jobId, String arrayJobId, Integer taskId, String state, String exitCode,
                       String reason, String source) {

    public boolean finished() {
        return !(state.equals("PENDING") || state.equals("RUNNING") || state.equals("CONFIGURING")
                || state.equals("COMPLETING") || state.equals("REQUEUED") || state.equals("RESIZING")
                || state.equals("SUSPENDED") || state.equals("STOPPED") || state.equals("SIGNALING")
                || state.equals("STAGE_OUT") || state.equals("REQUEUE_HOLD") || state.equals("REQUEUE_FED"));
    }

    public boolean succeeded() {
        return state.equals("COMPLETED");
    }

    /** The key an array task or plain job is found by: {@code 41_3}, or {@code 42}. */
    public static String key(String arrayJobId, Integer taskId) {
        return taskId == null ? arrayJobId : arrayJobId + "_" + taskId;
    }
}
