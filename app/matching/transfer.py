"""How a precedent reaches a target State: pure legal rules, one verdict per matched provision.

A decision's force abroad depends on who decided it, on which instrument, and on the target
State's tie to that instrument, not on the forum alone: a judgment of the European Court on
Protocol No. 4 says nothing binding to a State that only signed the Protocol. Each rule
names its legal source; the tests pin every rule to the reference facts it was written from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.matching.engine import Transferability
from app.reference.models import DecisionEffect, ForumLevel, RatificationStatus

NATIONAL_LEVELS = frozenset(
    {ForumLevel.national_apex, ForumLevel.national_appellate, ForumLevel.national_first_instance}
)
# The end of the Brexit transition ("IP completion day", Withdrawal Agreement art. 126): CJEU
# decisions from before it are retained (now assimilated) case law in the United Kingdom.
EU_TRANSITION_END = date(2020, 12, 31)


class Rule(StrEnum):
    own_court = "own_court"
    own_first_instance = "own_first_instance"
    foreign_court = "foreign_court"
    inter_partes = "inter_partes"
    res_interpretata = "res_interpretata"
    conventionality_control = "conventionality_control"
    court_interpretation = "court_interpretation"
    advisory_opinion = "advisory_opinion"
    treaty_body = "treaty_body"
    eu_law = "eu_law"
    retained_eu_case_law = "retained_eu_case_law"
    after_eu_withdrawal = "after_eu_withdrawal"
    recommendation = "recommendation"
    withdrawn = "withdrawn"
    signatory_only = "signatory_only"
    not_party = "not_party"
    outside_eu = "outside_eu"
    no_legal_effect = "no_legal_effect"


@dataclass(frozen=True, slots=True)
class ForumFacts:
    id: str
    name: str
    level: ForumLevel
    jurisdiction: str  # ISO code of a national court, or the system (CoE, OAS, UN, ...)
    effect: DecisionEffect
    instruments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tie:
    """A State's tie to one instrument, as the ratification data records it."""

    status: RatificationStatus
    uncertain: bool = False
    withdrawn_on: date | None = None  # effective date of a denunciation or withdrawal


@dataclass(frozen=True, slots=True)
class StateFacts:
    code: str
    ties: Mapping[str, Tie] = field(default_factory=dict)

    def tie(self, instrument_id: str | None) -> Tie | None:
        return self.ties.get(instrument_id) if instrument_id else None

    def bound_by(self, instrument_id: str | None) -> bool:
        tie = self.tie(instrument_id)
        return (
            tie is not None
            and tie.status is not RatificationStatus.signatory
            and tie.withdrawn_on is None
        )

    @property
    def in_eu(self) -> bool:
        return self.bound_by("TFEU")


@dataclass(frozen=True, slots=True)
class Verdict:
    transferability: Transferability
    rule: Rule
    instrument_id: str | None
    source: str
    uncertain: bool = False


# The treaty article that makes a regional or international judgment binding on its parties.
INTER_PARTES_SOURCES = {
    "ECTHR": "ECHR art. 46(1)",
    "IACTHR": "ACHR art. 68(1)",
    "AFCHPR": "African Court Protocol art. 30",
    "ICJ": "ICJ Statute art. 59",
}
ADVISORY_SOURCES = {
    "IACTHR": "ACHR art. 64; IACtHR, OC-21/14, § 31",
    "ICJ": "ICJ Statute art. 65",
    "AFCHPR": "African Court Protocol art. 4",
}
INTERPRETATION_SOURCES = {
    "ECTHR": (
        Rule.res_interpretata,
        "ECHR art. 32(1); Interlaken Declaration (2010), Action Plan § 4(c)",
    ),
    "IACTHR": (
        Rule.conventionality_control,
        "IACtHR, Almonacid Arellano et al. v. Chile, 2006, § 124",
    ),
}
TREATY_BODY_SOURCES = {
    "HRCTTEE": "Human Rights Committee, General Comment No. 33 (2008), §§ 11-15",
}
RECOMMENDATION_SOURCES = {
    "IACHR": "IACtHR, Loayza Tamayo v. Peru, 1997, § 80",
}


_Found = tuple[Transferability, Rule, str, bool | None]  # None: as uncertain as the tie


def verdict(
    forum: ForumFacts,
    instrument_id: str | None,
    instrument_system: str | None,
    *,
    target: StateFacts,
    respondents: Sequence[str] = (),
    advisory: bool = False,
    decided_on: date | None = None,
) -> Verdict:
    """The force in `target` of forum's decision on a provision of `instrument_id` (the
    forum's first instrument when the matched claim names no provision)."""
    instrument_id = instrument_id or (forum.instruments[0] if forum.instruments else None)
    tie = target.tie(instrument_id)
    kind, rule, source, unsure = _rule(
        forum, instrument_system, tie, target, respondents, advisory, decided_on
    )
    return Verdict(
        kind,
        rule,
        instrument_id,
        source,
        (tie.uncertain if tie else False) if unsure is None else unsure,
    )


