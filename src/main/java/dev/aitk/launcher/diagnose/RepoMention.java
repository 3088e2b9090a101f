package dev.aitk.launcher.diagnose;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hub repository a download error names, in the words huggingface_hub and diffusers use, and the page
 * where its license is accepted. The page is always on huggingface.co: a mirror set with HF_ENDPOINT serves
 * files, not licenses.
 */
final class RepoMention {
    private static final String REPO = "([\\w.-]+/[\\w.-]+)";
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("Access to model " + REPO + " is restricted"),
            Pattern.compile("gated repo for url https?://[^/\\s]+/" + REPO + "/resolve/"),
            Pattern.compile("Repository Not Found for url: https?://[^/\\s]+/api/models/" + REPO),
            Pattern.compile("Cannot access content at: https?://[^/\\s]+/" + REPO + "/resolve/"),
            Pattern.compile("(?:^|\\s|: )" + REPO + " does not appear to have a file named"),
            Pattern.compile("(?:^|\\s|: )" + REPO + " is not a local folder and is not a valid model identifier"));

    private RepoMention() {
    }

    /** The first repository id ({@code org/name}) the text names in a download error. */
    static Optional<String> in(String text) {
        for (Pattern p : PATTERNS) {
            Matcher m = p.matcher(text);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    static String page(String repoId) {
        return "https://huggingface.co/" + repoId;
    }
}
