"""`cli.py instruments`: the built-in instrument library, as a list or as JSON."""

from __future__ import annotations

from collections.abc import Callable

from measures import Instrument, available_instruments


def instrument_entry(instrument: Instrument) -> dict:
    """One instrument of ``instruments --json``: id, name, version, use, items, scales, ..."""
    return {
        "id": instrument.id,
        "name": instrument.name,
        "version": instrument.version,
        "use": instrument.use,
        "higher_is": instrument.higher_is,
        "normed": instrument.normed,
        "items": len(instrument.items),
        "scales": [s.id for s in instrument.scales],
        "languages": sorted({lang for item in instrument.items for lang in (item.text or {})}),
        "citation": instrument.citation,
        "license": instrument.license,
    }


def instruments_command(args, emit_json: Callable[[dict], None]) -> int:
    """List the instruments, built-in then users' own, as lines or one JSON object."""
    instruments = available_instruments()
    if args.json:
        emit_json({"instruments": [instrument_entry(i) for i in instruments]})
        return 0
    for i in instruments:
        scales = ", ".join(s.id for s in i.scales)
        print(f"{i.id:22} {i.name} ({len(i.items)} items; scales: {scales})")
    return 0
