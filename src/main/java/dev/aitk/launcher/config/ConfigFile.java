package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ByteSize;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a config file as run.py does (UTF-8 text), refusing what cannot be a config before a parser sees
 * it: a missing file, a folder, an unreadable file, something huge, binary data, invalid UTF-8.
 */
final class ConfigFile {
    /** An ai-toolkit config is a few KiB; anything over this is not one. */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    private ConfigFile() {
    }

    static String read(Path file) {
        if (!Files.exists(file)) {
            throw unusable(file, "the config file " + file + " does not exist", "check the path (ai-toolkit configs usually live in its config/ folder)", null);
        }
        if (Files.isDirectory(file)) {
            throw unusable(file, file + " is a folder, not a config file", "pass the .yaml or .json file inside it", null);
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw unusable(file, "the config file is " + new ByteSize(size).human() + ", but an ai-toolkit config is a few KiB; refusing to read more than "
                        + new ByteSize(MAX_BYTES).human(), "check that this is the config you meant", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw unusable(file, "the config file " + file + " cannot be read (permission denied)", "give your user read access: chmod u+r " + file, null);
        } catch (NoSuchFileException e) {
            throw unusable(file, "the config file " + file + " does not exist", "check the path", null);
        } catch (FileSystemException e) {
            throw unusable(file, "the config file " + file + " cannot be read: " + (e.getReason() == null ? e.getMessage() : e.getReason()), "check the path and its permissions", null);
        } catch (IOException e) {
            throw unusable(file, "the config file " + file + " cannot be read: " + e.getMessage(), "check the disk and the path", null);
        } catch (OutOfMemoryError e) {
            throw unusable(file, "the config file is too large to read", "check that this is the config you meant", null);
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw unusable(file, "the config file is binary data (it contains NUL bytes, first at line " + lineAt(bytes, i) + "), not YAML or JSON text",
                        "pass the ai-toolkit config (.yaml or .json), not a model, image or archive", lineAt(bytes, i));
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw unusable(file, "the config file is not UTF-8 text (invalid byte 0x" + String.format(Locale.ROOT, "%02X", bytes[at] & 0xFF)
                    + " at line " + lineAt(bytes, at) + "); run.py reads configs as UTF-8", "save the file as UTF-8 in your editor", lineAt(bytes, at));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    private static ConfigUnreadable unusable(Path file, String problem, String fix, Integer line) {
        return new ConfigUnreadable(ConfigUnreadable.Kind.FILE, file.toString(), problem, line, null, fix);
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
