import json

from pipeline.corpus import InputProblem
from pipeline.records import Article
from pipeline.workdir import chunks, is_done, pending, prepare_work, text_hash, write_record


def _ok_record(article: Article) -> dict:
    return {
        "status": {"id": article.id, "status": "ok"},
        "segments": [],
        "quotes": [],
        "hash": text_hash(article),
    }


def test_pending_splits_problems_done_and_todo(tmp_path):
    done = Article(id="a", text="Done before.")
    edited = Article(id="b", text="Changed since.")
    fresh = Article(id="c", text="New.")
    write_record(tmp_path, "a", _ok_record(done))
    write_record(tmp_path, "b", _ok_record(Article(id="b", text="The old text.")))
    said = []
    todo, resumed = pending(
        [done, edited, InputProblem(id="d", source="d.txt", error="d.txt: empty file"), fresh],
        tmp_path,
        progress=said.append,
    )
    assert [a.id for a in todo] == ["b", "c"]  # b's text changed, so its record does not count
    assert resumed == 1
    assert said == ["error: d.txt: empty file"]
    record = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert record["status"]["status"] == "error" and record["quotes"] == []


def test_an_error_record_is_not_done_and_a_broken_one_is_retried(tmp_path):
    article = Article(id="x", text="Some text.")
    write_record(
        tmp_path,
        "x",
        {**_ok_record(article), "status": {"id": "x", "status": "error", "error": "boom"}},
    )
    assert not is_done(tmp_path, article)
    (tmp_path / "x.json").write_text('{"status": ', encoding="utf-8")  # cut short by a kill
    assert not is_done(tmp_path, article)
    write_record(tmp_path, "x", _ok_record(article))
    assert is_done(tmp_path, article)


def test_prepare_work_keeps_records_for_the_same_config_only(tmp_path):
    work = tmp_path / "work"
    said = []
    prepare_work(work, {"options": 1}, said.append)
    (work / "a.json").write_text("{}", encoding="utf-8")
    prepare_work(work, {"options": 1}, said.append)
    assert (work / "a.json").exists() and said == []
    prepare_work(work, {"options": 2}, said.append)
    assert not (work / "a.json").exists()
    assert len(said) == 1 and "starting afresh" in said[0]


def test_chunks_keep_order_and_the_short_tail():
    assert list(chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []
