"""Keep PyTorch out of processes that only run spaCy's CNN models.

thinc (spaCy's machine-learning layer) imports `torch` whenever it is installed, to offer its
PyTorch wrappers; wiretrail's spaCy models (`en_core_web_sm`) never use them. With the
`embeddings` extra installed that import alone costs ~180 MB of memory and ~1.2 s of start-up in
every process: the CLI, the server, and each ingest and Dask worker. So thinc is imported once
with `torch` hidden from it; torch itself stays importable afterwards for the code that does use
it (sentence embeddings in the audit load it on first use).

Set `WIRETRAIL_SPACY_TORCH=1` to let thinc see torch, which a transformer spaCy model
(`*_trf`, through the `spacy_model` setting) needs.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

TORCH_ENV = "WIRETRAIL_SPACY_TORCH"


class _HideTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError(f"torch is hidden from thinc by wiretrail ({TORCH_ENV}=1 shows it)")
        return None


def _torch_asked() -> bool:
    return os.environ.get(TORCH_ENV, "") not in ("", "0")


def thinc_sees_torch() -> bool:
    """Whether thinc (already imported or not) has, or will have, its PyTorch support."""
    if "thinc.compat" in sys.modules:
        return bool(getattr(sys.modules["thinc.compat"], "has_torch", False))
    return _torch_asked()


def import_thinc_without_torch() -> None:
    """Import thinc with torch hidden, unless thinc or torch is already imported or the user
    asked for torch; a no-op when thinc is not installed."""
    if "thinc.compat" in sys.modules or "torch" in sys.modules or _torch_asked():
        return
    hider = _HideTorch()
    sys.meta_path.insert(0, hider)
    try:
        import thinc.compat  # noqa: F401
    except ImportError:  # thinc missing: spaCy will say so where it is needed
        pass
    finally:
        sys.meta_path.remove(hider)
