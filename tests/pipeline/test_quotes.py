"""Quote extraction, one test per pattern, on sentences written for these tests."""

from __future__ import annotations

import pytest

from pipeline.quote_marks import find_quote_spans
from pipeline.quotes import extract_quotes
from pipeline.records import Article, Segment, Segmented
from pipeline.resources import Actor, ActorTable
from pipeline.segment import segment_article

ACTORS = ActorTable(
    (
        Actor(
            name="Federation of Coastal Councils",
            kind="organisation",
            aliases=("FCC", "the coastal councils' body"),
        ),
        Actor(
            name="Department for Rivers",
            kind="organisation",
            aliases=("the department", "the government"),
        ),
        Actor(
            name="Lena Ortiz",
            kind="person",
            organisation="Department for Rivers",
            aliases=("Ortiz",),
        ),
    )
)


def quotes_of(
    nlp, *paragraphs: str, roles: tuple[str, ...] | None = None, actors: ActorTable = ACTORS
):
    """Quotes of one article made of ``paragraphs`` (all body unless ``roles`` says otherwise)."""
    text = "\n\n".join(paragraphs)
    article = Article(id="t", text=text)
    segments, pos = [], 0
    for i, para in enumerate(paragraphs):
        start = text.index(para, pos)
        role = roles[i] if roles else "body"
        segments.append(
            Segment(article="t", start=start, end=start + len(para), role=role, index=i)
        )
        pos = start + len(para)
    (quotes,) = list(extract_quotes([Segmented(article, segments)], nlp=nlp, actors=actors))
    for q in quotes:
        assert q.text == text[q.start : q.end]
    return quotes


# --- quotation marks ----------------------------------------------------------------------------


def texts(text):
    return [text[s.start : s.end] for s in find_quote_spans(text)]


def test_pairs_curly_double_quotes():
    assert texts("She said “we are ready” and “we are able”.") == ["we are ready", "we are able"]


def test_uk_single_quotes_vs_apostrophes():
    text = "The board’s chair called it a ‘turning point’ for the workers’ pay, didn’t she?"
    assert texts(text) == ["turning point"]


def test_nested_single_inside_double_is_one_quote():
    assert texts("“They called it ‘daft’,” he said.") == ["They called it ‘daft’"]


def test_unclosed_quote_runs_to_paragraph_end():
    assert texts("“This continues into the next paragraph") == [
        "This continues into the next paragraph"
    ]


def test_unbalanced_single_mark_is_ignored():
    assert texts("In the ’90s the rules changed.") == []
    assert texts("It was the board’s ‘plan, they said.") == []


def test_an_unclosed_single_quote_after_a_colon_runs_on_to_the_next_paragraph():
    # UK style: every paragraph of a long quotation opens a mark, only the last one closes
    assert texts("He told the House: ‘The review told us that the money comes too late.") == [
        "The review told us that the money comes too late."
    ]
    assert texts("‘Families will not notice a pilot.") == ["Families will not notice a pilot."]
    assert texts("‘We chose to learn first,’ she said. ‘The noble Lord calls it study.") == [
        "We chose to learn first",
        "The noble Lord calls it study.",
    ]


def test_a_single_quote_paragraph_after_a_colon_is_the_speakers_direct_quote(nlp):
    found = quotes_of(
        nlp,
        "Opening the debate, Lord Ashdown of Thrale, a crossbencher, said the plan was slow.",
        "He told the House: ‘The review told us, in terms, that the crossings fail too late. The "
        "government has accepted that diagnosis.",
        "‘Families in my part of the country will not notice a pilot.’",
    )
    assert [(q.kind, q.speaker, q.text[:22]) for q in found] == [
        ("indirect", "Lord Ashdown of Thrale", "the plan was slow"),
        ("direct", "Lord Ashdown of Thrale", "The review told us, in"),
        ("direct", "Lord Ashdown of Thrale", "Families in my part of"),
    ]


def test_straight_quotes():
    assert texts('He said "no deal" twice.') == ["no deal"]


# --- direct -------------------------------------------------------------------------------------


def test_direct_said_after(nlp):
    (q,) = quotes_of(
        nlp,
        "“We will build more homes for families,” said Priya Natarajan, director of the Housing Forum.",
    )
    assert q.kind == "direct"
    assert q.text == "We will build more homes for families"
    assert q.speaker == "Priya Natarajan"
    assert q.organisation == "Housing Forum"
    assert q.cue == "said"
    assert q.extra["paragraph"] == 0 and "Priya Natarajan" in q.extra["context"]


def test_direct_colon_after_cue(nlp):
    (q,) = quotes_of(
        nlp,
        "Tom Ellery, chair of the Rivers Trust, said: “The water is dirtier than it has ever been.”",
    )
    assert q.kind == "direct"
    assert q.text.startswith("The water is dirtier")
    assert (q.speaker, q.organisation) == ("Tom Ellery", "Rivers Trust")


def test_verbless_colon(nlp):
    quotes = quotes_of(
        nlp,
        "Gareth Lyle, a tenant organiser with the Marsh Estate Residents Group, has lived on the estate for years.",
        "Gareth Lyle: “Nobody asked the tenants what they wanted from the new rules.”",
    )
    assert len(quotes) == 1
    assert quotes[0].speaker == "Gareth Lyle"
    assert quotes[0].cue is None
    assert quotes[0].text.startswith("Nobody asked the tenants")


def test_interrupted_quote_gives_two_quotes_same_speaker(nlp):
    quotes = quotes_of(nlp, "“The plan is late,” Ravi Osei said. “It is also badly underfunded.”")
    assert [q.text for q in quotes] == ["The plan is late", "It is also badly underfunded."]
    assert {q.speaker for q in quotes} == {"Ravi Osei"}


def test_quote_continuing_over_paragraphs(nlp):
    quotes = quotes_of(
        nlp,
        "Helen Marsh, chief executive of the Coastal Trust, said: “We have waited far too long for this decision.",
        "“Families deserve a clear answer before the winter comes.”",
    )
    assert len(quotes) == 2
    assert all(q.speaker == "Helen Marsh" and q.organisation == "Coastal Trust" for q in quotes)
    assert quotes[1].text.startswith("Families deserve")


# --- indirect and mixed -------------------------------------------------------------------------


def test_indirect_that_clause(nlp):
    (q,) = quotes_of(
        nlp, "Mina Castell argues that raising the threshold will not help rural schools."
    )
    assert q.kind == "indirect"
    assert q.text == "raising the threshold will not help rural schools"
    assert q.speaker == "Mina Castell"
    assert q.cue == "argues"


def test_indirect_cue_after_content(nlp):
    quotes = quotes_of(nlp, "Jo Pike runs the clinic.", "A lower age limit is needed, she says.")
    assert len(quotes) == 1
    assert quotes[0].text == "A lower age limit is needed"
    assert quotes[0].speaker == "Jo Pike"


def test_mixed_quote_with_fragment(nlp):
    (q,) = quotes_of(nlp, "Mina Castell said there were “serious gaps” in the funding formula.")
    assert q.kind == "mixed"
    assert q.text == "there were “serious gaps” in the funding formula"


def test_according_to(nlp):
    (q,) = quotes_of(
        nlp, "Class sizes will rise sharply next year, according to the Schools Alliance."
    )
    assert q.kind == "indirect"
    assert q.text == "Class sizes will rise sharply next year"
    assert q.speaker is None and q.organisation == "Schools Alliance"
    assert q.cue == "according to"


def test_participial_saying(nlp):
    quotes = quotes_of(
        nlp, "Jo Pike backed the scheme, saying it would cut waiting times for everyone."
    )
    by_cue = {q.cue: q for q in quotes}
    assert by_cue["saying"].text == "it would cut waiting times for everyone"
    assert by_cue["backed"].text == "the scheme"
    assert all(q.speaker == "Jo Pike" for q in quotes)


def test_participial_calling_it(nlp):
    quotes = quotes_of(
        nlp,
        "Shelterwise, the homelessness charity, runs hostels in three towns.",
        "The charity condemned the proposal, calling it a “reckless and costly gamble”.",
    )
    by_cue = {q.cue: q for q in quotes}
    assert by_cue["calling it"].text == "it a “reckless and costly gamble”"
    assert by_cue["calling it"].kind == "mixed"
    assert by_cue["condemned"].text == "the proposal"
    assert all(q.organisation == "Shelterwise" and q.speaker is None for q in quotes)


def test_evaluative_cue_with_object(nlp):
    (q,) = quotes_of(nlp, "Arun Mehta welcomed the new licensing regime.")
    assert (q.text, q.cue, q.speaker) == ("the new licensing regime", "welcomed", "Arun Mehta")


def test_document_as_source(nlp):
    quotes = quotes_of(
        nlp,
        "The Federation of Coastal Councils published its final report on Monday.",
        "The final report says councils should share flood data every month.",
    )
    assert len(quotes) == 1
    assert quotes[0].text == "councils should share flood data every month"
    assert quotes[0].speaker is None
    assert quotes[0].organisation == "Federation of Coastal Councils"


# --- layout blocks ------------------------------------------------------------------------------


def test_layout_block(nlp):
    quotes = quotes_of(
        nlp,
        "Priya Das, chief executive, Harbour Homes",
        "We welcome the extra money but we need it much sooner than planned.",
        "Councils cannot plan properly on one-year settlements.",
        "Next steps",
        "The consultation closes in May.",
        roles=("heading", "body", "body", "heading", "body"),
    )
    assert [q.kind for q in quotes] == ["block", "block"]
    assert all((q.speaker, q.organisation) == ("Priya Das", "Harbour Homes") for q in quotes)
    assert quotes[1].text == "Councils cannot plan properly on one-year settlements."


def test_a_reaction_header_ending_in_a_colon_is_a_layout_header(nlp):
    # a round-up's "Name, role, Organisation:" header, which the segmenter keeps in the body
    quotes = quotes_of(
        nlp,
        "Here is what the sector said.",
        "Priya Das, chief executive, Harbour Homes:",
        "We welcome the extra money but we need it much sooner than planned.",
        "The review also recommends:",
        "- a register of landlords",
        roles=("body", "body", "body", "body", "body"),
    )
    blocks = [q for q in quotes if q.kind == "block"]
    assert [(q.speaker, q.organisation, q.text) for q in blocks] == [
        (
            "Priya Das",
            "Harbour Homes",
            "We welcome the extra money but we need it much sooner than planned.",
        )
    ]
    # a lead-in that names no one is not a header: its bullet stays the document's
    assert any(q.text == "a register of landlords" for q in quotes)


# --- speakers and organisations -----------------------------------------------------------------


