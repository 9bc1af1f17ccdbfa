"""The exit codes, written once: distinct, stable values a cron job can rely on."""

from __future__ import annotations

from assistant import exit_codes
from assistant.exit_codes import (
    DESCRIPTIONS,
    EXIT_BAD_INPUT,
    EXIT_CANNOT_WRITE,
    EXIT_DELIVERY_FAILED,
    EXIT_NO_DATA,
    EXIT_OK,
    EXIT_PARTIAL,
)


def test_values_are_the_documented_ones():
    assert (EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT, EXIT_NO_DATA, EXIT_DELIVERY_FAILED, EXIT_CANNOT_WRITE) == (
        0, 1, 2, 3, 4, 5)


def test_every_code_is_described_once():
    codes = {name: value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    assert len(set(codes.values())) == len(codes)
    assert set(DESCRIPTIONS) == set(codes.values())
