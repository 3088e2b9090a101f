package dev.aitk.launcher.util;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one retry loop: run an action until it succeeds, with exponential backoff and jitter between tries (so
 * parallel workers do not retry in lockstep), a wait the server asked for (HTTP 429 Retry-After) honoured within
 * its own budget instead of counting as a failure, and a failed try that made progress starting the count over
 * (a body that broke after a gigabyte is not "one more failure"). The caller judges each failure; the loop never
 * sees what the action does.
 */
public final class Retry {
    /**
     * How patient to be.
     *
     * @param maxAttempts tries before giving up (a verdict may lower it for one kind of failure)
     * @param backoffBase wait after the first failure; it doubles with each further one
     * @param backoffMax  the longest wait between tries
     * @param waitBudget  the most a server may make us wait in all, through waits it asked for
     */
    public record Policy(int maxAttempts, Duration backoffBase, Duration backoffMax, Duration waitBudget) {
        public Policy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("at least one attempt is needed, got " + maxAttempts);
            }
            Objects.requireNonNull(backoffBase);
            Objects.requireNonNull(backoffMax);
            Objects.requireNonNull(waitBudget);
        }

        /** The wait after {@code failures} failures: half fixed, half random ({@code random} in [0, 1)). */
        public Duration backoff(int failures, double random) {
            double base = backoffBase.toMillis() * Math.pow(2, Math.max(0, failures - 1));
            double capped = Math.min(base, backoffMax.toMillis());
            return Duration.ofMillis((long) (capped * (0.5 + 0.5 * random)));
        }
    }

    /** What the caller makes of one failure. */
    public sealed interface Verdict {
        /** Not worth another try: the failure is thrown as it is. */
        static Verdict giveUp() {
            return GiveUp.INSTANCE;
        }

        /** Try again after the backoff; one more failure counts. */
        static Verdict retry() {
            return new Again(false, Integer.MAX_VALUE);
        }

        /** Try again after the backoff, at most {@code attempts} tries in all for this kind of failure. */
        static Verdict retryAtMost(int attempts) {
            return new Again(false, attempts);
        }

        /** The failed try moved forward: try again, counting from one. */
        static Verdict retryAfterProgress() {
            return new Again(true, Integer.MAX_VALUE);
        }

        /** Try again at once, not counted (the failure was expected and already dealt with). */
        static Verdict retryNow() {
            return Now.INSTANCE;
        }

        /** Try again after the wait the server asked for, charged to the wait budget and not counted. */
        static Verdict waitFor(Duration wait) {
            return new Wait(wait);
        }
    }

    private enum GiveUp implements Verdict { INSTANCE }

    private enum Now implements Verdict { INSTANCE }

    private record Again(boolean progressed, int attemptLimit) implements Verdict {
    }

    private record Wait(Duration duration) implements Verdict {
    }

    /** Judges one failure of the action. */
    @FunctionalInterface
    public interface Judge {
        Verdict judge(Exception failure);
    }

    /** Hears each retry before its wait, to say so (a notice, a log line). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** {@code nextAttempt} of {@code maxAttempts} starts after {@code wait}. */
        default void retrying(Exception failure, int nextAttempt, int maxAttempts, Duration wait) {
        }

        /** The server asked for {@code wait}; it is honoured. */
        default void waiting(Exception failure, Duration wait) {
        }
    }

    @FunctionalInterface
    public interface Action<T, E extends Exception> {
        T run() throws E;
    }

    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** The tries are used up, or the server's waits outgrew the budget; the last failure is the cause. */
    public static final class Exhausted extends Exception {
        private final transient Exception last;
        private final int failures;
        private final boolean waitBudgetSpent;

        Exhausted(Exception last, int failures, boolean waitBudgetSpent) {
            super(last.getMessage(), last);
            this.last = last;
            this.failures = failures;
            this.waitBudgetSpent = waitBudgetSpent;
        }

        public Exception last() {
            return last;
        }

        public int failures() {
            return failures;
        }

        public boolean waitBudgetSpent() {
            return waitBudgetSpent;
        }
    }

    private final Policy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public Retry(Policy policy) {
        this(policy, d -> Thread.sleep(Math.max(0, d.toMillis())), () -> ThreadLocalRandom.current().nextDouble());
    }

    public Retry(Policy policy, Sleeper sleeper, DoubleSupplier random) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Runs {@code action} until it returns. Runtime exceptions pass straight through (they are bugs or final
     * answers, such as a {@link LauncherException}); every other failure goes to {@code judge}. Throws the
     * failure itself when judged not worth retrying, {@link Exhausted} when the tries or the wait budget are
     * spent, and {@link InterruptedException} when a wait is interrupted.
     */
    @SuppressWarnings("unchecked")
    public <T, E extends Exception> T run(Action<T, E> action, Judge judge, Listener listener)
            throws E, Exhausted, InterruptedException {
        int failures = 0;
        Duration waited = Duration.ZERO;
        while (true) {
            try {
                return action.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                Verdict verdict = judge.judge(e);
                if (verdict instanceof GiveUp) {
                    throw (E) e;
                }
                if (verdict instanceof Now) {
                    continue;
                }
                if (verdict instanceof Wait w) {
                    waited = waited.plus(w.duration());
                    if (waited.compareTo(policy.waitBudget()) > 0) {
                        throw new Exhausted(e, failures, true);
                    }
                    listener.waiting(e, w.duration());
                    sleeper.sleep(w.duration());
                    continue;
                }
                Again again = (Again) verdict;
                failures = again.progressed() ? 1 : failures + 1;
                int max = Math.min(policy.maxAttempts(), again.attemptLimit());
                if (failures >= max) {
                    throw new Exhausted(e, failures, false);
                }
                Duration wait = policy.backoff(failures, random.getAsDouble());
                listener.retrying(e, failures + 1, max, wait);
                sleeper.sleep(wait);
            }
        }
    }
}
