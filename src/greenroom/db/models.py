"""Imports every domain's tables so that Base.metadata knows the whole schema."""

from __future__ import annotations

import importlib

MODEL_MODULES: tuple[str, ...] = (
    "greenroom.catalog.models",
    "greenroom.web.models",
    "greenroom.auth.models",
    "greenroom.audit.models",
)


def import_all_models() -> None:
    for module_name in MODEL_MODULES:
        importlib.import_module(module_name)
