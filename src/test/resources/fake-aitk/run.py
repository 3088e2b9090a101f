"""A test double of ai-toolkit's run.py: behaves like it where the launcher depends on it, with no GPU.

    python run.py CONFIG [CONFIG...] [-r|--recover] [-n NAME] [-l LOGFILE]

What it does like ai-toolkit (see docs/ai-toolkit-facts.md):
  * reads the YAML (or JSON) config; a bare name is looked up under <this folder>/config/ first; the
    double reads block YAML with a small reader of its own (standard library only, no PyYAML);
    `${VAR}` is replaced from the environment before parsing (unset -> error);
  * prints tqdm progress on stderr in tqdm's own format, '\r' between updates, desc = config.name,
    postfix "lr: 1.0e-04 loss: 4.123e-01" (it/s for fast steps, s/it for slow ones);
  * writes <training_folder>/<name>/<name>_000000NNN.safetensors every save.save_every steps between
    "Saving at step N" and "Saved checkpoint to PATH", keeps save.max_step_saves_to_keep of them, and the
    final <name>.safetensors at the end, each followed by "Saved optimizer to <folder>/optimizer.pt"; on success
    nothing after that (no "Result" summary), exit 0;
  * restarting the same config resumes from the newest checkpoint, printing
    "#### IMPORTANT RESUMING FROM PATH ####" and "Found step N in metadata, starting from there";
  * Ctrl+C (SIGINT) prints "Job stopped" between two rules and exits 0; an exception prints "Error running
    job: MSG", the summary " - 0 completed jobs" / " - 1 failure", then the traceback, and exits 1 (with -r:
    the message only, on to the next config, exit 0). The real run.py's output, seen with the real-trainer
    kit, is in src/test/resources/real-aitk-logs.
It does NOT protect itself against its parent dying: that is the launcher's job.

Knobs (environment variables; all optional):
  FAKE_AITK_STEP_SECONDS=0.01     time one step takes (>= 1 prints s/it, as real FLUX steps do)
  FAKE_AITK_SAVE_SECONDS=0        time writing one checkpoint takes (to test that a stop waits for it)
  FAKE_AITK_OOM_ABOVE_BATCH=N     a batch > N (train.batch_size, or a dataset's own batch_size) raises PyTorch's
                                    real CUDA OOM at step
  FAKE_AITK_OOM_AT_STEP=S           S (default: save_every + 1, so a checkpoint exists to resume from)
  FAKE_AITK_OOM_CARD_GIB=G        the OOM message names a full card of G GiB (23.55: a 24 GB card);
                                    default: a full 80 GB card (79.18 GiB)
  FAKE_AITK_OOM_UNLESS_QUANTIZED=1
                                  model.quantize false raises the OOM too (at the same step)
  FAKE_AITK_OOM_SKIPS=K           print ai-toolkit's non-fatal "# OOM during training step, skipping
                                    batch k/3 #" K times (K <= 3) at the first step
  FAKE_AITK_FAIL_DOWNLOAD=hf_transfer|xet|network
                                  hf_transfer: fail with the hf_transfer error unless
                                    HF_HUB_ENABLE_HF_TRANSFER=0; xet: fail with a Xet error unless
                                    HF_HUB_DISABLE_XET=1; network: fail with a connection error once per
                                    FAKE_AITK_STATE_DIR (the retry succeeds)
  FAKE_AITK_GATED=1               fail with huggingface_hub's 401 GatedRepoError
  FAKE_AITK_HUB_FILE=PATH         download PATH of model.name_or_path with the installed huggingface_hub
                                    (hf_hub_download: its progress bar, timeouts and HF_* switches), as
                                    the real run.py's from_pretrained does when the model is not cached
  FAKE_AITK_HANG_AT_STEP=S        at step S print nothing and sleep forever (a stall)
  FAKE_AITK_IGNORE_SIGINT=1       ignore SIGINT (the launcher must escalate to SIGTERM)
  FAKE_AITK_WORKER=1              fork a worker (like a DataLoader worker) that ignores SIGINT; SIGTERM ends it
  FAKE_AITK_PID_FILE=PATH         write "main PID" and "worker PID" lines there once started ($VARS in
                                    PATH are expanded: pids-$CUDA_VISIBLE_DEVICES gives one file per GPU)
  FAKE_AITK_SPAM_MB=N             print N MB of ordinary log lines before training
  FAKE_AITK_BAR_SPAM_MB=N         print N MB of tqdm '\r' redraws before training
  FAKE_AITK_LONG_LINE_MB=N        print one N MB line without a newline before training
  FAKE_AITK_NAN_AT_STEP=S         the loss is nan from step S on (ai-toolkit keeps going; the launcher stops)
  FAKE_AITK_STATE_DIR=DIR         where one-shot knobs remember they already fired
  FAKE_AITK_EXIT_AFTER_STEP=S     exit 1 with a generic RuntimeError after step S (an unknown crash)
"""
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
import traceback

