package dev.aitk.launcher.data;

import java.util.List;
import java.util.Map;

/** The human form of a {@link MigrationReport}: a summary, then every left-out file by name, then the block to paste. */
public final class ReportText {
    /** Long lists are cut here in the human output; --json always has them all. */
    private static final int MAX_LISTED = 50;

    private ReportText() {
    }

    public static String format(MigrationReport r, ConfigUpdater.Result config) {
        StringBuilder b = new StringBuilder();
        String verb = r.dryRun() ? "to write" : "written";
        b.append("migrate-data: ").append(r.layout()).append(" layout -> ").append(r.output())
                .append(r.dryRun() ? " (dry run: nothing written)" : "").append('\n');
        b.append("  pairs:    ").append(r.pairsFound()).append(" matched, ").append(r.pairsMigrated())
                .append(r.dryRun() ? " to migrate" : " migrated");
        if (!r.leftOut().isEmpty()) {
            b.append("; left out: ").append(plural(r.leftOut().size(), "name")).append(", ")
                    .append(plural(r.leftOutFiles(), "file")).append(" (listed below)");
        }
        b.append('\n');
        b.append("  files:    ").append(r.filesWritten()).append(' ').append(verb).append(", ")
                .append(r.filesUnchanged()).append(" unchanged since the last run")
                .append(r.filesWritten() == 0 && r.filesUnchanged() > 0 && !r.dryRun() ? ": nothing new to write" : "")
                .append(" (").append(r.transfer().equals("link") ? "hard links" : "copies")
                .append(r.linkFallbacks() > 0 ? ", " + r.linkFallbacks() + " copied instead of linked" : "")
                .append(")\n");
        b.append("  captions: ").append(r.captionFiles()).append(" from files, ").append(r.captionsDefault())
                .append(" use default_caption, ").append(r.captionsMissing().size()).append(" without caption\n");
        if (r.staleTempsRemoved() > 0) {
            b.append("  removed ").append(r.staleTempsRemoved()).append(" temp files of an interrupted earlier run\n");
        }
        if (!r.leftOut().isEmpty()) {
            b.append("\nLeft out (not migrated):\n");
            int shown = 0;
            for (LeftOut l : r.leftOut()) {
                if (shown++ == MAX_LISTED) {
                    b.append("  ... and ").append(r.leftOut().size() - MAX_LISTED).append(" more (see --json)\n");
                    break;
                }
                b.append("  ").append(l.name()).append(": ").append(l.detail()).append('\n');
                for (Map.Entry<String, String> f : l.files().entrySet()) {
                    b.append("      ").append(f.getKey()).append(": ").append(f.getValue()).append('\n');
                }
            }
        }
        list(b, "Targets without a caption (trained with an empty caption)", r.captionsMissing());
        list(b, "Ignored (not an image or caption)", r.ignoredFiles());
        list(b, "In the output but not written by this run", r.foreignOutputFiles());
        if (!r.warnings().isEmpty()) {
            b.append('\n');
            r.warnings().forEach(w -> b.append("warning: ").append(w).append('\n'));
        }
        if (r.status() == MigrationReport.Status.MIGRATED) {
            if (config != null) {
                b.append("\nUpdated ").append(config.config()).append(" (").append(config.datasetPath())
                        .append(config.backup() == null ? "; it was as aitk-launcher had written it, so no copy was kept"
                                : "; previous version kept as " + config.backup()).append(")\n");
            } else {
                b.append("\nDataset block (paste under config.process[0] of your ai-toolkit config):\n\n")
                        .append(r.datasetBlock().yaml());
            }
        }
        return b.toString();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static void list(StringBuilder b, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        b.append('\n').append(title).append(":\n");
        for (int i = 0; i < items.size() && i < MAX_LISTED; i++) {
            b.append("  ").append(items.get(i)).append('\n');
        }
        if (items.size() > MAX_LISTED) {
            b.append("  ... and ").append(items.size() - MAX_LISTED).append(" more (see --json)\n");
        }
    }
}
