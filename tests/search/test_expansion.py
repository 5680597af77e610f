"""The query as the database is sent it: forms that stem alike once, covered phrases dropped."""

from __future__ import annotations

from app.search.expansion import Item, parse, render, terms

STEMS = {
    "detention": "'detent'",
    "detained": "'detain'",
    "detaining": "'detain'",
    "refoulement": "'refoul'",
    "non-refoulement": "'non-refoul' <-> 'non' <-> 'refoul'",
    "real risk": "'real' <-> 'risk'",
    "the": "",
    "italy": "'itali'",
    "either": "'a' | 'b'",
}


def test_forms_that_stem_alike_are_written_once() -> None:
    runs = [[Item(("detention", "detained", "detaining"))]]

    assert render(runs, STEMS) == "((('detent') | ('detain')))"
    assert terms(runs, STEMS) == ("detent", "detain")


def test_a_phrase_that_requires_another_operand_is_dropped() -> None:
    runs = [[Item(("non-refoulement", "refoulement", "real risk"))]]

    assert render(runs, STEMS) == "((('refoul') | ('real' <-> 'risk')))"
    # The dropped phrase's other words rank nothing ('non' would lift every French text).
    assert terms(runs, STEMS) == ("refoul", "real", "risk")


def test_an_operand_that_is_not_a_conjunction_is_kept() -> None:
    runs = [[Item(("either", "a"))]]

    assert render(runs, {"either": "'a' | 'b'", "a": "'a'"}) == "((('a' | 'b') | ('a')))"


def test_stop_words_drop_out_and_excluded_words_rank_nothing() -> None:
    runs = [[Item(("the",)), Item(("detention",)), Item(("italy",), negated=True)]]

    assert render(runs, STEMS) == "((('detent')) & !(('itali')))"
    assert terms(runs, STEMS) == ("detent",)
    assert render([[Item(("the",))]], STEMS) == ""


def test_runs_joined_by_or_and_quoted_phrases() -> None:
    runs = parse('detention OR "real risk" -Italy')

    assert [[(i.forms[0], i.negated) for i in run] for run in runs] == [
        [("detention", False)],
        [("real risk", False), ("Italy", True)],
    ]
