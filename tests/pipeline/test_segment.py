"""Segmentation on hand-made pages: roles from general layout cues."""

from __future__ import annotations

from pathlib import Path

from pipeline.records import Article
from pipeline.segment import segment_article, split_paragraphs

PAGE = """News

Town hall approves new river crossing after long debate

The council voted on Tuesday to build a second bridge, ending a decade of argument about traffic in the old town.

Photo: a view of the river at dusk (Credit: Jane Roe)

Councillors met for four hours before the vote, and several residents spoke against the plan during the public session.

The new bridge will cost £40m and is expected to open in 2027, according to the council's own estimates published last month.

Funding questions

Opponents say the money would be better spent on buses, and a petition against the crossing has gathered 3,000 names.

Share

Related articles
Bus fares frozen for another year
Library to open on Sundays
Market traders count the cost of road works

Subscribe to our newsletter for the latest local news

4 comments

Maria Lopez 12 March 2024 at 9:14 am
This is a waste of money and nobody asked the people who actually live here.

Reply
"""


def roles(text: str, title: str | None = None) -> dict[str, str]:
    article = Article(id="p", text=text, title=title)
    return {text[s.start : s.end]: s.role for s in segment_article(article)}


def test_paragraph_offsets_cover_lines():
    text = "First line here.\n\n  Second, indented.\nThird line.\n"
    spans = split_paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["First line here.", "Second, indented.", "Third line."]


def test_hard_wrapped_lines_are_joined():
    text = (
        "This sentence was wrapped by an old\ntext editor and goes on.\nA new sentence starts here."
    )
    spans = split_paragraphs(text)
    assert [text[s:e] for s, e in spans] == [
        "This sentence was wrapped by an old\ntext editor and goes on.",
        "A new sentence starts here.",
    ]


def test_roles_on_a_page():
    r = roles(PAGE)
    assert r["Town hall approves new river crossing after long debate"] == "heading"
    assert r["News"] in ("heading", "boilerplate")
    # the standfirst right under the headline is not body
    assert (
        r[
            "The council voted on Tuesday to build a second bridge, ending a decade of argument about traffic in the old town."
        ]
        == "heading"
    )
    assert r["Photo: a view of the river at dusk (Credit: Jane Roe)"] == "caption"
    assert (
        r[
            "Councillors met for four hours before the vote, and several residents spoke against the plan during the public session."
        ]
        == "body"
    )
    assert r["Funding questions"] == "heading"
    assert (
        r[
            "Opponents say the money would be better spent on buses, and a petition against the crossing has gathered 3,000 names."
        ]
        == "body"
    )
    assert r["Share"] == "boilerplate"
    assert r["Library to open on Sundays"] == "boilerplate"
    assert r["Subscribe to our newsletter for the latest local news"] == "boilerplate"
    assert r["4 comments"] == "comment"
    assert r["Maria Lopez 12 March 2024 at 9:14 am"] == "comment"
    assert (
        r["This is a waste of money and nobody asked the people who actually live here."]
        == "comment"
    )


