"""The frozen WSDL in wsdl/: served as it is but for its address, and its schema as a checker.

The WSDL is the contract; nothing here generates it. The schema inside `wsdl:types` is what
incoming operation elements are validated against (and what the tests validate every answer
and fault against), so the service cannot accept or produce anything the contract does not
describe.
"""

from __future__ import annotations

import copy
from functools import cache
from xml.sax.saxutils import quoteattr

from lxml import etree  # type: ignore[import-untyped]

from wsdl import DIRECTORY

TNS = "urn:wlz:registertoets:v1"
SERVICE_PATH = "/soap/registertoets"
WSDL_FILE = DIRECTORY / "registertoets.wsdl"

_NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "xs": "http://www.w3.org/2001/XMLSchema"}
# The one placeholder the served copy replaces; the frozen file stays a valid WSDL for tools.
_FROZEN_LOCATION = b'location="http://localhost/soap/registertoets"'


def safe_parser() -> etree.XMLParser:
    """A parser that never loads a DTD, resolves an entity or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


@cache
def frozen_wsdl() -> bytes:
    return WSDL_FILE.read_bytes()


def served_wsdl(public_url: str) -> bytes:
    """The frozen WSDL with soap:address set to the configured public URL (never Host)."""
    address = public_url.rstrip("/") + SERVICE_PATH
    frozen = frozen_wsdl()
    if frozen.count(_FROZEN_LOCATION) != 1:
        raise RuntimeError(f"{WSDL_FILE.name}: soap:address placeholder not found exactly once")
    return frozen.replace(_FROZEN_LOCATION, b"location=" + quoteattr(address).encode("utf-8"))


def schema_element() -> etree._Element:
    """A standalone copy of the xs:schema inside wsdl:types."""
    root = etree.fromstring(frozen_wsdl(), safe_parser())
    found = root.find("wsdl:types/xs:schema", _NS)
    if found is None:
        raise RuntimeError(f"{WSDL_FILE.name}: no xs:schema in wsdl:types")
    return copy.deepcopy(found)


def schema() -> etree.XMLSchema:
    """The contract's XML Schema (a fresh validator: lxml validators are not shared)."""
    return etree.XMLSchema(etree.ElementTree(schema_element()))
