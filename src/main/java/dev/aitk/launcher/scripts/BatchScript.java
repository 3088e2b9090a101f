package dev.aitk.launcher.scripts;

import dev.aitk.launcher.util.ShellQuoting;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of start_training.bat. The file is UTF-8, but cmd.exe decodes each line of a batch file with
 * the console's code page when it reaches it (an OEM one such as 850 by default), so {@code C:\Users\Jürgen}
 * would arrive as {@code C:\Users\JÃ¼rgen}. The script therefore switches to code page 65001 (UTF-8), reads
 * every quoted word into a variable (cmd keeps variables as Unicode), switches back to the console's own code
 * page, and only then starts the launcher from a line of plain ASCII: the launcher takes over the console
 * without CALL (which would expand {@code %} a second time), so nothing after that line would run to restore it.
 */
final class BatchScript {
    private BatchScript() {
    }

    /**
     * @throws IllegalArgumentException when a word cannot be carried by cmd (see {@link ShellQuoting#cmdQuotedBody})
     */
    static String render(List<String> words, List<String> header) {
        List<String> lines = new ArrayList<>(List.of("@echo off"));
        header.forEach(h -> lines.add("rem " + h));
        lines.add("rem Delayed expansion off: a ! in a path stays a literal character.");
        lines.add("setlocal DisableDelayedExpansion");
        lines.add("rem The paths are UTF-8: read them under code page 65001, then give the console its code page back.");
        lines.add("for /f \"tokens=2 delims=:.\" %%c in ('chcp') do set /a \"AITK_CODE_PAGE=%%c\" >nul 2>nul");
        lines.add("chcp 65001 >nul");
        List<String> command = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (ShellQuoting.cmdBare(word)) {
                command.add(word);
            } else {
                String variable = "AITK_ARG_" + i;
                // Inside set "..." only % is special in a batch file; the value is expanded once, below.
                lines.add("set \"" + variable + "=" + ShellQuoting.cmdQuotedBody(word).replace("%", "%%") + "\"");
                command.add("\"%" + variable + "%\"");
            }
        }
        lines.add("chcp %AITK_CODE_PAGE% >nul");
        lines.add("rem No CALL: it would expand percent signs a second time; the launcher's exit code is this script's.");
        lines.add(String.join(" ", command) + " %*");
        lines.add("");
        return String.join("\r\n", lines);
    }
}
