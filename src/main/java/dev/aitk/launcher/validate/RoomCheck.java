package dev.aitk.launcher.validate;

import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.TransformerShape;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.validate.ValidationReport.DatasetSummary;
import dev.aitk.launcher.validate.ValidationReport.DiskNeed;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Free disk for what a run writes: checkpoints (LoRA file x (max_step_saves_to_keep + the final one)), the
 * optimizer state, samples, and the latent cache ai-toolkit writes beside each dataset
 * ({@code <folder>/_latent_cache}) when cache_latents_to_disk is on. Sizes come from the model's shape, not
 * from a table: FLUX.1-dev at rank 16 is 85.9 M values, 164 MiB in fp16.
 */
final class RoomCheck {
    // Sample JPEGs at quality 95 average about a third of a byte per pixel; PNGs about two.
    private static final double JPEG_BYTES_PER_PIXEL = 0.35;
    private static final double PNG_BYTES_PER_PIXEL = 2.0;

    private final Function<String, Path> resolver;
    private final Findings findings;

    RoomCheck(Function<String, Path> resolver, Findings findings) {
        this.resolver = resolver;
        this.findings = findings;
    }

    static int rank(ConfigNode process) {
        ConfigNode network = process.get("network").orElse(null);
        if (network == null) {
            return 0;
        }
        // NetworkConfig: 'rank' wins over 'linear'; neither means 4.
        Long r = network.get("rank").map(ConfigNode::integer).orElse(network.get("linear").map(ConfigNode::integer).orElse(4L));
        return (int) Math.max(1, Math.min(r, 100_000));
    }

    static int bytesPerSavedValue(ConfigNode process) {
        String dtype = process.get("save").flatMap(s -> s.get("dtype")).map(ConfigNode::string).orElse("float16");
        return dtype.contains("32") ? 4 : 2;
    }

    /** Optimizer state per trained value as saved in optimizer.pt, plus the fp32 copy of the value itself. */
    static int optimizerBytesPerValue(String optimizer) {
        String o = optimizer.toLowerCase(Locale.ROOT);
        int state;
        if (o.equals("lion8bit")) {
            state = 1;
        } else if (o.endsWith("8bit") || o.equals("adam8") || o.equals("adamw8")) {
            state = 2;
        } else if (o.startsWith("prodigy") || o.startsWith("dadaptation")) {
            state = 16;
        } else if (o.startsWith("lion") || o.startsWith("adafactor") || o.startsWith("automagic") || o.equals("adagrad")) {
            state = 4;
        } else {
            state = 8;
        }
        return state + 4;
    }

