"""What notifications and digests say: gettext templates with parameters (names, dates,
counts), rendered in the reader's language. No sentence is built from ids."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from string import Template
from typing import Any

from app.core import i18n


def N_(message: str) -> str:
    return message


# One sentence per notification type, with the parameters its data holds.
SENTENCES = {
    "case.updated": N_("$case was updated."),
    "case.update_added": N_("New entry in $case: $kind on $date."),
    "case.decision_recorded": N_("A decision was recorded in $case on $date."),
    "knock_on.new_win": N_(
        "New win for your open case $case: $precedent ($forum, $date) now ranks #$rank "
        "among the precedents you can argue there."
    ),
    "right_region.new_win": N_("New win on $right in $region: $precedent ($forum, $date)."),
    "search.new_hits": N_("$count new results for your saved search “$search”."),
    "deadline.reminder": N_("$title in $case is due on $date, in $days days."),
    "webhook.disabled": N_(
        "The webhook to $url was disabled after $failures failed deliveries in a row. "
        "Fix the receiver, then enable it again."
    ),
}
UPDATE_KINDS = {
    "filing": N_("a filing"),
    "hearing": N_("a hearing"),
    "interim_measures": N_("interim measures"),
    "decision": N_("a decision"),
    "domestic_final": N_("a final domestic decision"),
    "appeal": N_("an appeal"),
    "implementation": N_("an implementation step"),
    "communication": N_("a communication"),
    "note": N_("a note"),
}
SUBJECT = {
    "immediate": N_("Comity: $first"),
    "daily": N_("Comity: your daily digest ($count)"),
    "weekly": N_("Comity: your weekly digest ($count)"),
}
INTRO = N_("Here is what happened on Comity since your last digest.")
REASONS = N_("Why it can help:")
OPEN = N_("Open in Comity")
UNSUBSCRIBE = N_("Stop these alerts")
OPEN_LINE = N_("Open in Comity: $url")
UNSUBSCRIBE_LINE = N_("Stop these alerts: $url")
MANAGE = N_("You receive this because of your subscriptions on Comity: $url")


def _say(language: str, message: str, **params: Any) -> str:
    text = i18n.translations(language).gettext(message)
    return Template(text).safe_substitute({k: str(v) for k, v in params.items()})


def sentence(type: str, data: Mapping[str, Any], language: str) -> str:
    """The notification's sentence in language; the English names of labels stay as recorded."""
    params = dict(data.get("params", {}))
    if params.get("date"):
        params["date"] = i18n.date_text(_date(params["date"]), language)
    kind = params.get("kind")
    if type == "case.updated" and kind:
        type = "case.update_added"
        params["kind"] = _say(language, UPDATE_KINDS.get(str(kind), str(kind)))
    return _say(language, SENTENCES.get(type, "$case"), **params)


def _date(value: str) -> date:
    return date.fromisoformat(value[:10])


def reasons(data: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in data.get("reasons", [])][:6]


def digest(
    rate: str,
    language: str,
    items: Sequence[tuple[str, Mapping[str, Any], str]],
    unsubscribe: Sequence[str],
    manage_url: str,
) -> tuple[str, str, str]:
    """(subject, text, html) of a mail listing items: (type, data, link) each."""
    lines = [sentence(t, d, language) for t, d, _ in items]
    subject = _say(language, SUBJECT[rate], first=lines[0] if lines else "", count=len(items))
    text_parts, html_parts = [], []
    if rate != "immediate":
        text_parts.append(_say(language, INTRO))
        html_parts.append(f"<p>{html.escape(_say(language, INTRO))}</p>")
    for line, (_, data, link) in zip(lines, items, strict=True):
        why = reasons(data)
        text_parts.append(
            "\n".join(
                [f"* {line}"]
                + ([f"  {_say(language, REASONS)}"] + [f"  - {r}" for r in why] if why else [])
                + [f"  {_say(language, OPEN_LINE, url=link)}"]
            )
        )
        items_html = "".join(f"<li>{html.escape(r)}</li>" for r in why)
        html_parts.append(
            f"<li><p>{html.escape(line)}</p>"
            + (f"<p>{html.escape(_say(language, REASONS))}</p><ul>{items_html}</ul>" if why else "")
            + f'<p><a href="{html.escape(link)}">{html.escape(_say(language, OPEN))}</a></p></li>'
        )
    footer = _say(language, MANAGE, url=manage_url)
    stop = [_say(language, UNSUBSCRIBE_LINE, url=u) for u in unsubscribe]
    text = "\n\n".join([*text_parts, footer, *stop]) + "\n"
    body = (
        f'<html lang="{language}"><body>'
        + "".join(p for p in html_parts if p.startswith("<p>"))
        + "<ul>"
        + "".join(p for p in html_parts if p.startswith("<li>"))
        + "</ul>"
        + f"<p>{html.escape(footer)}</p>"
        + "".join(
            f'<p><a href="{html.escape(u)}">{html.escape(_say(language, UNSUBSCRIBE))}</a></p>'
            for u in unsubscribe
        )
        + "</body></html>"
    )
    return subject, text, body
