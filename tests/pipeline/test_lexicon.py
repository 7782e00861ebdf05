"""Word lists as data: general English shipped with the package, a domain's lexicon.yaml on top,
checked with file:line errors, and read by the quote stage of the domain it belongs to."""

from __future__ import annotations

from pathlib import Path

from pipeline.domain import load_domain
from pipeline.lexicon import (
    current,
    english,
    furniture_key,
    line_pattern,
    load_lexicon_file,
    using,
)
from pipeline.records import Article
from pipeline.stages import QuoteStage

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_domain"


def test_english_is_general_and_the_bundled_domain_adds_uk_parties():
    en = english()
    assert {"say", "warn", "welcome"} <= en.reporting_verbs | en.evaluative_verbs
    assert "minister" in en.role_nouns and "charity" in en.organisation_nouns
    assert "On" in en.not_names  # cased list stays cased
    assert dict(en.parties) == {}
    assert current().parties["tories"] == "Conservative Party"  # outside a stage: bundled domain


def test_a_domain_file_adds_removes_and_maps(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        "role_nouns:\n  add: [Tsar]\n  remove: [boss]\n"
        "organisation_nouns: [Commune]\n"
        "parties:\n  Green  Left: Green Left Alliance\n"
        "page_furniture:\n  - '  Get the App  '\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    lex = load_lexicon_file(path, problems)
    assert problems == []
    assert "tsar" in lex.role_nouns and "boss" not in lex.role_nouns
    assert "minister" in lex.role_nouns  # the rest of English is kept
    assert "commune" in lex.organisation_nouns
    assert dict(lex.parties) == {"green left": "Green Left Alliance"}
    assert lex.page_furniture == {"get the app"} == {furniture_key("Get the app:")}
    assert load_lexicon_file(tmp_path / "missing.yaml", problems) == english()


def test_every_problem_names_file_line_and_fix(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        "role_nouns:\n  add: [tsar, tsar]\n  remove: [tsar]\n"
        "colours: [red]\n"
        "parties: [labour]\n"
        "data_nouns: {add: [poll], drop: [x]}\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    load_lexicon_file(path, problems)
    assert problems == [
        f"{path}:1: role_nouns.add lists 'tsar' twice; keep one",
        f"{path}:1: role_nouns both adds and removes tsar; keep each word in one of the two",
        f"{path}:4: unknown list 'colours'; use one of "
        + ", ".join(
            sorted(
                [
                    "reporting_verbs", "passive_cues", "from_source_verbs", "office_bodies", "evaluative_adjectives", "noun_cues",
                    "evaluative_verbs", "concern_nouns", "honorifics", "female_titles",
                    "male_titles", "role_nouns", "organisation_nouns", "document_nouns",
                    "data_nouns", "organisation_hints", "not_names", "party_roles",
                    "journalist_roles", "interviewer_roles", "publication_words", "view_words",
                    "council_roles",
                    "page_furniture", "furniture_lines", "article_end_lines", "comment_headers",
                    "comment_count_nouns", "furniture_phrases", "photo_agencies",
                    "practitioner_nouns", "not_organisation_acronyms", "particle_cues",
                    "parties", "role_organisations", "preposition_cues", "copular_noun_cues", "statement_nouns", "meeting_verbs", "phrase_cues",
                    "as_clause_cues", "beneficiary_nouns", "portfolio_words", "legislator_titles",
                    "self_description_nouns",
                ]
            )
        ),
        f"{path}:5: parties must map words to names, one 'word: Name' line each (e.g. 'labour: Labour Party')",
        f"{path}:6: data_nouns has drop; use 'add:' and 'remove:' lists",
    ]  # fmt: skip
    bad = tmp_path / "bad.yaml"
    bad.write_text("role_nouns: [a\n", encoding="utf-8")
    problems = []
    load_lexicon_file(bad, problems)
    assert len(problems) == 1 and problems[0].startswith(f"{bad}:2: not valid YAML")


def test_line_lists_take_whole_lines_or_line_starts(tmp_path):
    assert line_pattern(["share", "more from ..."]) == r"more\ from\b.*|share"
    assert line_pattern([]) == "(?!)"  # nothing, not every line
    en = english()
    assert {"share this", "read more ..."} <= en.furniture_lines
    assert {"comments", "leave a reply"} <= en.comment_headers
    assert {
        "mp",
        "mps",
        "msp",
        "ceo",
        "uk",
        "us",
        "press",
        "release",
    } <= en.not_organisation_acronyms
    # the UK's news agency is the bundled debate's, not general English
    assert "pa media" not in en.photo_agencies and "pa media" in current().photo_agencies
    path = tmp_path / "lexicon.yaml"
    path.write_text("furniture_lines: ['...', 'Donate now ...']\n", encoding="utf-8")
    problems: list[str] = []
    lexicon = load_lexicon_file(path, problems)
    assert problems == [
        f"{path}:1: furniture_lines has an entry of only '...'; "
        "put the words a line starts with before it"
    ]
    assert "donate now ..." in lexicon.furniture_lines and "..." not in lexicon.furniture_lines


def test_using_scopes_the_lexicon():
    tiny = load_domain(TINY).lexicon
    with using(tiny):
        assert current() is tiny
    assert current() is not tiny


ARTICLE = (
    "Library vote splits Harbourside council\n\n"
    "The council met on Tuesday night to decide the future of the central library.\n\n"
    "Tidewater councillor Ann Bell said the library must stay open because families rely on it.\n\n"
    "Get the Harbourside Gazette app\n\n"
    "Labour councillor Tom Reed said the budget could not stretch that far without cuts.\n"
)


def test_the_quote_stage_reads_its_domains_word_lists(nlp):
    def run(domain):
        output = QuoteStage(domain, nlp=nlp)([Article(id="t1", text=ARTICLE)])
        assert output.failures == {}
        (result,) = output.results
        roles = {ARTICLE[s.start : s.end]: s.role for s in result.segments}
        return [(q.speaker, q.organisation) for q in result.quotes], roles

    bundled_quotes, bundled_roles = run(load_domain())
    tiny_quotes, tiny_roles = run(load_domain(TINY))
    # each domain knows its own parties and nobody else's
    assert bundled_quotes == [("Ann Bell", None), ("Tom Reed", "Labour Party")]
    assert tiny_quotes == [("Ann Bell", "Tidewater Party"), ("Tom Reed", None)]
    # and its own sites' page furniture
    assert tiny_roles["Get the Harbourside Gazette app"] == "boilerplate"
    assert bundled_roles["Get the Harbourside Gazette app"] != "boilerplate"


def test_a_remit_is_told_from_a_body_by_the_lexicons_portfolio_words():
    from dataclasses import replace

    from pipeline.speakers import is_portfolio

    assert is_portfolio("Children's Services") and is_portfolio("Children and Families")
    assert not is_portfolio("Libraries and Culture") and not is_portfolio("Harbour Trust")
    wider = replace(english(), portfolio_words=english().portfolio_words | {"libraries", "culture"})
    with using(wider):
        assert is_portfolio("Libraries and Culture") and not is_portfolio("Harbour Trust")