def test_pronoun_and_surname_resolution(nlp):
    quotes = quotes_of(
        nlp,
        "Dr Alice Brennan, a lecturer at Lakeside University, has studied rents for a decade.",
        "She said the plan was “badly timed and poorly explained”.",
        "Brennan added that rents would keep rising in the north.",
    )
    assert len(quotes) == 2
    assert all(q.speaker == "Alice Brennan" for q in quotes)
    assert all(q.organisation == "Lakeside University" for q in quotes)


def test_role_noun_resolution(nlp):
    quotes = quotes_of(
        nlp,
        "Housing minister Lena Ortiz visited the estate on Friday.",
        "The minister said the repairs would start in May.",
    )
    (q,) = quotes
    assert q.speaker == "Lena Ortiz"
    assert q.organisation == "Department for Rivers"  # from the alias table: the text gives none


def test_acronym_defined_in_text(nlp):
    quotes = quotes_of(
        nlp,
        "The National Union of Tenants (NUT) represents renters in six cities.",
        "NUT said the new rules were unfair to families.",
    )
    (q,) = quotes
    assert q.organisation == "National Union of Tenants"


def test_possessive_org_title(nlp):
    (q,) = quotes_of(
        nlp, "Greenway’s director Sam Hollis said the depot would close in the spring."
    )
    assert (q.speaker, q.organisation) == ("Sam Hollis", "Greenway")


def test_of_org_apposition(nlp):
    (q,) = quotes_of(nlp, "Ana Ruiz, of the Tenants Network, said the deposit scheme had failed.")
    assert (q.speaker, q.organisation) == ("Ana Ruiz", "Tenants Network")


@pytest.mark.parametrize(
    "sentence, organisation",
    [
        ("Analysts at Marlow Capital said in a note that the levy would not survive.", "Marlow Capital"),
        ("Senior officials from the Harbour Alliance said the scheme was on track.", "Harbour Alliance"),
        ("Leaders at the Brookvale Trust warned that the cap would push providers out.", "Brookvale Trust"),
    ],
)  # fmt: skip
def test_people_at_a_named_body_speak_for_it(nlp, sentence, organisation):
    (q,) = quotes_of(nlp, sentence)
    assert (q.speaker, q.organisation) == (None, organisation)


def test_a_group_at_no_body_or_a_finding_from_one_is_no_source(nlp):
    assert quotes_of(nlp, "Leaders across the sector warned that the cap would fail.") == []
    assert quotes_of(nlp, "Figures from the Harbour Alliance show that waiting lists grew.") == []
    assert quotes_of(nlp, "Members of the Harbour Alliance said the plan was a betrayal.") == []


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Jo Tan of the Wren Trust welcomed the new allowance, which she said would keep carers in the system.",
            ["the new allowance", "would keep carers in the system"],
        ),
        (
            "The Harbour Fostering Network criticised the decision to delay the allowance, which it describes as a false economy.",
            ["the decision to delay the allowance", "a false economy"],
        ),
        (
            "Rob Tay of the Wren Trust urged ministers to review the tax relief carers receive, which he said had not been updated since 2010.",
            ["ministers to review the tax relief carers receive", "had not been updated since 2010"],
        ),
        (  # the relative clause's only content is its antecedent: no report of its own
            "Jo Tan of the Wren Trust called for ministers to revisit the levy that the review proposed in 2022.",
            ["ministers to revisit the levy that the review proposed in 2022"],
        ),
    ],
)  # fmt: skip
def test_a_cue_in_a_relative_clause_reports_on_its_own(nlp, sentence, expected):
    assert [q.text for q in quotes_of(nlp, sentence)] == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "Jo Doe of the Wren Trust asked whether the savings would go to carers, whose allowances she said had not kept up with prices.",
            ["the savings would go to carers", "had not kept up with prices"],
        ),
        (
            "Jo Doe of the Wren Trust said staff got a promise of more transparency, which she called an insult to social workers.",
            ["staff got a promise of more transparency", "an insult to social workers"],
        ),
        (
            "According to the Wren Trust, staff got a promise of more transparency, which it called an insult to social workers.",
            ["staff got a promise of more transparency", "an insult to social workers"],
        ),
    ],
)  # fmt: skip
def test_whose_and_naming_relative_clauses_report_on_their_own(nlp, sentence, expected):
    assert [q.text for q in quotes_of(nlp, sentence)] == expected


@pytest.mark.parametrize(
    "sentence, content",
    [
        ("Jo Doe, director of the Hale Trust, put it to me that the system had become a box-ticking exercise.", "the system had become a box-ticking exercise"),
        ("Jo Doe, director of the Hale Trust, put it to ministers that the cap would fail.", "the cap would fail"),
        ("Jo Doe, director of the Hale Trust, has hit out at the decision to cut fees.", "the decision to cut fees"),
        ("Jo Doe, director of the Hale Trust, lashed out at ministers over the cuts.", "ministers over the cuts"),
    ],
)  # fmt: skip
def test_put_it_to_and_hit_out_at_are_cues(nlp, sentence, content):
    (q,) = quotes_of(nlp, sentence)
    assert (q.text, q.speaker, q.organisation) == (content, "Jo Doe", "Hale Trust")


def test_putting_something_somewhere_is_no_cue(nlp):
    assert quotes_of(nlp, "Jo Doe of the Hale Trust put it in the bin on Monday.") == []


def test_a_name_the_parser_lost_to_a_place_is_found_past_its_relative_clause(nlp):
    (q,) = quotes_of(
        nlp,
        "In Sunderland, Joanne Brierley, who chairs the Tyneside Foster Carers Association, told me that recruitment adverts are pointless.",
    )  # fmt: skip
    assert (q.speaker, q.organisation) == ("Joanne Brierley", "Tyneside Foster Carers Association")


def test_according_to_a_role_and_the_name_after_it(nlp):
    quotes = quotes_of(
        nlp,
        "The Harbour Union argued that nothing in the document would help. According to its "
        "national officer for children’s services, Moira Keogh, members had hoped for a pay scale.",
    )
    assert [(q.text, q.speaker, q.organisation) for q in quotes][1] == (
        "members had hoped for a pay scale", "Moira Keogh", "Harbour Union"
    )  # fmt: skip


def test_a_bare_title_before_a_name_is_the_current_bodys_role(nlp):
    quotes = quotes_of(
        nlp,
        "Kin Carers Trust",
        "The trust said the plan was welcome.",
        "Voices from Care North",
        "The group hit out at the decision to drop the allowance. Co-chair Tayo Lindqvist, 20, "
        "said young people faced discrimination.",
        "Harbour Homes Forum",
        "The forum said it was relieved. Chair Gillian Osei-Mensah insisted that small homes were not the problem.",
        roles=("heading", "body", "heading", "body", "heading", "body"),
    )  # fmt: skip
    assert [(q.speaker, q.organisation) for q in quotes] == [
        (None, "Kin Carers Trust"),
        (None, "Voices from Care North"),
        ("Tayo Lindqvist", "Voices from Care North"),
        (None, "Harbour Homes Forum"),
        ("Gillian Osei-Mensah", "Harbour Homes Forum"),
    ]


@pytest.mark.parametrize(
    "title, organisation",
    [("Chief executive", "Harbour Homes Council"), ("Minister", None), ("Professor", None)],
)
def test_a_title_of_several_words_is_the_current_bodys_but_not_an_office(nlp, title, organisation):
    quotes = quotes_of(
        nlp,
        "The Harbour Homes Council described the tax as “headline-grabbing”. "
        f"{title} Marcus Threl said the sector had been “painted as villains” by a report.",
    )
    assert [(q.speaker, q.organisation) for q in quotes][-1] == ("Marcus Threl", organisation)


def test_a_bare_wh_word_is_no_content(nlp):
    # the unnamed group's report is no quote, and "what" is not what the review called for
    quotes = quotes_of(nlp, "Campaigners said the plan fell far short of what the Hale Review had called for.")  # fmt: skip
    assert quotes == []


def test_alias_table_gives_canonical_organisation(nlp):
    (q,) = quotes_of(nlp, "The FCC said the sea wall funding was not enough.")
    assert q.organisation == "Federation of Coastal Councils"


# --- no quote -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Campaigners say the plan will fail.",
        "Figures show that waiting lists have grown for three years.",
        "A survey found that most teachers were tired.",
        "Ortiz made no reference to the funding gap.",
        "Lena Ortiz did not say when the scheme would start.",
        "The so-called ‘care cliff’ affects many young people.",
        "The council met on Tuesday to discuss the budget.",
        "The workers’ union didn’t meet this week.",
        "Expect the government to support this.",
        "Many experts fear a second wave of closures.",
    ],
)
def test_no_quote(nlp, sentence):
    assert quotes_of(nlp, sentence) == []


def test_headings_and_comments_are_not_searched(nlp):
    quotes = quotes_of(
        nlp,
        "Minister says “help is coming”",
        "“This is rubbish,” said Bob Jones below the line.",
        roles=("heading", "comment"),
    )
    assert quotes == []


# --- the stream contract ------------------------------------------------------------------------


def test_ids_order_and_offsets(nlp):
    text = (
        "Harbour news\n\n"
        "“We will appeal,” said Kiran Shah, the chair of the Quay Traders Association.\n\n"
        "Shah argued that the new parking charges would empty the high street.\n\n"
        "Share\n"
    )
    article = Article(id="a1", text=text)
    (quotes,) = list(
        extract_quotes([Segmented(article, segment_article(article))], nlp=nlp, actors=ACTORS)
    )
    assert [q.id for q in quotes] == ["q01", "q02"]
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    for q in quotes:
        assert q.text == text[q.start : q.end]
        assert q.article == "a1" and q.stances == ()
        assert text[q.speaker_start : q.speaker_end] in ("Kiran Shah", "Shah")
    assert quotes[1].organisation == "Quay Traders Association"


def test_quotes_carry_their_paragraph_and_sentence_offsets(nlp):
    text = (
        "Harbour news\n\n"
        "The quay will close in May. “We will appeal,” said Kiran Shah. Traders met on Monday.\n\n"
        "Shah argued that the new parking charges would empty the high street.\n"
    )
    article = Article(id="a1", text=text)
    (quotes,) = list(
        extract_quotes([Segmented(article, segment_article(article))], nlp=nlp, actors=ACTORS)
    )
    spans = [
        (text[slice(*q.paragraph_span)], text[slice(*q.sentence_span)], q.text) for q in quotes
    ]
    assert spans == [
        (
            "The quay will close in May. “We will appeal,” said Kiran Shah. Traders met on Monday.",
            "“We will appeal,” said Kiran Shah.",
            "We will appeal",
        ),
        (
            "Shah argued that the new parking charges would empty the high street.",
            "Shah argued that the new parking charges would empty the high street.",
            "the new parking charges would empty the high street",
        ),
    ]


