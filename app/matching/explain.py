"""Reason sentences: what a litigator may copy into a brief, from templates with parameters.

Every sentence names its basis, uses human labels (right names, "Art. 5(1)(f) ECHR", State
names), counts in words, and says so where the reference data behind it is not verified.
Pure: the service passes the labels in.

The templates are English gettext messages: a `Speech` says them in English, Spanish or
French from the catalogues in `app/locale`, with the names of the main forums and
instruments as those languages write them. A name the catalogue lacks stays as recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

from babel.support import NullTranslations

from app.core import i18n
from app.matching.engine import MatchKind
from app.matching.transfer import Access, AccessRoute, Rule, Verdict
from app.reference.parsing import ProvisionParseError, label_for


def N_(message: str) -> str:
    return message


# Spanish and French contract a preposition with the article that a name brings along.
_CONTRACTIONS = {
    "es": ((re.compile(r"\ba el\b"), "al"), (re.compile(r"\bde el\b"), "del")),
    "fr": (
        (re.compile(r"\bà le\b"), "au"),
        (re.compile(r"\bà les\b"), "aux"),
        (re.compile(r"\bde le\b"), "du"),
        (re.compile(r"\bde les\b"), "des"),
    ),
}


@dataclass(frozen=True, slots=True)
class Speech:
    """The language a sentence is said in."""

    language: str
    translations: NullTranslations

    def say(self, message: str, **params: str) -> str:
        sentence = Template(self.translations.gettext(message)).substitute(params)
        for pattern, contracted in _CONTRACTIONS.get(self.language, ()):
            sentence = pattern.sub(contracted, sentence)
        return sentence

    def name(self, english: str, bare: str) -> str:
        """A name as the language writes it in a sentence ("the ECHR" -> "el CEDH"); a name
        the catalogue lacks is the English phrase in English, else the bare name."""
        translated = self.translations.gettext(english)
        if translated != english or self.language == "en":
            return translated
        return bare


ENGLISH = Speech("en", NullTranslations())


def speech(language: str) -> Speech:
    return ENGLISH if language == "en" else Speech(language, i18n.translations(language))


UNVERIFIED = N_(" The reference data behind this is not verified: check it before citing.")

# What the precedent's forum did with its claim, and the word that joins the provision.
# Each is one message (verb, then joiner), so that a language keeps them together.
FINDING_PHRASES = {
    "violation": N_("found a violation | of"),
    "prospective_violation": N_("found that removal would violate | "),
    "upheld": N_("upheld the claim | under"),
    "favourable": N_("answered in the claimant's favour | under"),
    "no_violation": N_("found no violation | of"),
    "rejected": N_("rejected the claim | under"),
    "unfavourable": N_("answered against the claimant | under"),
    "inadmissible": N_("declared the claim inadmissible | under"),
}
OTHER_FINDING = N_("decided the claim | under")

MATCH_PHRASES = {
    MatchKind.same_provision: N_(" ($right)"),
    MatchKind.equivalent_explicit: N_(", which states the same right ($right) expressly"),
    MatchKind.equivalent_interpretive: N_(
        ", which courts and treaty bodies read as protecting the same right ($right)"
    ),
    MatchKind.same_right: N_(", on the same right ($right)"),
    MatchKind.related_right: N_(", on a related right ($right)"),
}

CLAIM = N_("On “$query”: $forum $finding$provision$how.")
ADVERSE = N_(
    "On “$query”: $forum $finding$provision$how. This is adverse authority, not support: "
    "counsel must distinguish it."
)

VERDICTS = {
    Rule.own_court: N_(
        "$forum is a court of $state: its decisions bind the courts below it ($source)."
    ),
    Rule.own_first_instance: N_(
        "$forum is a first-instance court of $state: its ruling binds the parties only "
        "($source) and persuades other courts."
    ),
    Rule.foreign_court: N_(
        "$forum is a court of another State: in $state its reasoning is persuasive only ($source)."
    ),
    Rule.inter_partes: N_("The judgment binds $state as the respondent State ($source)."),
    Rule.res_interpretata: N_(
        "The judgment binds only its respondent State; for $state, a party to $instrument, it "
        "is the Court's authoritative interpretation of that treaty ($source)."
    ),
    Rule.conventionality_control: N_(
        "The judgment binds only its respondent State; the authorities of $state, a party to "
        "$instrument, must follow the Court's interpretation of it in their conventionality "
        "control ($source)."
    ),
    Rule.court_interpretation: N_(
        "The judgment binds only its respondent State; for $state, a party to $instrument, it "
        "authoritatively interprets that treaty ($source)."
    ),
    Rule.advisory_opinion: N_(
        "An advisory opinion binds no State; for $state, a party to $instrument, it is an "
        "authoritative interpretation of that treaty, which its authorities take into account "
        "($source)."
    ),
    Rule.treaty_body: N_(
        "The views of $forum are not legally binding; for $state, a party to $instrument, "
        "they are the authoritative interpretation of that treaty ($source)."
    ),
    Rule.eu_law: N_(
        "The Court of Justice's interpretation of $instrument binds the courts of $state as an "
        "EU Member State ($source)."
    ),
    Rule.retained_eu_case_law: N_(
        "Decided before the end of the Brexit transition, the ruling is retained (now "
        "assimilated) case law in $state: lower courts follow it, and the appellate courts may "
        "depart from it ($source)."
    ),
    Rule.after_eu_withdrawal: N_(
        "Decided after $state left the European Union, the ruling does not bind its courts, "
        "which may have regard to it ($source)."
    ),
    Rule.recommendation: N_(
        "The findings of $forum are recommendations, not judgments; $state, a party to "
        "$instrument, must make every effort in good faith to follow them ($source)."
    ),
    Rule.withdrawn: N_(
        "$state has left $instrument ($source): the decision is persuasive only there."
    ),
    Rule.signatory_only: N_(
        "$state signed $instrument but has not ratified it, so the decision is persuasive only "
        "there: a signatory owes only the duty not to defeat the treaty's object and purpose "
        "($source)."
    ),
    Rule.not_party: N_(
        "$state is not a party to $instrument: the decision is persuasive only there ($source)."
    ),
    Rule.outside_eu: N_(
        "$state is not a Member State of the European Union: the Court of Justice's reading of "
        "$instrument is persuasive only there ($source)."
    ),
    Rule.no_legal_effect: N_(
        "$forum does not adjudicate ($source): its positions are persuasive only."
    ),
}

ACCESS = {
    Access.direct: N_(
        "Individuals in $state may complain to $forum: $state has accepted $requires."
    ),
    Access.not_accepted: N_(
        "Individuals in $state cannot complain to $forum: $state has not accepted $requires."
    ),
    Access.through_commission: N_(
        "Individuals cannot bring a case to $forum: they petition the Inter-American "
        "Commission (ACHR art. 44), which, or a State, may refer it to the Court (art. 61), "
        "as $state has accepted the Court's jurisdiction (art. 62)."
    ),
    Access.court_not_accepted: N_(
        "Individuals cannot bring a case to $forum, and $state has not accepted the Court's "
        "jurisdiction (ACHR art. 62); a petition can still go to the Inter-American "
        "Commission."
    ),
    Access.under_convention: N_(
        "Individuals in $state may petition $forum under the American Convention (ACHR art. 44)."
    ),
    Access.under_declaration: N_(
        "Individuals in $state may petition $forum under the American Declaration, since "
        "$state is an OAS member not party to the American Convention (IACHR Statute art. 20)."
    ),
    Access.without_declaration: N_(
        "Individuals in $state cannot file directly with $forum: $state has made no "
        "declaration under art. 34(6) of the Court Protocol; the African Commission may refer "
        "a case (Protocol art. 5(1))."
    ),
    Access.collective_only: N_(
        "$forum takes collective complaints from organisations only, and $state has accepted "
        "$requires."
    ),
    Access.not_operative: N_(
        "$forum cannot yet receive individual complaints: the procedure of $requires is not "
        "in force."
    ),
}

RESERVATION = N_("$state $kind on $provision: $summary (source: $source).")
RESERVATION_KINDS = {
    "reservation": N_("made a reservation"),
    "interpretive_declaration": N_("made an interpretive declaration"),
    "geographical_limitation": N_("keeps a geographical limitation"),
}
RECEPTION = N_("Followed or applied $times in other jurisdictions.")
NEGATIVE = N_("Distinguished or questioned $times.")
CITED = N_("Cited by $decisions in the corpus$concerning.")
NOT_IMPLEMENTED = N_("The respondent State has not implemented it.")
EVIDENCE = N_("Passages close to the facts are quoted.")

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
# The States whose Spanish name takes its article in running text.
SPANISH_DEFINITE_STATES = {"GB": "el", "NL": "los", "IN": "la", "AE": "los", "BS": "las"}
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def times(n: int, speech: Speech = ENGLISH) -> str:
    """Counts in words: "once", "twice", "three times", "12 times"."""
    if n == 1:
        return speech.say(N_("once"))
    if n == 2:
        return speech.say(N_("twice"))
    if speech.language != "en":
        return speech.say(N_("$num times"), num=str(n))
    return f"{_NUMBERS[n] if n < len(_NUMBERS) else n} times"


@dataclass(frozen=True, slots=True)
class Labels:
    """Human names for what the sentences mention, in one language; ids only as the last
    resort."""

    states: Mapping[str, str]
    instruments: Mapping[str, str]
    rights: Mapping[str, str]
    speech: Speech = ENGLISH

    def state(self, code: str) -> str:
        """A State's name as a sentence needs it: "Malta", "the United Kingdom", "el Reino
        Unido" (French sentences name the State in apposition, with no article)."""
        name = self.states.get(code, code)
        if self.speech.language == "en" and name.startswith(DEFINITE_STATE_NAMES):
            return f"the {name}"
        if self.speech.language == "es" and code in SPANISH_DEFINITE_STATES:
            return f"{SPANISH_DEFINITE_STATES[code]} {name}"
        return name

    def instrument(self, instrument_id: str | None) -> str:
        if instrument_id is None:
            return self.speech.say(N_("the treaty it applied"))
        return self.instruments.get(instrument_id, instrument_id)

    def right(self, right_id: str | None) -> str:
        if not right_id:
            return self.speech.say(N_("the same right"))
        return self.rights.get(right_id, right_id)

    def provision(self, instrument_id: str | None, path: str | None) -> str | None:
        """A provision as lawyers write it ("Art. 5(1)(f) ECHR", "Art. 4 of Protocol No. 4 to
        the ECHR"), the instrument alone without a path, None without an instrument."""
        if instrument_id is None:
            return None
        label = self.instrument(instrument_id)
        name = self.speech.name(label, label)
        if not path:
            return name
        try:
            article = label_for(path)
        except ProvisionParseError:
            article = path
        if self.speech.language != "en" and article.startswith("Art. "):
            article = "art. " + article[5:]  # inside a Spanish or French sentence
        if label.startswith(("Protocol", "Optional Protocol")):
            return self.speech.say(N_("$article of $instrument"), article=article, instrument=name)
        return f"{article} {name}"


