"""The reference data the row cleaners look values up in: municipalities by any spelling, units, Tbilisi
districts. Read from the database once per import; after that every look-up is a dict access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sakme.common.georgian import fold
from sakme.geo.models import Municipality, TbilisiDistrict, TerritorialUnit
from sakme.registry.importing import fields as clean


@dataclass(frozen=True)
class Reference:
    """The reference rows the look-ups are built from (plain tuples, so a test can give them without a database)."""

    municipalities: list[tuple[int, str, str, str]]  # (id, code, name_en, name_ka), by English name
    units: list[tuple[int, str, int, str]]  # active units: (id, code, municipality_id, kind), by code
    districts: list[tuple[str, str, int]]  # Tbilisi's districts: (name_ka, name_en, unit_id)

    @classmethod
    def load(cls) -> Reference:
        """The reference rows as the database holds them now."""
        return cls(
            municipalities=list(Municipality.objects.values_list("pk", "code", "name_en", "name_ka")),
            units=list(TerritorialUnit.objects.filter(is_active=True).order_by("code")
                       .values_list("pk", "code", "municipality_id", "kind")),
            districts=list(TbilisiDistrict.objects.values_list("name_ka", "name_en", "unit_id")),
        )


class Lookups:
    """Reference data the cleaners need: municipalities by any spelling, units, Tbilisi districts."""

    def __init__(self, reference: Reference | None = None) -> None:
        if reference is None:
            reference = Reference.load()
        self.municipalities: dict[str, int] = {}
        for pk, *spellings in reference.municipalities:
            for spelling in spellings:
                self.municipalities[fold(spelling)] = pk
                self.municipalities[spelling.lower()] = pk
        units = reference.units
        self.units = {code.lower(): pk for pk, code, _m, _k in units}
        self.default_unit: dict[int, int] = {}
        for pk, _code, municipality_id, _kind in sorted(
                units, key=lambda u: (u[3] != TerritorialUnit.Kind.REGIONAL_CENTRE, u[1])):
            self.default_unit.setdefault(municipality_id, pk)
        self.tbilisi_ids = {m for _pk, _c, m, kind in units if kind == TerritorialUnit.Kind.TBILISI_CENTRE}
        for mid in self.tbilisi_ids:
            self.default_unit.pop(mid, None)  # Tbilisi has five centres: the district decides
        self.districts = [(name_ka, name_en.lower(), unit_id) for name_ka, name_en, unit_id in reference.districts]
        self.example_municipalities = ", ".join(sorted(m[2] for m in reference.municipalities[:4]))

    def municipality(self, value: Any, notes: clean.Notes, target: str) -> int | None:
        """A municipality's id from its code or its Georgian or English name (with or without "municipality")."""
        raw = clean.text(value)
        if not raw:
            return None
        found = self.municipalities.get(raw.lower()) or self.municipalities.get(fold(raw))
        if found is None:
            stripped = raw.removeprefix("ქ. ").removesuffix(" მუნიციპალიტეტი").removesuffix(" municipality")
            found = self.municipalities.get(fold(stripped))
        if found is None:
            clean.garbled(raw)  # a name garbled by a wrong encoding is said as such, not as an unknown place
            raise clean.Problem("municipality_unknown", e=self.example_municipalities)
        return found

    def unit_code(self, value: Any, notes: clean.Notes, target: str) -> int | None:
        """An active territorial unit's id from its code."""
        raw = clean.text(value).lower()
        if not raw:
            return None
        try:
            return self.units[raw]
        except KeyError:
            raise clean.Problem("unit_unknown") from None

    def unit_for(self, municipality_id: int | None, address: str | None) -> int | None:
        """The unit serving a municipality (in Tbilisi: the district named in the address), or None."""
        if municipality_id is None:
            return None
        if municipality_id in self.tbilisi_ids and address:
            lowered = address.lower()
            for name_ka, name_en, unit_id in self.districts:
                if name_ka in lowered or name_en in lowered:
                    return unit_id
        return self.default_unit.get(municipality_id)