def test_unbalanced_mark_and_empty_article_do_not_stop_the_stream(nlp):
    text = "Sara Lind said: “This will not work for anyone"  # never closed
    good = Article(id="good", text=text)
    good_segments = [Segment(article="good", start=0, end=len(text), role="body", index=0)]
    empty = Article(id="empty", text="   ")
    out = list(
        extract_quotes(
            [
                Segmented(empty, ()),
                Segmented(good, good_segments),
                Segmented(empty, segment_article(empty)),
            ],
            nlp=nlp,
            actors=ACTORS,
        )
    )
    assert len(out) == 3
    assert out[0] == [] and out[2] == []
    assert [q.text for q in out[1]] == ["This will not work for anyone"]
    assert out[1][0].speaker == "Sara Lind"


def test_on_error_is_called(nlp, monkeypatch):
    import pipeline.quotes as quotes_module

    real = quotes_module.article_quotes

    def flaky(article, paras, actors):
        if article.id == "bad":
            raise RuntimeError("boom")
        return real(article, paras, actors)

    monkeypatch.setattr(quotes_module, "article_quotes", flaky)
    articles = [
        Article(id=i, text="Sara Lind said the bridge would reopen in June.")
        for i in ("a", "bad", "c")
    ]
    errors = []
    out = list(
        extract_quotes(
            [Segmented(a, segment_article(a)) for a in articles],
            nlp=nlp,
            actors=ACTORS,
            on_error=lambda article, exc: errors.append((article.id, str(exc))),
        )
    )
    assert [len(x) for x in out] == [1, 0, 1]
    assert errors == [("bad", "boom")]


# --- further cue shapes -------------------------------------------------------------------------


def test_relative_clause_cue(nlp):
    quotes = quotes_of(
        nlp,
        "The plan was backed by Idris Cole, a councillor, who said: “It is the best option we have had in years.”",
    )
    texts = {q.text: q for q in quotes}
    assert "It is the best option we have had in years." in texts
    assert texts["It is the best option we have had in years."].speaker == "Idris Cole"


def test_passive_evaluative_cue(nlp):
    quotes = quotes_of(
        nlp,
        "The Quay Traders Association met on Monday.",
        "The new parking scheme was criticised by the Quay Traders Association.",
    )
    (q,) = quotes
    assert q.text == "The new parking scheme"
    assert q.organisation == "Quay Traders Association"


def test_copular_evaluation_cue(nlp):
    (q,) = quotes_of(nlp, "The Harbour Board was sharply critical of the dredging plan.")
    assert q.text == "the dredging plan"
    assert q.cue == "was sharply critical of"
    assert q.organisation == "Harbour Board"


def test_nominal_call_for(nlp):
    quotes = quotes_of(
        nlp, "The decision ignores Nora Hale's call for a full public inquiry into the flooding."
    )
    (q,) = quotes
    assert q.text == "a full public inquiry into the flooding"
    assert q.speaker == "Nora Hale"
    assert q.cue == "call for"


def test_call_for_someone_to_act(nlp):
    quotes = quotes_of(
        nlp,
        "Nora Hale runs the flood group.",
        "She calls for the council to publish the survey in full.",
    )
    (q,) = quotes
    assert q.text == "the council to publish the survey in full"
    assert q.speaker == "Nora Hale"


def test_second_finite_cue_is_a_second_quote(nlp):
    quotes = quotes_of(nlp, "Arun Mehta welcomed the plan and said it would help small firms.")
    assert [q.cue for q in quotes] == ["welcomed", "said"]
    assert quotes[0].text == "the plan"
    assert quotes[1].text == "it would help small firms"


def test_cue_keeps_its_auxiliary(nlp):
    (q,) = quotes_of(nlp, "The Rail Users Forum has warned that fares will rise again in March.")
    assert q.cue == "has warned"
    assert q.text == "fares will rise again in March"


def test_prediction_and_journalist_first_person_are_not_quotes(nlp):
    assert quotes_of(nlp, "The Rail Users Forum will say more about fares next week.") == []
    assert quotes_of(nlp, "We asked the council about the fares but it declined to say.") == []


def test_stream_is_lazy_and_in_order(nlp):
    seen = []

    def feed():
        for i in range(5):
            seen.append(i)
            article = Article(
                id=f"a{i}", text=f"Para one.\n\nLiam Ross{i} said the road would open in May.\n"
            )
            yield Segmented(
                article,
                [
                    Segment(
                        article=article.id,
                        start=11,
                        end=len(article.text) - 1,
                        role="body",
                        index=0,
                    )
                ],
            )

    stream = extract_quotes(feed(), nlp=nlp, actors=ACTORS, batch_size=2)
    first = next(stream)
    assert len(seen) < 5  # the input is read as the output is consumed
    rest = list(stream)
    assert [qs[0].article for qs in [first, *rest]] == ["a0", "a1", "a2", "a3", "a4"]


def test_body_plans_continued_with_it(nlp):
    quotes = quotes_of(
        nlp,
        "The Harbour Board said it would dredge the channel this summer. It will also repair the north quay before the winter storms.",
    )
    assert [q.text for q in quotes] == [
        "it would dredge the channel this summer",
        "will also repair the north quay before the winter storms",
    ]
    assert all(q.organisation == "Harbour Board" for q in quotes)
    assert quotes[1].cue is None


def test_error_propagates_naming_the_article_and_the_stream_can_restart(nlp, monkeypatch):
    import pipeline.quotes as quotes_module

    real = quotes_module.article_quotes

    def flaky(article, paras, actors):
        if article.id == "bad":
            raise RuntimeError("boom")
        return real(article, paras, actors)

    monkeypatch.setattr(quotes_module, "article_quotes", flaky)
    articles = [
        Article(id=i, text="Sara Lind said the bridge would reopen in June.")
        for i in ("a", "bad", "c")
    ]
    segmented = [Segmented(a, segment_article(a)) for a in articles]
    stream = extract_quotes(segmented, nlp=nlp, actors=ACTORS)
    assert len(next(stream)) == 1
    with pytest.raises(quotes_module.QuoteExtractionError, match="bad"):
        next(stream)
    (rest,) = list(extract_quotes(segmented[2:], nlp=nlp, actors=ACTORS))
    assert rest[0].article == "c"


def test_document_owner_is_its_clauses_subject(nlp):
    quotes = quotes_of(
        nlp,
        "The council said it would act after the Coastal Flood Panel published its report calling for new sea walls along the bay.",
    )
    by_cue = {q.cue: q for q in quotes}
    assert by_cue["calling"].text == "new sea walls along the bay"
    assert by_cue["calling"].organisation == "Coastal Flood Panel"


def test_former_employer_is_not_the_organisation(nlp):
    (q,) = quotes_of(
        nlp, "Ruth Okafor, former chief executive of the Marsh Trust, said the levy was unfair."
    )
    assert q.speaker == "Ruth Okafor"
    assert q.organisation is None


def test_mixed_marks_in_odd_order_do_not_break_the_article(nlp):
    # found by hypothesis: a reported clause whose quotation marks all open before its content
    quotes = quotes_of(
        nlp, "“the plan’, said Maria Okafor. ‘the plan the plan ” the plan”, said Maria Okafor."
    )
    assert quotes and all(q.speaker == "Maria Okafor" for q in quotes)


# --- lists, unnamed role-holders, interviews (written for these tests) --------------------------


def test_bullets_under_a_lead_in_are_quotes_of_its_source(nlp):
    found = quotes_of(
        nlp,
        "The Federation of Coastal Councils also recommends:",
        "• a national fund for sea defences;",
        "• a single agency to plan coastal housing.",
        "Residents were not consulted.",
    )
    assert [(q.kind, q.organisation, q.cue, q.text) for q in found] == [
        ("indirect", "Federation of Coastal Councils", "recommends", "a national fund for sea defences"),
        ("indirect", "Federation of Coastal Councils", "recommends", "a single agency to plan coastal housing"),
    ]  # fmt: skip


def test_an_unnamed_spokesperson_speaks_for_the_body_named(nlp):
    found = quotes_of(
        nlp,
        "A Department for Rivers spokesperson said: “We are investing in every estuary.”",
    )
    assert [(q.speaker, q.organisation, q.text) for q in found] == [
        (None, "Department for Rivers", "We are investing in every estuary.")
    ]


def test_an_interviewers_question_between_answers_is_not_the_answerers(nlp):
    found = quotes_of(
        nlp,
        "Lena Ortiz, director, Department for Rivers",
        "We started with the estuaries because that is where the flooding was worst.",
        "Will the money last?",
        "It will last two years, and after that we will need the Treasury to commit again.",
        roles=("heading", "body", "body", "body"),
    )
    assert [q.text[:20] for q in found] == ["We started with the ", "It will last two yea"]
    assert {q.speaker for q in found} == {"Lena Ortiz"}


def test_an_explainers_questions_and_answers_are_the_journalists(nlp):
    # the writer's own line before the first question is no guest to whom the answers belong
    found = quotes_of(
        nlp,
        "Rhea Fairbairn, Social affairs correspondent",
        "What are sea wall trusts?",
        "They are a new kind of public body that would take over the planning of sea walls from councils.",
        "Why does the review want them?",
        "Councils are too small to plan defences for a whole coastline, and they bid against each other for contractors.",
        "What happens next?",
        "Two pilot areas will test the idea before any decision is taken on the rest of the coast.",
        roles=("heading", "heading", "body", "heading", "body", "heading", "body"),
    )  # fmt: skip
    assert found == []


@pytest.mark.parametrize(
    "sentence, organisation",
    [
        ("Professor Ana Wren, who studies coastal finance at the Fenmoor Institute, says councils are bidding against each other.", "Fenmoor Institute"),
        ("Dr Ola Nkem, who researches flood insurance at the University of Marlow, told the committee that premiums had doubled.", "University of Marlow"),
    ],
)  # fmt: skip
def test_who_studies_or_researches_at_a_body(nlp, sentence, organisation):
    (q,) = quotes_of(nlp, sentence)
    assert q.organisation == organisation


def test_she_after_an_unnamed_role_holder_is_the_holder(nlp):
    found = quotes_of(
        nlp,
        "Jo Doe, director of the Wren Trust, said the plan was late.",
        "The Harbour Office spokesperson said the scheme was on track. She added that a review would follow.",
    )  # fmt: skip
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Jo Doe", "Wren Trust"), (None, "Harbour Office"), (None, "Harbour Office")
    ]  # fmt: skip


def test_its_after_for_a_body_is_that_bodys(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Union hit out at the proposal to close the depots.",
        "For the Association of Coastal Directors, the report is “right about the disease”. Its "
        "president, Dr Imogen Barlow, said the shift towards prevention was welcome.",
    )
    assert [(q.speaker, q.organisation) for q in found][-1] == (
        "Imogen Barlow", "Association of Coastal Directors"
    )  # fmt: skip


