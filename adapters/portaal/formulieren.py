"""The portal's forms, parsed and validated by WTForms.

Only the form's shape is checked here (required fields, allowed choices, two passwords alike);
what a value means (a BSN's elfproef, a password's length, an e-mail address, a right) is the
store's to decide, and its refusal is put next to the field it is about (`fout_bij`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import falcon
from wtforms import (
    FileField,
    Form,
    HiddenField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from adapters.portaal.upload import MULTIPART, lees_multipart
from store.gebruikers import Gebruikersrecht

FORM = "application/x-www-form-urlencoded"
_MAX_VELDEN = 100


class Formulierdata(dict[str, list[str]]):
    """A posted form as WTForms reads it (a multidict with getlist)."""

    def getlist(self, key: str) -> list[str]:
        return self.get(key, [])


def lees(req: falcon.Request) -> Formulierdata:
    """The posted form: urlencoded, or multipart with a file (adapters.portaal.upload); anything
    else is an empty form (which fails its CSRF check). The body is within its route's limit
    (adapters.bodylimit, before Falcon)."""
    media = (req.content_type or "").split(";")[0].strip().lower()
    if req.method == "POST" and media == MULTIPART:
        return Formulierdata(lees_multipart(req))
    if req.method != "POST" or media != FORM:
        return Formulierdata()
    body = req.bounded_stream.read().decode("latin-1")
    velden = parse_qs(
        body, keep_blank_values=True, encoding="utf-8", errors="replace", max_num_fields=_MAX_VELDEN
    )
    return Formulierdata(velden)


def lees_query(req: falcon.Request) -> Formulierdata:
    """A GET form's fields (a report's period), as WTForms reads them."""
    velden: dict[str, list[str]] = {}
    for naam, waarde in req.params.items():
        velden[naam] = list(waarde) if isinstance(waarde, list) else [waarde]
    return Formulierdata(velden)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _Basis(Form):
    class Meta:
        locales = ("nl",)  # WTForms' own messages (such as "Ongeldige keuze.") in Dutch


def fout_bij(veld: Any, melding: str) -> None:
    """Put a refusal of the store next to its field (after validate())."""
    veld.errors = [*veld.errors, melding]


class InloggenFormulier(_Basis):
    email = StringField("E-mailadres", [DataRequired("Vul uw e-mailadres in.")], filters=[_strip])
    wachtwoord = PasswordField("Wachtwoord", [InputRequired("Vul uw wachtwoord in.")])
    volgende = HiddenField()


class WachtwoordFormulier(_Basis):
    token = HiddenField()
    wachtwoord = PasswordField("Nieuw wachtwoord", [InputRequired("Kies een wachtwoord.")])
    herhaling = PasswordField(
        "Herhaal het nieuwe wachtwoord",
        [
            InputRequired("Herhaal het wachtwoord."),
            EqualTo("wachtwoord", "De twee wachtwoorden zijn niet gelijk."),
        ],
    )


# Choices as WTForms 3.3's shorthand {value: label} (tuples are deprecated there).
WETTEN = {"wmo": "Wmo 2015", "jw": "Jeugdwet"}


class RegistertoetsFormulier(_Basis):
    bsn = StringField("BSN", [DataRequired("Vul een BSN in.")], filters=[_strip])
    wet = RadioField("Wet", [InputRequired("Kies de wet.")], choices=dict(WETTEN), default="wmo")


class _Vinkjes(SelectMultipleField):
    """Checkboxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


RECHTEN = {
    Gebruikersrecht.REGISTERTOETS.value: "Registertoets: een BSN toetsen",
    Gebruikersrecht.AANLEVEREN.value: "Aanleveren: de populatie aanleveren",
    Gebruikersrecht.OPHALEN.value: "Ophalen: signaalbestanden ophalen",
    Gebruikersrecht.RAPPORTEN.value: "Rapporten: rapporten downloaden",
    Gebruikersrecht.INSTELLINGEN.value: "Instellingen: mailadres en signaalversie",
    Gebruikersrecht.GEBRUIKERSBEHEER.value: "Gebruikersbeheer: gebruikers beheren",
}


def _rechten() -> _Vinkjes:
    # Not WTForms' message, which repeats what was posted (a crafted form's text on the page).
    # WTForms 3.3 takes invalid_choice_message; types-WTForms does not know it yet.
    return _Vinkjes(  # type: ignore[call-arg]
        "Rechten", choices=dict(RECHTEN), invalid_choice_message="Kies alleen rechten uit de lijst."
    )


class RechtenFormulier(_Basis):
    rechten = _rechten()


class GebruikerFormulier(_Basis):
    email = StringField("E-mailadres", [DataRequired("Vul het e-mailadres in.")], filters=[_strip])
    rechten = _rechten()


class AantalSignalenFormulier(_Basis):
    """The Aantal Wlz signalen report's period: van and tot as dd-mm-jjjj (both count). What a
    date is, is store.datums's to say (the one date rule)."""

    wet = RadioField("Wet", [InputRequired("Kies de wet.")], choices=dict(WETTEN), default="wmo")
    van = StringField("Van", [DataRequired("Vul de eerste dag in.")], filters=[_strip])
    tot = StringField("Tot en met", [DataRequired("Vul de laatste dag in.")], filters=[_strip])


class MailFormulier(_Basis):
    """The productbeheerder's address for the service's mails (is it an address: the store's)."""

    mail = StringField(
        "E-mailadres voor meldingen", [DataRequired("Vul een e-mailadres in.")], filters=[_strip]
    )


VERSIES = {
    "1": "Versie 1: de Wlz-gegevens",
    "2": "Versie 2: ook de leveringsvormen, de startdatum zorg en het advies",
}


class VersieFormulier(_Basis):
    versie = RadioField("Versie", [InputRequired("Kies een versie.")], choices=dict(VERSIES))


SOORTEN = {
    "mutaties": "Mutaties: wijzigingen op de populatie die er al is",
    "initieel": "Initieel: de hele populatie (wie er niet in staat, vervalt)",
    "controle": "Alleen controleren: niets verwerken, wel het verslag",
}


class AanleverFormulier(_Basis):
    wet = RadioField("Wet", [InputRequired("Kies de wet.")], choices=dict(WETTEN), default="wmo")
    soort = RadioField(
        "Soort aanlevering",
        [InputRequired("Kies de soort aanlevering.")],
        choices=dict(SOORTEN),
        default="mutaties",
    )
    bestand = FileField("Bestand (CSV)")
