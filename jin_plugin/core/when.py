"""Dates and times as an analyst reads them (``4 Dec 2026``), from the ISO stamps the hub and the
cache record; an unreadable stamp is shown as it is rather than hidden."""

from __future__ import annotations

from datetime import date, datetime, timezone


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
