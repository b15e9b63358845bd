"""Dataset definitions: the TOML file a hub administrator writes to describe one partner extract.

A definition says which columns hold what (date or month, category, coordinates and their CRS,
area code and its vintage), which rows belong to the dataset, the category list with the variants
partner systems emit, which columns are personal and which pseudonyms are kept, the release
policy and the denominator. The schema is documented key by key in ``docs/DATASETS.md``, with a
commented example per kind in ``jin_hub/datasets/``.

Reading is strict: an unknown key, a wrong type or a value that cannot work (a date column the
extract is not required to have, a derivation that does not exist) is refused with a message
naming the file, the key and the fix, before anything is registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import tomllib
from pyproj import CRS
from pyproj.exceptions import CRSError

from jin_hub.ingest import derive
from jin_hub.ingest.schemas import DatasetSchema, ReleasePolicy

#: What each table of a definition may hold: key -> (type, required). Top-level keys under "".
KEYS: dict[str, dict[str, tuple[type, bool]]] = {
    "": {"id": (str, True), "title": (str, True), "description": (str, True), "theme": (str, True),
         "partner": (str, True), "licence": (str, True), "keywords": (list, False), "unit": (str, False),
         "files": (list, False), "attribution": (str, False),
         "columns": (dict, True), "filter": (dict, False), "categories": (dict, True), "derive": (dict, False),
         "pseudonyms": (dict, False), "policy": (dict, False), "rate": (dict, False)},
    "columns": {"required": (list, True), "personal": (list, False), "date": (str, True), "category": (str, False),
                "x": (str, True), "y": (str, True), "crs": (str, False), "area": (str, False),
                "area_vintage": (str, False), "unique": (str, False)},
    "filter": {"column": (str, True), "equals": (str, False), "not_equals": (str, False)},
    "categories": {"names": (list, True), "variants": (dict, False)},
    "derive": {"category": (str, False), "period": (str, False), "period_label": (str, False)},
    "pseudonym": {"kind": (str, True), "from": (list, True)},
    "policy": {"method": (str, False), "threshold": (int, False), "geography": (str, False), "years": (bool, False),
               "finest": (dict, False), "finest_year": (dict, False)},
    "rate": {"denominator": (str, False), "per": (int, False), "label": (str, False)},
}
METHODS = ("suppression", "cell_key")
LEVELS = ("oa", "lsoa", "msoa", "ward", "district")
FAMILIES = ("2011", "2021")
VINTAGES = ("2011", "2021", "mixed")
ID = re.compile(r"[a-z][a-z0-9_]{1,39}")


class DefinitionError(ValueError):
    """A definition the hub cannot use: the file, the key and what to change."""


class _Reader:
    """Takes keys out of one table of a definition, checking type and presence."""

    def __init__(self, where: str, table: str, values: dict[str, Any], spec: str | None = None):
        self.where, self.table, self.values = where, table, values
        self.spec = KEYS[table if spec is None else spec]
        unknown = sorted(set(values) - set(self.spec))
        if unknown:
            self.fail(unknown[0], f"is not a key of {self.section}; the keys are: {', '.join(self.spec)}. "
                                  "Check its spelling (docs/DATASETS.md lists every key)")

    @property
    def section(self) -> str:
        return f"[{self.table}]" if self.table else "the top level"

    def fail(self, key: str, problem: str) -> NoReturn:
        raise DefinitionError(f"{self.where}: key '{self.key(key)}' {problem}")

    def key(self, key: str) -> str:
        return f"{self.table}.{key}" if self.table else key

    def get(self, key: str, default: Any = None) -> Any:
        kind, needed = self.spec[key]
        if key not in self.values:
            if needed:
                self.fail(key, f"is missing: add it to {self.section}")
            return default
        value = self.values[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(key, f"must be {_TYPE_NAMES[kind]}, not {type(value).__name__}")
        if kind is str and not value.strip() and needed:
            self.fail(key, "is empty: give it a value")
        if kind is list and not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "must list non-empty strings")
        return value

    def table_of(self, key: str, spec: str | None = None) -> _Reader:
        return _Reader(self.where, self.key(key), self.get(key, {}), spec or key)

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.get(key, default)
        if value not in options:
            self.fail(key, f"is '{value}', which is not one of {', '.join(options)}: use one of those")
        return value


_TYPE_NAMES = {str: "text in quotes", int: "a whole number", bool: "true or false", list: "a list [...]",
               dict: "a table"}


def read(path: Path) -> DatasetSchema:
    """The dataset a definition file describes, or DefinitionError naming file, key and fix."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DefinitionError(f"definition {path} not found: check the path") from None
    except UnicodeDecodeError:
        raise DefinitionError(f"{path}: not UTF-8 text; save the definition as UTF-8") from None
    return parse(text, str(path))