def claim_sentence(
    *,
    query: str,
    forum: str,
    finding: str,
    provision: str | None,
    kind: MatchKind,
    right: str,
    speech: Speech = ENGLISH,
) -> str:
    template = ADVERSE if finding in ADVERSE_FINDINGS else CLAIM
    verb, _, joiner = speech.say(FINDING_PHRASES.get(finding, OTHER_FINDING)).partition(" | ")
    return speech.say(
        template,
        query=query,
        forum=the(forum, speech),
        finding=verb,
        provision=_joined(joiner, provision),
        how=speech.say(MATCH_PHRASES[kind], right=right),
    )


def _joined(joiner: str, provision: str | None) -> str:
    """ " of Art. 5 ECHR", " de l'art. 5 CEDH" (an elided article takes no space), "" for
    no provision."""
    if not provision:
        return ""
    if not joiner:
        return f" {provision}"
    space = "" if joiner.endswith("'") else " "
    return f" {joiner}{space}{provision}"


def the(name: str, speech: Speech = ENGLISH) -> str:
    """A forum's name as it reads inside a sentence: "the European Court of Human Rights",
    "el Tribunal Europeo de Derechos Humanos"."""
    return speech.name(name if name.startswith("The ") else f"the {name}", name)


def the_instrument(label: str, speech: Speech = ENGLISH) -> str:
    """The instrument as a sentence names it: the ECHR, but Protocol No. 4 to the ECHR."""
    english = label if label.startswith(("Protocol No.", "the ")) else f"the {label}"
    return speech.name(english, label)


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


