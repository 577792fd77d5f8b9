"""Loading the territorial reference data and recording rollout events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from sakme.accounts.actors import Actor
from sakme.audit import services as audit
from sakme.geo.models import (
    ApprovalOrder,
    Manual,
    Municipality,
    Region,
    RolloutEvent,
    StaffAllocation,
    TbilisiDistrict,
    TerritorialUnit,
    Training,
)

TERRITORY_FILE = Path(__file__).parent / "data" / "territory.json"


@transaction.atomic
def territory_load(*, actor: Actor, path: Path = TERRITORY_FILE) -> dict[str, int]:
    """Create or update regions, municipalities (with their seats' coordinates), units, Tbilisi districts, rollout,
    trainings, staff allocations and the orders approving manuals, from JSON.

    Idempotent: loading the same file twice changes nothing.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    regions = {}
    for r in data["regions"]:
        regions[r["code"]], _ = Region.objects.update_or_create(
            code=r["code"], defaults={"name_ka": r["name_ka"], "name_en": r["name_en"]}
        )
    municipalities = {}
    for m in data["municipalities"]:
        municipalities[m["code"]], _ = Municipality.objects.update_or_create(
            code=m["code"],
            defaults={"name_ka": m["name_ka"], "name_en": m["name_en"], "kind": m["kind"],
                      "region": regions[m["region"]], "lat": m.get("lat"), "lon": m.get("lon")},
        )
    units = {}
    for u in data["units"]:
        units[u["code"]], _ = TerritorialUnit.objects.update_or_create(
            code=u["code"],
            defaults={"name_ka": u["name_ka"], "name_en": u["name_en"], "kind": u["kind"],
                      "municipality": municipalities[u["municipality"]], "region": regions[u["region"]]},
        )
    for d in data["tbilisi_districts"]:
        TbilisiDistrict.objects.update_or_create(
            name_en=d["name_en"], defaults={"name_ka": d["name_ka"], "unit": units[d["unit"]]}
        )
    for e in data["rollout"]:
        RolloutEvent.objects.update_or_create(
            unit=units[e["unit"]], date=dt.date.fromisoformat(e["date"]), event=e["event"],
            defaults={"note_ka": e.get("note_ka", ""), "note_en": e.get("note_en", "")},
        )
    for t in data["trainings"]:
        Training.objects.update_or_create(
            date=dt.date.fromisoformat(t["date"]), title_en=t["title_en"],
            defaults={"title_ka": t["title_ka"], "kind": t["kind"], "days": t.get("days", 1)},
        )
    for a in data.get("staff_allocations", []):
        StaffAllocation.objects.update_or_create(
            unit=units[a["unit"]], date=dt.date.fromisoformat(a["date"]),
            defaults={"staff_units": a["staff_units"], "reason_ka": a.get("reason_ka", ""),
                      "reason_en": a.get("reason_en", "")},
        )
    for o in data.get("orders", []):
        order, _ = ApprovalOrder.objects.update_or_create(
            number=o["number"], date=dt.date.fromisoformat(o["date"]),
            defaults={"title_ka": o.get("title_ka", ""), "title_en": o.get("title_en", "")},
        )
        for m in o["manuals"]:
            Manual.objects.update_or_create(order=order, title_en=m["title_en"],
                                            defaults={"title_ka": m["title_ka"], "kind": m["kind"]})
    counts = {"regions": len(regions), "municipalities": len(municipalities), "units": len(units),
              "rollout_events": len(data["rollout"]), "trainings": len(data["trainings"]),
              "staff_allocations": len(data.get("staff_allocations", [])), "orders": len(data.get("orders", []))}
    audit.record(actor=actor, action="territory.load", entity_type="geo.territory", changes=counts)
    return counts
