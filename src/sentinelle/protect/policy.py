"""What happens to each column: a policy file (TOML) or ``--auto`` from the classification.

A policy file::

    name = "etude-diabete-2024"
    auto = true          # columns not listed follow the scan classification (see AUTO)
    default = "keep"     # columns nothing else decides (unclassified, or auto = false)

    [columns]            # by header, case-insensitive
    NIR = "pseudonymise"                          # or { action = "pseudonymise", to = "nir" }
    DDN = { action = "generalise", to = "age5" }  # month | year | age5 | age10
    CP = { action = "generalise", to = "departement" }   # or region
    TEL = "mask"
    COMMENTAIRE = "redact"                        # or "drop"
    NOM = "drop"

    [entities]           # by entity id, for classified columns not listed above
    PHONE = "drop"

    [quasi_identifiers]  # header -> dob | age | sex | title | postal | departement | birthplace
    "Né le" = "dob"      # (found from the classification and headers when absent)

    sensitive = ["GS"]   # sensitive columns for l-diversity (blood group and free text
                         # columns by default)

Actions: ``drop``, ``keep``, ``pseudonymise`` (``to``: ``token`` or ``nir``), ``generalise``
(``to``: a level of :data:`sentinelle.protect.actions.GENERALISE_LEVELS`), ``mask``
(``to``: ``phone``, ``email`` or ``chars``), ``redact`` (free text).
Credential columns (logins, passwords) are always dropped unless ``allow_credentials``
(then they are kept unless the policy says otherwise).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from sentinelle.detect.columns import ColumnPlan
from sentinelle.detect.headers import FREE_TEXT, NIR_KEY, OTHER_DATE, fold, header_hint
from sentinelle.entities import Entity
from sentinelle.errors import ConfigError
from sentinelle.protect.actions import GENERALISE_LEVELS

ACTIONS = ("drop", "keep", "pseudonymise", "generalise", "mask", "redact")
ROLES = ("dob", "age", "sex", "title", "postal", "departement", "birthplace")


@dataclass(frozen=True, slots=True)
class Rule:
    action: str
    to: str | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ConfigError(f"unknown action {self.action!r} (one of {', '.join(ACTIONS)})")
        if self.action == "generalise" and self.to not in GENERALISE_LEVELS:
            raise ConfigError(f"generalise needs 'to' among {', '.join(GENERALISE_LEVELS)}")
        if self.action == "pseudonymise" and self.to not in (None, "token", "nir"):
            raise ConfigError("pseudonymise 'to' must be token or nir")
        if self.action == "mask" and self.to not in (None, "phone", "email", "chars"):
            raise ConfigError("mask 'to' must be phone, email or chars")

    def to_dict(self) -> dict[str, str]:
        return {"action": self.action, **({"to": self.to} if self.to else {})}


#: ``--auto``: the action for each classified entity.
AUTO: dict[str, Rule] = {
    Entity.NIR: Rule("pseudonymise"),
    Entity.NIR_NO_KEY: Rule("pseudonymise"),
    Entity.NNP: Rule("pseudonymise"),
    Entity.AM_NUMBER: Rule("pseudonymise"),
    NIR_KEY: Rule("drop"),
    Entity.PERSON_NAME: Rule("drop"),
    Entity.ADDRESS: Rule("drop"),
    Entity.IBAN: Rule("drop"),
    Entity.CREDENTIAL: Rule("drop"),
    Entity.DATE_OF_BIRTH: Rule("generalise", "year"),
    Entity.POSTAL_CODE: Rule("generalise", "departement"),
    Entity.PHONE: Rule("mask", "phone"),
    Entity.EMAIL: Rule("mask", "email"),
    FREE_TEXT: Rule("redact"),
    Entity.HEALTH: Rule("redact"),
    OTHER_DATE: Rule("generalise", "month"),
    "LOCAL_ID": Rule("pseudonymise"),  # the lab's patient number (IPP): carries the joins
    "RECORD_ID": Rule("drop"),  # request, file, invoice numbers: not needed downstream
}

_LOCAL_ID = re.compile(r"^(?:(?:n|no|nro|num|numero|id|ident|identifiant|code|ref) )?"
                       r"(?:ipp|nip|patient|pat)$")
_RECORD_ID = re.compile(r"^(?:(?:n|no|nro|num|numero|id|ident|identifiant|code|ref) )?"
                        r"(?:dossier|demande|facture|sejour|venue|prescription)$")
_ROLE_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("birthplace", re.compile(r"\b(?:lieu|ville|commune|pays|dept|departement|dep) (?:de )?naiss")),
    ("age", re.compile(r"^(?:age|age prel|age patient|age ans|age au prelevement)$")),
    ("sex", re.compile(r"^(?:s|sexe|sex|genre)$")),
    ("title", re.compile(r"^(?:civilite|civ|titre)$")),
    ("departement", re.compile(r"^(?:dep|dept|departement|code departement)$")),
)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str = "auto"
    auto: bool = True
    default: Rule = Rule("keep")
    columns: dict[str, Rule] = field(default_factory=dict)
    entities: dict[str, Rule] = field(default_factory=dict)
    quasi_identifiers: dict[str, str] = field(default_factory=dict)
    sensitive: tuple[str, ...] | None = None
    allow_credentials: bool = False
    pseudonym_shape: str = "token"  # for auto-pseudonymised NIR columns: token | nir

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "auto": self.auto, "default": self.default.to_dict(),
            "columns": {k: v.to_dict() for k, v in self.columns.items()},
            "entities": {k: v.to_dict() for k, v in self.entities.items()},
            "allow_credentials": self.allow_credentials, "pseudonym_shape": self.pseudonym_shape,
        }


def _rule(value: object, where: str) -> Rule:
    if isinstance(value, str):
        return Rule(value)
    if isinstance(value, dict) and isinstance(value.get("action"), str):
        to = value.get("to")
        return Rule(value["action"], str(to) if to is not None else None)
    raise ConfigError(f"{where}: expected an action name or {{ action = ..., to = ... }}")


def load_policy(path: str | Path) -> Policy:
    """Parse a policy file (raises :class:`ConfigError` naming the file and the problem)."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read policy ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None
    try:
        roles = {str(k): str(v) for k, v in dict(data.get("quasi_identifiers", {})).items()}
        bad = [r for r in roles.values() if r not in ROLES]
        if bad:
            raise ConfigError(f"unknown quasi-identifier role {bad[0]!r} ({', '.join(ROLES)})")
        sensitive = data.get("sensitive")
        return Policy(
            name=str(data.get("name", file.stem)),
            auto=bool(data.get("auto", False)),
            default=_rule(data.get("default", "keep"), "default"),
            columns={str(k): _rule(v, f"columns.{k}") for k, v in dict(data.get("columns", {})).items()},
            entities={str(k): _rule(v, f"entities.{k}") for k, v in dict(data.get("entities", {})).items()},
            quasi_identifiers=roles,
            sensitive=tuple(str(s) for s in sensitive) if sensitive is not None else None,
            allow_credentials=bool(data.get("allow_credentials", False)),
            pseudonym_shape=str(data.get("pseudonym_shape", "token")),
        )
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None


