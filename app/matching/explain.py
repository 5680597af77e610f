"""Reason sentences: what a litigator may copy into a brief, from templates with parameters.

Every sentence names its basis, uses human labels (right names, "Art. 5(1)(f) ECHR", State
names), counts in words, and says so where the reference data behind it is not verified.
Pure: the service passes the labels in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

from app.matching.engine import MatchKind
from app.matching.transfer import Access, AccessRoute, Rule, Verdict
from app.reference.parsing import ProvisionParseError, label_for

UNVERIFIED = " The reference data behind this is not verified: check it before citing."

# What the precedent's forum did with its claim, and the word that joins the provision.
FINDING_PHRASES = {
    "violation": ("found a violation", "of"),
    "prospective_violation": ("found that removal would violate", ""),
    "upheld": ("upheld the claim", "under"),
    "favourable": ("answered in the claimant's favour", "under"),
    "no_violation": ("found no violation", "of"),
    "rejected": ("rejected the claim", "under"),
    "unfavourable": ("answered against the claimant", "under"),
    "inadmissible": ("declared the claim inadmissible", "under"),
}

MATCH_PHRASES = {
    MatchKind.same_provision: Template(" ($right)"),
    MatchKind.equivalent_explicit: Template(", which states the same right ($right) expressly"),
    MatchKind.equivalent_interpretive: Template(
        ", which courts and treaty bodies read as protecting the same right ($right)"
    ),
    MatchKind.same_right: Template(", on the same right ($right)"),
    MatchKind.related_right: Template(", on a related right ($right)"),
}

CLAIM = Template("On “$query”: $forum $finding$provision$how.")
ADVERSE = Template(
    "On “$query”: $forum $finding$provision$how. This is adverse authority, not support: "
    "counsel must distinguish it."
)

VERDICTS = {
    Rule.own_court: Template(
        "$forum is a court of $state: its decisions bind the courts below it ($source)."
    ),
    Rule.own_first_instance: Template(
        "$forum is a first-instance court of $state: its ruling binds the parties only "
        "($source) and persuades other courts."
    ),
    Rule.foreign_court: Template(
        "$forum is a court of another State: in $state its reasoning is persuasive only ($source)."
    ),
    Rule.inter_partes: Template("The judgment binds $state as the respondent State ($source)."),
    Rule.res_interpretata: Template(
        "The judgment binds only its respondent State; for $state, a party to $instrument, it "
        "is the Court's authoritative interpretation of that treaty ($source)."
    ),
    Rule.conventionality_control: Template(
        "The judgment binds only its respondent State; the authorities of $state, a party to "
        "$instrument, must follow the Court's interpretation of it in their conventionality "
        "control ($source)."
    ),
    Rule.court_interpretation: Template(
        "The judgment binds only its respondent State; for $state, a party to $instrument, it "
        "authoritatively interprets that treaty ($source)."
    ),
    Rule.advisory_opinion: Template(
        "An advisory opinion binds no State; for $state, a party to $instrument, it is an "
        "authoritative interpretation of that treaty, which its authorities take into account "
        "($source)."
    ),
    Rule.treaty_body: Template(
        "The views of $forum are not legally binding; for $state, a party to $instrument, "
        "they are the authoritative interpretation of that treaty ($source)."
    ),
    Rule.eu_law: Template(
        "The Court of Justice's interpretation of $instrument binds the courts of $state as an "
        "EU Member State ($source)."
    ),
    Rule.retained_eu_case_law: Template(
        "Decided before the end of the Brexit transition, the ruling is retained (now "
        "assimilated) case law in $state: lower courts follow it, and the appellate courts may "
        "depart from it ($source)."
    ),
    Rule.after_eu_withdrawal: Template(
        "Decided after $state left the European Union, the ruling does not bind its courts, "
        "which may have regard to it ($source)."
    ),
    Rule.recommendation: Template(
        "The findings of $forum are recommendations, not judgments; $state, a party to "
        "$instrument, must make every effort in good faith to follow them ($source)."
    ),
    Rule.withdrawn: Template(
        "$state has left $instrument ($source): the decision is persuasive only there."
    ),
    Rule.signatory_only: Template(
        "$state signed $instrument but has not ratified it, so the decision is persuasive only "
        "there: a signatory owes only the duty not to defeat the treaty's object and purpose "
        "($source)."
    ),
    Rule.not_party: Template(
        "$state is not a party to $instrument: the decision is persuasive only there ($source)."
    ),
    Rule.outside_eu: Template(
        "$state is not a Member State of the European Union: the Court of Justice's reading of "
        "$instrument is persuasive only there ($source)."
    ),
    Rule.no_legal_effect: Template(
        "$forum does not adjudicate ($source): its positions are persuasive only."
    ),
}

ACCESS = {
    Access.direct: Template(
        "Individuals in $state may complain to $forum: $state has accepted $requires."
    ),
    Access.not_accepted: Template(
        "Individuals in $state cannot complain to $forum: $state has not accepted $requires."
    ),
    Access.through_commission: Template(
        "Individuals cannot bring a case to $forum: they petition the Inter-American "
        "Commission (ACHR art. 44), which, or a State, may refer it to the Court (art. 61), "
        "as $state has accepted the Court's jurisdiction (art. 62)."
    ),
    Access.court_not_accepted: Template(
        "Individuals cannot bring a case to $forum, and $state has not accepted the Court's "
        "jurisdiction (ACHR art. 62); a petition can still go to the Inter-American "
        "Commission."
    ),
    Access.under_convention: Template(
        "Individuals in $state may petition $forum under the American Convention (ACHR art. 44)."
    ),
    Access.under_declaration: Template(
        "Individuals in $state may petition $forum under the American Declaration, since "
        "$state is an OAS member not party to the American Convention (IACHR Statute art. 20)."
    ),
    Access.without_declaration: Template(
        "Individuals in $state cannot file directly with $forum: $state has made no "
        "declaration under art. 34(6) of the Court Protocol; the African Commission may refer "
        "a case (Protocol art. 5(1))."
    ),
    Access.collective_only: Template(
        "$forum takes collective complaints from organisations only, and $state has accepted "
        "$requires."
    ),
    Access.not_operative: Template(
        "$forum cannot yet receive individual complaints: the procedure of $requires is not "
        "in force."
    ),
}

RESERVATION = Template("$state $kind on $provision: $summary (source: $source).")
RESERVATION_KINDS = {
    "reservation": "made a reservation",
    "interpretive_declaration": "made an interpretive declaration",
    "geographical_limitation": "keeps a geographical limitation",
}
RECEPTION = Template("Followed or applied $times in other jurisdictions.")
NEGATIVE = Template("Distinguished or questioned $times.")
CITED = Template("Cited by $decisions in the corpus$concerning.")
NOT_IMPLEMENTED = "The respondent State has not implemented it."

# Names of States that English writes with the definite article.
DEFINITE_STATE_NAMES = (
    "United ",
    "Netherlands",
    "Philippines",
    "Gambia",
    "Bahamas",
    "Czech Republic",
    "Dominican Republic",
    "Central African Republic",
    "Democratic Republic",
    "Republic of",
    "Holy See",
    "Comoros",
    "Maldives",
    "Marshall Islands",
    "Solomon Islands",
    "Seychelles",
    "Congo",
)
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def times(n: int) -> str:
    """Counts in words: "once", "twice", "three times", "12 times"."""
    if n == 1:
        return "once"
    if n == 2:
        return "twice"
    return f"{_NUMBERS[n] if n < len(_NUMBERS) else n} times"


@dataclass(frozen=True, slots=True)
class Labels:
    """Human names for what the sentences mention; ids only as the last resort."""

    states: Mapping[str, str]
    instruments: Mapping[str, str]
    rights: Mapping[str, str]

    def state(self, code: str) -> str:
        """A State's name as a sentence needs it: "Malta", "the United Kingdom"."""
        name = self.states.get(code, code)
        return f"the {name}" if name.startswith(DEFINITE_STATE_NAMES) else name

    def instrument(self, instrument_id: str | None) -> str:
        if instrument_id is None:
            return "the treaty it applied"
        return self.instruments.get(instrument_id, instrument_id)

    def right(self, right_id: str | None) -> str:
        return self.rights.get(right_id, right_id) if right_id else "the same right"

    def provision(self, instrument_id: str | None, path: str | None) -> str | None:
        """A provision as lawyers write it ("Art. 5(1)(f) ECHR", "Art. 4 of Protocol No. 4 to
        the ECHR"), the instrument alone without a path, None without an instrument."""
        if instrument_id is None:
            return None
        name = self.instrument(instrument_id)
        if not path:
            return name
        try:
            article = label_for(path)
        except ProvisionParseError:
            article = path
        joiner = " of " if name.startswith(("Protocol", "Optional Protocol")) else " "
        return f"{article}{joiner}{name}"


