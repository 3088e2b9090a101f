package dev.aitk.launcher.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.aitk.launcher.config.YamlIo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dataset entry ai-toolkit needs for a migrated dataset ({@code config.process[0].datasets[i]}), plus the
 * process-level {@code trigger_word} when a trigger was given: ai-toolkit replaces {@code [trigger]} in captions
 * with the process's {@code trigger_word} at training time (toolkit/prompt_utils.py, inject_trigger_into_prompt),
 * so captions keep the placeholder and the word goes into the config.
 *
 * @param folderPath  the training images ({@code folder_path})
 * @param partnerKey  {@code control_path}, {@code inpaint_path} or {@code mask_path}
 * @param partnerPath the partner folder
 */
public record DatasetBlock(String folderPath, String partnerKey, String partnerPath, String captionExt,
                           String defaultCaption, String triggerWord) {

    @JsonIgnore
    public Optional<String> defaultCaptionIfSet() {
        return Optional.ofNullable(defaultCaption);
    }

    @JsonIgnore
    public Optional<String> triggerWordIfSet() {
        return Optional.ofNullable(triggerWord);
    }

    /** The dataset entry, keys in the order a reader expects them. */
    @JsonProperty("entry")
    public Map<String, Object> entry() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("folder_path", folderPath);
        entry.put(partnerKey, partnerPath);
        entry.put("caption_ext", captionExt);
        defaultCaptionIfSet().ifPresent(c -> entry.put("default_caption", c));
        return entry;
    }

    /** YAML to paste under {@code config.process[0]}. */
    @JsonProperty("yaml")
    public String yaml() {
        Map<String, Object> doc = new LinkedHashMap<>();
        triggerWordIfSet().ifPresent(t -> doc.put("trigger_word", t));
        doc.put("datasets", List.of(entry()));
        return YamlIo.dump(doc);
    }
}
