"""Spanish and French drafts read onto the English corpus's terms and the right concepts."""

from __future__ import annotations

import pytest
import yaml

from app.reference import multilingual
from app.reference.datafiles import DATA_DIR


class TestLanguage:
    @pytest.mark.parametrize(
        ("text", "language"),
        [
            ("The applicant was detained at the border with her children.", "en"),
            ("La niña fue detenida en la estación migratoria durante semanas.", "es"),
            ("L'enfant a été placé en rétention dans un centre pour adultes.", "fr"),
            ("Hirsi Jamaa", "en"),
        ],
    )
    def test_function_words_tell_the_language(self, text: str, language: str) -> None:
        assert multilingual.language_of(text) == language


class TestReading:
    def test_spanish_detention_of_a_child_reads_as_english_terms_and_rights(self) -> None:
        reading = multilingual.read(
            "Una niña hondureña fue detenida durante semanas en una estación migratoria, "
            "sin que nadie evaluara su interés superior."
        )

        assert reading.language == "es"
        assert {"detention", "child"} <= set(reading.english)
        assert "best_interests_child" in reading.rights

    def test_french_pushback_at_sea_reads_as_english_terms(self) -> None:
        reading = multilingual.read(
            "Les garde-côtes ont intercepté le bateau en mer et renvoyé les migrants en Libye "
            "sans examiner leurs demandes d'asile."
        )

        assert reading.language == "fr"
        assert {"asylum", "sea"} <= set(reading.english)

    def test_accents_and_case_are_folded(self) -> None:
        plain = multilingual.read("El niño fue detenido por la policía en la frontera.")
        accented = multilingual.read("EL NIÑO FUE DETENIDO POR LA POLICÍA EN LA FRONTERA.")

        assert plain == accented

    def test_english_is_left_to_the_corpus_itself(self) -> None:
        assert multilingual.read("The child was detained.") == multilingual.ENGLISH

    def test_a_phrase_matches_whole_words_only(self) -> None:
        # "mar" (sea) must not fire inside "marcha" or "Marruecos".
        reading = multilingual.read("La marcha de los trabajadores por la ciudad fue pacífica.")

        assert "sea" not in reading.english


def test_every_right_has_spanish_and_french_words() -> None:
    data = yaml.safe_load(multilingual.PATH.read_text(encoding="utf-8"))
    rights = yaml.safe_load((DATA_DIR / "rights.yaml").read_text(encoding="utf-8"))["rights"]

    assert set(data["rights"]) == {r["id"] for r in rights}
    assert all(words.get("es") and words.get("fr") for words in data["rights"].values())
