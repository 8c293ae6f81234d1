"""The plugin manager: built-in plugins from a default list, third-party ones from entry points.

Built-ins implement the same hooks a third-party plugin does and are registered first, from
`DEFAULT_PLUGINS`. Third-party plugins come from the entry-point group `wenzhuan`, loaded lazily
and once. `WENZHUAN_LOAD_PLUGINS` limits which load: unset loads all; a comma-separated list of
entry-point or distribution names loads only those; an empty value loads none (tests use it).
`WENZHUAN_BLOCK_PLUGINS` names plugins (built-in ones too) never to register.

A broken plugin (its import fails, it uses an unknown hook, a registration clashes or raises)
is recorded as a `Problem` with its name and distribution; every other plugin keeps working.
"""

from __future__ import annotations

import importlib
from typing import Iterable

import pluggy

from . import __version__, hookspecs, plugin_env
from .entry_points import entry_points
from .registry import REGISTRIES, Catalog, Problem, Provider

ENTRY_POINT_GROUP = "wenzhuan"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "wenzhuan.plugins.readers.text",
    "wenzhuan.plugins.readers.markdown",
    "wenzhuan.plugins.readers.html",
    # normalizer passes, in the order they run
    "wenzhuan.plugins.passes.debris",
    "wenzhuan.plugins.passes.mojibake",
    "wenzhuan.plugins.passes.pinyin",
    "wenzhuan.plugins.passes.punctuation",
    "wenzhuan.plugins.passes.metadata",
    "wenzhuan.plugins.passes.script",
    "wenzhuan.plugins.markdown",
    "wenzhuan.plugins.json",
    "wenzhuan.plugins.docx",
    "wenzhuan.plugins.toc",
    "wenzhuan.plugins.opencc",
    "wenzhuan.plugins.script",
    "wenzhuan.plugins.epub",
)


class PluginHost:
    """A plugin manager plus what its plugins registered. One per process for the CLI and
    the service (see `default_host`); tests make fresh ones."""

    def __init__(self, *, builtins: Iterable[str] = DEFAULT_PLUGINS, entry_points: bool = True,
                 load: set[str] | None = None, block: set[str] | None = None):
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.problems: list[Problem] = []
        self.provenance: dict[str, Provider] = {}
        for name in block or ():
            self.pm.set_blocked(name)
        for module_name in builtins:
            if self.pm.is_blocked(module_name):
                continue
            module = importlib.import_module(module_name)  # a broken built-in is our bug: fail loudly
            self.pm.register(module, module_name)
            self.provenance[module_name] = Provider(module_name, "wenzhuan", __version__, True)
        self.pm.check_pending()
        if entry_points:
            self._load_entry_points(load)
        self._catalog: Catalog | None = None

    def _load_entry_points(self, only: set[str] | None) -> None:
        for ep in entry_points(ENTRY_POINT_GROUP):
            dist, version = ep.distribution, ep.version
            if only is not None and ep.name not in only and dist not in only:
                continue
            if self.pm.is_blocked(ep.name) or self.pm.get_plugin(ep.name) is not None:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is the plugin's
                self.problems.append(Problem(ep.name, dist, f"failed to import: {type(exc).__name__}: {exc}"))
                continue
            self.add(plugin, ep.name, Provider(ep.name, dist, version))

    def add(self, plugin: object, name: str, provider: Provider | None = None) -> bool:
        """Register one plugin (a module or an object with hook implementations).

        Returns False, and records a problem, when pluggy refuses it (for example a misspelled
        hook name, caught by `check_pending`).
        """
        provider = provider or Provider(name)
        try:
            self.pm.register(plugin, name)
            self.pm.check_pending()
        except (pluggy.PluginValidationError, ValueError) as exc:
            if self.pm.get_plugin(name) is plugin:
                self.pm.unregister(plugin)
            self.problems.append(Problem(name, provider.distribution, f"invalid plugin: {exc}"))
            return False
        self.provenance[name] = provider
        self._catalog = None
        return True

    @property
    def catalog(self) -> Catalog:
        """What every plugin registered, built on first use by calling each hook implementation
        on its own, so one failing plugin does not stop the others."""
        if self._catalog is None:
            self._catalog = self._build_catalog()
        return self._catalog

    def _build_catalog(self) -> Catalog:
        catalog = Catalog(problems=list(self.problems))
        for hook_name, registry_cls in REGISTRIES.items():
            caller = getattr(self.pm.hook, hook_name)
            for impl in caller.get_hookimpls():
                provider = self.provenance.get(impl.plugin_name, Provider(impl.plugin_name))
                registry = registry_cls(catalog, provider)
                kwargs = {arg: registry for arg in impl.argnames if arg == "register"}
                try:
                    impl.function(**kwargs)
                except Exception as exc:  # noqa: BLE001 - the plugin's failure, reported as such
                    catalog.problems.append(Problem(
                        impl.plugin_name, provider.distribution,
                        f"{hook_name} raised {type(exc).__name__}: {exc}"))
        return catalog

    def plugins(self) -> list[dict]:
        """Every registered plugin: name, distribution, version, built-in or not, hooks it implements."""
        out = []
        for name, plugin in self.pm.list_name_plugin():
            provider = self.provenance.get(name, Provider(name))
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or ())
            out.append({"name": name, "distribution": provider.distribution,
                        "version": provider.version, "builtin": provider.builtin, "hooks": hooks})
        return out


_default: PluginHost | None = None


def default_host() -> PluginHost:
    """The process-wide host, loaded lazily and once, honouring the environment variables."""
    global _default
    if _default is None:
        load = plugin_env.to_load()
        _default = PluginHost(entry_points=load != set(), load=load, block=plugin_env.blocked())
    return _default


def reset_default_host() -> None:
    """Forget the process-wide host (tests; a service reloading plugins)."""
    global _default
    _default = None
