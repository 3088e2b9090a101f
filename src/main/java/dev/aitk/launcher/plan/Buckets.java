package dev.aitk.launcher.plan;

/**
 * ai-toolkit's aspect-ratio buckets (toolkit/buckets.py {@code get_bucket_for_image_size}, called by
 * toolkit/dataloader_mixins.py {@code BucketsMixin.setup_buckets}): an image is scaled to at most
 * resolution x resolution pixels (never up), and its sides are rounded to multiples of the bucket
 * tolerance (64 by default, {@code datasets[*].bucket_tolerance}) to the candidate closest in pixel count
 * that still fits. Batches are then cut within each bucket, and a bucket's last short batch is padded with
 * repeats of its own images ({@code build_batch_indices}).
 */
final class Buckets {
    private Buckets() {
    }

    /** The bucket {@code {width, height}} an image of this size lands in at {@code resolution}. */
    static int[] bucketFor(int width, int height, int resolution, int divisibility) {
        double total = (double) width * height;
        double max = (double) resolution * resolution;
        double target = Math.min(total, max);
        double scaler = Math.sqrt(target / total);
        double wRaw = width * scaler / divisibility;
        double hRaw = height * scaler / divisibility;
        int[][] candidates = {
            {(int) Math.floor(wRaw) * divisibility, (int) Math.floor(hRaw) * divisibility},
            {(int) Math.floor(wRaw) * divisibility, (int) Math.ceil(hRaw) * divisibility},
            {(int) Math.ceil(wRaw) * divisibility, (int) Math.floor(hRaw) * divisibility},
            {(int) Math.ceil(wRaw) * divisibility, (int) Math.ceil(hRaw) * divisibility},
        };
        int[] best = null;
        double bestGap = Double.MAX_VALUE;
        for (int[] c : candidates) {
            if (c[0] > 0 && c[1] > 0 && (double) c[0] * c[1] <= max) {
                // Python's min() keeps the first of equal keys, so a strict comparison does too.
                double gap = Math.abs((double) c[0] * c[1] - target);
                if (gap < bestGap) {
                    best = c;
                    bestGap = gap;
                }
            }
        }
        if (best == null) {
            best = new int[] {Math.max(divisibility, (int) Math.floor(wRaw) * divisibility),
                Math.max(divisibility, (int) Math.floor(hRaw) * divisibility)};
        }
        return best;
    }
}
