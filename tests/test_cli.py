"""The command line as a clerk meets it: defaults in every --help, ranges printed the
Vietnamese way, a busy port explained, the demo kept out of the everyday database."""

from __future__ import annotations

import inspect
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.models import OptionInfo
from typer.testing import CliRunner

from extractor.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]
WIDE = {"COLUMNS": "220", "TERMINAL_WIDTH": "220", "NO_COLOR": "1"}


def _commands():
    import importlib

    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"extractor.commands.{name}")
        except ModuleNotFoundError:
            continue
        yield name, getattr(mod, name)


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name,func", list(_commands()))
def test_every_help_shows_its_defaults(name, func):
    text = _help(name)
    expected = 0
    for param in inspect.signature(func).parameters.values():
        info = param.default
        if not isinstance(info, OptionInfo):
            continue
        shows = info.show_default if isinstance(info.show_default, str) else (
            info.show_default and info.default is not None and not isinstance(info.default, bool)
            and info.default is not ...)
        if shows:
            expected += 1
    assert text.count("[default:") >= expected, (name, expected, text)
    # help texts written with "[default: …]" keep it (Rich would take it for markup and drop it)
    assert not re.search(r"\S \.\s*$", text, re.M)  # no "Database file ." left behind
    if "--db" in text and name != "demo":
        assert re.search(r"\[default: \(?\$KEHOACH_DB or output/kehoach\.db\)?\]", text), text


def test_top_level_help_names_every_export_format():
    text = _help()
    for word in ("CSV", "JSON Lines", "Parquet", "XLSX", "demo"):
        assert word in text, word
    export = _help("export")
    assert "[default: csv]" in export and "xlsx" in export and "--excel" in export


HELP_IMPORTS = """
import sys
from extractor.cli import app
try:
    app(["--help"], prog_name="kehoach")
except SystemExit:
    pass
print(*(m in sys.modules for m in ("typer.rich_utils", "rich.markdown", "rich.traceback")))
import typer.rich_utils as ru
try:
    1 / 0
except ZeroDivisionError as exc:
    tb = ru.get_traceback(exc, ru.DeveloperExceptionConfig(), [])
md = ru._make_rich_text(text="**x**", style="", markup_mode="markdown")
import rich.markdown, rich.traceback
print(type(tb) is rich.traceback.Traceback, type(md) is rich.markdown.Markdown, isinstance(md, ru.Markdown))
"""


def test_help_renders_without_markdown_and_traceback_modules():
    """``kehoach --help`` leaves rich.markdown and rich.traceback unimported (start-up time);
    Typer's stand-ins for them still give the real classes when used."""
    proc = subprocess.run([sys.executable, "-c", HELP_IMPORTS], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **WIDE})
    assert proc.returncode == 0, proc.stderr
    assert "Usage: kehoach" in proc.stdout
    assert proc.stdout.splitlines()[-2:] == ["True False False", "True True True"], proc.stdout[-300:]


SAMPLE = """ỦY BAN NHÂN DÂN HUYỆN MẪU SƠN
Số: 77/KH-UBND

KẾ HOẠCH
Xây dựng nông thôn mới năm 2024 trên địa bàn huyện Mẫu Sơn

I. MỤC TIÊU
- Năm 2024 có thêm từ 02 đến 03 xã đạt chuẩn nông thôn mới nâng cao.
- Tỷ lệ hộ nghèo đa chiều giảm từ 1 đến 1,5% so với năm 2023.
- Tỷ lệ người dân tham gia bảo hiểm y tế đạt 95,5%.
"""


def test_show_prints_ranges_with_a_dash_and_decimal_comma(tmp_path):
    plan = tmp_path / "kh77.txt"
    plan.write_text(SAMPLE, encoding="utf-8")
    db = tmp_path / "k.db"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(plan), "--db", str(db), "--workers", "0", "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["show", "77/KH-UBND", "--db", str(db)], env=WIDE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2–3 xã" in out
    assert "1–1,5%" in out
    assert "95,5%" in out
    assert "range 2" not in out and "decrease 1 %" not in out


def test_show_marks_ocr_documents(tmp_path):
    plan = tmp_path / "kh77.txt"
    plan.write_text(SAMPLE, encoding="utf-8")
    db = tmp_path / "k.db"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(plan), "--db", str(db), "--workers", "0", "--quiet"]).exit_code == 0
    assert "OCR" not in runner.invoke(app, ["show", "77/KH-UBND", "--db", str(db)], env=WIDE).output
    from extractor.store import open_db

    database = open_db(db)
    database.execute("UPDATE documents SET ocr = 1")
    database.conn.commit()
    database.close()
    assert "OCR" in runner.invoke(app, ["show", "77/KH-UBND", "--db", str(db)], env=WIDE).output


def test_serve_on_a_busy_port_says_so(tmp_path):
    pytest.importorskip("datasette")
    from extractor.store import open_db

    db = tmp_path / "k.db"
    open_db(db).close()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--db", str(db), "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port}" in result.output and "already in use" in result.output and "--port" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_demo_keeps_its_own_database(tmp_path):
    """`kehoach demo` fills output/demo.db and writes its own report; the everyday database
    (output/kehoach.db) is never created or touched."""
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_DB"}
    proc = subprocess.run([sys.executable, "-m", "extractor", "demo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (tmp_path / "output" / "demo.db").is_file()
    assert (tmp_path / "output" / "demo-report.html").is_file()
    assert not (tmp_path / "output" / "kehoach.db").exists()
    assert not (tmp_path / "output" / "report.html").exists()
    assert "demo.db" in proc.stdout
    from extractor.store import open_db

    demo = open_db(tmp_path / "output" / "demo.db", must_exist=True)
    names = {r["name"] for r in demo.query("SELECT name FROM sources")}
    assert names == {p.name for p in (ROOT / "corpora" / "plans").iterdir() if p.is_file()}


def test_check_progress_appears_only_when_slow():
    import io
    import time

    from rich.console import Console

    from extractor.delayed_progress import delayed_progress

    def run(seconds: float) -> str:
        buf = io.StringIO()
        console = Console(file=buf, force_terminal=True, width=100)
        with delayed_progress("cross-checking plans", total=2, delay=0.2, console=console) as step:
            time.sleep(seconds)
            step("storing findings")
            time.sleep(seconds)
            step()
        return buf.getvalue()

    assert "cross-checking" not in run(0.0)
    slow = run(0.4)
    assert "cross-checking plans" in slow or "storing findings" in slow