def parse(text: str, where: str) -> DatasetSchema:
    """``read`` for the text of a definition (``where`` names it in messages)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{where}: not valid TOML ({exc}); see the examples in jin_hub/datasets/") from None
    top = _Reader(where, "", doc)
    dataset = top.get("id")
    if not ID.fullmatch(dataset):
        top.fail("id", f"'{dataset}' must be 2-40 lower-case letters, digits or _, starting with a letter")
    columns = top.table_of("columns")
    required = columns.get("required")
    personal = columns.get("personal", [])
    derivations = top.table_of("derive")
    categorise = _named(derivations, "category", derive.CATEGORY, "category_column")
    category_column = columns.get("category", "")
    if categorise is derive.category_column and not category_column:
        columns.fail("category", "is missing: name the column holding the category, or set derive.category")

    def present(reader: _Reader, key: str, value: str) -> str:
        if value and value not in required:
            reader.fail(key, f"names column '{value}', which is not in columns.required: add it there")
        return value

    for key in ("date", "x", "y", "area", "unique", "category"):
        present(columns, key, columns.get(key, ""))
    for name, needs in derive.NEEDS.items():
        if derive.CATEGORY.get(name) is categorise and not set(needs) <= set(required):
            derivations.fail("category", f"'{name}' reads column(s) {', '.join(needs)}: add them to "
                                         "columns.required")
    crs = columns.get("crs", "EPSG:27700")
    try:
        CRS.from_user_input(crs)
    except CRSError:
        columns.fail("crs", f"'{crs}' is not a coordinate reference system: use e.g. EPSG:27700 or EPSG:4326")
    area = columns.get("area", "")
    vintage = columns.choice("area_vintage", VINTAGES, "mixed") if area else ""
    if not area and "area_vintage" in columns.values:
        columns.fail("area_vintage", "is set but columns.area is not: name the area code column, or remove it")

    row_filter = None
    if "filter" in doc:
        rule = top.table_of("filter")
        ops = [op for op in ("equals", "not_equals") if op in rule.values]
        if len(ops) != 1:
            rule.fail("equals", "or filter.not_equals must be given, exactly one of them")
        row_filter = (present(rule, "column", rule.get("column")), ops[0], rule.get(ops[0]))

    cats = top.table_of("categories")
    names = cats.get("names")
    if not names or len(set(names)) != len(names):
        cats.fail("names", "must list each category once, at least one")
    if "all" in names:
        cats.fail("names", "cannot hold 'all': it is the total over categories")
    variants = cats.get("variants", {})
    for raw, canonical in variants.items():
        if not isinstance(canonical, str):
            cats.fail(f"variants.{raw}", "must map to a category name in quotes")
        if categorise is derive.category_column and canonical not in names:
            cats.fail(f"variants.{raw}", f"maps to '{canonical}', which is not in categories.names")

    pseudonyms = {}
    keyed = top.get("pseudonyms", {})
    for name, spec in keyed.items():
        if not isinstance(spec, dict):
            top.fail(f"pseudonyms.{name}", "must be a table with kind and from")
        one = _Reader(where, f"pseudonyms.{name}", spec, "pseudonym")
        inputs = one.get("from")
        for column in inputs:
            if column not in required and column not in personal:
                one.fail("from", f"names column '{column}', which is in neither columns.required nor "
                                 "columns.personal: add it to one of them")
        pseudonyms[name] = (one.get("kind"), tuple(inputs))
    policy = _policy(top.table_of("policy"), names)
    if policy.method == "cell_key" and "record_key" not in pseudonyms:
        top.fail("pseudonyms", "has no record_key, which policy.method 'cell_key' needs (each record's key for its "
                               "noise): add record_key = { kind = \"<dataset id>\", from = [<id column>] }")

    return DatasetSchema(
        id=dataset, title=top.get("title"), description=top.get("description").strip(), theme=top.get("theme"),
        partner=top.get("partner"), keywords=tuple(top.get("keywords", [])), required=tuple(required),
        personal=tuple(personal), date_column=columns.get("date"), category_column=category_column,
        x_column=columns.get("x"), y_column=columns.get("y"), categories=tuple(names), variants=dict(variants),
        licence=top.get("licence"), attribution=top.get("attribution", ""), unit=top.get("unit", "recorded incidents"),
        categorise=None if categorise is derive.category_column else categorise,
        period_of=_named(derivations, "period", derive.PERIOD),
        period_label=_named(derivations, "period_label", derive.PERIOD_LABEL),
        pseudonyms=pseudonyms, policy=policy,
        denominator=top.table_of("rate").get("denominator", "population"),
        rate_per=_positive(top.table_of("rate"), "per", 1000), rate_label=top.table_of("rate").get("label", ""),
        crs=crs, area_column=area, area_vintage=vintage, row_filter=row_filter,
        unique_column=columns.get("unique", ""), files=tuple(top.get("files", DatasetSchema.files)),
        source=Path(where).name)


def _named(reader: _Reader, key: str, registry: dict[str, Callable], default: str | None = None) -> Any:
    """The derivation ``key`` names (or ``default``), from its registry."""
    name = reader.get(key, default)
    if name is None:
        return None
    if name not in registry:
        reader.fail(key, f"names '{name}', which is not a derivation; the {key} derivations are: "
                         f"{', '.join(registry)}")
    return registry[name]


def _positive(reader: _Reader, key: str, default: int) -> int:
    value = reader.get(key, default)
    if value < 1:
        reader.fail(key, f"is {value}: it must be 1 or more")
    return value


def _policy(reader: _Reader, categories: list[str]) -> ReleasePolicy:
    """The release policy table, each finest geography a level and each key a category."""
    base = ReleasePolicy()
    threshold = _positive(reader, "threshold", base.threshold)
    if not 2 <= threshold <= 100:
        reader.fail("threshold", f"is {threshold}: use a threshold from 2 to 100 (the partnership's usual is 5 or 10)")

    def finest(key: str, default: dict[str, str]) -> dict[str, str]:
        rules = reader.get(key, default)
        for category, level in rules.items():
            if category not in (*categories, "all", "*"):
                reader.fail(f"{key}.{category}", "is not a category: use one of categories.names, 'all' (the total) "
                                                 "or '*' (every other category)")
            if level not in LEVELS:
                reader.fail(f"{key}.{category}", f"is '{level}', not a geography level: use one of {', '.join(LEVELS)}")
        return dict(rules)

    years = reader.get("years", base.years)
    return ReleasePolicy(method=reader.choice("method", METHODS, base.method), threshold=threshold,
                         finest=finest("finest", base.finest), years=years,
                         finest_year=finest("finest_year", base.finest_year) if years else {},
                         family=reader.choice("geography", ("", *FAMILIES), ""))