BLOCKS = " ▏▎▍▌▋▊▉█"


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value else default


def env_int(name, default=None):
    value = os.environ.get(name)
    return int(value) if value else default


def clock(seconds):
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def bar(fraction, width=10):
    full = fraction * width
    whole = int(full)
    text = "█" * whole
    if whole < width:
        text += BLOCKS[int((full - whole) * 8)]
        text += " " * (width - whole - 1)
    return text


def progress_line(name, n, total, elapsed, rate, lr, loss):
    pct = round(100 * n / total) if total else 0
    if rate is None:
        speed, eta = "?it/s", "?"
    else:
        speed = f"{rate:.2f}it/s" if rate >= 1 else f"{1 / rate:.2f}s/it"
        eta = clock((total - n) / rate)
    postfix = "" if loss is None else f", lr: {lr:.1e} loss: {loss:.3e}"
    return f"{name}: {pct:3d}%|{bar(n / total if total else 0)}| {n}/{total} [{clock(elapsed)}<{eta}, {speed}{postfix}]"


# --- A small reader of the YAML that configs are written in (standard library only) --------------------------
# Block mappings and sequences ("- key: value" too), flow [..] and {..} (JSON included), plain, '' and "" scalars,
# | and > block scalars, comments. Plain scalars resolve as ai-toolkit's loader does (PyYAML's SafeLoader, YAML
# 1.1, plus floats written without a dot such as 1e-4). Anchors, aliases, tags and multi-line plain scalars are
# refused with the line, so a config this reader cannot read fails loudly instead of being read wrongly.

class YamlSubsetError(ValueError):
    pass


YAML_NULLS = ("", "~", "null", "Null", "NULL")
YAML_TRUE = ("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
YAML_FALSE = ("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
YAML_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
YAML_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+"
                        r"|\.[0-9_]+([eE][-+]?[0-9]+)?)$")
YAML_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
                "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0"}


def plain_value(text, line):
    if text in YAML_NULLS:
        return None
    if text in YAML_TRUE:
        return True
    if text in YAML_FALSE:
        return False
    if text[0] in "&*!|>%@`":
        raise YamlSubsetError(f"line {line}: '{text}' needs more YAML than the run.py double reads")
    if YAML_INT.match(text):
        return int(text.replace("_", ""))
    if re.match(r"[-+]?0x[0-9a-fA-F_]+$", text):
        return int(text.replace("_", ""), 16)
    if YAML_FLOAT.match(text):
        return float(text.replace("_", ""))
    if re.match(r"[-+]?\.(inf|Inf|INF)$", text):
        return float("-inf") if text[0] == "-" else float("inf")
    if text in (".nan", ".NaN", ".NAN"):
        return float("nan")
    return text


