"""Every package the code imports is declared in pyproject.toml (issue 16, point 1): a package
that only arrives as someone else's dependency can vanish or jump versions under us."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_FOLDERS = ("equeue_ui", "pages", "components", "db", "migrations")
OURS = {*APP_FOLDERS, "tests", "scripts"}


def imported_top_level(folders: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {
        name
        for name in found
        if name not in OURS and name not in sys.stdlib_module_names and name != "__future__"
    }


def declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {
        _normalized(re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0])
        for requirement in requirements
    }


def undeclared(modules: set[str], allowed: set[str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for module in sorted(modules):
        owners = {_normalized(name) for name in distributions.get(module, [module])}
        if not owners & allowed:
            missing.append(f"{module} (from {', '.join(sorted(owners))})")
    return missing


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_app_declares_every_package_it_imports() -> None:
    assert not undeclared(imported_top_level(APP_FOLDERS), declared())


def test_the_tests_and_scripts_declare_every_package_they_import() -> None:
    assert not undeclared(imported_top_level(("tests", "scripts")), declared("test"))


def locked(path: str) -> dict[str, str]:
    """Distribution → version pinned in a lock file, each with at least one hash."""
    text = (ROOT / path).read_text(encoding="utf-8")
    pins: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)", block)
        if match:
            assert "--hash=sha256:" in block, f"{match[1]} is pinned without a hash in {path}"
            pins[_normalized(match[1])] = match[2]
    return pins


def test_the_lock_files_pin_every_declared_package_with_hashes() -> None:
    app, everything = locked("requirements.lock"), locked("requirements-test.lock")
    assert not declared() - set(app), "run `make lock`: pyproject.toml has new dependencies"
    assert not declared("test") - set(everything), "run `make lock`"
    assert {name: everything[name] for name in app} == app  # one version of each, both locks


def test_the_running_suite_uses_the_locked_versions() -> None:
    """What `make test` installed is what the lock says (a stale venv shows up here)."""
    pins = locked("requirements-test.lock")
    stale = {
        name: (importlib.metadata.version(name), version)
        for name, version in pins.items()
        if _installed(name) and importlib.metadata.version(name) != version
    }
    assert not stale, f"installed vs locked: {stale}; run `make venv`"


def _installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False  # for another platform (a marker excludes it here)
    return True
