"""An installed copy of the package is whole: every subpackage, the templates and the stylesheet."""

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_lists_every_subpackage_and_the_resource_folders():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    assert listed == set(find_packages(ROOT, include=["drafting*"])) | {"drafting.templates", "drafting.static"}
