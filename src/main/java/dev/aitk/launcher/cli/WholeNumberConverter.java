package dev.aitk.launcher.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An amount with no natural ceiling, such as --steps 4000: a whole number of 1 or more. */
public final class WholeNumberConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new TypeConversionException("'" + value + "' is not a whole number of 1 or more, e.g. 2000");
    }
}
