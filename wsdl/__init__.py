"""The frozen WSDL contract files, shipped as package data so a normal install keeps them."""

from __future__ import annotations

from pathlib import Path

DIRECTORY = Path(__file__).parent
