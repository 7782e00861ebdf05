"""A source's own text (codebook §1) and organisations from appositions, on pages written for
these tests: press releases, op-eds, letters pages, and the news pages that must stay untouched."""

from __future__ import annotations

import pytest

from pipeline.domain import load_domain
from pipeline.own_text import is_question
from pipeline.records import Article
from pipeline.stages import QuoteStage


def quotes(nlp, text: str, **meta):
    output = QuoteStage(load_domain(), nlp=nlp)([Article(id="t", text=text, **meta)])
    assert output.failures == {}
    (result,) = output.results
    return [(q.kind, q.speaker, q.organisation, q.text) for q in result.quotes]


PRESS_RELEASE = """Home | About us | News | Donate

Harbour Kin Network responds to the ferry strategy

Press release | 3 March 2024

The department today published its ferry strategy. It includes £12m for crossings and a review of timetables by 2025.

We welcome the commitment to keep the night crossings, and we are glad that ministers listened to the families who rely on them.

But we are deeply concerned that the strategy says nothing about fares. Without help with the cost, many carers will simply stop travelling.

“Families have waited three years for this,” said Ann Lowe, chief executive of Harbour Kin Network.

“We will be at every consultation event,” said Tom Reyes.

Notes to editors

1. We are a national charity supporting families who live on islands."""


def test_a_press_release_speaks_for_its_organisation(nlp):
    found = quotes(nlp, PRESS_RELEASE)
    blocks = [q for q in found if q[0] == "block"]
    assert [(q[1], q[2]) for q in blocks] == [(None, "Harbour Kin Network")] * 2
    assert blocks[0][3].startswith("We welcome the commitment")
    assert blocks[1][3].startswith("But we are deeply concerned")
    # the descriptive paragraph and the notes to editors are not its statements
    assert not any("It includes £12m" in q[3] or "national charity" in q[3] for q in found)
    # a quotation of a named person on the page stays that person's
    assert (
        "direct",
        "Ann Lowe",
        "Harbour Kin Network",
        "Families have waited three years for this",
    ) in found


OP_ED = """Opinion

We will test before we scale, and that is the responsible choice

Our plan puts help for families first, writes the children's minister

By Jo Marsh

Sunday 5 February 2023

Last week we published our strategy for children's social care. I am proud of it, and I make no apology for its ambition.

The strategy is organised around six pillars, from family help to the workforce.

Some say the money is not enough. I understand the frustration, but pouring money into untested reforms would be a mistake."""


def test_an_op_ed_by_a_minister_is_hers_and_her_departments(nlp):
    found = quotes(nlp, OP_ED)
    assert [(q[0], q[1], q[2]) for q in found] == [
        ("block", "Jo Marsh", "Department for Education"),
        ("block", "Jo Marsh", "Department for Education"),
    ]
    assert found[1][3].startswith("Some say the money is not enough")


def test_a_journalists_column_and_a_news_report_are_narration(nlp):
    column = OP_ED.replace("By Jo Marsh", "By Sam Lee, social affairs correspondent").replace(
        ", writes the children's minister", ""
    )
    assert [q for q in quotes(nlp, column) if q[0] == "block"] == []
    news = (
        "Ferry plan criticised\n\nThe department published its ferry strategy on Monday. "
        "It includes £12m for crossings.\n\nAnn Lowe, who chairs the campaign group Keep Islands "
        "Moving, said the plan was “a start, not a solution”."
    )
    assert quotes(nlp, news) == [
        ("mixed", "Ann Lowe", "Keep Islands Moving", "the plan was “a start, not a solution”")
    ]


LETTERS = """Letters

Ferries need more than pilots

The rise in the fares grant is welcome, but most of our members still pay twice what mainland families do. We urge ministers to go further.
Ann Lowe
Chair, Northfield Kinship Alliance

My ferry is always late

I have waited for the morning crossing every day this winter and it has never once been on time. Something must change.
Bill Pike
Whitby"""


