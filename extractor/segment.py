"""Segment stage: paragraphs -> sentences (underthesea) -> spaCy Docs.

The sentence splitter is underthesea's own ``sent_tokenize`` module, loaded by
itself (``_sent_tokenize``): importing the ``underthesea`` package runs its
``__init__``, which imports every pipeline (a quarter of a second) although the
splitter needs only ``json`` and its ``punkt_params.json``.  Same code, same
sentences (``tests/test_speed_ingest.py`` checks it against the package's).

Sentences keep their character offsets in the document text.  Word
segmentation (underthesea ``word_tokenize``) is run only for sentences that can
carry a record (those with a digit), once per sentence, and turned into a spaCy
``Doc`` whose tokens are underthesea's words; recognisers attach their spans to
``doc.spans["kh"]``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .sections import Paragraph

_FALLBACK_SENT_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZĐÀ-ỸÂĂÊÔƠƯ0-9])")
DOC_NUMBER_RE = re.compile(r"\b\d+(?:/\d{4})?[-/][A-ZĐ][\w&-]*(?:/[\w&-]+)*")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    para: int  # index of its paragraph
    _doc: object = field(default=None, repr=False)

    def doc(self):
        """The spaCy Doc of this sentence (built on first use)."""
        if self._doc is None:
            self._doc = to_doc(self.text)
        return self._doc


@functools.lru_cache(maxsize=1)
def _vocab():
    import spacy

    # words come from underthesea, so the language's own tokenizer is never used
    return spacy.blank("xx").vocab


def words(text: str) -> list[str]:
    """underthesea word segmentation; document numbers (47-KH/TU) kept whole."""
    from underthesea import word_tokenize

    fixed = DOC_NUMBER_RE.findall(text)
    try:
        return word_tokenize(text, use_token_normalize=False, fixed_words=fixed or None)
    except Exception:  # underthesea rejects some inputs; fall back to white space
        return text.split()


def to_doc(text: str):
    """A spaCy Doc over ``text`` with underthesea's words as tokens.

    Token texts are the source characters; spaces between words are kept in
    ``whitespace_`` so ``doc.text == text`` whenever the words align.
    """
    from spacy.tokens import Doc

    toks = words(text)
    out_words, spaces = [], []
    pos = 0
    for w in toks:
        i = text.find(w, pos)
        if i < 0:  # segmentation changed characters: give up alignment for this word
            continue
        if out_words and i > pos:
            spaces[-1] = True
        elif not out_words and i > 0:
            # leading text that was not a word: keep it as a token
            out_words.append(text[:i].strip() or text[:i])
            spaces.append(True)
        out_words.append(w)
        spaces.append(False)
        pos = i + len(w)
    doc = Doc(_vocab(), words=out_words or [text], spaces=spaces or [False])
    return doc


@functools.lru_cache(maxsize=1)
def _sent_tokenize():
    """underthesea's ``sent_tokenize`` function, from its module file alone (the package's
    ``__init__`` is not run); the package's own import when the file is not where expected."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("underthesea")
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        path = os.path.join(root, "pipeline", "sent_tokenize", "__init__.py")
        if os.path.isfile(path):
            mod_spec = importlib.util.spec_from_file_location("_kehoach_sent_tokenize", path)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
            return module.sent_tokenize
    from underthesea import sent_tokenize

    return sent_tokenize


def split_sentences(text: str, start: int) -> list[tuple[int, int]]:
    """Sentence ranges of one paragraph (``text`` begins at ``start``)."""
    try:
        parts = _sent_tokenize()(text)
    except Exception:
        parts = _FALLBACK_SENT_RE.split(text)
    out = []
    pos = 0
    for s in parts:
        s = s.strip()
        if not s:
            continue
        i = text.find(s, pos)
        if i < 0:  # tokenizer changed the text: fall back for the rest
            rest = text[pos:]
            for m in _split_fallback(rest):
                out.append((start + pos + m[0], start + pos + m[1]))
            return out
        out.append((start + i, start + i + len(s)))
        pos = i + len(s)
    return out


def _split_fallback(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _FALLBACK_SENT_RE.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text.rstrip())))
    return out


def sentences(text: str, paras: list[Paragraph]) -> list[Sentence]:
    """All sentences of a document text, in order, each tied to its paragraph."""
    out: list[Sentence] = []
    for pi, p in enumerate(paras):
        # the marker ("- ", "2.1. ") is part of the first sentence's quote
        for s, e in split_sentences(p.text, p.start):
            out.append(Sentence(s, e, text[s:e], pi))
    return out
