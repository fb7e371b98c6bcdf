"""The SOAP 1.1 envelope on the wire: read a request once with a safe parser, write answers.

Reading refuses, before any service code runs: anything that is not XML, a DOCTYPE (and so every
entity declaration), a SOAP 1.2 or other envelope namespace (VersionMismatch), an envelope that
is not an optional Header and one Body, and a Body that does not hold exactly one element (the
operation element, which soap_service.app then checks against the contract's schema).
Namespace prefixes, an XML declaration, comments and whitespace are the sender's business.
WS-Addressing 1.0 headers are accepted; only MessageID matters, for the answer's RelatesTo.
Other headers, mustUnderstand or not, are ignored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree  # type: ignore[import-untyped]

from soap_service.contract import TNS, safe_parser
from soap_service.faults import VERSIE, Code, SoapFout, client

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
WSA_FAULT_ACTION = "http://www.w3.org/2005/08/addressing/soap/fault"

_ENVELOPE = f"{{{SOAP11}}}Envelope"
_HEADER = f"{{{SOAP11}}}Header"
_BODY = f"{{{SOAP11}}}Body"
_MESSAGE_ID = f"{{{WSA}}}MessageID"

_OPEN = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    f'<soap11env:Envelope xmlns:soap11env="{SOAP11}" xmlns:tns="{TNS}">'
)
_CLOSE = "</soap11env:Body></soap11env:Envelope>"


@dataclass(frozen=True)
class Verzoek:
    """A request that passed the envelope checks: its operation element and WS-A MessageID."""

    operatie: etree._Element
    message_id: str | None


def _ongeldig(omschrijving: str) -> SoapFout:
    return client(Code.ONGELDIGE_ENVELOP, omschrijving)


_GEEN_DTD = client(
    Code.ONGELDIGE_ENVELOP, "een DOCTYPE (DTD of entiteit) is in SOAP niet toegestaan"
)


def _parse(body: bytes) -> etree._Element:
    # Seen in the bytes first (the parser, which never fetches or expands anything, would
    # only call an entity bomb invalid XML), then in what the parser found (UTF-16 input).
    if b"<!DOCTYPE" in body:
        raise _GEEN_DTD
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _ongeldig("het bericht is geen geldige XML") from exc
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise _GEEN_DTD
    return root


def _parts(root: etree._Element) -> tuple[etree._Element | None, etree._Element]:
    """(Header or None, Body) of a SOAP 1.1 envelope."""
    if root.tag != _ENVELOPE:
        if etree.QName(root).localname == "Envelope":
            raise VERSIE
        raise _ongeldig("het bericht is geen SOAP-envelop")
    children = list(root)
    header = children.pop(0) if children and children[0].tag == _HEADER else None
    if len(children) != 1 or children[0].tag != _BODY:
        raise _ongeldig("een SOAP-envelop bevat een optionele Header en dan precies een Body")
    if (root.text or "").strip() or any((c.tail or "").strip() for c in root):
        raise _ongeldig("tekst tussen de elementen van de envelop")
    return header, children[0]


def _operation(body: etree._Element) -> etree._Element:
    children = list(body)
    if len(children) != 1 or (body.text or "").strip() or (children[0].tail or "").strip():
        raise client(Code.NIET_CONFORM_XSD, "de Body moet precies een operatie-element bevatten")
    return children[0]


def _message_id(header: etree._Element | None) -> str | None:
    found = header.find(_MESSAGE_ID) if header is not None else None
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def read(body: bytes) -> Verzoek:
    """Check a request envelope; raise the SoapFout to answer with when it fails."""
    header, soap_body = _parts(_parse(body))
    return Verzoek(_operation(soap_body), _message_id(header))


def _addressing(message_id: str | None, action: str) -> str:
    if message_id is None:
        return ""
    return (
        f'<soap11env:Header xmlns:wsa="{WSA}">'
        f"<wsa:Action>{escape(action)}</wsa:Action>"
        f"<wsa:MessageID>urn:uuid:{uuid.uuid4()}</wsa:MessageID>"
        f"<wsa:RelatesTo>{escape(message_id)}</wsa:RelatesTo>"
        "</soap11env:Header>"
    )


def answer(body_xml: str, message_id: str | None, action: str) -> bytes:
    """A complete response envelope around body_xml (which uses the tns prefix)."""
    head = _addressing(message_id, action)
    return f"{_OPEN}{head}<soap11env:Body>{body_xml}{_CLOSE}".encode()


def fault(fout: SoapFout, message_id: str | None = None) -> bytes:
    """The fault envelope: faultcode, faultstring and the qualified `fout` in detail."""
    text = escape(fout.omschrijving)
    body = (
        "<soap11env:Fault>"
        f"<faultcode>soap11env:{fout.faultcode}</faultcode>"
        f"<faultstring>{text}</faultstring>"
        "<detail><tns:fout>"
        f"<tns:code>{escape(fout.code.value)}</tns:code>"
        f"<tns:omschrijving>{text}</tns:omschrijving>"
        "</tns:fout></detail>"
        "</soap11env:Fault>"
    )
    return answer(body, message_id, WSA_FAULT_ACTION)
