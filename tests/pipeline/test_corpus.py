"""Corpus reading: every input becomes an article or one error that names the file and the fix."""

from __future__ import annotations

import json

from pipeline.corpus import InputProblem, iter_corpus


def read(path, **kw):
    return list(iter_corpus(path, **kw))


def test_folder_with_metadata_keeps_text_exactly(tmp_path):
    (tmp_path / "b.txt").write_bytes("Second\r\nline “quoted”\n".encode())
    (tmp_path / "a.txt").write_text("First article.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "id,title,publisher,date,url\na,Title A,Paper,2023-02-02,http://x\n", encoding="utf-8"
    )
    items = read(tmp_path)
    assert [a.id for a in items] == ["a", "b"]
    assert (
        items[0].title == "Title A"
        and items[0].date == "2023-02-02"
        and items[0].publisher == "Paper"
    )
    assert items[1].text == "Second\r\nline “quoted”\n"  # nothing stripped or translated


def test_bad_files_become_problems_naming_file_and_fix(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (tmp_path / "cp.txt").write_bytes("It\x92s fine".encode("latin-1"))
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    items = {i.id: i for i in read(tmp_path)}
    assert isinstance(items["empty"], InputProblem) and "empty file" in items["empty"].error
    assert "binary data" in items["binary"].error
    assert (
        "not UTF-8 (byte 0x92 at 2)" in items["cp"].error
        and "--encoding cp1252" in items["cp"].error
    )
    assert items["ok"].text == "Fine."


def test_encoding_option_decodes_legacy_text(tmp_path):
    (tmp_path / "cp.txt").write_bytes("It\x92s fine".encode("latin-1"))
    [article] = read(tmp_path, encoding="cp1252")
    assert article.text == "It’s fine"


def test_too_long_article_is_refused(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 100, encoding="utf-8")
    [problem] = read(tmp_path, max_chars=50)
    assert isinstance(problem, InputProblem) and "--max-chars" in problem.error


def test_jsonl_broken_line_does_not_lose_the_others(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"id": "x1", "text": "One.", "date": "2022-05-23"})
        + "\n{not json\n"
        + json.dumps({"id": "x1", "text": "dup"})
        + "\n"
        + json.dumps({"id": "x/2", "text": "Two."})
        + "\n",
        encoding="utf-8",
    )
    items = read(path)
    assert [type(i).__name__ for i in items] == [
        "Article",
        "InputProblem",
        "InputProblem",
        "Article",
    ]
    assert items[0].date == "2022-05-23"
    assert items[1].error.startswith(f"{path}:2: not valid JSON")
    assert "duplicate article id" in items[2].error
    assert items[3].id == "x_2"
