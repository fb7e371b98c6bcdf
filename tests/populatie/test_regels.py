"""Every rule of bestanden.md section 1, each with its own fixture file and its exact message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.files.aanlevering import MAX_BYTES
from store.models import Aanlevering, Abonnement
from tests.populatie.conftest import D, Upload, aanlevering, populatie_van

ALLEEN_CIJFERS = "mag alleen de cijfers 0-9 bevatten (geen punten, streepjes, spaties of letters)"
DATUMVORM = "geen datum in de vorm dd-mm-jjjj (bijvoorbeeld 15-03-2020)"
VIER_VELDEN = "verwacht 4 (BSN, Gemeentecode, Ingangsdatum, Einddatum)"

AFGEKEURD = [
    ("leeg.csv", ["het bestand is leeg"]),
    ("alleen-lege-regels.csv", ["het bestand bevat alleen lege regels"]),
    (
        "binair.csv",
        ["het bestand is geen tekstbestand (binaire inhoud); lever een CSV-bestand aan"],
    ),
    ("utf16.csv", ["het bestand is UTF-16; sla het op als CSV UTF-8 (komma gescheiden)"]),
    (
        "ongeldige-utf8.csv",
        ["het bestand bevat tekens die geen UTF-8 zijn; sla het op als CSV UTF-8"],
    ),
    (
        "komma-aan-eind.csv",
        [f"regel 1: 5 velden, {VIER_VELDEN}; haal de komma aan het eind van de regel weg"],
    ),
    (
        "te-weinig-velden.csv",
        [
            f"regel 1: 2 velden, {VIER_VELDEN}; laat een leeg veld staan als komma's, "
            "bijvoorbeeld 999900006,0363,01-03-2026,"
        ],
    ),
    ("bsn-met-punten.csv", [f"regel 1, BSN: {ALLEEN_CIJFERS}"]),
    ("bsn-met-streepjes.csv", [f"regel 1, BSN: {ALLEEN_CIJFERS}"]),
    ("bsn-arabische-cijfers.csv", [f"regel 1, BSN: {ALLEEN_CIJFERS}"]),
    ("bsn-acht-cijfers.csv", ["regel 1, BSN: 8 cijfers; vul aan met een voorloopnul"]),
    ("bsn-elfproef.csv", ["regel 1, BSN: voldoet niet aan de elfproef"]),
    ("bsn-ontbreekt.csv", ["regel 1, BSN: ontbreekt"]),
    ("jaar-twee-cijfers.csv", [f"regel 1, Ingangsdatum: {DATUMVORM}"]),
    ("eencijferige-dag.csv", [f"regel 1, Ingangsdatum: {DATUMVORM}"]),
    ("datum-iso.csv", [f"regel 1, Ingangsdatum: {DATUMVORM}"]),
    ("datum-schuine-strepen.csv", [f"regel 1, Einddatum: {DATUMVORM}"]),
    ("onmogelijke-datum.csv", ["regel 1, Ingangsdatum: bestaat niet in de kalender"]),
    (
        "excel-puntkomma.csv",
        [
            "regel 1: scheidingsteken ';' gevonden, verwacht ','",
            "regel 2: scheidingsteken ';' gevonden, verwacht ','",
        ],
    ),
    ("tab-gescheiden.csv", ["regel 1: scheidingsteken tab gevonden, verwacht ','"]),
    (
        "lege-regel-voor-eerste.csv",
        ["regel 1: lege regel; lege regels mogen alleen aan het eind staan"],
    ),
    ("lege-regel-tussen.csv", ["regel 2: lege regel; lege regels mogen alleen aan het eind staan"]),
    ("kopregel.csv", ["regel 1: lijkt een kopregel; kopregels zijn niet toegestaan"]),
    (
        "gemeentecode-bestaat-niet.csv",
        ["regel 1, Gemeentecode: gemeentecode 9999 bestaat niet"],
    ),
    (
        "gemeentecode-opgeheven.csv",
        [
            "regel 40, Gemeentecode: 0501 (Brielle) is per 01-01-2023 opgegaan in "
            "1992 (Voorne aan Zee)"
        ],
    ),
    (
        "gemeentecode-niet-toegestaan.csv",
        [
            "regel 1, Gemeentecode: 0599 hoort niet bij de gemeenten waarvoor 0363 aanlevert "
            "voor de wmo (0363, 0437); haal deze regel weg"
        ],
    ),
    (
        "gemeentecode-drie-cijfers.csv",
        ["regel 1, Gemeentecode: 3 cijfers; vul aan met een voorloopnul tot 4 cijfers (0363)"],
    ),
    (
        "gemeentecode-letters.csv",
        ["regel 1, Gemeentecode: moet 4 cijfers zijn (bijvoorbeeld 0363)"],
    ),
    (
        "meerdere-fouten.csv",
        [
            "regel 2, BSN: voldoet niet aan de elfproef",
            "regel 2, Gemeentecode: gemeentecode 9999 bestaat niet",
            "regel 2, Einddatum: bestaat niet in de kalender",
            f"regel 3, Ingangsdatum: {DATUMVORM}",
            f"regel 4: 5 velden, {VIER_VELDEN}; haal de komma aan het eind van de regel weg",
            "regel 5, BSN: 8 cijfers; vul aan met een voorloopnul",
            "regel 5, Gemeentecode: 0599 hoort niet bij de gemeenten waarvoor 0363 aanlevert "
            "voor de wmo (0363, 0437); haal deze regel weg",
        ],
    ),
]


@pytest.fixture
def bestaande_populatie(upload: Upload, sessions: sessionmaker[Session]) -> object:
    assert not upload("initieel-geldig.csv", initieel=True).afgekeurd
    return populatie_van(sessions)


@pytest.mark.parametrize(("name", "fouten"), AFGEKEURD, ids=[n for n, _ in AFGEKEURD])
def test_afgekeurd_with_its_own_message_and_nothing_changes(
    name: str,
    fouten: list[str],
    upload: Upload,
    sessions: sessionmaker[Session],
    bestaande_populatie: object,
) -> None:
    verslag = upload(name)
    assert verslag.status == "afgekeurd"
    assert verslag.fouten.regels() == fouten
    assert verslag.aantallen is None
    assert populatie_van(sessions) == bestaande_populatie
    # The afgekeurde aanlevering is kept with its verslag, to be fetched later.
    with sessions() as s:
        kept = s.scalars(select(Aanlevering).order_by(Aanlevering.id.desc())).first()
    assert kept is not None and kept.status == "afgekeurd" and kept.bestandsnaam == name
    assert kept.verslag["fouten"] == [m.as_dict() for m in verslag.fouten.getoond]


def test_past_1000_errors_the_first_1000_and_the_total(upload: Upload) -> None:
    verslag = upload("veel-fouten.csv")
    assert verslag.fouten.totaal == 1200
    lines = verslag.fouten.regels()
    assert len(lines) == 1001
    assert lines[999] == "regel 1000, BSN: voldoet niet aan de elfproef"
    assert lines[-1] == "... en nog 200 (totaal 1200)"
    assert verslag.as_dict()["aantalFouten"] == 1200
    assert len(verslag.as_dict()["fouten"]) == 1000


def test_a_file_over_the_size_limit_names_the_limit(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    data = aanlevering("initieel-geldig.csv").read_bytes()
    verslag = upload(data, max_bytes=len(data) - 1)
    assert verslag.afgekeurd
    assert verslag.fouten.regels() == [
        f"het bestand is groter dan {len(data) - 1} bytes, de grens voor één aanlevering; "
        "lever het in delen aan (eerst initieel, daarna de rest als mutaties)"
    ]
    assert MAX_BYTES == 60 * 1024 * 1024
    assert not upload(data, max_bytes=len(data)).afgekeurd


def test_the_default_limit_is_named_in_megabytes() -> None:
    from adapters.files.aanlevering import _grootte

    assert _grootte(MAX_BYTES) == "60 MB"
    assert _grootte(1_234_567) == "1.234.567 bytes"


def test_real_exports_are_accepted(upload: Upload, sessions: sessionmaker[Session]) -> None:
    """UTF-8 BOM, CRLF, quotes, spaces around fields, optional fields of spaces, blank end."""
    verslag = upload("windows-bom-crlf-quotes-spaties.csv")
    assert verslag.status == "afgeleverd", verslag.fouten.regels()
    assert verslag.aantal_regels == 3
    pop = populatie_van(sessions)
    assert {k: v[:2] for k, v in pop.items()} == {
        ("0363", "999900006"): (D.replace(year=2020), None),
        ("0437", "999900018"): (D.replace(year=2021, month=1), None),
        ("0363", "999900031"): (None, D.replace(month=6, day=15)),
    }


def test_the_order_of_ingangsdatum_and_einddatum_is_not_checked(upload: Upload) -> None:
    verslag = upload("einddatum-voor-ingangsdatum.csv")
    assert verslag.status == "afgeleverd"
    assert verslag.aantallen is not None and verslag.aantallen.nieuw == 1


def test_an_unregistered_sender_is_refused_and_nothing_is_kept(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    from store.populatie import AanleveringFout

    with pytest.raises(AanleveringFout, match="gemeente 0344 is niet geregistreerd"):
        upload("initieel-geldig.csv", gemeente="0344")
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Aanlevering)) == 0
        assert s.scalar(select(func.count()).select_from(Abonnement)) == 0


def test_gemeente_existence_is_checked_on_the_peildatum(upload: Upload) -> None:
    """0501 existed until 2023; a peildatum in 2022 knows it (but 0363 may not deliver for it)."""
    verslag = upload("gemeentecode-opgeheven.csv", peildatum=D.replace(year=2022))
    assert verslag.fouten.regels() == [
        "regel 40, Gemeentecode: 0501 hoort niet bij de gemeenten waarvoor 0363 aanlevert "
        "voor de wmo (0363, 0437); haal deze regel weg"
    ]
