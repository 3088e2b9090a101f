package dev.aitk.launcher.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The FLUX.2 rows measured on an H200 (flux2-klein-lora-vram-h200.jsonl, src/bench/gpu): flat objects the
 * planner's own reader takes, and the straight line in batch x tokens that docs/benchmarks.md reports.
 */
class Flux2MeasuredRowsTest {
    private static final List<Map<String, Object>> ROWS = rows();

    private static List<Map<String, Object>> rows() {
        try (InputStream in = Flux2MeasuredRowsTest.class.getResourceAsStream("flux2-klein-lora-vram-h200.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(l -> FlatJson.parse(l, false)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double num(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    private static Predicate<Map<String, Object>> steps(String variant, String precision, boolean checkpointed) {
        return r -> "step".equals(r.get("kind")) && variant.equals(r.get("variant")) && "ai-toolkit".equals(r.get("impl"))
                && precision.equals(r.get("precision")) && num(r, "rank") == 16 && checkpointed == (Boolean) r.get("grad_ckpt");
    }

    @Test
    void everyStepNamesItsShapeAndItsMeasurement() {
        assertThat(ROWS.get(0)).containsEntry("kind", "device").containsEntry("name", "NVIDIA H200");
        assertThat(ROWS).filteredOn(r -> "step".equals(r.get("kind"))).hasSizeGreaterThan(100).allSatisfy(r -> {
            assertThat(r).containsKeys("variant", "res", "batch", "grad_ckpt", "ctx_factor", "ref_images", "tokens", "rank",
                    "peak_alloc_gib", "peak_reserved_gib", "step_s", "runs");
            assertThat(num(r, "tokens")).isEqualTo(num(r, "ctx_factor") * Math.pow(num(r, "res") / 16, 2) + 512);
            assertThat(r).containsEntry("loss_finite", true);
        });
    }

    @Test
    void peakMemoryIsAStraightLineInBatchTimesTokensReferencesIncluded() {
        for (String variant : List.of("flux2-klein-4b", "flux2-klein-9b")) {
            for (boolean checkpointed : List.of(true, false)) {
                List<Map<String, Object>> s = ROWS.stream().filter(steps(variant, "bf16", checkpointed)).toList();
                double[] x = s.stream().mapToDouble(r -> num(r, "batch") * num(r, "tokens")).toArray();
                double[] y = s.stream().mapToDouble(r -> num(r, "peak_alloc_gib")).toArray();
                double mx = mean(x);
                double my = mean(y);
                double sxy = 0;
                double sxx = 0;
                for (int i = 0; i < x.length; i++) {
                    sxy += (x[i] - mx) * (y[i] - my);
                    sxx += (x[i] - mx) * (x[i] - mx);
                }
                double slope = sxy / sxx;
                for (int i = 0; i < x.length; i++) {
                    assertThat(Math.abs(y[i] - (my + slope * (x[i] - mx)))).as(variant + " " + s.get(i)).isLessThan(0.1);
                }
            }
        }
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return sum / v.length;
    }
}