def claim_sentence(
    *,
    query: str,
    forum: str,
    finding: str,
    provision: str | None,
    kind: MatchKind,
    right: str,
) -> str:
    template = ADVERSE if finding in ADVERSE_FINDINGS else CLAIM
    verb, joiner = FINDING_PHRASES.get(finding, ("decided the claim", "under"))
    return template.substitute(
        query=query,
        forum=the(forum),
        finding=verb,
        provision=f" {joiner} {provision}".replace("  ", " ") if provision else "",
        how=MATCH_PHRASES[kind].substitute(right=right),
    )


def the(name: str) -> str:
    """A forum's name as it reads inside a sentence: "the European Court of Human Rights"."""
    return name if name.startswith("The ") else f"the {name}"


def the_instrument(label: str) -> str:
    """The instrument as a sentence names it: the ECHR, but Protocol No. 4 to the ECHR."""
    return label if label.startswith(("Protocol No.", "the ")) else f"the {label}"


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


ADVERSE_FINDINGS = frozenset({"no_violation", "rejected", "unfavourable", "inadmissible"})


def verdict_sentence(v: Verdict, *, forum: str, state: str, instrument: str) -> str:
    sentence = VERDICTS[v.rule].substitute(
        forum=the(forum), state=state, instrument=the_instrument(instrument), source=v.source
    )
    return capitalised(sentence) + (UNVERIFIED if v.uncertain else "")


