"""Regenerate the hand-made fixtures (invented articles, written for these tests).

Run from the repository root: .venv/bin/python tests/evaluation/data/labelstudio/make_fixtures.py
Offsets are found with str.index on the texts below, so they are exact by construction.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent

ART1 = (
    "Councils cautious over kinship pledge\n"
    "\n"
    "Ministers have promised a new allowance for kinship carers in a handful of pilot areas.\n"
    "\n"
    "“This is a welcome first step for grandparents who step in,” said Priya Nandakumar, "
    "director of the Kinship Families Trust. “But a pilot in eight areas will not reach most of them.”\n"
    "\n"
    "Tom Oduya, a spokesperson for the Local Government Association, said councils needed "
    "“long-term, ring-fenced money” before they could plan for the change.\n"
    "\n"
    "Nandakumar added that the plan to merge early help and child-in-need work could free up social workers.\n"
    "\n"
    "Readers’ comments are closed.\n"
)

ART2 = (
    "Panel: what should replace reviewing officers?\n"
    "\n"
    "Dr Helen Marsh, chair, Northshire Safeguarding Partnership\n"
    "\n"
    "Scrapping independent reviewing officers removes a safeguard children trust. 😟 "
    "We should keep them until advocacy is in place.\n"
    "\n"
    "The Department for Education said it would publish a consultation on the proposal in spring.\n"
)


def span(text, piece, after=0):
    start = text.index(piece, after)
    return start, start + len(piece)


def quote(
    article,
    text,
    qid,
    piece,
    kind,
    *,
    speaker=None,
    organisation=None,
    mention=None,
    mention_after=0,
    cue=None,
    stances=(),
    after=0,
):
    start, end = span(text, piece, after)
    record = {
        "article": article,
        "id": qid,
        "start": start,
        "end": end,
        "text": text[start:end],
        "kind": kind,
        "speaker": speaker,
        "organisation": organisation,
        "speaker_start": None,
        "speaker_end": None,
        "cue": cue,
        "stances": [dict(s) for s in stances],
    }
    if mention:
        record["speaker_start"], record["speaker_end"] = span(text, mention, mention_after)
    return record


def main():
    (HERE / "texts").mkdir(exist_ok=True)
    arts = {"art_kinship": ART1, "art_panel": ART2}
    for name, text in arts.items():
        (HERE / "texts" / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    a, b = "art_kinship", "art_panel"
    pn = ART1.index("Priya Nandakumar")
    quotes = [
        quote(
            a,
            ART1,
            "q01",
            "This is a welcome first step for grandparents who step in,",
            "direct",
            speaker="Priya Nandakumar",
            organisation="Kinship Families Trust",
            mention="Priya Nandakumar",
            cue="said",
            stances=[
                {"target": "kinship-carer-financial-support", "stance": "support", "score": 0.81}
            ],
        ),
        quote(
            a,
            ART1,
            "q02",
            "But a pilot in eight areas will not reach most of them.",
            "direct",
            speaker="Priya Nandakumar",
            organisation="Kinship Families Trust",
            mention="Priya Nandakumar",
            stances=[
                {"target": "kinship-carer-financial-support", "stance": "oppose", "score": 0.55}
            ],
        ),
        quote(
            a,
            ART1,
            "q03",
            "councils needed “long-term, ring-fenced money” before they could plan for the change",
            "mixed",
            speaker="Tom Oduya",
            organisation="Local Government Association",
            mention="Tom Oduya",
            cue="said",
            stances=[],
        ),
        quote(
            a,
            ART1,
            "q04",
            "the plan to merge early help and child-in-need work could free up social workers",
            "indirect",
            speaker="Priya Nandakumar",
            organisation="Kinship Families Trust",
            mention="Nandakumar",
            mention_after=pn + 20,
            cue="added",
            stances=[
                {
                    "target": "merge-early-help-and-child-in-need",
                    "stance": "support",
                    "score": 0.62,
                },
                {
                    "target": "social-worker-workload-and-retention",
                    "stance": "neutral",
                    "score": 0.4,
                },
            ],
        ),
        quote(
            b,
            ART2,
            "q01",
            "Scrapping independent reviewing officers removes a safeguard children trust. 😟 We should keep them until advocacy is in place.",
            "block",
            speaker="Helen Marsh",
            organisation="Northshire Safeguarding Partnership",
            mention="Dr Helen Marsh",
            stances=[
                {
                    "target": "abolish-independent-reviewing-officers",
                    "stance": "oppose",
                    "score": 0.9,
                },
                {"target": "opt-out-independent-advocacy", "stance": "support", "score": 0.7},
            ],
        ),
        quote(
            b,
            ART2,
            "q02",
            "it would publish a consultation on the proposal in spring",
            "indirect",
            speaker=None,
            organisation="Department for Education",
            mention="The Department for Education",
            cue="said",
            stances=[],
        ),
    ]
    with open(HERE / "quotes.jsonl", "w", encoding="utf-8") as handle:
        for record in quotes:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(HERE / "articles.jsonl", "w", encoding="utf-8") as handle:
        for name, text in arts.items():
            handle.write(
                json.dumps(
                    {"id": name, "status": "ok", "title": text.split("\n")[0], "n_chars": len(text)}
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
