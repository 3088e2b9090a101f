package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ByteSize;
import picocli.CommandLine.TypeConversionException;

/**
 * --gpu-memory: a size as cards are sold, within what one card can have. The largest cards sold hold 288 GB,
 * so half a terabyte or more is a mistake (a host's RAM, the sum of all cards) rather than a card to plan for.
 */
public final class GpuMemoryConverter extends ByteSizeConverter {
    static final ByteSize SMALLEST = ByteSize.ofGib(1);
    static final ByteSize TOO_LARGE = ByteSize.ofGib(512);

    @Override
    public ByteSize convert(String value) {
        ByteSize size = super.convert(value);
        if (size.compareTo(SMALLEST) < 0 || size.compareTo(TOO_LARGE) >= 0) {
            throw new TypeConversionException("'" + value + "' (" + size.human() + ") is not the memory of one GPU; "
                    + "give one card's total memory, at least 1GB and under 512GB, e.g. 24GB or 80GB");
        }
        return size;
    }
}
