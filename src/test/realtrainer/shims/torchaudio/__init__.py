"""Stand-in for torchaudio in the real-trainer test venv.

There is no CPU torchaudio wheel in the local package store. ai-toolkit imports torchaudio at module level
(toolkit/config_modules.py) only to save audio samples, which FLUX LoRA training never does, so an empty
package lets it start. Any use raises, so a test that somehow reaches audio code fails loudly instead of
silently doing nothing.
"""


def __getattr__(name):
    raise ImportError(
        "torchaudio." + name + " is not available: the real-trainer test venv has only a stand-in torchaudio "
        "(src/test/realtrainer/shims); FLUX LoRA training does not use audio")
