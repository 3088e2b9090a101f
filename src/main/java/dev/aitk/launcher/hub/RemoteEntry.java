package dev.aitk.launcher.hub;

/**
 * One file of a repo listing: its path, size, git blob id and, for LFS files, the sha256 that is both its
 * cache etag and its checksum.
 */
public record RemoteEntry(String path, long sizeBytes, String gitOid, String lfsSha256) {

    /** The blob name in the cache: sha256 for LFS files, the git blob sha1 for the others (as the Hub's ETag). */
    public String etag() {
        return lfsSha256 != null ? lfsSha256 : gitOid;
    }
}