def test_letters_belong_to_their_signatories_and_the_publics_are_narration(nlp):
    found = quotes(nlp, LETTERS)
    assert [(q[0], q[1], q[2]) for q in found] == [
        ("block", "Ann Lowe", "Northfield Kinship Alliance")
    ]
    assert found[0][3].endswith("We urge ministers to go further.")


def test_offices_name_their_body_unless_shadow_or_former(nlp):
    text = (
        "Ferry plan published\n\n"
        "Children's minister Jo Marsh said the plan would help families on the islands.\n\n"
        "Labour's shadow children's minister, Ray Dunn, said the plan was far too timid for them."
    )
    found = {q[1]: q[2] for q in quotes(nlp, text)}
    assert found["Jo Marsh"] == "Department for Education"
    assert found["Ray Dunn"] != "Department for Education"


INTERVIEW = """Island Practice Weekly

‘We stopped sending families from door to door’: a ferry-town director on the new service

Interview by Sam Lee | 4 April 2024

Rosa Vane has been director of children's services at Northfield Borough Council since 2021.

Why did Northfield want to be a pathfinder?

Honestly, because we had nothing to lose. Our early help service had shrunk to a handful of workers.

“We had nothing to lose.”

What has changed for families?

The biggest change is that families tell their story once, to one worker, and we keep it.

Is the money enough?

For two years, yes. After that I genuinely do not know, and I worry about the cliff edge."""


def test_an_interviews_answers_are_the_interviewees_and_questions_are_not(nlp):
    found = quotes(nlp, INTERVIEW)
    assert [(q[0], q[1], q[2]) for q in found] == [
        ("block", "Rosa Vane", "Northfield Borough Council")
    ] * 3
    assert [q[3][:20] for q in found] == [
        "Honestly, because we",
        "The biggest change i",
        "For two years, yes. ",
    ]


SHORT_NAME_PAGE = """Island Families welcomes the ferry strategy

Press release | 3 March 2024

Island Families Carers' Trust, the charity for island households, welcomes the strategy as long-overdue recognition of the families who rely on the night crossings.

We are pleased that ministers listened to carers on timetables, and we will work with them on fares.

But we are deeply concerned that the strategy says nothing about fares for young carers."""


def test_a_body_named_short_in_the_title_takes_its_full_name_and_reports_of_it_stay_reports(nlp):
    found = quotes(nlp, SHORT_NAME_PAGE)
    assert {q[2] for q in found} == {"Island Families Carers' Trust"}
    # the paragraph that names the body and its cue is a report of it, not the page's own voice
    assert (
        "indirect",
        None,
        "Island Families Carers' Trust",
        "the strategy as long-overdue recognition of the families who rely on the night crossings",
    ) in found
    assert [q[0] for q in found].count("block") == 2


COUNCIL_PAGE = """Tidewater Borough Council

Home > News

Tidewater chosen to test new ferry passes

Tidewater Borough Council is one of six councils chosen to test free ferry passes for young carers.

Cllr Ana Reyes, cabinet member for transport, said: “This is brilliant news for our islands.”

Kate Moss, a resident, said: “I hope it lasts.”"""


def test_a_councillor_with_no_body_named_speaks_for_the_one_council_named(nlp):
    found = quotes(nlp, COUNCIL_PAGE)
    assert (
        "direct",
        "Ana Reyes",
        "Tidewater Borough Council",
        "This is brilliant news for our islands.",
    ) in found
    assert ("direct", "Kate Moss", None, "I hope it lasts.") in found
    two = COUNCIL_PAGE.replace(
        "six councils chosen", "six councils, with Marsh County Council, chosen"
    )
    assert ("direct", "Ana Reyes", None, "This is brilliant news for our islands.") in quotes(
        nlp, two
    )


def test_a_body_in_a_place_is_the_body(nlp):
    found = quotes(
        nlp,
        "Ann Lowe, who chairs the Harbour Carers Group in Kingsmere, said the fares were too high.",
    )
    assert found == [("indirect", "Ann Lowe", "Harbour Carers Group", "the fares were too high")]


