"""Processing choices that read well and run the same from every caller.

A fixed list (classification, adjustment, page …) is an index-based enum whose options are readable,
translated labels, as QGIS's own GDAL algorithms do: models, batch runs and scripts store the index,
which stays valid because new options are only ever appended. Scripts and ``qgis_process`` may also
pass the stable id (``jenks``, ``fdr``, ``a4-landscape``) or the label, in any case: ``resolve`` turns
either into the id, and a wrong value gets a message listing the valid ones.
"""

from __future__ import annotations

from typing import Any, Union

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingParameterEnum

from ..core.option_lists import Choices, translated
from ..i18n import tr

__all__ = ["Choices", "as_indexes", "chosen", "enum_parameter", "resolve", "translated"]


def resolve(value: Union[str, int], options: Choices, what: str) -> str:
    """The id ``value`` names: an id or label in any case, or an index into ``options``."""
    text = str(value).strip()
    if text.isdigit() and int(text) < len(options):
        return options[int(text)][0]
    folded = text.casefold()
    for option_id, label in options:
        if folded in (option_id.casefold(), label.casefold()):
            return option_id
    raise QgsProcessingException(tr("'{value}' is not {what}: use one of {valid}").format(
        value=text, what=what, valid=", ".join(option_id for option_id, _ in options)))


def enum_parameter(name: str, description: str, options: Choices, default: str = "",
                   optional: bool = False) -> QgsProcessingParameterEnum:
    """A list of readable labels, stored as the index of ``default`` (else the first)."""
    ids = [option_id for option_id, _ in options]
    return QgsProcessingParameterEnum(name, description, [label for _, label in options],
                                      defaultValue=ids.index(default) if default in ids else 0, optional=optional)


def chosen(alg: QgsProcessingAlgorithm, parameters: dict, name: str, context: Any, options: Choices,
           what: str) -> str:
    """The id chosen for the enum ``name``, whether it was given as an index, an id or a label."""
    value = parameters.get(name)
    if isinstance(value, str) and value.strip() and not value.strip().isdigit():
        return resolve(value, options, what)
    return options[alg.parameterAsEnum(parameters, name, context)][0]


def as_indexes(parameters: dict, choices: dict[str, tuple[Choices, str]]) -> dict:
    """``parameters`` with every id or label given for an enum in ``choices`` replaced by its index, so
    QGIS's own checks accept it; raises ``QgsProcessingException`` naming a value no option matches."""
    out = dict(parameters)
    for name, (options, what) in choices.items():
        value = out.get(name)
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            out[name] = [option_id for option_id, _ in options].index(resolve(value, options, what))
    return out
