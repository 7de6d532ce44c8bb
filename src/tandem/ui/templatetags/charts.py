from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString

from tandem.ui.charts import Point, bar_chart

register = template.Library()


@register.simple_tag
def bars(points: Sequence[Point], title: str, unit: str = "", label_every: int = 1) -> SafeString:
    return bar_chart(points, title=title, unit=unit, label_every=label_every)