NURSE_LETTER = """Letters

My ferry is always late

I have waited for the morning crossing every day this winter and it has never once been on time. Something must change.
Sarah Pike, nurse, Whitby"""


def test_a_practitioner_signs_from_work_as_the_lexicon_lists_occupations(nlp):
    from dataclasses import replace

    from pipeline.lexicon import english

    bundled = load_domain()
    # a nurse writes from her work: her letter is hers
    assert "nurse" in bundled.lexicon.practitioner_nouns
    found = QuoteStage(bundled, nlp=nlp)([Article(id="t", text=NURSE_LETTER)]).results[0].quotes
    assert [(q.kind, q.speaker) for q in found] == [("block", "Sarah Pike")]
    # a domain whose lexicon does not list nurses takes her for a member of the public
    lexicon = replace(
        bundled.lexicon,
        practitioner_nouns=english().practitioner_nouns - {"nurse"},
        role_nouns=english().role_nouns - {"nurse"},
    )
    stage = QuoteStage(replace(bundled, lexicon=lexicon), nlp=nlp)
    assert stage([Article(id="t", text=NURSE_LETTER)]).results[0].quotes == ()


CHARITY_BLOG = """Skip to content

Tidewater Carers Circle

Home | About us | Blog | Donate

What the ferry strategy means for island carers

Posted on 4 March 2024 by Mira Castell, Chief Executive

Yesterday the department published its ferry strategy. I read it overnight so that the carers we support do not have to.

I am glad that the night crossings are safe. Our carers have asked for that for years.

But I am disappointed that fares are left for another day, and we will keep saying so."""


def test_a_blog_post_is_its_bylined_authors_not_the_sites_name_line(nlp):
    # the site's name line above the byline is not a person; "Posted on DATE by" is a byline
    found = quotes(nlp, CHARITY_BLOG, publisher="Tidewater Carers Circle")
    blocks = [q for q in found if q[0] == "block"]
    assert blocks and all(
        (q[1], q[2]) == ("Mira Castell", "Tidewater Carers Circle") for q in blocks
    )
    assert blocks[-1][3].startswith("But I am disappointed")


def test_a_byline_with_a_date_and_no_on_names_its_author(nlp):
    page = CHARITY_BLOG.replace("Posted on 4 March 2024 by", "Posted 4 March 2024 by")
    blocks = [q for q in quotes(nlp, page, publisher="Tidewater Carers Circle") if q[0] == "block"]
    assert blocks and all(
        (q[1], q[2]) == ("Mira Castell", "Tidewater Carers Circle") for q in blocks
    )


NEWSPAPER_LIVE = """The Harbourside Ledger
News | Politics | Sport

Ferry strategy published: live

Kit Marlowe and Dee Sands

The department published its ferry strategy this morning, with £12m for crossings and a review of timetables by 2025.

We welcome you to our coverage of the ferry strategy. Our reporters are at the harbour all day, and we welcome the night crossings.

But we are concerned that the strategy says nothing about fares, and we will keep asking."""


def test_a_newspapers_own_page_speaks_for_no_organisation(nlp):
    # the site line is the publisher's; a newspaper's "we" is the journalists' (codebook §1)
    found = quotes(nlp, NEWSPAPER_LIVE, publisher="The Harbourside Ledger")
    assert found == []
    # the same page on a body's site is that body's own text
    body = (
        NEWSPAPER_LIVE.replace("The Harbourside Ledger", "Harbourside Carers Trust")
        .replace("Kit Marlowe and Dee Sands\n\n", "")
        .replace("Our reporters", "Our carers")
    )
    assert {q[2] for q in quotes(nlp, body, publisher="Harbourside Carers Trust")} == {
        "Harbourside Carers Trust"
    }


def test_a_posts_meta_line_names_its_author(nlp):
    page = CHARITY_BLOG.replace(
        "Posted on 4 March 2024 by Mira Castell, Chief Executive",
        "4 March 2024 | Mira Castell | 4 min read",
    )
    found = quotes(nlp, page, publisher="Tidewater Carers Circle")
    blocks = [q for q in found if q[0] == "block"]
    assert blocks and all(
        (q[1], q[2]) == ("Mira Castell", "Tidewater Carers Circle") for q in blocks
    )


