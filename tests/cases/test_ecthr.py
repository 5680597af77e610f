"""ECtHR corpus reader: titles to States and readable names, article keys to provisions,
records to judgments, and the real development corpus read without a single unmapped value."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from app.cases.ecthr import (
    EcthrJudgment,
    Formation,
    article_to_provision,
    judgment_from_record,
    normalise_application_number,
    read_judgments,
    respondents_from_title,
    short_title_from_title,
)

CORPUS = Path("/work/shared/data/ecthr/cases.jsonl.gz")


class TestRespondentsFromTitle:
    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("CASE OF HIRSI JAMAA AND OTHERS v. ITALY", ("IT",)),
            ("CASE OF M.S.S. v. BELGIUM AND GREECE", ("BE", "GR")),
            ("CASE OF X v. ITALY AND GREECE", ("IT", "GR")),
            ("CASE OF SOERING v. THE UNITED KINGDOM", ("GB",)),
            ("CASE OF X v. UNITED KINGDOM", ("GB",)),
            ("CASE OF X v. THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA", ("MK",)),
            ('CASE OF X v. "THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA"', ("MK",)),
            ("CASE OF J.M. AND A.T. v. NORTH MACEDONIA", ("MK",)),
            ("CASE OF X v. RUSSIA", ("RU",)),
            ("CASE OF X v. TÜRKİYE", ("TR",)),
            ("CASE OF X v. TURKEY", ("TR",)),
            ("CASE OF X v. THE REPUBLIC OF MOLDOVA", ("MD",)),
            ("CASE OF X v. REPUBLIC OF MOLDOVA", ("MD",)),
            ("CASE OF X v. MOLDOVA", ("MD",)),
            ("CASE OF X v. THE CZECH REPUBLIC", ("CZ",)),
            ("CASE OF X v. CZECH REPUBLIC", ("CZ",)),
            ("CASE OF X v. THE SLOVAK REPUBLIC", ("SK",)),
            ("CASE OF X v. SLOVAKIA", ("SK",)),
            ("CASE OF PALIĆ v. BOSNIA AND HERZEGOVINA", ("BA",)),
            ("CASE OF X v. SERBIA AND MONTENEGRO", ("RS",)),
            ("CASE OF BIJELIĆ v. MONTENEGRO AND SERBIA", ("ME", "RS")),
            ("CASE OF X v. AZERBAIJAN", ("AZ",)),
            ("CASE OF X v. AZERBAIJAN AND HUNGARY", ("AZ", "HU")),
            ("CASE OF X v. THE NETHERLANDS", ("NL",)),
            ("CASE OF X v. THE REPUBLIC OF MOLDOVA AND RUSSIA", ("MD", "RU")),
            ("CASE OF X v. ROMANIA AND BULGARIA", ("RO", "BG")),
            ("CASE OF X v. ITALY, GREECE AND MALTA", ("IT", "GR", "MT")),
            (
                "CASE OF ALIŠIĆ AND OTHERS v. BOSNIA AND HERZEGOVINA, CROATIA, SERBIA, SLOVENIA "
                'AND "THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA"',
                ("BA", "HR", "RS", "SI", "MK"),
            ),
            ("CASE OF X v. ANDORRA", ("AD",)),
            ("CASE OF X v. SAN MARINO", ("SM",)),
            ("CASE OF HIRST v. THE UNITED KINGDOM (No. 2)", ("GB",)),
            ("CASE OF X v. TURKEY (No. 2) [Extracts]", ("TR",)),
            ("CASE OF X v. GREECE - [English Translation] by European Roma Rights Centre", ("GR",)),
            ("CASE OF SARBYANOVA-PASHALIYSKA AND PASHALIYSKA V. BULGARIA", ("BG",)),
            ("CASE OF C.N. AND V. v. FRANCE", ("FR",)),
            ("CASE OF KOPF AND LIBERDA  v.  AUSTRIA", ("AT",)),
            ("CASE OF GEORGIA v. RUSSIA (II)", ("RU",)),
            ("CASE OF UKRAINE AND THE NETHERLANDS v. RUSSIA", ("RU",)),
            ("WIKSTRÖM v. SWEDEN", ("SE",)),
        ],
    )
    def test_title_maps_to_iso_codes_in_title_order(
        self, title: str, expected: tuple[str, ...]
    ) -> None:
        assert respondents_from_title(title) == expected

    def test_unknown_state_is_an_error_naming_it(self) -> None:
        with pytest.raises(ValueError, match="ATLANTIS"):
            respondents_from_title("CASE OF X v. ATLANTIS")

    def test_unknown_second_state_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="ATLANTIS"):
            respondents_from_title("CASE OF X v. ITALY AND ATLANTIS")

    def test_title_without_versus_is_an_error(self) -> None:
        with pytest.raises(ValueError, match=r"v\."):
            respondents_from_title("CASE OF X")


class TestShortTitleFromTitle:
    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("CASE OF HIRSI JAMAA AND OTHERS v. ITALY", "Hirsi Jamaa and Others v. Italy"),
            ("CASE OF M.S.S. v. BELGIUM AND GREECE", "M.S.S. v. Belgium and Greece"),
            ("CASE OF HIRST v. THE UNITED KINGDOM (No. 2)", "Hirst v. the United Kingdom (no. 2)"),
            ("CASE OF X v. TURKEY (No. 2) [Extracts]", "X v. Turkey (no. 2)"),
            ("CASE OF HYDE PARK AND OTHERS v. MOLDOVA (Nos. 5 and 6)",
             "Hyde Park and Others v. Moldova (nos. 5 and 6)"),
            ("CASE OF GEORGIA v. RUSSIA (II)", "Georgia v. Russia (II)"),
            ("CASE OF O'KEEFFE v. IRELAND", "O'Keeffe v. Ireland"),
            ("CASE OF McCANN v. THE UNITED KINGDOM", "McCann v. the United Kingdom"),
            ("CASE OF VAN DER HEIJDEN v. THE NETHERLANDS", "Van der Heijden v. the Netherlands"),
            ("CASE OF İZCİ v. TURKEY", "İzci v. Turkey"),
            ("CASE OF AXEL SPRINGER AG v. GERMANY", "Axel Springer AG v. Germany"),
            ("CASE OF OOO 'VESTI'  AND UKHOV v. RUSSIA", "OOO 'Vesti' and Ukhov v. Russia"),
            ("CASE OF KRONE VERLAG GMBH v. AUSTRIA", "Krone Verlag GmbH v. Austria"),
            ("CASE OF X v. THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA",
             "X v. the former Yugoslav Republic of Macedonia"),
            ("CASE OF X v. GREECE - [English Translation] by European Roma Rights Centre \"ERRC\"",
             "X v. Greece"),
        ],
    )  # fmt: skip
    def test_title_reads_as_the_case_is_cited(self, title: str, expected: str) -> None:
        assert short_title_from_title(title) == expected


class TestArticleToProvision:
    @pytest.mark.parametrize(
        ("key", "expected"),
        [
            ("2", ("ECHR", "2")),
            ("3", ("ECHR", "3")),
            ("18", ("ECHR", "18")),
            ("5-1", ("ECHR", "5-1")),
            ("5-1-f", ("ECHR", "5-1-f")),
            ("6-3-c", ("ECHR", "6-3-c")),
            ("P1-1", ("ECHR-P1", "1")),
            ("P1-3", ("ECHR-P1", "3")),
            ("P4-2", ("ECHR-P4", "2")),
            ("P4-4", ("ECHR-P4", "4")),
            ("P6-1", ("ECHR-P6", "1")),
            ("P7-1", ("ECHR-P7", "1")),
            ("P7-4", ("ECHR-P7", "4")),
            ("P12-1", ("ECHR-P12", "1")),
            ("P13-1", ("ECHR-P13", "1")),
            (" P1-1 ", ("ECHR-P1", "1")),
        ],
    )
    def test_key_maps_to_instrument_and_article_path(
        self, key: str, expected: tuple[str, str]
    ) -> None:
        assert article_to_provision(key) == expected

    @pytest.mark.parametrize(
        "key", ["", "Art. 3", "P1", "3-", "P2-1", "P14-1", "60", "0", "P1-7", "P4-8", "5-1-F"]
    )
    def test_unknown_key_is_an_error(self, key: str) -> None:
        with pytest.raises(ValueError, match=repr(key)):
            article_to_provision(key)


class TestNormaliseApplicationNumber:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("27765/09", "27765/09"),
            ("27765 / 09", "27765/09"),
            ("no. 27765/09", "27765/09"),
            ("Application no. 27765/09", "27765/09"),
            ("332/57", "332/57"),
            (" 8675\u204415 ", "8675/15"),
        ],
    )
    def test_number_is_normalised(self, value: str, expected: str) -> None:
        assert normalise_application_number(value) == expected

    @pytest.mark.parametrize("value", ["27765", "27765/2009", "012/2015", "abc/09", ""])
    def test_non_ecthr_number_is_an_error(self, value: str) -> None:
        with pytest.raises(ValueError, match="application number"):
            normalise_application_number(value)


def _record(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "itemid": "001-109231",
        "date": "2012-02-23",
        "title": "CASE OF HIRSI JAMAA AND OTHERS v. ITALY",
        "appnos": ["27765 / 09"],
        "doctype": "Grand Chamber Judgment",
        "court_level": "GRANDCHAMBER",
        "respondent": "ITALY",
        "facts": "The applicants ...",
        "law": "The Court ...",
        "article_outcomes": {"3": "violation", "P4-4": "violation", "13": "nonviolation"},
        "cited_appnos": ["30471/08", "30471/08", "25389/05"],
    }
    record.update(overrides)
    return record


class TestJudgmentFromRecord:
    def test_full_record_maps_every_field(self) -> None:
        judgment = judgment_from_record(_record())

        assert judgment == EcthrJudgment(
            source_id="001-109231",
            title="CASE OF HIRSI JAMAA AND OTHERS v. ITALY",
            short_title="Hirsi Jamaa and Others v. Italy",
            respondent_states=("IT",),
            decided_on=date(2012, 2, 23),
            formation=Formation.grand_chamber,
            importance=None,
            application_numbers=("27765/09",),
            facts="The applicants ...",
            law="The Court ...",
            article_outcomes={"3": "violation", "P4-4": "violation", "13": "no_violation"},
            cited_application_numbers=("30471/08", "25389/05"),
        )
        assert judgment.formation == "grand_chamber"
        hash(judgment)

    def test_article_outcomes_are_read_only(self) -> None:
        judgment = judgment_from_record(_record())

        with pytest.raises(TypeError):
            judgment.article_outcomes["3"] = "no_violation"  # type: ignore[index]

    @pytest.mark.parametrize(
        ("court_level", "doctype", "expected"),
        [
            ("CHAMBER", None, Formation.chamber),
            ("COMMITTEE", "Committee Judgment", Formation.committee),
            (None, "Grand Chamber Judgment", Formation.grand_chamber),
            (None, "Chamber Judgment", Formation.chamber),
            (None, "Committee Judgment", Formation.committee),
        ],
    )
    def test_formation_comes_from_court_level_then_doctype(
        self, court_level: str | None, doctype: str | None, expected: Formation
    ) -> None:
        record = _record(court_level=court_level, doctype=doctype)

        assert judgment_from_record(record).formation is expected

    def test_no_formation_is_an_error_naming_the_item(self) -> None:
        with pytest.raises(ValueError, match="001-109231"):
            judgment_from_record(_record(court_level=None, doctype=None))

    def test_record_without_title_keeps_none_and_no_states(self) -> None:
        judgment = judgment_from_record(
            _record(title=None, appnos=[], respondent=None, law=None, cited_appnos=None)
        )

        assert judgment.title is None
        assert judgment.short_title is None
        assert judgment.respondent_states == ()
        assert judgment.application_numbers == ()
        assert judgment.law == ""
        assert judgment.cited_application_numbers == ()

    def test_importance_is_read_when_present(self) -> None:
        assert judgment_from_record(_record(importance="1")).importance == 1
        assert judgment_from_record(_record(importance=3)).importance == 3

    @pytest.mark.parametrize(
        "overrides",
        [
            {"article_outcomes": {"3": "struck out"}},
            {"article_outcomes": {"P2-1": "violation"}},
            {"title": "CASE OF X v. ATLANTIS"},
            {"date": "23/02/2012"},
            {"appnos": ["27765/2009"]},
        ],
    )
    def test_unreadable_value_is_an_error_naming_the_item(
        self, overrides: dict[str, object]
    ) -> None:
        with pytest.raises(ValueError, match=r"^001-109231: "):
            judgment_from_record(_record(**overrides))


class TestReadJudgments:
    def test_streams_gzip_json_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "cases.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(json.dumps(_record()) + "\n\n")
            f.write(json.dumps(_record(itemid="001-2", title=None, appnos=[])) + "\n")

        judgments = list(read_judgments(path))

        assert [j.source_id for j in judgments] == ["001-109231", "001-2"]

    def test_reads_plain_json_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "cases.jsonl"
        path.write_text(json.dumps(_record()) + "\n", encoding="utf-8")

        assert [j.respondent_states for j in read_judgments(path)] == [("IT",)]


@pytest.fixture(scope="module")
def corpus() -> list[EcthrJudgment]:
    if not CORPUS.exists():
        pytest.skip(f"ECtHR development corpus not available at {CORPUS}")
    return list(read_judgments(CORPUS))


class TestRealCorpus:
    def test_holds_1824_distinct_judgments(self, corpus: list[EcthrJudgment]) -> None:
        assert len(corpus) == 1824
        assert len({j.source_id for j in corpus}) == 1824

    def test_every_title_maps_to_states(self, corpus: list[EcthrJudgment]) -> None:
        titled = [j for j in corpus if j.title is not None]

        assert len(titled) == 1513
        assert [j.title for j in titled if not j.respondent_states] == []
        assert all(j.short_title and " v. " in j.short_title for j in titled)

    def test_only_recent_judgments_lack_a_title(self, corpus: list[EcthrJudgment]) -> None:
        untitled = [j for j in corpus if j.title is None]

        assert len(untitled) == 311
        assert min(j.decided_on for j in untitled) >= date(2021, 1, 1)
        assert all(not j.respondent_states and not j.application_numbers for j in untitled)

    def test_every_article_key_maps_to_a_provision(self, corpus: list[EcthrJudgment]) -> None:
        keys = {key for j in corpus for key in j.article_outcomes}

        provisions = {article_to_provision(key) for key in keys}

        assert len(provisions) == len(keys) == 14
        assert {i for i, _ in provisions} == {"ECHR"}

    def test_findings_and_formations_are_mapped(self, corpus: list[EcthrJudgment]) -> None:
        findings = Counter(f for j in corpus for f in j.article_outcomes.values())
        formations = Counter(j.formation for j in corpus)

        assert findings == {"violation": 1047, "no_violation": 588}
        assert formations == {
            Formation.chamber: 1229,
            Formation.committee: 483,
            Formation.grand_chamber: 112,
        }

    def test_landmark_judgments_read_as_expected(self, corpus: list[EcthrJudgment]) -> None:
        by_id = {j.source_id: j for j in corpus}

        hirsi = by_id["001-109231"]
        assert hirsi.short_title == "Hirsi Jamaa and Others v. Italy"
        assert hirsi.respondent_states == ("IT",)
        assert hirsi.decided_on == date(2012, 2, 23)
        assert hirsi.formation is Formation.grand_chamber
        assert hirsi.application_numbers == ("27765/09",)
        assert dict(hirsi.article_outcomes) == {"3": "violation", "13": "violation"}
        assert by_id["001-145575"].respondent_states == ("BA", "HR", "RS", "SI", "MK")
