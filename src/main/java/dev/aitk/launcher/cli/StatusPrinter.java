package dev.aitk.launcher.cli;

import dev.aitk.launcher.submit.JobState;
import dev.aitk.launcher.submit.RunSummary;
import dev.aitk.launcher.submit.StatusReport;
import java.io.PrintWriter;
import java.util.List;

/** Prints a {@link StatusReport} for people; --json prints the same record as JSON. */
final class StatusPrinter {
    private StatusPrinter() {
    }

    /** One line per poll of status --wait ("3 jobs: 1 PENDING, 2 RUNNING"), printed when it changes; none for --json. */
    static final class Progress {
        private final PrintWriter out;
        private String last = "";

        Progress(PrintWriter out) {
            this.out = out;
        }

        void show(StatusReport report) {
            List<JobState> all = report.allJobs();
            StringBuilder b = new StringBuilder(all.size() + " job" + (all.size() == 1 ? "" : "s") + ":");
            report.countsByState().forEach((state, n) -> b.append(' ').append(n).append(' ').append(state).append(','));
            b.setLength(b.length() - 1);
            String line = b.toString();
            if (out != null && !line.equals(last)) {
                out.println(line);
                out.flush();
                last = line;
            }
        }
    }

    static void print(PrintWriter out, StatusReport report) {
        for (StatusReport.SubmissionStatus s : report.submissions()) {
            out.println("Submission " + s.id() + (s.dryRun() ? " (dry run, not submitted)" : "") + "  " + s.directory());
            for (int i = 0; i < s.prefetchJobs().size(); i++) {
                JobState p = s.prefetchJobs().get(i);
                out.println("  prefetch " + p.jobId() + "  " + describe(p));
                if (p.finished() && !p.succeeded()) {
                    out.println("      log: " + s.prefetchLogs().get(i));
                }
            }
            for (StatusReport.TaskStatus t : s.tasks()) {
                out.println("  task " + t.index() + "  " + t.name()
                        + (t.jobId() == null ? "" : "  " + t.jobId() + "  " + describe(t.scheduler()))
                        + "  run: " + describe(t.run()));
                if (t.scheduler() != null && t.scheduler().finished() && !t.scheduler().succeeded()) {
                    out.println("      log: " + t.log());
                }
            }
        }
        for (JobState j : report.otherJobs()) {
            out.println("job " + j.jobId() + "  " + describe(j));
        }
        out.println(report.allJobs().isEmpty() ? "No job submitted (dry runs only): run their submit.sh, or submit again."
                : report.allFinished() ? "All finished." : "Still pending or running.");
    }

    private static String describe(JobState s) {
        StringBuilder b = new StringBuilder(s.state());
        if (s.exitCode() != null && !s.exitCode().equals("0:0")) {
            b.append(" exit ").append(s.exitCode());
        }
        if (s.reason() != null && !s.reason().equals("None") && !s.reason().isEmpty()) {
            b.append(" (").append(s.reason()).append(')');
        }
        return b.append(" [").append(s.source()).append(']').toString();
    }

    private static String describe(RunSummary r) {
        if (!r.found()) {
            return "no run.json yet";
        }
        if (r.error() != null) {
            return "run.json " + r.error();
        }
        StringBuilder b = new StringBuilder(r.state() == null ? "recorded" : r.state());
        if (r.stepsDone() != null) {
            b.append(", step ").append(r.stepsDone());
            if (r.totalSteps() != null) {
                b.append('/').append(r.totalSteps());
            }
        }
        if (r.attempts() != null && r.attempts() > 1) {
            b.append(", ").append(r.attempts()).append(" attempts");
        }
        if (r.finalCheckpoint() != null) {
            b.append(", ").append(r.finalCheckpoint());
        } else if (r.message() != null) {
            b.append(": ").append(r.message());
        }
        return b.toString();
    }
}