def test_a_paragraph_that_only_reports_others_is_no_block_of_the_page(nlp):
    page = CHARITY_BLOG.replace(
        "But I am disappointed",
        "When our chair and I met the minister, Ravi Dunmore, in May, he told us that the "
        "department was reviewing fares. In a letter last week, Mr Dunmore added that a "
        "decision would follow in the autumn.\n\nBut I am disappointed",
    )
    found = quotes(nlp, page, publisher="Tidewater Carers Circle")
    assert not any(q[0] == "block" and "Ravi Dunmore" in q[3] for q in found)
    reports = [q for q in found if q[1] == "Ravi Dunmore"]
    assert [q[0] for q in reports] == ["indirect", "indirect"]
    assert reports[0][3] == "the department was reviewing fares"
    # the author's own view paragraphs around it stay hers
    assert sum(q[0] == "block" and q[1] == "Mira Castell" for q in found) == 3


LABELLED_INTERVIEW = """Ferry Weekly

Interview by Ola Brandt

Rosa Vane, chief executive of Northfield Ferries, has run the island crossings since 2019.

FW: Why did you bid to run the night crossings?

RV: Honestly, because we had nothing to lose. Our early help service had shrunk to a handful of workers.

FW: The review wanted a new fares cap for every island. Ministers have not taken that up. Were they right?

RV: No, I think they were wrong. A cap would have stopped the worst of the price rises.

FW: Is the money enough?

RV: For two years, yes. After that I genuinely do not know, and I worry about the cliff edge."""


def test_an_interviewers_labelled_question_that_first_tells_is_still_a_question(nlp):
    found = quotes(nlp, LABELLED_INTERVIEW)
    # three sentences before its "?", but it opens with the label of the other questions
    # the answerer's label ("RV:") is left out of each answer's span
    assert [q[3][:8] for q in found if q[0] == "block"] == ["Honestly", "No, I th", "For two "]


CONTACT_PAGE = """Home | About us | News

Harbour Kin Network responds to the ferry strategy

Press release | 3 March 2024

We welcome the commitment to keep the night crossings, and we are glad that ministers listened.

Find out about our support for carers: call 0300 555 0192 or visit our pages.

Questions about this statement should be sent to press@harbourkin.org.uk."""


def test_contact_details_on_an_own_page_are_no_statement(nlp):
    found = quotes(nlp, CONTACT_PAGE)
    assert [q[3][:20] for q in found if q[0] == "block"] == ["We welcome the commi"]


RESPONSE_PAGE = """Our response to the ferry timetable consultation

Policy > Consultation responses

About this consultation

The Department for Harbours opened a consultation in March on the night crossings timetable.

About us

The Harbour Kin Network represents more than 4,000 island families who rely on the crossings.

Summary of our response

We support the aim of a single timetable, but the proposals as drafted would cut the last crossing.

Recommendations

We recommend that the department:

• keeps the last night crossing at midnight on every island route;

• publishes the fares for 2025 before the timetable changes."""


def test_a_responses_about_section_is_skipped_and_its_listed_calls_are_its_own(nlp):
    found = quotes(nlp, RESPONSE_PAGE, publisher="Harbour Kin Network")
    blocks = [(q[2], q[3][:22]) for q in found if q[0] == "block"]
    assert blocks == [
        ("Harbour Kin Network", "We support the aim of "),
        ("Harbour Kin Network", "keeps the last night c"),
        ("Harbour Kin Network", "publishes the fares fo"),
    ]


def test_a_rhetorical_question_in_the_writers_voice_states_a_view():
    from pipeline.own_text import states_a_view

    assert states_a_view(
        "Would any of us put our own children on the last ferry alone? Then why do we accept it?"
    )
    assert not states_a_view("Question 7: Do you agree with the timetable we proposed?")
    assert not states_a_view("What do you want from ministers?")
    assert not states_a_view("FW: Should we worry about the fares?")


