package dev.aitk.launcher.util;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a short-lived program to completion (nvidia-smi, a Python probe, squeue). Core code takes one of
 * these in its constructor; tests use the real implementation against fake programs on PATH.
 */
public interface ProcessRunner {

    /**
     * Runs {@code command} (the first element resolved on the environment's PATH) with exactly the given
     * environment. Never throws for a non-zero exit or a timeout: those are in the result.
     *
     * @throws ProcessStartException when the program is missing or cannot be started
     */
    ProcessResult run(List<String> command, Environment env, Duration timeout);

    record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    /** The program is missing or could not be executed. */
    class ProcessStartException extends RuntimeException {
        public ProcessStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
