"""The benchmark's pieces: corpus replication, child-process measurement, the Markdown table."""

from __future__ import annotations

import json
import sys

from evaluation.bench import instruction_sets, markdown, measure, replicate_corpus


def test_replicate_corpus_cycles_seeds_with_unique_ids(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "one.txt").write_text("First article.\n", encoding="utf-8")
    (seeds / "two.txt").write_text("Second article.\n", encoding="utf-8")
    (seeds / "bad.txt").write_bytes(b"")  # unreadable seeds are skipped
    out = replicate_corpus(seeds, 5, tmp_path / "c.jsonl")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [
        "one-r00000",
        "two-r00000",
        "one-r00001",
        "two-r00001",
        "one-r00002",
    ]
    assert [r["text"] for r in rows][:2] == ["First article.\n", "Second article.\n"]


def test_measure_reports_the_childs_own_peak_memory():
    small = measure([sys.executable, "-c", "import time; time.sleep(1.5); print('hi')"])
    big = measure(
        [
            sys.executable,
            "-c",
            "import time; x = b'x' * (300 * 1024 * 1024); time.sleep(1.5); print(len(x))",
        ]
    )
    assert small["returncode"] == 0 and small["stdout"].strip() == "hi"
    assert (
        big["peak_rss_mib"] >= 300 > small["peak_rss_mib"]
    )  # the child's own memory, not the test process's
    assert big["rss_samples"] and max(sample[1] for sample in big["rss_samples"]) >= 300
    failing = measure([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert failing["returncode"] == 3


def test_markdown_reports_unavailable_textacy_and_errors():
    report = {
        "created": "2026-01-01T00:00:00Z",
        "machine": {
            "cpu": "Test CPU",
            "cores": 2,
            "memory_gib": 8.0,
            "load_average_at_start": [0.1, 0.2, 0.3],
            "python": "3.11",
        },
        "settings": {
            "seeds": "corpus",
            "model": None,
            "batch_size": 8,
            "n_process": 1,
            "chunk_size": 64,
            "engine": "local",
        },
        "sizes": [
            {
                "articles": 10,
                "words": 1000,
                "engine": "local",
                "run": {
                    "wall_seconds": 5.0,
                    "peak_rss_mib": 400.0,
                    "articles_per_second": 2.0,
                    "words_per_second": 200.0,
                    "stage_seconds": {"quotes": 3.0, "total": 5.0},
                },
                "parse": {"seconds": 2.5},
                "run_over_parse": 1.6,
                "textacy": {"unavailable": "textacy unavailable (ImportError)"},
                "quotes_over_textacy": None,
            },
            {"articles": 20, "words": 2000, "error": "stancemap run exited 1: boom"},
        ],
    }
    text = markdown(report)
    assert (
        "| 10 | 1,000 | 2.0 | 200.0 | 5.0 | - | 400.0 | 2.5 | 1.6 | - | 3.0 | unavailable | - | - | - |"
        in text
    )
    assert "textacy unavailable (ImportError)" in text
    assert "error: stancemap run exited 1: boom" in text
    assert "Test CPU, 2 cores" in text
    assert "Instruction sets: not recorded." in text
    report["machine"].update(
        instruction_sets=["avx2", "avx512_bf16"], torch_cpu_capability="AVX512", native_bf16=True
    )
    assert "Instruction sets: AVX2, AVX512_BF16; PyTorch dispatches AVX512; bfloat16 native." in (
        markdown(report)
    )
    report["machine"].update(instruction_sets=[], native_bf16=False)
    assert "Instruction sets: none of AVX2, AVX512F" in markdown(report)
    assert "bfloat16 not native (emulated)" in markdown(report)


def test_the_instruction_sets_that_decide_speed_are_read_from_the_cpu_flags():
    found = instruction_sets("fpu sse4_2 avx2 fma avx512f avx512_bf16 amx_tile amx_bf16")
    assert found["instruction_sets"] == ["avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"]
    assert instruction_sets("fpu sse4_2")["instruction_sets"] == []
