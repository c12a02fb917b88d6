"""What an installed wheel holds: `packages = find:` skips folders without __init__.py, and
package data is only what setup.cfg's globs name (an editable install hides both mistakes)."""

from __future__ import annotations

import configparser
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ivfp_bt"


def test_every_folder_of_modules_is_a_package():
    folders = {path.parent for path in PACKAGE.rglob("*.py")}
    assert [str(f.relative_to(PACKAGE)) for f in sorted(folders) if not (f / "__init__.py").is_file()] == []


def test_the_web_pages_files_are_all_package_data():
    config = configparser.ConfigParser()
    config.read(PACKAGE.parent / "setup.cfg")
    globs = config["options.package_data"]["ivfp_bt.web"].split(",")
    web = PACKAGE / "web"
    shipped = {path for pattern in globs for path in web.glob(pattern.strip())}
    assert sorted(str(p.relative_to(web)) for p in (web / "static").rglob("*") if p.is_file() and p not in shipped) == []
