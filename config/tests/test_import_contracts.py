"""The import contracts (.importlinter) cover every package of the project.

import-linter analyses only its root packages, so an app left out of them is silently
unchecked; this test makes forgetting it a failure. `lint-imports` itself runs in `make test`.
"""
from __future__ import annotations

import configparser

from django.conf import settings

BASE_DIR = settings.BASE_DIR
LOWER_PARTS = {"config", "api", "tenancy", "core"}


def _contracts() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    assert parser.read(BASE_DIR / ".importlinter"), ".importlinter is missing"
    return parser


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def test_every_project_package_is_a_root_package_and_a_required_layer():
    contracts = _contracts()
    packages = {path.name for path in BASE_DIR.iterdir() if (path / "__init__.py").is_file()}
    roots = set(_lines(contracts["importlinter"]["root_packages"]))
    layers = _lines(contracts["importlinter:contract:layers"]["layers"])
    required = {layer for layer in layers if not layer.startswith("(")}
    optional = {layer.strip("()") for layer in layers if layer.startswith("(")}
    assert packages == roots
    assert roots == required
    assert not optional & packages, "an app that exists must not stay an optional layer"


def test_api_may_import_no_app():
    contracts = _contracts()
    roots = set(_lines(contracts["importlinter"]["root_packages"]))
    api_contract = contracts["importlinter:contract:api-imports-no-app"]
    forbidden = set(_lines(api_contract["forbidden_modules"]))
    assert forbidden == roots - LOWER_PARTS