def test_a_bare_spokesperson_after_a_body_as_subject_is_that_bodys(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Office says it will name the pilot areas soon. A spokesperson said: "
        "‘The pilots will show what works.’",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        (None, "Harbour Office"), (None, "Harbour Office")
    ]  # fmt: skip
    # no body as the sentence before's subject: no identifiable source
    assert quotes_of(nlp, "The weather was poor. A spokesperson said: ‘We will reopen.’") == []


def test_a_round_ups_bullets_open_with_the_body_that_speaks(nlp):
    found = quotes_of(
        nlp,
        "We asked organisations for their first reactions.",
        "• Coastal Health Visiting Alliance – said health visitors had to be equal partners.",
        "• Association of Harbour Safeguarding Leads (AHSL) – welcomed the prospect of a stronger voice for schools.",
        "• Tenants' Advocacy Circle – warned that the units risked deepening mistrust. Co-founder Delia Arkwright said parents should have been consulted.",
        "• Harbour Office – a spokesperson said ministers would consider the findings carefully.",
    )  # fmt: skip
    assert [(q.speaker, q.organisation) for q in found] == [
        (None, "Coastal Health Visiting Alliance"),
        (None, "Association of Harbour Safeguarding Leads"),
        (None, "Tenants' Advocacy Circle"),
        ("Delia Arkwright", "Tenants' Advocacy Circle"),
        (None, "Harbour Office"),
    ]


def test_a_unit_inside_a_body_is_not_the_body(nlp):
    (q,) = quotes_of(
        nlp,
        "Nadia Haddad, who manages the FRO service at Marlow Borough Council, told me that an advocate cannot halt a plan.",
    )  # fmt: skip
    assert (q.speaker, q.organisation) == ("Nadia Haddad", "Marlow Borough Council")


def test_a_councillors_title_inside_the_name_still_says_councillor(nlp):
    found = quotes_of(
        nlp,
        "Marlow Borough Council will spend £6m on sea walls.",
        "Cabinet member for the coast, Cllr Ada Okafor (Labour), said the spending was overdue.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Ada Okafor", "Marlow Borough Council")
    ]


def test_an_indefinite_role_at_a_named_body_is_not_the_next_holder_of_the_role(nlp):
    # "A Harbour Office spokesperson" names the body: Jo Doe, another body's spokesperson
    # named next, is not them (only a lede's bare "A spokesperson has said" looks ahead)
    found = quotes_of(
        nlp,
        "The institute says margins are too high.",
        "A Harbour Office spokesperson said: “We are clear that no provider should profiteer.”",
        "The Green Party’s coastal spokesperson, Jo Doe, said the findings were “damning”.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        (None, "Harbour Office"), ("Jo Doe", "Green Party")
    ]  # fmt: skip


def test_a_passive_evaluation_with_as_spans_what_the_agent_called_it(nlp):
    found = quotes_of(
        nlp,
        "The levy was described as “a tax on the tide” by the Federation of Coastal Councils.",
    )
    assert [(q.kind, q.organisation, q.text) for q in found] == [
        ("direct", "Federation of Coastal Councils", "a tax on the tide")
    ]


def test_a_long_name_and_role_before_a_colon_attributes_the_quotation(nlp):
    found = quotes_of(
        nlp,
        "Mara Quist, director of flood resilience at the Federation of Coastal Councils: "
        "“We were promised a plan and we got a pamphlet.”",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Mara Quist", "Federation of Coastal Councils")
    ]


def test_a_quoted_sentence_after_reported_speech_is_the_same_speakers(nlp):
    found = quotes_of(
        nlp,
        "Lena Ortiz said the estuary plan had taken six years. “I am grateful. But gratitude "
        "does not build sea walls.”",
    )
    assert [(q.kind, q.speaker) for q in found] == [
        ("indirect", "Lena Ortiz"),
        ("direct", "Lena Ortiz"),
    ]


# --- reported speech the parser splits oddly (written for these tests) --------------------------


def _found(quotes):
    return [(q.kind, q.speaker or q.organisation, q.cue, q.text) for q in quotes]


def test_a_clause_before_an_object_taking_cue_is_its_content(nlp):
    found = quotes_of(
        nlp,
        "Ferry fares across the region should be frozen until 2030, the Federation of Coastal "
        "Councils has recommended.",
    )
    assert _found(found) == [
        ("indirect", "Federation of Coastal Councils", "has recommended",
         "Ferry fares across the region should be frozen until 2030"),
    ]  # fmt: skip
    # the same cue with an object of its own keeps its object
    found = quotes_of(nlp, "The FCC has recommended a national fund for sea defences.")
    assert [q.text for q in found] == ["a national fund for sea defences"]


def test_a_that_clause_after_the_medium_is_the_content(nlp):
    found = quotes_of(
        nlp,
        "The Federation of Coastal Councils, a lobby group, said in a written submission that "
        "ferries should run all night.",
    )
    assert _found(found) == [
        ("indirect", "Federation of Coastal Councils", "said", "ferries should run all night")
    ]


def test_a_second_cue_parsed_inside_the_reported_clause_is_a_quote_of_its_own(nlp):
    found = quotes_of(
        nlp,
        "Lena Ortiz warned the new rota was unsafe and called on ministers to scrap it.",
    )
    assert _found(found) == [
        ("indirect", "Lena Ortiz", "warned", "the new rota was unsafe"),
        ("indirect", "Lena Ortiz", "called on", "ministers to scrap it"),
    ]
    # a conjunct that is not a reporting verb stays in the clause
    found = quotes_of(nlp, "Lena Ortiz said the rota was unsafe and would be scrapped.")
    assert [q.text for q in found] == ["the rota was unsafe and would be scrapped"]


def test_a_cue_the_parser_hangs_on_a_name_as_a_participle(nlp):
    found = quotes_of(
        nlp,
        "Baroness Ilsley of Dunmore, the party's spokesperson on transport in the Lords, called "
        "for ferry workers to be given a pay rise.",
    )
    assert _found(found) == [
        ("indirect", "Baroness Ilsley of Dunmore", "called", "ferry workers to be given a pay rise")
    ]


def test_defending_and_calculating_are_cues(nlp):
    found = quotes_of(
        nlp,
        "The Federation of Coastal Councils has defended its fares.",
        "The Federation of Coastal Councils has calculated that its members spent £1m on ferries.",
    )
    assert [(q.cue, q.text) for q in found] == [
        ("has defended", "its fares"),
        ("has calculated", "its members spent £1m on ferries"),
    ]


def test_an_indefinite_nominal_source_takes_the_domains_body_of_that_noun(nlp):
    found = quotes_of(nlp, "Ferries must run all night, a government department said on Monday.")
    assert _found(found) == [
        ("indirect", "Department for Rivers", "said", "Ferries must run all night")
    ]


def test_a_breadcrumb_names_no_source(nlp):
    found = quotes_of(
        nlp,
        "News › National",
        "Ferries must run all night, a transport review said on Monday.",
        roles=("heading", "body"),
    )
    assert found == []  # "National" is navigation, not the latest body named
    from pipeline.segment import is_page_furniture

    assert is_page_furniture("Home > News > 2024 > March")
    assert not is_page_furniture("Costs rose > £1bn")


# --- cue constructions beyond "say" -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, span, cue",
    [
        ("Mara Quill alleged that the vote was rigged.", "the vote was rigged", "alleged"),
        (
            "Mara Quill testified that she had never met the donor.",
            "she had never met the donor",
            "testified",
        ),
        (
            "Mara Quill hinted that she would resign next spring.",
            "she would resign next spring",
            "hinted",
        ),
        ("Mara Quill threatened to veto the harbour bill.", "veto the harbour bill", "threatened"),
        ("Mara Quill charges that the donors were paid.", "the donors were paid", "charges"),
        (
            "Mara Quill reported that the pier had been closed.",
            "the pier had been closed",
            "reported",
        ),
        (
            "Mara Quill warned councils to prepare for floods.",
            "prepare for floods",
            "warned",
        ),
    ],
)
def test_further_reporting_verbs(nlp, sentence, span, cue):
    (q,) = quotes_of(nlp, sentence)
    assert (q.text, q.kind, q.speaker, q.cue) == (span, "indirect", "Mara Quill", cue)


def test_a_parenthetical_attribution_reports_the_clause_around_it(nlp):
    (q,) = quotes_of(nlp, "All of this, Mara Quill acknowledges, could be reversed next year.")
    assert (q.text, q.kind, q.speaker, q.cue) == (
        "could be reversed next year",
        "indirect",
        "Mara Quill",
        "acknowledges",
    )  # the subject alone is no quote
    quotes = quotes_of(nlp, "If the levy fails, Jon Pike argues, there are other options.")
    assert [q.text for q in quotes] == ["If the levy fails", "there are other options"]
    assert {q.speaker for q in quotes} == {"Jon Pike"}
    (q,) = quotes_of(nlp, "The town, as Jon Pike pointed out, rarely gets snow in April.")
    assert (q.text, q.speaker, q.cue) == ("rarely gets snow in April", "Jon Pike", "pointed out")
    assert quotes_of(nlp, "Jon Pike left early, as Mara Quill said goodbye to the guests.") == []
    assert quotes_of(nlp, "The council delayed the sea wall, as Mara Quill had proposed.") == []


def test_a_progressive_clause_before_the_cue_is_its_content(nlp):
    (q,) = quotes_of(nlp, "Farms are flooding across the valley, Jon Pike noted.")
    assert (q.text, q.kind, q.speaker, q.cue) == (
        "Farms are flooding across the valley",
        "indirect",
        "Jon Pike",
        "noted",
    )


def test_a_light_verb_delivers_a_nominal_cue_of_its_subject(nlp):
    (q,) = quotes_of(
        nlp, "The Federation of Coastal Councils has issued a call for a freeze on rents."
    )
    assert (q.text, q.kind, q.speaker, q.organisation) == (
        "a freeze on rents",
        "indirect",
        None,
        "Federation of Coastal Councils",
    )
    (q,) = quotes_of(nlp, "Jon Pike made a plea for calm and patience.")
    assert (q.text, q.speaker) == ("calm and patience", "Jon Pike")
    assert quotes_of(nlp, "Jon Pike made a call to the harbour police.") == []  # an addressee
    assert quotes_of(nlp, "Jon Pike will make a plea for calm and patience.") == []  # a prediction


def test_nominal_cues_from_a_source_and_a_participle_parsed_as_a_noun(nlp):
    (q,) = quotes_of(
        nlp, "Calls from the Federation of Coastal Councils for a freeze on rents have grown."
    )
    assert (q.text, q.organisation) == ("a freeze on rents", "Federation of Coastal Councils")
    quotes = quotes_of(nlp, "Mara Quill, warning of a shutdown, urged the council to act.")
    assert [(q.text, q.speaker) for q in quotes] == [
        ("a shutdown", "Mara Quill"),
        ("the council to act", "Mara Quill"),
    ]


