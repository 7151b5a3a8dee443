"""Loads greenroom's plugins: the built-in domains first, then installed packages."""

from __future__ import annotations

import importlib
from functools import lru_cache

import pluggy

from greenroom import hookspecs

ENTRY_POINT_GROUP = "greenroom.plugins"

# Built-in domains register through the same hooks as outside plugins.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "greenroom.ops.hooks",
    "greenroom.web.hooks",
    "greenroom.auth.hooks",
    "greenroom.audit.hooks",
    "greenroom.catalog.hooks",
    "greenroom.squads.hooks",
)


def build_plugin_manager(*, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the built-in plugins and, optionally, installed ones."""
    manager = pluggy.PluginManager("greenroom")
    manager.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager


@lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager."""
    return build_plugin_manager()


def installed_plugins() -> list[str]:
    """Names of the plugins that are loaded, built-in ones included."""
    manager = get_plugin_manager()
    return sorted(name for name, _ in manager.list_name_plugin() if name)