@dataclass(frozen=True, slots=True)
class ColumnDecision:
    """What happens to one input column, and what it is for the risk measure."""

    index: int
    name: str
    entity: str | None
    rule: Rule
    role: str | None = None  # quasi-identifier role
    sensitive: bool = False
    nir: bool = False  # hash the NIR body (same pseudonym with or without key)


def _lookup(table: dict[str, Rule], name: str) -> Rule | None:
    if name in table:
        return table[name]
    low = name.casefold()
    for key, rule in table.items():
        if key.casefold() == low:
            return rule
    return None


def _role(name: str, entity: str | None) -> str | None:
    if entity == Entity.DATE_OF_BIRTH:
        return "dob"
    if entity == Entity.POSTAL_CODE:
        return "postal"
    folded = fold(name)
    for role, rx in _ROLE_HEADERS:
        if rx.search(folded):
            return role
    return None


def decide(policy: Policy, names: list[str], plans: list[ColumnPlan], *,
           keep: list[str] | None = None) -> list[ColumnDecision]:
    """One decision per column. ``keep``: only these columns survive (minimisation first)."""
    keep_set = {k.casefold() for k in keep} if keep else None
    if keep_set is not None:
        missing = keep_set - {n.casefold() for n in names}
        if missing:
            raise ConfigError(f"--keep names columns that do not exist: {', '.join(sorted(missing))}")
    out: list[ColumnDecision] = []
    for i, name in enumerate(names):
        plan = plans[i] if i < len(plans) else None
        entity = plan.entity if plan else None
        hint = header_hint(name)
        if entity is None and hint is not None and hint.entity == OTHER_DATE:
            entity = OTHER_DATE
        if entity is None and _LOCAL_ID.search(fold(name)):
            entity = "LOCAL_ID"
        if entity is None and _RECORD_ID.search(fold(name)):
            entity = "RECORD_ID"
        rule = _lookup(policy.columns, name)
        if rule is None and entity is not None:
            rule = policy.entities.get(str(entity))
            if rule is None and entity == Entity.CREDENTIAL and policy.allow_credentials:
                rule = Rule("keep")  # the user asked for them explicitly
            if rule is None and policy.auto:
                rule = AUTO.get(entity)
        rule = rule or policy.default
        if rule.action == "pseudonymise" and rule.to is None and entity in (Entity.NIR, Entity.NIR_NO_KEY):
            rule = replace(rule, to=policy.pseudonym_shape)
        if rule.action == "mask" and rule.to is None:
            kinds: dict[str, str] = {Entity.PHONE: "phone", Entity.EMAIL: "email"}
            rule = replace(rule, to=kinds.get(entity or "", "chars"))
        if entity == Entity.CREDENTIAL and not policy.allow_credentials:
            rule = Rule("drop")
        if keep_set is not None and name.casefold() not in keep_set:
            rule = Rule("drop")
        role = None
        for qi_name, qi_role in policy.quasi_identifiers.items():
            if qi_name.casefold() == name.casefold():
                role = qi_role
        role = role or _role(name, entity)
        if policy.sensitive is not None:
            sensitive = name.casefold() in {s.casefold() for s in policy.sensitive}
        else:
            sensitive = entity in (Entity.BLOOD_GROUP, FREE_TEXT, Entity.HEALTH) or bool(plan and plan.free_text)
        out.append(ColumnDecision(i, name, entity, rule, role, sensitive,
                                  nir=entity in (Entity.NIR, Entity.NIR_NO_KEY)))
    return out


__all__ = ["ACTIONS", "AUTO", "ROLES", "ColumnDecision", "Policy", "Rule", "decide", "load_policy"]