def test_a_documents_named_author_is_its_source(nlp):
    (q,) = quotes_of(nlp, "A letter from Jon Pike says the harbour levy is unlawful.")
    assert (q.text, q.speaker, q.cue) == ("the harbour levy is unlawful", "Jon Pike", "says")
    (q,) = quotes_of(
        nlp, "Harbour rates are rising, according to a speech Mara Quill gave in July."
    )
    assert (q.text, q.speaker, q.cue) == ("Harbour rates are rising", "Mara Quill", "according to")
    (q,) = quotes_of(
        nlp,
        "The developers ran a fraud, according to a complaint filed by the Federation of Coastal Councils.",
    )
    assert (q.text, q.organisation) == (
        "The developers ran a fraud",
        "Federation of Coastal Councils",
    )
    # findings reported as data are not quotes (codebook §1)
    assert (
        quotes_of(
            nlp,
            "Rents rose by five per cent, according to a survey by the Federation of Coastal Councils.",
        )
        == []
    )


def test_a_concessive_clause_reports_a_second_statement(nlp):
    quotes = quotes_of(
        nlp,
        "Jon Pike called the rise “overdue and welcome”, although he cautioned that it would do little for carers.",
    )
    assert [(q.text, q.kind, q.speaker) for q in quotes] == [
        ("the rise “overdue and welcome”", "mixed", "Jon Pike"),
        ("it would do little for carers", "indirect", "Jon Pike"),
    ]


def test_a_verb_in_an_adjunct_of_the_content_does_not_replace_the_cue(nlp):
    (q,) = quotes_of(
        nlp, "Mara Quill described the levy as “a disgrace” after it was raised again."
    )
    assert (q.speaker, q.cue) == ("Mara Quill", "described")
    assert q.text.startswith("the levy as “a disgrace”")


# --- constructions found on the third synthetic slice (dev_c) and PolNeAR train ------------------


def test_a_surname_the_tagger_took_for_a_common_noun_is_still_the_person(nlp):
    quotes = quotes_of(
        nlp,
        "Councillor Nell Sanders opened the new ferry terminal on Monday.",
        "Sanders said she will be releasing broader harbour plans in the coming days.",
    )
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Nell Sanders", "she will be releasing broader harbour plans in the coming days")
    ]


def test_a_pronoun_continues_a_name_the_ner_missed(nlp):
    quotes = quotes_of(
        nlp,
        "Jane Menendez, chief executive of the Ferry Trust, and Tom Williamson of the Quay Alliance spoke on Monday.",
        "Surveying the harbour, Williamson concludes: “Nobody did this to them. The system failed them.”",
        "Menendez argued that the funding would not be enough, and she warned the plan risked failing islanders.",
    )
    assert [(q.cue, q.speaker) for q in quotes][-2:] == [
        ("argued", "Jane Menendez"),
        ("warned", "Jane Menendez"),
    ]


def test_a_second_cue_parsed_as_a_second_complement_is_a_second_statement(nlp):
    quotes = quotes_of(
        nlp,
        'Jo Pike said her members "would welcome sensible oversight" of fares but warned that any cap on profits would push small operators to sell up.',
    )
    assert [(q.cue, q.speaker, q.text) for q in quotes] == [
        ("said", "Jo Pike", 'her members "would welcome sensible oversight" of fares'),
        ("warned", "Jo Pike", "any cap on profits would push small operators to sell up"),
    ]


def test_a_that_clause_the_parser_broke_up_is_the_content(nlp):
    quotes = quotes_of(
        nlp,
        "Mara Quill runs the Ferry Trust.",
        "She argued that regional ferry co-operatives, which are to be tested in just two areas, should have been introduced everywhere.",
    )
    assert [q.text for q in quotes] == [
        "regional ferry co-operatives, which are to be tested in just two areas, should have been introduced everywhere"
    ]


def test_a_coordinated_report_with_its_own_source_ends_the_first_content(nlp):
    quotes = quotes_of(
        nlp,
        "The Department for Rivers has indicated that it will legislate “when parliamentary time allows”, and the strategy claims that the first phase will “lay the foundations” for reform.",
    )
    assert [(q.cue, q.text) for q in quotes] == [
        ("has indicated", "it will legislate “when parliamentary time allows”"),
        ("claims", "the first phase will “lay the foundations” for reform"),
    ]


def test_the_spokesperson_is_the_body_of_the_last_unnamed_spokesperson(nlp):
    quotes = quotes_of(
        nlp,
        "A Ferry Trust spokesperson said the crossings were ready to reopen.",
        "The spokesperson added that councils would be able to bid for the money later this year.",
    )
    assert [(q.speaker, q.organisation) for q in quotes] == [
        (None, "Ferry Trust"),
        (None, "Ferry Trust"),
    ]
    # with no earlier holder the role names nobody
    assert quotes_of(nlp, "The spokesperson added that the councils would act.") == []


def test_pointed_to_reports_its_object(nlp):
    (q,) = quotes_of(
        nlp,
        "Mara Quill, chief executive of the Ferry Trust, pointed to rising fares on the night crossings.",
    )
    assert (q.cue, q.text, q.kind) == (
        "pointed to",
        "rising fares on the night crossings",
        "indirect",
    )
    assert quotes_of(nlp, "Mara Quill pointed at the harbour wall.") == []


def test_a_sources_view_is_that_reports_the_clause(nlp):
    quotes = quotes_of(
        nlp,
        "The Ferry Trust's view is that testing ferry co-operatives in only two areas is too timid.",
        "Yesterday the Quay Alliance published its report. Its central recommendation is a new night crossing run by the councils.",
        "The view from the harbour is lovely. Her position on the board is secure.",
    )
    assert [(q.organisation, q.text) for q in quotes] == [
        ("Ferry Trust", "testing ferry co-operatives in only two areas is too timid"),
        ("Quay Alliance", "a new night crossing run by the councils"),
    ]


def test_an_opening_as_clause_gives_the_sentence_as_the_sources_words(nlp):
    quotes = quotes_of(
        nlp,
        "Jane Menendez, chief executive of the Ferry Trust, spoke on Monday.",
        "As Menendez pointed out, the new fares will have a lasting impact on island families.",
        "As she left the building, the minister was heckled by protesters.",
        "As the Ferry Trust recommended, the council will create a night service.",
    )
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Jane Menendez", "the new fares will have a lasting impact on island families")
    ]


def test_a_relative_clause_inside_the_contents_subject_stays_in_the_content(nlp):
    (q,) = quotes_of(
        nlp,
        'Jo Pike warned that the ferry recruitment programme, which began in the north last year, was "moving at a snail\'s pace".',
    )
    assert q.text == (
        'the ferry recruitment programme, which began in the north last year, was "moving at a snail\'s pace"'
    )


def test_a_pull_quote_with_its_credit_repeats_the_body(nlp):
    quotes = quotes_of(
        nlp,
        "'Every one of these children has been moved away from their school' - Jo Pike, Ferry Trust",
        '"Every one of these children has been moved away from their school," Jo Pike said.',
    )
    assert [(q.kind, q.speaker) for q in quotes] == [("direct", "Jo Pike")]


def test_who_after_a_persons_description_is_the_person(nlp):
    quotes = quotes_of(
        nlp,
        'The plan was slammed as "a pilot dressed up as a revolution" by Ola Brandt, policy director at the Centre for Island Poverty, who said ministers had ignored the islands.',
    )
    assert [(q.cue, q.speaker, q.organisation) for q in quotes] == [
        ("slammed as", "Ola Brandt", "Centre for Island Poverty"),
        ("said", "Ola Brandt", "Centre for Island Poverty"),
    ]


def test_naming_verbs_report_only_when_they_name_their_object_something(nlp):
    quotes = quotes_of(
        nlp,
        "Mara Quill, chief executive of the Ferry Trust, spoke on Monday.",
        "Quill called a meeting of the ferry users. Quill called the levy a disgrace.",
        "Quill branded the scheme “unworkable”.",
    )
    assert [(q.cue, q.text) for q in quotes] == [
        ("called", "the levy a disgrace"),
        ("branded", "the scheme “unworkable”"),
    ]


def test_a_participle_with_a_named_subject_of_its_own(nlp):
    quotes = quotes_of(
        nlp, "Other candidates went further, with Tom Reid calling the levy a disgrace."
    )
    assert [(q.speaker, q.text) for q in quotes] == [("Tom Reid", "the levy a disgrace")]


def test_raising_reports_only_concerns_and_the_concern_is_its_clause(nlp):
    quotes = quotes_of(
        nlp,
        "Mara Quill has criticised the ferry operators for raising fares.",
        "The Ferry Guild welcomed the commitment but raised concerns that fares would still rise.",
    )
    assert [(q.cue, q.text) for q in quotes] == [
        ("has criticised", "the ferry operators for raising fares"),
        ("welcomed", "the commitment"),
        ("raised", "fares would still rise"),
    ]
    assert quotes[-1].organisation == "Ferry Guild" and quotes[-1].speaker is None


def test_what_a_source_was_asked_is_not_what_it_said(nlp):
    quotes = quotes_of(
        nlp,
        "Mara Quill, chief executive of the Ferry Trust, spoke on Monday.",
        "Asked about the new timetable, Quill said the crossings would run all night.",
    )
    assert [(q.cue, q.text) for q in quotes] == [("said", "the crossings would run all night")]


def test_a_sentence_final_attribution_the_parser_hung_on_its_clause(nlp):
    quotes = quotes_of(
        nlp,
        "LONDON, May 26 (Wire) - Every island should have its own night ferry crew to answer emergency calls, a national review said on Thursday.",
        "The Ferry Safety Review Panel, which examines serious incidents, published its report.",
    )
    assert [(q.organisation, q.text) for q in quotes][0] == (
        "Ferry Safety Review Panel",
        "Every island should have its own night ferry crew to answer emergency calls",
    )
    # a clause with no verb, or a quotation, is not reported this way
    assert quotes_of(nlp, "In the morning after the storm, the harbour master said.") == []


def test_for_a_named_source_opening_a_quoted_verdict(nlp):
    quotes = quotes_of(
        nlp,
        'For the Island Carers Collective (ICC), the levy is "a tax on islanders".',
        'For the first time, the levy is "a tax on islanders". For England, the plan means "a new start".',
    )
    assert [(q.kind, q.organisation, q.text) for q in quotes] == [
        ("mixed", "Island Carers Collective", 'the levy is "a tax on islanders"')
    ]


def test_a_peer_named_with_the_seat_resolves(nlp):
    (q,) = quotes_of(
        nlp,
        "In the Lords, the Harbour Party peer Lord Haverstock of Penrith warned that islanders were being ‘left to fend for themselves’.",
    )
    assert q.speaker == "Lord Haverstock of Penrith"