ADVERSE_FINDINGS = frozenset({"no_violation", "rejected", "unfavourable", "inadmissible"})


def verdict_sentence(
    v: Verdict, *, forum: str, state: str, instrument: str, speech: Speech = ENGLISH
) -> str:
    sentence = speech.say(
        VERDICTS[v.rule],
        forum=the(forum, speech),
        state=state,
        instrument=the_instrument(instrument, speech),
        source=v.source,
    )
    return capitalised(sentence) + (speech.say(UNVERIFIED) if v.uncertain else "")


def access_sentence(
    route: AccessRoute, *, forum: str, state: str, requires: str, speech: Speech = ENGLISH
) -> str:
    sentence = speech.say(
        ACCESS[route.access],
        forum=the(forum, speech),
        state=state,
        requires=the_instrument(requires, speech),
    )
    return capitalised(sentence) + (speech.say(UNVERIFIED) if route.uncertain else "")


def reservation_sentence(
    *,
    state: str,
    kind: str,
    provision: str,
    summary: str,
    source: str,
    uncertain: bool,
    speech: Speech = ENGLISH,
) -> str:
    """The summary is the reference data's own words, in English."""
    sentence = speech.say(
        RESERVATION,
        state=state,
        kind=speech.say(RESERVATION_KINDS.get(kind, RESERVATION_KINDS["reservation"])),
        provision=provision,
        summary=summary.rstrip("."),
        source=source,
    )
    return capitalised(sentence) + (speech.say(UNVERIFIED) if uncertain else "")


