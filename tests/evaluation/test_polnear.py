"""The PolNeAR probe on a hand-made folder in its layout (no PolNeAR data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.polnear import cue_class, match, probe, read_split, source_class
from pipeline.records import Quote

TEXT = (
    "Jane Roe said the bridge would open in May. "
    "Voters fear the tolls will rise. "
    "He told reporters that funding was secure."
)
# offsets of the pieces above
SAID_CONTENT = (TEXT.index("the bridge"), TEXT.index(" in May") + len(" in May"))
FEAR_CONTENT = (TEXT.index("the tolls"), TEXT.index("rise") + len("rise"))
TOLD_CONTENT = (TEXT.index("funding"), TEXT.index("secure") + len("secure"))


def _ann() -> str:
    def t(n, label, span, text=None):
        s, e = span
        return f"T{n}\t{label} {s} {e}\t{text if text is not None else TEXT[s:e]}"

    jane = (0, 8)
    said = (9, 13)
    voters = (TEXT.index("Voters"), TEXT.index("Voters") + 6)
    fear = (voters[1] + 1, voters[1] + 5)
    he = (TEXT.index("He told"), TEXT.index("He told") + 2)
    told = (he[1] + 1, he[1] + 5)
    return "\n".join(
        [
            t(1, "Source", jane),
            t(2, "Cue", said),
            t(3, "Content", SAID_CONTENT),
            "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
            t(4, "Source", voters),
            t(5, "Cue", fear),
            t(6, "Content", FEAR_CONTENT),
            "E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4",
            t(7, "Source", he),
            t(8, "Cue", told),
            t(9, "Content", TOLD_CONTENT),
            "E3\tAttribution:T8 Content:T9 Cue:T8 Source:T7",
        ]
    )


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir(parents=True)
    (tmp_path / "dev" / "text" / "paper_a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "paper_a_x1.ann").write_text(_ann(), encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text(
        "compartment\tfilename\tpublisher\ndev\tpaper_a\tThe Paper\n", encoding="utf-8"
    )
    return tmp_path


def test_cue_and_source_classes():
    assert cue_class("said") == "say"
    assert cue_class("has told") == "tell"
    assert cue_class("according to") == "according to"
    assert cue_class("warned") == "other speech"
    assert cue_class("fear") == "not speech"
    assert source_class("Jane Roe") == "name"
    assert source_class("he") == "pronoun"
    assert source_class("The officials") == "nominal"
    assert source_class("") == "none"
    # sentence case is not a name; a word the article capitalises mid-sentence is
    assert source_class("Voters", names_in_article=frozenset({"Trump"})) == "nominal"
    assert source_class("Trump", names_in_article=frozenset({"Trump"})) == "name"


def test_read_split_keeps_relations_and_publisher(folder: Path):
    (article,) = read_split(folder, "dev")
    assert article.publisher == "The Paper"
    assert [(a.cue_class, a.source_class, a.comparable) for a in article.attributions] == [
        ("say", "name", True),
        ("not speech", "nominal", False),
        ("tell", "pronoun", True),
    ]


def test_read_split_names_the_missing_folder(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="dev/text"):
        read_split(tmp_path, "dev")


def _quote(start: int, end: int, speaker: str | None, ss=None, se=None) -> Quote:
    return Quote(
        article="paper_a",
        id="q",
        start=start,
        end=end,
        text=TEXT[start:end],
        kind="indirect",
        speaker=speaker,
        speaker_start=ss,
        speaker_end=se,
    )


def test_probe_recall_speaker_and_precision(folder: Path):
    articles = read_split(folder, "dev")
    # finds Jane Roe's quote with her name, the "told" quote with no speaker, and one false alarm
    predicted = [
        _quote(*SAID_CONTENT, "Jane Roe", 0, 8),
        _quote(TOLD_CONTENT[0], TOLD_CONTENT[1], None),
        _quote(TEXT.index("Voters"), TEXT.index("Voters") + 6, None),
    ]
    result = probe(articles, lambda batch: {"paper_a": predicted}, sample=5)
    assert result["n_comparable"] == 2
    assert result["comparable"] == {"n": 2, "recall": 1.0, "recall_with_speaker": 0.5}
    assert result["by_cue_class"]["tell"]["recall_with_speaker"] == 0.0
    assert result["by_publisher"]["The Paper"]["n"] == 2
    assert result["all_attributions"]["recall"] == pytest.approx(2 / 3)
    assert result["precision_indicative"] == pytest.approx(2 / 3)
    assert [r["text"] for r in result["unmatched_sample"]] == ["Voters"]


def test_match_is_one_to_one_on_half_overlap():
    articles_attr = [
        type("A", (), {"content": ((0, 10),)})(),
        type("A", (), {"content": ((0, 10),)})(),
    ]
    quotes = [_quote(0, 8, None)]
    assert list(match(articles_attr, quotes)) == [0]
    assert match(articles_attr, [_quote(8, 30, None)]) == {}
