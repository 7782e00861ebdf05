"""The speaker/organisation resolution stage, without spaCy: mentions are given by hand."""

from __future__ import annotations

from pipeline.resources import Actor, ActorTable
from pipeline.speakers import Source, build_registry, looks_like_person, strip_honorifics

ACTORS = ActorTable(
    (
        Actor(
            name="Guild of Lighthouse Keepers", kind="organisation", aliases=("GLK", "the guild")
        ),
        Actor(
            name="Owen Price",
            kind="person",
            organisation="Guild of Lighthouse Keepers",
            aliases=("Price",),
        ),
        Actor(name="Labour Party", kind="organisation", aliases=("Labour",)),
    )
)


def spans(text: str, *names: str, label: str = "PERSON", subject: bool = True):
    out = []
    for name in names:
        start = text.index(name)
        out.append((start, start + len(name), label, subject))
    return out


def test_strip_honorifics():
    assert strip_honorifics("Dame Rachel Smith") == "Rachel Smith"
    assert strip_honorifics("Dr. Lucy Peake") == "Lucy Peake"
    assert strip_honorifics("Cllr Tom Hart's") == "Tom Hart"


def test_looks_like_person():
    assert looks_like_person("Mina Castell")
    assert looks_like_person("Arthur Labinjo-Hughes")
    assert looks_like_person("Jane de Vries")
    assert not looks_like_person("Harbour Homes")
    assert not looks_like_person("Tenants Network")
    assert not looks_like_person("NHS England")
    assert not looks_like_person("Become")
    assert not looks_like_person("Island Parents")  # a group of people names a body
    assert not looks_like_person("Ferry Voices")
    assert looks_like_person("Ann Parsons")  # a surname that is a plural


def test_fullest_name_and_surname():
    text = "Jo Wells spoke first. Later Wells said more."
    reg = build_registry(
        text,
        spans(text, "Jo Wells")
        + [(text.index("Wells said"), text.index("Wells said") + 5, "PERSON", True)],
        ACTORS,
    )
    assert reg.resolve_name("Wells") == Source("Jo Wells", None, "person")
    assert reg.resolve_name("Jo") == Source("Jo Wells", None, "person")


def test_acronym_defined_in_text():
    text = "The Harbour Pilots Association (HPA) met. HPA said no."
    reg = build_registry(text, [], ACTORS)
    assert reg.acronyms == {"HPA": "Harbour Pilots Association"}
    assert reg.org_name("HPA") == "Harbour Pilots Association"


def test_acronym_that_does_not_fit_is_ignored():
    text = "The meeting ran late (BST) again."
    assert build_registry(text, [], ACTORS).acronyms == {}


def test_alias_table_canonical_names():
    reg = build_registry("", [], ACTORS)
    assert reg.org_name("GLK") == "Guild of Lighthouse Keepers"
    assert reg.org_name("the Quay Society") == "Quay Society"  # unknown bodies pass through
    assert reg.org_name("The Quay Society") == "Quay Society"  # one spelling per body in an article


def test_organisation_from_of_apposition():
    text = "Nia Patel, chief executive of the Canal Homes Trust, spoke."
    reg = build_registry(text, spans(text, "Nia Patel"), ACTORS)
    assert reg.resolve_name("Patel") == Source("Nia Patel", "Canal Homes Trust", "person")


def test_organisation_from_premodifier_title():
    text = "The Canal Homes Trust chief executive Nia Patel spoke."
    reg = build_registry(text, spans(text, "Nia Patel"), ACTORS)
    assert reg.resolve_name("Nia Patel").organisation == "The Canal Homes Trust"


def test_organisation_from_possessive_title():
    text = "Tidewell's director Sam Hollis spoke."
    reg = build_registry(text, spans(text, "Sam Hollis"), ACTORS)
    assert reg.resolve_name("Sam Hollis").organisation == "Tidewell"


