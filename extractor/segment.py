"""Segment stage: paragraphs -> sentences (underthesea) -> spaCy Docs.

The sentence splitter is underthesea's ``sent_tokenize``, ported (``_sent_tokenize``):
same rules and abbreviation data (its module is loaded by itself for them:
importing the ``underthesea`` package runs its ``__init__``, which imports every
pipeline, a quarter of a second), but a regex jumps between candidate sentence
ends instead of a Python loop over every character.  Same sentences
(``tests/test_sent_split.py`` and ``tests/test_speed_ingest.py`` check it
against the package's).

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
def _underthesea_splitter():
    """underthesea's ``sent_tokenize`` module, from its module file alone (the package's
    ``__init__`` is not run); the package's own module when the file is not where expected."""
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
            return module
    from underthesea.pipeline import sent_tokenize

    return sent_tokenize


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset:
    """underthesea's abbreviations (its ``punkt_params.json`` and the module's additions)."""
    module = _underthesea_splitter()
    module._load_model()
    return frozenset(module.sentence_tokenizer.abbrev_types)


@functools.lru_cache(maxsize=1)
def _sentence_spans():
    """``_underthesea_spans`` with underthesea's abbreviations."""
    return functools.partial(_underthesea_spans, abbrevs=_abbreviations())


@functools.lru_cache(maxsize=1)
def _sent_tokenize():
    """underthesea's ``sent_tokenize``, ported: same sentences, with its own abbreviation
    list (``punkt_params.json`` and the module's additions), but the text between two
    candidate ends (``.``, ``?``, ``!``) is skipped by a regex search instead of a Python
    loop over every character (``tests/test_sent_split.py`` compares the two)."""
    return functools.partial(_underthesea_sentences, abbrevs=_abbreviations())


# a candidate end: ? or !, or a run of dots (a character set first: scans ~2x faster than \.+|[?!])
_SENT_END_RUN_RE = re.compile(r"[.?!]\.*")
_SENT_END_CHARS = ".?!"
_GAP_CHARS = " \t\n\r"  # skipped after an end, before the next sentence


def _underthesea_sentences(text: str, abbrevs: frozenset) -> list[str]:
    """The sentences underthesea's ``PunktSentenceTokenizer.sentences_from_text`` gives."""
    return [text[a:b] for a, b in _underthesea_spans(text, abbrevs)]


def _underthesea_spans(text: str, abbrevs: frozenset) -> list[tuple[int, int]]:
    """Where in ``text`` the sentences of ``_underthesea_sentences`` are (each stripped)."""
    if not text or not text.strip():
        return []
    out: list[tuple[int, int]] = []
    start = i = 0
    n = len(text)
    search = _SENT_END_RUN_RE.search
    while (m := search(text, i)) is not None:
        i = m.start()
        if text[i] == ".":
            dot_end = m.end()
            if dot_end - i >= 3:  # an ellipsis: an end only at the text's end or before a capital
                after = dot_end
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    _add_stripped(out, text, start, dot_end)
                    while dot_end < n and text[dot_end] in _GAP_CHARS:
                        dot_end += 1
                    start = dot_end
                i = dot_end
                continue
            if not _dot_ends_sentence(text, i, abbrevs):
                i += 1
                continue
        end = i + 1
        while end < n and text[end] in _SENT_END_CHARS:
            end += 1
        _add_stripped(out, text, start, end)
        while end < n and text[end] in _GAP_CHARS:
            end += 1
        start = i = end
    _add_stripped(out, text, start, n)
    return out


def _add_stripped(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Add ``text[start:end]`` without its surrounding white space, unless nothing is left."""
    piece = text[start:end]
    kept = piece.strip()
    if kept:
        start += len(piece) - len(piece.lstrip())
        spans.append((start, start + len(kept)))


def _dot_ends_sentence(text: str, pos: int, abbrevs: frozenset) -> bool:
    """underthesea's rule for a single ``.``: not inside a number (1.500), not after an
    abbreviation (the word before it, letters, digits and dots, in ``abbrevs``)."""
    if pos > 0 and text[pos - 1].isdigit() and pos + 1 < len(text) and text[pos + 1].isdigit():
        return False
    first = pos - 1
    while first >= 0 and (text[first].isalnum() or text[first] == "."):
        first -= 1
    word = text[first + 1:pos]
    return not (word and word.lower() in abbrevs)


def split_sentences(text: str, start: int) -> list[tuple[int, int]]:
    """Sentence ranges of one paragraph (``text`` begins at ``start``): underthesea's
    sentences, located as they are cut (the port never changes characters)."""
    return [(start + a, start + b) for a, b in _sentence_spans()(text)]


# underthesea ends a sentence at "..." before a capital, not at the one character "…" that
# news pages write ("… so với năm 2017)… Sau 7 năm nỗ lực …"): cut there too
_ELLIPSIS_END_RE = re.compile(r"…[ \t]+(?=\S)")


def sentences(text: str, paras: list[Paragraph]) -> list[Sentence]:
    """All sentences of a document text, in order, each tied to its paragraph."""
    out: list[Sentence] = []
    for pi, p in enumerate(paras):
        # the marker ("- ", "2.1. ") is part of the first sentence's quote
        for s, e in split_sentences(p.text, p.start):
            if text.find("…", s, e) >= 0:
                for m in _ELLIPSIS_END_RE.finditer(text, s, e):
                    if text[m.end()].isupper():
                        out.append(Sentence(s, m.start() + 1, text[s:m.start() + 1], pi))
                        s = m.end()
            out.append(Sentence(s, e, text[s:e], pi))
    return out
