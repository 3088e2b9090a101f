package dev.aitk.launcher.validate;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One problem found in a config or its datasets. {@code path} is the absolute key path in the document
 * ({@code config.process[0].train.lr}); {@code line}/{@code column} are 1-based positions in the user's file
 * (null when the finding is about something that has no place in the file, e.g. a missing top-level key);
 * {@code file} is the file the position refers to (the config, or an image for dataset findings).
 */
public record Finding(Severity severity, String path, Integer line, Integer column, String message, String fix,
                      String file) {

    @JsonIgnore
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:column}, or as much of it as is known. */
    @JsonIgnore
    public String location() {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file);
        }
        if (line != null) {
            sb.append(sb.length() > 0 ? ":" : "").append(line);
            if (column != null) {
                sb.append(':').append(column);
            }
        }
        return sb.toString();
    }
}