def test_reported_speech_inside_an_answer_stays_inside_it(nlp):
    text = INTERVIEW.replace(
        "The biggest change is that families tell their story once, to one worker, and we keep it.",
        "The biggest change is that families tell their story once. The department has accepted "
        "the idea of a single family worker, and we keep it.",
    )
    found = quotes(nlp, text)
    assert [q[0] for q in found] == ["block"] * 3  # no indirect quote of the department inside


def test_a_bodys_figures_about_itself_are_no_statement():
    from pipeline.own_text import states_a_view

    assert not states_a_view(
        "Our network runs 14 peer support groups across the islands and took 2,300 calls on its advice line last year."
    )
    assert states_a_view("Our members pay 40% more for 2 crossings a day, and that must change.")
    assert states_a_view("We run 14 groups and 3 helplines, and we will keep them open.")


def test_a_signatures_remit_is_no_body_and_a_council_takes_its_full_name(nlp):
    letters = LETTERS.replace(
        "Ann Lowe\nChair, Northfield Kinship Alliance",
        "Ann Lowe, Director of Children's Services, Northfield County Council, Whitby",
    )
    found = quotes(nlp, letters)
    assert [(q[0], q[1], q[2]) for q in found] == [
        ("block", "Ann Lowe", "Northfield County Council")
    ]
    page = (
        "Home | News | Council services\n\n"
        "Northfield Council responds to the ferry strategy\n\n"
        "Published 3 March 2024\n\n"
        "We welcome the strategy's focus on helping island families earlier, and we will bid to be a pathfinder.\n\n"
        "But we are concerned that the funding will not reach most families on the islands.\n\n"
        "Northfield Borough Council, Town Hall, Northfield"
    )
    found = quotes(nlp, page, title="Northfield Council responds to the ferry strategy")
    assert [(q[0], q[2]) for q in found] == [("block", "Northfield Borough Council")] * 2


PODCAST = """Harbour Audio | Podcasts | Transcripts | Subscribe

The Ferry Table, episode 12: what the strategy means for island carers

Transcript | 9 March 2024

This week the presenter is joined by Dr Ines Varga, who heads research at the Island Carers Trust.

Presenter: Dr Varga, who are island carers, and why did the review spend so long on them?

Dr Ines Varga: They are the relatives who step in when a child cannot stay at home, and the review was right to put them first.

Presenter: The strategy stopped short of an allowance. How did your families react?

Dr Ines Varga: With weary disappointment. The peer groups are welcome, but a grandmother who gave up work needs money.

Presenter: Let's bring in our second guest, Councillor Mia Stroud of Northfield Borough Council. Is the money there?

Cllr Mia Stroud: Not yet. We would welcome national rules on agency pay tomorrow, but our budget is already stretched thin.

Presenter: Dr Varga, is that fair?

Dr Ines Varga: It is fair as far as it goes, which is exactly why the allowance has to be paid for nationally."""


def test_a_labelled_answer_is_its_labels_person_and_the_label_stays_out(nlp):
    found = quotes(nlp, PODCAST)
    blocks = [(q[1], q[3][:10]) for q in found if q[0] == "block"]
    assert blocks == [
        ("Ines Varga", "They are t"),
        ("Ines Varga", "With weary"),
        ("Mia Stroud", "Not yet. W"),
        ("Ines Varga", "It is fair"),
    ]
    assert {q[2] for q in found if q[1] == "Ines Varga"} == {"Island Carers Trust"}


BYLINED_BLOG = """Harbour Families Trust

Home | About us | Blog | Donate

What we heard this month

By Nora Quill, Chief Executive

The department published its ferry strategy last month, with £12m over two years for crossings.

The Island Councils Association has argued that the £12m is far too small to test the new timetable properly.

A study led by Professor Ben Ashe of Linby University found that one family in three missed a crossing last winter. Ashe told me that the figure should worry anyone who believes in pilots.

Our trustee, Dr Rosa Lind, reminded us in March that the fares grant was long overdue.

We welcome the decision to keep the night crossings, but we are worried that two years is not a national programme."""


