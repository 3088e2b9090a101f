package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.supervise.ForkingTrainer;
import dev.aitk.launcher.supervise.RunRecord;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 4 with the real-trainer venv's PyTorch: a trainer that forks a multiprocessing Pool and runs two
 * epochs of a DataLoader with two forked workers (shut down at each epoch's end, as ai-toolkit's are) finishes as
 * succeeded 20 times out of 20 under the supervisor and its parent-death shim (ForkedWorkersTest does the same
 * with the Pool alone and no venv).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ForkedWorkersOnRealTorchIT {
    @TempDir
    Path tmp;

    @Test
    void poolAndDataLoaderWorkersNeverTakeTheTrainerWithThem() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        Map<String, String> env = new HashMap<>(kit.environment());
        env.put("AITK_FORK_TORCH", "1");

        List<RunRecord> records = new ForkingTrainer(tmp, kit.python().toString(), env).run(20);

        assertThat(ForkingTrainer.failures(records)).as("runs that did not end as succeeded").isEmpty();
        assertThat(tmp.resolve("forked-20/forked.safetensors")).content().as("the pool's sum, then the 16 batches")
                .isEqualTo("1240 16\n");
    }
}
