"""``python -m extractor`` = ``kehoach``."""

from .cli import app

app(prog_name="kehoach")
