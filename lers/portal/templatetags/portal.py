"""Template filters of the request form."""

from __future__ import annotations

from django import template

from lers.policy.completeness import Gap
from lers.portal.forms import gap_steps

register = template.Library()


@register.filter(name="gap_steps")
def gap_steps_filter(gap: Gap) -> list[tuple[str, str]]:
    """The form's pages where what a checklist item asks for is filled in."""
    return gap_steps(gap)
