import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Times `migrate-data` on a generated three-folder dataset, as a user runs it (the packaged jar in its own JVM).
 *
 * Run from the repository root after `mvn -q -B -DskipTests package`:
 *   java src/bench/MigrateDataBench.java [pairs=10000] [flex2Pairs=1000] [runs=5] [size=512]
 *
 * Prints the median wall time of each scenario over the runs and the pairs per second.
 */
public class MigrateDataBench {
    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int flexPairs = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 512;
        Path jar = Path.of("target/aitk-launcher.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the jar first: mvn -q -B -DskipTests package");
        }
        Path root = Files.createTempDirectory("migrate-data-bench");
        try {
            Path big = generate(root.resolve("big"), pairs, size);
            Path small = generate(root.resolve("small"), flexPairs, size);
            System.out.printf("dataset: %d pairs (flex2: %d) of %dx%d JPEG targets, PNG masked images, PNG masks (%d MB); %d runs, %d cores%n",
                    pairs, flexPairs, size, size, bytes(big) >> 20, runs, Runtime.getRuntime().availableProcessors());
            report("kontext --copy", pairs, time(jar, big, root.resolve("out"), runs, true, "--layout", "kontext", "--copy"));
            report("kontext --link", pairs, time(jar, big, root.resolve("out"), runs, true, "--layout", "kontext", "--link"));
            report("kontext re-run (nothing to write)", pairs, time(jar, big, root.resolve("out"), runs, false, "--layout", "kontext", "--link"));
            report("mask --copy (gray PNG masks copied)", pairs, time(jar, big, root.resolve("out"), runs, true, "--layout", "mask", "--copy"));
            report("flex2 (decode + RGBA PNG encode)", flexPairs, time(jar, small, root.resolve("out"), runs, true, "--layout", "flex2"));
        } finally {
            delete(root);
        }
    }

    static void report(String name, int pairs, double seconds) {
        System.out.printf("%-40s median %7.2f s  %8.0f pairs/s%n", name, seconds, pairs / seconds);
    }

    static double time(Path jar, Path data, Path out, int runs, boolean fresh, String... extra) throws Exception {
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            if (fresh) {
                delete(out);
            }
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString(), "migrate-data", "--targets", data.resolve("target").toString(),
                    "--masked", data.resolve("masked").toString(), "--masks", data.resolve("mask").toString(),
                    "--output", out.toString()));
            cmd.addAll(Arrays.asList(extra));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("migrate-data failed: " + cmd);
            }
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[runs / 2];
    }

    static Path generate(Path dir, int pairs, int size) throws IOException {
        Path targets = Files.createDirectories(dir.resolve("target"));
        Path masked = Files.createDirectories(dir.resolve("masked"));
        Path masks = Files.createDirectories(dir.resolve("mask"));
        int distinct = Math.min(16, pairs);
        for (int i = 0; i < pairs; i++) {
            String name = String.format("img%06d", i);
            if (i < distinct) {
                BufferedImage target = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                BufferedImage hole = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                BufferedImage mask = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int rgb = ((x * 255 / size + i * 16) & 0xff) << 16 | (y * 255 / size) << 8 | ((x ^ y) & 0xff);
                        boolean inHole = Math.abs(x - size / 2) < size / 4 && Math.abs(y - size / 3) < size / 5 + i;
                        target.setRGB(x, y, rgb);
                        hole.setRGB(x, y, inHole ? 0 : rgb);
                        mask.getRaster().setSample(x, y, 0, inHole ? 255 : 0);
                    }
                }
                ImageIO.write(target, "jpeg", targets.resolve(name + ".jpg").toFile());
                ImageIO.write(hole, "png", masked.resolve(name + ".png").toFile());
                ImageIO.write(mask, "png", masks.resolve(name + ".png").toFile());
            } else {
                String from = String.format("img%06d", i % distinct);
                Files.copy(targets.resolve(from + ".jpg"), targets.resolve(name + ".jpg"));
                Files.copy(masked.resolve(from + ".png"), masked.resolve(name + ".png"));
                Files.copy(masks.resolve(from + ".png"), masks.resolve(name + ".png"));
            }
            Files.writeString(targets.resolve(name + ".txt"), "a photo of [trigger], sample " + i);
        }
        return dir;
    }

    static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
