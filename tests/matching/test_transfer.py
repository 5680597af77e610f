"""The legal rules of transferability, one scenario a row, fed by the shipped reference facts.

Each row names the reference fact it rests on (a line of `ratifications/state_parties.csv`,
`withdrawals.csv` or `forums.yaml`) and the legal source of the rule it pins.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml

from app.matching import explain
from app.matching.engine import Transferability
from app.matching.transfer import (
    Access,
    ForumFacts,
    Rule,
    StateFacts,
    Tie,
    access,
    verdict,
)
from app.reference.datafiles import DATA_DIR
from app.reference.models import DecisionEffect, ForumLevel, RatificationStatus

B, A, P = Transferability.binding, Transferability.authoritative, Transferability.persuasive


@cache
def forums() -> dict[str, ForumFacts]:
    rows = yaml.safe_load((DATA_DIR / "forums.yaml").read_text())["forums"]
    return {
        f["id"]: ForumFacts(
            id=f["id"],
            name=f["name"],
            level=ForumLevel(f["level"]),
            jurisdiction=f["jurisdiction"],
            effect=DecisionEffect(f["decision_effect"]),
            instruments=tuple(f.get("instruments_applied") or ()),
        )
        for f in rows
    }


@cache
def state(code: str) -> StateFacts:
    """A State's ties as `comity reference load` records them (the same CSV files)."""
    folder = Path(DATA_DIR) / "ratifications"
    ties: dict[str, Tie] = {}
    with (folder / "state_parties.csv").open() as fh:
        for r in csv.DictReader(fh):
            if r["iso2"] == code:
                ties[r["instrument_id"]] = Tie(
                    RatificationStatus(r["status"]), r["uncertain"] == "true"
                )
    with (folder / "withdrawals.csv").open() as fh:
        for r in csv.DictReader(fh):
            if r["iso2"] == code:
                ties[r["instrument_id"]] = Tie(
                    RatificationStatus.party,
                    r["uncertain"] == "true",
                    date.fromisoformat(r["effective"]),
                )
    if "OAS-CHARTER" in ties and ties["OAS-CHARTER"].withdrawn_on is None:
        ties.setdefault("ADRDM", Tie(RatificationStatus.member))  # as matching.repository
    return StateFacts(code=code, ties=ties)