def test_people_a_body_serves_and_one_of_a_group_are_no_quotes(nlp):
    quotes = quotes_of(
        nlp,
        "The Island Carers Collective, which supports families on the ferry routes, said the levy was unfair. The collective supports the plan.",
        "One ferry worker, who asked not to be named, said she would leave the service.",
    )
    assert [(q.cue, q.text) for q in quotes] == [
        ("said", "the levy was unfair"),
        ("supports", "the plan"),
    ]


def test_a_descriptive_role_after_a_name_speaks_for_that_person(nlp):
    quotes = quotes_of(
        nlp,
        "Tomas Brandt, the Green MP for Salt Marsh, who served as harbours minister until 2019, defended the levy.",
        "The former harbours minister said the ferries had been right to keep their pilots.",
        "“Every crossing needs a pilot,” the Green MP told the chamber.",
    )
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Tomas Brandt", "the levy"),
        ("Tomas Brandt", "the ferries had been right to keep their pilots"),
        ("Tomas Brandt", "Every crossing needs a pilot"),
    ]
    assert "Salt Marsh" not in {q.speaker for q in quotes}  # a seat, not a person


def test_an_opening_participle_before_the_name_and_the_party_it_names(nlp):
    (quote,) = quotes_of(
        nlp,
        "Opening for Labour, Nadia Kell, the shadow harbours secretary, argued that the levy was too small.",
    )
    assert (quote.speaker, quote.organisation, quote.text) == (
        "Nadia Kell",
        "Labour Party",
        "the levy was too small",
    )


def test_speaking_out_for_or_against_and_arguing_in_favour_of(nlp):
    quotes = quotes_of(
        nlp,
        "Ada Vance, chief executive of the Ferry Users Trust, spoke out in favour of a legal right to a crossing.",
        "Vance spoke out against the plan to close the night ferry.",
        "She argued in favour of regional harbour boards.",
        "Vance spoke at the quay on Monday.",
    )
    assert [(q.cue, q.text) for q in quotes] == [
        ("spoke out", "a legal right to a crossing"),
        ("spoke out", "against the plan to close the night ferry"),
        ("argued", "regional harbour boards"),
    ]
    assert {q.organisation for q in quotes} == {"Ferry Users Trust"}


def test_as_a_source_put_it_introduces_a_quotation(nlp):
    quotes = quotes_of(
        nlp,
        "Ada Vance leads the Ferry Users Trust. As Vance put it, “nobody rows to work any more.”",
        "Her deputy, Ian Holt, put it more bluntly: “the timetable is a fiction.”",
        "The plan, as one skipper put it, is “a sticking plaster”.",
    )
    assert [(q.speaker, q.cue, q.text) for q in quotes] == [
        ("Ada Vance", "put it", "nobody rows to work any more."),
        ("Ian Holt", "put it", "the timetable is a fiction."),
    ]


def test_a_body_whose_role_holder_speaks_and_a_unit_at_a_host(nlp):
    quotes = quotes_of(
        nlp,
        "The plan was criticised by the Harbour Pilots' Network, whose chair, Ruth Owusu, called it “a solution looking for a problem”.",
        "Ivo Marsh, who leads the Centre for Tidal Studies at the University of Linby, said the report would be judged on what happened next.",
        "Ivo Marsh has worked at the Centre for Tidal Studies for ten years.",
    )
    assert [(q.speaker, q.organisation) for q in quotes] == [
        (None, "Harbour Pilots' Network"),
        ("Ruth Owusu", "Harbour Pilots' Network"),
        ("Ivo Marsh", "Centre for Tidal Studies"),
    ]
    # "at" inside a body's own name, before no host body, stays in it
    (said,) = quotes_of(
        nlp, "Jo Doe, director of Young Voices at Sea, said the night ferry must stay."
    )
    assert said.organisation == "Young Voices at Sea"


def test_a_service_word_makes_a_name_a_body_that_its_pronoun_continues(nlp):
    quotes = quotes_of(
        nlp,
        "Saltmarsh Fostering said it was concerned that the plan would move decisions further from children.",
        "Its chief executive, Mara Lindqvist, added that carers had been “talked about rather than talked to”.",
    )
    assert [(q.speaker, q.organisation) for q in quotes] == [
        (None, "Saltmarsh Fostering"),
        ("Mara Lindqvist", "Saltmarsh Fostering"),
    ]


def test_a_group_within_a_body_and_an_asked_question_are_no_quotes(nlp):
    actors = ActorTable(
        (*ACTORS.actors, Actor(name="House of Tides", kind="organisation", aliases=("MPs",)))
    )
    quotes = quotes_of(
        nlp,
        "The harbour plan came under attack on Wednesday, with opposition MPs arguing that most ferries would be late.",
        "Asked whether he expected the department to change course, Ivo Marsh said: “I think they know the numbers don't add up.”",
        actors=actors,
    )
    assert [(q.speaker, q.organisation, q.text) for q in quotes] == [
        ("Ivo Marsh", None, "I think they know the numbers don't add up.")
    ]


def test_a_bodys_office_speaks_for_it_and_reminding_is_reporting(nlp):
    quotes = quotes_of(
        nlp,
        "The Federation of Coastal Councils' office said on Monday that the ferry grant was late.",
        "Ada Vance, chief executive of the Ferry Users Trust, reminded MPs that the night ferry had been cut twice.",
    )
    assert [(q.speaker, q.organisation, q.cue, q.text) for q in quotes] == [
        (None, "Federation of Coastal Councils", "said", "the ferry grant was late"),
        ("Ada Vance", "Ferry Users Trust", "reminded", "the night ferry had been cut twice"),
    ]


def test_a_partys_possessive_before_a_name_is_the_persons_party_not_their_name(nlp):
    (quote,) = quotes_of(
        nlp,
        "That drew a sharp response from Labour’s Priya Lanchester, who said the ferry operators "
        "had made a very comfortable living.",
    )
    assert (quote.speaker, quote.organisation) == ("Priya Lanchester", "Labour Party")


def test_a_name_after_a_role_of_a_body_speaks_even_when_tagged_as_a_body(nlp):
    # the parser hangs the name on the body and the tagger calls it a body
    (quote,) = quotes_of(
        nlp,
        "The director of the Family Rights Advocacy Trust, Imogen Fairweather, said: “For the "
        "first time, parents are being treated as part of the solution.”",
    )
    assert (quote.kind, quote.speaker, quote.organisation) == (
        "direct",
        "Imogen Fairweather",
        "Family Rights Advocacy Trust",
    )


def test_a_spokesperson_for_a_body_speaks_for_it(nlp):
    found = quotes_of(
        nlp,
        "The Ferry Crews Union (FCU) and the Department for Harbours met on Tuesday.",
        "A spokeswoman for the FCU said the rules were unfair.",
        "“Every crossing needs a pilot,” a spokesperson for the union said.",
        "The levy would “punish the operators”, according to a spokesperson for the Association "
        "of Island Ferry Operators, which represents 40 firms.",
    )
    assert [(q.speaker, q.organisation, q.text) for q in found if q.cue != "met"] == [
        (None, "Ferry Crews Union", "the rules were unfair"),
        (None, "Ferry Crews Union", "Every crossing needs a pilot"),
        (None, "Association of Island Ferry Operators", "The levy would “punish the operators”"),
    ]


def test_a_committee_chair_named_after_a_party_title_chairs_for_the_committee(nlp):
    found = quotes_of(
        nlp,
        "MPs on the Ferry Services Committee heard evidence on Tuesday.",
        "The committee’s chair, Conservative MP Dominic Feathers-Laing, asked whether operators "
        "could spend more.",
        "Closing the session, the chair said the committee wanted “a clear, costed route map” "
        "from ministers.",
    )
    # the tagger found no name: the chain after the party and title is the person's
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Dominic Feathers-Laing", "Ferry Services Committee")
    ] * 2


def test_a_relative_clause_between_a_body_and_its_cue_keeps_the_cue(nlp):
    # the parser leaves the sentence verbless and hangs "called" on the clause's object
    (quote,) = quotes_of(
        nlp,
        "The Northern Ferry Operators’ Partnership, which represents 14 operators, called for "
        "fare caps to apply nationally.",
    )
    assert (quote.organisation, quote.text) == (
        "Northern Ferry Operators’ Partnership",
        "fare caps to apply nationally",
    )


def test_an_embedded_post_is_its_account_holders_direct_quote(nlp):
    found = quotes_of(
        nlp,
        "Reaction came quickly from Ada Penhallow, who chairs the board of Riverside Carers.",
        "Ada Penhallow @adapenhallow",
        "Night crossings saved. Good. But nothing on fares, and that is what carers asked for. "
        "#FerryPlan",
        "4:09 PM · Mar 2, 2024",
        "Ada Penhallow (@adapen)\nThe fares review cannot wait until 2026.\n5:12 PM · Mar 2, 2024",
        roles=("body", "heading", "body", "heading", "body"),
    )
    posts = [(q.kind, q.speaker, q.cue, q.text) for q in found]
    assert posts == [
        (
            "direct",
            "Ada Penhallow",
            None,
            "Night crossings saved. Good. But nothing on fares, and that is what carers asked "
            "for. #FerryPlan",
        ),
        ("direct", "Ada Penhallow", None, "The fares review cannot wait until 2026."),
    ]


def test_an_unknown_account_or_a_handle_without_a_post_is_no_quote(nlp):
    found = quotes_of(
        nlp,
        "The ferry plan was published on Tuesday.",
        "Harbour Watch @harbourwatch",
        "Ferry plan out now: read it here.",
        roles=("body", "heading", "body"),
    )
    assert found == []  # the account is no person the article names


def test_a_transcripts_labelled_turns_are_their_speakers_blocks(nlp):
    found = quotes_of(
        nlp,
        "Presenter Tobias Reeve spoke to Ada Penhallow, chief executive of Riverside Carers.",
        "TOBIAS REEVE: Councils say they have no money. Do they have a point?",
        "ADA PENHALLOW: They find the money the moment a crossing closes. The question is "
        "whether carers count before that.",
        "Tobias Reeve: Ministers say the review is coming, and that fares will be part of it.",
    )
    assert [(q.kind, q.speaker, q.organisation, q.cue, q.text[:18]) for q in found] == [
        ("block", "Ada Penhallow", "Riverside Carers", None, "They find the mone")
    ]  # the presenter's turns, question or not, are not quotes


def test_an_interviewers_question_is_no_quote_and_she_said_is_the_guests(nlp):
    found = quotes_of(
        nlp,
        "Ada Penhallow, chief executive of Riverside Carers, told the programme that fares "
        "would decide whether the plan worked.",
        "Presenter Tobias Reeve asked whether the £9m for timetables was at least a start.",
        "“Timetables are welcome, and I would never turn them down,” she said.",
    )
    assert [(q.speaker, q.cue) for q in found] == [
        ("Ada Penhallow", "told"),
        ("Ada Penhallow", "said"),
    ]


