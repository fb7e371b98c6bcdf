"""Gemeenten reference data: what exists, what merged away, and loading a newer Tabel 33."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store import gemeenten

D = date(2026, 3, 1)


def test_every_gemeente_of_2025_exists_and_mergers_are_explained(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        reg = gemeenten.laad_register(session)
    current = [code for code, info in gemeenten.packaged().items() if info.bestaat_op(D)]
    assert len(current) == 342
    assert reg.fout("0363", D) is None
    assert reg.fout("1992", D) is None
    assert reg.fout("9999", D) == "gemeentecode 9999 bestaat niet"
    assert reg.fout("0000", D) == "gemeentecode 0000 bestaat niet"
    assert (
        reg.fout("0501", D) == "0501 (Brielle) is per 01-01-2023 opgegaan in 1992 (Voorne aan Zee)"
    )
    assert reg.fout("0457", D) == "0457 (Weesp) is per 24-03-2022 opgegaan in 0363 (Amsterdam)"
    # A chain of mergers names the gemeente that exists today.
    assert (
        reg.fout("0621", D)
        == "0621 (Vierpolders) is per 01-01-1980 opgegaan in 1992 (Voorne aan Zee)"
    )
    assert reg.fout("0501", date(2022, 12, 31)) is None


def _tabel33(tmp_path: Path, rows: list[str], encoding: str = "utf-16") -> Path:
    header = '"92.10 Gemeentecode","92.11 Omschrijving","92.12 Nieuwe code","99.98 Datum ingang","99.99 Datum einde"'
    path = tmp_path / "tabel33.csv"
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding=encoding)
    return path


def test_operator_loads_a_newer_utf16_tabel33(
    tmp_path: Path, cli_env: dict[str, str], sessions: sessionmaker[Session]
) -> None:
    path = _tabel33(
        tmp_path,
        [
            '"0000","Onbekend","","",""',
            '"0437","Ouder-Amstel","0363","","20270101"',
            '"1993","Nieuwstad","","20270101",""',
        ],
    )
    result = CliRunner().invoke(cli, ["gemeenten", "load", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "1 nieuw, 1 gewijzigd, 0 ongewijzigd" in result.output
    with sessions() as session:
        reg = gemeenten.laad_register(session)
    assert reg.fout("0437", date(2027, 1, 1)) == (
        "0437 (Ouder-Amstel) is per 01-01-2027 opgegaan in 0363 (Amsterdam)"
    )
    assert reg.fout("1993", date(2027, 1, 1)) is None
    assert reg.fout("0000", D) == "gemeentecode 0000 bestaat niet"


def test_a_broken_tabel33_changes_nothing(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = _tabel33(
        tmp_path, ['"0437","Ouder-Amstel","0363","","2027"', '"12","X","","",""'], "utf-8"
    )
    result = CliRunner().invoke(cli, ["gemeenten", "load", str(path)], env=cli_env)
    assert result.exit_code == 1
    assert "regel 2: datum '2027' is niet jjjjmmdd" in result.output
    assert "regel 3: gemeentecode '12' is geen 4 cijfers" in result.output


@pytest.mark.parametrize("raw", [b"", b"\x00\x01garbage", b"a,b\n", b"\xff\xfe\x00"])
def test_tabel33_without_its_header_is_refused(raw: bytes, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session, pytest.raises(gemeenten.Tabel33Fout):
        gemeenten.load_tabel33(session, raw)