def test_under_a_byline_reports_and_description_are_not_the_authors(nlp):
    found = quotes(nlp, BYLINED_BLOG, publisher="Harbour Families Trust")
    assert [(q[0], q[1], q[2], q[3][:12]) for q in found] == [
        ("indirect", None, "Island Councils Association", "the £12m is "),
        ("indirect", "Ben Ashe", "Linby University", "the figure s"),
        ("indirect", "Rosa Lind", "Harbour Families Trust", "the fares gr"),
        ("block", "Nora Quill", "Harbour Families Trust", "We welcome t"),
    ]


TWO_GUEST_INTERVIEW = """Harbour Weekly

INTERVIEW

Two views on the ferry strategy

Interview by Lena Marsh

Mira Okoye is director of transport at Tidewater Borough Council. Tom Hale is chief executive of the Island Operators Forum, whose members run most of the small ferries.

**Mira, let's start with money. The strategy commits £20m over two years. Is that enough?**

Mira Okoye: No. The crossings need far more than that, and everyone in the sector knows it.

**Tom, the levy on the largest operators did not make it into the strategy. Were you relieved?**

Most of our members run two or three boats and were never the problem the levy was aimed at.

**Is the timetable review moving at the right pace?**

Tom Hale: The timetable review has met twice since January and published nothing so far.

Mira: The islands cannot wait another winter for a timetable that still has no date."""


def test_a_two_guest_interview_with_bold_questions_names_each_answer(nlp):
    found = quotes(nlp, TWO_GUEST_INTERVIEW)
    blocks = [(q[1], q[3][:23]) for q in found if q[0] == "block"]
    assert blocks == [
        ("Mira Okoye", "No. The crossings need "),
        # unlabelled, after a question that addresses Tom by his first name
        ("Tom Hale", "Most of our members run"),
        # describes, states no view, but answers a question: spoken
        ("Tom Hale", "The timetable review ha"),
        # a first-name label after the full one
        ("Mira Okoye", "The islands cannot wait"),
    ]


def test_a_question_set_in_bold_may_tell_before_it_asks():
    assert is_question("**Mira, the strategy commits £20m. It is two years. Is that enough?**")
    assert is_question("_Were you relieved?_")
    assert not is_question("**The strategy commits £20m over two years.**")
    assert not is_question("The strategy commits £20m. It is two years. It lasts. Is it enough?")


CONSULTATION_RESPONSE = """Harbour Institute of Ferry Workers

Policy > Consultation responses

Consultation response: ferry crew rules

Published 9 May 2024 · Policy Team

1. Summary

The Harbour Institute of Ferry Workers (HIFW) is the professional membership body for ferry crews in England. We have 9,400 members.

We support the aim of this consultation. Operators spend too much on agency crews, and national rules would end the bidding.

2. What our members told us

• 74% of respondents said they supported a national cap on agency rates.
• 61% said a five-year rule was too long; 22% said it was about right.

Mira Okoye, a senior practitioner at Tidewater Borough Council, told us the rule felt unfair.

Tom Hale, deck manager, Island Ferries Ltd

I manage eight crew. Three of them qualified in the last two years, and all three are thinking about agency work.

3. Responses to the consultation questions

Question 1: Do you agree that there should be national caps on agency rates?

Yes. Caps should be set nationally, so that operators are not bidding against each other.

Question 2: Do you agree with a five-year rule?

No. We believe two years is the right period, and we said so in our summary.

Question 3: Do you agree that managed teams should end?

We agree, with one exception for operators in special measures.

Related responses
• Our evidence to the Transport Committee (March 2024)"""


