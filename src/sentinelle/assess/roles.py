"""Roles of a table's columns for an assessment, on top of the scanner's classification.

``sentinelle.detect.columns.classify_table`` says *which entity* a column holds; an
assessment also needs to know *whose* and *which one*: the patient's family (usage) name,
birth name and given name among the ``PERSON_NAME`` columns (doctors and samplers are
names too), the sex column, the sampling date among the other dates, the lab's FINESS and
name. Roles come from the folded header words (``detect.headers.fold``) and, for
headerless files, from the column order and the values:

- names: header ``prenom`` -> given; ``naissance``/``naiss``/``jf``/``jeune fille``/
  ``patronymique`` -> birth name; doctor words (``medecin``, ``prescripteur``...) -> not the
  patient; another ``nom`` -> family. Headerless: the first ``PERSON_NAME`` column with a
  low first-name ratio (``sentinelle.names.first_name_ratio``) is the family name, the next
  one with a high ratio the given name, a name column between them the birth name;
- sex: most non-empty values are ``M/F``, ``H/F``, ``1/2`` or ``Masculin/Féminin`` and
  both sexes are frequent (a ``RANG`` column of mostly ``1`` is not a sex);
- sampling date: a date column other than the date of birth whose header says
  ``prelevement`` (``prel``, ``prlv``); headerless: the first such column whose dates all
  fall within 2000-2030.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from sentinelle.detect.columns import ColumnPlan
from sentinelle.detect.headers import fold
from sentinelle.entities import Entity
from sentinelle.identifiers import dates
from sentinelle.lexicon.folding import fold_expr
from sentinelle.names import first_name_ratio

MALE = ("m", "h", "1", "masculin", "homme", "male")
FEMALE = ("f", "2", "feminin", "femme", "female")
_NOT_PATIENT = re.compile(
    r"\b(?:medecin|mt|prescripteur|presc|preleveur|ide|docteur|dr|praticien|infirmier)\b")
_GIVEN = re.compile(r"\bprenoms?\b|\bfirst ?name\b")
_BIRTH = re.compile(r"\b(?:naissance|naiss|jf|jeune fille|patronymique|birth)\b")
_SEX = re.compile(r"^(?:sexe?|genre|s|gender)$")
_SAMPLING = re.compile(r"\b(?:prel\w*|prlv\w*|sampling|collecte)\b")
_LAB_NAME = re.compile(r"\b(?:nom labo|labo|laboratoire|raison sociale|libelle labo)\b")
_LAB_NOT_NAME = re.compile(r"\b(?:code|cd|finess|id|num|no)\b")
SAMPLE = 1000


@dataclass(frozen=True, slots=True)
class Roles:
    """Column indexes of each role in one table (``None``: not found)."""

    family: int | None = None
    birth: int | None = None
    given: int | None = None
    sex: int | None = None
    dob: int | None = None
    sampling: int | None = None
    nir: int | None = None
    nir_key: int | None = None  # the NIR is a 13-character body, key in this column
    nir_body_only: bool = False
    finess: int | None = None
    lab_name: int | None = None
    postal: int | None = None
    free_text: tuple[int, ...] = ()
    contact: tuple[int, ...] = ()  # phone, e-mail, address, postal code
    credentials: tuple[int, ...] = ()
    blood: tuple[int, ...] = ()
    identity: tuple[int, ...] = ()  # patient names and date of birth


def _folded(name: str | None) -> str:
    return fold(name) if name else ""


def sex_code_expr(expr: pl.Expr) -> pl.Expr:
    """1 (male), 2 (female) or null, from a written sex (vectorised)."""
    folded = fold_expr(expr).str.strip_chars().str.strip_chars(".")
    return (pl.when(folded.is_in(MALE)).then(pl.lit(1, pl.Int8))
            .when(folded.is_in(FEMALE)).then(pl.lit(2, pl.Int8)))


def _is_sex(values: pl.Series) -> bool:
    values = values.drop_nulls()
    if values.len() < 5:
        return False
    codes = pl.select(sex_code_expr(pl.lit(values))).to_series()
    male, female = int((codes == 1).sum()), int((codes == 2).sum())
    n = values.len()
    return (male + female) >= 0.95 * n and min(male, female) >= 0.15 * n


def _date_ratio(values: pl.Series) -> tuple[float, bool]:
    """Share of cells that are dates, and whether they all fall within 2000-2030."""
    values = values.drop_nulls()
    if values.len() == 0:
        return 0.0, False
    parsed = dates.parse_series(values).drop_nulls()
    if parsed.len() == 0:
        return 0.0, False
    years = parsed.dt.year()
    recent = bool(years.min() >= 2000 and years.max() <= 2030)  # type: ignore[operator]
    return parsed.len() / values.len(), recent


def find_roles(frame: pl.DataFrame, header: list[str] | None,
               plans: list[ColumnPlan]) -> Roles:
    """Roles of the columns of one table (``plans`` from ``classify_table``)."""
    sample = frame.head(SAMPLE)
    names = [_folded(header[i] if header is not None and i < len(header) else None)
             for i in range(frame.width)]
    by: dict[str, list[int]] = {}
    for plan in plans:
        if plan.entity is not None:
            by.setdefault(str(plan.entity), []).append(plan.index)
    family, birth, given = _names(sample, names, by.get(Entity.PERSON_NAME, []))
    nir = key = None
    body_only = False
    if by.get(Entity.NIR):
        nir = by[Entity.NIR][0]
    elif by.get(Entity.NIR_NO_KEY):
        nir = by[Entity.NIR_NO_KEY][0]
        key = plans[nir].key_index
        body_only = key is None
    sex = sampling = lab_name = None
    dob = by.get(Entity.DATE_OF_BIRTH, [None])[0]
    finess = by.get(Entity.FINESS, [None])[0]
    for plan in plans:
        i, word = plan.index, names[plan.index]
        if plan.entity not in (None, "OTHER_DATE", "NEUTRAL") or i == dob:
            continue
        column = sample.to_series(i)
        if sex is None and (_SEX.match(word) or not word) and _is_sex(column):
            sex = i
        elif (lab_name is None and finess is not None and _LAB_NAME.search(word)
              and not _LAB_NOT_NAME.search(word)):
            lab_name = i
        elif sampling is None and (not word or _SAMPLING.search(word)):
            ratio, recent = _date_ratio(column)
            if ratio >= 0.9 and (recent or _SAMPLING.search(word)):
                sampling = i
    patient_names = tuple(i for i in (family, birth, given) if i is not None)
    return Roles(
        family=family, birth=birth, given=given, sex=sex, dob=dob, sampling=sampling,
        nir=nir, nir_key=key, nir_body_only=body_only, finess=finess, lab_name=lab_name,
        postal=by.get(Entity.POSTAL_CODE, [None])[0],
        free_text=tuple(p.index for p in plans if p.free_text or p.entity == "FREE_TEXT"),
        contact=tuple(by.get(Entity.PHONE, []) + by.get(Entity.EMAIL, [])
                      + by.get(Entity.ADDRESS, []) + by.get(Entity.POSTAL_CODE, [])),
        credentials=tuple(by.get(Entity.CREDENTIAL, [])),
        blood=tuple(by.get(Entity.BLOOD_GROUP, [])),
        identity=patient_names + ((dob,) if dob is not None else ()),
    )


def _names(sample: pl.DataFrame, names: list[str], columns: list[int]
           ) -> tuple[int | None, int | None, int | None]:
    family = birth = given = None
    headed = [i for i in columns if names[i]]
    for i in headed:
        word = names[i]
        if _NOT_PATIENT.search(word):
            continue
        if _GIVEN.search(word):
            given = i if given is None else given
        elif _BIRTH.search(word):
            birth = i if birth is None else birth
        elif family is None:
            family = i
    if family is not None or given is not None:
        return family, birth, given
    # headerless: order and first-name ratio
    ratios = {i: first_name_ratio(sample.to_series(i)) for i in columns}
    for pos, i in enumerate(columns):
        if ratios[i] < 0.5 and family is None:
            family = i
            for j in columns[pos + 1:pos + 3]:  # adjacent name columns only
                if ratios[j] >= 0.6:
                    given = j
                    break
                if birth is None and ratios[j] < 0.5:
                    birth = j
            break
    if given is None:
        birth = None
    return family, birth, given


__all__ = ["FEMALE", "MALE", "Roles", "find_roles", "sex_code_expr"]
