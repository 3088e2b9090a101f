package dev.aitk.launcher.config;

/** A place in the user's config file: 1-based line and column, as editors count them. */
public record TextPosition(int line, int column) {
}
