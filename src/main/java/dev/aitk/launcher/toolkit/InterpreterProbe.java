package dev.aitk.launcher.toolkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Asks the toolkit's interpreter, in one short Python script, what it has: torch (and whether CUDA works),
 * huggingface_hub's version (which decides the fast-download switches), hf_transfer, hf_xet, bitsandbytes,
 * optimum-quanto. Packages other than torch are looked up, not imported, to stay fast.
 */
public final class InterpreterProbe {
    /** Importing torch cold from a network disk takes a while; a probe that hangs longer is a problem itself. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String MARKER = "AITK_PROBE ";
    static final String SCRIPT = String.join("\n",
            "import importlib.util, json, sys",
            "def has(name):",
            "    try:",
            "        return importlib.util.find_spec(name) is not None",
            "    except Exception:",
            "        return False",
            "r = {'python': sys.version.split()[0], 'executable': sys.executable}",
            "try:",
            "    import huggingface_hub",
            "    r['huggingfaceHub'] = huggingface_hub.__version__",
            "except Exception:",
            "    r['huggingfaceHub'] = None",
            "r['hfTransfer'] = has('hf_transfer')",
            "r['hfXet'] = has('hf_xet')",
            "r['bitsandbytes'] = has('bitsandbytes')",
            "r['optimumQuanto'] = has('optimum') and has('optimum.quanto')",
            "try:",
            "    import torch",
            "    r['torch'] = torch.__version__",
            "    r['torchCuda'] = torch.version.cuda",
            "    r['cudaAvailable'] = bool(torch.cuda.is_available())",
            "    r['cudaDevices'] = torch.cuda.device_count() if r['cudaAvailable'] else 0",
            "except Exception as e:",
            "    r['torchError'] = type(e).__name__ + ': ' + str(e)",
            "print('" + MARKER + "' + json.dumps(r))",
            "");

    private final ProcessRunner runner;

    public InterpreterProbe(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Runs the probe; an interpreter that does not start or answer is one sentence and exit 7. */
    public PythonReport probe(Path python, Environment env) {
        ProcessRunner.ProcessResult result;
        try {
            result = runner.run(List.of(python.toString(), "-c", SCRIPT), env, TIMEOUT);
        } catch (ProcessRunner.ProcessStartException e) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "the interpreter " + python + " does not start ("
                    + e.getMessage() + "); pass a working one with --python");
        }
        if (result.timedOut()) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "the interpreter " + python + " did not answer a "
                    + "short probe within " + TIMEOUT.toSeconds() + " s; check it by hand: " + python + " -c 'import torch'");
        }
        for (String line : result.stdout().split("\n")) {
            if (line.startsWith(MARKER)) {
                try {
                    return Json.mapper().readValue(line.substring(MARKER.length()), PythonReport.class);
                } catch (JsonProcessingException e) {
                    break;
                }
            }
        }
        String err = result.stderr().strip();
        String last = err.isEmpty() ? "no output" : err.substring(err.lastIndexOf('\n') + 1);
        throw new LauncherException(ExitCode.ENVIRONMENT, "the interpreter " + python + " is not a working Python 3 ("
                + "exit " + result.exitCode() + ": " + last + "); pass a working one with --python");
    }
}