def test_a_consultation_response_answers_its_numbered_questions_in_its_own_voice(nlp):
    found = quotes(nlp, CONSULTATION_RESPONSE)
    blocks = [(q[1], q[2], q[3][:12]) for q in found if q[0] == "block"]
    institute = "Harbour Institute of Ferry Workers"
    assert blocks == [
        # who the body is ("X (HIFW) is the professional membership body") and the survey's
        # shares are not its view; its view paragraphs and its answers are
        (None, institute, "We support t"),
        # the name line heads the paragraph after it (first person), it does not sign the
        # figures and reports above it as a letter
        ("Tom Hale", "Island Ferries Ltd", "I manage eig"),
        # a numbered section heading ends his statement; numbered questions make no interview
        (None, institute, "Yes. Caps sh"),
        (None, institute, "No. We belie"),
        (None, institute, "We agree, wi"),
    ]
    # an occupation at a named body gives the body
    assert ("indirect", "Mira Okoye", "Tidewater Borough Council") in [q[:3] for q in found]


BYLINE_WITH_DATE_LINE = """Tidewater Carers Trust

Blog

What I have been hearing about the ferry strategy

By Mira Castell, Chief Executive
2 March 2024 · 6 minute read

It is four weeks since the strategy was published. I have spent most of that time listening to our carers and to the councils we work with.

Start with the people who will run it. At our roundtable last week, Ana Reyes, who leads island services at Marsh County Council, told the room that the money would not reach most islands for two years.

I agree with her. If we are serious about the islands, the money has to come first."""


def test_a_date_line_under_a_byline_leaves_the_byline_in_force(nlp):
    found = quotes(nlp, BYLINE_WITH_DATE_LINE)
    # the paragraph that reports a council officer is a report, not the author's statement
    assert ("indirect", "Ana Reyes", "Marsh County Council") in [q[:3] for q in found]
    assert [(q[1], q[2], q[3][:12]) for q in found if q[0] == "block"] == [
        ("Mira Castell", "Tidewater Carers Trust", "It is four w"),
        ("Mira Castell", "Tidewater Carers Trust", "I agree with"),
    ]


def test_a_press_release_label_is_no_organisation(nlp):
    page = """Brightwater Kinship

PRESS RELEASE

Brightwater Kinship responds to the ferry strategy

Brightwater Kinship has welcomed the strategy, but warned that carers will be left behind without fares support.

We are pleased that ministers listened to carers, and we will work with them on fares.

But we are deeply concerned that the strategy says nothing about young carers."""
    found = quotes(nlp, page)
    assert {q[2] for q in found} == {"Brightwater Kinship"}
    # a name with a service word ("kinship") is a body, not a person
    assert {q[1] for q in found} == {None}


CEO_BLOG = """Harbour Kin Network
Home   About us   Blog   Donate

Blog › Policy

The ferry plan is a start. Islands need a promise.

Ann Lowe, chief executive
3 March 2024 · 4 minute read

I welcome the decision to keep the night crossings, and I am glad that ministers listened.

When I met Tom Reyes, director of transport at Northfield Borough Council, in January, he told me that his council had spent twice as much on taxis as on ferries.

But we are deeply concerned that the plan says nothing about fares. Without help with the cost, many carers will simply stop travelling."""


def test_a_blogs_name_and_role_over_a_date_line_is_its_byline(nlp):
    found = quotes(nlp, CEO_BLOG, publisher="Harbour Kin Network")
    # the author's view paragraphs are the page's; the paragraph reporting another source is not
    assert [(q[0], q[1], q[2]) for q in found] == [
        ("block", "Ann Lowe", "Harbour Kin Network"),
        ("indirect", "Tom Reyes", "Northfield Borough Council"),
        ("block", "Ann Lowe", "Harbour Kin Network"),
    ]
    assert found[1][3].startswith("his council had spent")


