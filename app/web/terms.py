"""Human words for the values the pages show (statuses, findings, kinds of update, roles),
as gettext messages so that they are translated like the rest of the page."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown."""
    return message


TERMS = {
    # case status and outcome
    "draft": N_("draft"),
    "pending": N_("pending"),
    "decided": N_("decided"),
    "appealed": N_("appealed"),
    "closed": N_("closed"),
    "win": N_("win"),
    "partial": N_("partial win"),
    "loss": N_("loss"),
    "settled": N_("settled"),
    "withdrawn": N_("withdrawn"),
    "advisory": N_("advisory opinion"),
    # findings
    "violation": N_("violation"),
    "no_violation": N_("no violation"),
    "prospective_violation": N_("violation if removed"),
    "inadmissible": N_("inadmissible"),
    "not_examined": N_("not examined"),
    "upheld": N_("upheld"),
    "rejected": N_("rejected"),
    "favourable": N_("favourable"),
    "unfavourable": N_("unfavourable"),
    "remitted": N_("remitted"),
    # kinds of update
    "filing": N_("filing"),
    "hearing": N_("hearing"),
    "interim_measures": N_("interim measures"),
    "decision": N_("decision"),
    "domestic_final": N_("final domestic decision"),
    "appeal": N_("appeal"),
    "implementation": N_("implementation"),
    "communication": N_("communication to the State"),
    "note": N_("note"),
    # decision types
    "admissibility": N_("admissibility"),
    "merits": N_("merits"),
    "follow_up": N_("follow-up"),
    "revision": N_("revision"),
    "referral": N_("referral"),
    "just_satisfaction": N_("just satisfaction"),
    "other": N_("other"),
    # treatments (Akoma Ntoso)
    "applies": N_("applies"),
    "supports": N_("supports"),
    "isAnalogTo": N_("is analogous to"),
    "extends": N_("extends"),
    "restricts": N_("restricts"),
    "contrasts": N_("contrasts"),
    "distinguishes": N_("distinguishes"),
    "overrules": N_("overrules"),
    "putsInQuestion": N_("puts in question"),
    "dissentsFrom": N_("dissents from"),
    # implementation
    "implemented": N_("implemented"),
    "partly": N_("partly implemented"),
    "not_implemented": N_("not implemented"),
    "unknown": N_("unknown"),
    # roles and visibility
    "viewer": N_("viewer"),
    "staff": N_("staff"),
    "litigator": N_("litigator"),
    "admin": N_("admin"),
    "private": N_("private"),
    "network": N_("network"),
    "public": N_("public"),
    "published": N_("published"),
    # ratification
    "party": N_("party"),
    "signatory": N_("signed only"),
    "member": N_("member"),
}
