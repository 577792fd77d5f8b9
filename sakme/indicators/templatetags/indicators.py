"""Figures as pages write them: `numerator/denominator (percent)`, and the target's status in words and a sign."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sakme.indicators.models import Definition, Value
from sakme.indicators.selectors import figure_text

register = template.Library()


@register.simple_tag
def figure(definition: Definition, value: Value | None) -> str:
    return figure_text(definition, value)


@register.simple_tag
def figure_at(definition: Definition, values: Sequence[Value], index: int) -> str:
    return figure_text(definition, values[index] if index < len(values) else None)


@register.simple_tag
def target_status(definition: Definition, value: Value | None) -> SafeString | str:
    met = definition.target_met(value.value if value else None)
    if met is None:
        return ""
    if met:
        return format_html('<span class="status ok">✓ {}</span>', _("target met"))
    return format_html('<span class="status late">✗ {}</span>', _("target not met"))
