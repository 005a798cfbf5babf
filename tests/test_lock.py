"""Reproducible installs: constraints.txt pins every dependency pyproject.toml names (and theirs),
and this environment runs exactly those versions, so the suite passes with what a fresh machine gets."""

from __future__ import annotations

import importlib.metadata
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from portal.config import PROJECT_ROOT

FIX = "run `make lock` (it pins what pyproject.toml names), then `make install` and commit constraints.txt"


def pins() -> list[Requirement]:
    lines = (PROJECT_ROOT / "constraints.txt").read_text().splitlines()
    return [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]


def test_every_dependency_in_pyproject_is_pinned_in_the_lock():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    pinned = {canonicalize_name(pin.name): pin for pin in pins()}
    for requirement in wanted:
        pin = pinned.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in constraints.txt: {FIX}"
        version = next(iter(pin.specifier)).version
        assert requirement.specifier.contains(version, prereleases=True), (
            f"constraints.txt pins {pin}, outside pyproject.toml's {requirement}: {FIX}"
        )


def test_every_pin_is_exact_and_installed_here_at_that_version():
    for pin in pins():
        assert [spec.operator for spec in pin.specifier] == ["=="], f"{pin}: a lock pins one version"
        if pin.marker is not None and not pin.marker.evaluate():
            continue  # for another platform or Python
        installed = importlib.metadata.version(pin.name)
        assert pin.specifier.contains(installed, prereleases=True), (
            f"{pin.name} {installed} is installed, the lock says {pin.specifier}: run `make install`"
        )
