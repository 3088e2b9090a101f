"""Lets the CUDA build of torchvision import beside the CPU build of torch (real-trainer test venv only).

The local package store has torchvision only as a CUDA build. Its compiled ops cannot load beside the CPU
torch, and `import torchvision` then fails in torchvision/_meta_registrations.py, whose
`register_fake("torchvision::nms")` (and `::qnms`) needs the op schema to exist. Defining just those two
schemas, without kernels, before torchvision is first imported is enough: LoRA training never calls them.
Python imports this module at start-up because its folder is on PYTHONPATH; ai-toolkit itself is not edited.
"""
import importlib.abc
import sys

_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor qdets, Tensor qscores, float iou_threshold) -> Tensor",
)
# The Library object must stay alive: its definitions are dropped when it is garbage collected.
_library = None


class _DefineTorchvisionOps(importlib.abc.MetaPathFinder):
    """Runs once, on the first `import torchvision`, then steps aside for the normal finders."""

    def find_spec(self, fullname, path=None, target=None):
        global _library
        if fullname != "torchvision" or _library is not None:
            return None
        sys.meta_path.remove(self)
        import torch
        _library = torch.library.Library("torchvision", "FRAGMENT")
        for schema in _SCHEMAS:
            try:
                _library.define(schema)
            except RuntimeError:
                pass  # already defined (another shim, or ops that did load): nothing to stand in for
        return None


sys.meta_path.insert(0, _DefineTorchvisionOps())
