"""The HTML report renders in headless Chromium: one plot per column, no request but the
page itself, and at a desktop width (1280 px) and a phone's (390 px) no text leaves its
box: a script run in the page (a test copy of it; the report itself has none) measures
every element through the DOM. Screenshots at both widths are not blank."""

from __future__ import annotations

import html
import json
import os
import re
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


OVERFLOW_CHECK = """
(function () {
  var bad = [];
  var root = document.documentElement;
  var width = root.clientWidth;
  function name(el) {
    return el.tagName.toLowerCase() + " '" + (el.textContent || "").trim().slice(0, 60) + "'";
  }
  if (root.scrollWidth > width + 1) bad.push("the page scrolls sideways: " + root.scrollWidth);
  var all = document.body.querySelectorAll("*");
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (el.closest("svg") || el.getClientRects().length === 0) continue;  // SVG: below
    var r = el.getBoundingClientRect();
    if (r.right > width + 1 || r.left < -1) bad.push("outside the page: " + name(el));
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      bad.push("clipped or spilling (" + el.scrollWidth + " > " + el.clientWidth + "): "
        + name(el));
    }
    var box = el.parentElement && el.parentElement.closest("figure, section, li, td, th");
    if (box) {
      var b = box.getBoundingClientRect();
      if (r.right > b.right + 1 || r.left < b.left - 1) {
        bad.push("out of its " + box.tagName.toLowerCase() + ": " + name(el));
      }
    }
  }
  var texts = document.querySelectorAll("svg text");
  for (var j = 0; j < texts.length; j++) {
    var t = texts[j].getBoundingClientRect();
    var svg = texts[j].ownerSVGElement;  // cut at its edge, unless it lets text overflow
    var clip = getComputedStyle(svg).overflow === "visible" ? svg.parentElement : svg;
    var s = clip.getBoundingClientRect();
    if (t.right > s.right + 1 || t.left < s.left - 1) bad.push("SVG text cut: " + name(texts[j]));
  }
  var out = document.createElement("pre");
  out.id = "overflow-check";
  out.setAttribute("data-width", String(width));
  out.textContent = JSON.stringify(bad);
  window.parent.document.body.appendChild(out);
})();
"""
"""Lists every element whose content is wider than its box, that leaves its card (figure,
section, list item, table cell) or the page, and every SVG text outside its chart; the
list goes to the page holding the report's frame."""

WIDTHS = {"desktop": 1280, "phone": 390}


def _framed(page: Path, width: int, work: Path, *, check: bool) -> Path:
    """A page showing ``page`` in a frame ``width`` CSS pixels wide (Chromium's windows are
    at least 500 px wide; a frame sets the report's own viewport to any width), with the
    overflow check appended to the report's body when ``check``."""
    text = page.read_text(encoding="utf-8")
    if check:
        text = text.replace("</body>", f"<script>{OVERFLOW_CHECK}</script></body>")
    framed = work / f"framed-{width}{'-checked' if check else ''}.html"
    framed.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe style="display:block;border:0;width:{width}px;height:3000px" '
        f'srcdoc="{html.escape(text, quote=True)}"></iframe></body></html>',
        encoding="utf-8",
    )
    return framed


def _overflow(browser: str, page: Path, width: int, work: Path) -> tuple[int, list[str]]:
    """The report's viewport width at ``width`` and what the overflow check found there."""
    framed = _framed(page, width, work, check=True)
    dom = _run(browser, framed, work, f"--window-size={max(width, 500) + 40},3000", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="overflow-check" data-width="(\d+)">(.*?)</pre>', dom.stdout, re.S)
    assert found, "the overflow check did not run"
    return int(found.group(1)), json.loads(html.unescape(found.group(2)))


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

    report = validate(SHOP, bad_dir)
    labels = [t.label for col in report.columns for t in col.traits]
    # the DOM dump escapes text as text (`'` stays): never cut
    assert labels and all(html.escape(label, quote=False) in dom.stdout for label in labels)

    net = tmp_path / "net.json"
    result = _run(browser, page, tmp_path, "--dump-dom", f"--log-net-log={net}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _page_requests(net) == []


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_report_text_stays_in_its_boxes(bad_dir: Path, tmp_path: Path, width: int) -> None:
    browser = _chromium()
    page = write_html(validate(SHOP, bad_dir), tmp_path / "report.html")
    seen, problems = _overflow(browser, page, width, tmp_path)
    assert width - 20 <= seen <= width  # the report laid out at that width (less a scrollbar)
    assert problems == []

    shot = tmp_path / f"report-{width}.png"
    window = max(width, 500)
    framed = _framed(page, width, tmp_path, check=False)
    result = _run(browser, framed, tmp_path, "--hide-scrollbars",
                  f"--window-size={window},2400", f"--screenshot={shot}")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    png_width, height, colours = _png_pixels(shot)
    assert (png_width, height) == (window, 2400)
    assert shot.stat().st_size > 20_000 and len(colours) > 20


def test_the_overflow_check_sees_clipped_text(tmp_path: Path) -> None:
    """The check above would notice a cell too narrow for its text, and a cut SVG label."""
    browser = _chromium()
    page = tmp_path / "clipped.html"
    page.write_text(
        "<!DOCTYPE html><html><body><figure style='width:100px'><table><tr>"
        "<td style='white-space:nowrap'>a_rather_long_trait_label=with_its_value</td>"
        "</tr></table></figure><div><svg width='60' height='20'><text x='0' y='15'>"
        "childless_parent(id)=payments.order_id</text></svg></div></body></html>",
        encoding="utf-8",
    )
    _, problems = _overflow(browser, page, 390, tmp_path)
    assert any(p.startswith("out of its figure") for p in problems), problems
    assert any(p.startswith("SVG text cut") for p in problems), problems


def test_the_request_detector_sees_a_page_request(tmp_path: Path) -> None:
    """The net-log check above would notice a page that fetches something."""
    browser = _chromium()
    page = tmp_path / "fetching.html"
    page.write_text('<img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    net = tmp_path / "net.json"
    result = _run(browser, page, tmp_path, "--dump-dom", f"--log-net-log={net}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "http://127.0.0.1:9/pixel.png" in _page_requests(net)
