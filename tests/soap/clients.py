"""zeep and suds as WSDL-driven clients of the WSGI app in-process (see stack-notes: zeep's
sync Transport uses requests, so post and load are routed to werkzeug's test client)."""

from __future__ import annotations

from typing import Any

import requests
import suds.client
import suds.transport
import zeep
import zeep.transports
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

from tests.soap.conftest import URL

WSDL_URL = f"http://testserver{URL}?wsdl"


class WsgiZeepTransport(zeep.transports.Transport):
    """Sends zeep's requests to a WSGI app; records the last request body."""

    def __init__(self, client: Client, headers: dict[str, str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.client = client
        self.headers = headers
        self.sent: list[bytes] = []

    def _load_remote_data(self, url: str) -> bytes:
        response = self.client.get(url)
        assert response.status_code == 200, response.status_code
        return bytes(response.data)

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> requests.Response:
        self.sent.append(message)
        headers = {**headers, **self.headers}
        got = self.client.post(address, data=message, headers=headers, buffered=True)
        response = requests.Response()
        response.status_code = got.status_code
        response.headers = CaseInsensitiveDict(dict(got.headers))
        response._content = got.data
        response.encoding = "utf-8"
        return response


def zeep_client(client: Client, headers: dict[str, str]) -> Any:
    transport = WsgiZeepTransport(client, headers)
    return zeep.Client(WSDL_URL, transport=transport)  # type: ignore[no-untyped-call]


class WsgiSudsTransport(suds.transport.Transport):  # type: ignore[misc]
    """suds's transport interface (open for the WSDL, send for calls) onto a WSGI app."""

    def __init__(self, client: Client, headers: dict[str, str]) -> None:
        super().__init__()
        self.client = client
        self.headers = headers
        self.sent: list[bytes] = []

    def open(self, request: Any) -> Any:
        import io

        return io.BytesIO(self.client.get(request.url).data)

    def send(self, request: Any) -> Any:
        self.sent.append(request.message)
        headers = {**dict(request.headers), **self.headers}
        got = self.client.post(request.url, data=request.message, headers=headers, buffered=True)
        if got.status_code >= 300 and got.status_code != 500:
            raise suds.transport.TransportError(got.status, got.status_code)
        return suds.transport.Reply(got.status_code, dict(got.headers), got.data)


def suds_client(client: Client, headers: dict[str, str]) -> Any:
    transport = WsgiSudsTransport(client, headers)
    return suds.client.Client(WSDL_URL, transport=transport, cache=None)
