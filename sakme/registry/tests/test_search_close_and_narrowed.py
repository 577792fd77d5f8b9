"""Search beyond the exact name: close spellings beside exact ones, and a birth date or year, a municipality and a
sex typed with the name or chosen beside it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import Client
from django.urls import reverse
from rapidfuzz.distance import OSA

from sakme.geo.models import Municipality
from sakme.registry import name_keys
from sakme.registry.models import NameKey
from sakme.registry.search_query import parse
from sakme.registry.selectors import person_search
from sakme.tests.factories import person, sign_in


def found(user, query, **filters):
    result = person_search(user=user, query=query, filters=filters or None)
    return result, [(hit.person.pk, hit.edits) for hit in result.hits]


def test_a_typo_that_is_another_persons_name_returns_both_the_exact_one_first(staff):
    girgi = person(given="გირგი", family="ბააძე")
    giorgi = person(given="გიორგი", family="ბააძე")
    result, hits = found(staff["counsellor"], "girgi baadze")
    assert hits == [(girgi.pk, None), (giorgi.pk, 1)]
    assert result.fuzzy and not result.only_close


def test_a_transposition_is_one_edit_even_in_a_four_letter_name(staff):
    nino = person(given="ნინო", family="კაპანაძე")
    assert found(staff["counsellor"], "Kapanadze Nion")[1] == [(nino.pk, 1)]
    davit = person(given="დავით", family="ლომიძე")
    for typed in ("dvait lomidze", "daivt lomidze", "Lomidze Davti"):
        assert found(staff["counsellor"], typed)[1] == [(davit.pk, 1)], typed


def test_close_spellings_fill_the_page_after_the_exact_ones_fewest_edits_then_the_rarer_name(staff):
    nino = person(given="ნინო", family="ბერიძე")
    common = [person(given="ნინა", family="ბერიძე") for _ in range(3)]  # one edit, three persons carry it
    rare = person(given="ნანო", family="ბერიძე")  # one edit, one person carries it
    far = person(given="ნინო", family="ბერაძე")  # one edit in the family name
    further = person(given="ნანა", family="ბერიძე")  # two edits
    hits = found(staff["counsellor"], "nino beridze")[1]
    assert hits[0] == (nino.pk, None)
    one_edit = [pk for pk, edits in hits if edits == 1]
    assert set(one_edit) == {rare.pk, far.pk, *(p.pk for p in common)}
    assert one_edit.index(rare.pk) < min(one_edit.index(p.pk) for p in common)  # the rarer name first
    assert (further.pk, 2) not in hits  # "nino" has four letters: one edit at most
    order = [-1 if edits is None else edits for _pk, edits in hits]
    assert order == sorted(order)


def test_a_full_page_of_exact_matches_is_not_topped_up(staff):
    for _ in range(25):
        person(given="ნინო", family="ბერიძე")
    person(given="ნინა", family="ბერიძე")
    result, hits = found(staff["counsellor"], "nino beridze")
    assert len(hits) == 25 and not result.fuzzy


def test_a_birth_year_typed_with_the_name_keeps_only_those_born_that_year(staff):
    born_1987 = [person(given="გიორგი", family="ბერიძე", birth=dt.date(1987, m, 3)).pk for m in (1, 12)]
    for year in (1986, 1988):
        person(given="გიორგი", family="ბერიძე", birth=dt.date(year, 6, 1))
    result, hits = found(staff["counsellor"], "giorgi beridze 1987")
    assert {pk for pk, _e in hits} == set(born_1987)
    assert result.query.birth_year == 1987 and result.query.name == "giorgi beridze"
    dated = found(staff["counsellor"], "ბერიძე გიორგი 03.12.1987")[1]
    assert dated == [(born_1987[1], None)]
    assert found(staff["counsellor"], "beridze giorgi", born="1987-01-03")[1] == [(born_1987[0], None)]


def test_a_birth_year_narrows_close_spellings_too(staff):
    wanted = person(given="გიორგი", family="ბერიძე", birth=dt.date(1987, 5, 1))
    person(given="გიორგი", family="ბერიძე", birth=dt.date(1990, 5, 1))
    assert found(staff["counsellor"], "giorgi berudze 1987")[1] == [(wanted.pk, 1)]


def test_municipality_and_sex_from_the_box_or_the_filters(staff):
    tbilisi = Municipality.objects.get(code="tbilisi")
    woman = person(given="ნინო", family="ბერიძე", sex="F")
    man = person(given="ნინო", family="ბერიძე", sex="M")
    query = parse("beridze nino tbilisi ქალი")
    assert (query.name, query.municipality, query.sex) == ("beridze nino", tbilisi, "F")
    assert found(staff["counsellor"], "beridze nino კაცი")[1] == [(man.pk, None)]
    assert found(staff["counsellor"], "beridze nino", sex="F")[1] == [(woman.pk, None)]
    assert found(staff["counsellor"], "beridze nino", municipality=Municipality.objects.get(code="batumi"))[1] == []
    assert parse("Tbilisi").name == "Tbilisi" and parse("Tbilisi").municipality is None  # a name alone is a name


def test_what_is_not_a_date_is_said_not_dropped(staff):
    person(given="ნინო", family="ბერიძე")
    result, hits = found(staff["counsellor"], "beridze 31.02.1987")
    assert result.query.not_understood == ("31.02.1987",) and result.query.birth_date is None and len(hits) == 1


@pytest.mark.parametrize("seed", range(3))
def test_the_deletion_index_finds_exactly_the_keys_an_edit_distance_scan_finds(staff, seed):
    rng = random.Random(seed)
    letters = "abdegiklmnoprstvz"
    for _ in range(120):
        family = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
        NameKey.objects.get_or_create(kind="f", key=family, defaults={"length": len(family)})
    name_keys.refresh()
    keys = list(NameKey.objects.filter(kind="f").values_list("key", flat=True))
    for word in [rng.choice(keys) for _ in range(40)]:
        typed = word
        for _ in range(rng.randint(1, 2)):  # one or two edits of any kind
            at = rng.randrange(len(typed))
            typed = rng.choice((
                typed[:at] + rng.choice(letters) + typed[at + 1:], typed[:at] + typed[at + 1:],
                typed[:at] + rng.choice(letters) + typed[at:], typed[:at] + typed[at + 1:at + 2] + typed[at:at + 1]
                + typed[at + 2:]))
        budget = name_keys.typo_budget(typed)
        scanned = {k for k in keys if OSA.distance(typed, k) <= budget}
        near = name_keys.near([typed])[typed]["f"]
        assert set(near) == scanned or len(near) == name_keys.NEAR_LIMIT, typed
        assert all(n.edits == OSA.distance(typed, k) for k, n in near.items())


def test_the_page_marks_close_matches_and_shows_what_it_understood(staff):
    person(given="ნინო", family="ბერიძე", birth=dt.date(1987, 3, 5))
    client = sign_in(Client(), staff["counsellor"])
    page = client.get(reverse("registry:search"), {"q": "berodze nino 1987"}).content.decode()
    assert "close match: 1 letter differs" in page and "born in 1987" in page
    refused = client.get(reverse("registry:search"), {"q": "beridze", "born": "1987-13-01"}).content.decode()
    assert "Write a year (1987) or a date (05.03.1987)." in refused


def test_the_api_takes_the_same_filters_and_says_what_it_understood(staff):
    nino = person(given="ნინო", family="ბერიძე", birth=dt.date(1987, 3, 5))
    client = sign_in(Client(), staff["counsellor"])
    body = client.get("/api/v1/persons", {"q": "berodze nino", "born": "1987", "municipality": "tbilisi"}).json()
    assert [(p["id"], p["close_edits"]) for p in body["persons"]] == [(nino.pk, 1)]
    assert body["understood"] == {"name": "berodze nino", "birth_date": None, "birth_year": 1987,
                                  "municipality": "tbilisi", "sex": "", "not_understood": []}
    refused = client.get("/api/v1/persons", {"q": "beridze", "born": "soon"})
    assert refused.status_code == 422 and refused.json()["code"] == "born_invalid"
    unknown = client.get("/api/v1/persons", {"q": "beridze", "municipality": "atlantis"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "municipality_unknown"


def test_a_slip_that_doubles_a_letter_is_one_edit(staff):
    # "taar" folds to "tar" (doubled letters collapse), two edits from "tamar"; typed, it was one slip.
    tamar = person(given="თამარ", family="ნადირაძე")
    assert found(staff["counsellor"], "taar nadiradze")[1] == [(tamar.pk, 1)]
