package dev.aitk.launcher.validate;

import java.util.Collection;

/** "Did you mean ...?" for misspelled keys and values, by edit distance. */
final class Suggest {
    private Suggest() {
    }

    /** The closest candidate within a small edit distance (about a third of the word), or null. */
    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        int allowed = Math.max(1, Math.min(4, lower.length() / 3));
        for (String c : candidates) {
            int d = distance(lower, c.toLowerCase(java.util.Locale.ROOT));
            boolean prefix = lower.length() >= 6 && c.startsWith(lower) && c.length() - lower.length() <= 8;
            if ((d <= allowed || prefix) && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
