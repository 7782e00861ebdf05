"""The batch job: resume after SIGKILL, bad inputs, exit codes, --strict.

Runs are model-less (``--model`` points to a folder that does not exist), so no training is
needed; every article is hand-written here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[2]

NAMES = [
    ("Maria Okafor", "the Fostering Alliance"),
    ("Tom Reddy", "Kinship Families UK"),
    ("Aisha Patel", "the Care Leavers Trust"),
    ("Gareth Lowe", "the County Councils Forum"),
    ("Helen Marsh", "Social Workers Together"),
    ("Dev Sharma", "the Children's Homes Group"),
    ("Ruth Adeyemi", "Family Rights Hub"),
    ("Colin Brady", "the Youth Advocacy Project"),
]
TOPICS = [
    "regional care cooperatives",
    "a national pay scale for agency social workers",
    "family help teams",
    "the cap on profits for private children's homes",
    "kinship carer allowances",
    "a new national framework for social care",
]


def article(i: int) -> str:
    """A small hand-made news article with a headline, direct and indirect quotes."""
    name, org = NAMES[i % len(NAMES)]
    other, other_org = NAMES[(i + 3) % len(NAMES)]
    topic = TOPICS[i % len(TOPICS)]
    surname = name.split()[-1]
    return (
        f"Council leaders split over plan for {topic}\n\n"
        f"Ministers will publish detailed proposals for {topic} in the spring, officials confirmed on Tuesday, "
        f"after months of debate among councils and charities about how the reforms should be paid for.\n\n"
        f"“This is the change families have waited a decade for,” said {name}, chief executive of {org}. "
        f"“We cannot keep asking children to move placement three times a year.”\n\n"
        f"{surname} added that the money promised so far would not be enough to recruit the carers needed in rural areas.\n\n"
        f"But {other}, who chairs {other_org}, warned that the timetable was unrealistic. "
        f"“Nobody has explained where the staff will come from,” {other.split()[0]} said.\n\n"
        f"The department said it would respond to the consultation in {2023 + i % 3}. Article number {i}.\n"
    )


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"art{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def cli_argv(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        str(corpus),
        "--out",
        str(out),
        "--model",
        str(out.parent / "no-model"),
        *extra,
    ]


def read_lines(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def comparable(quotes: list[dict]) -> list[tuple]:
    return [
        (q["article"], q["id"], q["start"], q["end"], q["text"], q["kind"], q["speaker"])
        for q in quotes
    ]


# ------------------------------------------------------------------------------------ resume
def test_sigkill_half_way_then_rerun_completes_every_article_once(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", 40)
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        cli_argv(corpus, out, "--chunk-size", "4"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    work = out / "work"
    deadline = time.monotonic() + 120
    done_before_kill = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            done_before_kill = len(list(work.glob("art*.json"))) if work.exists() else 0
            if done_before_kill >= 12:
                break
            time.sleep(0.02)
        assert proc.poll() is None, (
            "the run finished before it could be killed half-way: "
            + proc.stderr.read().decode()[-500:]
        )
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    records_at_kill = len(list(work.glob("art*.json")))
    assert 12 <= records_at_kill < 40
    assert not (out / "manifest.json").exists()

    again = subprocess.run(
        cli_argv(corpus, out, "--chunk-size", "4"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    statuses = read_lines(out / "articles.jsonl")
    assert [s["id"] for s in statuses] == [
        f"art{i:03d}" for i in range(40)
    ]  # every article once, input order
    assert all(s["status"] == "ok" for s in statuses)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["articles_resumed"] == records_at_kill
    assert manifest["counts"]["articles_ok"] == 40

    # the resumed run's output equals an uninterrupted run's
    fresh = tmp_path / "fresh"
    clean = subprocess.run(
        cli_argv(corpus, fresh, "--chunk-size", "4"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert clean.returncode == 0, clean.stderr[-2000:]
    resumed_quotes = read_lines(out / "quotes.jsonl")
    assert resumed_quotes, "hand-made articles with quotes gave no quotes"
    assert comparable(resumed_quotes) == comparable(read_lines(fresh / "quotes.jsonl"))
    assert (out / "segments.jsonl").read_text(encoding="utf-8") == (
        fresh / "segments.jsonl"
    ).read_text(encoding="utf-8")
    quote_ids = [(q["article"], q["id"]) for q in resumed_quotes]
    assert len(quote_ids) == len(set(quote_ids))
    # texts/ holds exactly the texts read
    assert (out / "texts" / "art007.txt").read_text(encoding="utf-8") == article(7)


# ------------------------------------------------------------------------------------ bad input
BAD = {
    "a_empty.txt": b"",
    "b_binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 4,
    "c_latin1.txt": "Caf\u00e9 owners said the plan would fail.\n\n\u201cIt will not work,\u201d said Ana Ruiz.\n".encode(
        "latin-1", "replace"
    ),
}


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, data in BAD.items():
        (folder / name).write_bytes(data)
    # a 50 MB file: refused by --max-chars (default 5,000,000), as an error line
    with open(folder / "d_huge.txt", "w", encoding="utf-8") as handle:
        line = "The committee met again and said nothing new about the plan. " * 16 + "\n"
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line)
    (folder / "e_page.html").write_text(
        "<!doctype html><html><head><title>Carers back allowance plan</title></head><body><nav>Home | News</nav>"
        "<article><h1>Carers back allowance plan</h1><p>Kinship carers welcomed the new allowance on Monday.</p>"
        "<p>\u201cIt is a lifeline for grandparents raising children,\u201d said Jo Byrne, director of Kin First.</p></article>"
        "<footer>Privacy policy</footer></body></html>",
        encoding="utf-8",
    )
    (folder / "f_unbalanced.txt").write_text(
        "Minister defends timetable\n\n\u201cWe will deliver the reforms on time, said Paul Grant, the schools minister.\n\n"
        'He added that councils "had been consulted at every stage.\n\nCritics were not convinced.\u201d\n',
        encoding="utf-8",
    )
    (folder / "g_no_quotes.txt").write_text(
        "Council publishes budget\n\nThe council published its budget for the coming year on Friday. "
        "Spending on children's services rises by four per cent, the figures show.\n",
        encoding="utf-8",
    )
    (folder / "h_good.txt").write_text(article(1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bad_run(bad_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("badrun") / "run"
    result = subprocess.run(
        cli_argv(bad_folder, out), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    return out, result


def test_bad_inputs_never_stop_the_batch(bad_run):
    out, result = bad_run
    assert result.returncode == 0, result.stderr[-2000:]  # some articles succeeded
    statuses = {s["id"]: s for s in read_lines(out / "articles.jsonl")}
    assert list(statuses) == [
        "a_empty",
        "b_binary",
        "c_latin1",
        "d_huge",
        "e_page",
        "f_unbalanced",
        "g_no_quotes",
        "h_good",
    ]
    for bad in ("a_empty", "b_binary", "c_latin1", "d_huge"):
        assert statuses[bad]["status"] == "error", statuses[bad]
    assert "empty" in statuses["a_empty"]["error"]
    assert (
        "binary" in statuses["b_binary"]["error"]
        and "b_binary.txt" in statuses["b_binary"]["error"]
    )
    # non-UTF-8: names the file, the byte and the fix
    error = statuses["c_latin1"]["error"]
    assert "c_latin1.txt" in error and "0xe9" in error and "at 3" in error and "--encoding" in error
    assert (
        "d_huge.txt" in statuses["d_huge"]["error"] and "--max-chars" in statuses["d_huge"]["error"]
    )
    assert statuses["f_unbalanced"]["status"] == "ok"
    assert statuses["g_no_quotes"]["status"] == "ok" and statuses["g_no_quotes"]["n_quotes"] == 0
    assert statuses["h_good"]["status"] == "ok" and statuses["h_good"]["n_quotes"] >= 2
    quotes = read_lines(out / "quotes.jsonl")
    for q in quotes:
        text = (out / "texts" / f"{q['article']}.txt").read_text(encoding="utf-8")
        assert text[q["start"] : q["end"]] == q["text"]
    assert not [q for q in quotes if q["article"] == "g_no_quotes"]


def test_each_failure_is_one_line_on_stderr(bad_run):
    out, result = bad_run
    failed = [s for s in read_lines(out / "articles.jsonl") if s["status"] == "error"]
    assert failed
    error_lines = [line for line in result.stderr.splitlines() if "error:" in line]
    for status in failed:
        assert sum(status["id"] in line for line in error_lines) == 1, (status["id"], error_lines)
    assert len(error_lines) == len(failed)


def test_html_input_is_one_line_and_never_raw_markup(bad_run):
    out, _ = bad_run
    page = [s for s in read_lines(out / "articles.jsonl") if s["id"] == "e_page"]
    assert len(page) == 1
    if page[0]["status"] == "ok":
        text = (out / "texts" / "e_page.txt").read_text(encoding="utf-8")
        assert "<p>" not in text and "Kinship carers welcomed" in text
    else:
        assert "e_page.html" in page[0]["error"]


def test_strict_exits_non_zero_when_any_article_failed(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "good.txt").write_text(article(4), encoding="utf-8")
    runner = CliRunner()
    model = str(tmp_path / "none")
    strict = runner.invoke(
        app, ["run", str(folder), "--out", str(tmp_path / "strict"), "--model", model, "--strict"]
    )
    assert strict.exit_code == 1
    statuses = {s["id"]: s["status"] for s in read_lines(tmp_path / "strict" / "articles.jsonl")}
    assert statuses == {"empty": "error", "good": "ok"}  # the good one was still processed
    lenient = runner.invoke(
        app, ["run", str(folder), "--out", str(tmp_path / "lenient"), "--model", model]
    )
    assert lenient.exit_code == 0


def test_exit_code_non_zero_only_when_every_article_failed(tmp_path):
    folder = tmp_path / "allbad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    runner = CliRunner()
    result = runner.invoke(
        app, ["run", str(folder), "--out", str(tmp_path / "out"), "--model", str(tmp_path / "none")]
    )
    assert result.exit_code == 1
    assert [s["status"] for s in read_lines(tmp_path / "out" / "articles.jsonl")] == [
        "error",
        "error",
    ]


def test_encoding_option_decodes_and_jsonl_broken_line_is_one_error(tmp_path):
    folder = tmp_path / "cp"
    folder.mkdir()
    (folder / "win.txt").write_bytes(
        "Union attacks pay plan\n\n\u201cIt is an insult to staff,\u201d said Lena Cross, the union\u2019s general secretary.\n".encode(
            "cp1252"
        )
    )
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "run",
            str(folder),
            "--out",
            str(tmp_path / "out1"),
            "--model",
            str(tmp_path / "none"),
            "--encoding",
            "cp1252",
            "--strict",
        ],
    )
    assert result.exit_code == 0, result.output
    status = read_lines(tmp_path / "out1" / "articles.jsonl")[0]
    assert status["status"] == "ok"
    assert "\u201cIt is an insult" in (tmp_path / "out1" / "texts" / "win.txt").read_text(
        encoding="utf-8"
    )

    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text(
        json.dumps({"id": "one", "text": article(2)})
        + "\n"
        + '{"id": "two", "text": "broken\n'
        + json.dumps({"id": "three", "text": article(3)})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["run", str(jsonl), "--out", str(tmp_path / "out2"), "--model", str(tmp_path / "none")]
    )
    assert result.exit_code == 0, result.output
    statuses = read_lines(tmp_path / "out2" / "articles.jsonl")
    assert [(s["id"], s["status"]) for s in statuses] == [
        ("one", "ok"),
        ("line-2", "error"),
        ("three", "ok"),
    ]
    assert "articles.jsonl:2" in statuses[1]["error"]


def test_final_phase_copies_give_the_same_matrix_and_networks(tmp_path):
    """The final phase keeps stance-less quotes without their words; matrix cells, display names,
    moving windows and the statement table must not change."""
    from pipeline.matrix import build_matrix
    from pipeline.networks import statements
    from pipeline.records import Quote, Stance
    from pipeline.run import final_phase_copy

    quotes = [
        Quote(
            article="a1",
            id="q1",
            start=0,
            end=10,
            text="We back it.",
            kind="direct",
            speaker="Jo Byrne",
            organisation="Kin First",
            stances=(Stance("t1", "support", score=0.9),),
            extra={"context": "x" * 500},
        ),
        Quote(
            article="a0",
            id="q1",
            start=5,
            end=30,
            text="Nothing on any target here.",
            kind="direct",
            speaker="JO BYRNE",
            organisation="Kin First",
            extra={"context": "y" * 500},
        ),
        Quote(
            article="a0",
            id="q2",
            start=40,
            end=60,
            text="Not that either.",
            kind="indirect",
            speaker="Jo Byrne",
        ),
        Quote(
            article="a2",
            id="q1",
            start=0,
            end=9,
            text="It fails.",
            kind="direct",
            organisation="Kin First",
            stances=(Stance("t1", "oppose"),),
        ),
    ]
    dates = {"a0": "2023-01-01", "a1": "2023-02-15", "a2": "2023-04-20"}
    slim = [final_phase_copy(q) for q in quotes]
    assert slim[0] == quotes[0] and slim[0].text == "We back it." and slim[0].extra == {}
    assert slim[1].text == "" and slim[1].extra == {} and slim[1].speaker == "JO BYRNE"
    for window in (None, "moving:30d:30d", "2023-02-01"):
        assert build_matrix(slim, dates=dates, window=window) == build_matrix(
            quotes, dates=dates, window=window
        )
    assert statements(slim, dates=dates).equals(statements(quotes, dates=dates))
