package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} and {@code cancel} on a recorded submission, with the Slurm tools faked on PATH. */
class StatusCliTest {
    @TempDir
    Path tmp;
    FakeSlurm slurm;
    Path out;

    @BeforeEach
    void submitTwoTasks() throws Exception {
        slurm = new FakeSlurm(tmp);
        out = tmp.resolve("out");
        Path launcher = Scripts.recordingLauncher(tmp.resolve("bin"), tmp.resolve("argv"));
        Path a = Files.writeString(tmp.resolve("a.yaml"), config("a"));
        Path b = Files.writeString(tmp.resolve("b.yaml"), config("b"));
        CliRun.Result r = cli().run("submit", "--output", out.toString(), "--array", a.toString(), b.toString(),
                "--launcher", launcher.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void showsEachTaskWithTheSchedulerStateAndItsRunRecord() throws Exception {
        slurm.answer("squeue", "101_1|RUNNING|None\n", 0);
        slurm.answer("scontrol", "JobId=100 JobName=aitk-out-prefetch JobState=COMPLETED Reason=None ExitCode=0:0\n"
                + "JobId=102 ArrayJobId=101 ArrayTaskId=0 JobState=COMPLETED Reason=None ExitCode=0:0\n", 0);
        slurm.answerError("sacct", "Slurm accounting storage is disabled\n", 1);
        Files.createDirectories(out.resolve("a"));
        Files.writeString(out.resolve("a/run.json"), """
                {"name": "a", "status": "succeeded", "exitCode": 0, "stepsDone": 2000, "totalSteps": 2000,
                 "finalCheckpoint": "/shared/out/a/a.safetensors", "attempts": [{"exitCode": 0}, {"exitCode": 0}]}
                """);
        Files.createDirectories(out.resolve("b"));
        Files.writeString(out.resolve("b/run.json"), "{\"state\": \"running\", \"stepsDone\": 250");

        CliRun.Result human = cli().run("status", "--output", out.toString());
        CliRun.Result json = cli().run("status", "--output", out.toString(), "--json");

        assertThat(human.exitCode()).as(human.err()).isZero();
        assertThat(human.out())
                .contains("prefetch 100  COMPLETED [scontrol]")
                .contains("task 0  a  101_0  COMPLETED [scontrol]  run: succeeded, step 2000/2000, 2 attempts, /shared/out/a/a.safetensors")
                .contains("task 1  b  101_1  RUNNING [squeue]  run: run.json unreadable")
                .contains("Still pending or running.");
        JsonNode report = Json.mapper().readTree(json.out());
        assertThat(report.path("allFinished").asBoolean()).isFalse();
        assertThat(report.at("/submissions/0/tasks/0/run/stepsDone").asLong()).isEqualTo(2000);
    }

    @Test
    void waitEndsWithSixWhenATaskFailedAndZeroWhenEveryJobCompleted() throws Exception {
        slurm.answer("squeue", "", 0);
        slurm.answer("scontrol", "JobId=100 JobState=COMPLETED ExitCode=0:0\n"
                + "JobId=102 ArrayJobId=101 ArrayTaskId=0 JobState=COMPLETED ExitCode=0:0\n"
                + "JobId=103 ArrayJobId=101 ArrayTaskId=1 JobState=FAILED Reason=NonZeroExitCode ExitCode=6:0\n", 0);

        CliRun.Result failed = cli().run("status", "--output", out.toString(), "--wait");
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(6);
        assertThat(failed.out()).contains("101_1  FAILED exit 6:0 (NonZeroExitCode) [scontrol]")
                .containsPattern("      log: .*/out/slurm/[0-9-]+-out/logs/aitk-out-101_1\\.out\n");
        assertThat(failed.err()).startsWith("error: 1 job(s) did not succeed (101_1 FAILED); run 'aitk-launcher diagnose'");
        CliRun.Result json = cli().run("status", "--output", out.toString(), "--wait", "--json");
        assertThat(json.exitCode()).isEqualTo(6);
        JsonNode doc = Json.mapper().readTree(json.out());
        assertThat(doc.path("exitCode").asInt()).as("issue 14: the error object, with the report beside it").isEqualTo(6);
        assertThat(doc.path("error").asText()).contains("101_1 FAILED");
        assertThat(doc.path("fix").asText()).startsWith("run 'aitk-launcher diagnose'");
        assertThat(doc.at("/submissions/0/tasks/1/scheduler/state").asText()).isEqualTo("FAILED");

        slurm.answer("scontrol", "JobId=100 JobState=COMPLETED ExitCode=0:0\n"
                + "JobId=102 ArrayJobId=101 ArrayTaskId=0 JobState=COMPLETED ExitCode=0:0\n"
                + "JobId=103 ArrayJobId=101 ArrayTaskId=1 JobState=COMPLETED ExitCode=0:0\n", 0);
        assertThat(cli().run("status", "--output", out.toString(), "--wait").exitCode()).isZero();
    }

    @Test
    void cancelHandsOnlyTheActiveJobsToScancelArrayFirst() throws Exception {
        slurm.answer("squeue", "101_0|PENDING|Dependency\n101_1|PENDING|Dependency\n100|RUNNING|None\n", 0);

        CliRun.Result r = cli().run("cancel", "--output", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Cancelled 101, 100.");
        assertThat(slurm.calls("scancel")).extracting(FakeSlurm.Call::args).containsExactly(java.util.List.of("101", "100"));
    }

    @Test
    void withoutARecordOrIdsTheUserLearnsWhatToPass() {
        CliRun.Result none = cli().run("status");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--output DIR").contains("job ids");

        CliRun.Result empty = cli().run("status", "--output", tmp.resolve("elsewhere").toString());
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("no submissions in " + tmp.resolve("elsewhere"));

        CliRun.Result badId = cli().run("cancel", "12;rm");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("'12;rm' is not a Slurm job id");
    }

    @Test
    void flagsThatWouldBeIgnoredAreRefused() {
        CliRun.Result both = cli().run("status", "42", "--output", tmp.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("error: job ids and --output cannot be combined (the ids alone would decide); "
                + "give the job ids, or --output DIR for the submissions recorded there\n");

        CliRun.Result allWithIds = cli().run("cancel", "42", "--all");
        assertThat(allWithIds.exitCode()).isEqualTo(2);
        assertThat(allWithIds.err()).contains("--all picks every submission in --output DIR and does not apply to job ids");
        assertThat(cli().run("cancel", "42", "--output", tmp.toString()).exitCode()).isEqualTo(2);
    }

    private CliRun cli() {
        return CliRun.in(tmp).env("PATH", slurm.path()).env("HF_HUB_OFFLINE", "1");
    }

    private static String config(String name) {
        return "job: extension\nconfig:\n  name: " + name + "\n  process:\n    - type: sd_trainer\n      model:\n"
                + "        name_or_path: black-forest-labs/FLUX.1-dev\n";
    }
}