def quoted_end(text, start):
    """The index just past the quoted scalar that starts at text[start]."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1:i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def quoted_value(text, line):
    if text[0] == "'":
        return text[1:-1].replace("''", "'")
    out, i, body = [], 0, text[1:-1]
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(e)
        if width:
            out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            i += 2 + width
        elif e in YAML_ESCAPES:
            out.append(YAML_ESCAPES[e])
            i += 2
        else:
            raise YamlSubsetError(f"line {line}: unknown escape \\{e}")
    return "".join(out)


def strip_comment(text):
    i = 0
    while i < len(text):
        c = text[i]
        if c in "'\"" and (i == 0 or text[i - 1] in " \t[{,:-"):
            end = quoted_end(text, i)
            i = len(text) if end < 0 else end
            continue
        if c == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    return text.rstrip()


def key_split(text):
    """(key text, value text) when text is 'key: value' or 'key:', else None."""
    i = 0
    if text[:1] in "'\"":
        i = quoted_end(text, 0)
        if i < 0:
            return None
    elif text[:1] in "[{":
        return None
    while i < len(text):
        if text[i] == ":" and (i + 1 == len(text) or text[i + 1] in " \t"):
            return text[:i].rstrip(), text[i + 1:].strip()
        i += 1
    return None


class FlowReader:
    """[..] and {..} on one logical line (JSON is a case of it)."""

    def __init__(self, text, line):
        self.text, self.pos, self.line = text, 0, line

    def fail(self, what):
        raise YamlSubsetError(f"line {self.line}: {what} in '{self.text}'")

    def skip(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n":
            self.pos += 1

    def value(self, in_key=False):
        self.skip()
        c = self.text[self.pos:self.pos + 1]
        if c == "[":
            return self.items("]", self.sequence_item)
        if c == "{":
            return dict(self.items("}", self.pair))
        if c in ("'", '"'):
            end = quoted_end(self.text, self.pos)
            if end < 0:
                self.fail("an unterminated quote")
            start, self.pos = self.pos, end
            return quoted_value(self.text[start:end], self.line)
        start = self.pos
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in ",]}" or (c == ":" and (in_key or self.text[self.pos + 1:self.pos + 2] in (" ", ",", "]", "}"))):
                break
            self.pos += 1
        return plain_value(self.text[start:self.pos].strip(), self.line)

    def items(self, close, item):
        self.pos += 1
        out = []
        self.skip()
        while self.text[self.pos:self.pos + 1] != close:
            out.append(item())
            self.skip()
            c = self.text[self.pos:self.pos + 1]
            if c == ",":
                self.pos += 1
                self.skip()
            elif c != close:
                self.fail(f"expected ',' or '{close}'")
        self.pos += 1
        return out

    def sequence_item(self):
        return self.value()

    def pair(self):
        key = self.value(in_key=True)
        self.skip()
        if self.text[self.pos:self.pos + 1] != ":":
            return key, None
        self.pos += 1
        return key, self.value()

    def whole(self):
        result = self.value()
        self.skip()
        if self.pos != len(self.text):
            self.fail("text after the closing bracket")
        return result


class BlockReader:
    def __init__(self, text):
        self.raw = text.replace("\r\n", "\n").split("\n")
        self.lines = []  # [line number, indent, content]
        for number, raw in enumerate(self.raw, 1):
            if "\t" in raw[:len(raw) - len(raw.lstrip())]:
                raise YamlSubsetError(f"line {number}: a tab in the indentation")
            content = strip_comment(raw.strip())
            if content in ("---", "...") or content.startswith("%"):
                continue
            if content:
                self.lines.append([number, len(raw) - len(raw.lstrip(" ")), content])
        self.at = 0

    def current(self):
        return self.lines[self.at] if self.at < len(self.lines) else None

    def document(self):
        if not self.lines:
            return None
        result = self.block(self.lines[0][1])
        if self.current():
            raise YamlSubsetError(f"line {self.current()[0]}: unexpected indentation")
        return result

    def block(self, indent):
        content = self.current()[2]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent)
        if key_split(content) is None:
            return self.scalar(content, self.current()[0], indent, lone=True)
        return self.mapping(indent)

    def nested(self, indent, number, allow_sequence_at_same_indent):
        nxt = self.current()
        if nxt and nxt[1] > indent:
            return self.block(nxt[1])
        if nxt and allow_sequence_at_same_indent and nxt[1] == indent and (nxt[2] == "-" or nxt[2].startswith("- ")):
            return self.sequence(indent)
        return None

    def mapping(self, indent):
        out = {}
        while self.current() and self.current()[1] == indent:
            number, _, content = self.current()
            if content == "-" or content.startswith("- "):
                break
            split = key_split(content)
            if split is None:
                raise YamlSubsetError(f"line {number}: expected 'key: value', found '{content}'")
            key_text, value_text = split
            key = quoted_value(key_text, number) if key_text[:1] in "'\"" else plain_value(key_text, number)
            self.at += 1
            if value_text == "":
                out[key] = self.nested(indent, number, True)
            else:
                out[key] = self.scalar(value_text, number, indent)
        return out

    def sequence(self, indent):
        out = []
        while self.current() and self.current()[1] == indent:
            number, _, content = self.current()
            if not (content == "-" or content.startswith("- ")):
                break
            rest = content[1:].lstrip(" ")
            if rest == "":
                self.at += 1
                out.append(self.nested(indent, number, False))
            elif rest == "-" or rest.startswith("- ") or key_split(rest) is not None:
                # "- key: value": the item is a block at the column the key starts in.
                self.lines[self.at] = [number, indent + len(content) - len(rest), rest]
                out.append(self.block(self.lines[self.at][1]))
            else:
                self.at += 1
                out.append(self.scalar(rest, number, indent))
        return out

    def scalar(self, text, number, indent, lone=False):
        if lone:
            self.at += 1
        if text[0] in "|>":
            return self.block_scalar(text, number, indent)
        if text[0] in "[{":
            while unbalanced(text) and self.current():
                text += " " + self.current()[2]
                self.at += 1
            return FlowReader(text, number).whole()
        nxt = self.current()
        if nxt and nxt[1] > indent:
            raise YamlSubsetError(f"line {nxt[0]}: a plain scalar over several lines (the run.py double reads "
                                  "one-line scalars only)")
        if text[0] in "'\"":
            if quoted_end(text, 0) != len(text):
                raise YamlSubsetError(f"line {number}: a quoted scalar must end on its line: {text}")
            return quoted_value(text, number)
        return plain_value(text, number)

    def block_scalar(self, header, number, indent):
        if not re.match(r"[|>]-?$", header):
            raise YamlSubsetError(f"line {number}: block scalar header '{header}' is not read by the run.py double")
        body = []
        raw_at = number  # index in self.raw of the line after the header
        while raw_at < len(self.raw):
            raw = self.raw[raw_at]
            if raw.strip() and len(raw) - len(raw.lstrip(" ")) <= indent:
                break
            body.append(raw)
            raw_at += 1
        while self.current() and self.current()[0] <= raw_at:
            self.at += 1
        content = [b for b in body if b.strip()]
        if not content:
            return ""
        cut = min(len(b) - len(b.lstrip(" ")) for b in content)
        while body and not body[-1].strip():
            body.pop()
        lines = [b[cut:] for b in body]
        text = "\n".join(lines)
        if header[0] == ">":  # folded: one line break is a space, n empty lines are n breaks
            text = re.sub(r"\n(\n*)", lambda m: m.group(1) or " ", text)
        return text if header.endswith("-") else text + "\n"


def unbalanced(text):
    depth, i = 0, 0
    while i < len(text):
        c = text[i]
        if c in "'\"":
            end = quoted_end(text, i)
            if end < 0:
                return True
            i = end
            continue
        depth += c in "[{"
        depth -= c in "]}"
        i += 1
    return depth > 0



def read_yaml(text):
    return BlockReader(text).document()



def load_config(arg):
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, "config", arg), os.path.join(here, "config", arg + ".yaml"), arg]
    path = next((c for c in candidates if os.path.isfile(c)), None)
    if path is None:
        raise FileNotFoundError(f"Could not find config file {arg}")
    with open(path, encoding="utf-8") as f:
        text = f.read()

    def substitute(match):
        value = os.environ.get(match.group(1))
        if value is None:
            raise ValueError(f"Environment variable {match.group(1)} not set")
        return value

    text = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", substitute, text)
    if path.endswith(".json") or path.endswith(".jsonc"):
        return json.loads(text)
    return read_yaml(text)


def one_shot(knob):
    state_dir = os.environ.get("FAKE_AITK_STATE_DIR")
    if not state_dir:
        return True
    marker = os.path.join(state_dir, f"fired-{knob}")
    if os.path.exists(marker):
        return False
    os.makedirs(state_dir, exist_ok=True)
    open(marker, "w").close()
    return True


def checkpoints(folder, name):
    pattern = re.compile(re.escape(name) + r"_(\d{9})\.safetensors$")
    found = []
    if os.path.isdir(folder):
        for f in os.listdir(folder):
            m = pattern.match(f)
            if m:
                found.append((int(m.group(1)), os.path.join(folder, f)))
    return sorted(found)


def write_checkpoint(path, step, name, save_seconds):
    """A real .safetensors file (header length, JSON header, tensor bytes) with ai-toolkit's metadata: every value
    a string, training_info a JSON string. The tensor bytes come last, after save_seconds (a save in progress)."""
    header = json.dumps({
        "__metadata__": {"format": "pt", "ss_output_name": name, "ss_base_model_version": "flux.1",
                         "training_info": json.dumps({"step": step, "epoch": 1})},
        "transformer.single_transformer_blocks.0.proj_out.lora_A.weight":
            {"dtype": "F32", "shape": [1, 4], "data_offsets": [0, 16]}}).encode("utf-8")
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        f.flush()
        time.sleep(save_seconds)
        f.write(bytes(16))


def read_step(path):
    """The step in a checkpoint's metadata; a file cut short fails with safetensors' own words."""
    with open(path, "rb") as f:
        data = f.read()
    size = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    if size < 0 or 8 + size > len(data):
        raise SafetensorError("Error while deserializing header: incomplete metadata, file not fully covered")
    header = json.loads(data[8:8 + size])
    ends = [t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"]
    if 8 + size + max(ends, default=0) != len(data):
        raise SafetensorError("Error while deserializing header: incomplete metadata, file not fully covered")
    return json.loads(header["__metadata__"]["training_info"])["step"]


class SafetensorError(Exception):
    pass


def save_optimizer(out):
    path = os.path.join(out, "optimizer.pt")
    with open(path, "wb") as f:
        f.write(b"optimizer state")
    print(f"Saved optimizer to {path}", flush=True)


def end_message(completed, failed):
    """The real run.py's summary: printed only when a job failed and -r is not given (never on success)."""
    print("")
    print("========================================")
    print("Result:")
    print(f" - {completed} completed job{'' if completed == 1 else 's'}")
    if failed:
        print(f" - {failed} failure{'' if failed == 1 else 's'}")
    print("========================================")


