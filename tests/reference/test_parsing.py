"""Tests for app.reference.parsing: typed provision references, article lists and keys."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.reference.parsing import (
    INSTRUMENT_ALIASES,
    ProvisionParseError,
    ProvisionRef,
    canonical_path,
    label_for,
    parse_key,
    parse_provision,
    split_articles,
)

# Present on the build machine only; the one test that reads it is skipped elsewhere.
SHARED_REFERENCE = Path("/work/shared/reference")

# Hypothesis must not write an example database into the working tree.
PROPERTY = settings(max_examples=400, deadline=None, database=None)


# --------------------------------------------------------------------------- parse_provision

SPELLINGS: list[tuple[str, str]] = [
    # European Convention, English
    ("ECHR art. 5 § 1 (f)", "ECHR:5-1-f"),
    ("Article 5(1)(f) ECHR", "ECHR:5-1-f"),
    ("art 5-1-f ECHR", "ECHR:5-1-f"),
    ("Art. 5 § 1 (f) ECHR", "ECHR:5-1-f"),
    ("ECHR, Art. 5(1)(f)", "ECHR:5-1-f"),
    ("Article 5 para. 1 (f) ECHR", "ECHR:5-1-f"),
    ("article 5.1.f of the ECHR", "ECHR:5-1-f"),
    ("Art 5(1)f ECHR", "ECHR:5-1-f"),
    ("ECHR Art. 5 § 1, sub-para. (f)", "ECHR:5-1-f"),
    ("  ecHR   ART.5  §1 ( f )  ", "ECHR:5-1-f"),
    ("European Convention on Human Rights, Article 3", "ECHR:3"),
    ("Article 3 of the European Convention on Human Rights", "ECHR:3"),
    ("Article 8 of the European Convention", "ECHR:8"),
    ("ECHR Article 5 § 4", "ECHR:5-4"),
    ("art. 13 ECHR (effective remedy)", "ECHR:13"),
    ("ECHR (art. 5)", "ECHR:5"),
    # ECHR protocols
    ("Protocol 4 art 4", "ECHR-P4:4"),
    ("Article 4 of Protocol No. 4", "ECHR-P4:4"),
    ("Article 4 of Protocol No. 4 to the Convention", "ECHR-P4:4"),
    ("Art. 4 Protocol No. 4 ECHR", "ECHR-P4:4"),
    ("P4-4", "ECHR-P4:4"),
    ("ECHR P4-4", "ECHR-P4:4"),
    ("A4P4", "ECHR-P4:4"),
    ("A1P1", "ECHR-P1:1"),
    ("Protocol 1 art 1", "ECHR-P1:1"),
    ("Protocol 7 art 1", "ECHR-P7:1"),
    ("Article 1 of Protocol No. 7", "ECHR-P7:1"),
    ("Protocol No. 12, Article 1", "ECHR-P12:1"),
    # UN treaties
    ("CAT art. 3", "CAT:3"),
    ("Convention against Torture article 3", "CAT:3"),
    ("Article 3 of the UN Convention against Torture", "CAT:3"),
    ("CAT, art. 22(7)", "CAT:22-7"),
    ("Refugee Convention art 33(1)", "REF1951:33-1"),
    ("1951 Convention art. 33", "REF1951:33"),
    ("Art. 1A(2) Refugee Convention", "REF1951:1A-2"),
    ("article 31(1) of the 1951 Refugee Convention", "REF1951:31-1"),
    ("1967 Protocol art. I(1)", "REF1967:I-1"),
    ("ICCPR art. 9(4)", "ICCPR:9-4"),
    ("ICCPR, article 9, paragraph 4", "ICCPR:9-4"),
    ("Article 7 ICCPR", "ICCPR:7"),
    ("ICCPR art 2(3)(a)", "ICCPR:2-3-a"),
    ("ICESCR art. 2(2)", "ICESCR:2-2"),
    ("CRC art. 3(1)", "CRC:3-1"),
    ("Convention on the Rights of the Child, article 37(b)", "CRC:37-b"),
    ("CMW art. 22(1)", "CMW:22-1"),
    ("ICERD art. 5(d)(ii)", "ICERD:5-d-ii"),
    ("CPED art. 16", "CPED:16"),
    ("VCCR art. 36(1)(b)", "VCCR:36-1-b"),
    ("UNCLOS art. 98", "UNCLOS:98"),
    ("IHR (2005) art. 3", "IHR2005:3"),
    ("Convention 108(+) art. 5", "COE-108:5"),
    # general comments and soft law
    ("HRC GC 31 para. 12", "HRC-GC31:para-12"),
    ("CRC GC 6, para. 27", "CRC-GC6:para-27"),
    ("GCM Objective 21 (para. 37)", "GCM:objective-21-para-37"),
    ("Global Compact for Migration, Objective 13", "GCM:objective-13"),
    ("GCR para. 5", "GCR:para-5"),
    ("Principle 6 of the 14 Principles", "COVID-14P:principle-6"),
    ("Body of Principles, Principle 16(2)", "BODY-PRINCIPLES-1988:principle-16-2"),
    ("Mandela Rules, rule 43", "MANDELA-RULES:rule-43"),
    # European Union
    ("EU Charter art. 6", "EU-CFR:6"),
    ("CFR art 19(2)", "EU-CFR:19-2"),
    ("Charter of Fundamental Rights art. 47", "EU-CFR:47"),
    ("Article 47 of the Charter of Fundamental Rights of the European Union", "EU-CFR:47"),
    ("TFEU 78", "TFEU:78"),
    ("Art. 78(1) TFEU", "TFEU:78-1"),
    ("Dublin III art. 3(2)", "EU-DUBLIN3:3-2"),
    ("Directive 2013/32/EU, Article 46", "EU-APD:46"),
    ("Return Directive art. 15", "EU-RD:15"),
    # Inter-American system
    ("ACHR 22.8", "ACHR:22-8"),
    ("American Convention art. 7", "ACHR:7"),
    ("Pact of San José art 22(8)", "ACHR:22-8"),
    ("American Declaration art. XXVII", "ADRDM:XXVII"),
    ("ADRDM art. XXVII", "ADRDM:XXVII"),
    ("American Declaration, Article I", "ADRDM:I"),
    # African system
    ("ACHPR art. 12(5)", "ACHPR:12-5"),
    ("African Charter art 5", "ACHPR:5"),
    ("Banjul Charter art. 12(4)", "ACHPR:12-4"),
    ("African Charter on Human and Peoples' Rights, art 7(1)(a)", "ACHPR:7-1-a"),
    ("OAU Refugee Convention art. II(3)", "OAU-REF:II-3"),
    ("Maputo Protocol art 4(2)(k)", "MAPUTO:4-2-k"),
    # national sources
    ("Canadian Charter s. 7", "CA-CHARTER:section-7"),
    ("Migration Act 1958 s 198A", "AU-MIGRATION-ACT:section-198A"),
    ("art. 10(3) Cost.", "IT-CONST:10-3"),
    # Spanish
    ("artículo 7 CADH", "ACHR:7"),
    ("art. 22.8 de la Convención Americana", "ACHR:22-8"),
    ("artículo 22(7) CADH", "ACHR:22-7"),
    ("el artículo 22.8 de la CADH", "ACHR:22-8"),
    ("art. 7 inciso 5 de la CADH", "ACHR:7-5"),
    ("CADH art. 7 numeral 5", "ACHR:7-5"),
    ("art. 3 CDN", "CRC:3"),
    ("Convención sobre los Derechos del Niño, artículo 3.1", "CRC:3-1"),
    ("PIDCP art. 9", "ICCPR:9"),
    ("Artículo 14 del Pacto Internacional de Derechos Civiles y Políticos", "ICCPR:14"),
    ("art. 3 de la Convención contra la Tortura", "CAT:3"),
    ("artículo 33 de la Convención de Ginebra", "REF1951:33"),
    ("Declaración Americana, artículo XXVII", "ADRDM:XXVII"),
    ("Protocolo n.\u00ba 4, artículo 4", "ECHR-P4:4"),
    ("artículo 1 al Protocolo 1", "ECHR-P1:1"),
    # French
    ("article 5 CEDH", "ECHR:5"),
    ("art. 5 § 1 f) CEDH", "ECHR:5-1-f"),
    ("CEDH art. 5 § 1 al. f", "ECHR:5-1-f"),
    ("art. 5 al. 4 CEDH", "ECHR:5-4"),
    ("article 4 du Protocole n° 4", "ECHR-P4:4"),
    ("article 4 du Protocole n\u00ba 4 à la Convention", "ECHR-P4:4"),
    ("article 1er du Protocole n° 1", "ECHR-P1:1"),
    ("art. 3 de la Convention contre la torture", "CAT:3"),
    ("l'article 3 de la Convention contre la torture", "CAT:3"),
    ("article 33 de la Convention de Genève", "REF1951:33"),
    ("Pacte international relatif aux droits civils et politiques, art. 9", "ICCPR:9"),
    ("CIDE art. 3", "CRC:3"),
    ("article 3-1 de la Convention internationale des droits de l'enfant", "CRC:3-1"),
    ("art. 8 de la Convention européenne des droits de l'homme", "ECHR:8"),
    ("article 12 § 4 de la Charte africaine", "ACHPR:12-4"),
    ("article 19 § 2 de la Charte des droits fondamentaux de l'Union européenne", "EU-CFR:19-2"),
]


@pytest.mark.parametrize(("text", "key"), SPELLINGS)
def test_parse_provision_real_world_spellings(text: str, key: str) -> None:
    ref = parse_provision(text)
    assert ref.key == key
    assert parse_key(ref.key) == ref


def test_spelling_table_is_large_and_distinct() -> None:
    assert len(SPELLINGS) >= 60
    assert len({text for text, _ in SPELLINGS}) == len(SPELLINGS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("ECHR", "no article"),
        ("the Refugee Convention", "no article"),
        ("Article 5", "no known instrument"),
        ("art. 5(1)(f)", "no known instrument"),
        ("XYZ art 5", "no known instrument"),
        ("asdf qwer", "no known instrument"),
        ("!!! ???", "no known instrument"),
        ("Art. 5 para. 1 (f) of the Convention", "alone does not identify"),
        ("Convention, art. 3", "alone does not identify"),
        ("Covenant art 9", "alone does not identify"),
        ("the Charter, art. 47", "alone does not identify"),
        ("Protocol art. 4", "alone does not identify"),
        ("Optional Protocol to the CRC art. 6", "alone does not identify"),
        ("Dublin Regulation art. 3(2)", "alone does not identify"),
        ("General Comment No. 31, para. 12", "alone does not identify"),
        ("Protocol No. 4 to the Covenant, art. 2", "does not fit"),
        ("ECHR art. 6, 7", "several provisions"),
        ("ECHR arts. 6 and 7", "several provisions"),
        ("ECHR art. 14 with art. 8", "several provisions"),
        ("ECHR art. 3 CAT", "several instruments"),
        ("ECHR art. 5 and ACHR art. 7", "several instruments"),
        ("ECHR art. 0", "starts at 1"),
        ("ECHR art. 123456", "too long"),
        ("ECHR art. banana", "not an article number"),
        ("ECHR art. IIII", "not an article number"),
        ("ECHR art. 5(1)(ff)", "could not understand"),
        ("ECHR art. 5(1)(f)(2)(a)(3)(b)(4)", "too many subdivisions"),
        ("ECHR art. 5 \u00bf6?", "could not understand"),
        ("ECHR art. 3 \U0001f600", "could not understand"),
        ("HRC GC 31 paras. 3-5", "range"),
        ("x" * 600, "too long"),
    ],
)
def test_parse_provision_rejects(text: str, message: str) -> None:
    with pytest.raises(ProvisionParseError, match=re.escape(message)):
        parse_provision(text)


def test_error_quotes_the_input() -> None:
    with pytest.raises(ProvisionParseError) as info:
        parse_provision("Covenant art 9")
    assert "'Covenant art 9'" in str(info.value)
    assert "ICCPR" in str(info.value)


def test_every_builtin_alias_names_its_instrument_before_or_after_the_article() -> None:
    for alias, instrument_id in INSTRUMENT_ALIASES.items():
        assert parse_provision(f"{alias} art. 5(1)").key == f"{instrument_id}:5-1", alias
        assert parse_provision(f"art. 5(1) {alias}").key == f"{instrument_id}:5-1", alias


def test_every_id_used_as_a_target_is_an_alias_of_itself() -> None:
    for instrument_id in set(INSTRUMENT_ALIASES.values()):
        assert INSTRUMENT_ALIASES[instrument_id] == instrument_id


def test_alias_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        INSTRUMENT_ALIASES["Foo"] = "FOO"  # type: ignore[index]


def test_known_instruments_add_aliases_and_override_builtin_ones() -> None:
    extra = {"EConvHR": "ECHR", "Charter": "CA-CHARTER", "CRC-OPAC-X": "CRC-OPAC"}
    assert parse_provision("EConvHR art 3", extra).key == "ECHR:3"
    assert parse_provision("Charter s. 7", extra).key == "CA-CHARTER:section-7"
    assert parse_provision("CRC-OPAC-X art. 2", extra).key == "CRC-OPAC:2"
    # Longer built-in names still win over the short database code.
    assert parse_provision("EU Charter art. 47", extra).key == "EU-CFR:47"
    with pytest.raises(ProvisionParseError, match="alone does not identify"):
        parse_provision("Charter s. 7")


def test_known_instruments_that_embed_an_article_are_ignored() -> None:
    # Optional-clause short codes from the database: typed, they cite the treaty article.
    extra = {"CAT art. 22": "CAT-ART22", "Art. 34(6) declaration": "ACHPR-ART34-6"}
    assert parse_provision("CAT art. 22", extra).key == "CAT:22"


def test_known_instruments_with_a_malformed_id_raise_parse_error() -> None:
    with pytest.raises(ProvisionParseError, match="not an instrument id"):
        parse_provision("Foo Treaty art. 1", {"Foo Treaty": "foo treaty"})


# --------------------------------------------------------------------------- keys and labels


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("5-1-f", "Art. 5(1)(f)"),
        ("22-8", "Art. 22(8)"),
        ("4", "Art. 4"),
        ("I-1", "Art. I(1)"),
        ("XXVII", "Art. XXVII"),
        ("1A-2", "Art. 1A(2)"),
        ("5-d-ii", "Art. 5(d)(ii)"),
        ("E", "Art. E"),
        ("para-12", "Para. 12"),
        ("principle-16-2", "Principle 16(2)"),
        ("objective-21", "Objective 21"),
        ("objective-21-para-37", "Objective 21, para. 37"),
        ("objective-13-para-29-h", "Objective 13, para. 29(h)"),
        ("guideline-1", "Guideline 1"),
        ("section-198A", "s. 198A"),
        ("rule-43", "Rule 43"),
    ],
)
def test_label_for(path: str, label: str) -> None:
    assert label_for(path) == label
    assert canonical_path(path) == path
    assert ProvisionRef("X", path).label == label


@pytest.mark.parametrize(
    "path",
    [
        "",
        "5-",
        "-5",
        "05",
        "0",
        "5--1",
        "5-1-F",
        "5-ff",
        "5-vv",
        "IIII",
        "ab",
        "para",
        "para-0",
        "5-para-3",
        "para-3-para-4",
        "5(1)",
        "5 1",
        "5-1-2-3-4-5-6-7",
        "123456",
        "P1-1",
    ],
)
def test_label_for_rejects_non_canonical_paths(path: str) -> None:
    with pytest.raises(ProvisionParseError):
        label_for(path)


def test_provision_ref_key_label_and_validation() -> None:
    ref = ProvisionRef("ECHR", "5-1-f")
    assert ref.key == "ECHR:5-1-f"
    assert ref.label == "Art. 5(1)(f)"
    assert parse_key("ECHR:5-1-f") == ref
    assert parse_key("HRC-GC31:para-12") == ProvisionRef("HRC-GC31", "para-12")
    assert parse_key("IACHR-RES-04-19:principle-3").instrument_id == "IACHR-RES-04-19"
    with pytest.raises(ProvisionParseError):
        ProvisionRef("ECHR", "5(1)(f)")
    with pytest.raises(ProvisionParseError):
        ProvisionRef("echr", "5")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "ECHR",
        "ECHR:",
        ":5",
        "ECHR 5",
        "ECHR:5(1)",
        "echr:5",
        " ECHR:5",
        "ECHR:5 ",
        "ECHR::5",
        "ECHR:5:1",
        "EC HR:5",
        "ECHR-:5",
        "ECHR:art-5",
    ],
)
def test_parse_key_is_strict(key: str) -> None:
    with pytest.raises(ProvisionParseError):
        parse_key(key)


# --------------------------------------------------------------------------- canonical_path

CANONICAL: list[tuple[str, str]] = [
    # the documented examples
    ("5(1)(f)", "5-1-f"),
    ("5 § 1 (f)", "5-1-f"),
    ("5-1-f", "5-1-f"),
    ("5.1.f", "5-1-f"),
    ("22.8", "22-8"),
    ("22(8)", "22-8"),
    ("33(1)", "33-1"),
    ("I(1)", "I-1"),
    ("para. 12", "para-12"),
    # article words and subdivision markers in three languages
    ("Art. 5 para. 1 (f)", "5-1-f"),
    ("Article 5, paragraph 1, sub-paragraph (f)", "5-1-f"),
    ("art. 5 § 1 f)", "5-1-f"),
    ("art. 5 § 1, al. f", "5-1-f"),
    ("article 5 § 1 alinéa f", "5-1-f"),
    ("artículo 22 párrafo 8", "22-8"),
    ("art. 7 inciso 5", "7-5"),
    ("art. 7 numeral 5", "7-5"),
    ("art. 5 lit. f", "5-f"),
    ("Arts. 5", "5"),
    ("art.5", "5"),
    ("art5", "5"),
    ("5(1) f", "5-1-f"),
    ("5 (1) (f)", "5-1-f"),
    ("5(1)(f).", "5-1-f"),
    ("  5(1)(f)  ", "5-1-f"),
    ("(5)", "5"),
    ("art. 1er", "1"),
    ("article 1\u00b0", "1"),
    ("artículo 1\u00ba", "1"),
    # article numbers
    ("XXVII", "XXVII"),
    ("xxvii", "XXVII"),
    ("art. I(1)", "I-1"),
    ("III(5)", "III-5"),
    ("1A(2)", "1A-2"),
    ("1a(2)", "1A-2"),
    ("E", "E"),
    ("007", "7"),
    ("5(d)(ii)", "5-d-ii"),
    ("5 (e) (iv)", "5-e-iv"),
    ("36(1)(b)", "36-1-b"),
    ("24(1)(a)", "24-1-a"),
    # designators
    ("para 12", "para-12"),
    ("paragraph 12", "para-12"),
    ("párr. 12", "para-12"),
    ("\u00b6 12", "para-12"),
    ("paras. 12", "para-12"),
    ("Principle 16(2)", "principle-16-2"),
    ("principio 16.2", "principle-16-2"),
    ("Objective 21 (para. 37)", "objective-21-para-37"),
    ("Objective 13 (para. 29(h))", "objective-13-para-29-h"),
    ("Objective 21, para. 37", "objective-21-para-37"),
    ("objectif 21", "objective-21"),
    ("objetivo 21", "objective-21"),
    ("Guideline 1", "guideline-1"),
    ("Rule 43", "rule-43"),
    ("s 7", "section-7"),
    ("s. 198A", "section-198A"),
    ("section 7", "section-7"),
    # trailing notes in brackets are not part of the reference
    ("s 10 (dignity)", "section-10"),
    ("I (art. 33)", "I"),
    ("21 (with Citizenship Act 1955, s. 5)", "21"),
    ("5(1)(f) [check]", "5-1-f"),
    # canonical paths are fixed points
    ("objective-21-para-37", "objective-21-para-37"),
    ("section-198A", "section-198A"),
    ("1-3", "1-3"),
]


@pytest.mark.parametrize(("article", "path"), CANONICAL)
def test_canonical_path(article: str, path: str) -> None:
    assert canonical_path(article) == path
    assert canonical_path(path) == path
    assert parse_key(f"ECHR:{path}").path == path


@pytest.mark.parametrize(
    "article",
    [
        "",
        "   ",
        "art.",
        "whole",
        "general",
        "6, 7",
        "6 and 7",
        "5, 12(3)",
        "arts. 1-3",
        "paras. 39-48",
        "13(3)-(4)",
        "14th Amendment",
        "P1-1",
        "ECHR 5",
        "5 6",
        "5(1)(ff)",
        "0",
        "123456",
        "IIII",
        "5(",
        "5)",
        "(5",
        "Ch. V, Reg. 33",
        "Part III",
        "para.",
        "5 §",
        "Objective",
        "5(1)(f)(2)(a)(3)(b)(4)",
        "art. 5 § 1 a",
    ],
)
def test_canonical_path_rejects(article: str) -> None:
    with pytest.raises(ProvisionParseError):
        canonical_path(article)


# --------------------------------------------------------------------------- split_articles

# One row per distinct form of the `article` strings in rights.yaml (numbers aside), plus the
# forms in cases.yaml and a few typed ones. Each item is paired with its canonical path, or None
# where the item is not a single provision reference (canonical_path raises).
P = tuple[str, str | None]
SPLITS: list[tuple[str, list[P]]] = [
    ("3", [("3", "3")]),
    ("22(8)", [("22(8)", "22-8")]),
    ("7(1)(a)", [("7(1)(a)", "7-1-a")]),
    ("36(1)(b)", [("36(1)(b)", "36-1-b")]),
    ("14(1)(c)", [("14(1)(c)", "14-1-c")]),
    ("43(1)(d)", [("43(1)(d)", "43-1-d")]),
    ("4(2)(g)", [("4(2)(g)", "4-2-g")]),
    ("4(2)(k)", [("4(2)(k)", "4-2-k")]),
    ("5(a)", [("5(a)", "5-a")]),
    ("37(b)", [("37(b)", "37-b")]),
    ("37(d)", [("37(d)", "37-d")]),
    ("3(e)", [("3(e)", "3-e")]),
    ("5(d)(i)", [("5(d)(i)", "5-d-i")]),
    ("5(d)(ii)", [("5(d)(ii)", "5-d-ii")]),
    ("5(d)(iii)", [("5(d)(iii)", "5-d-iii")]),
    ("5(e)(iv)", [("5(e)(iv)", "5-e-iv")]),
    ("5(e)(v)", [("5(e)(v)", "5-e-v")]),
    ("1A(2)", [("1A(2)", "1A-2")]),
    ("1A(2), 35", [("1A(2)", "1A-2"), ("35", "35")]),
    ("6, 7", [("6", "6"), ("7", "7")]),
    ("5, 12(3)", [("5", "5"), ("12(3)", "12-3")]),
    ("3(b), 4", [("3(b)", "3-b"), ("4", "4")]),
    ("3(b), 4, 14", [("3(b)", "3-b"), ("4", "4"), ("14", "14")]),
    ("22(6), 8", [("22(6)", "22-6"), ("8", "8")]),
    ("12(1), 12(3)", [("12(1)", "12-1"), ("12(3)", "12-3")]),
    ("37(a), 37(c)", [("37(a)", "37-a"), ("37(c)", "37-c")]),
    ("6, 7(1)(a)", [("6", "6"), ("7(1)(a)", "7-1-a")]),
    ("23, 24(1)(b)", [("23", "23"), ("24(1)(b)", "24-1-b")]),
    ("5(1)(b), 5(4)", [("5(1)(b)", "5-1-b"), ("5(4)", "5-4")]),
    ("5(1)(f), 5(2)", [("5(1)(f)", "5-1-f"), ("5(2)", "5-2")]),
    ("5(1)(g), 9", [("5(1)(g)", "5-1-g"), ("9", "9")]),
    ("4(2)(k), 11(3)", [("4(2)(k)", "4-2-k"), ("11(3)", "11-3")]),
    ("43(1)(e), 45(1)(c)", [("43(1)(e)", "43-1-e"), ("45(1)(c)", "45-1-c")]),
    ("9(2)(f), 10(1)(d)", [("9(2)(f)", "9-2-f"), ("10(1)(d)", "10-1-d")]),
    ("1(1), 20(1), 3", [("1(1)", "1-1"), ("20(1)", "20-1"), ("3", "3")]),
    ("1(1), 24, 26", [("1(1)", "1-1"), ("24", "24"), ("26", "26")]),
    ("6, 22, 37", [("6", "6"), ("22", "22"), ("37", "37")]),
    ("33, 35, 38, 39", [("33", "33"), ("35", "35"), ("38", "38"), ("39", "39")]),
    ("3, 4, 9, 11, 13", [(n, n) for n in ("3", "4", "9", "11", "13")]),
    ("4, 10, 12, 13, 14, 26", [(n, n) for n in ("4", "10", "12", "13", "14", "26")]),
    ("3, 5(1), 5(4), 8", [("3", "3"), ("5(1)", "5-1"), ("5(4)", "5-4"), ("8", "8")]),
    (
        "17, 18, 19, 24(1)(a)",
        [("17", "17"), ("18", "18"), ("19", "19"), ("24(1)(a)", "24-1-a")],
    ),
    (
        "3, 8, 12, 18(2), 20, 22",
        [("3", "3"), ("8", "8"), ("12", "12"), ("18(2)", "18-2"), ("20", "20"), ("22", "22")],
    ),
    (
        "5, 9(2)(a), 13, 14(1)(b)",
        [("5", "5"), ("9(2)(a)", "9-2-a"), ("13", "13"), ("14(1)(b)", "14-1-b")],
    ),
    # "with" (read together) and ";" separate provisions too
    ("14 with 8", [("14", "14"), ("8", "8")]),
    ("1(1) with 20(1)", [("1(1)", "1-1"), ("20(1)", "20-1")]),
    ("14 with P1-1", [("14", "14"), ("P1-1", None)]),
    ("10(2), 17; 14 with 3", [("10(2)", "10-2"), ("17", "17"), ("14", "14"), ("3", "3")]),
    # ranges
    ("19-23", [(str(n), str(n)) for n in range(19, 24)]),
    ("26-28", [("26", "26"), ("27", "27"), ("28", "28")]),
    ("1-3, 24, 30", [("1", "1"), ("2", "2"), ("3", "3"), ("24", "24"), ("30", "30")]),
    ("1-4, 8, 9", [(str(n), str(n)) for n in (1, 2, 3, 4, 8, 9)]),
    (
        "4, 5(5), 10-12, 17",
        [("4", "4"), ("5(5)", "5-5"), ("10", "10"), ("11", "11"), ("12", "12"), ("17", "17")],
    ),
    (
        "10, 12, 14-17, 19-23, 31",
        [(str(n), str(n)) for n in (10, 12, 14, 15, 16, 17, 19, 20, 21, 22, 23, 31)],
    ),
    ("13(3)-(4)", [("13(3)", "13-3"), ("13(4)", "13-4")]),
    ("22(2)-(9)", [(f"22({n})", f"22-{n}") for n in range(2, 10)]),
    ("1(1)-(3), 5", [("1(1)", "1-1"), ("1(2)", "1-2"), ("1(3)", "1-3"), ("5", "5")]),
    ("22(1), 22(3)-(4)", [("22(1)", "22-1"), ("22(3)", "22-3"), ("22(4)", "22-4")]),
    ("6(g)-(h)", [("6(g)", "6-g"), ("6(h)", "6-h")]),
    ("8(1)(a)-(b)", [("8(1)(a)", "8-1-a"), ("8(1)(b)", "8-1-b")]),
    (
        "5(2)(b)-(c), 8(1)(b)",
        [("5(2)(b)", "5-2-b"), ("5(2)(c)", "5-2-c"), ("8(1)(b)", "8-1-b")],
    ),
    ("5(d)(i)-(iii)", [("5(d)(i)", "5-d-i"), ("5(d)(ii)", "5-d-ii"), ("5(d)(iii)", "5-d-iii")]),
    # roman article numbers
    ("I", [("I", "I")]),
    ("I(1)", [("I(1)", "I-1")]),
    ("II", [("II", "II")]),
    ("II(3)", [("II(3)", "II-3")]),
    ("III", [("III", "III")]),
    ("III(5)", [("III(5)", "III-5")]),
    ("V", [("V", "V")]),
    ("V, VI", [("V", "V"), ("VI", "VI")]),
    ("VIII", [("VIII", "VIII")]),
    ("XI", [("XI", "XI")]),
    ("XII", [("XII", "XII")]),
    ("XIV", [("XIV", "XIV")]),
    ("XIX", [("XIX", "XIX")]),
    ("XVI", [("XVI", "XVI")]),
    ("XVII", [("XVII", "XVII")]),
    ("XVIII", [("XVIII", "XVIII")]),
    ("XXIII", [("XXIII", "XXIII")]),
    ("XXV", [("XXV", "XXV")]),
    ("XXVII", [("XXVII", "XXVII")]),
    ("E", [("E", "E")]),
    # paragraphs, objectives, principles, guidelines, sections
    ("para. 12", [("para. 12", "para-12")]),
    ("paras. 9-10", [("para. 9", "para-9"), ("para. 10", "para-10")]),
    ("paras. 39-48", [(f"para. {n}", f"para-{n}") for n in range(39, 49)]),
    (
        "paras. 189-205 (procedures) [from memory]",
        [(f"para. {n}", f"para-{n}") for n in range(189, 206)],
    ),
    ("Objective 21", [("Objective 21", "objective-21")]),
    ("Objective 21 (para. 37)", [("Objective 21 (para. 37)", "objective-21-para-37")]),
    ("Objective 13 (para. 29(h))", [("Objective 13 (para. 29(h))", "objective-13-para-29-h")]),
    ("Objectives 2 and 5", [("Objective 2", "objective-2"), ("Objective 5", "objective-5")]),
    ("Objectives 9, 10", [("Objective 9", "objective-9"), ("Objective 10", "objective-10")]),
    ("Principle 6", [("Principle 6", "principle-6")]),
    ("Principle 16(2)", [("Principle 16(2)", "principle-16-2")]),
    (
        "Principles 4, 5, 6",
        [(f"Principle {n}", f"principle-{n}") for n in (4, 5, 6)],
    ),
    ("Guideline 1-4", [(f"Guideline {n}", f"guideline-{n}") for n in range(1, 5)]),
    ("s 7", [("s 7", "section-7")]),
    ("s 10 (dignity)", [("s 10 (dignity)", "section-10")]),
    ("s 198A (as then in force)", [("s 198A (as then in force)", "section-198A")]),
    ("ss 10, 29", [("s 10", "section-10"), ("s 29", "section-29")]),
    (
        "ss. 6, 6A (guardianship; consent to removal) [sections from memory]",
        [
            ("s. 6", "section-6"),
            ("s. 6A (guardianship; consent to removal) [sections from memory]", "section-6A"),
        ],
    ),
    ("21 (with Citizenship Act 1955, s. 5)", [("21 (with Citizenship Act 1955, s. 5)", "21")]),
    # not provision lists: kept whole (one item per ";" group) and rejected by canonical_path
    ("whole", [("whole", None)]),
    ("whole (migrant domestic workers)", [("whole (migrant domestic workers)", None)]),
    (
        "whole (incl. para. 31 on age assessment)",
        [("whole (incl. para. 31 on age assessment)", None)],
    ),
    ("general", [("general", None)]),
    ("dignity principle", [("dignity principle", None)]),
    ("expulsion section", [("expulsion section", None)]),
    ("age-assessment paragraphs", [("age-assessment paragraphs", None)]),
    ("Part III", [("Part III", None)]),
    ("Chapter III", [("Chapter III", None)]),
    ("Ch. V, Reg. 33", [("Ch. V, Reg. 33", None)]),
    ("Final Act, Recommendation B", [("Final Act, Recommendation B", None)]),
    ("Preamble 1946, para. 4", [("Preamble 1946, para. 4", None)]),
    (
        "Annex, paras. 2.1.10, 3.1.9 (as amended 2004)",
        [("Annex, paras. 2.1.10, 3.1.9 (as amended 2004)", None)],
    ),
    ("Principles and Guidelines (various)", [("Principles and Guidelines (various)", None)]),
    (
        "border-control principles (numbers not verified)",
        [("border-control principles (numbers not verified)", None)],
    ),
    (
        "principle on collective expulsion (number not verified)",
        [("principle on collective expulsion (number not verified)", None)],
    ),
    (
        "principle on non-refoulement (number not verified)",
        [("principle on non-refoulement (number not verified)", None)],
    ),
    (
        "principles on asylum (numbers not verified)",
        [("principles on asylum (numbers not verified)", None)],
    ),
    (
        "principles on children (numbers not verified)",
        [("principles on children (numbers not verified)", None)],
    ),
    (
        "principles on detention (numbers not verified)",
        [("principles on detention (numbers not verified)", None)],
    ),
    ("14th Amendment", [("14th Amendment", None)]),
    ("5th Amendment (Due Process)", [("5th Amendment (Due Process)", None)]),
    ("14th Amendment (Equal Protection)", [("14th Amendment (Equal Protection)", None)]),
    (
        "8 U.S.C. 1101(a)(42), 1158 (well-founded fear)",
        [("8 U.S.C. 1101(a)(42), 1158 (well-founded fear)", None)],
    ),
    (
        "8 U.S.C. 1231(b)(3) (withholding); FARRA 1998 s. 2242 (CAT)",
        [("8 U.S.C. 1231(b)(3) (withholding)", None), ("FARRA 1998 s. 2242 (CAT)", None)],
    ),
    # forms from cases.yaml and typed lists
    ("I (art. 33)", [("I (art. 33)", "I")]),
    ("241(b)(3); FARRA s. 2242", [("241(b)(3)", "241-b-3"), ("FARRA s. 2242", None)]),
    ("101(a)(42), 208, 243(h)", [("101(a)(42)", "101-a-42"), ("208", "208"), ("243(h)", "243-h")]),
    ("Arts. 6 and 7", [("6", "6"), ("7", "7")]),
    ("arts 2\u20134", [("2", "2"), ("3", "3"), ("4", "4")]),
    ("5-1-f", [("5-1-f", "5-1-f")]),
    ("5-1", [("5-1", "5-1")]),
    ("", []),
    ("  ;  ", []),
]


@pytest.mark.parametrize(("article", "expected"), SPLITS)
def test_split_articles(article: str, expected: list[P]) -> None:
    items = split_articles(article)
    assert items == [item for item, _ in expected]
    for item, path in expected:
        if path is None:
            with pytest.raises(ProvisionParseError):
                canonical_path(item)
        else:
            assert canonical_path(item) == path


@pytest.mark.parametrize("article", ["13(4)-(3)", "6(h)-(g)", "1-500", "paras. 1-1000"])
def test_split_articles_rejects_unusable_ranges(article: str) -> None:
    with pytest.raises(ProvisionParseError, match="range"):
        split_articles(article)


def _form(article: str) -> str:
    """An article string's form: numbers do not matter ("5(1), 7" and "9(2), 4" share one)."""
    return re.sub(r"[0-9]+", "9", article)


