"""From a checked operation element to the answer's XML, through the spyne @rpc method.

spyne's own request pipeline (parse, decompose, deserialize, serialize) costs several times the
database work per call, so the transport reads the envelope once (soap_service.envelope),
calls the method's function from the spyne descriptor directly and writes the returned wire
model in its declared field order. tests/soap prove that this output is exactly what spyne's
Soap11 serializer writes for every answer shape, and that both validate against the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree  # type: ignore[import-untyped]

from soap_service.contract import TNS
from soap_service.faults import Code, client
from soap_service.service import Aanroep

Method = Callable[..., Any]


@dataclass(frozen=True)
class Operation:
    """One @rpc method with the element names and WS-Addressing action of its answer."""

    name: str
    method: Method
    response: str
    result: str

    @property
    def action(self) -> str:
        return f"{TNS}/{self.response}"


@dataclass(frozen=True)
class _Context:
    """The part of spyne's MethodContext the methods use."""

    udc: Aanroep


def operations(application: Any) -> dict[str, Operation]:
    """The spyne Application's operations by the Clark name of their request element."""
    table: dict[str, Operation] = {}
    descriptors = (d for service in application.services for d in service.public_methods.values())
    for descriptor in descriptors:
        request = descriptor.in_message.get_type_name()
        out = descriptor.out_message
        result = next(iter(out._type_info))
        table[f"{{{TNS}}}{request}"] = Operation(
            descriptor.name, descriptor.function, out.get_type_name(), result
        )
    return table


def find(table: Mapping[str, Operation], element: etree._Element) -> Operation:
    operation = table.get(element.tag)
    if operation is None:
        raise client(Code.NIET_CONFORM_XSD, "onbekende operatie of verkeerde namespace")
    return operation


def call(operation: Operation, element: etree._Element, aanroep: Aanroep) -> Any:
    """Run the @rpc method with the (schema-checked) arguments in their declared order (bsn,
    and for RegistertoetsSamenloop wet); returns the wire model."""
    return operation.method(_Context(aanroep), *(child.text for child in element))


def _field(name: str, value: object) -> str:
    """One element; a nested wire model as its fields, a list as repeated elements."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, list):
        return "".join([_field(name, item) for item in value])
    elif hasattr(type(value), "_type_info"):
        return f"<tns:{name}>{_fields(value)}</tns:{name}>"
    else:
        text = str(value)
    return f"<tns:{name}>{escape(text)}</tns:{name}>"


def _fields(model: Any) -> str:
    """Every non-empty field in declared order, never xsi:nil."""
    values = model.__dict__
    return "".join(
        [_field(name, values[name]) for name in type(model)._type_info if values[name] is not None]
    )


def response_xml(operation: Operation, model: Any) -> str:
    """The response element around the result's fields."""
    return (
        f"<tns:{operation.response}><tns:{operation.result}>{_fields(model)}"
        f"</tns:{operation.result}></tns:{operation.response}>"
    )
