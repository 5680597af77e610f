"""What notifications and digests say, in English, Spanish and French: sentences from
templates and labels, text and HTML, with the unsubscribe links."""

from __future__ import annotations

import pytest

from app.alerts import messages

WIN = {
    "params": {
        "case": "Migrantes v. Colombia",
        "precedent": "A.B. v. Italy",
        "forum": "ECTHR",
        "date": "2026-11-20",
        "rank": 2,
    },
    "reasons": ["Binding on Italy, persuasive in Colombia (ACHR art. 7 <-> ECHR art. 5)."],
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "New win for your open case Migrantes v. Colombia: A.B. v. Italy "
            "(ECTHR, Nov 20, 2026) now ranks #2",
        ),
        (
            "es",
            "Nueva victoria para su caso abierto Migrantes v. Colombia: A.B. v. Italy "
            "(ECTHR, 20 nov 2026)",
        ),
        (
            "fr",
            "Nouvelle victoire pour votre affaire en cours Migrantes v. Colombia : "
            "A.B. v. Italy (ECTHR, 20 nov. 2026)",
        ),
    ],
)
def test_a_new_win_is_said_in_the_readers_language(language: str, expected: str) -> None:
    assert messages.sentence("knock_on.new_win", WIN, language).startswith(expected)


def test_an_update_names_its_kind_in_the_language() -> None:
    data = {"params": {"case": "X v. Y", "kind": "hearing", "date": "2026-12-01"}}
    assert (
        messages.sentence("case.updated", data, "es")
        == "Nueva entrada en X v. Y: una audiencia el 1 dic 2026."
    )


def test_a_digest_has_text_html_reasons_and_its_unsubscribe_links() -> None:
    subject, text, html = messages.digest(
        "daily",
        "fr",
        [("knock_on.new_win", WIN, "https://comity.example.org/cases/1")],
        ["https://comity.example.org/unsubscribe?token=abc"],
        "https://comity.example.org/subscriptions",
    )
    assert subject == "Comity : votre résumé quotidien (1)"
    assert "Pourquoi elle peut aider :" in text and WIN["reasons"][0] in text  # type: ignore[index]
    assert "Arrêter ces alertes : https://comity.example.org/unsubscribe?token=abc" in text
    assert "&lt;-&gt;" in html and "<-> " not in html  # the reasons are escaped in HTML
    assert 'href="https://comity.example.org/unsubscribe?token=abc"' in html
