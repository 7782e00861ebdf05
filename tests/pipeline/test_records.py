"""Records: the codebook record shape round-trips, and bad records fail with a reason."""

from __future__ import annotations

import json

import pytest

from pipeline.records import (
    Article,
    MatrixCell,
    Quote,
    RecordError,
    Segment,
    Segmented,
    Stance,
    parse_lines,
)

LINE = {
    "article": "a1",
    "id": "q01",
    "start": 10,
    "end": 30,
    "text": "x" * 20,
    "kind": "mixed",
    "speaker": "Ann Lee",
    "organisation": "Town Council",
    "speaker_start": 0,
    "speaker_end": 7,
    "cue": "said",
    "stances": [{"target": "t1", "stance": "support"}],
    "annotator": "passA",
}


def test_quote_round_trip_keeps_extra_fields_and_key():
    quote = Quote.from_json(LINE)
    assert quote.stances == (Stance("t1", "support"),)
    assert quote.extra == {"annotator": "passA"}
    assert quote.key == "a1#q01"
    assert quote.to_json() == LINE


def test_quote_spans_round_trip_as_lists_after_the_other_keys():
    line = {**LINE, "paragraph_span": [0, 40], "sentence_span": [5, 32]}
    quote = Quote.from_json(line)
    assert quote.paragraph_span == (0, 40) and quote.sentence_span == (5, 32)
    assert quote.extra == {"annotator": "passA"}
    assert quote.to_json() == line
    assert list(quote.to_json())[-3:] == ["annotator", "paragraph_span", "sentence_span"]


def test_quotes_without_spans_load_and_write_as_before():
    quote = Quote.from_json(LINE)
    assert quote.paragraph_span is None and quote.sentence_span is None
    assert "paragraph_span" not in quote.to_json()
    assert json.dumps(quote.to_json()) == json.dumps(LINE)


@pytest.mark.parametrize(
    "span, message",
    [([3], "pair"), ([1.5, 4], "pair"), ([9, 4], "not ordered"), ("0-4", "pair")],
)
def test_bad_spans_are_rejected_with_the_reason(span, message):
    with pytest.raises(RecordError, match=f"paragraph_span.*{message}"):
        Quote.from_json({**LINE, "paragraph_span": span})


def test_segmented_holds_its_segments_as_a_tuple():
    article = Article(id="a", text="One line.")
    segmented = Segmented(article, [Segment(article="a", start=0, end=9, role="body")])
    assert segmented.segments == (Segment(article="a", start=0, end=9, role="body"),)


def test_stance_score_is_written_only_when_present():
    assert Stance("t", "oppose").to_json() == {"target": "t", "stance": "oppose"}
    assert Stance("t", "oppose", 0.75).to_json()["score"] == 0.75


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "paraphrase"}, "kind"),
        ({"start": 30, "end": 30}, "non-empty"),
        ({"stances": [{"target": "t1", "stance": "favour"}]}, "stance"),
        ({"speaker_start": 3, "speaker_end": None}, "both"),
    ],
)
def test_invalid_quotes_are_rejected_with_the_reason(change, message):
    with pytest.raises(RecordError, match=message):
        Quote.from_json({**LINE, **change})


def test_parse_lines_reports_file_and_line():
    lines = [json.dumps(LINE), "{broken", "", json.dumps({**LINE, "kind": "x"})]
    results = list(parse_lines(lines, Quote, where="gold.jsonl"))
    assert [n for n, _ in results] == [1, 2, 4]
    assert isinstance(results[0][1], Quote)
    assert str(results[1][1]).startswith("gold.jsonl:2: not valid JSON")
    assert str(results[2][1]).startswith("gold.jsonl:4:")


def test_segment_and_matrix_cell_validate_their_enums():
    assert Segment.from_json(
        {"article": "a", "start": 0, "end": 5, "role": "body", "sentences": [[0, 5]]}
    ).sentences == ((0, 5),)
    with pytest.raises(RecordError):
        Segment(article="a", start=0, end=5, role="sidebar")
    with pytest.raises(RecordError):
        MatrixCell(actor="X", actor_kind="group", target="t")


def test_actor_table_drops_ambiguous_aliases_and_keeps_canonical_names():
    from pipeline.resources import Actor, ActorTable

    table = ActorTable(
        (
            Actor("Ann Lee", "person", aliases=("former minister", "Lee")),
            Actor("Bo Ray", "person", aliases=("former minister",)),
            Actor("Cy Dunn", "person", aliases=("former minister",)),
            Actor("British Association of Social Workers", "organisation", aliases=("BASW",)),
        )
    )
    assert table.lookup("former minister") is None
    assert table.lookup("lee").name == "Ann Lee"
    assert table.canonical_organisation("BASW") == "British Association of Social Workers"
    assert table.canonical_organisation("Unknown Trust") == "Unknown Trust"
