package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import dev.aitk.launcher.util.ProcessRunner.ProcessResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm through its command-line tools (sbatch, squeue, scontrol, scancel, sacct), the interface every Slurm
 * site has, whatever its version or REST setup. Finished jobs leave squeue: their state comes from
 * {@code scontrol show job} (kept for MinJobAge), then sacct where accounting is on, then the
 * {@code jobcomp/filetxt} completion log where the controller writes one and this machine can read it.
 */
public final class SlurmClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern JOB_ID = Pattern.compile("\\d+");
    private static final Pattern ARRAY_TASK = Pattern.compile("(\\d+)_(\\d+)");

    private final ProcessRunner runner;
    private final Environment env;

    public SlurmClient(ProcessRunner runner, Environment env) {
        this.runner = runner;
        this.env = env;
    }

    /** Submits {@code script} from {@code workDir} (the job's working directory) and returns the job id. */
    public String submit(Path script, Path workDir, List<String> extraArgs, List<String> afterOk) {
        List<String> command = new ArrayList<>(List.of("sbatch", "--parsable"));
        command.addAll(extraArgs);
        if (!afterOk.isEmpty()) {
            command.add("--dependency=afterok:" + String.join(":", afterOk));
        }
        command.add(script.getFileName().toString());
        ProcessResult result = run(command, workDir);
        String out = result.stdout().strip();
        if (!result.succeeded()) {
            String why = firstLine(result.stderr().isBlank() ? out : result.stderr());
            throw new LauncherException(classify(why), "sbatch refused " + script + ": " + why
                    + (result.timedOut() ? " (no answer within 60 s; is slurmctld up?)" : ""));
        }
        // --parsable prints "id" or "id;cluster"; warnings may come before it on stdout.
        String[] lines = out.split("\\R");
        String id = lines[lines.length - 1].split(";", 2)[0].trim();
        if (!JOB_ID.matcher(id).matches()) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "sbatch accepted " + script
                    + " but printed no job id ('" + firstLine(out) + "'); check the cluster with squeue");
        }
        return id;
    }

    /** Every job and array task of the given job ids that any source still knows, keyed by "41_3" or "42". */
    public Map<String, JobState> query(Collection<String> jobIds) {
        Map<String, JobState> states = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return states;
        }
        fromSqueue(jobIds, states);
        for (String id : jobIds) {
            fromScontrol(id, states);
        }
        fromSacct(jobIds, states);
        fromJobComp(jobIds, states);
        return states;
    }

    /** Cancels the jobs; Slurm ignores ids that already finished. */
    public void cancel(Collection<String> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("scancel"));
        command.addAll(jobIds);
        ProcessResult result = run(command, env.workingDirectory());
        if (!result.succeeded() && !result.stderr().contains("already completing or completed")
                && !result.stderr().contains("Invalid job id")) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "scancel " + String.join(" ", jobIds) + " failed: "
                    + firstLine(result.stderr()) + "; check the ids with squeue");
        }
    }

    private void fromSqueue(Collection<String> jobIds, Map<String, JobState> states) {
        ProcessResult result = run(List.of("squeue", "--noheader", "--array", "--jobs=" + String.join(",", jobIds),
                "--format=%i|%T|%r"), env.workingDirectory());
        if (!result.succeeded()) {
            if (result.stderr().contains("Invalid job id")) {
                return;
            }
            throw new LauncherException(ExitCode.ENVIRONMENT, "squeue does not answer: "
                    + firstLine(result.stderr() + (result.timedOut() ? " (timed out)" : ""))
                    + "; check that slurmctld is up (sinfo)");
        }
        for (String line : result.stdout().split("\\R")) {
            String[] f = line.trim().split("\\|", -1);
            if (f.length < 3) {
                continue;
            }
            // The task comes from %i ("41_3"): %a prints "(null)" for tasks still pending.
            row(f[0], f[1], null, f[2], "squeue").ifPresent(s -> states.putIfAbsent(s.jobId(), s));
        }
    }

    /** One row of squeue or sacct as a job state; empty when the id names no single job or array task. */
    private static Optional<JobState> row(String id, String state, String exitCode, String reason, String source) {
        Matcher m = ARRAY_TASK.matcher(id);
        if (!m.matches() && !JOB_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        String arrayJob = m.matches() ? m.group(1) : id;
        Integer task = m.matches() ? Integer.valueOf(m.group(2)) : null;
        String key = JobState.key(arrayJob, task);
        return Optional.of(new JobState(key, arrayJob, task, state, exitCode, reason, source));
    }

    private void fromScontrol(String id, Map<String, JobState> states) {
        ProcessResult result = run(List.of("scontrol", "--oneliner", "show", "job", id), env.workingDirectory());
        if (!result.succeeded()) {
            return;
        }
        for (String line : result.stdout().split("\\R")) {
            keyValueState(line, "scontrol").ifPresent(s -> states.putIfAbsent(s.jobId(), s));
        }
    }

    private void fromSacct(Collection<String> jobIds, Map<String, JobState> states) {
        ProcessResult result = run(List.of("sacct", "--noheader", "--parsable2", "--allocations",
                "--jobs=" + String.join(",", jobIds), "--format=JobID,State,ExitCode,Reason"), env.workingDirectory());
        if (!result.succeeded()) {
            return; // No accounting on this cluster ("accounting storage is disabled"): other sources answer.
        }
        for (String line : result.stdout().split("\\R")) {
            String[] f = line.trim().split("\\|", -1);
            if (f.length < 3) {
                continue;
            }
            // "41_[2-5]" (pending tasks not yet split) is no single job: squeue reports those.
            String state = f[1].split(" ", 2)[0]; // "CANCELLED by 0"
            row(f[0], state, f[2], f.length > 3 ? f[3] : null, "sacct").ifPresent(s -> states.putIfAbsent(s.jobId(), s));
        }
    }

    private void fromJobComp(Collection<String> jobIds, Map<String, JobState> states) {
        Optional<Path> log = jobCompLog();
        if (log.isEmpty()) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(log.get(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                Optional<JobState> state = keyValueState(line, "jobcomp");
                if (state.isPresent() && jobIds.contains(state.get().arrayJobId())) {
                    // Later lines are later completions (a requeued task completes again): the last one wins.
                    if (!states.containsKey(state.get().jobId()) || "jobcomp".equals(states.get(state.get().jobId()).source())) {
                        states.put(state.get().jobId(), state.get());
                    }
                }
            }
        } catch (IOException e) {
            // Unreadable completion log (other host, permissions): the other sources stand.
        }
    }

    private Optional<Path> jobCompLog() {
        ProcessResult result = run(List.of("scontrol", "show", "config"), env.workingDirectory());
        if (!result.succeeded()) {
            return Optional.empty();
        }
        String type = null;
        String location = null;
        for (String line : result.stdout().split("\\R")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2) {
                String key = kv[0].trim();
                if (key.equals("JobCompType")) {
                    type = kv[1].trim();
                } else if (key.equals("JobCompLoc")) {
                    location = kv[1].trim();
                }
            }
        }
        if (!"jobcomp/filetxt".equals(type) || location == null || location.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(location);
        return Files.isReadable(path) ? Optional.of(path) : Optional.empty();
    }

    /** Parses scontrol's and jobcomp/filetxt's "Key=Value Key=Value" lines; the keys read carry no spaces. */
    static Optional<JobState> keyValueState(String line, String source) {
        String jobId = field(line, "JobId");
        String state = field(line, "JobState");
        if (jobId == null || state == null || !JOB_ID.matcher(jobId).matches()) {
            return Optional.empty();
        }
        String arrayJob = field(line, "ArrayJobId");
        String taskText = field(line, "ArrayTaskId");
        Integer task = taskText != null && taskText.matches("\\d+") ? Integer.valueOf(taskText) : null;
        if (arrayJob == null || task == null) {
            if (taskText != null && !taskText.matches("\\d+")) {
                return Optional.empty(); // "ArrayTaskId=2-5": the pending rest of an array, squeue lists them.
            }
            arrayJob = jobId;
            task = null;
        }
        String key = JobState.key(arrayJob, task);
        return Optional.of(new JobState(key, arrayJob, task, state, field(line, "ExitCode"), field(line, "Reason"), source));
    }

    private static String field(String line, String key) {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\S*)").matcher(line);
        return m.find() ? m.group(1) : null;
    }

    private ProcessResult run(List<String> command, Path workDir) {
        Environment where = new Environment(env.variables(), env.osName(), env.userHome(), workDir);
        try {
            return runner.run(command, where, TIMEOUT);
        } catch (ProcessRunner.ProcessStartException e) {
            throw new LauncherException(ExitCode.ENVIRONMENT, command.get(0)
                    + " was not found on PATH; run this on a Slurm login node (or use submit --dry-run to only write the scripts)", e);
        }
    }

    private static ExitCode classify(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        boolean userValue = m.contains("partition") || m.contains("time limit") || m.contains("generic resource")
                || m.contains("gres") || m.contains("account") || m.contains("qos") || m.contains("unrecognized option")
                || m.contains("invalid option") || m.contains("constraint") || m.contains("node configuration");
        return userValue ? ExitCode.USAGE : ExitCode.ENVIRONMENT;
    }

    private static String firstLine(String text) {
        String trimmed = text.strip();
        int nl = trimmed.indexOf('\n');
        return trimmed.isEmpty() ? "(no message)" : nl < 0 ? trimmed : trimmed.substring(0, nl).strip();
    }
}
