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


def test_the_run_config_changes_with_the_code(tmp_path):
    from pipeline.run import RunOptions
    from pipeline.workdir import code_hash, run_config, source_hash

    config = run_config(tmp_path, RunOptions(model=None))
    assert config["code_hash"] == code_hash() and len(config["code_hash"]) == 64
    tree = tmp_path / "tree"
    (tree / "pipeline" / "assets").mkdir(parents=True)
    (tree / "models").mkdir()
    (tree / "pipeline" / "quotes.py").write_text("RULE = 1\n", encoding="utf-8")
    (tree / "pipeline" / "assets" / "lexicon_en.yaml").write_text("a: [b]\n", encoding="utf-8")
    (tree / "pipeline" / "notes.txt").write_text("not code\n", encoding="utf-8")
    before = source_hash(tree)
    (tree / "pipeline" / "notes.txt").write_text("still not code\n", encoding="utf-8")
    assert source_hash(tree) == before
    (tree / "pipeline" / "assets" / "lexicon_en.yaml").write_text("a: [c]\n", encoding="utf-8")
    after_words = source_hash(tree)
    (tree / "pipeline" / "quotes.py").write_text("RULE = 2\n", encoding="utf-8")
    assert len({before, after_words, source_hash(tree)}) == 3
