"""How the benchmarks' figures are summed up and shown: each is measured once a round,
rounds taken in turn, and shown as its median with the least and the most of them."""

import os
import statistics
from collections.abc import Sequence


def spread(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def shown(values: Sequence[float], scale: float = 1.0, digits: int = 2) -> str:
    """``median [least–most]``, each multiplied by ``scale``."""
    figures = spread(values)
    return (
        f"{figures['median'] * scale:.{digits}f}"
        f" [{figures['min'] * scale:.{digits}f}–{figures['max'] * scale:.{digits}f}]"
    )


def ratios(baseline: Sequence[float], ours: Sequence[float]) -> list[float]:
    """Round by round, the baseline's time over ours: samskab's speed as a share of the
    baseline's (above 1: faster)."""
    return [base / mine for base, mine in zip(baseline, ours, strict=True)]


def shares(ours: Sequence[float], theirs: Sequence[float]) -> list[float]:
    """Round by round, a rate of ours (actions per second) over theirs."""
    return [mine / other for mine, other in zip(ours, theirs, strict=True)]


def verdict(value: float, target: float, *, at_least: bool = True) -> str:
    met = value >= target if at_least else value <= target
    return f"({'≥' if at_least else '≤'} {target:g}: {'met' if met else 'NOT met'})"


def machine() -> dict:
    """The cores and the load averages over 1, 5 and 15 minutes: the machine may be
    shared, and what else runs shows in the figures."""
    return {"cores": os.cpu_count(), "load": [round(load, 2) for load in os.getloadavg()]}


def said_machine(when: str, figures: dict) -> str:
    load = ", ".join(f"{value:.2f}" for value in figures["load"])
    return f"Machine at {when}: {figures['cores']} cores, load average {load} (1, 5, 15 minutes)"
