"""Citation extraction: real citations parse to their stored identifiers; nothing else does."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cases.citation_extraction import (
    ExtractedCitation,
    IdentifierKind,
    extract_citations,
    normalise_application_number,
)

K = IdentifierKind

# Forum ids of forums.yaml; every hint must be one of them.
FORUM_IDS = frozenset(
    {
        *("ICJ", "HRCTTEE", "CAT-C", "CRC-C", "CESCR", "CERD-C", "CEDAW-C", "CMW-C", "CRPD-C"),
        *("CED-C", "WGAD", "ILO-CEACR", "ILO-CFA", "UNHCR", "ECTHR", "ECSR", "GRETA", "CPT"),
        *("COE-CM", "SPT", "CJEU", "IACHR", "IACTHR", "ACHPR-COMM", "AFCHPR", "ACERWC"),
        *("ECOWAS-CCJ", "EACJ", "CCJ", "ARAB-HRC", "AICHR", "US-SCOTUS", "US-CADC", "GB-UKSC"),
        *("GB-UKHL", "CA-SCC", "CO-CC", "MX-SCJN", "ZA-CC", "ZA-SCA", "IN-SC", "DE-BVERFG"),
        *("FR-CE", "FR-CC", "IT-CC", "AU-HCA", "KE-HC", "KE-CA", "KE-SC", "NZ-SC", "BR-STF"),
        *("AR-CSJN", "DO-TC", "ES-TC"),
    }
)

# Sentences built around the citations of cases.yaml and citation_formats.yaml.
S_SOERING = (
    "The Court in Soering v. the United Kingdom, no. 14038/88, 7 July 1989, Series A no. 161, "
    "first held that extradition may engage Article 3."
)
S_CHAHAL = (
    "See Chahal v. the United Kingdom [GC], no. 22414/93, 15 November 1996, "
    "Reports of Judgments and Decisions 1996-V."
)
S_SAADI = (
    "Saadi v. the United Kingdom [GC], no. 13229/03, ECHR 2008, concerned detention on arrival."
)
S_RANTSEV = "Trafficking engages Article 4: Rantsev v. Cyprus and Russia, no. 25965/04, ECHR 2010."
S_MSS = "M.S.S. v. Belgium and Greece [GC], no. 30696/09, ECHR 2011, condemned transfers to Greece."
S_HIRSI = (
    "The applicants rely on Hirsi Jamaa and Others v. Italy [GC], no. 27765/09, § 74, ECHR 2012."
)
S_POPOV = "Children were detained in Popov v. France, nos. 39472/07 and 39474/07, 19 January 2012."
S_TARAKHEL = (
    "Tarakhel v. Switzerland [GC], no. 29217/12, ECHR 2014 (extracts), requires guarantees."
)
S_KHLAIFIA = (
    "In Khlaifia and Others v. Italy [GC], no. 16483/12, 15 December 2016, the Court split."
)
S_PAPOSHVILI = (
    "Paposhvili v. Belgium [GC] (application no. 41738/10) lowered the medical threshold."
)
S_ILIAS = "The transit-zone case, Ilias and Ahmed v. Hungary [GC], app. no. 47287/15, is in point."
S_NDNT = (
    "Summary returns at Melilla were examined in N.D. and N.T. v. Spain [GC], "
    "nos. 8675/15 and 8697/15, 13 February 2020."
)
S_MK = "M.K. and Others v. Poland, nos. 40503/17, 42902/17 and 43643/17, 23 July 2020, is relevant."
S_ECLI_ECHR = "Its ECLI is ECLI:CE:ECHR:2019:1121JUD004728715, as listed in HUDOC."
S_ECLI_FMS = "FMS and Others, ECLI:EU:C:2020:367, treated the Roszke zone as detention."
S_ECLI_BVERFG = "The benefit levels fell (ECLI:DE:BVerfG:2012:ls20120718.1bvl001010) in 2012."
S_ECLI_CALAIS = "The Calais order is ECLI:FR:CEORD:2015:394540.20151123."
S_ECLI_COST = "Corte costituzionale, ECLI:IT:COST:2010:249, on the aggravating circumstance."
S_NS = (
    "Joined Cases C-411/10 and C-493/10 N.S. and M.E. [2011] ECR I-13905, "
    "ECLI:EU:C:2011:865, bars transfers where systemic flaws exist."
)
S_EL_DRIDI = "Case C-61/11 PPU El Dridi [2011] ECR I-3015 barred imprisonment for irregular stay."
S_ABDIDA = "Case C-562/13 Abdida, EU:C:2014:2453, required a suspensive remedy."
S_FMS = "Joined Cases C-924/19 PPU and C-925/19 PPU FMS and Others, EU:C:2020:367"
S_COMMISSION_HU = (
    "In Case C-808/18 Commission v Hungary, EU:C:2020:1029, the Court found a failure."
)
S_NF = "The General Court declined jurisdiction in Case T-192/16 NF v European Council."
S_OC16 = "Advisory Opinion OC-16/99 of 1 October 1999, Series A No. 16, on consular assistance."
S_OC18 = "Advisory Opinion OC-18/03 of 17 September 2003, Series A No. 18"
S_VELEZ = (
    "Case of Vélez Loor v. Panama, Preliminary Objections, Merits, Reparations and Costs, "
    "Judgment of 23 November 2010, Series C No. 218."
)
S_DORZEMA = (
    "Nadege Dorzema et al. v. Dominican Republic, Judgment of 24 October 2012, Series C No. 251"
)
S_PACHECO = "Case of the Pacheco Tineo Family v. Plurinational State of Bolivia, Series C No. 272"
S_OC21 = "Advisory Opinion OC-21/14 of 19 August 2014, Series A No. 21, on migrant children."
S_EXPELLED = "Expelled Dominicans and Haitians v. Dominican Republic (2014), Series C No. 282."
S_OC25 = "Advisory Opinion OC-25/18 of 30 May 2018, Series A No. 25."
S_HAITIAN = (
    "The Haitian Centre for Human Rights et al. v. United States, Case 10.675, Report No. 51/96, "
    "Inter-Am. C.H.R., OEA/Ser.L/V/II.95 Doc. 7 rev. at 550 (1997)."
)
S_A_AUS = (
    "A v. Australia, Communication No. 560/1993, Views adopted 3 April 1997, "
    "UN Doc CCPR/C/59/D/560/1993."
)
S_C_AUS = "C v. Australia, Communication No. 900/1999, UN Doc CCPR/C/76/D/900/1999"
S_FKAG = "F.K.A.G. et al. v. Australia, Communication No. 2094/2011, UN Doc CCPR/C/108/D/2094/2011"
S_TOUSSAINT = "Toussaint v. Canada, Communication No. 2348/2014, UN Doc CCPR/C/123/D/2348/2014"
S_TEITIOTA = "Teitiota v. New Zealand, Communication No. 2728/2016, UN Doc CCPR/C/127/D/2728/2016"
S_ASDI = "A.S., D.I., O.I. and G.D. v. Italy, Communication No. 3042/2017, CCPR/C/130/D/3042/2017"
S_AGIZA = (
    "Agiza v. Sweden, Communication No. 233/2003, Decision of 20 May 2005, "
    "UN Doc CAT/C/34/D/233/2003."
)
S_NBF = "N.B.F. v. Spain, Communication No. 11/2017, Views of 27 September 2018, CRC/C/79/D/11/2017"
S_BEN_DJAZIA = "Ben Djazia and Bellili v. Spain, E/C.12/61/D/5/2015, concerned an eviction."
S_FKAG_ALONE = "In Communication No. 2094/2011 the Committee found the detention arbitrary."
S_RADDHO = (
    "Rencontre Africaine pour la Défense des Droits de l'Homme v. Zambia, Communication 71/92, "
    "(2000) AHRLR 321 (ACHPR 1996)"
)
S_UIDH = "UIDH and Others v. Angola, Communication No. 159/96, concerned mass expulsions."
S_IHRDA = "IHRDA v. Angola, Communication No. 292/04, 43rd Ordinary Session (7-22 May 2008)."
S_FIDH = (
    "FIDH v. France, Collective Complaint No. 14/2003, decision on the merits of "
    "8 September 2004; Committee of Ministers Resolution ResChS(2005)6."
)
S_ANUDO = (
    "Anudo Ochieng Anudo v. United Republic of Tanzania, Application No. 012/2015, "
    "Judgment of 22 March 2018, [2018] AfCHPR 5."
)
S_DIALLO = (
    "Ahmadou Sadio Diallo (Republic of Guinea v. Democratic Republic of the Congo), Merits, "
    "Judgment, I.C.J. Reports 2010, p. 639."
)
S_PLYLER = "Plyler v. Doe, 457 U.S. 202 (1982), protects the schooling of undocumented children."
S_CARDOZA = "INS v. Cardoza-Fonseca, 480 U.S. 421 (1987), set the well-founded fear standard."
S_SALE = "Sale v. Haitian Centers Council, Inc., 509 U.S. 155 (1993)"
S_ZADVYDAS = "Zadvydas v. Davis, 533 U.S. 678 (2001), limits post-removal-order detention."
S_HUISHA = "Huisha-Huisha v. Mayorkas, 27 F.4th 718 (D.C. Cir. 2022)"
S_HUISHA_DOCKET = "The appeal in Huisha-Huisha v. Mayorkas was Docket No. 21-5200."
S_SAADI_UK = (
    "R (Saadi and Others) v. Secretary of State for the Home Department [2002] UKHL 41, "
    "[2002] 1 WLR 3131."
)
S_AAA = (
    "R (on the application of AAA (Syria) and others) v. Secretary of State for the Home "
    "Department [2023] UKSC 42, affirming [2023] EWCA Civ 745."
)
S_SINGH = "Singh v. Minister of Employment and Immigration, [1985] 1 S.C.R. 177"
S_CCR = "Canadian Council for Refugees v. Canada (Citizenship and Immigration), 2023 SCC 17"
S_WATCHENUKA = (
    "Minister of Home Affairs and Others v. Watchenuka and Another [2003] ZASCA 142; "
    "2004 (4) SA 326 (SCA); [2004] 1 All SA 21 (SCA)"
)
S_KITUO = (
    "Kituo Cha Sheria and 8 Others v. Attorney General, Petitions No. 19 and 115 of 2013 "
    "(consolidated) [2013] eKLR"
)
S_KEHC = "The neutral citation is [2013] KEHC 5406 (KLR)."
S_T210 = (
    "Corte Constitucional de Colombia, Sentencia T-210/18, 1 June 2018 "
    "(Expedientes T-6578193 and T-6578985)"
)
S_SU677 = "La Corte Constitucional unificó su jurisprudencia en la Sentencia SU-677/17."
S_T025 = "El estado de cosas inconstitucional se declaró en la Sentencia T-025 de 2004."
S_C577 = "La Corte Constitucional, en la Sentencia C-577/11, exhortó al Congreso."
S_SCJN = "SCJN, Primera Sala, Amparo en Revisión 275/2019, 18 May 2022"
S_BVERFG = (
    "BVerfG, Judgment of the First Senate of 18 July 2012, 1 BvL 10/10, 1 BvL 2/11, "
    "BVerfGE 132, 134"
)
S_M70 = (
    "Plaintiff M70/2011 v. Minister for Immigration and Citizenship [2011] HCA 32; "
    "(2011) 244 CLR 144"
)
S_NZYQ = "NZYQ v. Minister for Immigration [2023] HCA 37 ended indefinite immigration detention."
S_NHRC = (
    "National Human Rights Commission v. State of Arunachal Pradesh, (1996) 1 SCC 742; "
    "AIR 1996 SC 1234; [1996] INSC 36"
)
S_TEITIOTA_NZ = "Teitiota v Chief Executive of MBIE [2015] NZSC 107"
S_MYRIE = "Myrie v Barbados [2013] CCJ 3 (OJ)"

# sentence, matched text, kind, value, forum hint
CITATIONS: list[tuple[str, str, IdentifierKind, str, str | None]] = [
    (S_SOERING, "14038/88", K.application_number, "14038/88", "ECTHR"),
    (S_SOERING, "Series A no. 161", K.series_number, "Series A No. 161", "ECTHR"),
    (S_CHAHAL, "22414/93", K.application_number, "22414/93", "ECTHR"),
    (S_SAADI, "13229/03", K.application_number, "13229/03", "ECTHR"),
    (S_RANTSEV, "25965/04", K.application_number, "25965/04", "ECTHR"),
    (S_MSS, "30696/09", K.application_number, "30696/09", "ECTHR"),
    (S_HIRSI, "27765/09", K.application_number, "27765/09", "ECTHR"),
    (S_POPOV, "39472/07", K.application_number, "39472/07", "ECTHR"),
    (S_POPOV, "39474/07", K.application_number, "39474/07", "ECTHR"),
    (S_TARAKHEL, "29217/12", K.application_number, "29217/12", "ECTHR"),
    (S_KHLAIFIA, "16483/12", K.application_number, "16483/12", "ECTHR"),
    (S_PAPOSHVILI, "41738/10", K.application_number, "41738/10", "ECTHR"),
    (S_ILIAS, "47287/15", K.application_number, "47287/15", "ECTHR"),
    (S_NDNT, "8675/15", K.application_number, "8675/15", "ECTHR"),
    (S_NDNT, "8697/15", K.application_number, "8697/15", "ECTHR"),
    (S_MK, "40503/17", K.application_number, "40503/17", "ECTHR"),
    (S_MK, "42902/17", K.application_number, "42902/17", "ECTHR"),
    (S_MK, "43643/17", K.application_number, "43643/17", "ECTHR"),
    (
        S_ECLI_ECHR,
        "ECLI:CE:ECHR:2019:1121JUD004728715",
        K.ecli,
        "ECLI:CE:ECHR:2019:1121JUD004728715",
        "ECTHR",
    ),
    (S_ECLI_FMS, "ECLI:EU:C:2020:367", K.ecli, "ECLI:EU:C:2020:367", "CJEU"),
    (
        S_ECLI_BVERFG,
        "ECLI:DE:BVerfG:2012:ls20120718.1bvl001010",
        K.ecli,
        "ECLI:DE:BVerfG:2012:ls20120718.1bvl001010",
        "DE-BVERFG",
    ),
    (
        S_ECLI_CALAIS,
        "ECLI:FR:CEORD:2015:394540.20151123",
        K.ecli,
        "ECLI:FR:CEORD:2015:394540.20151123",
        "FR-CE",
    ),
    (S_ECLI_COST, "ECLI:IT:COST:2010:249", K.ecli, "ECLI:IT:COST:2010:249", "IT-CC"),
    (S_NS, "C-411/10", K.cjeu_case_number, "C-411/10", "CJEU"),
    (S_NS, "C-493/10", K.cjeu_case_number, "C-493/10", "CJEU"),
    (S_NS, "[2011] ECR I-13905", K.reporter, "[2011] ECR I-13905", "CJEU"),
    (S_NS, "ECLI:EU:C:2011:865", K.ecli, "ECLI:EU:C:2011:865", "CJEU"),
    (S_EL_DRIDI, "C-61/11 PPU", K.cjeu_case_number, "C-61/11 PPU", "CJEU"),
    (S_EL_DRIDI, "[2011] ECR I-3015", K.reporter, "[2011] ECR I-3015", "CJEU"),
    (S_ABDIDA, "C-562/13", K.cjeu_case_number, "C-562/13", "CJEU"),
    (S_ABDIDA, "EU:C:2014:2453", K.ecli, "ECLI:EU:C:2014:2453", "CJEU"),
    (S_FMS, "C-924/19 PPU", K.cjeu_case_number, "C-924/19 PPU", "CJEU"),
    (S_FMS, "C-925/19 PPU", K.cjeu_case_number, "C-925/19 PPU", "CJEU"),
    (S_FMS, "EU:C:2020:367", K.ecli, "ECLI:EU:C:2020:367", "CJEU"),
    (S_COMMISSION_HU, "C-808/18", K.cjeu_case_number, "C-808/18", "CJEU"),
    (S_COMMISSION_HU, "EU:C:2020:1029", K.ecli, "ECLI:EU:C:2020:1029", "CJEU"),
    (S_NF, "T-192/16", K.cjeu_case_number, "T-192/16", "CJEU"),
    (S_OC16, "OC-16/99", K.advisory_opinion, "OC-16/99", "IACTHR"),
    (S_OC16, "Series A No. 16", K.series_number, "Series A No. 16", "IACTHR"),
    (S_OC18, "OC-18/03", K.advisory_opinion, "OC-18/03", "IACTHR"),
    (S_OC18, "Series A No. 18", K.series_number, "Series A No. 18", "IACTHR"),
    (S_VELEZ, "Series C No. 218", K.series_number, "Series C No. 218", "IACTHR"),
    (S_DORZEMA, "Series C No. 251", K.series_number, "Series C No. 251", "IACTHR"),
    (S_PACHECO, "Series C No. 272", K.series_number, "Series C No. 272", "IACTHR"),
    (S_OC21, "OC-21/14", K.advisory_opinion, "OC-21/14", "IACTHR"),
    (S_OC21, "Series A No. 21", K.series_number, "Series A No. 21", "IACTHR"),
    (S_EXPELLED, "Series C No. 282", K.series_number, "Series C No. 282", "IACTHR"),
    (S_OC25, "OC-25/18", K.advisory_opinion, "OC-25/18", "IACTHR"),
    (S_OC25, "Series A No. 25", K.series_number, "Series A No. 25", "IACTHR"),
    (S_HAITIAN, "10.675", K.docket_number, "10.675", "IACHR"),
    (S_HAITIAN, "51/96", K.docket_number, "51/96", "IACHR"),
    (S_A_AUS, "560/1993", K.communication_number, "560/1993", "HRCTTEE"),
    (S_A_AUS, "CCPR/C/59/D/560/1993", K.un_document_symbol, "CCPR/C/59/D/560/1993", "HRCTTEE"),
    (S_C_AUS, "900/1999", K.communication_number, "900/1999", "HRCTTEE"),
    (S_C_AUS, "CCPR/C/76/D/900/1999", K.un_document_symbol, "CCPR/C/76/D/900/1999", "HRCTTEE"),
    (S_FKAG, "2094/2011", K.communication_number, "2094/2011", "HRCTTEE"),
    (
        S_FKAG,
        "CCPR/C/108/D/2094/2011",
        K.un_document_symbol,
        "CCPR/C/108/D/2094/2011",
        "HRCTTEE",
    ),
    (S_TOUSSAINT, "2348/2014", K.communication_number, "2348/2014", "HRCTTEE"),
    (
        S_TOUSSAINT,
        "CCPR/C/123/D/2348/2014",
        K.un_document_symbol,
        "CCPR/C/123/D/2348/2014",
        "HRCTTEE",
    ),
    (S_TEITIOTA, "2728/2016", K.communication_number, "2728/2016", "HRCTTEE"),
    (
        S_TEITIOTA,
        "CCPR/C/127/D/2728/2016",
        K.un_document_symbol,
        "CCPR/C/127/D/2728/2016",
        "HRCTTEE",
    ),
    (S_ASDI, "3042/2017", K.communication_number, "3042/2017", "HRCTTEE"),
    (S_ASDI, "CCPR/C/130/D/3042/2017", K.un_document_symbol, "CCPR/C/130/D/3042/2017", "HRCTTEE"),
    (S_AGIZA, "233/2003", K.communication_number, "233/2003", "CAT-C"),
    (S_AGIZA, "CAT/C/34/D/233/2003", K.un_document_symbol, "CAT/C/34/D/233/2003", "CAT-C"),
    (S_NBF, "11/2017", K.communication_number, "11/2017", "CRC-C"),
    (S_NBF, "CRC/C/79/D/11/2017", K.un_document_symbol, "CRC/C/79/D/11/2017", "CRC-C"),
    (S_BEN_DJAZIA, "E/C.12/61/D/5/2015", K.un_document_symbol, "E/C.12/61/D/5/2015", "CESCR"),
    (S_FKAG_ALONE, "2094/2011", K.communication_number, "2094/2011", None),
    (S_RADDHO, "71/92", K.communication_number, "71/92", "ACHPR-COMM"),
    (
        S_RADDHO,
        "(2000) AHRLR 321 (ACHPR 1996)",
        K.reporter,
        "(2000) AHRLR 321 (ACHPR 1996)",
        "ACHPR-COMM",
    ),
    (S_UIDH, "159/96", K.communication_number, "159/96", "ACHPR-COMM"),
    (S_IHRDA, "292/04", K.communication_number, "292/04", "ACHPR-COMM"),
    (S_FIDH, "14/2003", K.docket_number, "14/2003", "ECSR"),
    (S_ANUDO, "012/2015", K.application_number, "012/2015", "AFCHPR"),
    (S_ANUDO, "[2018] AfCHPR 5", K.neutral_citation, "[2018] AfCHPR 5", "AFCHPR"),
    (S_DIALLO, "I.C.J. Reports 2010, p. 639", K.reporter, "I.C.J. Reports 2010, p. 639", "ICJ"),
    (S_PLYLER, "457 U.S. 202", K.reporter, "457 U.S. 202", "US-SCOTUS"),
    (S_CARDOZA, "480 U.S. 421", K.reporter, "480 U.S. 421", "US-SCOTUS"),
    (S_SALE, "509 U.S. 155", K.reporter, "509 U.S. 155", "US-SCOTUS"),
    (S_ZADVYDAS, "533 U.S. 678", K.reporter, "533 U.S. 678", "US-SCOTUS"),
    (S_HUISHA, "27 F.4th 718", K.reporter, "27 F.4th 718", "US-CADC"),
    (S_HUISHA_DOCKET, "21-5200", K.docket_number, "21-5200", None),
    (S_SAADI_UK, "[2002] UKHL 41", K.neutral_citation, "[2002] UKHL 41", "GB-UKHL"),
    (S_SAADI_UK, "[2002] 1 WLR 3131", K.reporter, "[2002] 1 WLR 3131", None),
    (S_AAA, "[2023] UKSC 42", K.neutral_citation, "[2023] UKSC 42", "GB-UKSC"),
    (S_AAA, "[2023] EWCA Civ 745", K.neutral_citation, "[2023] EWCA Civ 745", None),
    (S_SINGH, "[1985] 1 S.C.R. 177", K.reporter, "[1985] 1 S.C.R. 177", "CA-SCC"),
    (S_CCR, "2023 SCC 17", K.neutral_citation, "2023 SCC 17", "CA-SCC"),
    (S_WATCHENUKA, "[2003] ZASCA 142", K.neutral_citation, "[2003] ZASCA 142", "ZA-SCA"),
    (S_WATCHENUKA, "2004 (4) SA 326 (SCA)", K.reporter, "2004 (4) SA 326 (SCA)", "ZA-SCA"),
    (S_WATCHENUKA, "[2004] 1 All SA 21 (SCA)", K.reporter, "[2004] 1 All SA 21 (SCA)", "ZA-SCA"),
    (S_KITUO, "[2013] eKLR", K.reporter, "[2013] eKLR", None),
    (S_KEHC, "[2013] KEHC 5406 (KLR)", K.neutral_citation, "[2013] KEHC 5406 (KLR)", "KE-HC"),
    (S_T210, "T-210/18", K.docket_number, "T-210/18", "CO-CC"),
    (S_SU677, "SU-677/17", K.docket_number, "SU-677/17", "CO-CC"),
    (S_T025, "T-025 de 2004", K.docket_number, "T-025/04", "CO-CC"),
    (S_C577, "C-577/11", K.docket_number, "C-577/11", "CO-CC"),
    (S_SCJN, "Amparo en Revisión 275/2019", K.docket_number, "AR 275/2019", "MX-SCJN"),
    (S_BVERFG, "1 BvL 10/10", K.docket_number, "1 BvL 10/10", "DE-BVERFG"),
    (S_BVERFG, "1 BvL 2/11", K.docket_number, "1 BvL 2/11", "DE-BVERFG"),
    (S_BVERFG, "BVerfGE 132, 134", K.reporter, "BVerfGE 132, 134", "DE-BVERFG"),
    (S_M70, "[2011] HCA 32", K.neutral_citation, "[2011] HCA 32", "AU-HCA"),
    (S_M70, "(2011) 244 CLR 144", K.reporter, "(2011) 244 CLR 144", "AU-HCA"),
    (S_NZYQ, "[2023] HCA 37", K.neutral_citation, "[2023] HCA 37", "AU-HCA"),
    (S_NHRC, "(1996) 1 SCC 742", K.reporter, "(1996) 1 SCC 742", "IN-SC"),
    (S_NHRC, "AIR 1996 SC 1234", K.reporter, "AIR 1996 SC 1234", "IN-SC"),
    (S_NHRC, "[1996] INSC 36", K.neutral_citation, "[1996] INSC 36", "IN-SC"),
    (S_TEITIOTA_NZ, "[2015] NZSC 107", K.neutral_citation, "[2015] NZSC 107", "NZ-SC"),
    (S_MYRIE, "[2013] CCJ 3 (OJ)", K.neutral_citation, "[2013] CCJ 3 (OJ)", "CCJ"),
]


def _row_id(row: tuple[str, str, IdentifierKind, str, str | None]) -> str:
    return f"{row[2].value}:{row[3]}"


@pytest.mark.parametrize(
    ("sentence", "matched", "kind", "value", "forum"),
    CITATIONS,
    ids=[_row_id(r) for r in CITATIONS],
)
def test_real_citation_is_extracted(
    sentence: str, matched: str, kind: IdentifierKind, value: str, forum: str | None
) -> None:
    hits = [c for c in extract_citations(sentence) if c.kind is kind and c.value == value]
    assert len(hits) == 1
    (citation,) = hits
    assert sentence[citation.start : citation.end] == matched
    assert citation.text == matched
    assert citation.forum_hint == forum


def _expected_by_sentence() -> dict[str, set[tuple[str, IdentifierKind, str, str | None]]]:
    expected: dict[str, set[tuple[str, IdentifierKind, str, str | None]]] = defaultdict(set)
    for sentence, matched, kind, value, forum in CITATIONS:
        expected[sentence].add((matched, kind, value, forum))
    return expected


EXPECTED_BY_SENTENCE = _expected_by_sentence()


@pytest.mark.parametrize("sentence", list(EXPECTED_BY_SENTENCE))
def test_sentence_yields_nothing_beyond_its_citations(sentence: str) -> None:
    found = {(c.text, c.kind, c.value, c.forum_hint) for c in extract_citations(sentence)}
    assert found == EXPECTED_BY_SENTENCE[sentence]


def test_table_covers_at_least_sixty_citations() -> None:
    assert len(CITATIONS) >= 60


@pytest.mark.parametrize(
    "text",
    [
        "On 12/03/2020 the applicant was detained; he was released on 1/4/21.",
        "Dates such as 2020/03/12, 12-03-2020 and 12.03.2020 are not citations.",
        "He paid $1,250.00, EUR 27,765.09 and GBP 8675/15 was never owed.",
        "Call +44 20 7946 0958, (555) 123-4567 or 555-0199 ext. 12/34.",
        "Under section 5(1)(f), § 74, s. 27/09 and paragraph 12/3 of the Act.",
        "Law No. 12/19, Resolution No. 1/20 and Decree No. 23/98 were repealed.",
        "About 3/4 of the claimants, 1/2 of the children, open 24/7.",
        "Title 5 U.S.C. 552 and 8 U.S.C. § 1231 govern disclosure and removal.",
        "COVID-19, a T-shirt, a C-section and ISO 3166-1 are not case numbers.",
        "In 2023 SCC staff met 17 times; in 2011 HCA rules changed.",
        "Article 3 ECHR, Protocol No. 4, Rule 39 and page 457 of volume 12.",
        "Room 12/B, version 2.0.1, ISBN 978-3-16-148410-0.",
        "ECLI:EU:C:2011:268:9 is malformed, and so is ECLI:EUR:C:2011:1.",
        "The number 27765/09 alone, without a label, is not enough.",
        "",
    ],
)
def test_non_citations_yield_nothing(text: str) -> None:
    assert extract_citations(text) == []


def test_multi_citation_paragraph() -> None:
    paragraph = (
        "Pushbacks at sea breach Article 4 of Protocol No. 4 (Hirsi Jamaa and Others v. Italy "
        "[GC], no. 27765/09, ECHR 2012; compare N.D. and N.T. v. Spain [GC], nos. 8675/15 and "
        "8697/15, 13 February 2020). The Human Rights Committee agrees (A v. Australia, "
        "Communication No. 560/1993, UN Doc CCPR/C/59/D/560/1993), as does the Inter-American "
        "Court (Advisory Opinion OC-21/14, Series A No. 21; Vélez Loor, Series C No. 218). "
        "In the EU see Case C-61/11 PPU El Dridi, EU:C:2011:268, and Joined Cases C-411/10 and "
        "C-493/10; in Colombia, Sentencia T-210/18; in the UK, [2023] UKSC 42; in the US, "
        "Plyler v. Doe, 457 U.S. 202 (1982)."
    )
    found = extract_citations(paragraph)
    assert [(c.kind, c.value, c.forum_hint) for c in found] == [
        (K.application_number, "27765/09", "ECTHR"),
        (K.application_number, "8675/15", "ECTHR"),
        (K.application_number, "8697/15", "ECTHR"),
        (K.communication_number, "560/1993", "HRCTTEE"),
        (K.un_document_symbol, "CCPR/C/59/D/560/1993", "HRCTTEE"),
        (K.advisory_opinion, "OC-21/14", "IACTHR"),
        (K.series_number, "Series A No. 21", "IACTHR"),
        (K.series_number, "Series C No. 218", "IACTHR"),
        (K.cjeu_case_number, "C-61/11 PPU", "CJEU"),
        (K.ecli, "ECLI:EU:C:2011:268", "CJEU"),
        (K.cjeu_case_number, "C-411/10", "CJEU"),
        (K.cjeu_case_number, "C-493/10", "CJEU"),
        (K.docket_number, "T-210/18", "CO-CC"),
        (K.neutral_citation, "[2023] UKSC 42", "GB-UKSC"),
        (K.reporter, "457 U.S. 202", "US-SCOTUS"),
    ]
    assert all(paragraph[c.start : c.end] == c.text for c in found)


def test_repeated_citation_is_reported_at_each_place() -> None:
    text = "Hirsi Jamaa, no. 27765/09, at § 74; Hirsi Jamaa, no. 27765/09, at § 122."
    found = extract_citations(text)
    assert [c.value for c in found] == ["27765/09", "27765/09"]
    assert found[0].start < found[1].start


@pytest.mark.parametrize(
    ("text", "kind", "value", "forum"),
    [
        # Context word decides a three-digit number.
        ("Sentencia C-123/19 de la Corte", K.docket_number, "C-123/19", "CO-CC"),
        ("Case C-123/19 before the Court of Justice", K.cjeu_case_number, "C-123/19", "CJEU"),
        ("the tutela decision T-210/18", K.docket_number, "T-210/18", "CO-CC"),
        ("an action before the General Court, T-210/18", K.cjeu_case_number, "T-210/18", "CJEU"),
        ("C-123/19 (M.P. Alberto Rojas)", K.docket_number, "C-123/19", "CO-CC"),
        # Form alone decides.
        ("C-61/11 PPU", K.cjeu_case_number, "C-61/11 PPU", "CJEU"),
        ("Sentencia C-61/11", K.cjeu_case_number, "C-61/11", "CJEU"),
        ("T-025/04", K.docket_number, "T-025/04", "CO-CC"),
        ("Judgment T-210 of 2018", K.docket_number, "T-210/18", "CO-CC"),
        ("SU-677/17", K.docket_number, "SU-677/17", "CO-CC"),
        # No cue: the CJEU register.
        ("C-123/19", K.cjeu_case_number, "C-123/19", "CJEU"),
        # Non-ASCII hyphens, as the CJEU prints them.
        ("Case C\u2011411/10", K.cjeu_case_number, "C-411/10", "CJEU"),
        ("Advisory Opinion OC\u201121/14", K.advisory_opinion, "OC-21/14", "IACTHR"),
    ],
)
def test_cjeu_and_colombian_numbers_are_told_apart(
    text: str, kind: IdentifierKind, value: str, forum: str
) -> None:
    (citation,) = extract_citations(text)
    assert (citation.kind, citation.value, citation.forum_hint) == (kind, value, forum)


def test_nearest_cue_wins_within_a_paragraph() -> None:
    text = "La Sentencia T-210/18 was cited alongside Case C-411/10 and C-493/10."
    assert [(c.value, c.forum_hint) for c in extract_citations(text)] == [
        ("T-210/18", "CO-CC"),
        ("C-411/10", "CJEU"),
        ("C-493/10", "CJEU"),
    ]


@pytest.mark.parametrize(
    ("text", "value", "forum"),
    [
        ("Soering, 7 July 1989, Series A no. 161", "Series A No. 161", "ECTHR"),
        # Capital "No." and a number an advisory opinion can have: IACtHR.
        ("Undocumented Migrants, Series A No. 18", "Series A No. 18", "IACTHR"),
        # Above the IACtHR's range: ECtHR whatever the capitalisation.
        ("Cruz Varas and Others v. Sweden, Series A No. 201", "Series A No. 201", "ECTHR"),
        ("Velez Loor, Inter-Am. Ct. H.R. (ser. C) No. 218", "Series C No. 218", "IACTHR"),
        ("Serie C No. 272", "Series C No. 272", "IACTHR"),
    ],
)
def test_series_numbers(text: str, value: str, forum: str) -> None:
    (citation,) = extract_citations(text)
    assert (citation.kind, citation.value, citation.forum_hint) == (K.series_number, value, forum)


@pytest.mark.parametrize(
    ("text", "matched", "value"),
    [
        ("ECLI:EU:C:2011:268.", "ECLI:EU:C:2011:268", "ECLI:EU:C:2011:268"),
        ("(ECLI:NL:RVS:2019:3613)", "ECLI:NL:RVS:2019:3613", "ECLI:NL:RVS:2019:3613"),
        ("ECLI:ES:TC:2019:1, ", "ECLI:ES:TC:2019:1", "ECLI:ES:TC:2019:1"),
    ],
)
def test_ecli_grammar(text: str, matched: str, value: str) -> None:
    (citation,) = extract_citations(text)
    assert (citation.text, citation.kind, citation.value) == (matched, K.ecli, value)


@pytest.mark.parametrize(
    "text",
    [
        "ECLI:EU:CTOOLONG1:2011:268",  # court code over 7 characters
        "ECLI:EU:C:11:268",  # two-digit year
        "ECLI:EU:C:2011:" + "1" * 26,  # ordinal over 25 characters
        "ECLI:eu:C:2011:268",  # lower-case country
    ],
)
def test_ecli_grammar_violations_are_rejected(text: str) -> None:
    assert extract_citations(text) == []


def test_communication_takes_committee_only_from_matching_symbol() -> None:
    text = "Communication No. 11/2017 (CAT/C/70/D/12/2017 is a different case)."
    (communication, symbol) = extract_citations(text)
    assert communication.forum_hint is None
    assert symbol.forum_hint == "CAT-C"


def test_bare_no_needs_punctuation_or_a_label_before_it() -> None:
    assert [c.value for c in extract_citations("Italy [GC] no. 27765/09")] == ["27765/09"]
    assert [c.value for c in extract_citations("(Req. n\u00b0 27765/09)")] == ["27765/09"]
    assert extract_citations("Petition No. 12/19 was dismissed") == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("27765/09", "27765/09"),
        (" 27765 / 09 ", "27765/09"),
        ("no. 27765/09", "27765/09"),
        ("Application No. 012/2015", "012/2015"),
        ("app. no. 47287/15", "47287/15"),
        ("nos.\u00a08675/15", "8675/15"),
        ("27765\u221509", "27765/09"),
        ("27765\uff0f09", "27765/09"),
    ],
)
def test_normalise_application_number(raw: str, expected: str) -> None:
    assert normalise_application_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "no.", "abc", "12/03/2020", "27765/091", "1234567/09"])
def test_normalise_application_number_rejects_non_numbers(raw: str) -> None:
    with pytest.raises(ValueError, match="not an application number"):
        normalise_application_number(raw)


# Inputs of about 200 KB that would make a backtracking pattern explode. No timing assertion:
# if a pattern were quadratic the suite would stall here.
ADVERSARIAL = {
    "labels": "no. " * 50_000,
    "slashes": "1/" * 100_000,
    "digits": "7" * 200_000,
    "ecli-ordinal": "ECLI:EU:C:2011:" + "1." * 100_000,
    "ecli-prefix": "ECLI:" * 40_000,
    "brackets": "[2023] " * 30_000,
    "hyphens": "C-" * 100_000,
    "letter-case": "C-1" * 70_000,
    "communication-labels": "Communication No. " * 12_000,
    "spaces": " " * 200_000,
    "newlines": "\n" * 200_000,
    "parentheses": "(" * 200_000,
    "long-list": "nos. " + "1/11, " * 33_000,
    "cues": "Sentencia T-210/18 " * 10_000,
    "symbol-hints": "Communication No. 1/2000 CCPR/C/1/D/1/2000 " * 5_000,
    "series": "Series A no. " * 15_000,
    "punctuated": "[GC], no. 1/1 " * 15_000,
    "whitespace-labels": "no.   \n" * 30_000,
    "amparo": "Amparo en Revisi\u00f3n " * 10_000,
    "us": "1 U.S. 1 (" * 20_000,
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_adversarial_input_completes(text: str) -> None:
    assert len(text) >= 190_000
    assert isinstance(extract_citations(text), list)


def _assert_well_formed(text: str, found: list[ExtractedCitation]) -> None:
    previous_end = 0
    for c in found:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert c.start >= previous_end
        previous_end = c.end
        assert isinstance(c.kind, IdentifierKind)
        assert c.value
        assert c.forum_hint is None or c.forum_hint in FORUM_IDS


FRAGMENTS = [matched for _, matched, _, _, _ in CITATIONS] + [
    "no. ",
    "nos. ",
    " and ",
    ", ",
    "Case ",
    "Sentencia ",
    "Communication No. ",
    "Application No. ",
    "ECLI:",
    "EU:C:",
    "[2023] ",
    "(",
    ")",
    "/",
    "-",
    "\u2011",
    ".",
    "12/03/2020",
]
noisy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=25).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises_and_spans_are_well_formed(text: str) -> None:
    _assert_well_formed(text, extract_citations(text))


@settings(max_examples=300, deadline=None)
@given(noisy_text)
def test_citation_like_text_never_raises_and_spans_are_well_formed(text: str) -> None:
    _assert_well_formed(text, extract_citations(text))


# Citations that do not depend on a neighbouring cue word, so surrounding noise cannot flip them.
CONTEXT_FREE = [
    row
    for row in CITATIONS
    if row[2] not in {K.cjeu_case_number} and not (row[2] is K.docket_number and row[4] == "CO-CC")
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(CONTEXT_FREE),
    st.text(max_size=40),
    st.text(max_size=40),
)
def test_citation_survives_arbitrary_surroundings(
    row: tuple[str, str, IdentifierKind, str, str | None], before: str, after: str
) -> None:
    sentence, matched, kind, value, _ = row
    text = f"{before}\n; {sentence} ;\n{after}"
    found = extract_citations(text)
    _assert_well_formed(text, found)
    offset = len(before) + 3
    hits = [c for c in found if c.kind is kind and c.value == value and c.start >= offset]
    assert any(c.text == matched for c in hits)