def test_portfolio_is_not_an_organisation():
    text = "Minister for Harbours, Ada Lamb, spoke. Housing minister Bo Chan spoke."
    reg = build_registry(text, spans(text, "Ada Lamb", "Bo Chan"), ACTORS)
    assert reg.resolve_name("Ada Lamb").organisation is None
    assert reg.resolve_name("Bo Chan").organisation is None
    assert "minister" in reg.people["chan"].roles


def test_party_of_an_mp():
    text = "Labour MP Rhys Dale asked a question."
    reg = build_registry(text, spans(text, "Rhys Dale"), ACTORS)
    assert reg.resolve_name("Rhys Dale").organisation == "Labour Party"


def test_layout_header_line():
    text = "Kit Moran, head of policy, Coastal Rescue League\nWe need more boats."
    reg = build_registry(text, spans(text, "Kit Moran"), ACTORS)
    assert reg.resolve_name("Kit Moran").organisation == "Coastal Rescue League"


def test_alias_table_is_a_fallback_for_a_persons_organisation():
    text = "Owen Price spoke."
    reg = build_registry(text, spans(text, "Owen Price"), ACTORS)
    assert reg.resolve_name("Owen Price").organisation == "Guild of Lighthouse Keepers"


def test_pronoun_prefers_subject_and_gender():
    text = "Mrs Ann Vale met Tom Reed. Reed's plan was read. She said it was good."
    entities = spans(text, "Ann Vale") + [
        (text.index("Tom Reed"), text.index("Tom Reed") + 8, "PERSON", False),
        (text.index("Reed's"), text.index("Reed's") + 4, "PERSON", False),
    ]
    reg = build_registry(text, entities, ACTORS)
    assert reg.resolve_pronoun("she", text.index("She")).speaker == "Ann Vale"
    assert reg.resolve_pronoun("he", text.index("She")).speaker == "Tom Reed"


def test_pronoun_after_the_writer_met_someone_is_that_person():
    text = "Ann Vale wrote the plan. I also spoke to Tom Reed, who runs the port. He told me more."
    entities = [
        (text.index("Ann Vale"), text.index("Ann Vale") + 8, "PERSON", True),
        (text.index("Tom Reed"), text.index("Tom Reed") + 8, "PERSON", False),
    ]
    reg = build_registry(text, entities, ACTORS)
    assert reg.resolve_pronoun("he", text.index("He told")).speaker == "Tom Reed"
    quoted = 'Ann Vale wrote the plan. "We met Tom Reed," she said. He told me more.'
    entities = [
        (quoted.index("Ann Vale"), quoted.index("Ann Vale") + 8, "PERSON", True),
        (quoted.index("Tom Reed"), quoted.index("Tom Reed") + 8, "PERSON", False),
    ]
    reg = build_registry(quoted, entities, ACTORS)  # a quoted "we" is not the writer's
    assert reg.resolve_pronoun("he", quoted.index("He told")).speaker == "Ann Vale"


def test_the_latest_mention_is_latest_in_the_text_not_the_latest_found():
    text = "Ann Vale spoke first. Tom Reed spoke next. They left. He waved."
    reg = build_registry(text, spans(text, "Tom Reed"), ACTORS)
    reg.add_person("Ann Vale", 0, 8, subject=True)  # found late, when its cue was resolved
    assert reg.resolve_pronoun("he", text.index("He waved")).speaker == "Tom Reed"


def test_role_noun_resolution():
    text = "Harbours minister Ada Lamb visited. The minister spoke."
    reg = build_registry(text, spans(text, "Ada Lamb"), ACTORS)
    assert (
        reg.resolve_role("minister", text.index("The minister"), "The minister").speaker
        == "Ada Lamb"
    )
    assert reg.resolve_role("chair", text.index("The minister"), "The chair") is None


