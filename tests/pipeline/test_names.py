"""The one name normaliser: lookup keys and same-actor keys."""

from __future__ import annotations

from pipeline.names import NameGrouper, name_key, same_actor_key


def test_lookup_key_keeps_a_leading_the_and_same_actor_key_drops_it():
    assert name_key("The  Hollins Institute’s") == "the hollins institute’s".replace("’", "'")
    assert name_key("The Hollins Institute") != name_key("Hollins Institute")
    assert (
        same_actor_key("The Hollins Institute")
        == same_actor_key("hollins institute")
        == ("hollins institute")
    )
    assert same_actor_key("The") == "the" and same_actor_key(None) is None


def test_grouper_merges_names_that_differ_by_the_article():
    grouper = NameGrouper()
    keys = {grouper.add("organisation", n) for n in ("The Kin Trust", "Kin Trust", "Kin Trust")}
    (key,) = keys
    assert grouper.display("organisation", key) == "Kin Trust"