def test_every_paragraph_has_a_role_and_index():
    article = Article(id="p", text=PAGE)
    segments = segment_article(article)
    assert [s.index for s in segments] == list(range(len(segments)))
    assert all(s.article == "p" for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert sum(s.role == "body" for s in segments) == 3


def test_repeated_blocks_and_job_adverts_are_not_body():
    text = (
        "Ferry service cut to three sailings a day\n\n"
        "Ferry service cut to three sailings a day\n\n"
        "The operator said the winter timetable would start next week and run until the end of March next year.\n\n"
        "Island residents have been told to book early, as the reduced service is expected to fill up quickly at weekends.\n\n"
        "Job of the week\n\n"
        "Harbour Master\n\n"
        "£32,000 - £36,500\n\n"
        "Apply now\n"
    )
    r = roles(text)
    assert r["Ferry service cut to three sailings a day"] == "heading"
    assert r["Job of the week"] == "boilerplate"
    assert r["£32,000 - £36,500"] == "boilerplate"
    assert r["Harbour Master"] == "boilerplate"


def test_metadata_title_marks_the_headline_and_body_follows_a_byline():
    text = (
        "Latest\n\n"
        "Schools to get new heating systems\n\n"
        "By Sam Reed, 3 May 2024\n\n"
        "Every school in the county will have its boilers replaced by 2026, the education committee has said.\n\n"
        "The work will start with the oldest buildings in the north of the county.\n"
    )
    r = roles(text, title="Schools to get new heating systems")
    assert r["Schools to get new heating systems"] == "heading"
    assert (
        r[
            "Every school in the county will have its boilers replaced by 2026, the education committee has said."
        ]
        == "body"
    )


def test_empty_article_gives_no_segments():
    assert segment_article(Article(id="e", text="")) == []


def test_standfirst_with_known_title_needs_evidence():
    text = (
        "Council backs new cycle lanes\n\n"
        "The council has backed new cycle lanes across the city centre.\n\n"
        "The council voted on Monday to back a network of new cycle lanes across the city centre, at a cost of £3m.\n\n"
        "Work will begin in the spring and take two years.\n"
    )
    r = roles(text, title="Council backs new cycle lanes")
    # restated by the next paragraph: a standfirst
    assert r["The council has backed new cycle lanes across the city centre."] == "heading"
    lede = (
        "Council backs new cycle lanes\n\n"
        "Shops on the high street fear a loss of trade during months of building work.\n\n"
        "The council voted on Monday to back a network of new cycle lanes across the city centre, at a cost of £3m.\n"
    )
    r = roles(lede, title="Council backs new cycle lanes")
    assert (
        r["Shops on the high street fear a loss of trade during months of building work."] == "body"
    )


def test_a_byline_date_above_the_first_paragraph_is_not_a_comment_thread():
    text = (
        "Opinion\n\nWe will test before we scale\n\nJo Marsh\nSun 5 Feb 2023 07.00 GMT\n\n"
        "Last week we published our strategy for children's social care, and I am proud of it.\n\n"
        "Some say the money is not enough. I understand the frustration, but untested reforms "
        "would be a gamble with public money."
    )
    roles = [s.role for s in segment_article(Article(id="t", text=text))]
    assert roles[-2:] == ["body", "body"]


def test_a_related_articles_box_in_mid_article_does_not_end_the_story():
    story = (
        "The council voted on Tuesday to keep all three ferry routes open for another year, "
        "after a six-hour debate in the chamber."
    )
    after = (
        "Ann Lowe, who chairs the islanders' association, said the decision was a relief for "
        "families who cross every day to work and school."
    )
    text = (
        f"Ferries saved for a year\n\n{story}\n\n{story.replace('Tuesday', 'Monday')}\n\n"
        f"{story.replace('three', 'four')}\n\nRelated articles\n\n"
        "- Fares to rise in spring\n\n"
        f"- Night crossing cut\n\n{after}\n\n{after.replace('Ann Lowe', 'Bill Pike')}\n\n"
        "Comments (2)\n\nSam · 2 May 2024 at 9:12 am\n\nAbout time."
    )
    segments = segment_article(Article(id="t", text=text))
    roles = {text[s.start : s.end][:12]: s.role for s in segments}
    assert roles["Related arti"] == "boilerplate" and roles["- Fares to r"] == "boilerplate"
    assert roles["Ann Lowe, wh"] == "body" and roles["Bill Pike, w"] == "body"
    assert roles["About time."] == "comment"


def test_the_page_furniture_words_are_the_lexicons(tmp_path):
    from pipeline.lexicon import load_lexicon_file, using
    from pipeline.segment import is_page_furniture

    path = tmp_path / "lexicon.yaml"
    path.write_text(
        "furniture_lines:\n  add: ['Support our journalism ...']\n  remove: [share]\n"
        "comment_headers: [Have your say]\n"
        "photo_agencies: [Harbour Pictures]\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    lexicon = load_lexicon_file(path, problems)
    assert problems == []
    lines = ["Support our journalism today!", "Share:", "Read more about the ferry", "Shares"]
    # "...": a line that starts with the words; others are whole lines, trailing punctuation aside
    assert [is_page_furniture(line) for line in lines] == [False, True, True, False]
    text = (
        "Ferry fares to rise in spring\n\n"
        "The harbour at dawn. Harbour Pictures\n\n"
        "Islanders say the rise will cost a family that crosses daily more than £400 a year.\n\n"
        "The operator said fuel costs had doubled since the last rise three years ago.\n\n"
        "Have your say (3)\n\n"
        "Jo Marsh 2 May 2024 at 9:12 am\n\n"
        "Not again."
    )
    bundled = roles(text)
    with using(lexicon):
        assert [is_page_furniture(line) for line in lines] == [True, False, True, False]
        domain = roles(text)
    assert bundled["The harbour at dawn. Harbour Pictures"] == "heading"
    assert domain["The harbour at dawn. Harbour Pictures"] == "caption"
    assert bundled["Have your say (3)"] == "heading"
    assert [domain[p] for p in ("Have your say (3)", "Jo Marsh 2 May 2024 at 9:12 am")] == [
        "comment",
        "comment",
    ]


def test_the_bundled_domain_adds_the_uk_news_agency_to_the_picture_credits():
    from pipeline.domain import load_domain
    from pipeline.lexicon import using

    page = (
        "Ferry fares to rise in spring\n\n"
        "Islanders say the rise will cost a family that crosses daily more than £400 a year.\n\n"
        "The harbour at dawn. PA Media\n\n"
        "The operator said fuel costs had doubled since the last rise three years ago.\n"
    )
    assert roles(page)["The harbour at dawn. PA Media"] == "caption"
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny_domain"
    with using(load_domain(tiny).lexicon):  # another country's debate does not know PA
        assert roles(page)["The harbour at dawn. PA Media"] == "heading"


def test_a_picture_agency_makes_a_caption_only_where_a_credit_stands():
    page = (
        "Ferry fares to rise in spring\n\n"
        "LONDON, May 2 (Reuters) - Ferry fares will rise by a fifth in spring, the operator said on Thursday.\n\n"
        "The Association of Ferry Passengers (AFP), which represents islanders, welcomed the review but warned of the cost.\n\n"
        "The harbour at dawn. Photograph by Jo Roe/Reuters\n\n"
        "Passengers queue at the terminal (Getty Images)\n\n"
        "The operator said fuel costs had doubled since the last rise three years ago.\n"
    )
    found = roles(page)
    assert (
        found[
            "LONDON, May 2 (Reuters) - Ferry fares will rise by a fifth in spring, the operator said on Thursday."
        ]
        == "body"
    )
    assert (
        found[
            "The Association of Ferry Passengers (AFP), which represents islanders, welcomed the review but warned of the cost."
        ]
        == "body"
    )
    assert found["The harbour at dawn. Photograph by Jo Roe/Reuters"] == "caption"
    assert found["Passengers queue at the terminal (Getty Images)"] == "caption"


def test_a_long_line_of_links_under_a_furniture_label_is_boilerplate():
    page = (
        "Ferry fares to rise in spring\n\n"
        "Islanders say the rise will cost a family that crosses daily more than £400 a year.\n\n"
        "The operator said fuel costs had doubled since the last rise three years ago.\n\n"
        "Read more: What the ferry review said about island families | Explainer: how the new night crossings will work\n\n"
        "Related: Operators split over the regulator's call for fare caps | Night crossings top 1,000 a week\n"
    )
    found = roles(page)
    assert (
        found[
            "Read more: What the ferry review said about island families | Explainer: how the new night crossings will work"
        ]
        == "boilerplate"
    )
    assert (
        found[
            "Related: Operators split over the regulator's call for fare caps | Night crossings top 1,000 a week"
        ]
        == "boilerplate"
    )
    assert (
        found["The operator said fuel costs had doubled since the last rise three years ago."]
        == "body"
    )


def test_a_quote_told_to_an_agency_is_no_caption():
    page = (
        "Ferry fares to rise in spring\n\n"
        "Islanders say the rise will cost a family that crosses daily more than £400 a year.\n\n"
        "“This party is not divided,” Senator Jo Marsh, a close adviser to the operator, told AFP.\n\n"
        "The harbour at dawn. AFP\n"
    )
    found = roles(page)
    assert (
        found[
            "“This party is not divided,” Senator Jo Marsh, a close adviser to the operator, told AFP."
        ]
        == "body"
    )
    assert found["The harbour at dawn. AFP"] == "caption"


def test_an_interviews_editing_note_ends_the_article():
    page = (
        "Ferry chief: we will keep the night crossings\n\n"
        "Rosa Vane runs Northfield Ferries.\n\n"
        "Will the night crossings survive?\n\n"
        "Yes. We will keep them, whatever the fuel costs.\n\n"
        "This interview has been edited for length and clarity.\n\n"
        "More interviews: the harbour master on dredging | A year on the night boat\n"
    )
    found = roles(page)
    assert found["Yes. We will keep them, whatever the fuel costs."] == "body"
    assert found["This interview has been edited for length and clarity."] != "body"
    assert (
        found["More interviews: the harbour master on dredging | A year on the night boat"]
        != "body"
    )


def test_a_time_stamp_alone_is_no_commenter_line():
    from pipeline.segment import is_time_stamp

    assert is_time_stamp("4:09 PM · Feb 2, 2023") and is_time_stamp("14:32")
    assert not is_time_stamp("Bea May 2, 2022 at 9:30 pm")
    page = """The Harbourside Ledger

Ferry strategy published: live

The department published its ferry strategy this morning, with £12m for crossings and a review of timetables by 2025.

Carers' groups, councils and the operators who run the crossings have been reacting all day, and we will bring you the main points.

The strategy keeps the night crossings that island carers use to reach the mainland hospital, but it leaves fares for a review that will not report until next year.

Ada Penhallow @adapen
Night crossings saved. Good. But nothing on fares, and that is what carers asked for.

4:09 PM · Feb 2, 2023

15:48

The minister told MPs the fares review would report next year, and that councils would be asked for their views before any change.

Operators said they had not yet seen the detail of the timetable review, and would respond once they had read it."""
    roles = [s.role for s in segment_article(Article(id="t", text=page))]
    assert "comment" not in roles and roles[-1] == "body"


def test_paywall_and_newsletter_privacy_lines_are_boilerplate():
    page = (
        "Ferry fares to rise\n\n"
        "The council voted on Tuesday to raise ferry fares by ten per cent from April, ending a "
        "year of argument about the cost of the crossing.\n\n"
        "Councillors met for four hours before the vote, and several residents spoke against the "
        "plan during the public session.\n\n"
        "We will never share your details. See our privacy notice.\n\n"
        "The new fares are expected to raise £2m a year, according to the council's own estimates "
        "published last month.\n\n"
        "You've read 3 of 3 free articles this month. Subscribe to keep reading, from £1.\n\n"
        "Register now to continue reading this article."
    )
    r = roles(page)
    assert r["We will never share your details. See our privacy notice."] == "boilerplate"
    assert (
        r["You've read 3 of 3 free articles this month. Subscribe to keep reading, from £1."]
        == "boilerplate"
    )
    assert r["Register now to continue reading this article."] == "boilerplate"
