"""Errors a clerk can read.  Every failure the pipeline reports for a file is one of these."""


class KehoachError(Exception):
    """Base class: the message is shown to the user as it is (Vietnamese or English, specific)."""


class ReadError(KehoachError):
    """A file could not be read: unsupported, damaged, encrypted, empty, too large, no text."""


class LimitExceeded(ReadError):
    """A file is over a size, page or time limit (settings)."""
