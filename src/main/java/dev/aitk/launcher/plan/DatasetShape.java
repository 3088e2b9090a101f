package dev.aitk.launcher.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the planner knows of a dataset: how many images and, when their headers were read, how many of each
 * size ({@code "1024x768"} -> count, sizes after EXIF rotation). ai-toolkit trains every image once per
 * resolution and cuts batches inside aspect-ratio buckets ({@link Buckets}), so the sizes decide how large a
 * batch can be without repeating images and how many steps an epoch takes.
 */
public record DatasetShape(int images, Map<String, Integer> sizes) {
    /**
     * A bucket holding less than this share of a resolution's images does not cap the batch: whatever the batch,
     * its one short batch is mostly repeats, and letting a stray image force batch 1 on the rest would cost more.
     */
    static final double USEFUL_BUCKET_SHARE = 0.10;

    public DatasetShape {
        if (images < 1) {
            throw new IllegalArgumentException("a dataset needs at least one image: " + images);
        }
        sizes = sizes == null ? Map.of() : Map.copyOf(new TreeMap<>(sizes));
    }

    /** {@code images} images of sizes not read: each resolution is one bucket of all of them. */
    public static DatasetShape ofCount(int images) {
        return new DatasetShape(images, Map.of());
    }

    /** Images of the given {@code {width, height}} sizes. */
    public static DatasetShape ofSizes(List<int[]> widthHeights) {
        Map<String, Integer> sizes = new TreeMap<>();
        for (int[] wh : widthHeights) {
            sizes.merge(wh[0] + "x" + wh[1], 1, Integer::sum);
        }
        return new DatasetShape(widthHeights.size(), sizes);
    }

    @JsonIgnore
    public boolean sizesKnown() {
        return !sizes.isEmpty();
    }

    /** Images per bucket ("768x1024" -> n) at one resolution, for a model whose buckets snap to {@code divisibility}. */
    public Map<String, Integer> bucketsAt(int resolution, int divisibility) {
        Map<String, Integer> buckets = new TreeMap<>();
        if (!sizesKnown()) {
            buckets.put(resolution + "x" + resolution, images);
            return buckets;
        }
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            String[] wh = e.getKey().split("x");
            int[] b = Buckets.bucketFor(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), resolution, divisibility);
            buckets.merge(b[0] + "x" + b[1], e.getValue(), Integer::sum);
        }
        return buckets;
    }

    /**
     * The smallest bucket holding at least {@link #USEFUL_BUCKET_SHARE} of the images at its resolution (when the
     * images scatter so that none does, the largest bucket).
     */
    public SmallestBucket smallestUsefulBucket(List<Integer> resolutions, int divisibility) {
        SmallestBucket smallest = null;
        SmallestBucket largest = null;
        for (int res : resolutions) {
            for (Map.Entry<String, Integer> b : bucketsAt(res, divisibility).entrySet()) {
                SmallestBucket here = new SmallestBucket(res, b.getKey(), b.getValue());
                if (b.getValue() >= USEFUL_BUCKET_SHARE * images
                        && (smallest == null || b.getValue() < smallest.images())) {
                    smallest = here;
                }
                if (largest == null || b.getValue() > largest.images()) {
                    largest = here;
                }
            }
        }
        return smallest == null ? largest : smallest;
    }

    /** Batches of {@code batch} in one pass over every resolution: a bucket's last short batch counts whole. */
    public long batchesPerEpoch(List<Integer> resolutions, int divisibility, int batch) {
        long n = 0;
        for (int res : resolutions) {
            for (int count : bucketsAt(res, divisibility).values()) {
                n += (count + batch - 1) / batch;
            }
        }
        return n;
    }

    /** Distinct samples in one pass: every image once per resolution. */
    public long samplesPerEpoch(List<Integer> resolutions) {
        return (long) images * resolutions.size();
    }

    /** The bucket that caps the batch: at {@code resolutionPx}, {@code bucket} holds {@code images} images. */
    public record SmallestBucket(int resolutionPx, String bucket, int images) {
    }
}