def test_a_blog_paragraph_that_introduces_someone_elses_quotation_is_not_the_authors(nlp):
    blog = (
        "Harbour Kin Network\n\nHome > News > Chief executive's blog\n\n"
        "The ferry plan, five weeks on\n\n"
        "Posted 3 March 2024 by Ann Lowe, Chief Executive\n\n"
        "I welcome the decision to keep the night crossings, and I am glad that ministers "
        "listened to us.\n\n"
        "But we are deeply concerned that the plan says nothing about fares. Without help with "
        "the cost, many carers will simply stop travelling."
        "\n\nOne of our ferry volunteers, Dominic Hale, put it more bluntly when we spoke last "
        "week. “The islanders I see don’t know what a pilot is,” he said. “They know whether the "
        "boat turns up.”"
    )
    found = quotes(nlp, blog, publisher="Harbour Kin Network")
    assert [(q[0], q[1]) for q in found] == [("block", "Ann Lowe")] * 2 + [
        ("direct", "Dominic Hale")
    ] * 2


def test_an_office_the_article_names_no_holder_for_speaks_for_its_body(nlp):
    text = (
        "Ferry plan published\n\n"
        "At a round table last month, the children's minister told us that the pilot areas would "
        "be chosen for their readiness to change."
    )
    assert quotes(nlp, text) == [
        (
            "indirect",
            None,
            "Department for Education",
            "the pilot areas would be chosen for their readiness to change",
        )
    ]


def test_a_columns_meta_line_is_no_letters_signature_and_a_body_sentence_no_title(nlp):
    page = (
        "Harbour Kin Network\n\n"
        "About | What we do | News | From the CEO's desk\n\n"
        "Four months on: are islanders any closer to a night ferry?\n\n"
        "Ann Lowe | Chief Executive | 22 June 2024\n\n"
        "Four months after the ferry plan was published, the first changes are arriving.\n\n"
        "The Quay Workers' Network's response to the consultation argues that crews should be "
        "paid for night shifts.\n\n"
        "We share that view, and I am disappointed that ministers have left the decision to "
        "each council. Islanders deserve one rule wherever they live.\n\n"
        "We will keep campaigning until the night crossing is guaranteed in law."
    )
    found = quotes(nlp, page, publisher="Harbour Kin Network")
    blocks = [q for q in found if q[0] == "block"]
    assert [(q[1], q[2]) for q in blocks] == [("Ann Lowe", "Harbour Kin Network")] * 2
    assert blocks[0][3].startswith("We share that view")


@pytest.mark.parametrize(
    "byline",
    [
        "Words: Ann Lowe · Chief Executive · 3 March 2024 · 4 min read",
        "Posted 3 March 2024 by Ann Lowe, Chief Executive",
    ],
)
def test_a_words_byline_with_dotted_fields_names_the_author_and_meeting_a_source_is_a_report(
    nlp, byline
):
    blog = (
        "Harbour Kin Network\n\nHome | Blog | Donate\n\n"
        "The ferry plan, five weeks on\n\n"
        f"{byline}\n\n"
        "I welcome the decision to keep the night crossings, and I am glad that ministers "
        "listened to us.\n\n"
        "I also spoke to Councillor Rhys Penhale, who leads Skerry Island Council and has been "
        "one of our partners for years. He told me the council was ready to run the pilot.\n\n"
        "But we are deeply concerned that the plan says nothing about fares."
    )
    found = quotes(nlp, blog, publisher="Harbour Kin Network")
    assert [(q[0], q[1], q[2]) for q in found] == [
        ("block", "Ann Lowe", "Harbour Kin Network"),
        ("indirect", "Rhys Penhale", "Skerry Island Council"),
        ("block", "Ann Lowe", "Harbour Kin Network"),
    ]


def test_related_posts_under_a_blog_are_no_statements_of_its_author(nlp):
    blog = (
        "Harbour Kin Network\n\nThe ferry plan, five weeks on\n\n"
        "By Ann Lowe, Chief Executive\n\n"
        "I welcome the decision to keep the night crossings, and I am glad that ministers "
        "listened to us.\n\n"
        "Related posts\n"
        "• Why island families need night crossings, not just a timetable\n"
        "• Our response to the ferry review, one year on"
    )
    found = quotes(nlp, blog, publisher="Harbour Kin Network")
    assert [(q[0], q[1], q[3][:12]) for q in found] == [("block", "Ann Lowe", "I welcome th")]
