package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ByteSize;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns a size flag into a {@link ByteSize}; a bad one is a usage error (exit 2) naming the accepted forms. */
public class ByteSizeConverter implements ITypeConverter<ByteSize> {
    @Override
    public ByteSize convert(String value) {
        try {
            return ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
