package dev.aitk.launcher.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.aitk.launcher.util.ExitCode;

/**
 * What a failed command tells a script under --json, as one object on stdout: the sentence also printed on
 * stderr, the exit code, the fix, and (unwrapped beside them) what the command had found when it failed,
 * such as the plan's refusal. The fix is the sentence's second half: the house sentence is "what is wrong;
 * what to do", so the text after its first top-level "; " is the fix, else the exit code's general advice.
 */
@JsonPropertyOrder({"error", "exitCode", "fix"})
record ErrorReport(String error, int exitCode, String fix, @JsonUnwrapped Object found) {

    static ErrorReport of(String sentence, ExitCode code, String command, Object found) {
        String fix = fixIn(sentence);
        return new ErrorReport(sentence, code.code(), fix != null ? fix : generalFix(code, command), found);
    }

    /** The clause after the first "; " outside parentheses, or null when the sentence has none. */
    static String fixIn(String sentence) {
        int depth = 0;
        for (int i = 0; i + 1 < sentence.length(); i++) {
            char c = sentence.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && c == ';' && sentence.charAt(i + 1) == ' ') {
                String rest = sentence.substring(i + 2).strip();
                return rest.isEmpty() ? null : rest;
            }
        }
        return null;
    }

    private static String generalFix(ExitCode code, String command) {
        return switch (code) {
            case USAGE -> "run '" + command + " --help' for the accepted flags and values";
            case INPUT_INVALID -> "fix the file the error names, then run again";
            case DOES_NOT_FIT -> "use larger GPUs or drop pins; 'aitk-launcher plan --help' lists them";
            case DOWNLOAD_FAILED -> "check the network, the token and the model id, then run again to resume";
            case TRAINING_FAILED -> "run 'aitk-launcher diagnose' on the run's log.txt for the cause and the fix";
            case ENVIRONMENT -> "run 'aitk-launcher doctor' to see what is missing";
            case INTERRUPTED -> "run the same command again to resume";
            case OK, INTERNAL -> "report it with the output of --verbose";
        };
    }
}
