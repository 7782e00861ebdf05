from pipeline.jsonl import read_good_records, write_jsonl
from pipeline.records import ArticleStatus


def test_read_good_records_keeps_good_lines_and_names_bad_ones(tmp_path):
    path = tmp_path / "articles.jsonl"
    write_jsonl(
        path,
        [
            ArticleStatus(id="a", status="ok"),
            ArticleStatus(id="b", status="error", error="empty file"),
        ],
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"id": "c", "status": \n')
    records, problems = read_good_records(path, ArticleStatus, if_missing="dates unknown")
    assert [(r.id, r.status) for r in records] == [("a", "ok"), ("b", "error")]
    assert len(problems) == 1 and "articles.jsonl" in problems[0] and ":3" in problems[0]


def test_read_good_records_says_what_a_missing_file_means(tmp_path):
    records, problems = read_good_records(
        tmp_path / "articles.jsonl", ArticleStatus, if_missing="dates unknown"
    )
    assert records == [] and problems == [f"{tmp_path / 'articles.jsonl'}: missing; dates unknown"]
