"""`{% load linkage_tags %}{% linked_records person %}`: the person page's linked records, without the registry
importing linkage (templates are looked up by name; the layers stay one-way)."""

from __future__ import annotations

from typing import Any

from django import template

from sakme.linkage.selectors import person_links

register = template.Library()


@register.inclusion_tag("linkage/_linked_records.html", takes_context=True)
def linked_records(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """The records linked to `person`, as the signed-in user may see them."""
    return person_links(user=context["request"].user, person=person)
