package dev.aitk.launcher.toolkit;

/**
 * What the toolkit's interpreter has, from one short probe: versions are null when the package is missing;
 * {@code torchError} says why torch did not import.
 */
public record PythonReport(
        String python,
        String executable,
        String torch,
        String torchCuda,
        Boolean cudaAvailable,
        Integer cudaDevices,
        String torchError,
        String huggingfaceHub,
        boolean hfTransfer,
        boolean hfXet,
        boolean bitsandbytes,
        boolean optimumQuanto) {

    /** huggingface_hub's major version (0, 1, 2...), empty when it is not installed or unreadable. */
    public java.util.OptionalInt hubMajorVersion() {
        if (huggingfaceHub == null) {
            return java.util.OptionalInt.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.").matcher(huggingfaceHub);
        return m.find() ? java.util.OptionalInt.of(Integer.parseInt(m.group(1))) : java.util.OptionalInt.empty();
    }

    /** The fast-download switches for this interpreter's huggingface_hub. */
    public java.util.Map<String, String> fastDownloadSwitches() {
        return ChildEnvironment.fastDownloadSwitches(this);
    }
}
