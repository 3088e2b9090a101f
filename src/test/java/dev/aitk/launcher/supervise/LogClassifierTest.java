package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The classifier on real captures (fixtures/h100) and on the lines docs/ai-toolkit-facts.md quotes. */
class LogClassifierTest {
    private final LogClassifier classifier = new LogClassifier();

    private static String fixture(String name) throws IOException {
        try (InputStream in = LogClassifierTest.class.getResourceAsStream("/fixtures/h100/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsEveryUpdateOfARealTqdmStream() throws IOException {
        List<String> updates = List.of(fixture("tqdm-train.stderr").split("[\r\n]+"));
        LogEvent.Progress last = null;
        for (String u : updates) {
            if (u.isBlank()) {
                continue;
            }
            Optional<LogEvent> e = classifier.classify(u);
            assertThat(e).as(u).containsInstanceOf(LogEvent.Progress.class);
            last = (LogEvent.Progress) e.get();
        }
        assertThat(last.description()).isEqualTo("flux_inpaint_v1");
        assertThat(last.step()).isEqualTo(40);
        assertThat(last.total()).isEqualTo(40);
        assertThat(last.secondsPerStep()).isCloseTo(1 / 48.93, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(last.loss()).isEqualTo(1.25e-2);
        assertThat(last.learningRate()).isEqualTo(1e-4);
        assertThat(last.training()).isTrue();
    }

    @Test
    void readsSlowFluxStepsInSecondsPerIteration() {
        LogEvent.Progress p = (LogEvent.Progress) classifier.classify(
                "my_lora:   5%|▌         | 100/2000 [02:03<38:57,  1.23s/it, lr: 1.0e-04 loss: 4.123e-01]").orElseThrow();
        assertThat(p.step()).isEqualTo(100);
        assertThat(p.secondsPerStep()).isEqualTo(1.23);
        assertThat(p.etaSeconds()).isEqualTo(38 * 60 + 57);
        assertThat(p.loss()).isEqualTo(0.4123);
    }

    @Test
    void theFirstBarWithoutRateOrLossIsProgressButNotYetTraining() {
        LogEvent.Progress p = (LogEvent.Progress) classifier.classify(
                "flux_inpaint_v1:   0%|          | 0/40 [00:00<?, ?it/s]").orElseThrow();
        assertThat(p.step()).isZero();
        assertThat(p.secondsPerStep()).isNull();
        assertThat(p.etaSeconds()).isNull();
        assertThat(p.training()).isFalse();
    }

    @Test
    void aDownloadBarIsActivityNotTraining() {
        LogEvent.Progress p = (LogEvent.Progress) classifier.classify(
                "diffusion_pytorch_model-00001-of-00003.safetensors:  12%|█▏        | 1.20G/9.98G [00:03<00:24, 356MB/s]")
                .orElseThrow();
        assertThat(p.training()).isFalse();
        assertThat(p.total()).isEqualTo(9_980_000_000L);
    }

    @Test
    void aRealTorchOomTracebackEndsInAnOutOfMemoryFailure() throws IOException {
        String[] lines = fixture("torch-oom.stderr").split("\n");
        assertThat(classifier.classify(lines[0])).containsInstanceOf(LogEvent.TracebackStart.class);
        assertThat(classifier.classify(lines[lines.length - 1]).flatMap(LogEvent::failure))
                .contains(FailureKind.OUT_OF_MEMORY);
    }

    @Test
    void recognisesTheLinesRunPyPrints() {
        assertThat(classifier.classify("Saving at step 250")).contains(new LogEvent.SaveStarted(250));
        assertThat(classifier.classify("Saved checkpoint to output/x/x_000000250.safetensors"))
                .contains(new LogEvent.SaveFinished("output/x/x_000000250.safetensors"));
        assertThat(classifier.classify("#### IMPORTANT RESUMING FROM output/x/x_000000250.safetensors ####"))
                .contains(new LogEvent.Resuming("output/x/x_000000250.safetensors"));
        assertThat(classifier.classify("Found step 250 in metadata, starting from there"))
                .contains(new LogEvent.ResumeStep(250));
        assertThat(classifier.classify("# OOM during training step, skipping batch 2/3 #"))
                .contains(new LogEvent.OomSkipped(2, 3));
        assertThat(classifier.classify("Job stopped")).contains(new LogEvent.JobStopped());
        assertThat(classifier.classify(" - 1 completed job")).contains(new LogEvent.JobCompleted());
        assertThat(classifier.classify("OOM during training step 3 times in a row, aborting training")
                .flatMap(LogEvent::failure)).contains(FailureKind.OUT_OF_MEMORY);
    }

    @Test
    void errorRunningJobCarriesTheKindOfItsMessage() {
        assertThat(classifier.classify("Error running job: An error occurred while downloading using `hf_transfer`. "
                + "Consider disabling HF_HUB_ENABLE_HF_TRANSFER for better error handling."))
                .contains(new LogEvent.JobError("An error occurred while downloading using `hf_transfer`. Consider "
                        + "disabling HF_HUB_ENABLE_HF_TRANSFER for better error handling.",
                        FailureKind.HF_TRANSFER_FAILED));
        assertThat(classifier.classify("Error running job: something nobody has seen").flatMap(LogEvent::failure))
                .contains(FailureKind.CRASHED);
    }

    @Test
    void ordinaryLinesMeanNothing() {
        assertThat(classifier.classify("Loading transformer")).isEmpty();
        assertThat(classifier.classify("create LoRA network. base dim (rank): 16, alpha: 16")).isEmpty();
        assertThat(classifier.classify("")).isEmpty();
    }

    @Test
    void aNanLossInTheBarIsAFailure() {
        assertThat(classifier.classify("my_lora:  10%|█         | 20/200 [00:20<03:00,  1.00s/it, lr: 1.0e-04 loss: nan]")
                .flatMap(LogEvent::failure)).contains(FailureKind.NAN_LOSS);
    }

    private FailureKind kindOf(String line) {
        return classifier.classify(line).flatMap(LogEvent::failure).orElse(null);
    }

    @Test
    void aHubFileDiffusersCouldNotGetIsItsOwnClassNotAnUnknownError() {
        // ai-toolkit issue #47, the words a 403 on a gated repo reaches the user in.
        assertThat(classifier.classify("Error running job: black-forest-labs/FLUX.1-dev does not appear to have a "
                + "file named config.json.")).contains(new LogEvent.JobError("black-forest-labs/FLUX.1-dev does not "
                + "appear to have a file named config.json.", FailureKind.HUB_FILE_NOT_SERVED));
        assertThat(kindOf("OSError: /models/flux/transformer does not appear to have a file named "
                + "diffusion_pytorch_model-00002-of-00003.safetensors which is required according to the checkpoint "
                + "index.")).isEqualTo(FailureKind.MISSING_FILE);
    }

    @Test
    void theCudnnAttentionKernelFailureIsAClassInBothOfItsWordings() {
        assertThat(kindOf("RuntimeError: Expected mha_graph.execute(handle, variant_pack, workspace_ptr.get())"
                + ".is_good() to be true, but got false.  (Could this error message be improved?  If so, please "
                + "report an enhancement request to PyTorch.)")).isEqualTo(FailureKind.ATTENTION_KERNEL_FAILED);
        assertThat(kindOf("RuntimeError: mha_graph->execute(handle, variant_pack, workspace_ptr.get()).is_good() "
                + "INTERNAL ASSERT FAILED at \"/pytorch/aten/src/ATen/native/cudnn/MHA.cpp\":670, please report a "
                + "bug to PyTorch.")).isEqualTo(FailureKind.ATTENTION_KERNEL_FAILED);
        assertThat(kindOf("RuntimeError: cuDNN Frontend error: [cudnn_frontend] Error: No execution plans support "
                + "the graph.")).isEqualTo(FailureKind.ATTENTION_KERNEL_FAILED);
    }

    @Test
    void theHostOomKillerIsRecognisedInEveryWordingThatReachesALog() {
        assertThat(kindOf("[aitk-launcher] killed by signal 9 (SIGKILL) with no Python error: the host ran out "
                + "of RAM")).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("[aitk-launcher] killed by signal 9")).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("RuntimeError: DataLoader worker (pid 4242) is killed by signal: Killed. "))
                .isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("subprocess.CalledProcessError: Command '['python', 'run.py', 'c.yaml']' died with "
                + "<Signals.SIGKILL: 9>.")).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("Signal 9 (SIGKILL) received by PID 4242")).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("Killed")).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("./train.sh: line 3:  4242 Killed                  python run.py config/my.yaml"))
                .isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(kindOf("[aitk-launcher] ended by signal 11")).isEqualTo(FailureKind.KILLED);
        assertThat(kindOf("[aitk-launcher] killed by signal 15")).isEqualTo(FailureKind.KILLED);
        assertThat(kindOf("Killed 3 stale workers before start")).isNull();
    }

    @Test
    void aStopIsRecognisedAsTheUsersNotAsAnError() {
        assertThat(classifier.classify("Error running job: Job stopped").flatMap(LogEvent::failure))
                .contains(FailureKind.INTERRUPTED);
        assertThat(kindOf("KeyboardInterrupt")).isEqualTo(FailureKind.INTERRUPTED);
        assertThat(kindOf("    except KeyboardInterrupt as e:")).isNull();
        assertThat(kindOf("[aitk-launcher] stopping: Ctrl+C (SIGINT) to the launcher"))
                .isEqualTo(FailureKind.INTERRUPTED);
    }

    @Test
    void aStallWhileDownloadingIsAXetStall() {
        assertThat(kindOf("[aitk-launcher] stalled: no output and no progress for 30 min while downloading "
                + "transformer/diffusion_pytorch_model-00001-of-00003.safetensors (45%, 4.49G of 9.98G)"))
                .isEqualTo(FailureKind.XET_STALLED);
        assertThat(kindOf("[aitk-launcher] stalled: no output and no progress for 30 min at step 1200"))
                .isEqualTo(FailureKind.STALLED);
    }

    @Test
    void hubTransfersAreDownloadsAndTrainingBarsAreNot() {
        LogEvent.Progress file = (LogEvent.Progress) classifier.classify("model-00001-of-00002.safetensors:  45%|"
                + "████▌     | 4.49G/9.98G [02:10<02:39, 34.4MB/s]").orElseThrow();
        LogEvent.Progress fetching = (LogEvent.Progress) classifier.classify("Fetching 23 files:  30%|███       "
                + "| 7/23 [00:05<00:11,  1.40it/s]").orElseThrow();
        LogEvent.Progress training = (LogEvent.Progress) classifier.classify(
                "my_lora:   5%|▌         | 100/2000 [02:03<38:57,  1.23s/it, lr: 1.0e-04 loss: 4.123e-01]").orElseThrow();

        assertThat(file.download()).isTrue();
        assertThat(fetching.download()).isTrue();
        assertThat(training.download()).isFalse();
    }
}
