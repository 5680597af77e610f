"""Languages of what people read (pages and reason sentences): gettext catalogues read
through Babel, the reader's language from their choice or `Accept-Language`, and dates and
numbers written for the locale.

The catalogues ship as `.po` files and are compiled in memory once per process, so there is
no build step and no compiled file to keep in sync.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "es", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalogue of language; English is the source text itself."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    """The reader's choice when it is one of ours, else the best of Accept-Language."""
    if chosen in LANGUAGES:
        return chosen
    for tag in _preferences(accept_language or ""):
        try:
            language = Locale.parse(tag, sep="-").language
        except (ValueError, UnknownLocaleError):
            continue
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def _preferences(header: str) -> list[str]:
    """Accept-Language's tags, most preferred first (RFC 9110 section 12.5.4)."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def date_text(value: date | datetime | None, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format="medium", locale=language)
    return format_date(value, format="medium", locale=language)


def number_text(value: float | int, language: str) -> str:
    return format_decimal(value, locale=language)
