"""Which CPUs the harness runs on: ``--cpus 0`` pins it (and every process it starts) to one core, as a
small fanless box would run the kiosk; ``taskset -c 0 make bench`` does the same from outside, and the
report says which it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class CpuListError(ValueError):
    """A ``--cpus`` list that cannot be used here; the message says why in one line."""


def parse_cpu_list(text: str) -> set[int]:
    """CPU numbers from a taskset-style list: "0", "0,1", "0-3", "0-1,3" (spaces allowed around commas)."""
    cpus: set[int] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            raise CpuListError(f"{text!r}: an empty entry in the CPU list (write e.g. 0 or 0,1 or 0-3)")
        low, dash, high = part.partition("-")
        try:
            first, last = int(low), int(high) if dash else int(low)
        except ValueError:
            raise CpuListError(f"{text!r}: {part!r} is not a CPU number or range (e.g. 0 or 0-3)") from None
        if first < 0 or last < first:
            raise CpuListError(f"{text!r}: {part!r} is not a range from a lower to a higher CPU number")
        cpus.update(range(first, last + 1))
    return cpus


@dataclass(frozen=True)
class Affinity:
    """The CPUs this process may run on, out of how many the machine has, and who chose them."""

    cpus: tuple[int, ...]
    machine_cpus: int
    pinned_by: str  # "--cpus", "from outside (taskset or a cgroup)", or "" when every CPU is allowed

    @property
    def pinned(self) -> bool:
        return bool(self.pinned_by)

    def describe(self) -> str:
        """One line for the report: "CPU affinity: CPU 0 — 1 of 2 CPUs, pinned with --cpus"."""
        listed = ",".join(str(cpu) for cpu in self.cpus)
        word = "CPU" if len(self.cpus) == 1 else "CPUs"
        how = {"": "not pinned", "--cpus": "pinned with --cpus"}.get(
            self.pinned_by, f"pinned {self.pinned_by}"
        )
        return f"CPU affinity: {word} {listed} — {len(self.cpus)} of {self.machine_cpus} CPUs, {how}"

    def to_json(self) -> dict[str, object]:
        return {"cpus": list(self.cpus), "machine_cpus": self.machine_cpus, "pinned_by": self.pinned_by}


def current_affinity(pinned_here: bool = False) -> Affinity:
    """This process's CPU affinity; fewer CPUs than the machine has means someone pinned it."""
    allowed = tuple(sorted(os.sched_getaffinity(0)))
    machine = os.cpu_count() or len(allowed)
    by = "--cpus" if pinned_here else ("from outside (taskset or a cgroup)" if len(allowed) < machine else "")
    return Affinity(allowed, machine, by)


def pin(text: str) -> Affinity:
    """Pin this process, and so every process it starts from now on, to the CPUs in ``text``."""
    wanted = parse_cpu_list(text)
    allowed = os.sched_getaffinity(0)
    if not wanted <= allowed:
        missing = ",".join(str(cpu) for cpu in sorted(wanted - allowed))
        usable = ",".join(str(cpu) for cpu in sorted(allowed))
        raise CpuListError(f"{text!r}: CPU {missing} is not available here (usable: {usable})")
    os.sched_setaffinity(0, wanted)
    return current_affinity(pinned_here=True)