def test_role_alias_names_its_holder_only_when_the_article_names_them():
    actors = ActorTable(
        (
            Actor(name="Harbours Office", kind="organisation"),
            Actor(
                name="Ada Lamb",
                kind="person",
                organisation="Harbours Office",
                aliases=("the harbours minister",),
            ),
        )
    )
    unnamed = "The plan was published. The harbours minister spoke."
    reg = build_registry(unnamed, [], actors)
    where = unnamed.index("The harbours")
    assert reg.resolve_role("minister", where, "The harbours minister") == Source(
        None, "Harbours Office", "organisation"
    )
    named = "Ada Lamb opened the port. The harbours minister spoke."
    reg = build_registry(named, spans(named, "Ada Lamb"), actors)
    where = named.index("The harbours")
    assert reg.resolve_role("minister", where, "The harbours minister").speaker == "Ada Lamb"


def test_nominal_resolution_by_descriptor():
    text = "Saltmarsh, the coastal charity, warned. The Quay Council met. The charity said no."
    entities = spans(text, "The Quay Council", label="ORG")
    reg = build_registry(text, entities, ACTORS)
    where = text.index("The charity said")
    assert reg.resolve_nominal("charity", where, "The charity") == Source(
        None, "Saltmarsh", "organisation"
    )
    assert reg.resolve_nominal("council", where, "the council").organisation == "The Quay Council"


def test_nominal_alias_from_table():
    reg = build_registry("The guild said so.", [], ACTORS)
    assert (
        reg.resolve_nominal("guild", 5, "The guild").organisation == "Guild of Lighthouse Keepers"
    )


def test_org_pronoun_prefers_recent_subject():
    text = "The Dock Union met the Port Authority. It said talks would go on."
    entities = [
        (text.index("The Dock Union"), text.index("The Dock Union") + 14, "ORG", True),
        (text.index("the Port Authority"), text.index("the Port Authority") + 18, "ORG", False),
    ]
    reg = build_registry(text, entities, ACTORS)
    assert reg.resolve_pronoun("it", text.index("It said")).organisation == "The Dock Union"


# --- organisations and names from the article's own words (written for these tests) ----------


def _attributions(nlp, *paragraphs: str) -> dict[str, str | None]:
    from pipeline.domain import load_domain
    from pipeline.records import Article
    from pipeline.stages import QuoteStage

    text = "Islands plan debated\n\n" + "\n\n".join(paragraphs)
    output = QuoteStage(load_domain(), nlp=nlp)([Article(id="t", text=text)])
    assert output.failures == {}
    return {q.speaker: q.organisation for q in output.results[0].quotes}


def test_a_peer_is_named_by_title_and_takes_the_party_before_it(nlp):
    found = _attributions(
        nlp,
        "Opening the debate, the Labour peer Lord Pennock of Hadleigh said the islands had been "
        "forgotten for a decade.",
        "Lord Pennock added that the ferry grant was far too small to make a difference.",
    )
    assert found == {"Lord Pennock of Hadleigh": "Labour Party"}


def test_appositions_give_the_organisation(nlp):
    found = _attributions(
        nlp,
        "Ann Lowe, who chairs the campaign group Keep Islands Moving, said the plan was timid.",
        "Keira Dunn, 21, an ambassador for the charity Voices Offshore, said young people "
        "were never asked.",
        "Joe Pike, the cabinet member for transport at Northfield Borough Council, said the "
        "council would bid for the money.",
        "The Island Carers’ Network (ICN) welcomed the plan. The ICN’s chief executive, "
        "Rosa Vane, said families had waited too long.",
    )
    assert found["Ann Lowe"] == "Keep Islands Moving"
    assert found["Keira Dunn"] == "Voices Offshore"
    assert found["Joe Pike"] == "Northfield Borough Council"
    assert found["Rosa Vane"] == "Island Carers’ Network"


def test_a_chair_of_a_body_named_before_and_a_police_rank(nlp):
    found = _attributions(
        nlp,
        "The Islands Committee met on Tuesday to question the minister about the ferry plan.",
        "Rosa Vane, who chairs the committee, said the plan had arrived two years too late.",
        "Detective Superintendent Liam Orr, head of public protection at Northfield Police, "
        "said officers would join the new teams.",
    )
    assert found["Rosa Vane"] == "Islands Committee"
    assert found["Liam Orr"] == "Northfield Police"
