"""Every schema of the API has a name of its own: the OpenAPI document keys its components by class name, so two
classes of one name (a `ReferralOut` of casework and of outreach) would silently document one route with the other's
shape."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import sakme.api.routers
import sakme.api.schemas


def test_no_two_schemas_share_a_name():
    found: dict[str, set[str]] = defaultdict(set)
    for package in (sakme.api.schemas, sakme.api.routers):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                    found[name].add(module.__name__)
    assert {name: places for name, places in found.items() if len(places) > 1} == {}
