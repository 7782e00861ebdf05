"""Organisation attribution rules of the registry, on sentences written for these tests
(fictional people and bodies); mentions are given by hand, as the NER would give them."""

from __future__ import annotations

from pipeline.resources import Actor, ActorTable
from pipeline.speakers import ORG_NAME_RE, Source, build_registry, strip_honorifics

ACTORS = ActorTable(
    (
        Actor(
            name="Guild of Lighthouse Keepers", kind="organisation", aliases=("GLK", "the guild")
        ),
        Actor(
            name="Department for Harbours",
            kind="organisation",
            aliases=("the government", "the department"),
        ),
    )
)


def ent(text: str, name: str, label: str = "PERSON", subject: bool = True, nth: int = 0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return (start, start + len(name), label, subject)


def org_of(text: str, name: str, *entities) -> str | None:
    reg = build_registry(text, list(entities) or [ent(text, name)], ACTORS)
    return reg.resolve_name(name).organisation


def test_person_entity_inside_a_body_name_is_the_body():
    text = "The Parents' Advice Network, which helps families, said no. Its director, Mo Reid, said more."
    reg = build_registry(
        text,
        [ent(text, "Parents", subject=False), ent(text, "Advice Network"), ent(text, "Mo Reid")],
        ACTORS,
    )
    assert "network" not in reg.people and "parents" not in reg.people
    assert reg.resolve_name("Mo Reid") == Source("Mo Reid", "Parents' Advice Network", "person")


def test_person_entity_running_into_a_body_name_and_a_place_word_are_not_people():
    text = (
        "Kelbury County Council met. Kelbury is small. Kelbury and District NHS Trust’s chief "
        "nurse, Ola Penn, spoke."
    )
    entities = [
        ent(text, "Kelbury County Council", "ORG"),
        ent(text, "Kelbury", nth=1),
        ent(text, "Kelbury", nth=2),
        ent(text, "Ola Penn"),
    ]
    reg = build_registry(text, entities, ACTORS)
    assert "kelbury" not in reg.people
    assert reg.resolve_name("Ola Penn").organisation == "Kelbury and District NHS Trust"


def test_person_entity_after_an_organisation_noun_is_the_body():
    text = "The charity Open Gates called the plan timid. Its chief executive, Lu Amos, agreed."
    reg = build_registry(text, [ent(text, "Open Gates"), ent(text, "Lu Amos")], ACTORS)
    assert "gates" not in reg.people
    assert reg.names_body("Open Gates")
    assert reg.resolve_name("Lu Amos").organisation == "Open Gates"


def test_single_word_org_entity_that_is_a_known_surname_is_the_person():
    text = "Ava Lind leads the service. Lind says the bid worked."
    reg = build_registry(text, [ent(text, "Ava Lind"), ent(text, "Lind", "ORG", nth=1)], ACTORS)
    assert [m.kind for m in reg.mentions] == ["person", "person"]


def test_council_portfolio_is_a_remit_and_the_council_speaks():
    text = (
        "Kelbury County Council agreed the plan.\n"
        "Councillor Jo Marsh, Cabinet Member for Children and Families, said:"
    )
    assert org_of(text, "Jo Marsh") == "Kelbury County Council"


def test_director_of_childrens_services_is_the_councils_officer():
    text = (
        "Kelbury County Council is one pathfinder. Our director of children's services, "
        "Gareth Pole, said it had helped."
    )
    assert org_of(text, "Gareth Pole") == "Kelbury County Council"


def test_layout_line_ending_in_the_bodys_acronym():
    text = "Dr Nell Ward, president, Association of Harbour Pilots (AHP)\nWe need more boats."
    assert org_of(text, "Nell Ward", ent(text, "Dr Nell Ward")) == "Association of Harbour Pilots"


def test_possessive_nominal_with_a_long_role():
    text = (
        "The Dockside Workers’ Union opposed it. Bea Lund, the union’s national officer for "
        "social care, said:"
    )
    entities = [ent(text, "Dockside Workers’ Union", "ORG"), ent(text, "Bea Lund")]
    assert org_of(text, "Bea Lund", *entities) == "Dockside Workers’ Union"


def test_committee_chair_speaks_for_the_committee_not_the_party():
    text = (
        "The Rivers Committee reported. Tom Hale, the Conservative MP who chairs the "
        "committee, said:"
    )
    entities = [ent(text, "Rivers Committee", "ORG"), ent(text, "Tom Hale")]
    assert org_of(text, "Tom Hale", *entities) == "Rivers Committee"


def test_who_clause_with_two_verbs_still_gives_the_body_chaired():
    text = (
        "Lord Wray of Fellby, a former councillor who sits as a crossbencher and chairs the "
        "Coastal Youth Trust, spoke."
    )
    assert org_of(text, "Lord Wray of Fellby") == "Coastal Youth Trust"


def test_party_with_a_possessive_and_a_party_member():
    text = (
        "Baroness Keld of Ashby, Labour's spokesperson on children, spoke. "
        "Sir Ian Cole, a Conservative member of the committee, disagreed."
    )
    entities = [ent(text, "Baroness Keld of Ashby"), ent(text, "Sir Ian Cole")]
    reg = build_registry(text, entities, ACTORS)
    assert reg.resolve_name("Baroness Keld of Ashby").organisation == "Labour Party"
    assert reg.resolve_name("Ian Cole").organisation == "Conservative Party"


def test_nominal_body_before_a_role_and_name():
    text = "The Coastal Safety Panel met. “Nobody acted,” panel chair Ann Bright said."
    entities = [ent(text, "Coastal Safety Panel", "ORG"), ent(text, "Ann Bright")]
    assert org_of(text, "Ann Bright", *entities) == "Coastal Safety Panel"


def test_partner_at_a_firm_and_copular_role():
    text = (
        "Sunil Roy, a partner specialising in family law at Barnett Lowe, said so. "
        "Ava Lind has been director of social work at Kelbury County Council since 2021."
    )
    reg = build_registry(text, [ent(text, "Sunil Roy"), ent(text, "Ava Lind")], ACTORS)
    assert reg.resolve_name("Sunil Roy").organisation == "Barnett Lowe"
    assert reg.resolve_name("Ava Lind").organisation == "Kelbury County Council"


def test_member_of_the_public_is_marked_private():
    text = "Mae Hollis, 67, who looks after her grandson, said: “It is hard.”"
    reg = build_registry(text, [ent(text, "Mae Hollis")], ACTORS)
    assert reg.is_private("Mae Hollis")
    assert reg.resolve_name("Mae Hollis").organisation is None


def test_acronym_spelled_out_without_brackets():
    text = "KFN chair Ada Moss spoke.\n\nAbout KFN\n\nThe Kinship Families Network is a charity."
    reg = build_registry(text, [], ACTORS)
    assert reg.org_name("KFN") == "Kinship Families Network"


def test_document_owner_speaks_for_its_document():
    text = (
        "Today the Department for Harbours published Safe Quays, its strategy for ports. "
        "The strategy proposes new cranes."
    )
    reg = build_registry(text, [], ACTORS)
    where = text.index("The strategy proposes")
    assert reg.resolve_nominal("strategy", where, "The strategy") == Source(
        None, "Department for Harbours", "organisation"
    )


def test_indefinite_body_is_the_one_named_next():
    text = "A cross-party committee of MPs has warned. The Rivers Committee found delays."
    reg = build_registry(text, [ent(text, "Rivers Committee", "ORG")], ACTORS)
    assert reg.resolve_nominal("committee", 2, "A cross-party committee").organisation == (
        "Rivers Committee"
    )


def test_nearer_named_body_beats_the_alias_table():
    text = "The Harbour Masters Guild met on Monday. The guild said no."
    reg = build_registry(text, [ent(text, "Harbour Masters Guild", "ORG")], ACTORS)
    where = text.index("The guild said")
    assert reg.resolve_nominal("guild", where, "The guild").organisation == "Harbour Masters Guild"
    # but not a body that only has the noun as a modifier: "the government" keeps its alias
    text = "The Local Government Forum met. The government said no."
    reg = build_registry(text, [ent(text, "The Local Government Forum", "ORG")], ACTORS)
    where = text.index("The government said")
    assert reg.resolve_nominal("government", where, "The government").organisation == (
        "Department for Harbours"
    )


def test_names_without_byline_marker_peer_seat_or_date():
    assert strip_honorifics("By Jo Bloggs") == "Jo Bloggs"
    text = "The harbours minister Baroness Fenn of Linby said so."
    reg = build_registry(text, [ent(text, "Baroness Fenn"), ent(text, "Linby")], ACTORS)
    assert set(reg.people) == {"fenn"}
    assert reg.org_name("Department for Harbours on Thursday") == "Department for Harbours"


def test_a_person_of_a_body_without_a_comma():
    text = "Professor Tam Reid of the University of Linby told the inquiry so."
    assert org_of(text, "Tam Reid") == "University of Linby"
    text = "Jo Smith of Anytown said the ferry was late."
    assert org_of(text, "Jo Smith") is None  # a place, not a body


def test_a_name_after_a_bodys_noun_and_a_connector_is_the_body():
    text = "For the Pilots' Alliance for Island Safety (PAIS), the rules are late. Its organiser, Ana Lind, said so."
    reg = build_registry(
        text, [ent(text, "Island Safety"), ent(text, "PAIS", "ORG"), ent(text, "Ana Lind")], ACTORS
    )
    assert set(reg.people) == {"lind"}  # "Island Safety" is no person
    assert reg.acronyms["PAIS"] == "Pilots' Alliance for Island Safety"
    assert reg.resolve_name("Ana Lind").organisation == "Pilots' Alliance for Island Safety"


def test_an_acronym_defined_after_a_name_is_not_part_of_it():
    reg = build_registry("x", [], ACTORS)
    assert reg.org_name("Harbour Standards Council (HSC") == "Harbour Standards Council"
    assert reg.org_name("Harbour Standards Council (") == "Harbour Standards Council"
    # nor does a name run over a line break into the next paragraph's first words
    assert ORG_NAME_RE.match("Ferry Guild\n\nThe Ferry Guild said no.").group(0) == "Ferry Guild"