def _rule(
    forum: ForumFacts,
    instrument_system: str | None,
    tie: Tie | None,
    target: StateFacts,
    respondents: Sequence[str],
    advisory: bool,
    decided_on: date | None,
) -> _Found:
    persuasive, authoritative, binding = (
        Transferability.persuasive,
        Transferability.authoritative,
        Transferability.binding,
    )
    if forum.level in NATIONAL_LEVELS:
        if forum.jurisdiction != target.code:
            return persuasive, Rule.foreign_court, "comparative authority", False
        if forum.level is ForumLevel.national_first_instance:
            return (
                persuasive,
                Rule.own_first_instance,
                "a first-instance ruling binds its parties only",
                False,
            )
        return binding, Rule.own_court, f"the judicial hierarchy of {target.code}", False
    if forum.effect is DecisionEffect.binding_erga_omnes and instrument_system == "EU":
        return _eu(target, decided_on)
    if forum.effect is DecisionEffect.non_adjudicative:
        return persuasive, Rule.no_legal_effect, "no adjudicative function", False
    if tie is None:
        return persuasive, Rule.not_party, "comparative authority", False
    if tie.status is RatificationStatus.signatory:
        return (
            persuasive,
            Rule.signatory_only,
            "VCLT art. 18",
            None,
        )
    if tie.withdrawn_on is not None:
        return persuasive, Rule.withdrawn, "its denunciation or withdrawal", None
    if advisory:
        source = ADVISORY_SOURCES.get(forum.id, "the body's advisory jurisdiction")
        return authoritative, Rule.advisory_opinion, source, None
    if forum.effect is DecisionEffect.binding_on_parties:
        if target.code in respondents:
            source = INTER_PARTES_SOURCES.get(forum.id, "the court's constitutive treaty")
            return binding, Rule.inter_partes, source, None
        rule, source = INTERPRETATION_SOURCES.get(
            forum.id,
            (Rule.court_interpretation, "the court's jurisdiction to interpret the treaty"),
        )
        return authoritative, rule, source, None
    if forum.effect is DecisionEffect.authoritative_interpretation:
        source = TREATY_BODY_SOURCES.get(forum.id, "VCLT art. 26")
        return authoritative, Rule.treaty_body, source, None
    source = RECOMMENDATION_SOURCES.get(forum.id, "VCLT art. 26")
    return persuasive, Rule.recommendation, source, None


def _eu(target: StateFacts, decided_on: date | None) -> _Found:
    if target.in_eu:
        return Transferability.binding, Rule.eu_law, "TFEU art. 267 and the primacy of EU law", None
    left = target.tie("TFEU")
    if left is None or left.withdrawn_on is None:
        return Transferability.persuasive, Rule.outside_eu, "comparative authority", False
    if decided_on is not None and decided_on <= EU_TRANSITION_END:
        # What survives of retained (now assimilated) case law has changed since 2024.
        return (
            Transferability.authoritative,
            Rule.retained_eu_case_law,
            "European Union (Withdrawal) Act 2018, s. 6(3)-(5)",
            True,
        )
    return (
        Transferability.persuasive,
        Rule.after_eu_withdrawal,
        "European Union (Withdrawal) Act 2018, s. 6(1)-(2)",
        None,
    )


STRENGTH_ORDER = {
    Transferability.binding: 0,
    Transferability.authoritative: 1,
    Transferability.persuasive: 2,
}


def strongest(verdicts: Sequence[Verdict]) -> Verdict | None:
    return min(verdicts, key=lambda v: STRENGTH_ORDER[v.transferability], default=None)


class Access(StrEnum):
    direct = "direct"
    not_accepted = "not_accepted"
    through_commission = "through_commission"
    court_not_accepted = "court_not_accepted"
    under_convention = "under_convention"
    under_declaration = "under_declaration"
    without_declaration = "without_declaration"
    collective_only = "collective_only"
    not_operative = "not_operative"


@dataclass(frozen=True, slots=True)
class AccessRoute:
    access: Access
    requires: str | None
    uncertain: bool = False


def access(forum_id: str, requires: Sequence[str], target: StateFacts) -> AccessRoute | None:
    """Whether people in `target` can bring their own complaint to the forum, and how.

    None where the forum takes no complaints. Individuals never file with the
    Inter-American Court (ACHR arts. 44, 61); the Commission hears OAS members that are not
    parties to the Convention under the American Declaration; the African Court takes
    individuals directly only from States with an art. 34(6) declaration.
    """
    if not requires:
        return None

    def route(kind: Access, instrument: str | None) -> AccessRoute:
        tie = target.tie(instrument)
        return AccessRoute(kind, instrument, tie.uncertain if tie else False)

    if forum_id == "IACTHR":
        if target.bound_by("ACHR-ART62"):
            return route(Access.through_commission, "ACHR-ART62")
        if target.bound_by("OAS-CHARTER"):  # the Commission still hears its people
            return route(Access.court_not_accepted, "ACHR-ART62")
        return route(Access.not_accepted, "ACHR-ART62")
    if forum_id == "IACHR":
        if target.bound_by("ACHR"):
            return route(Access.under_convention, "ACHR")
        if target.bound_by("OAS-CHARTER"):
            return route(Access.under_declaration, "OAS-CHARTER")
        return route(Access.not_accepted, "OAS-CHARTER")
    if forum_id == "AFCHPR":
        if target.bound_by("ACHPR-ART34-6"):
            return route(Access.direct, "ACHPR-ART34-6")
        if target.bound_by("ACHPR-PCOURT"):
            return route(Access.without_declaration, "ACHPR-ART34-6")
        return route(Access.not_accepted, "ACHPR-PCOURT")
    if forum_id == "CMW-C":
        return route(Access.not_operative, "CMW-ART77")
    missing = [r for r in requires if not target.bound_by(r)]
    if missing:
        return route(Access.not_accepted, missing[0])
    if forum_id == "ECSR":
        return route(Access.collective_only, requires[0])
    return route(Access.direct, requires[0])