EU = "EU"
SCENARIOS = [
    # id, forum, instrument, instrument system, target, respondents, advisory, decided, expected
    # ECHR art. 46(1) binds the respondent; others meet the Court's reading (res interpretata).
    (
        "hirsi-gb-p4-signatory",
        "ECTHR",
        "ECHR-P4",
        "CoE",
        "GB",
        ["IT"],
        False,
        None,
        P,
        Rule.signatory_only,
    ),  # ECHR-P4,GB,signatory
    (
        "hirsi-tr-p4-signatory",
        "ECTHR",
        "ECHR-P4",
        "CoE",
        "TR",
        ["IT"],
        False,
        None,
        P,
        Rule.signatory_only,
    ),  # ECHR-P4,TR,signatory
    (
        "hirsi-es-p4-party",
        "ECTHR",
        "ECHR-P4",
        "CoE",
        "ES",
        ["IT"],
        False,
        None,
        A,
        Rule.res_interpretata,
    ),  # ECHR-P4,ES,party,2009
    (
        "hirsi-it-respondent",
        "ECTHR",
        "ECHR-P4",
        "CoE",
        "IT",
        ["IT"],
        False,
        None,
        B,
        Rule.inter_partes,
    ),  # ECHR-P4,IT,party,1982
    (
        "mss-tr-echr-not-binding",
        "ECTHR",
        "ECHR",
        "CoE",
        "TR",
        ["BE", "GR"],
        False,
        None,
        A,
        Rule.res_interpretata,
    ),  # ECHR,TR,party,1954
    (
        "saadi-gb-respondent",
        "ECTHR",
        "ECHR",
        "CoE",
        "GB",
        ["GB"],
        False,
        None,
        B,
        Rule.inter_partes,
    ),  # ECHR,GB,party,1951
    (
        "ru-left-echr",
        "ECTHR",
        "ECHR",
        "CoE",
        "RU",
        ["IT"],
        False,
        None,
        P,
        Rule.withdrawn,
    ),  # withdrawals: ECHR,RU,2022-09-16
    (
        "mx-not-echr-party",
        "ECTHR",
        "ECHR",
        "CoE",
        "MX",
        ["IT"],
        False,
        None,
        P,
        Rule.not_party,
    ),  # no ECHR row for MX
    ("us-not-echr-party", "ECTHR", "ECHR", "CoE", "US", ["GB"], False, None, P, Rule.not_party),
    # ACHR art. 68(1) binds the respondent; conventionality control (Almonacid, § 124) the rest.
    (
        "velez-loor-co",
        "IACTHR",
        "ACHR",
        "OAS",
        "CO",
        ["PA"],
        False,
        None,
        A,
        Rule.conventionality_control,
    ),  # ACHR,CO,party,1973
    (
        "velez-loor-pa-respondent",
        "IACTHR",
        "ACHR",
        "OAS",
        "PA",
        ["PA"],
        False,
        None,
        B,
        Rule.inter_partes,
    ),  # ACHR,PA,party,1978
    (
        "velez-loor-us-signatory",
        "IACTHR",
        "ACHR",
        "OAS",
        "US",
        ["PA"],
        False,
        None,
        P,
        Rule.signatory_only,
    ),  # ACHR,US,signatory,1977
    (
        "ve-denounced-achr",
        "IACTHR",
        "ACHR",
        "OAS",
        "VE",
        ["PA"],
        False,
        None,
        P,
        Rule.withdrawn,
    ),  # withdrawals: ACHR,VE (uncertain)
    (
        "tt-denounced-achr",
        "IACTHR",
        "ACHR",
        "OAS",
        "TT",
        ["PA"],
        False,
        None,
        P,
        Rule.withdrawn,
    ),  # withdrawals: ACHR,TT,1999-05-26
    # Advisory opinions (ACHR art. 64) interpret; they never bind, not even their requester.
    ("oc21-co-advisory", "IACTHR", "ACHR", "OAS", "CO", [], True, None, A, Rule.advisory_opinion),
    (
        "oc18-mx-advisory",
        "IACTHR",
        "ACHR",
        "OAS",
        "MX",
        [],
        True,
        None,
        A,
        Rule.advisory_opinion,
    ),  # MX requested OC-18/03
    (
        "oc25-ec-requester",
        "IACTHR",
        "ACHR",
        "OAS",
        "EC",
        ["EC"],
        True,
        None,
        A,
        Rule.advisory_opinion,
    ),
    ("oc21-us-signatory", "IACTHR", "ACHR", "OAS", "US", [], True, None, P, Rule.signatory_only),
    # Treaty bodies: views are not binding, but authoritative for parties (HRC GC 33).
    (
        "hrc-us-iccpr-party",
        "HRCTTEE",
        "ICCPR",
        "UN",
        "US",
        ["AU"],
        False,
        None,
        A,
        Rule.treaty_body,
    ),  # ICCPR,US,party,1992
    (
        "hrc-my-not-party",
        "HRCTTEE",
        "ICCPR",
        "UN",
        "MY",
        ["AU"],
        False,
        None,
        P,
        Rule.not_party,
    ),  # no ICCPR row for MY
    (
        "nbf-us-crc-signatory",
        "CRC-C",
        "CRC",
        "UN",
        "US",
        ["ES"],
        False,
        None,
        P,
        Rule.signatory_only,
    ),  # CRC,US,signatory
    (
        "nbf-es-respondent-still-views",
        "CRC-C",
        "CRC",
        "UN",
        "ES",
        ["ES"],
        False,
        None,
        A,
        Rule.treaty_body,
    ),
    (
        "nbf-mx-crc-party",
        "CRC-C",
        "CRC",
        "UN",
        "MX",
        ["ES"],
        False,
        None,
        A,
        Rule.treaty_body,
    ),  # CRC,MX,party,1990
    (
        "agiza-co-cat",
        "CAT-C",
        "CAT",
        "UN",
        "CO",
        ["SE"],
        False,
        None,
        A,
        Rule.treaty_body,
    ),  # CAT,CO,party,1987
    ("wgad-au-iccpr", "WGAD", "ICCPR", "UN", "AU", [], False, None, A, Rule.treaty_body),
    # EU law binds Member States' courts (TFEU art. 267); Brexit (EUWA 2018 s. 6).
    (
        "el-dridi-it",
        "CJEU",
        "EU-RD",
        EU,
        "IT",
        [],
        False,
        date(2011, 4, 28),
        B,
        Rule.eu_law,
    ),  # TFEU,IT,member
    (
        "el-dridi-gb-retained",
        "CJEU",
        "EU-RD",
        EU,
        "GB",
        [],
        False,
        date(2011, 4, 28),
        A,
        Rule.retained_eu_case_law,
    ),  # withdrawals: TFEU,GB
    (
        "fms-gb-before-transition-end",
        "CJEU",
        "EU-APD",
        EU,
        "GB",
        [],
        False,
        date(2020, 5, 14),
        A,
        Rule.retained_eu_case_law,
    ),
    (
        "cjeu-2021-gb-after",
        "CJEU",
        "EU-CFR",
        EU,
        "GB",
        [],
        False,
        date(2021, 6, 1),
        P,
        Rule.after_eu_withdrawal,
    ),
    (
        "cjeu-ch-not-member",
        "CJEU",
        "EU-QD",
        EU,
        "CH",
        [],
        False,
        date(2014, 1, 1),
        P,
        Rule.outside_eu,
    ),
    (
        "cjeu-tr-not-member",
        "CJEU",
        "EU-RD",
        EU,
        "TR",
        [],
        False,
        date(2014, 1, 1),
        P,
        Rule.outside_eu,
    ),
    # A State's own courts bind through its judicial hierarchy; foreign courts persuade.
    (
        "t210-co-own-apex",
        "CO-CC",
        "CO-CONST",
        "national",
        "CO",
        ["CO"],
        False,
        None,
        B,
        Rule.own_court,
    ),
    (
        "t210-mx-foreign",
        "CO-CC",
        "CO-CONST",
        "national",
        "MX",
        ["CO"],
        False,
        None,
        P,
        Rule.foreign_court,
    ),
    (
        "scjn-mx-own",
        "MX-SCJN",
        "MX-CONST",
        "national",
        "MX",
        ["MX"],
        False,
        None,
        B,
        Rule.own_court,
    ),
    (
        "kituo-ke-first-instance",
        "KE-HC",
        "KE-CONST",
        "national",
        "KE",
        ["KE"],
        False,
        None,
        P,
        Rule.own_first_instance,
    ),
    (
        "plyler-us-own",
        "US-SCOTUS",
        "US-CONST",
        "national",
        "US",
        ["US"],
        False,
        None,
        B,
        Rule.own_court,
    ),
    (
        "huisha-us-appellate",
        "US-CADC",
        "US-CONST",
        "national",
        "US",
        ["US"],
        False,
        None,
        B,
        Rule.own_court,
    ),
    ("aaa-gb-own", "GB-UKSC", "ECHR", "CoE", "GB", ["GB"], False, None, B, Rule.own_court),
    (
        "aaa-ca-foreign",
        "GB-UKSC",
        "REF1951",
        "UN",
        "CA",
        ["GB"],
        False,
        None,
        P,
        Rule.foreign_court,
    ),
    # Recommendations: weighed in good faith (Loayza Tamayo, § 80), never binding.
    (
        "haitian-centre-us-declaration",
        "IACHR",
        "ADRDM",
        "OAS",
        "US",
        ["US"],
        False,
        None,
        P,
        Rule.recommendation,
    ),  # OAS-CHARTER,US,member
    (
        "iachr-co-convention",
        "IACHR",
        "ACHR",
        "OAS",
        "CO",
        ["US"],
        False,
        None,
        P,
        Rule.recommendation,
    ),
    (
        "raddho-ao-commission",
        "ACHPR-COMM",
        "ACHPR",
        "AU",
        "AO",
        ["ZM"],
        False,
        None,
        P,
        Rule.recommendation,
    ),  # ACHPR,AO,party (uncertain)
    # African Court: Protocol art. 30 binds the respondent; others meet its interpretation.
    (
        "anudo-tz-respondent",
        "AFCHPR",
        "ACHPR",
        "AU",
        "TZ",
        ["TZ"],
        False,
        None,
        B,
        Rule.inter_partes,
    ),  # ACHPR,TZ,party
    (
        "anudo-ke-interpretation",
        "AFCHPR",
        "ACHPR",
        "AU",
        "KE",
        ["TZ"],
        False,
        None,
        A,
        Rule.court_interpretation,
    ),
    # ICJ Statute art. 59: binding on the parties only.
    (
        "diallo-co-iccpr",
        "ICJ",
        "ICCPR",
        "UN",
        "CO",
        ["CD"],
        False,
        None,
        A,
        Rule.court_interpretation,
    ),
    (
        "diallo-cd-respondent",
        "ICJ",
        "ICCPR",
        "UN",
        "CD",
        ["CD"],
        False,
        None,
        B,
        Rule.inter_partes,
    ),  # ICCPR,CD,party,1976
    # UNHCR supervises the Refugee Convention but does not adjudicate.
    ("unhcr-no-effect", "UNHCR", "REF1951", "UN", "IT", [], False, None, P, Rule.no_legal_effect),
]


