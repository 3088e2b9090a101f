package dev.aitk.launcher.realtrainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A .safetensors file read as the format defines it: 8 bytes little-endian header length, a JSON header
 * (tensor name to dtype, shape and byte offsets into the data that follows; "__metadata__" for strings), then
 * the data. {@link #read} checks that every tensor's bytes lie inside the file and fill it exactly, so a
 * truncated or padded file is refused.
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public record Tensor(String dtype, long[] shape, long begin, long end) {
    }

    public static SafetensorsFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLength = len.flip().getLong();
            if (headerLength <= 0 || headerLength > Math.min(100_000_000L, ch.size() - 8)) {
                throw new IOException(file + ": header length " + headerLength + " does not fit a file of " + ch.size() + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8);
            JsonNode root = new ObjectMapper().readTree(header.array());
            long dataBytes = ch.size() - 8 - headerLength;
            Map<String, Tensor> tensors = new TreeMap<>();
            Map<String, String> metadata = new TreeMap<>();
            long furthest = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode t = e.getValue();
                long[] shape = new long[t.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.path("shape").get(i).asLong();
                }
                long begin = t.path("data_offsets").get(0).asLong();
                long end = t.path("data_offsets").get(1).asLong();
                if (begin < 0 || end < begin || end > dataBytes) {
                    throw new IOException(file + ": tensor " + e.getKey() + " lies at " + begin + ".." + end
                            + " but the file holds " + dataBytes + " data bytes");
                }
                furthest = Math.max(furthest, end);
                tensors.put(e.getKey(), new Tensor(t.path("dtype").asText(), shape, begin, end));
            }
            if (furthest != dataBytes) {
                throw new IOException(file + ": the tensors end at byte " + furthest + " of " + dataBytes + " data bytes");
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("the file ends before its header does");
            }
            p += n;
        }
    }
}
