package dev.aitk.launcher.hub;

/**
 * Reads a 206's {@code Content-Range: bytes first-last/size} against what was asked: only bytes that start where
 * the cursor is, end no later than asked and belong to a file of the expected size may be written at that offset.
 */
final class ContentRange {
    private ContentRange() {
    }

    /** Null when the header matches; otherwise what was wrong with it, for the retry notice. */
    static String mismatch(String header, long from, long to, long sizeBytes) {
        String h = header.strip();
        if (!h.startsWith("bytes ")) {
            return "no usable Content-Range ('" + h + "')";
        }
        int dash = h.indexOf('-');
        int slash = h.indexOf('/');
        long first;
        long last;
        long total;
        try {
            first = Long.parseLong(h.substring(6, dash).strip());
            last = Long.parseLong(h.substring(dash + 1, slash).strip());
            String t = h.substring(slash + 1).strip();
            total = t.equals("*") ? sizeBytes : Long.parseLong(t);
        } catch (RuntimeException e) {
            return "no usable Content-Range ('" + h + "')";
        }
        if (first != from) {
            return "bytes from " + first + " instead of " + from;
        }
        if (last > to || last < first) {
            return "bytes " + first + "-" + last + " where " + from + "-" + to + " was asked";
        }
        if (total != sizeBytes) {
            return "a file of " + total + " bytes instead of " + sizeBytes;
        }
        return null;
    }
}
