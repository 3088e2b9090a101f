package dev.aitk.launcher.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A step checkpoint of this run that was cut off while it was saved (power loss, SIGKILL mid-save): ai-toolkit
 * resumes from it and fails in safetensors ("incomplete metadata, file not fully covered"). Moved out of the run's
 * folder, ai-toolkit resumes from the checkpoint before it. Renaming it in place is not enough: ai-toolkit's
 * get_latest_save_path takes the newest file (by ctime) of any name that starts with the run's name.
 */
final class CutOffCheckpoint {
    /** Far more than a LoRA's header; a larger length is a damaged file, not a header to read. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private CutOffCheckpoint() {
    }

    /** The newest step checkpoint in {@code dir} when it is not whole; empty when it is whole or there is none. */
    static Optional<Path> newestIn(Path dir, String name) {
        if (dir == null || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path newest = RunRecorder.newestStepCheckpoint(dir, name);
        return newest != null && !whole(newest) ? Optional.of(newest) : Optional.empty();
    }

    /** Moves {@code checkpoint} into {@code <run folder>.damaged/} beside the run's folder; returns where. */
    static Path setAside(Path checkpoint) throws IOException {
        Path runDir = checkpoint.getParent();
        Path aside = runDir.resolveSibling(runDir.getFileName() + ".damaged");
        Files.createDirectories(aside);
        return Files.move(checkpoint, aside.resolve(checkpoint.getFileName()));
    }

    /** A safetensors file whose header is complete and whose tensors end where the file ends. */
    static boolean whole(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            byte[] length = in.readNBytes(8);
            if (length.length < 8) {
                return false;
            }
            long headerBytes = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerBytes <= 0 || headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > size) {
                return false;
            }
            JsonNode header = Json.mapper().readTree(in.readNBytes((int) headerBytes));
            long end = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> tensor = it.next();
                if (!tensor.getKey().equals("__metadata__")) {
                    end = Math.max(end, tensor.getValue().path("data_offsets").path(1).asLong());
                }
            }
            return 8 + headerBytes + end == size;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
