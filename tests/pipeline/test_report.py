"""report.html: self-contained, heatmap with evidence, anchored article text, networks, manifest;
copes with empty and broken runs; renders in headless Chromium (skipped when it is absent)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from pipeline.jsonl import write_json, write_jsonl
from pipeline.records import ArticleStatus, MatrixCell, Quote, Stance
from pipeline.report import cell_colour, write_report

TEXT_A = (
    "Trust backs new duty\n\n"
    "\u201cThe new duty is overdue and we back it fully,\u201d said Mira Solberg of the Harbour Trust.\n\n"
    "Lev Ortiz, who speaks for the Valley Forum, said the duty would <script>alert(1)</script> overload teams.\n\n"
    "Solberg added that the funding plan was too thin."
)
TEXT_B = "Forum responds\n\nThe Valley Forum said it would oppose the funding plan and the duty."


def span(text, part, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def quote(article, qid, text, part, speaker, org, *stances, kind="indirect"):
    start, end = span(text, part)
    return Quote(
        article=article,
        id=qid,
        start=start,
        end=end,
        text=part,
        kind=kind,
        speaker=speaker,
        organisation=org,
        cue="said",
        stances=tuple(Stance(t, s, *rest) for t, s, *rest in stances),
    )


def make_run(tmp_path, *, manifest=True, config=None):
    run = tmp_path / "run"
    (run / "texts").mkdir(parents=True)
    (run / "texts" / "a1.txt").write_text(TEXT_A, encoding="utf-8")
    (run / "texts" / "a2.txt").write_text(TEXT_B, encoding="utf-8")
    quotes = [
        quote(
            "a1",
            "q1",
            TEXT_A,
            "The new duty is overdue and we back it fully,",
            "Mira Solberg",
            "Harbour Trust",
            ("duty-x", "support", 0.91),
            kind="direct",
        ),
        quote(
            "a1",
            "q2",
            TEXT_A,
            "the duty would <script>alert(1)</script> overload teams",
            "Lev Ortiz",
            "Valley Forum",
            ("duty-x", "oppose", 0.8),
        ),
        # overlaps q2: marked pieces, both anchored
        quote(
            "a1", "q3", TEXT_A, "overload teams", "Lev Ortiz", "Valley Forum", ("duty-x", "oppose")
        ),
        quote(
            "a1",
            "q4",
            TEXT_A,
            "the funding plan was too thin",
            "Mira Solberg",
            "Harbour Trust",
            ("funding-y", "oppose"),
        ),
        quote(
            "a2",
            "q1",
            TEXT_B,
            "it would oppose the funding plan and the duty",
            None,
            "Valley Forum",
            ("funding-y", "oppose"),
            ("duty-x", "oppose"),
        ),
        quote("a2", "q2", TEXT_B, "Forum responds", None, "Valley Forum", ("funding-y", "support")),
        # offsets past the end of the text: listed, not lost
        Quote(
            article="a2",
            id="q9",
            start=500,
            end=510,
            text="lost words",
            kind="direct",
            organisation="Valley Forum",
            stances=(Stance("funding-y", "neutral"),),
        ),
    ]
    write_jsonl(run / "quotes.jsonl", quotes)
    write_jsonl(
        run / "articles.jsonl",
        [
            ArticleStatus(
                id="a1",
                status="ok",
                title="Trust backs new duty",
                date="2023-01-10",
                url="https://example.org/a1",
                n_chars=len(TEXT_A),
                n_quotes=4,
            ),
            ArticleStatus(
                id="a2", status="ok", title="Forum responds", date="2023-02-05", n_quotes=3
            ),
            ArticleStatus(
                id="a3",
                status="error",
                title="Unreadable page",
                error="not UTF-8 (byte 0x93 at 12)",
            ),
        ],
    )
    if manifest:
        write_json(
            run / "manifest.json",
            {
                "versions": {"stancemap": "9.9.9-test", "python": "3.11"},
                "model": {
                    "name": "tiny-stance-test",
                    "metrics": {"macro_f1": 0.4321},
                    "labels": ["support", "oppose", "neutral"],
                },
                "config": config or {"weighting": False, "duplicates": "every"},
                "counts": {"articles": 3},
            },
        )
    return run, quotes


def test_report_contents(tmp_path):
    run, quotes = make_run(tmp_path)
    path = write_report(run)
    assert path == run / "report.html"
    page = path.read_text(encoding="utf-8")
    # self-contained and offline
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert not re.search(r"\ssrc\s*=", page)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert "https://example.org/a1" in page  # shown as text only
    # every internal link points at an id on the page
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert {h[1:] for h in hrefs} <= ids
    for q in quotes:
        assert f"q-{q.article}-{q.id}" in ids
    # heatmap: organisation and person rows; colour by net stance
    cells = re.findall(
        r'<td class="(cell[^"]*)" style="background-color:(#[0-9a-f]{6})"[^>]*data-actor="([^"]*)" '
        r'data-kind="([^"]*)" data-target="([^"]*)" data-stance="([^"]*)" data-evidence="([^"]*)"',
        page,
    )
    by = {
        (actor, kind, target): (cls, colour, stance, evidence)
        for cls, colour, actor, kind, target, stance, evidence in cells
    }
    assert by[("Harbour Trust", "organisation", "duty-x")][1:] == ("#2166ac", "support", "a1#q1")
    assert by[("Valley Forum", "organisation", "duty-x")][1:] == (
        "#b2182b",
        "oppose",
        "a1#q2 a1#q3 a2#q1",
    )
    assert by[("Lev Ortiz", "person", "duty-x")][2] == "oppose"
    # Valley Forum on funding-y: oppose 1, support 1, neutral 1 -> mixed, grey, striped
    cls, colour, stance, _ = by[("Valley Forum", "organisation", "funding-y")]
    assert (stance, colour) == ("mixed", "#e2e2e2") and "mixed" in cls
    assert len(cells) == 7  # 2 organisations x 2 targets, Mira Solberg x 2 targets, Lev Ortiz x 1
    # article text: quote spans marked and anchored, HTML in the text escaped
    assert '<a class="qa" id="q-a1-q1"></a><mark class="q s-support" data-q="q-a1-q1"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert 'data-q="q-a1-q2 q-a1-q3"' in page  # the overlapping piece names both quotes
    assert "1 quote(s) with offsets outside the text" in page and "lost words" in page
    # errored article listed with its error
    assert "not UTF-8 (byte 0x93 at 12)" in page
    # the quote data for the evidence panel is valid JSON and cannot close its script element
    blob = re.search(
        r'<script type="application/json" id="quote-data">(.*?)</script>', page, re.S
    ).group(1)
    data = json.loads(blob)
    assert data["a1#q2"]["text"] == quotes[1].text and data["a1#q2"]["a"] == "q-a1-q2"
    assert data["a1#q1"]["stances"] == [["duty-x", "support", 0.91]]
    # summaries, network picture, manifest and model card
    assert 'id="actors"' in page and "Mira Solberg" in page and 'id="targets"' in page
    svg = re.search(r'<svg class="net".*?</svg>', page, re.S).group(0)
    assert svg.count("<line") == 4  # two-mode (organisation level): 2 actors x 2 targets
    assert svg.count("<rect") == 2 and svg.count("<circle") == 2
    assert "tiny-stance-test" in page and "0.4321" in page and "9.9.9-test" in page


def test_report_is_deterministic(tmp_path):
    run, _ = make_run(tmp_path)
    first = write_report(run, out=tmp_path / "one.html").read_bytes()
    second = write_report(run, out=tmp_path / "two.html").read_bytes()
    assert first == second


def test_report_uses_run_duplicate_policy(tmp_path):
    run, _ = make_run(tmp_path, config={"duplicates": "once-per-article"})
    page = write_report(run).read_text(encoding="utf-8")
    # Valley Forum opposed duty-x twice in a1 (q2, q3) and once in a2: 2 once-per-article, 3 every time
    assert "Valley Forum on duty-x: oppose (support 0, oppose 2, neutral 0)" in page
    run2, _ = make_run(tmp_path / "b")
    page2 = write_report(run2).read_text(encoding="utf-8")
    assert "Valley Forum on duty-x: oppose (support 0, oppose 3, neutral 0)" in page2


def test_report_with_no_quotes_no_manifest_and_errors(tmp_path):
    run = tmp_path / "empty"
    run.mkdir()
    (run / "quotes.jsonl").write_text("", encoding="utf-8")
    write_jsonl(
        run / "articles.jsonl", [ArticleStatus(id="x1", status="error", error="empty file")]
    )
    page = write_report(run).read_text(encoding="utf-8")
    assert "the matrix is empty" in page
    assert "No stances, so no network" in page
    assert "No run metadata" in page
    assert "empty file" in page
    assert "manifest.json: missing" in page


def test_report_survives_missing_and_bad_files(tmp_path):
    run = tmp_path / "broken"
    run.mkdir()
    (run / "manifest.json").write_text("{not json", encoding="utf-8")
    (run / "articles.jsonl").write_text(
        '{"id": "z1", "status": "ok"}\n{"oops": 1}\n', encoding="utf-8"
    )
    page = write_report(run, out=tmp_path / "r.html").read_text(encoding="utf-8")
    assert "quotes.jsonl: missing" in page
    assert "manifest.json: not valid JSON" in page
    assert "missing field(s) id" in page  # the bad articles.jsonl line is reported, not fatal
    assert "texts/z1.txt: missing" in page


def test_manifest_without_model_card(tmp_path):
    run, _ = make_run(tmp_path, manifest=False)
    write_json(run / "manifest.json", {"timings": {"total_s": 2.5}, "model": None})
    page = write_report(run).read_text(encoding="utf-8")
    assert "No model card in the manifest" in page and "total_s" in page


def test_cell_colour_scale():
    def c(s, o, n):
        return MatrixCell(
            actor="A", actor_kind="organisation", target="t", support=s, oppose=o, neutral=n
        )

    assert cell_colour(c(3, 0, 0)) == "#2166ac"
    assert cell_colour(c(0, 2, 0)) == "#b2182b"
    assert cell_colour(c(1, 1, 0)) == cell_colour(c(0, 0, 4)) == "#e2e2e2"
    half = cell_colour(c(1, 0, 1))  # net +0.5: half way from grey to blue
    assert half == "#82a4c7"


# ------------------------------------------------------------------------------- headless Chromium


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium_args(profile: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def read_png_rgb(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into rows of RGB bytes."""
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos : pos + 8])
        body = raw[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 3 if ctype == 2 else 4
    data = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = data[y * (stride + 1)]
        line = bytearray(data[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append(bytes(line) if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3))
    return width, height, rows


@pytest.mark.server
@pytest.mark.skipif(
    _chromium() is None, reason="Chromium is not installed (apt-get install -y chromium)"
)
def test_report_renders_in_headless_chromium(tmp_path):
    run, _ = make_run(tmp_path)
    page = write_report(run)
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [
            _chromium(),
            *_chromium_args(tmp_path / "profile"),
            f"--screenshot={shot}",
            "--window-size=1000,900",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists(), result.stderr[-2000:]
    width, height, rows = read_png_rgb(shot)
    assert (width, height) == (1000, 900)

    def count(rgb, tol=6):
        r0, g0, b0 = rgb
        n = 0
        for row in rows:
            for i in range(0, len(row), 3):
                if (
                    abs(row[i] - r0) <= tol
                    and abs(row[i + 1] - g0) <= tol
                    and abs(row[i + 2] - b0) <= tol
                ):
                    n += 1
        return n

    # the header bar and the heatmap's pure support and oppose cells are drawn in the first screen
    assert count((0x23, 0x30, 0x40)) > 20_000
    assert count((0x21, 0x66, 0xAC)) > 300
    assert count((0xB2, 0x18, 0x2B)) > 300
    # the script runs: opening a quote's anchor highlights its marked span
    dom = subprocess.run(
        [
            _chromium(),
            *_chromium_args(tmp_path / "profile2"),
            "--dump-dom",
            page.resolve().as_uri() + "#q-a1-q3",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert re.search(r'<mark class="q s-oppose overlap hl" data-q="q-a1-q2 q-a1-q3"', dom), dom[
        -3000:
    ]
    # clicking a heatmap cell fills the evidence panel with its quotes and links into the article
    clicked = tmp_path / "clicked.html"
    clicked.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.querySelector('td.cell[data-actor=\"Valley Forum\"]').click()</script></body>",
        ),
        encoding="utf-8",
    )
    dom = subprocess.run(
        [
            _chromium(),
            *_chromium_args(tmp_path / "profile3"),
            "--dump-dom",
            clicked.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    panel = re.search(r'<div id="evidence".*?</div>', dom, re.S).group(0)
    assert "Valley Forum (organisation) on duty-x: oppose" in panel
    assert panel.count("<li>") == 3 and 'href="#q-a2-q1"' in panel and "oppose (0.8)" in panel


def test_offsets_into_crlf_text_and_duplicate_article_lines(tmp_path):
    run = tmp_path / "crlf"
    (run / "texts").mkdir(parents=True)
    text = "Head\r\n\r\nAda Brook said the plan is sound.\r\nMore text."
    (run / "texts" / "c1.txt").write_bytes(text.encode("utf-8"))
    write_jsonl(
        run / "quotes.jsonl",
        [quote("c1", "q1", text, "the plan is sound", "Ada Brook", None, ("plan-z", "support"))],
    )
    write_jsonl(
        run / "articles.jsonl",
        [ArticleStatus(id="c1", status="ok"), ArticleStatus(id="c1", status="ok")],
    )
    page = write_report(run).read_text(encoding="utf-8")
    assert (
        '<mark class="q s-support" data-q="q-c1-q1" title="Ada Brook | plan-z: support">the plan is sound</mark>'
        in page
    )
    assert page.count('id="article-c1"') == 1
    assert "listed more than once" in page


def test_over_time_section_follows_the_run_window(tmp_path):
    run, _ = make_run(tmp_path, config={"window": "2023-02-01"})
    page = write_report(run).read_text(encoding="utf-8")
    section = re.search(r'<section id="periods">.*?</section>', page, re.S).group(0)
    assert [p for p in re.findall(r'<th class="per">([^<]*)</th>', section)] == [
        "..2023-01-31",
        "2023-02-01..",
    ]
    # duty-x before: Harbour Trust support, Valley Forum oppose (2 quotes) -> 2 organisations, net -1/3
    assert (
        'title="duty-x, ..2023-01-31: Harbour Trust: support; Valley Forum: oppose">2</td>'
        in section
    )
    # after: only Valley Forum (a2#q1 oppose) -> pure red
    assert (
        'style="background-color:#b2182b" title="duty-x, 2023-02-01..: Valley Forum: oppose">1</td>'
        in section
    )
    assert 'href="#periods"' in page
    bad, _ = make_run(tmp_path / "bad", config={"window": "soon"})
    assert "not an ISO date" in write_report(bad).read_text(encoding="utf-8")
    plain = write_report(make_run(tmp_path / "plain")[0]).read_text(encoding="utf-8")
    assert 'id="periods"' not in plain


def test_repeated_quote_keys_and_odd_scores(tmp_path):
    run = tmp_path / "odd"
    (run / "texts").mkdir(parents=True)
    text = "Ada Brook said the plan is sound and fair."
    (run / "texts" / "c1.txt").write_text(text, encoding="utf-8")
    good = quote(
        "c1",
        "q1",
        text,
        "the plan is sound",
        "Ada Brook",
        None,
        ("plan-z", "support", float("nan")),
    )
    odd = quote(
        "c1", "q1", text, "sound and fair", "Ada Brook", None, ("plan-z", "support", "high")
    )
    write_jsonl(run / "quotes.jsonl", [good, odd])
    page = write_report(run).read_text(encoding="utf-8")
    assert page.count('id="q-c1-q1"') == 1
    assert "appears more than once" in page
    blob = re.search(
        r'<script type="application/json" id="quote-data">(.*?)</script>', page, re.S
    ).group(1)
    assert json.loads(blob)["c1#q1"]["stances"] == [
        ["plan-z", "support"]
    ]  # no NaN, no string score


# ------------------------------------------------------------------------- large runs stay bounded

import random
from dataclasses import replace

from pipeline.matrix import build_matrix, matrix_from_statements
from pipeline.names import same_actor_key
from pipeline.networks import actor_graph, two_mode_graph
from pipeline.report_data import ReportLimits, load_report_data
from pipeline.statements import make_statements, write_statements

SYN_TARGETS = [f"target-{i:02d}" for i in range(30)]


def write_synthetic_run(
    run: Path,
    *,
    n_articles: int,
    n_quotes: int,
    seed: int = 1,
    n_orgs: int = 300,
    n_people: int = 1200,
) -> None:
    """A run folder of simple made-up articles: each article is a list of sentences
    "Person P of Org O said that target T is good/bad." with one quote per sentence."""
    rng = random.Random(seed)
    (run / "texts").mkdir(parents=True)
    per = [
        n_quotes // n_articles + (1 if i < n_quotes % n_articles else 0) for i in range(n_articles)
    ]
    with (
        open(run / "quotes.jsonl", "w", encoding="utf-8") as fq,
        open(run / "articles.jsonl", "w", encoding="utf-8") as fa,
    ):
        for a in range(n_articles):
            aid = f"syn{a:05d}"
            parts, pos = [], 0
            for q in range(per[a]):
                org = f"Org {int(rng.paretovariate(1.2)) % n_orgs}"
                person = f"Person {rng.randrange(n_people)}"
                target = SYN_TARGETS[int(rng.paretovariate(1.5)) % len(SYN_TARGETS)]
                stance = rng.choice(("support", "oppose", "neutral"))
                said = f"{target} is {'good' if stance == 'support' else 'bad' if stance == 'oppose' else 'there'}"
                sentence = f"{person} of {org} said that {said}. "
                start = pos + sentence.index(said)
                fq.write(
                    json.dumps(
                        {
                            "article": aid,
                            "id": f"q{q}",
                            "start": start,
                            "end": start + len(said),
                            "text": said,
                            "kind": "indirect",
                            "speaker": person,
                            "organisation": org,
                            "cue": "said",
                            "stances": [
                                {
                                    "target": target,
                                    "stance": stance,
                                    "score": round(rng.random(), 3),
                                }
                            ],
                        }
                    )
                    + "\n"
                )
                parts.append(sentence)
                pos += len(sentence)
            (run / "texts" / f"{aid}.txt").write_text("".join(parts), encoding="utf-8")
            fa.write(
                json.dumps(
                    {
                        "id": aid,
                        "status": "ok",
                        "title": f"Synthetic article {a}",
                        "date": f"2023-{a % 12 + 1:02d}-01",
                        "n_quotes": per[a],
                    }
                )
                + "\n"
            )
    write_json(run / "manifest.json", {"config": {"weighting": False, "duplicates": "every"}})


def test_large_run_report_is_bounded(tmp_path):
    run = tmp_path / "big"
    write_synthetic_run(run, n_articles=3000, n_quotes=30_000)
    path = write_report(run)
    size = path.stat().st_size
    assert size < 15_000_000, size
    page = path.read_text(encoding="utf-8")
    # every internal link still has its target
    hrefs = set(re.findall(r'href="#([^"]*)"', page))
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert hrefs <= ids, sorted(hrefs - ids)[:5]
    # heatmap: 60 rows, every target as a column; at most 20 evidence quotes per cell, the rest counted
    heat = re.search(r'<table class="heatmap">.*?</table>', page, re.S).group(0)
    assert len(re.findall(r'<th class="row"', heat)) == 60
    assert len(re.findall(r'<th class="col"', heat)) == 30
    cells = re.findall(
        r'data-evidence="([^"]*)" (?:data-more="(\d+)" )?title="[^"]*">(\d+)</td>', heat
    )
    assert cells and all(len(ev.split()) == min(20, int(n)) for ev, _, n in cells)
    assert all(int(more or 0) == int(n) - len(ev.split()) for ev, more, n in cells)
    assert any(more for _, more, _ in cells)
    assert (
        "Showing the 60 actors with the most quotes, of 1" in page
    )  # 300 organisations + 1200 people seen
    assert "A cell lists at most 20 evidence quotes" in page
    # full text for 200 articles, the rest listed by title; 3000 > 2000 list entries
    assert page.count('<article id="article-') == 200
    assert "The full text, with the quotes marked, is shown for 200 of the 3000 articles" in page
    assert re.search(r"and \d+ more articles: see <code>articles.jsonl</code>", page)
    assert 'class="notext"' in page
    # evidence into an article without its text links to its list entry
    blob = json.loads(
        re.search(
            r'<script type="application/json" id="quote-data">(.*?)</script>', page, re.S
        ).group(1)
    )
    assert any(v["a"].startswith("article-") for v in blob.values())
    assert all(v["a"] in ids for v in blob.values())
    # the network pictures are capped too
    assert "The pictures show the 60 actors with the most statements, of" in page
    assert "Cards for the 60 actors with the most quotes" in page


def test_caps_keep_the_best_evidence_and_link_to_listed_articles(tmp_path):
    run = tmp_path / "small"
    write_synthetic_run(run, n_articles=12, n_quotes=120, n_orgs=3, n_people=4, seed=5)
    limits = ReportLimits(
        rows=2, evidence=3, texts=2, listed=6, network=2, names=1, problems=5, others=1
    )
    page = write_report(run, out=tmp_path / "r.html", limits=limits).read_text(encoding="utf-8")
    quotes = [
        json.loads(line) for line in (run / "quotes.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    # the cell shown for the busiest actor keeps the 3 highest-scored quotes, listed in article order
    cells = re.findall(
        r'data-actor="([^"]*)" data-kind="organisation" data-target="([^"]*)" data-stance="[^"]*" '
        r'data-evidence="([^"]*)"',
        page,
    )
    assert cells
    for actor, target, evidence in cells:
        own = [
            q for q in quotes if q["organisation"] == actor and q["stances"][0]["target"] == target
        ]
        best = sorted(
            own, key=lambda q: (-q["stances"][0]["score"], q["article"], q["start"], q["id"])
        )[:3]
        expected = [
            f"{q['article']}#{q['id']}"
            for q in sorted(best, key=lambda q: (q["article"], q["start"], q["id"]))
        ]
        assert evidence.split() == expected
    assert page.count('<article id="article-') == 2
    assert len(re.findall(r'<th class="row"', page)) == 2
    hrefs = set(re.findall(r'href="#([^"]*)"', page))
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert hrefs <= ids
    listed = re.findall(r'<ul class="toc">(.*?)</ul>', page, re.S)[0]
    assert 'class="notext"' in listed and re.search(r"and \d+ more articles: see", listed)
    assert "Cards for the 2 actors with the most quotes" in page


def _random_quotes(rng: random.Random, n: int) -> list[Quote]:
    orgs = [
        "Harbour Trust",
        "harbour  trust",
        "Valley Forum",
        "Ridge\u2019s Union",
        "Ridge's union",
        None,
    ]
    people = ["Ada Brook", "ada brook", "Lev Ortiz", "Mira Solberg", None, "  "]
    quotes = []
    for i in range(n):
        stances = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            score = rng.choice((None, 0.2, 0.55, 0.9, float("nan"), 1.5))
            stances.append(
                Stance(
                    rng.choice(("t-a", "t-b", "t-c")),
                    rng.choice(("support", "oppose", "neutral")),
                    score,
                )
            )
        article = f"r{rng.randrange(6)}"
        qid = f"q{rng.randrange(40)}"  # repeated keys happen
        start = rng.randrange(200)
        quotes.append(
            Quote(
                article=article,
                id=qid,
                start=start,
                end=start + 5,
                text=f"text {i}",
                kind="direct",
                speaker=rng.choice(people),
                organisation=rng.choice(orgs),
                stances=tuple(stances),
            )
        )
    return quotes


@pytest.mark.parametrize(
    "seed,weighting,duplicates",
    [
        (1, False, "every"),
        (2, True, "every"),
        (3, False, "once-per-article"),
        (4, True, "once-per-article"),
    ],
)
def test_streamed_matrix_and_networks_match_the_library(tmp_path, seed, weighting, duplicates):
    rng = random.Random(seed)
    quotes = _random_quotes(rng, 400)
    run = tmp_path / "r"
    run.mkdir()
    write_jsonl(run / "quotes.jsonl", quotes)
    write_json(
        run / "manifest.json", {"config": {"weighting": weighting, "duplicates": duplicates}}
    )
    loaded = load_report_data(run, ReportLimits(rows=10_000, evidence=10_000, network=10_000))
    expected = build_matrix(quotes, weighting=weighting, duplicates=duplicates)
    statements = make_statements(quotes)
    assert len({q.key for q in quotes}) < len(quotes) and any(c.n_quotes > 1 for c in expected)
    assert [
        (
            c.actor,
            c.actor_kind,
            c.target,
            c.support,
            c.oppose,
            c.neutral,
            c.n_quotes,
            c.stance,
            c.evidence,
        )
        for c in loaded.cells
    ] == [
        (
            c.actor,
            c.actor_kind,
            c.target,
            c.support,
            c.oppose,
            c.neutral,
            c.n_quotes,
            c.stance,
            c.evidence,
        )
        for c in expected
    ]
    for ours, theirs in (
        (loaded.two_mode, two_mode_graph(statements)),
        (loaded.subtract, actor_graph(statements, mode="subtract")),
    ):
        assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
        assert list(ours.edges(data=True)) == list(theirs.edges(data=True))


def _graph(graph):
    return list(graph.nodes(data=True)), list(graph.edges(data=True))


def test_the_report_counts_the_runs_statements_as_the_matrix_and_networks_do(tmp_path):
    """A windowed run's statements.jsonl (each statement once per period, names written several
    ways) gives the overall cells, the periods and the network that the matrix and the networks
    give; a run without the file gives the same from quotes.jsonl."""
    quotes = [
        replace(q, organisation="the Valley Forum")
        if q.organisation == "Valley Forum" and i % 2
        else q
        for i, q in enumerate(_random_quotes(random.Random(7), 300))
    ]
    dates = {f"r{i}": f"2023-0{i + 1}-10" for i in range(5)}  # r5 undated
    window = "moving:60d:30d"
    windowed = make_statements(quotes, dates=dates, window=window)
    runs = {}
    for name in ("file-run", "quotes-run"):
        run = runs[name] = tmp_path / name
        run.mkdir()
        write_jsonl(run / "quotes.jsonl", quotes)
        write_jsonl(
            run / "articles.jsonl",
            [ArticleStatus(id=f"r{i}", status="ok", date=dates.get(f"r{i}")) for i in range(6)],
        )
        write_json(run / "manifest.json", {"config": {"window": window}})
    write_statements(runs["file-run"] / "statements.jsonl", windowed)
    limits = ReportLimits(rows=10_000, evidence=10_000, network=10_000)
    loaded = load_report_data(runs["file-run"], limits)

    def counts(cells):
        return [
            (same_actor_key(c.actor), c.actor_kind, c.target, c.support, c.oppose, c.neutral)
            + (c.n_quotes, c.evidence)
            for c in cells
        ]

    assert len(windowed) > len(make_statements(quotes))  # overlapping windows repeat statements
    assert counts(loaded.cells) == counts(build_matrix(quotes))
    by_period = matrix_from_statements(windowed)
    names = {(c.actor_kind, c.actor) for c in by_period}
    assert {(c.actor_kind, c.actor) for c in loaded.cells} <= names  # named as matrix.csv names
    assert len({c.actor for c in loaded.cells if same_actor_key(c.actor) == "valley forum"}) == 1
    grid = {
        (c.period, c.actor, c.target): (c.support, c.oppose, c.neutral)
        for cells in loaded.periods["grid"].values()
        for c in cells
    }
    assert grid == {
        (c.period, c.actor, c.target): (c.support, c.oppose, c.neutral)
        for c in by_period
        if c.actor_kind == "organisation"
    }
    assert "undated" in loaded.periods["periods"]
    assert _graph(loaded.two_mode) == _graph(two_mode_graph(windowed))
    assert _graph(loaded.subtract) == _graph(actor_graph(windowed, mode="subtract"))
    network_actors = {
        (d["kind"], d["label"]) for _, d in loaded.two_mode.nodes(data=True) if d["type"] == "actor"
    }
    assert network_actors <= {(c.actor_kind, c.actor) for c in loaded.cells}  # nodes are rows
    assert {("organisation", "the Valley Forum"), ("person", "ada brook")} <= network_actors
    again = load_report_data(runs["quotes-run"], limits)
    assert again.cells == loaded.cells and again.periods == loaded.periods
    assert _graph(again.two_mode) == _graph(loaded.two_mode)
    assert again.evidence_quotes == loaded.evidence_quotes
    assert [p.replace("quotes-run", "file-run") for p in again.problems] == loaded.problems


def test_a_heatmap_row_and_a_network_node_are_one_actor_however_written(tmp_path):
    spellings = ["DfE", "DFE", "the DfE", "DfE"]
    quotes = [
        Quote(
            article="v1",
            id=f"q{i}",
            start=10 * i,
            end=10 * i + 5,
            text="words",
            kind="indirect",
            organisation=org,
            stances=(Stance("duty-x", "oppose"),),
        )
        for i, org in enumerate(spellings)
    ]
    run = tmp_path / "run"
    run.mkdir()
    write_jsonl(run / "quotes.jsonl", quotes)
    write_statements(run / "statements.jsonl", make_statements(quotes))
    write_json(run / "manifest.json", {"config": {}})
    loaded = load_report_data(run, ReportLimits())
    assert [(c.actor, c.oppose, c.n_quotes) for c in loaded.cells] == [("DfE", 4, 4)]
    assert loaded.actor_quotes == {("organisation", "DfE"): 4}
    assert [d["label"] for _, d in loaded.two_mode.nodes(data=True)] == ["DfE", "duty-x"]
    assert loaded.n_network_actors == 1


def test_bad_statement_lines_are_reported_once(tmp_path):
    run, _ = make_run(tmp_path)
    quotes = [Quote.from_json(json.loads(line)) for line in (run / "quotes.jsonl").open()]
    write_statements(run / "statements.jsonl", make_statements(quotes))
    with open(run / "statements.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"actor": "X", "actor_kind": "party"}\n')
    loaded = load_report_data(run, ReportLimits())
    bad = [p for p in loaded.problems if "statements.jsonl" in p]
    assert len(bad) == 1 and "statements.jsonl:" in bad[0]
    assert {c.actor for c in loaded.cells} == {
        "Harbour Trust",
        "Valley Forum",
        "Mira Solberg",
        "Lev Ortiz",
    }


def test_the_learning_curve_of_the_model_card_is_drawn():
    from pipeline.report import render_curve

    rows = [
        {"model": "finetuned", "gold_articles": 0, "stance_macro_f1": 0.4},
        {"model": "finetuned", "gold_articles": 4, "stance_macro_f1": 0.6},
        {"model": "majority", "gold_articles": 0, "stance_macro_f1": 0.1},
        {"model": "broken"},
    ]
    html = render_curve(rows)
    assert html.count("<polyline") == 2 and "finetuned: 0.600" in html
    assert render_curve([{"model": "x"}]) == ""
