"""Reason sentences in Spanish and French: the same legal statement, its basis and its
caution kept, the names of forums and instruments as those languages write them."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from app.core import i18n
from app.matching import explain
from app.matching.engine import MatchKind, Transferability
from app.matching.transfer import Access, AccessRoute, Rule, Verdict

PLACEHOLDER = re.compile(r"\$[a-z]+")


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def _verdict(rule: Rule, *, uncertain: bool = False) -> Verdict:
    return Verdict(
        transferability=Transferability.authoritative,
        rule=rule,
        instrument_id="ECHR",
        source="ECHR art. 32(1)",
        uncertain=uncertain,
    )


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_translation_keeps_its_placeholders(language: str) -> None:
    """A translated template names the facts its English names: none dropped, none invented
    (a reason that lost `$source` would no longer name its basis). French may say "cet
    État" the second time."""
    wrong = [
        message.id
        for message in _catalog(language)
        if message.id
        and isinstance(message.id, str)
        and set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string))
    ]
    assert wrong == []


@pytest.mark.parametrize("rule", list(explain.VERDICTS))
@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_verdict_is_said_with_its_source_and_caution(rule: Rule, language: str) -> None:
    speech = explain.speech(language)
    sentence = explain.verdict_sentence(
        _verdict(rule, uncertain=True),
        forum="European Court of Human Rights",
        state="España" if language == "es" else "Espagne",
        instrument="ECHR",
        speech=speech,
    )
    assert "(ECHR art. 32(1))" in sentence
    assert sentence.endswith(speech.say(explain.UNVERIFIED))
    assert "$" not in sentence and "the " not in sentence


def test_spanish_names_the_court_and_contracts_its_article() -> None:
    speech = explain.speech("es")
    sentence = explain.claim_sentence(
        query="Libertad personal",
        forum="European Court of Human Rights",
        finding="violation",
        provision="art. 5(1)(f) CEDH",
        kind=MatchKind.same_provision,
        right="Libertad personal",
        speech=speech,
    )
    assert sentence == (
        "Sobre «Libertad personal»: el Tribunal Europeo de Derechos Humanos constató una "
        "violación del art. 5(1)(f) CEDH (Libertad personal)."
    )
    route = AccessRoute(access=Access.through_commission, requires="ACHR")
    access = explain.access_sentence(
        route,
        forum="Inter-American Court of Human Rights",
        state="Colombia",
        requires="ACHR",
        speech=speech,
    )
    assert access.startswith(
        "Las personas no pueden someter un caso a la Corte Interamericana de Derechos Humanos"
    )


def test_french_elides_and_contracts() -> None:
    speech = explain.speech("fr")
    adverse = explain.claim_sentence(
        query="Liberté",
        forum="Human Rights Committee (ICCPR)",
        finding="no_violation",
        provision="art. 9 PIDCP",
        kind=MatchKind.equivalent_explicit,
        right="Liberté",
        speech=speech,
    )
    assert adverse.startswith(
        "Sur « Liberté » : le Comité des droits de l'homme (PIDCP) n'a constaté aucune "
        "violation de l'art. 9 PIDCP, qui énonce expressément le même droit (Liberté)."
    )
    assert "jurisprudence contraire" in adverse
    views = explain.verdict_sentence(
        _verdict(Rule.treaty_body),
        forum="Human Rights Committee (ICCPR)",
        state="France",
        instrument="ICCPR",
        speech=speech,
    )
    assert views.startswith("Les constatations du Comité des droits de l'homme (PIDCP)")
    assert "partie au PIDCP" in views


def test_a_name_the_catalogue_lacks_is_said_as_recorded() -> None:
    speech = explain.speech("es")
    assert explain.the("High Court of Kenya", speech) == "High Court of Kenya"
    assert explain.the("High Court of Kenya") == "the High Court of Kenya"
    assert explain.the_instrument("C097", speech) == "C097"


def test_labels_write_provisions_and_states_for_the_language() -> None:
    labels = explain.Labels(
        states={"GB": "Reino Unido", "ES": "España"},
        instruments={"ECHR": "ECHR", "ECHR-P4": "Protocol No. 4 to the ECHR"},
        rights={},
        speech=explain.speech("es"),
    )
    assert labels.provision("ECHR", "5-1-f") == "art. 5(1)(f) CEDH"
    assert labels.provision("ECHR-P4", "4") == "art. 4 del Protocolo n.º 4 al CEDH"
    assert labels.state("GB") == "el Reino Unido"
    assert labels.state("ES") == "España"
    english = explain.Labels(
        states={"GB": "United Kingdom"},
        instruments={"ECHR-P4": "Protocol No. 4 to the ECHR"},
        rights={},
    )
    assert english.provision("ECHR-P4", "4") == "Art. 4 of Protocol No. 4 to the ECHR"
    assert english.state("GB") == "the United Kingdom"


@pytest.mark.parametrize(
    ("language", "once", "three"), [("es", "una vez", "3 veces"), ("fr", "une fois", "3 fois")]
)
def test_counts(language: str, once: str, three: str) -> None:
    speech = explain.speech(language)
    assert explain.times(1, speech) == once
    assert explain.times(3, speech) == three