def worker_loop():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        time.sleep(1)


def start_worker(pid_file):
    """Like a DataLoader worker of the real run.py: forked from it (so it inherits run.py's signal handlers),
    ignoring SIGINT, ended with SIGTERM when training ends. Where there is no fork (Windows), a child process."""
    if hasattr(os, "fork"):
        worker = multiprocessing.get_context("fork").Process(target=worker_loop, name="pt_data_worker", daemon=True)
        worker.start()
    else:
        worker = subprocess.Popen([sys.executable, "-c",
                                   "import signal, time\n"
                                   "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                   "while True:\n    time.sleep(1)\n"])
    if pid_file:
        tmp = pid_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"main {os.getpid()}\nworker {worker.pid}\n")
        os.replace(tmp, pid_file)
    return worker


def fail_downloads(model_name):
    mode = os.environ.get("FAKE_AITK_FAIL_DOWNLOAD", "")
    if os.environ.get("FAKE_AITK_GATED") == "1":
        endpoint = os.environ.get("HF_ENDPOINT", "https://hub.invalid")
        sys.stderr.write("Traceback (most recent call last):\n"
                         "  File \"huggingface_hub/utils/_http.py\", line 409, in hf_raise_for_status\n"
                         "    response.raise_for_status()\n")
        raise RuntimeError(
            f"401 Client Error. (Request ID: Root=1-fake)\n\nCannot access gated repo for url "
            f"{endpoint}/{model_name}/resolve/main/model_index.json.\nAccess to model {model_name} is restricted. "
            "You must have access to it and be authenticated to access it. Please log in.")
    if mode == "hf_transfer" and os.environ.get("HF_HUB_ENABLE_HF_TRANSFER", "1") != "0":
        sys.stderr.write("\rdiffusion_pytorch_model-00001-of-00003.safetensors:  12%|█▏        | 1.20G/9.98G "
                         "[00:03<00:24, 356MB/s]")
        raise RuntimeError("An error occurred while downloading using `hf_transfer`. Consider disabling "
                           "HF_HUB_ENABLE_HF_TRANSFER for better error handling.")
    if mode == "xet" and os.environ.get("HF_HUB_DISABLE_XET") != "1":
        raise RuntimeError("Data processing error: CAS service error : Reqwest Error: HTTP status client error "
                           "(416 Range Not Satisfiable) (hf_xet)")
    if mode == "network" and one_shot("network"):
        raise ConnectionError("HTTPSConnectionPool(host='hub.invalid', port=443): Max retries exceeded with url: "
                              "/api/models (Caused by NewConnectionError('Failed to establish a new connection: "
                              "[Errno 111] Connection refused'))")


def download_from_hub(model_name):
    path = os.environ.get("FAKE_AITK_HUB_FILE")
    if path:
        # Only this knob needs more than the standard library.
        from huggingface_hub import hf_hub_download
        hf_hub_download(model_name, path)


def oom_message():
    """PyTorch's CUDA OOM message for the card FAKE_AITK_OOM_CARD_GIB names (default: a full 80 GB card)."""
    card = os.environ.get("FAKE_AITK_OOM_CARD_GIB")
    if card is None:
        return ("CUDA out of memory. Tried to allocate 40.00 GiB. GPU 0 has a total capacity of 79.18 GiB of which "
                "8.66 GiB is free. Including non-PyTorch memory, this process has 70.51 GiB memory in use. Of the "
                "allocated memory 70.00 GiB is allocated by PyTorch, and 0 bytes is reserved by PyTorch but "
                "unallocated.")
    total = float(card)
    in_use = total - 0.33
    return (f"CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of {total:.2f} GiB of which "
            f"312.00 MiB is free. Including non-PyTorch memory, this process has {in_use:.2f} GiB memory in use. Of "
            f"the allocated memory {in_use - 0.42:.2f} GiB is allocated by PyTorch, and 180.00 MiB is reserved by "
            "PyTorch but unallocated.")


def oom_traceback():
    return ("Traceback (most recent call last):\n"
            "  File \"jobs/process/BaseSDTrainProcess.py\", line 2161, in run\n"
            "    loss_dict = self.hook_train_loop(batch_list)\n"
            "torch.OutOfMemoryError: " + oom_message() + " If reserved but unallocated memory is large try setting "
            "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory "
            "Management  (https://docs.pytorch.org/docs/stable/notes/cuda.html#optimizing-memory-usage-with-pytorch-"
            "cuda-alloc-conf)\n")


LAST_BAR = []


def draw(line):
    """One redraw of the training bar on stderr; the newest is drawn once more when Python exits (tqdm's close)."""
    LAST_BAR[:] = [line]
    sys.stderr.write("\r" + line)
    sys.stderr.flush()


def preamble():
    """What the real run.py writes on stderr before training: a torchao warning, transformers' weight-loading bars
    and the latent caching bar, none with the job's name."""
    sys.stderr.write("WARNING:torchao.kernel.intmm:Warning: Detected no triton, on systems without Triton certain "
                     "kernels will not work\n")
    for total in (11, 20):
        sys.stderr.write(f"\rLoading weights:   0%|          | 0/{total} [00:00<?, ?it/s]"
                         f"\rLoading weights: 100%|██████████| {total}/{total} [00:00<00:00, 8852.14it/s]\n")
    sys.stderr.write("\r  0%|          | 0/4 [00:00<?, ?it/s]\r100%|██████████| 4/4 [00:00<00:00, 438.93it/s]\n")
    sys.stderr.flush()


class CudaOutOfMemory(RuntimeError):
    pass


def spam():
    mb = env_int("FAKE_AITK_SPAM_MB", 0)
    line = "Caching latents to disk: bucket 1024x1024, file img_0001.png done\n"
    for _ in range(mb * 1024 * 1024 // len(line)):
        sys.stdout.write(line)
    mb = env_int("FAKE_AITK_BAR_SPAM_MB", 0)
    redraw = "\rCaching latents to disk:  50%|█████     | 4/8 [00:01<00:01,  3.86it/s]"
    for _ in range(mb * 1024 * 1024 // len(redraw)):
        sys.stderr.write(redraw)
    mb = env_int("FAKE_AITK_LONG_LINE_MB", 0)
    chunk = "x" * 65536
    for _ in range(mb * 16):
        sys.stdout.write(chunk)
    if mb:
        sys.stdout.write("\n")
    sys.stdout.flush()
    sys.stderr.flush()


def train(config):
    cfg = config["config"]
    name = cfg["name"]
    process = cfg["process"][0]
    training_folder = process.get("training_folder", "output")
    save = process.get("save", {}) or {}
    train_cfg = process.get("train", {}) or {}
    model = process.get("model", {}) or {}
    save_every = int(save.get("save_every", 250))
    keep = int(save.get("max_step_saves_to_keep", 4))
    steps = int(train_cfg.get("steps", 2000))
    # data_loader.py: a dataset's own batch_size replaces train.batch_size for its batches; the largest counts.
    batch = int(train_cfg.get("batch_size", 1))
    dataset_batches = [int(d["batch_size"]) for d in (process.get("datasets") or [])
                       if isinstance(d, dict) and d.get("batch_size") is not None]
    if dataset_batches:
        batch = max(dataset_batches)
    lr = float(train_cfg.get("lr", 1e-6))
    out = os.path.join(training_folder, name)
    os.makedirs(out, exist_ok=True)

    # The real run.py's opening: the process config as JSON, the job banner, then the model loading.
    print(json.dumps(process, indent=4))
    print("")
    print("#############################################")
    print(f"# Running job: {name}")
    print("#############################################")
    print("")
    print("")
    print("Running  1 process")
    print("Loading Flux model")
    fail_downloads(model.get("name_or_path", "black-forest-labs/FLUX.1-dev"))
    download_from_hub(model.get("name_or_path", "black-forest-labs/FLUX.1-dev"))
    preamble()
    spam()
    pid_file = os.path.expandvars(os.environ["FAKE_AITK_PID_FILE"]) if os.environ.get("FAKE_AITK_PID_FILE") else None
    worker = start_worker(pid_file) if os.environ.get("FAKE_AITK_WORKER") == "1" else None

    start = 0
    existing = checkpoints(out, name)
    if existing:
        path = existing[-1][1]
        print(f"#### IMPORTANT RESUMING FROM {path} ####")
        print(f"Loading from {path}")
        start = read_step(path)
        print(f"Found step {start} in metadata, starting from there")

    step_seconds = env_float("FAKE_AITK_STEP_SECONDS", 0.01)
    save_seconds = env_float("FAKE_AITK_SAVE_SECONDS", 0.0)
    oom_above = env_int("FAKE_AITK_OOM_ABOVE_BATCH")
    oom_at = env_int("FAKE_AITK_OOM_AT_STEP", save_every + 1)
    oom_skips = env_int("FAKE_AITK_OOM_SKIPS", 0)
    oom_unquantized = os.environ.get("FAKE_AITK_OOM_UNLESS_QUANTIZED") == "1"
    quantized = bool(model.get("quantize", False))
    hang_at = env_int("FAKE_AITK_HANG_AT_STEP")
    nan_at = env_int("FAKE_AITK_NAN_AT_STEP")
    crash_after = env_int("FAKE_AITK_EXIT_AFTER_STEP")

    began = time.monotonic()
    shown_rate = None
    draw(progress_line(name, start, steps, 0, None, lr, None))
    for step in range(start + 1, steps + 1):
        if hang_at is not None and step == hang_at:
            while True:
                time.sleep(3600)
        too_big = (oom_above is not None and batch > oom_above) or (oom_unquantized and not quantized)
        if too_big and step >= oom_at:
            sys.stderr.write("\n")
            raise CudaOutOfMemory(oom_message())
        if step == start + 1:
            for k in range(1, min(oom_skips, 3) + 1):
                sys.stderr.write(f"\n# OOM during training step, skipping batch {k}/3 #\n")
        time.sleep(step_seconds)
        elapsed = time.monotonic() - began
        rate = (step - start) / elapsed if elapsed > 0 else None
        loss = float("nan") if nan_at is not None and step >= nan_at else 0.5 / step
        # As the real bar: the step's loss first shows at the old count (set_postfix), then the count advances.
        sys.stderr.write("\r" + progress_line(name, step - 1, steps, elapsed, shown_rate, lr, loss))
        draw(progress_line(name, step, steps, elapsed, rate, lr, loss))
        shown_rate = rate
        if crash_after is not None and step >= crash_after:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices")
        if step % save_every == 0 and step < steps:
            sys.stderr.write("\n")
            print(f"\nSaving at step {step}", flush=True)
            path = os.path.join(out, f"{name}_{step:09d}.safetensors")
            write_checkpoint(path, step, name, save_seconds)
            print(f"Saved checkpoint to {path}", flush=True)
            save_optimizer(out)
            for _, old in checkpoints(out, name)[:-keep]:
                os.remove(old)
    sys.stderr.write("\n")
    final = os.path.join(out, f"{name}.safetensors")
    write_checkpoint(final, steps, name, 0)
    print(f"Saved checkpoint to {final}")
    save_optimizer(out)
    print("")
    if worker is not None:
        worker.terminate()
    return name


def main():
    args = sys.argv[1:]
    recover = False
    configs = []
    i = 0
    while i < len(args):
        if args[i] in ("-r", "--recover"):
            recover = True
        elif args[i] in ("-n", "--name", "-l", "--log"):
            i += 1
        else:
            configs.append(args[i])
        i += 1
    if not configs:
        print("usage: run.py CONFIG [CONFIG...] [-r] [-n NAME] [-l LOG]", file=sys.stderr)
        sys.exit(2)
    if os.environ.get("FAKE_AITK_IGNORE_SIGINT") == "1":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    print(f"Running {len(configs)} job{'s' if len(configs) > 1 else ''}")
    completed = 0
    failed = 0
    try:
        for arg in configs:
            try:
                train(load_config(arg))
                completed += 1
            except KeyboardInterrupt:
                raise
            except Exception as e:
                # As the real run.py: the message, the summary, then the exception raised again (Python prints
                # its traceback on stderr and exits 1); with -r, only the message, and on to the next config.
                print(f"Error running job: {e}", flush=True)
                failed += 1
                if not recover:
                    end_message(completed, failed)
                    sys.stdout.flush()
                    if isinstance(e, CudaOutOfMemory):
                        sys.stderr.write(oom_traceback())
                    else:
                        traceback.print_exc()
                    sys.exit(1)
    except KeyboardInterrupt:
        print("")
        print("========================================")
        print("Job stopped")
        print("========================================", flush=True)
        if LAST_BAR:
            sys.stderr.write("\r" + LAST_BAR[0])
        sys.exit(0)


if __name__ == "__main__":
    main()
