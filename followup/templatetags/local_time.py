"""Local times that always say which zone they are in.

Django's ``T`` date format gives nothing for a time in the hour that happens twice when summer
time ends (01:30 in Chicago on the first Sunday of November), the hour where "CDT" or "CST" is
what tells the two apart. An aware time knows which one it is; these ask it.
"""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def zone_name(value: dt.datetime | None) -> str:
    """The abbreviation of the current time zone at ``value``: CST, CDT, GMT, BST."""
    if value is None:
        return ""
    return timezone.localtime(value).tzname() or ""
