package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing what Slurm 22.05 prints (captured lines in src/test/resources/submit) and the order of sources. */
class SlurmClientTest {
    @TempDir
    Path tmp;
    FakeSlurm slurm;
    SlurmClient client;

    @BeforeEach
    void setUp() throws Exception {
        slurm = new FakeSlurm(tmp);
        client = new SlurmClient(new ZtProcessRunner(), Environment.of(Map.of("PATH", slurm.path()), tmp, tmp));
    }

    @Test
    void scontrolLinesGiveTheTaskStateAndExitEvenWithSpacesInOtherFields() throws Exception {
        List<String> lines = Files.readAllLines(resource("scontrol-show-job-array.txt"));

        assertThat(SlurmClient.keyValueState(lines.get(0), "scontrol")).hasValueSatisfying(s -> {
            assertThat(s.jobId()).isEqualTo("4_2");
            assertThat(s.state()).isEqualTo("COMPLETED");
            assertThat(s.exitCode()).isEqualTo("0:0");
        });
        assertThat(SlurmClient.keyValueState(lines.get(1), "scontrol")).hasValueSatisfying(s -> {
            assertThat(s.jobId()).isEqualTo("4_1");
            assertThat(s.state()).isEqualTo("FAILED");
            assertThat(s.exitCode()).isEqualTo("6:0");
            assertThat(s.reason()).isEqualTo("NonZeroExitCode");
        });
        assertThat(SlurmClient.keyValueState(lines.get(2), "scontrol")).as("pending remainder 0-0").isEmpty();
    }

    @Test
    void finishedTasksComeFromScontrolThenTheCompletionLogWhenSqueueAndSacctCannotAnswer() throws Exception {
        slurm.answerError("squeue", "slurm_load_jobs error: Invalid job id specified\n", 1);
        slurm.answer("scontrol", Files.readString(resource("scontrol-show-job-array.txt")), 0);
        slurm.answerError("sacct", "Slurm accounting storage is disabled\n", 1);
        slurm.config("JobCompLoc              = " + resource("jobcomp.log") + "\nJobCompType             = jobcomp/filetxt\n");

        Map<String, JobState> states = client.query(List.of("4"));

        assertThat(states.get("4_0")).extracting(JobState::state, JobState::source).containsExactly("COMPLETED", "jobcomp");
        // scontrol's FAILED wins over the completion log's TIMEOUT: the closer source answers first.
        assertThat(states.get("4_1")).extracting(JobState::state, JobState::source).containsExactly("FAILED", "scontrol");
        assertThat(states.get("4_2")).extracting(JobState::state, JobState::source).containsExactly("COMPLETED", "scontrol");
        assertThat(states).doesNotContainKey("1").doesNotContainKey("4");
    }

    @Test
    void squeueNamesPendingTasksByTheirIdAndSacctFillsInWhereAccountingExists() throws Exception {
        slurm.answer("squeue", "12|RUNNING|None\n13_0|PENDING|Dependency\n13_1|PENDING|Dependency\n", 0);
        slurm.answer("scontrol", "", 1);
        slurm.answer("sacct", "13_2|CANCELLED by 0|0:15|None\n13_[3-4]|PENDING|0:0|None\n11|COMPLETED|0:0|None\n", 0);

        Map<String, JobState> states = client.query(List.of("11", "12", "13"));

        assertThat(states.get("12")).extracting(JobState::state, JobState::source).containsExactly("RUNNING", "squeue");
        assertThat(states.get("13_0")).extracting(JobState::state, JobState::reason).containsExactly("PENDING", "Dependency");
        assertThat(states.get("13_2")).extracting(JobState::state, JobState::source).containsExactly("CANCELLED", "sacct");
        assertThat(states.get("11").succeeded()).isTrue();
        assertThat(states.keySet()).containsExactlyInAnyOrder("12", "13_0", "13_1", "13_2", "11");
    }

    @Test
    void aControllerThatDoesNotAnswerIsAnEnvironmentError() throws Exception {
        slurm.answerError("squeue", "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n", 1);

        assertThatThrownBy(() -> client.query(List.of("5")))
                .isInstanceOf(LauncherException.class)
                .hasMessage("squeue does not answer: slurm_load_jobs error: Unable to contact slurm controller (connect failure);"
                        + " check that slurmctld is up (sinfo)")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.ENVIRONMENT));
    }

    @Test
    void sbatchGetsTheDependencyAsOneArgumentAndTheIdComesBack() throws Exception {
        Path script = Files.writeString(tmp.resolve("array.sbatch"), "#!/bin/bash\n");
        Files.writeString(slurm.state.resolve("next-id"), "77");

        assertThat(client.submit(script, tmp, List.of(), List.of("75", "76"))).isEqualTo("77");
        assertThat(slurm.calls("sbatch").get(0).args()).containsExactly("--parsable", "--dependency=afterok:75:76", "array.sbatch");
    }

    private static Path resource(String name) throws Exception {
        return Path.of(SlurmClientTest.class.getResource("/submit/" + name).toURI());
    }
}
