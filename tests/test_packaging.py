"""A normal (non-editable) install keeps the contract files, the reference data and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_wsdl_data_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("samenloop-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "store/data/gemeenten-2025.csv",
        "store/data/rvig-tabel33-gemeenten-2022-11.csv",
        "store/data/gemeenten-mutaties-2023-2025.csv",
        "store/migrations/env.py",
        "store/migrations/versions/0001_foundation.py",
        "adapters/cli.py",
        "adapters/rest/openapi.json",
        "adapters/portaal/templates/base.html",
        "adapters/portaal/static/portaal.css",
        "soap_service/__init__.py",
        "wsdl/__init__.py",
    }
    expected |= {
        f"wsdl/{p.name}" for p in (ROOT / "wsdl").iterdir() if p.suffix in (".wsdl", ".xsd")
    }
    assert expected <= names, expected - names
    assert not any(n.startswith(("tests/", "bench/", "fixtures/")) for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "samenloop = adapters.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