def test_a_gerund_after_of_or_for_belongs_to_the_cues_content(nlp):
    (accused,) = quotes_of(
        nlp,
        "Ada Penhallow, chief executive of Riverside Carers, has accused the department of "
        "asking carers to run the crossings on goodwill alone.",
    )
    assert (accused.cue, accused.text) == (
        "has accused",
        "the department of asking carers to run the crossings on goodwill alone",
    )
    # after another preposition, the gerund is a second statement
    found = quotes_of(
        nlp,
        "Ada Penhallow, chief executive of Riverside Carers, welcomed the plan before warning "
        "that the money would run out.",
    )
    assert [(q.cue, q.text) for q in found] == [
        ("welcomed", "the plan"),
        ("warning", "the money would run out"),
    ]


def test_a_name_in_apposition_inside_the_subject_is_what_a_later_pronoun_continues(nlp):
    found = quotes_of(
        nlp,
        "Tobias Reeve of the Ferry Users Forum said fares were too high.",
        "One of our crossing wardens in Penhallow Bay, Milo Danvers, put it bluntly when we spoke "
        "last week. “Nobody reads a timetable,” he said.",
    )
    assert [(q.speaker, q.text) for q in found][-1] == ("Milo Danvers", "Nobody reads a timetable")


def test_a_round_up_line_names_the_person_and_the_body_whatever_the_tagger_made_of_them(nlp):
    found = quotes_of(
        nlp,
        "What the sector said about the ferry rules:",
        "• Rosalind Achebe, Harbourside Children's Trust: 'A price cap only works if every "
        "council in a region signs up.'",
        "• Declan Murtagh, Association of Agency Ferry Crews: 'Nobody goes agency for the money "
        "alone. They go because the council job has become impossible.'",
        "• Linnea Gauthier, Fostering Alliance South: 'Our carers notice the churn first.'",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Rosalind Achebe", "Harbourside Children's Trust"),
        ("Declan Murtagh", "Association of Agency Ferry Crews"),
        ("Linnea Gauthier", "Fostering Alliance South"),
    ]


def test_responding_for_a_party_names_the_party_across_a_role(nlp):
    (quote,) = quotes_of(
        nlp,
        "Responding to the statement for Labour, the shadow ferries minister, Bridget "
        "Nwosu-Kemp, said the plan was “a plan to make a plan”.",
    )
    assert (quote.speaker, quote.organisation) == ("Bridget Nwosu-Kemp", "Labour Party")


def test_pressed_for_reports_what_was_pressed_for(nlp):
    found = quotes_of(
        nlp,
        "The Ferry Users Forum welcomed the new timetable but pressed for night crossings to "
        "become a legal entitlement.",
    )
    assert [(q.cue, q.text) for q in found] == [
        ("welcomed", "the new timetable"),
        ("pressed", "night crossings to become a legal entitlement"),
    ]


def test_a_plural_possessive_inside_a_name_keeps_the_name_whole(nlp):
    found = quotes_of(
        nlp,
        "Amir Patel, who chairs the Northern Metropolitan Children's Ferry Group, said fares "
        "should fall. His group has called for the levy to be revived.",
    )
    assert [q.organisation for q in found] == ["Northern Metropolitan Children's Ferry Group"] * 2


def test_a_role_after_a_curly_possessive_is_the_role_holder_not_a_name(nlp):
    # after "association’s" the tagger calls "president" a proper noun; lower case, it is none
    found = quotes_of(
        nlp,
        "Marguerite Achebe-Lowe, president of the Association of Ferry Crew Leaders, welcomed "
        "the strategy.",
        "But the association’s president warned that the money would not undo a decade of cuts.",
    )
    assert [(q.speaker, q.organisation, q.cue) for q in found] == [
        ("Marguerite Achebe-Lowe", "Association of Ferry Crew Leaders", "welcomed"),
        ("Marguerite Achebe-Lowe", "Association of Ferry Crew Leaders", "warned"),
    ]


def test_its_role_after_a_conjunction_and_before_a_title_is_the_bodys(nlp):
    found = quotes_of(
        nlp,
        "The County Children's Services Network, which represents shire counties, said the money "
        "was a welcome down payment. But its lead member for children, Cllr Harriet "
        "Bellamy-Quist, warned that the money risked being swallowed by placement costs.",
    )
    assert [(q.speaker, q.organisation) for q in found][-1] == (
        "Harriet Bellamy-Quist",
        "County Children's Services Network",
    )


def test_a_round_ups_section_headings_name_the_body_its_section_refers_back_to(nlp):
    paragraphs = (
        "The ferry plan was published this morning, the Department for Rivers said.",
        "Harbour Pilots’ Alliance",
        "The alliance, which represents 300 pilots, said it welcomed the new rota but warned "
        "that crews were already stretched.",
        "FWA",
        "The association said the plan was right but questioned whether £4m was enough.",
        "Friends of the Ferry",
        "Meanwhile, the group’s founder, Callum Ashdown-Price, said the new timetables were "
        "a mistake.",
    )
    roles = ("body", "heading", "body", "heading", "body", "heading", "body")
    found = quotes_of(nlp, *paragraphs, roles=roles)
    assert [(q.cue, q.organisation) for q in found] == [
        ("said", "Department for Rivers"),
        ("welcomed", "Harbour Pilots’ Alliance"),
        ("warned", "Harbour Pilots’ Alliance"),
        ("said", "FWA"),
        ("questioned", "FWA"),
        ("said", "Friends of the Ferry"),
    ]
    # a lone Title Case heading on a page without a section per body is a topic, not a body
    found = quotes_of(
        nlp,
        "Harbour Pilots’ Alliance said the plan was welcome.",
        "Friends of the Ferry",
        "The group said the timetables were a mistake.",
        roles=("body", "heading", "body"),
    )
    assert [q.organisation for q in found] == ["Harbour Pilots’ Alliance"] * 2


def test_capitalised_words_joined_to_a_bodys_name_by_and_are_part_of_it(nlp):
    found = quotes_of(
        nlp,
        "Grandparents and Kin Alliance welcomed the plan but warned that the support would "
        "reach only a fraction of families.",
    )
    assert [(q.cue, q.organisation) for q in found] == [
        ("welcomed", "Grandparents and Kin Alliance"),
        ("warned", "Grandparents and Kin Alliance"),
    ]


def test_a_capitalised_plural_of_a_body_noun_is_an_unnamed_group(nlp):
    found = quotes_of(
        nlp,
        "Reactions to the ferry plan:",
        "• Charities and councils broadly welcomed the new rota but said the money fell short.",
        "Unions said the timetables were a mistake.",
    )
    assert found == []


def test_a_round_ups_sections_give_their_body_to_headers_signatures_and_statements(nlp):
    paragraphs = (
        "Here is how ferry groups reacted to the plan.",
        "Harbour Pilots’ Alliance (HPA)",
        "Dr Ann Lowe, president",
        "‘The rota ends months of uncertainty for every pilot on the estuary.’",
        "Friends of the Ferry Trust",
        "‘Cheaper fares are a real win, and one that islanders fought hard for.’ – Ruby Marsh, "
        "co-founder",
        "Island Carers Network (ICN)",
        "Statement from Tom Reyes, director:",
        "‘We are relieved that the night crossing has been kept for another year.’",
    )
    roles = ("body", "heading", "heading", "body", "heading", "body", "heading", "body", "body")
    found = quotes_of(nlp, *paragraphs, roles=roles)
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Ann Lowe", "Harbour Pilots’ Alliance"),
        ("Ruby Marsh", "Friends of the Ferry Trust"),
        ("Tom Reyes", "Island Carers Network"),
    ]
    assert found[1].text.startswith("Cheaper fares") and found[1].text.endswith("fought hard for.")


def test_a_source_heard_from_and_a_peer_referred_back_to(nlp):
    found = quotes_of(
        nlp,
        "The committee also heard from Baroness Hale of Tidewater, who chairs the independent "
        "Commission on Island Ferries, that more crews had left than joined last year. The peer "
        "said the new rota was ‘the most encouraging thing in the whole plan’.",
    )
    assert [(q.speaker, q.organisation, q.cue) for q in found] == [
        ("Baroness Hale of Tidewater", "Commission on Island Ferries", "heard from"),
        ("Baroness Hale of Tidewater", "Commission on Island Ferries", "said"),
    ]
    assert found[0].text == "more crews had left than joined last year"


def test_for_a_body_before_a_speaker_names_the_body_they_speak_for(nlp):
    (told,) = quotes_of(
        nlp,
        "For the Harbour Board, Nathan Crewe, director of ferry reform, told the committee that "
        "the pilots were ‘not a delay but the fastest safe route’ to change.",
    )
    assert (told.speaker, told.organisation, told.cue) == ("Nathan Crewe", "Harbour Board", "told")


def test_its_refers_to_a_body_inside_the_subject_or_the_passive_agent(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Kin Trust said the plan was welcome.",
        "Members of the Island Pilots Forum will see their allowance rise in April. Its director, "
        "Callum Brennock, told the magazine that the rise would be swallowed by costs.",
        "The new rota was described by the Northern Councils Ferry Network as 'sensible but slow'. "
        "Its chair, Dennis Aldous, warned that crews could not wait until 2025.",
    )
    assert [(q.speaker, q.organisation) for q in found][1:] == [
        ("Callum Brennock", "Island Pilots Forum"),
        (None, "Northern Councils Ferry Network"),
        ("Dennis Aldous", "Northern Councils Ferry Network"),
    ]


def test_a_narration_paragraph_opened_by_another_source_ends_a_headers_statement(nlp):
    found = quotes_of(
        nlp,
        "Ann Lowe, islander and founder, Ferry Families Circle",
        "I am raising two grandchildren on a pension and I was hoping for help with the fares.",
        "A Department for Rivers spokesperson said the £2m was “just the start” of the plan.",
        roles=("heading", "body", "body"),
    )
    assert [(q.kind, q.speaker, q.organisation) for q in found] == [
        ("block", "Ann Lowe", "Ferry Families Circle"),
        ("mixed", None, "Department for Rivers"),
    ]


def test_a_bodys_name_the_parser_split_at_a_plural_possessive_stays_whole(nlp):
    found = quotes_of(
        nlp,
        "The Ferry Workers’ Collective welcomed the rise in the ferry allowance to £300 but said "
        "the fares were “a missed opportunity”.",
    )
    assert [(q.cue, q.organisation) for q in found] == [
        ("welcomed", "Ferry Workers’ Collective"),
        ("said", "Ferry Workers’ Collective"),
    ]


