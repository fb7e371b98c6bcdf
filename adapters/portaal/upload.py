"""The portal's one upload (Aanleveren): a multipart/form-data body parsed by Falcon's own
multipart handler (`req.get_media()`), the file part spooled to a temporary file as the REST
upload's body is, the text fields handed to WTForms like any posted form.

The body is within the route's limit before Falcon sees it (adapters.bodylimit, raised for this
path only when the request carries a session cookie: a stranger cannot make the service spool
60 MB)."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO, cast

import falcon

from adapters.files.aanlevering import MAX_BYTES

MULTIPART = "multipart/form-data"
STANDAARD_NAAM = "aanlevering.csv"
# The file may be MAX_BYTES, as over the API; the form's other fields and the multipart
# framing fit easily in 64 KiB more.
LIMIET = MAX_BYTES + 64 * 1024
_IN_MEMORY = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Upload:
    """A file posted in a form: its (cleaned) name, its declared type, its bytes, rewound."""

    bestandsnaam: str
    media: str
    inhoud: BinaryIO

    @property
    def grootte(self) -> int:
        size = self.inhoud.seek(0, 2)
        self.inhoud.seek(0)
        return size


def bestandsnaam(raw: str | None) -> str:
    """The last path part of the name the browser sent, without control characters."""
    name = _CONTROL.sub("", PurePosixPath((raw or "").replace("\\", "/")).name).strip()
    return name[:255] or STANDAARD_NAAM


def _spool(stream: Any) -> BinaryIO:
    buffer = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115 - handed on
    shutil.copyfileobj(stream, buffer, 64 * 1024)
    buffer.seek(0)
    return cast(BinaryIO, buffer)


def lees_multipart(req: falcon.Request) -> dict[str, list[Any]]:
    """The form's fields: text values as strings, files as Upload. A body that is not valid
    multipart is an empty form (which then fails its CSRF check: nothing changes)."""
    velden: dict[str, list[Any]] = {}
    try:
        for part in req.get_media():
            if part.filename == "":  # a file field left empty: no file chosen
                part.stream.read()
            elif part.filename is not None:
                upload = Upload(bestandsnaam(part.filename), part.content_type, _spool(part.stream))
                _uploads(req).append(upload)
                velden.setdefault(part.name, []).append(upload)
            else:
                velden.setdefault(part.name, []).append(part.get_text() or "")
    except falcon.MediaMalformedError:
        sluit(req)
        return {}
    return velden


def sluit(req: falcon.Request) -> None:
    """Close the spooled files of this request (the middleware calls it when it is done)."""
    for upload in _uploads(req):
        upload.inhoud.close()
    req.context.uploads = []


def _uploads(req: falcon.Request) -> list[Upload]:
    if "uploads" not in req.context:
        req.context.uploads = []
    uploads: list[Upload] = req.context.uploads
    return uploads
