package dev.aitk.launcher.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A count of things a machine has or runs at once, such as --gpus: a whole number from 1 to 64. */
public final class PositiveIntConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new TypeConversionException("'" + value + "' is not a count; use a whole number from 1 to 64");
    }
}
