"""Rebuild ``drug_names.txt`` from the drug dictionary of ``drug-named-entity-recognition``.

Not imported by the detector: run by hand when the dictionary is updated, with the package
installed only for this (it is not a dependency of the service)::

    pip install drug-named-entity-recognition
    python -m followup.clinical.crisis_language.refresh_drug_names

What is kept: every name (generic, brand, synonym) of the drugs that have a MedlinePlus or an
NHS medicines page, that is, the medicines patients actually keep at home, as single words of
four letters or more. Long chemical names and research compounds are left out: a patient texts
"xanax" or "tylenol", not "4-acetamidophenol". ``EXTRA`` adds what the dictionary lacks
(combination brands, street names); ``NOT_DRUGS`` drops names that are everyday words.
"""

import bz2
import importlib.metadata
import pickle
import re
from pathlib import Path

import drug_named_entity_recognition  # type: ignore[import-not-found]

OUT = Path(__file__).with_name("drug_names.txt")

# Combination brands and street names patients use that the dictionary does not carry.
EXTRA = """
percocet percs perc vicodin norco lortab dilaudid roxy roxies oxy oxys oxycontin opana
xanny xannies xans xanbars zanax zannies benzo benzos klonnies kpins vals addys
nyquil zzzquil sominex tylenolpm excedrin midol suboxone subutex heroin ketamine
sonata soma somas kratom fent fenty mdma lsd shrooms ghb opiates opioids
ssri ssris snri antidepressants antipsychotics sleepingpills painkillers painkiller
""".split()  # noqa: SIM905 (a word list reads better as text)

# Names in the dictionary that are also ordinary words in a patient's text.
NOT_DRUGS = {
    "modus",
    "emend",
    "factive",
    "carac",
    "copal",
    "dagan",
    "midon",
    "lycine",
    "isomeride",
    "tenuate",
    "flector",
    "trental",
    "hydramine",
    "daturine",
    "lustral",
    "sone",
    "cera",
    "gana",
    "rela",
    "relif",
    "dala",
    "marol",
    "theon",
    "luzu",
    "amias",
    "banan",
    "cinna",
}


def main() -> None:
    package = Path(drug_named_entity_recognition.__file__).parent
    with bz2.open(package / "drug_ner_dictionary.pkl.bz2", "rb") as file:
        data = pickle.load(file)  # noqa: S301 (the package's own data file, read by hand)
    consumer = {
        canonical
        for canonical, entry in data["drug_canonical_to_data"].items()
        if entry.get("medline_plus_id") or entry.get("nhs_url")
    }
    names = {
        variant
        for variant, canonicals in data["drug_variant_to_canonical"].items()
        if re.fullmatch(r"[a-z]{4,}", variant) and consumer.intersection(canonicals)
    }
    names = (names | set(EXTRA)) - NOT_DRUGS
    version = importlib.metadata.version("drug-named-entity-recognition")
    header = f"""\
# Medicine names read by the crisis-language detector (followup/clinical/crisis_language/drugs.py).
# One lower-case name a line; lines starting with # are comments.
#
# Source: the drug dictionary of drug-named-entity-recognition {version} (PyPI), by Fast Data
# Science Ltd, MIT licence (Copyright (c) 2023 Fast Data Science Ltd), built from DrugBank open
# data (CC0), MeSH and MedlinePlus (US National Library of Medicine, public domain) and the NHS
# medicines pages. Kept: every single-word name, generic or brand, of the drugs that have a
# MedlinePlus or NHS page, plus a few combination brands and street names it lacks.
# The MIT licence is in drug_names.LICENSE.txt.
# Regenerate with: python -m followup.clinical.crisis_language.refresh_drug_names
"""
    OUT.write_text(header + "".join(f"{name}\n" for name in sorted(names)), encoding="utf-8")
    print(f"{len(names)} names written to {OUT.name}")


if __name__ == "__main__":
    main()
