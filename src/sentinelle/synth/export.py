"""Build one chunk of the export: persons -> patient files -> sampling rows -> columns.

A person has one patient file (entry) in their lab, a few a second one in another lab
(``duplicate_person_rate``); a file has one sampling row, some more
(``repeat_sampling_rate``). Each row is written with the file's ``Layout`` and the dirt
knobs (missing cells, NIR typos and NNPs, mixed writings, name typos). Alongside the
export columns (all strings, null = empty cell) a ``meta`` frame of the same height keeps
what the truth needs: the status and normalised value of each identifier cell.

NIR status per row: 0 empty, 1 valid NIR (or body with matching key), 2 typo (fails the
key check), 3 NNP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sentinelle.synth import blood, vocab
from sentinelle.synth.clinical import exam_columns, logistics, mutuelles
from sentinelle.synth.comments import Comments, make_comments
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.dirt import blank, names_with_typos, nir_typos
from sentinelle.synth.labs import DOCTORS_PER_LAB, SAMPLERS_PER_LAB, Labs
from sentinelle.synth.layout import Layout, strip_accents
from sentinelle.synth.numbers import PHONE_STYLES, nir_written, phone_written
from sentinelle.synth.people import YEAR, to_days, unaccent

NIR_EMPTY, NIR_VALID, NIR_TYPO, NIR_NNP = 0, 1, 2, 3
_ALNUM = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", dtype=np.uint8)
_REGIMES = ("CPAM", "MSA", "SLM", "RSI")
_REGIME_P = np.array([0.85, 0.08, 0.04, 0.03])


@dataclass(frozen=True, slots=True)
class Chunk:
    frame: pl.DataFrame  # export columns in layout order, named by their keys
    meta: pl.DataFrame  # truth helpers, same height
    entries: int  # patient files in this chunk
    name_typos: int  # rows with a typo in NOM or PRENOM


def _upper(expr: pl.Expr, accents: bool) -> pl.Expr:
    return expr.str.to_uppercase() if accents else unaccent(expr).str.to_uppercase()


def _date(days: pl.Series | np.ndarray, fmt: str) -> pl.Series:
    series = days if isinstance(days, pl.Series) else pl.Series(days)
    return series.cast(pl.Int32).cast(pl.Date).dt.strftime(fmt)


def _style(rng: np.random.Generator, n: int, main: int, mix: float, count: int) -> np.ndarray:
    other = rng.integers(0, count, n)
    return np.where(rng.random(n) < mix, other, main)


def _doctor_names(labs: Labs, layout: Layout) -> tuple[pl.Series, pl.Series]:
    """Display names of the labs' doctors and samplers (a few hundred: plain Python)."""
    def upper(nom: str) -> str:
        return nom.upper() if layout.upper_accents else strip_accents(nom).upper()

    style = layout.doctor_style
    docs = []
    for nom, prenom in zip(labs.doctor_nom, labs.doctor_prenom, strict=True):
        up = upper(nom)
        docs.append((f"Dr {up} {prenom}", f"{up} {prenom}", f"Docteur {prenom} {up}",
                     f"{up} {prenom[0]}.")[style])
    samplers = []
    for nom, prenom in zip(labs.sampler_nom, labs.sampler_prenom, strict=True):
        samplers.append(f"IDE {upper(nom)}" if style % 2 else f"{prenom} {upper(nom)}")
    return pl.Series(docs), pl.Series(samplers)


def _random_text(rng: np.random.Generator, n: int, width: int) -> pl.Series:
    codes = _ALNUM[rng.integers(0, len(_ALNUM), (n, width))]
    return pl.Series(np.ascontiguousarray(codes).view(f"S{width}").ravel().astype(f"U{width}"))


