package dev.aitk.launcher.supervise;

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

    /** The fast-download switches for this interpreter's huggingface_hub. */
    public java.util.Map<String, String> fastDownloadSwitches() {
        return FastDownload.on(huggingfaceHub, hfTransfer);
    }
}
