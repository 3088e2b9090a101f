package dev.aitk.launcher.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for writing a file a user may have edited (launch's configs, init's configs and scripts,
 * migrate-data's --config): a missing file, or one still exactly as the launcher wrote it, is replaced freely;
 * any other file is the user's and is replaced only with consent (--force, or a command whose job is to update
 * that very file), its old text kept as {@code <name>.bak}. Without consent nothing at all is written and the
 * command stops with exit 2 and the fix.
 *
 * <p>How "as the launcher wrote it" is known: every file written here ends with a stamp line, a comment holding
 * the SHA-256 of the text above it. An edit changes that text, so the hash no longer matches; a file without a
 * stamp was not written by the launcher. The stamp travels with the file (copies, renames, several launchers
 * writing into one folder at once), so no second file has to be kept in step with it.
 */
public final class FileReplacement {
    private static final Pattern STAMP = Pattern.compile(
            "^(?:#|rem) written by aitk-launcher, sha256 ([0-9a-f]{64}) of the text above[^\\n]*\\n?", Pattern.MULTILINE);

    /** A file to write: its final text without the stamp, and whether it must be executable. */
    public record Planned(Path path, String text, boolean executable) {
        public Planned(Path path, String text) {
            this(path, text, false);
        }
    }

    /** A file written, and where the user's previous text was kept (null when there was nothing of theirs). */
    public record Written(Path path, Path backup) {
    }

    private FileReplacement() {
    }

    /**
     * Refuses, before anything is written, when some of {@code files} are the user's and there is no consent.
     *
     * @param consent           the user agreed to replace their files (each is kept as {@code <name>.bak})
     * @param fixWithoutConsent what the user can do instead, ending the refusal's sentence
     * @throws LauncherException exit 2 naming the user's files
     */
    public static void check(List<Planned> files, boolean consent, String fixWithoutConsent) {
        refuseWithoutConsent(theirs(files), consent, fixWithoutConsent);
    }

    private static void refuseWithoutConsent(List<Path> theirs, boolean consent, String fix) {
        if (!theirs.isEmpty() && !consent) {
            throw new LauncherException(ExitCode.USAGE, names(theirs) + (theirs.size() == 1 ? " was" : " were")
                    + " changed since aitk-launcher wrote " + (theirs.size() == 1 ? "it" : "them")
                    + " (or not written by it), so " + (theirs.size() == 1 ? "it is" : "they are") + " not replaced; "
                    + fix);
        }
    }

    /**
     * Writes every file atomically after {@link #check}ing them all, so a refusal leaves everything as it was;
     * the user's files replaced with consent are kept as {@code <name>.bak} first.
     */
    public static List<Written> writeAll(List<Planned> files, boolean consent, String fixWithoutConsent) {
        List<Path> theirs = theirs(files);
        refuseWithoutConsent(theirs, consent, fixWithoutConsent);
        List<Written> written = new ArrayList<>();
        for (Planned f : files) {
            Path backup = null;
            if (theirs.contains(f.path())) {
                backup = f.path().resolveSibling(f.path().getFileName() + ".bak");
                AtomicFiles.write(backup, read(f.path()));
            }
            AtomicFiles.write(f.path(), stamped(f.path(), f.text()), f.executable());
            written.add(new Written(f.path(), backup));
        }
        return written;
    }

    private static List<Path> theirs(List<Planned> files) {
        return files.stream().map(Planned::path).filter(FileReplacement::isUsers).toList();
    }

    /** Whether {@code path} holds text of the user's: it exists and is not exactly what the launcher wrote. */
    public static boolean isUsers(Path path) {
        if (!Files.exists(path)) {
            return false;
        }
        String text = read(path);
        Matcher m = STAMP.matcher(text);
        int start = lastLineStart(text);
        return !(m.find(start) && m.start() == start && m.end() == text.length()
                && m.group(1).equals(sha256(text.substring(0, start))));
    }

    /** {@code text} with its stamp line: a comment in the file's own syntax, ending as the text's lines end. */
    static String stamped(Path path, String unstamped) {
        // A file rendered from one the launcher wrote (migrate-data --config, --template FILE) brings its old stamp.
        String text = STAMP.matcher(unstamped).replaceAll("");
        String newline = text.endsWith("\r\n") ? "\r\n" : "\n";
        String body = text.isEmpty() || text.endsWith("\n") ? text : text + newline;
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String comment = name.endsWith(".bat") || name.endsWith(".cmd") ? "rem" : "#";
        return body + comment + " written by aitk-launcher, sha256 " + sha256(body)
                + " of the text above; an edited copy is never replaced without --force, and then kept as .bak" + newline;
    }

    private static int lastLineStart(String text) {
        int end = text.endsWith("\n") ? text.length() - 1 : text.length();
        return text.lastIndexOf('\n', end - 1) + 1;
    }

    private static String names(List<Path> paths) {
        List<String> names = paths.stream().map(Path::toString).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private static String read(Path path) {
        try {
            return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot read " + path + " (" + e.getMessage()
                    + ") to see whether it was edited; check its permissions", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
