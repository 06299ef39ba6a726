"""Name keys: spellings of one name share a key, different names do not."""

from __future__ import annotations

import pytest

from wiretrail.extract import names


@pytest.mark.parametrize("spelling", ["Zelensky", "Zelenskyy", "Zelenskiy", "Mr Zelensky", "Zelensky's", "Zelenskyy’s"])
def test_transliterations_of_one_surname_share_a_key(spelling):
    assert names.person_parts(spelling)[1] == names.person_parts("Volodymyr Zelensky")[1]


def test_full_names_carry_the_first_initial_and_surnames_alone_do_not():
    assert names.person_key("Volodymyr Zelenskiy") == "PERSON|zelenski|v"
    assert names.person_key("President Zelensky") == "PERSON|zelenski|"
    assert names.person_key("Mark Rutte") != names.person_key("Vladimir Putin")


def test_short_surnames_are_not_folded_into_each_other():
    assert names.person_parts("Kim")[1] != names.person_parts("Kiy")[1]


def test_acronyms_and_their_long_names_share_an_organisation_key():
    assert names.org_key("NATO") == names.org_key("Nato") == names.org_key("North Atlantic Treaty Organization")
    assert names.org_key("SIPRI") == names.org_key("Stockholm International Peace Research Institute")
    assert names.org_key("the Kremlin") == names.org_key("Kremlin")
    assert names.org_key("European Union") != names.org_key("EU")  # two words: too few for initials


def test_groups_fold_plurals():
    assert names.group_key("Russians") == names.group_key("Russian")