@pytest.mark.parametrize(
    (
        "forum",
        "instrument",
        "system",
        "target",
        "respondents",
        "advisory",
        "decided",
        "kind",
        "rule",
    ),
    [s[1:] for s in SCENARIOS],
    ids=[s[0] for s in SCENARIOS],
)
def test_verdict(
    forum: str,
    instrument: str,
    system: str,
    target: str,
    respondents: list[str],
    advisory: bool,
    decided: date | None,
    kind: Transferability,
    rule: Rule,
) -> None:
    v = verdict(
        forums()[forum],
        instrument,
        system,
        target=state(target),
        respondents=respondents,
        advisory=advisory,
        decided_on=decided,
    )

    assert (v.transferability, v.rule) == (kind, rule)
    assert v.instrument_id == instrument
    sentence = explain.verdict_sentence(
        v, forum=forums()[forum].name, state=target, instrument=instrument
    )
    assert RULE_PHRASES[rule] in sentence, sentence
    assert f"({v.source})" in sentence
    assert sentence.endswith(explain.UNVERIFIED) == v.uncertain


# What the sentence of each rule must say: the legal point a lawyer relies on.
RULE_PHRASES = {
    Rule.own_court: "its decisions bind the courts below it",
    Rule.own_first_instance: "binds the parties only",
    Rule.foreign_court: "is a court of another State",
    Rule.inter_partes: "as the respondent State",
    Rule.res_interpretata: "binds only its respondent State",
    Rule.conventionality_control: "conventionality control",
    Rule.court_interpretation: "authoritatively interprets that treaty",
    Rule.advisory_opinion: "An advisory opinion binds no State",
    Rule.treaty_body: "are not legally binding",
    Rule.eu_law: "as an EU Member State",
    Rule.retained_eu_case_law: "retained (now assimilated) case law",
    Rule.after_eu_withdrawal: "does not bind its courts",
    Rule.recommendation: "are recommendations, not judgments",
    Rule.withdrawn: "has left",
    Rule.signatory_only: "but has not ratified it",
    Rule.not_party: "is not a party to",
    Rule.outside_eu: "is not a Member State of the European Union",
    Rule.no_legal_effect: "does not adjudicate",
}


