"""Gives ai-toolkit's FLUX.2 classes the tiny shape of the test model (real-trainer tests only).

ai-toolkit builds the FLUX.2 transformer from a fixed dataclass (Klein4BParams in
extensions_built_in/diffusion_models/flux2/src/model.py) and the VAE from another (AutoEncoderParams in
src/autoencoder.py), never from a config next to the weights, so the published 4-billion-parameter shape is
the only one its loader can fill. With AITK_TEST_FLUX2_SHAPE naming the shape.json that build-tiny-flux2.py
wrote, this module makes those two dataclasses default to the tiny shape when ai-toolkit imports them. Nothing
else changes: the loader, the text encoder, the data pipeline and the training loop are ai-toolkit's own.

Python imports one sitecustomize, the first on sys.path; this folder goes before the kit's shim folder, so
this module runs the next sitecustomize on sys.path (the kit's) first.
"""
import importlib.abc
import importlib.util
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _run_next_sitecustomize():
    for entry in sys.path:
        folder = os.path.abspath(entry or os.getcwd())
        candidate = os.path.join(folder, "sitecustomize.py")
        if folder != _HERE and os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_next_sitecustomize", candidate)
            module = importlib.util.module_from_spec(spec)
            # Kept in sys.modules, as Python keeps the sitecustomize it imports: what it defines (the kit's
            # torchvision op schemas) lives only as long as the module.
            sys.modules["_next_sitecustomize"] = module
            spec.loader.exec_module(module)
            return


def _with_defaults(cls, shape):
    class Tiny(cls):
        def __init__(self, **kwargs):
            super().__init__(**{**shape, **kwargs})

    Tiny.__name__ = cls.__name__
    Tiny.__qualname__ = cls.__qualname__
    return Tiny


class _ShapeFinder(importlib.abc.MetaPathFinder):
    """After ai-toolkit's FLUX.2 model or autoencoder module runs, swaps its params dataclass for the tiny one."""

    def __init__(self, shapes):
        self.shapes = {
            "extensions_built_in.diffusion_models.flux2.src.model": ("Klein4BParams", shapes["Klein4BParams"]),
            "extensions_built_in.diffusion_models.flux2.src.autoencoder":
                ("AutoEncoderParams", shapes["AutoEncoderParams"]),
        }

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.shapes:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        name, shape = self.shapes[fullname]
        original = spec.loader.exec_module

        def exec_module(module):
            original(module)
            setattr(module, name, _with_defaults(getattr(module, name), shape))

        spec.loader.exec_module = exec_module
        return spec


_run_next_sitecustomize()
if os.environ.get("AITK_TEST_FLUX2_SHAPE"):
    with open(os.environ["AITK_TEST_FLUX2_SHAPE"], encoding="utf-8") as f:
        sys.meta_path.insert(0, _ShapeFinder(json.load(f)))