def _load(name: str) -> Any:
    with (SHARED_REFERENCE / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_reference_data_every_article_form_is_covered_and_parses() -> None:
    if not (SHARED_REFERENCE / "rights.yaml").is_file():
        pytest.skip(f"shared reference data not present at {SHARED_REFERENCE} (build machine only)")
    rows = [row for right in _load("rights.yaml")["rights"] for row in right["concordance"]]
    tabled = {_form(article): expected for article, expected in SPLITS}
    assert len(rows) > 600
    for row in rows:
        article, instrument_id = row["article"], row["instrument"]
        # Every form in the data has a row in SPLITS above, and behaves like it.
        assert _form(article) in tabled, article
        paths = [_path_or_none(item) for item in split_articles(article)]
        assert {p is None for p in paths} == {p is None for _, p in tabled[_form(article)]}
        for item, path in zip(split_articles(article), paths, strict=True):
            if path is not None:
                ref = parse_provision(f"{instrument_id} {item}")
                assert ref == ProvisionRef(instrument_id, path), (instrument_id, item)
    # Every id and short code in instruments.yaml resolves to its instrument, except the
    # optional-clause declarations (their codes cite a treaty article) and CA-CHARTER's bare
    # "Charter", which is deliberately ambiguous.
    instruments = _load("instruments.yaml")["instruments"]
    instruments += _load("ratifications/instruments_extra.yaml")["instruments"]
    for inst in instruments:
        if inst["type"] == "optional_clause":
            continue
        codes = {inst["id"], str(inst.get("short_code") or inst["id"])} - {"Charter"}
        for code in codes:
            assert parse_provision(f"{code} art. 1").instrument_id == inst["id"], code


def _path_or_none(item: str) -> str | None:
    try:
        return canonical_path(item)
    except ProvisionParseError:
        return None


# --------------------------------------------------------------------------- properties

_ALIAS_ITEMS = sorted(INSTRUMENT_ALIASES.items())
_SUBS = st.one_of(
    st.integers(1, 40).map(str), st.sampled_from("abcdefgh"), st.sampled_from(["ii", "iii", "iv"])
)


@st.composite
def _typed_references(draw: st.DrawFn) -> tuple[str, ProvisionRef]:
    """A provision typed in one of the usual styles, with the reference it must parse to."""
    alias, instrument_id = draw(st.sampled_from(_ALIAS_ITEMS))
    head = draw(st.one_of(st.integers(1, 400).map(str), st.sampled_from(["I", "IV", "XXVII"])))
    subs = draw(st.lists(_SUBS, max_size=3))
    style = draw(st.sampled_from(["parens", "section", "dotted", "dashed", "paragraph", "fr"]))
    if style == "parens" or not subs:
        article = head + "".join(f"({s})" for s in subs)
    elif style == "section":
        article = f"{head} § {subs[0]}" + "".join(f" ({s})" for s in subs[1:])
    elif style == "dotted":
        article = ".".join([head, *subs])
    elif style == "dashed":
        article = "-".join([head, *subs])
    elif style == "paragraph":
        article = f"{head}, paragraph {subs[0]}" + "".join(f"({s})" for s in subs[1:])
    else:
        article = f"{head} § {subs[0]}" + "".join(f" {s})" for s in subs[1:])
    word = draw(st.sampled_from(["", "art. ", "Art ", "Article ", "artículo ", "article "]))
    if draw(st.booleans()):
        text = f"{alias}{draw(st.sampled_from([' ', ', ']))}{word}{article}"
    else:
        joiner = draw(st.sampled_from([" ", " of the ", " de la ", " du ", ", "]))
        text = f"{word}{article}{joiner}{alias}"
    return text, ProvisionRef(instrument_id, "-".join([head, *subs]))


@PROPERTY
@given(_typed_references())
def test_property_typed_references_parse_to_their_reference(case: tuple[str, ProvisionRef]) -> None:
    text, expected = case
    ref = parse_provision(text)
    assert ref == expected
    assert parse_key(ref.key) == ref
    assert canonical_path(ref.path) == ref.path


_NOISE = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                "ECHR",
                "art.",
                "Article",
                "5",
                "(1)",
                "(f)",
                "§",
                "1",
                "para.",
                "Protocol",
                "No.",
                "4",
                "CADH",
                "de la",
                "Convention",
                "XXVII",
                "-",
                ".",
                ",",
                "I",
                "s",
                "Objective",
                "(para. 37)",
                "of the",
                "and",
                "P4-4",
                "\u00e9",
                "n\u00b0",
                "CAT",
                "Charter",
                "EU",
            ]
        ),
        max_size=8,
    ).map(" ".join),
)


