"""Distances by air between municipalities, from the coordinates of their seats (geo/data/README.md).

Great-circle distances on a sphere of radius 6371.0 km (the haversine formula): "12 km" between a job seeker's
municipality and a vacancy's. Within Georgia the sphere is off by a few tenths of a per cent, far less than the
distance from a seat to the edge of its municipality.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sakme.geo.models import Municipality

EARTH_RADIUS_KM = 6371.0


def km_between(a: Municipality, b: Municipality) -> float | None:
    """Kilometres by air between the seats of two municipalities; None if either has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlam = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def km_matrix(
    lats1: npt.ArrayLike, lons1: npt.ArrayLike, lats2: npt.ArrayLike, lons2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Kilometres by air from every point of the first set to every point of the second, in degrees.

    Returns an array of shape (len(lats1), len(lats2)): row i, column j is the distance from point i of the first
    set to point j of the second. NaN coordinates give NaN distances.
    """
    phi1 = np.radians(np.asarray(lats1, dtype=np.float64))[:, np.newaxis]
    lam1 = np.radians(np.asarray(lons1, dtype=np.float64))[:, np.newaxis]
    phi2 = np.radians(np.asarray(lats2, dtype=np.float64))[np.newaxis, :]
    lam2 = np.radians(np.asarray(lons2, dtype=np.float64))[np.newaxis, :]
    if phi1.shape != lam1.shape or phi2.shape != lam2.shape:
        raise ValueError("each set needs as many longitudes as latitudes")
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return result


def seat_coordinates() -> dict[int, tuple[float, float]]:
    """Municipality id -> (lat, lon) of its seat, for the municipalities that have both; one query."""
    rows = Municipality.objects.filter(lat__isnull=False, lon__isnull=False).values_list("id", "lat", "lon")
    return {pk: (lat, lon) for pk, lat, lon in rows if lat is not None and lon is not None}  # (None: for mypy)
