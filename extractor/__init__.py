"""kehoach: structured, evidence-linked records from Vietnamese NTM plans.

The pipeline, one module per stage::

    read -> normalise -> split -> meta/sections -> segment -> recognise -> assemble
         -> store -> check -> report

Python API (the CLI is a thin layer over these)::

    from extractor import extract_path
    docs = extract_path("plan.pdf")      # list[Document]
"""

__version__ = "0.1.0"


def extract_path(path, **kwargs):
    from .pipeline import extract_path as _extract_path

    return _extract_path(path, **kwargs)
