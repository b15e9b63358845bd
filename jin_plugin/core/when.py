"""Dates and times as an analyst reads them (``4 Dec 2026``), from the ISO stamps the hub and the
cache record; an unreadable stamp is shown as it is rather than hidden."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Optional


def _parsed(stamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment.astimezone() if moment.tzinfo else moment.replace(tzinfo=timezone.utc).astimezone()


def day_words(day: date, long: bool = False) -> str:
    """``4 Dec 2026``, or ``4 December 2026`` where there is room (printed maps)."""
    return f"{day.day} {day:%B %Y}" if long else f"{day.day} {day:%b %Y}"


def readable_date(stamp: str) -> str:
    """``2026-12-04T09:12:00+00:00`` → ``4 Dec 2026`` (local time)."""
    moment = _parsed(stamp)
    return day_words(moment) if moment else stamp


def readable_moment(stamp: str) -> str:
    """``2026-12-04T09:12:00+00:00`` → ``4 Dec 2026, 09:12`` (local time)."""
    moment = _parsed(stamp)
    return f"{moment.day} {moment:%b %Y, %H:%M}" if moment else stamp


def release_day(created: str, release_id: str) -> Optional[date]:
    """The local day a release was made: from its timestamp, else the ``YYYYMMDD`` in its id
    (``20261204T091200Z-…``), else None — one reading for the panel and the printed map."""
    moment = _parsed(created)
    if moment is not None:
        return moment.date()
    found = re.search(r"(\d{8})T", release_id or "")
    try:
        return datetime.strptime(found.group(1), "%Y%m%d").date() if found else None
    except ValueError:
        return None


def release_words(created: str, release_id: str) -> str:
    """``4 Dec 2026`` for the release, else its id as it is, else '' (nothing known)."""
    day = release_day(created, release_id)
    return day_words(day) if day is not None else (release_id or "")