def test_there_are_at_least_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40


class TestUncertainty:
    def test_an_unverified_ratification_makes_the_verdict_say_so(self) -> None:
        # withdrawals.csv: ACHR,VE ... uncertain true (the 2019 re-ratification is disputed)
        v = verdict(forums()["IACTHR"], "ACHR", "OAS", target=state("VE"), respondents=["PA"])
        sentence = explain.verdict_sentence(
            v, forum="Inter-American Court", state="Venezuela", instrument="ACHR"
        )

        assert v.uncertain
        assert sentence.endswith(explain.UNVERIFIED)

    def test_retained_eu_case_law_is_flagged_for_checking(self) -> None:
        v = verdict(forums()["CJEU"], "EU-RD", EU, target=state("GB"), decided_on=date(2011, 4, 28))

        assert v.uncertain


SENTENCES = [
    # The sentence a lawyer reads for each of the errors the issue saw.
    (
        "ECTHR",
        "ECHR-P4",
        "CoE",
        "GB",
        ["IT"],
        False,
        "signed Protocol No. 4 to the ECHR but has not ratified it",
    ),
    ("ECTHR", "ECHR", "CoE", "TR", ["IT"], False, "binds only its respondent State"),
    ("IACTHR", "ACHR", "OAS", "CO", [], True, "An advisory opinion binds no State"),
    ("CRC-C", "CRC", "UN", "US", ["ES"], False, "VCLT art. 18"),
    (
        "CO-CC",
        "CO-CONST",
        "national",
        "CO",
        ["CO"],
        False,
        "its decisions bind the courts below it",
    ),
    ("IACTHR", "ACHR", "OAS", "MX", ["PA"], False, "conventionality control"),
]