def build_chunk(rng: np.random.Generator, persons: pl.DataFrame, cfg: SynthConfig, labs: Labs,
                layout: Layout, *, row_offset: int, entry_offset: int) -> Chunk:
    miss = cfg.missing_rate
    # patient files: one per person, a second one in another lab for duplicates
    n_persons = persons.height
    dup = persons["duplicate"].to_numpy()
    e_person = np.concatenate([np.arange(n_persons), np.flatnonzero(dup)])
    e_lab = np.concatenate([persons["lab"].to_numpy(), persons["other_lab"].to_numpy()[dup]])
    e_second = np.concatenate([np.zeros(n_persons, bool), np.ones(int(dup.sum()), bool)])
    order = np.lexsort((e_person, e_lab))
    e_person, e_lab, e_second = e_person[order], e_lab[order], e_second[order]
    n_entries = len(e_person)
    extra = np.where(rng.random(n_entries) < cfg.repeat_sampling_rate,
                     rng.geometric(2 / 3, n_entries), 0)
    r_entry = np.repeat(np.arange(n_entries), 1 + extra)
    n = len(r_entry)
    first_row = np.ones(n, dtype=bool)
    first_row[1:] = r_entry[1:] != r_entry[:-1]

    rows = persons.gather(e_person[r_entry])
    r_lab = e_lab[r_entry]
    sex = rows["sex"].to_numpy()
    dob = rows["dob"].to_numpy().astype(np.int64)
    child = rows["child"].to_numpy()
    day1 = to_days(cfg.date_end)
    low = np.maximum(to_days(cfg.date_start), dob + 1)
    day = (low + rng.random(n) * (day1 - low + 1)).astype(np.int64)
    keep_first = first_row & ~e_second[r_entry]
    day = np.where(keep_first, rows["first_day"].to_numpy(), day)
    age = ((day - dob) / YEAR).astype(np.int64)

    # names, with typos (five times more often in a second file of the same person)
    typo_rate = np.where(e_second[r_entry], min(1.0, cfg.name_typo_rate * 5), cfg.name_typo_rate)
    typo = rng.random(n) < typo_rate
    on_first_name = rng.random(n) < 0.4
    nom = names_with_typos(rows["nom"], typo & ~on_first_name, rng)
    prenom = names_with_typos(rows["prenom"], typo & on_first_name, rng)
    married = (rows["nom"] != rows["nom_naissance"]).to_numpy()
    civ = np.where(child, "Enf.", np.where(sex == 1, "M.",
                   np.where(married | (age >= 30), "Mme", "Mlle")))
    birth_shown = np.where(sex == 2, rng.random(n) >= miss, rng.random(n) < 0.5)

    # NIR cells
    is_nnp = rows["is_nnp"].to_numpy()
    status = np.where(is_nnp, NIR_NNP, NIR_VALID)
    status = np.where((status == NIR_VALID) & (rng.random(n) < cfg.nir_typo_rate), NIR_TYPO, status)
    status = np.where(rng.random(n) < miss, NIR_EMPTY, status)
    nir = nir_typos(rows["nir"], status == NIR_TYPO, rng)
    nir_style = np.where(rng.random(n) < cfg.nir_mixed_rate, rng.integers(1, 4, n), 0)

    # phones, e-mail
    tel = np.where(rng.random(n) < miss, 0, rows["tel"].to_numpy())
    mobile = np.where(rng.random(n) < miss, 0, rows["mobile"].to_numpy())
    tel_style = _style(rng, n, layout.phone_style, layout.phone_mix, len(PHONE_STYLES))
    mob_style = _style(rng, n, layout.phone_style, layout.phone_mix, len(PHONE_STYLES))
    email_gone = rng.random(n) < miss
    email_cap = rng.random(n) < 0.05

    # blood groups
    tabs = blood.tables()
    gs = np.where(rng.random(n) < miss, -1, rows["gs"].to_numpy())
    pheno = np.where(rng.random(n) < miss, -1, rows["pheno"].to_numpy())
    kell = np.where(rng.random(n) < miss, -1, rows["kell"].to_numpy())
    gs_style = _style(rng, n, layout.gs_style, layout.blood_mix, blood.GS_STYLES)
    ph_style = _style(rng, n, layout.pheno_style, layout.blood_mix, blood.PHENO_STYLES)
    k_style = _style(rng, n, layout.kell_style, layout.blood_mix, blood.KELL_STYLES)

    # doctors, samplers
    doc_names, smp_names = _doctor_names(labs, layout)
    doctor = rows["doctor"].to_numpy()
    prescriber = np.where(rng.random(n) < 0.65, doctor,
                          r_lab * DOCTORS_PER_LAB + rng.integers(0, DOCTORS_PER_LAB, n))
    sampler = r_lab * SAMPLERS_PER_LAB + rng.integers(0, SAMPLERS_PER_LAB, n)
    rpps = pl.Series(labs.doctor_rpps)

    # per patient file: IPP, insurance, creation date, web credentials
    e_idx = entry_offset + np.arange(n_entries)
    ipp = pl.Series((e_lab + 1) * 10_000_000 + e_idx % 10_000_000).cast(pl.String).str.zfill(9)
    regime = pl.Series(_REGIMES).gather(rng.choice(len(_REGIMES), n_entries, p=_REGIME_P))
    e_mutuelle = mutuelles(rng, n_entries)
    e_first_day = np.zeros(n_entries, dtype=np.int64)
    e_first_day[r_entry[first_row]] = day[first_row]
    e_dob = persons["dob"].to_numpy()[e_person].astype(np.int64)
    e_low = np.maximum(e_dob, to_days(cfg.date_start) - 15 * 365)
    e_created = (e_low + rng.random(n_entries) * (e_first_day - e_low + 1)).astype(np.int64)
    has_login = rng.random(n_entries) < 0.7
    login_style = rng.integers(0, 4, n_entries)
    pwd_style = rng.choice(3, n_entries, p=[0.75, 0.15, 0.1])
    pwd_random = _random_text(rng, n_entries, 8)
    comments = make_comments(rng, n=n, health_rate=cfg.health_note_rate,
                             neutral_rate=cfg.neutral_comment_rate,
                             phone_rate=cfg.comment_phone_rate, sex=sex, age=age, day=day,
                             mobile=mobile)

    lg = logistics(rng, n)
    res_dept_code = pl.Series(vocab.departements().codes).gather(rows["res_dept"])
    e_frame = pl.DataFrame({
        "ipp": ipp,
        "regime": regime,
        "mutuelle": e_mutuelle,
        "created": e_created.astype(np.int32),
        "has_login": has_login,
        "login_style": login_style,
        "pwd_style": pwd_style,
        "pwd_random": pwd_random,
        "e_dob": e_dob.astype(np.int32),
    }).gather(r_entry)

    work = rows.select("nom", "nom_naissance", "prenom", "nir", "nnp", "rang", "child",
                       "adresse1", "adresse2", "cp", "ville", "email").with_columns(
        nom_typo=nom,
        prenom_typo=prenom,
        nir_w=nir,
        res_dept_code=res_dept_code,
    ).hstack(e_frame)
    w = pl.col
    nom_cell = _upper(w("nom_typo"), layout.upper_accents)
    prenom_cell = _upper(w("prenom_typo"), layout.upper_accents) if layout.prenom_upper \
        else w("prenom_typo")
    addr_case = (lambda e: _upper(e, True)) if layout.address_upper else (lambda e: e)
    lower_nom = unaccent(w("nom").str.to_lowercase()).str.replace_all(r"[^a-z]", "")
    lower_pre = unaccent(w("prenom").str.to_lowercase()).str.replace_all(r"[^a-z]", "")
    login = (
        pl.when(w("login_style") == 0).then(
            pl.concat_str([lower_nom, lower_pre.str.slice(0, 1), w("ipp").str.slice(-2)]))
        .when(w("login_style") == 1).then(pl.concat_str([pl.lit("P"), w("ipp")]))
        .when(w("login_style") == 2).then(pl.concat_str([lower_pre, pl.lit("."), lower_nom]))
        .otherwise(w("ipp"))
    )
    dob_date = w("e_dob").cast(pl.Date)
    password = (
        pl.when(w("pwd_style") == 1).then(dob_date.dt.strftime("%d%m%Y"))
        .when(w("pwd_style") == 2).then(pl.concat_str([
            unaccent(w("nom")).str.replace_all(r"[^A-Za-z]", ""), dob_date.dt.strftime("%Y")]))
        .otherwise(w("pwd_random"))
    )
    split = layout.split_nir
    nir_valid_like = pl.lit(pl.Series(np.isin(status, (NIR_VALID, NIR_TYPO))))
    nnp_mask = pl.lit(pl.Series(status == NIR_NNP))
    style = pl.lit(pl.Series(nir_style))
    if split:
        body = pl.when(nir_valid_like).then(
            nir_written(w("nir_w").str.slice(0, 13), style, with_key=False)
        ).when(nnp_mask).then(w("nnp"))
        key = pl.when(nir_valid_like).then(w("nir_w").str.slice(13, 2))
        nir_cells = {"nss": body, "cle": key}
    else:
        nir_cells = {"nir": pl.when(nir_valid_like).then(nir_written(w("nir_w"), style))
                     .when(nnp_mask).then(w("nnp"))}
    email = pl.when(pl.lit(pl.Series(email_gone))).then(None).otherwise(w("email"))
    email = pl.when(pl.lit(pl.Series(email_cap))).then(
        pl.concat_str([email.str.slice(0, 1).str.to_uppercase(), email.str.slice(1)])
    ).otherwise(email)

    def phone(values: np.ndarray, styles: np.ndarray) -> pl.Expr:
        v = pl.lit(pl.Series(values))
        return pl.when(v > 0).then(
            phone_written(v % 1_000_000_000, v // 1_000_000_000, pl.lit(pl.Series(styles))))

    def gather_or_null(table: pl.Series, canon: np.ndarray, styles: np.ndarray, k: int) -> pl.Expr:
        idx = np.where(canon >= 0, canon * k + styles, 0)
        return pl.when(pl.lit(pl.Series(canon >= 0))).then(pl.lit(table.gather(idx)))

    out = work.select(
        lab_code=pl.lit(pl.Series(labs.code).gather(r_lab)),
        lab_name=pl.lit(pl.Series(labs.name).gather(r_lab)),
        lab_finess=pl.lit(pl.Series(labs.finess).gather(r_lab)),
        file_number=pl.concat_str([
            pl.lit(_date(day, "%y%m%d")),
            pl.lit(pl.Series((row_offset + np.arange(n)) % 100_000)).cast(pl.String).str.zfill(5),
        ]),
        ipp=w("ipp"),
        civilite=pl.lit(pl.Series(civ)),
        nom=nom_cell,
        nom_naissance=pl.when(pl.lit(pl.Series(birth_shown)))
        .then(_upper(w("nom_naissance"), layout.upper_accents)),
        prenom=prenom_cell,
        sexe=pl.lit(pl.Series(np.where(sex == 1, *layout.sex_codes))),
        ddn=pl.lit(_date(dob, layout.date_format)),
        age=pl.lit(pl.Series(age)).cast(pl.String),
        **nir_cells,
        rang=w("rang").cast(pl.String),
        qualite=pl.when(w("child")).then(pl.lit("ENFANT")).otherwise(pl.lit("ASSURE")),
        caisse=pl.when(w("regime") == "CPAM")
        .then(pl.concat_str([pl.lit("CPAM "), w("res_dept_code")])).otherwise(w("regime")),
        mutuelle=w("mutuelle"),
        adresse1=addr_case(w("adresse1")),
        adresse2=addr_case(w("adresse2")),
        cp=w("cp"),
        ville=_upper(w("ville"), layout.upper_accents) if layout.address_upper else w("ville"),
        pays=pl.lit("FRANCE"),
        tel=phone(tel, tel_style),
        mobile=phone(mobile, mob_style),
        email=email,
        gs=gather_or_null(tabs["gs"], gs, gs_style, blood.GS_STYLES),
        phenotype=gather_or_null(tabs["pheno"], pheno, ph_style, blood.PHENO_STYLES),
        kell=gather_or_null(tabs["kell"], kell, k_style, blood.KELL_STYLES),
        medecin=pl.lit(doc_names.gather(doctor)),
        rpps_mt=pl.lit(rpps.gather(doctor)),
        prescripteur=pl.lit(doc_names.gather(prescriber)),
        rpps_presc=pl.lit(rpps.gather(prescriber)),
        preleveur=pl.lit(smp_names.gather(sampler)),
        date_prel=pl.lit(_date(day, layout.date_format)),
        heure_prel=pl.lit(_clock(rng, n)),
        date_recep=pl.lit(_date(day + (rng.random(n) < 0.15), layout.date_format)),
        **{k: pl.lit(v) for k, v in lg.items() if k in _BEFORE_EXAMS},
        **{k: pl.lit(v) for k, v in exam_columns(rng, n).items()},
        statut=pl.lit(lg["statut"]),
        date_valid=pl.lit(_date(day + rng.integers(0, 4, n), layout.date_format)),
        tiers_payant=pl.lit(lg["tiers_payant"]),
        montant=pl.lit(lg["montant"]),
        facture=pl.concat_str([pl.lit("F"), pl.lit(_date(day, "%y")),
                               pl.lit(pl.Series(row_offset + np.arange(n))).cast(pl.String)
                               .str.zfill(7)]),
        date_creation=w("created").cast(pl.Date).dt.strftime(layout.date_format),
        commentaire=pl.lit(comments.text),
        login=pl.when(w("has_login")).then(login),
        password=pl.when(w("has_login")).then(password),
    )
    out = _missing(out, rng, miss)
    frame = out.select(layout.keys)
    meta = _meta(out, frame, rows, r_lab, e_second[r_entry], day, status, nir, tel, mobile,
                 gs, pheno, kell, comments, split)
    return Chunk(frame=frame, meta=meta, entries=n_entries, name_typos=int(typo.sum()))


_BEFORE_EXAMS = ("lieu_prel", "urgent", "a_jeun", "nb_tubes")
# extra emptiness per column, as a multiple of ``missing_rate``
_MISSING_FACTORS: dict[str, float] = {
    "ddn": 0.3, "prenom": 0.2, "adresse1": 1.0, "cp": 0.5, "ville": 0.5, "pays": 3.0,
    "medecin": 1.0, "rpps_mt": 3.0, "prescripteur": 0.5, "rpps_presc": 1.5, "preleveur": 2.0,
    "heure_prel": 1.0, "date_recep": 1.0, "date_valid": 1.0, "age": 1.0, "civilite": 1.0,
    "caisse": 1.0, "montant": 1.0, "facture": 1.0, "date_creation": 1.0,
}


def _missing(out: pl.DataFrame, rng: np.random.Generator, miss: float) -> pl.DataFrame:
    if miss <= 0:
        return out
    n = out.height
    cols = []
    for name, factor in _MISSING_FACTORS.items():
        cols.append(blank(out[name], rng.random(n) < min(1.0, miss * factor)))
    return out.with_columns(cols)


def _clock(rng: np.random.Generator, n: int) -> pl.Series:
    minutes = rng.integers(7 * 60, 19 * 60, n)
    hh = pl.Series(minutes // 60).cast(pl.String).str.zfill(2)
    mm = pl.Series(minutes % 60).cast(pl.String).str.zfill(2)
    return pl.select(pl.concat_str([pl.lit(hh), pl.lit(":"), pl.lit(mm)])).to_series()


def _meta(out: pl.DataFrame, frame: pl.DataFrame, rows: pl.DataFrame, r_lab: np.ndarray,
          second: np.ndarray, day: np.ndarray, status: np.ndarray, nir: pl.Series,
          tel: np.ndarray, mobile: np.ndarray, gs: np.ndarray, pheno: np.ndarray,
          kell: np.ndarray, comments: Comments, split: bool) -> pl.DataFrame:
    def canon(values: tuple[str, ...], idx: np.ndarray, column: str) -> pl.Series:
        series = pl.Series(values).gather(np.maximum(idx, 0))
        keep = pl.Series((idx >= 0)) & out[column].is_not_null()
        return pl.select(pl.when(keep).then(series)).to_series()

    def e164_or_null(values: np.ndarray, column: str) -> pl.Series:
        keep = pl.Series(values > 0) & out[column].is_not_null()
        return pl.select(pl.when(keep).then(pl.Series(values))).to_series()

    nir_norm = nir.str.slice(0, 13) if split else nir
    return pl.DataFrame({
        "person": rows["pid"],
        "lab": pl.Series(r_lab, dtype=pl.Int32),
        "second": pl.Series(second),
        "child": rows["child"],
        "res_dept": rows["res_dept"],
        "day": pl.Series(day, dtype=pl.Int32),
        "nir_status": pl.Series(status, dtype=pl.Int8),
        "nir_norm": pl.select(pl.when(pl.Series(status == NIR_VALID)).then(nir_norm)).to_series(),
        "nnp_norm": pl.select(pl.when(pl.Series(status == NIR_NNP)).then(rows["nnp"])).to_series(),
        "dob": pl.select(pl.when(out["ddn"].is_not_null()).then(rows["dob"])).to_series(),
        "tel": e164_or_null(tel, "tel"),
        "mobile": e164_or_null(mobile, "mobile"),
        "comment_phone": pl.Series(comments.phone),
        "email": out["email"].str.to_lowercase(),
        "gs": canon(blood.ABO_RH, gs, "gs"),
        "pheno": canon(blood.PHENOTYPES, pheno, "phenotype"),
        "kell": canon(blood.KELL, kell, "kell"),
        "health": pl.Series(comments.mask, dtype=pl.Int16),
    })


__all__ = ["NIR_EMPTY", "NIR_NNP", "NIR_TYPO", "NIR_VALID", "Chunk", "build_chunk"]
