"""The one elfproef and the one date parser that every path uses."""

from __future__ import annotations

from datetime import date
from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.bsn import bsn_fout, elfproef
from store.datums import DatumFout, parse_datum
from store.demo import synthetic_bsns


@pytest.mark.parametrize(
    ("value", "reden"),
    [
        ("225422979", None),
        ("999900006", None),
        ("999900007", "voldoet niet aan de elfproef"),
        ("000000000", "negen nullen is geen BSN"),
        ("12345678", "8 cijfers; vul aan met een voorloopnul"),
        ("1234567890", "moet 9 cijfers hebben, niet 10"),
        ("", "ontbreekt"),
        (
            "1234.56.782",
            "mag alleen de cijfers 0-9 bevatten (geen punten, streepjes, spaties of letters)",
        ),
        (
            "٩٩٩٩٠٠٠٠٦",
            "mag alleen de cijfers 0-9 bevatten (geen punten, streepjes, spaties of letters)",
        ),
        (
            "99990000X",
            "mag alleen de cijfers 0-9 bevatten (geen punten, streepjes, spaties of letters)",
        ),
    ],
)
def test_bsn_reasons(value: str, reden: str | None) -> None:
    assert bsn_fout(value) == reden
    assert elfproef(value) is (reden is None)


def test_non_ascii_digits_that_would_pass_the_elfproef_are_refused() -> None:
    arabic = "".join(chr(0x660 + int(c)) for c in "999900006")
    assert arabic.isdigit() and int(arabic) == 999900006
    assert not elfproef(arabic)


def test_the_synthetic_range_yields_only_valid_bsns() -> None:
    bsns = list(islice(synthetic_bsns(), 50))
    assert len(set(bsns)) == 50
    assert all(elfproef(b) and "999900006" <= b <= "999999990" for b in bsns)


@given(st.text(max_size=12))
def test_reason_never_repeats_the_input(value: str) -> None:
    reden = bsn_fout(value)
    if reden is not None and len(value) >= 3:
        assert value not in reden


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15-03-2020", date(2020, 3, 15)),
        ("29-02-2024", date(2024, 2, 29)),
        ("01-01-1900", date(1900, 1, 1)),
    ],
)
def test_valid_dates(value: str, expected: date) -> None:
    assert parse_datum(value) == expected


@pytest.mark.parametrize(
    ("value", "fout"),
    [
        ("31-02-2020", "bestaat niet in de kalender"),
        ("29-02-2023", "bestaat niet in de kalender"),
        ("1-03-2020", "geen datum in de vorm dd-mm-jjjj"),
        ("01-3-2020", "geen datum in de vorm dd-mm-jjjj"),
        (" 01-03-2020", "geen datum in de vorm dd-mm-jjjj"),
        ("2020-03-15", "geen datum in de vorm dd-mm-jjjj"),
        ("15/03/2020", "geen datum in de vorm dd-mm-jjjj"),
        ("15-03-20", "geen datum in de vorm dd-mm-jjjj"),
        ("15-03-0020", "jaartal voor 1900"),
        ("١٥-٠٣-٢٠٢٠", "geen datum in de vorm dd-mm-jjjj"),
    ],
)
def test_invalid_dates(value: str, fout: str) -> None:
    with pytest.raises(DatumFout, match=fout):
        parse_datum(value)