@PROPERTY
@given(_NOISE, st.sampled_from([None, {"Foo Treaty": "FOO"}, {"Charter": "CA-CHARTER"}]))
def test_property_parse_provision_returns_a_ref_or_raises_parse_error(
    text: str, extra: dict[str, str] | None
) -> None:
    try:
        ref = parse_provision(text, extra)
    except ProvisionParseError:
        return
    assert isinstance(ref, ProvisionRef)
    assert parse_key(ref.key) == ref
    assert label_for(ref.path) == ref.label


@PROPERTY
@given(_NOISE)
def test_property_canonical_path_is_idempotent_or_raises(text: str) -> None:
    try:
        path = canonical_path(text)
    except ProvisionParseError:
        return
    assert canonical_path(path) == path
    assert label_for(path)


@PROPERTY
@given(_NOISE)
def test_property_split_articles_returns_items_or_raises(text: str) -> None:
    try:
        items = split_articles(text)
    except ProvisionParseError:
        return
    assert all(isinstance(item, str) and item and item == item.strip() for item in items)


@PROPERTY
@given(st.text(max_size=30))
def test_property_parse_key_accepts_only_canonical_keys(key: str) -> None:
    try:
        ref = parse_key(key)
    except ProvisionParseError:
        return
    assert ref.key == key
