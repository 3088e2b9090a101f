"""Reads the Hub caches the tests left with huggingface_hub, offline, as a training run would.

argv[1]: a JSON manifest {"caches": [{"test", "dir", "repos": {repo_id: {path: {"size", "sha256", "etag"}}}}]}
holding what the fake Hub serves. For each cache: scan_cache_dir reports no warnings; every file of every snapshot
is found by hf_hub_download (by commit and by each ref pointing at it) with the fake Hub's size and sha256, and
snapshot_download accepts the snapshot; a partial download (a blobs/*.incomplete file, which the scan lists apart)
is never reachable under a file's name unless that file's whole blob is there too. Prints one line per problem,
one summary line per cache, and exits 1 if anything was wrong.
"""
import hashlib
import json
import sys
import warnings

warnings.simplefilter("error")

from huggingface_hub import hf_hub_download, scan_cache_dir, snapshot_download  # noqa: E402
from huggingface_hub.errors import LocalEntryNotFoundError  # noqa: E402


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_snapshot(cache, repo, rev, files, problems):
    present = []
    for f in sorted(rev.files, key=lambda f: str(f.file_path)):
        rel = f.file_path.relative_to(rev.snapshot_path).as_posix()
        present.append(rel)
        want = files.get(rel)
        if want is None:
            problems.append(f"{repo.repo_id}@{rev.commit_hash[:12]}: {rel} is not a file the Hub serves")
            continue
        for revision in [rev.commit_hash, *sorted(rev.refs)]:
            try:
                p = hf_hub_download(repo.repo_id, rel, revision=revision, cache_dir=cache, local_files_only=True)
            except Exception as e:  # any failure to find a cached file is the finding
                problems.append(f"{repo.repo_id}@{revision}: hf_hub_download({rel!r}) failed offline: {e!r}")
                continue
            got = (f.size_on_disk, sha256(p))
            if got != (want["size"], want["sha256"]):
                problems.append(f"{repo.repo_id}@{revision}: {rel} holds {got}, the Hub serves {(want['size'], want['sha256'])}")
    if present:
        try:
            snapshot_download(repo.repo_id, revision=rev.commit_hash, cache_dir=cache, allow_patterns=present,
                              local_files_only=True)
        except Exception as e:
            problems.append(f"{repo.repo_id}@{rev.commit_hash[:12]}: snapshot_download refused the snapshot: {e!r}")
    return len(present)


def check_partial(cache, info, expected, partial, problems):
    # <cache>/models--org--name/blobs/<etag>.<anything>.incomplete
    etag = partial.file_path.name.split(".")[0]
    repo_id = partial.file_path.parent.parent.name.split("--", 1)[1].replace("--", "/")
    complete = (partial.file_path.parent / etag).is_file()
    cached = {r.repo_id: r for r in info.repos}
    revisions = [ref for rev in cached[repo_id].revisions for ref in rev.refs] if repo_id in cached else []
    for path, want in expected.get(repo_id, {}).items():
        if want["etag"] != etag:
            continue
        for revision in revisions:
            try:
                p = hf_hub_download(repo_id, path, revision=revision, cache_dir=cache, local_files_only=True)
            except LocalEntryNotFoundError:
                continue
            if not complete or sha256(p) != want["sha256"]:
                problems.append(f"{repo_id}@{revision}: {path} is reachable while its download is partial ({partial.file_path.name})")


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    failed = False
    for cache in manifest["caches"]:
        problems = []
        info = scan_cache_dir(cache["dir"])
        problems += [f"scan_cache_dir: {w}" for w in info.warnings]
        files_read = 0
        for repo in sorted(info.repos, key=lambda r: r.repo_id):
            files = cache["repos"].get(repo.repo_id)
            if files is None:
                problems.append(f"{repo.repo_id}: a repository the fake Hub does not have")
                continue
            for rev in sorted(repo.revisions, key=lambda r: r.commit_hash):
                files_read += read_snapshot(cache["dir"], repo, rev, files, problems)
        for partial in sorted(info.incomplete_files, key=lambda p: str(p.file_path)):
            check_partial(cache["dir"], info, cache["repos"], partial, problems)
        for p in problems:
            print(f"PROBLEM {cache['test']}: {p}")
        print(f"checked {cache['test']}: {len(info.repos)} repo(s), {files_read} file(s) read offline, "
              f"{len(info.incomplete_files)} partial download(s) unreachable, {len(problems)} problem(s)")
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


main()
