package dev.aitk.launcher.validate;

import dev.aitk.launcher.config.ConfigDocument;
import dev.aitk.launcher.config.TextPosition;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** The config's nodes as validate walks them: each with its key path and its place in the user's file. */
final class ConfigTree {
    private final ConfigDocument document;

    ConfigTree(ConfigDocument document) {
        this.document = document;
    }

    ConfigNode root() {
        return new ConfigNode(this, document.root(), "");
    }

    ConfigNode child(Node node, String path) {
        return new ConfigNode(this, node, path);
    }

    int[] position(Node node) {
        TextPosition p = document.position(node);
        return new int[] {p.line(), p.column()};
    }

    int[] endPosition(Node node) {
        TextPosition p = document.endPosition(node);
        return new int[] {p.line(), p.column()};
    }

    Object scalarValue(ScalarNode node) {
        return document.value(node);
    }
}