    List<DiskNeed> check(String runName, List<ConfigNode> trainers, Map<ConfigNode, DatasetSummary> datasets) {
        List<DiskNeed> needs = new ArrayList<>();
        Map<String, ConfigNode> where = new LinkedHashMap<>();
        for (ConfigNode p : trainers) {
            ConfigNode folderNode = p.get("training_folder").orElse(null);
            if (folderNode == null || folderNode.string() == null || folderNode.string().contains("${")) {
                continue;
            }
            Path out = resolver.apply(folderNode.string()).resolve(runName == null ? "run" : runName);
            int rank = rank(p);
            if (rank == 0) {
                continue;
            }
            // A LoRA on a Linear(in, out) holds rank x (in + out) values; the shape knows every Linear of the blocks.
            ModelVariant variant = p.get("model").filter(ConfigNode::isMapping).map(ModelFacts::of).map(ModelFacts::variant).orElse(null);
            long values = TransformerShape.defaultFor(variant == null ? ModelVariant.DEV : variant).loraParams(rank);
            long lora = values * bytesPerSavedValue(p);
            long keep = p.get("save").flatMap(s -> s.get("max_step_saves_to_keep")).map(ConfigNode::integer).orElse(5L);
            long checkpoints = Math.max(0, keep) + 1;
            String optimizer = p.get("train").flatMap(t -> t.get("optimizer")).map(ConfigNode::string).orElse("adamw");
            long optimizerBytes = values * optimizerBytesPerValue(optimizer);
            long samples = sampleBytes(p);
            long total = lora * checkpoints + optimizerBytes + samples + 64 * 1024;
            String detail = checkpoints + " LoRA files x " + new ByteSize(lora).human() + " (rank " + rank + ") + optimizer state "
                    + new ByteSize(optimizerBytes).human() + " + samples " + new ByteSize(samples).human();
            DiskNeed need = new DiskNeed("outputs of " + p.path(), out.toString(), total, usable(out), detail);
            needs.add(need);
            where.put(need.what(), folderNode);
        }
        for (Map.Entry<ConfigNode, DatasetSummary> e : datasets.entrySet()) {
            DatasetSummary d = e.getValue();
            if (d == null || d.latentCacheBytes() == null || d.images() == 0) {
                continue;
            }
            Path cache = Path.of(d.folder()).resolve("_latent_cache");
            String detail = d.images() + " images x resolutions " + d.resolutionsPx() + " x " + DatasetScan.LATENT_CHANNELS
                    + " channels x (res/8)^2 x " + DatasetScan.LATENT_BYTES_PER_VALUE + " bytes";
            DiskNeed need = new DiskNeed("latent cache of " + d.path(), cache.toString(), d.latentCacheBytes(), usable(cache), detail);
            needs.add(need);
            where.put(need.what(), e.getKey().get("cache_latents_to_disk").orElse(e.getKey()));
        }
        // Needs on the same file system add up.
        Map<Object, List<DiskNeed>> byStore = new LinkedHashMap<>();
        for (DiskNeed n : needs) {
            byStore.computeIfAbsent(storeKey(Path.of(n.folder())), k -> new ArrayList<>()).add(n);
        }
        for (List<DiskNeed> group : byStore.values()) {
            long sum = group.stream().mapToLong(DiskNeed::neededBytes).sum();
            Long free = group.get(0).freeBytes();
            if (free != null && free < sum) {
                for (DiskNeed n : group) {
                    String what = n.what().startsWith("latent") ? "the latent cache ai-toolkit writes in " + n.folder()
                            : "checkpoints, optimizer state and samples in " + n.folder();
                    findings.error(where.get(n.what()), what + " need about " + new ByteSize(n.neededBytes()).human()
                                    + (group.size() > 1 ? " (" + new ByteSize(sum).human() + " with the rest on that disk)" : "")
                                    + ", but only " + new ByteSize(free).human() + " is free there (" + n.detail() + ")",
                            n.what().startsWith("latent") ? "free space there, or set cache_latents_to_disk: false (latents are then computed every step)"
                                    : "free space there, point training_folder at a bigger disk, or lower save.max_step_saves_to_keep");
                }
            }
        }
        return needs;
    }

    private static long sampleBytes(ConfigNode p) {
        ConfigNode sample = p.get("sample").orElse(null);
        ConfigNode train = p.get("train").orElse(null);
        if (sample == null || train != null && Boolean.TRUE.equals(train.get("disable_sampling").map(ConfigNode::bool).orElse(null))) {
            return 0;
        }
        long steps = train == null ? 1000 : train.get("steps").map(ConfigNode::integer).orElse(1000L);
        long every = Math.max(1, sample.get("sample_every").map(ConfigNode::integer).orElse(100L));
        boolean skipFirst = train != null && Boolean.TRUE.equals(train.get("skip_first_sample").map(ConfigNode::bool).orElse(null));
        long rounds = steps / every + (skipFirst ? 0 : 1);
        int prompts = sample.get("prompts").map(n -> n.items().size()).orElse(0)
                + sample.get("samples").map(n -> n.items().size()).orElse(0);
        long width = sample.get("width").map(ConfigNode::integer).orElse(512L);
        long height = sample.get("height").map(ConfigNode::integer).orElse(512L);
        String format = sample.get("format").map(ConfigNode::string).orElse("jpg");
        double perPixel = "png".equals(format) ? PNG_BYTES_PER_PIXEL : JPEG_BYTES_PER_PIXEL;
        return (long) (rounds * prompts * width * height * perPixel);
    }

    /** Free bytes on the file system that holds {@code path} (or its nearest existing parent); null if unknown. */
    static Long usable(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return null;
        }
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return null;
        }
    }

    private static Object storeKey(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            FileStore store = p == null ? null : Files.getFileStore(p);
            return store == null ? path.toString() : store;
        } catch (IOException e) {
            return path.toString();
        }
    }
}