def reception_sentence(followed: int, speech: Speech = ENGLISH) -> str:
    return speech.say(RECEPTION, times=times(followed, speech))


def citations_sentence(cited_by: int, states: int, speech: Speech = ENGLISH) -> str:
    """The leading-case signal, as counted: citing decisions the reader may see, before the
    match's cutoff date, and the respondent States they concern (none for advisory
    opinions and other decisions without a respondent)."""
    if cited_by == 1:
        decisions = speech.say(N_("one later decision"))
    else:
        decisions = speech.say(N_("$num later decisions"), num=str(cited_by))
    if states == 0:
        concerning = ""
    elif states == 1:
        concerning = speech.say(N_(", concerning one State"))
    else:
        concerning = speech.say(N_(", concerning $num States"), num=str(states))
    return speech.say(CITED, decisions=decisions, concerning=concerning)


def negative_sentence(negative: int, speech: Speech = ENGLISH) -> str:
    return speech.say(NEGATIVE, times=times(negative, speech))


# Names as Spanish and French write them in a sentence: the forums and instruments that
# reasons name most. Marked here so that the catalogues carry them; a name missing from
# them is said as recorded.
NAMES = (
    N_("the International Court of Justice"),
    N_("the Human Rights Committee (ICCPR)"),
    N_("the Committee against Torture"),
    N_("the Committee on the Rights of the Child"),
    N_("the Committee on Economic, Social and Cultural Rights"),
    N_("the Committee on the Elimination of Racial Discrimination"),
    N_("the Committee on the Elimination of Discrimination against Women"),
    N_(
        "the Committee on Migrant Workers (Committee on the Protection of the Rights of All "
        "Migrant Workers and Members of Their Families)"
    ),
    N_("the Committee on the Rights of Persons with Disabilities"),
    N_("the Committee on Enforced Disappearances"),
    N_("the UN Working Group on Arbitrary Detention"),
    N_("the Office of the United Nations High Commissioner for Refugees"),
    N_("the European Court of Human Rights"),
    N_("the European Committee of Social Rights"),
    N_("the Committee of Ministers of the Council of Europe (supervision of execution)"),
    N_("the Court of Justice of the European Union"),
    N_("the Inter-American Commission on Human Rights"),
    N_("the Inter-American Court of Human Rights"),
    N_("the African Commission on Human and Peoples' Rights"),
    N_("the African Court on Human and Peoples' Rights"),
    N_("the African Committee of Experts on the Rights and Welfare of the Child"),
    N_("the ECOWAS Community Court of Justice"),
    N_("the Supreme Court of the United States"),
    N_("the Supreme Court of the United Kingdom"),
    N_("the Supreme Court of Canada"),
    N_("the Constitutional Court of Colombia (Corte Constitucional)"),
    N_("the Supreme Court of Justice of the Nation of Mexico (SCJN)"),
    N_("the Constitutional Court of South Africa"),
    N_("the Federal Constitutional Court of Germany (Bundesverfassungsgericht)"),
    N_("the Conseil d'État (France)"),
    N_("the Conseil constitutionnel (France)"),
    N_("the Constitutional Court of Italy (Corte costituzionale)"),
    N_("the High Court of Australia"),
    N_("the Supreme Federal Court of Brazil (Supremo Tribunal Federal)"),
    N_("the Supreme Court of Justice of Argentina (Corte Suprema de Justicia de la Nación)"),
    N_("the Constitutional Tribunal of the Dominican Republic"),
    N_("the Constitutional Court of Spain (Tribunal Constitucional)"),
    N_("ECHR"),
    N_("the ECHR"),
    N_("ACHR"),
    N_("the ACHR"),
    N_("ICCPR"),
    N_("the ICCPR"),
    N_("CAT"),
    N_("the CAT"),
    N_("CRC"),
    N_("the CRC"),
    N_("EU Charter"),
    N_("the EU Charter"),
    N_("1951 Convention"),
    N_("the 1951 Convention"),
    N_("Return Directive"),
    N_("the Return Directive"),
    N_("Reception Conditions Directive (recast)"),
    N_("the Reception Conditions Directive (recast)"),
    N_("Asylum Procedures Directive (recast)"),
    N_("the Asylum Procedures Directive (recast)"),
    N_("Qualification Directive (recast)"),
    N_("the Qualification Directive (recast)"),
    N_("Protocol No. 1 to the ECHR"),
    N_("Protocol No. 4 to the ECHR"),
    N_("Protocol No. 7 to the ECHR"),
    N_("Protocol No. 12 to the ECHR"),
    N_("the Optional Protocol to the International Covenant on Civil and Political Rights"),
    N_("the Declaration accepting the contentious jurisdiction of the Inter-American Court"),
    N_("the American Declaration"),
)