def test_an_office_that_is_a_body_of_its_own_is_its_holders_organisation(nlp):
    found = quotes_of(
        nlp,
        "Dr Amara Reid, the Islanders’ Rights Guardian for Wales, said children were paying the "
        "price for the fares. Her office has urged the board to publish a timetable.",
        "The Ferry Ombudsman for Scotland, Tom Reyes, said the plan “falls short”.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Amara Reid", "Islanders’ Rights Guardian for Wales"),
        (None, "Islanders’ Rights Guardian for Wales"),
        ("Tom Reyes", "Ferry Ombudsman for Scotland"),
    ]
    # a minister's portfolio is no body of its own
    (said,) = quotes_of(nlp, "Jane Doe, Minister for Ferries, said the fares would fall.")
    assert said.organisation is None


def test_for_a_person_and_in_the_view_of_open_the_persons_view(nlp):
    found = quotes_of(
        nlp,
        "Tom Reyes is harbour master at Northfield Ferries.",
        "For Tom Reyes, the deeper problem is that the crossings have never been funded properly.",
        "In the view of Ann Lowe, cutting the night ferry has made islanders less safe.",
        "In Lowe's view, the board has mistaken a pilot for a plan.",
        "For the first time, the ferries will run at night. For England, the plan is a start.",
    )
    assert [(q.speaker, q.cue, q.text) for q in found] == [
        (
            "Tom Reyes",
            "For",
            "the deeper problem is that the crossings have never been funded properly",
        ),
        ("Ann Lowe", "In the view of", "cutting the night ferry has made islanders less safe"),
        ("Ann Lowe", "view", "the board has mistaken a pilot for a plan"),
    ]


def test_a_name_the_parser_missed_beside_a_body_noun_is_a_body_and_a_lead_in_names_the_next_quote(
    nlp,
):
    found = quotes_of(
        nlp,
        "The Harbour Board said fares would rise.",
        "Islanders Rising, a campaign led by young people from the ferry towns, is urging "
        "ministers to go further on night crossings. Its founder, Tolu Bankole, said:",
        "“Raising the allowance is a welcome step, but leaving at nine is not what a service "
        "does.”",
    )
    assert [(q.speaker, q.organisation) for q in found][1:] == [
        (None, "Islanders Rising"),
        ("Tolu Bankole", "Islanders Rising"),
    ]


def test_a_party_leader_of_a_council_speaks_for_the_council(nlp):
    (said,) = quotes_of(
        nlp,
        "Graham Stallybrass, Conservative leader of Northfield County Council, said ferry "
        "spending had doubled in four years.",
    )
    assert said.organisation == "Northfield County Council"


def test_a_lead_in_naming_a_statement_makes_the_paragraphs_below_it_the_sources_blocks(nlp):
    found = quotes_of(
        nlp,
        "The Lantern Ferry Trust (LFT) issued this statement on the day of the announcement:",
        "We are glad that the crossings will run all winter. That has been a long time coming.",
        "But a timetable does not pay the fares, and we will keep pressing for a travel grant.",
        "Rosa Pellew, who chairs the trust, said: “Islanders have waited years for this.”",
        "The Quayside Guild speaks for 40 harbour traders. Its statement reads:",
        "We welcome the new berths, and our members will be the first to use them.",
    )
    assert [(q.kind, q.speaker, q.organisation, q.text[:12]) for q in found] == [
        ("block", None, "Lantern Ferry Trust", "We are glad "),
        ("block", None, "Lantern Ferry Trust", "But a timeta"),
        ("direct", "Rosa Pellew", "Lantern Ferry Trust", "Islanders ha"),
        ("block", None, "Quayside Guild", "We welcome t"),
    ]


def test_a_statement_after_said_runs_until_narration_resumes(nlp):
    found = quotes_of(
        nlp,
        "Marta Quill, director of the Tidewater Alliance, said:",
        "We are disappointed that the night crossings have been cut again.",
        "The ferry company has cut four night crossings since May, its timetable shows.",
    )
    assert [(q.kind, q.speaker, q.organisation) for q in found] == [
        ("block", "Marta Quill", "Tidewater Alliance")
    ]


def test_whose_names_the_body_before_it_and_the_clause_after_the_cue_is_the_content(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Trust welcomed the timetable.",
        "The concern found an echo at the Coastal Councils Network (CCN), whose briefing to "
        "members argues that the £4m fund is far too small.",
        "The decision was applauded by the Federation of Island Hauliers (FIH), whose "
        "director, Carl Rees, said the argument had “distracted everyone for a year”.",
    )
    assert [(q.speaker, q.organisation, q.text) for q in found][1:] == [
        (None, "Coastal Councils Network", "the £4m fund is far too small"),
        (None, "Federation of Island Hauliers", "The decision"),  # a passive evaluative cue
        (
            "Carl Rees",
            "Federation of Island Hauliers",
            "the argument had “distracted everyone for a year”",
        ),
    ]


def test_its_after_a_sentence_naming_one_body_as_no_subject_is_that_body(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Trust welcomed the timetable.",
        "The sharpest criticism came from the Ferry Workers Union (FWU). Its president, "
        "Bernadette Kowal, believes the new board will achieve little.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        (None, "Harbour Trust"),
        ("Bernadette Kowal", "Ferry Workers Union"),
    ]


def test_copular_adjectives_with_a_clause_and_light_verb_phrases_are_cues(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Union offered a qualified welcome to the ferry strategy. Its chair, Dennis "
        "Whitlow, is adamant that training is no substitute for an allowance.",
        "The Harbour Union is, however, uneasy about plans for regional ports, and also takes "
        "aim at the decision to close the night crossing.",
        "It is clear that the timetable will change.",
    )
    assert [(q.speaker, q.organisation, q.text) for q in found] == [
        (None, "Harbour Union", "the ferry strategy"),
        ("Dennis Whitlow", "Harbour Union", "training is no substitute for an allowance"),
        (None, "Harbour Union", "plans for regional ports"),
        (None, "Harbour Union", "the decision to close the night crossing"),
    ]


def test_a_remit_at_a_body_is_the_bodys_and_whose_makes_the_body_the_subject_after_it(nlp):
    found = quotes_of(
        nlp,
        "Dr Amara Lind, Director of Policy and Practice at Nestwell Foundation, said the rise "
        "was “a genuine step”.",
        "The Harbour Trust welcomed the timetable. The concern found an echo at the Association "
        "of Northern Ferry Operators (ANFO), whose briefing argues that the fund is "
        "too small. The body also takes aim at the decision to close the night crossing.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Amara Lind", "Nestwell Foundation"),
        (None, "Harbour Trust"),
        (None, "Association of Northern Ferry Operators"),
        (None, "Association of Northern Ferry Operators"),
    ]


def test_a_cue_in_what_someone_ought_to_do_and_an_agentless_passive_are_no_quotes(nlp):
    found = quotes_of(
        nlp,
        "The Harbour Trust welcomed the plan. If ministers want more ferries, they should start "
        "by asking the crews why so many are leaving.",
        "Ministers have been accused of “tinkering at the edges” of the ferry service.",
        "The Harbour Trust responded by saying that the fares were too high.",
    )
    assert [(q.organisation, q.text) for q in found] == [
        ("Harbour Trust", "the plan"),
        ("Harbour Trust", "the fares were too high"),
    ]


def test_for_a_person_with_a_relative_clause_opens_their_view(nlp):
    (view,) = quotes_of(
        nlp,
        "For Shannon Mbeki, who left care at 18 and now volunteers at the port, the biggest "
        "disappointment was the decision to cut the night crossing.",
    )
    assert (view.speaker, view.text) == (
        "Shannon Mbeki",
        "the biggest disappointment was the decision to cut the night crossing",
    )


def test_an_mps_seat_is_no_body_and_a_for_views_holder_is_the_next_pronoun(nlp):
    found = quotes_of(
        nlp,
        "Labour's Bethan Ashworth-Kaur described the ferry plan as “late”. Ashworth-Kaur, the "
        "MP for Thornfield and Marr, said the crossings had been “quietly shelved”.",
        "For Shannon Mbeki-Doyle, who left care at 18, the biggest disappointment was the "
        "decision to cut the night crossing. “We were not listened to,” she said.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Bethan Ashworth-Kaur", "Labour Party"),
        ("Bethan Ashworth-Kaur", "Labour Party"),
        ("Shannon Mbeki-Doyle", None),
        ("Shannon Mbeki-Doyle", None),
    ]


def test_who_chaired_or_volunteers_with_a_body_names_the_persons_organisation(nlp):
    found = quotes_of(
        nlp,
        "Baroness Hallow of Kirkby, who chaired the Commission on Island Homes, told the Harbour "
        "Committee on Tuesday that councils had been outbid by large operators.",
        "Sam Petrie, who left care at 18 and now volunteers with the group Ferry Voices Speak "
        "Out, said the timetable was “a let-down”.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        ("Baroness Hallow of Kirkby", "Commission on Island Homes"),
        ("Sam Petrie", "Ferry Voices Speak Out"),
    ]


def test_an_indefinite_role_in_a_lede_is_the_holder_named_next(nlp):
    found = quotes_of(
        nlp,
        "A director of ports has told port leaders that councils must not wait for the new ferries.",
        "Dr Femi Olawale, director of ports at Greyshire County Council, used his keynote to urge "
        "other ports to move first.",
        "A senior civil servant said the timetable was thin.",
    )
    assert [(q.speaker, q.organisation, q.text) for q in found] == [
        (
            "Femi Olawale",
            "Greyshire County Council",
            "councils must not wait for the new ferries",
        ),
    ]


def test_a_bodys_name_the_tagger_missed_as_a_subject_is_what_its_continues(nlp):
    found = quotes_of(
        nlp,
        "Island Voices said the crossings were too few.",
        "The Shire Counties Children’s Network, which speaks for 24 county councils, warned that "
        "the fund would barely touch the sides. Its lead member for ferries, Cllr Rosalind "
        "Achebe-Thorne, said councils were “ready to be pathfinders”.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [
        (None, "Island Voices"),
        (None, "Shire Counties Children’s Network"),
        ("Rosalind Achebe-Thorne", "Shire Counties Children’s Network"),
    ]


def test_a_first_name_with_an_age_is_a_person(nlp):
    found = quotes_of(
        nlp,
        "Tyler, 15, said he would like his social worker to “come and watch me play football”.",
    )
    assert [(q.speaker, q.organisation) for q in found] == [("Tyler", None)]


def test_a_gerund_cue_after_beyond_under_a_reported_would_still_reports(nlp):
    found = quotes_of(
        nlp,
        "However, Lena Ortiz did not indicate how the department would respond, beyond saying "
        "that it would use the report to support councils.",
    )
    assert [q.text for q in found] == ["it would use the report to support councils"]
