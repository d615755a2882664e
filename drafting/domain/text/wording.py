"""The words the application writes in a declaration's own language.

Messages come from the gettext catalogs of drafting/translations/<language>/LC_MESSAGES/document.mo
(the English words are the messages themselves); dates, numbers, lists and country names come from
CLDR through Babel. A language without a catalog is printed in English throughout, words and forms
alike, so that no document mixes a language's dates with English words: adding a language's catalog
is what brings its CLDR forms in too.
"""

from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations

TRANSLATIONS_FOLDER = Path(__file__).resolve().parents[2] / "translations"
DOMAIN = "document"
SOURCE_LANGUAGE = "en"


@cache
def translations(language: str | None) -> NullTranslations:
    """Return the catalog of a language's words; for English, or a language without one, the messages as written."""
    return Translations.load(TRANSLATIONS_FOLDER, [printed_language(language)], domain=DOMAIN)


@cache
def has_catalog(language: str | None) -> bool:
    """Tell whether the application writes in this language: English, or a language with a compiled catalog."""
    if not language or not language.isalpha():
        return False
    return language == SOURCE_LANGUAGE or (TRANSLATIONS_FOLDER / language / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()


def written_languages() -> list[str]:
    """Return the languages the application writes documents in: English and every language with a catalog."""
    found = {folder.name for folder in TRANSLATIONS_FOLDER.iterdir() if has_catalog(folder.name)}
    return [SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE})]


def printed_language(language: str | None) -> str:
    """Return the language a declaration in this language is printed in: its own if it has a catalog, else English."""
    return language if has_catalog(language) else SOURCE_LANGUAGE


@cache
def locale_of(language: str | None) -> Locale:
    """Return CLDR's locale of the language a declaration in this language is printed in."""
    try:
        return Locale.parse(printed_language(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def gettext(language: str, message: str, **values) -> str:
    """Return a message in a language, its {named} fields filled in."""
    translated = translations(language).gettext(message)
    return translated.format(**values) if values else translated


def pgettext(language: str, context: str, message: str, **values) -> str:
    """Return a message told apart by its context in a language, its {named} fields filled in."""
    translated = translations(language).pgettext(context, message)
    return translated.format(**values) if values else translated


def words_in(language: str | None) -> Callable[..., str]:
    """Return gettext for one language, as templates call it: `_("Page {page}", page=1)`."""
    return partial(gettext, language)
