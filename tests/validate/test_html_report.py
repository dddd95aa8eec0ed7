"""The HTML report renders in headless Chromium: one plot per column, no request but the
page itself, and a screenshot that is not blank."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from synth.checks.fidelity import validate
from synth.checks.fidelity.html import write_html
from synth.model import Profile
from tests.validate.conftest import SHOP

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        reason = "chromium is not installed (.ci/run installs it)"
        if os.environ.get("SYNTH_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{reason} (SYNTH_REQUIRE_SERVERS=1)")
        pytest.skip(reason)
    return found


def _run(browser: str, page: Path, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=work,
    )


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page asked for: requests with an initiator (the browser's own background
    requests, such as update checks, have 'not an origin')."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    out = []
    for event in data.get("events", []):
        params = event.get("params") or {}
        if "url" in params and params.get("initiator", "not an origin") != "not an origin":
            out.append(params["url"])
    return out


def _png_pixels(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct pixels of a sample of rows of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, kind = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if tag == b"IHDR":
            width, height, _, kind = struct.unpack(">IIBB", body[:10])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}[kind]
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    colours: set[bytes] = set()
    for row in range(0, height, max(1, height // 40)):
        line = raw[row * stride + 1 : (row + 1) * stride]  # unfiltered bytes are enough to differ
        colours |= {line[i : i + channels] for i in range(0, len(line), channels * 7)}
    return width, height, colours


def test_report_renders_one_plot_per_column_offline(
    bad_dir: Path, shop: Profile, tmp_path: Path
) -> None:
    browser = _chromium()
    page = write_html(validate(SHOP, bad_dir), tmp_path / "report.html")
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text and "@import" not in text and "url(" not in text

    dom = _run(browser, page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    columns = sum(len(t.columns) for t in shop.tables)
    assert dom.stdout.count('<figure class="plot') == columns
    assert dom.stdout.count('<figure class="plot fail"') == 2
    assert 'data-column="users.postal_code"' in dom.stdout

    shot, net = tmp_path / "report.png", tmp_path / "net.json"
    result = _run(browser, page, tmp_path, "--window-size=1200,3000",
                  f"--screenshot={shot}", f"--log-net-log={net}")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert _page_requests(net) == []
    width, height, colours = _png_pixels(shot)
    assert (width, height) == (1200, 3000)
    assert shot.stat().st_size > 20_000 and len(colours) > 20


def test_the_request_detector_sees_a_page_request(tmp_path: Path) -> None:
    """The net-log check above would notice a page that fetches something."""
    browser = _chromium()
    page = tmp_path / "fetching.html"
    page.write_text('<img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    net = tmp_path / "net.json"
    result = _run(browser, page, tmp_path, "--dump-dom", f"--log-net-log={net}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "http://127.0.0.1:9/pixel.png" in _page_requests(net)
