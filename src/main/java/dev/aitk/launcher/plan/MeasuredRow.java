package dev.aitk.launcher.plan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One line of the measured data (flux-lora-vram-h100.jsonl, shipped in the jar): a {@code step}, a
 * {@code model} (resident weights) or a {@code vae_encode} measurement. Fields a kind lacks are 0/false/null.
 */
public record MeasuredRow(
        String kind,
        String precision,
        int resolutionPx,
        int batchSize,
        boolean gradientCheckpointing,
        int contextFactor,
        int rank,
        double peakReservedGib,
        double peakAllocatedGib,
        double stepSeconds,
        double residentGib,
        long loraParams,
        double extraPeakGib,
        String variant,
        String impl) {

    static final String RESOURCE = "flux-lora-vram-h100.jsonl";
    /** FLUX.2-klein (and a few FLUX.2-dev) transformer steps measured on an H200 (docs/benchmarks.md). */
    static final String FLUX2_RESOURCE = "flux2-klein-lora-vram-h200.jsonl";

    public boolean isStep() {
        return "step".equals(kind);
    }

    /** A row of the model as ai-toolkit builds it (the FLUX.2 file also holds a few diffusers-class rows). */
    public boolean aiToolkitImpl() {
        return impl == null || "ai-toolkit".equals(impl);
    }

    public boolean quantized() {
        return "fp8".equals(precision);
    }

    /** Tokens one sample sends through the transformer: image tokens (x ctx_factor) plus 512 text tokens. */
    public int tokensPerSample() {
        int side = resolutionPx / 16;
        return side * side * contextFactor + MemoryModel.TEXT_TOKENS;
    }

    /** The FLUX.1 rows shipped inside the jar. */
    public static List<MeasuredRow> shipped() {
        return shipped(RESOURCE);
    }

    /** The FLUX.2 rows shipped inside the jar. */
    public static List<MeasuredRow> shippedFlux2() {
        return shipped(FLUX2_RESOURCE);
    }

    private static List<MeasuredRow> shipped(String resource) {
        try (InputStream in = MeasuredRow.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<MeasuredRow> parse(BufferedReader reader) throws IOException {
        List<MeasuredRow> rows = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                rows.add(of(FlatJson.parse(line, false)));
            }
        }
        return rows;
    }

    private static MeasuredRow of(Map<String, Object> m) {
        return new MeasuredRow(
                (String) m.get("kind"),
                (String) m.get("precision"),
                (int) num(m, "res"),
                (int) num(m, "batch"),
                Boolean.TRUE.equals(m.get("grad_ckpt")),
                m.containsKey("ctx_factor") ? (int) num(m, "ctx_factor") : 1,
                m.containsKey("rank") ? (int) num(m, "rank") : 16,
                num(m, "peak_reserved_gib"),
                num(m, "peak_alloc_gib"),
                num(m, "step_s"),
                num(m, "resident_gib"),
                (long) num(m, "lora_params"),
                num(m, "extra_peak_gib"),
                (String) m.get("variant"),
                (String) m.get("impl"));
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : 0.0;
    }
}