def access_sentence(route: AccessRoute, *, forum: str, state: str, requires: str) -> str:
    sentence = ACCESS[route.access].substitute(
        forum=the(forum), state=state, requires=the_instrument(requires)
    )
    return capitalised(sentence) + (UNVERIFIED if route.uncertain else "")


def reservation_sentence(
    *, state: str, kind: str, provision: str, summary: str, source: str, uncertain: bool
) -> str:
    sentence = RESERVATION.substitute(
        state=state,
        kind=RESERVATION_KINDS.get(kind, "made a reservation"),
        provision=provision,
        summary=summary.rstrip("."),
        source=source,
    )
    return capitalised(sentence) + (UNVERIFIED if uncertain else "")


def reception_sentence(followed: int) -> str:
    return RECEPTION.substitute(times=times(followed))


def citations_sentence(cited_by: int, states: int) -> str:
    """The leading-case signal, as counted: citing decisions the reader may see, before the
    match's cutoff date, and the respondent States they concern (none for advisory
    opinions and other decisions without a respondent)."""
    decisions = "one later decision" if cited_by == 1 else f"{cited_by} later decisions"
    concerning = {0: "", 1: ", concerning one State"}.get(states, f", concerning {states} States")
    return CITED.substitute(decisions=decisions, concerning=concerning)


def negative_sentence(negative: int) -> str:
    return NEGATIVE.substitute(times=times(negative))