@pytest.mark.parametrize(
    ("forum", "instrument", "system", "target", "respondents", "advisory", "expected"), SENTENCES
)
def test_sentence_names_its_basis(
    forum: str,
    instrument: str,
    system: str,
    target: str,
    respondents: list[str],
    advisory: bool,
    expected: str,
) -> None:
    labels = explain.Labels(
        states={target: target},
        instruments={"ECHR-P4": "Protocol No. 4 to the ECHR"},
        rights={},
    )
    v = verdict(
        forums()[forum],
        instrument,
        system,
        target=state(target),
        respondents=respondents,
        advisory=advisory,
    )

    sentence = explain.verdict_sentence(
        v, forum=forums()[forum].name, state=target, instrument=labels.instrument(instrument)
    )

    assert expected in sentence


ROUTES = [
    # forum, target, expected: individuals petition the Commission, never the Court (ACHR
    # arts. 44, 61); the US answers under the American Declaration; art. 34(6) of the Court
    # Protocol gates direct access to the African Court.
    ("IACTHR", "CO", Access.through_commission),  # ACHR-ART62,CO,party,1985
    ("IACTHR", "US", Access.court_not_accepted),  # OAS-CHARTER,US,member; no ACHR-ART62
    ("IACTHR", "GB", Access.not_accepted),  # not an OAS member
    ("IACHR", "US", Access.under_declaration),  # OAS-CHARTER,US,member
    ("IACHR", "CO", Access.under_convention),
    ("AFCHPR", "GH", Access.direct),  # ACHPR-ART34-6,GH,party,2011
    ("AFCHPR", "TZ", Access.without_declaration),  # withdrawals: ACHPR-ART34-6,TZ,2020-11-21
    ("AFCHPR", "KE", Access.without_declaration),  # ACHPR-PCOURT,KE, no art. 34(6) row
    ("HRCTTEE", "US", Access.not_accepted),  # no ICCPR-OP1 row for US
    ("HRCTTEE", "ES", Access.direct),  # ICCPR-OP1,ES,party,1985
    ("CMW-C", "MX", Access.not_operative),  # complaint_routes: CMW-ART77 not yet operative
    ("CRC-C", "MX", Access.not_accepted),  # no CRC-OP3 row for MX
]


@pytest.mark.parametrize(("forum", "target", "expected"), ROUTES)
def test_access_route(forum: str, target: str, expected: Access) -> None:
    routes = yaml.safe_load((DATA_DIR / "complaint_routes.yaml").read_text())["routes"]
    requires = [r["requires"] for r in routes if r["forum"] == forum]

    route = access(forum, requires, state(target))

    assert route is not None and route.access is expected


def test_no_route_for_a_forum_that_takes_no_complaints() -> None:
    assert access("UNHCR", [], state("IT")) is None


class TestCounts:
    @pytest.mark.parametrize(
        ("n", "words"), [(1, "once"), (2, "twice"), (3, "three times"), (12, "12 times")]
    )
    def test_counts_are_words(self, n: int, words: str) -> None:
        assert explain.times(n) == words


class TestLabels:
    def test_state_names_take_the_article_english_gives_them(self) -> None:
        labels = explain.Labels(
            states={"GB": "United Kingdom", "MT": "Malta"}, instruments={}, rights={}
        )

        assert (labels.state("GB"), labels.state("MT")) == ("the United Kingdom", "Malta")
        assert explain.capitalised(labels.state("GB")) == "The United Kingdom"
