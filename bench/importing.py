"""Importing a spreadsheet of N partnerships (``samskab cases import``), against plain
sqlite3 storing the same rows (the baseline: the CSV read with the csv module, and each
row inserted as a case and its event, on tables shaped like samskab's, by
``executemany`` in transactions of as many rows as the import's batches: no checking, no
audit chain, no deadlines).

The file has the columns a municipality's list of partnerships has: a title, the step
each has reached (most of them "Aktivt partnerskab", with the date it was signed, which
its deadlines count from), the date it was opened, the organisation, its contact's
e-mail address, an area of work, a subsidy with a decimal comma, who signed and what the
municipality contributes. Each side runs in a process of its own, so that each peak
memory figure is its own:

    python -m bench.importing file FILE N      # the CSV file (the same for every N)
    python -m bench.importing engine FILE DB   # samskab's seconds and peak memory
    python -m bench.importing sqlite3 FILE DB  # the baseline's
"""

import csv
import itertools
import json
import random
import sys
import time
from pathlib import Path

from bench.memory import peak_rss_mb

HEADINGS = (
    "Titel",
    "Trin",
    "Oprettet",
    "Partnerorganisation",
    "Organisationens kontakt (e-mail)",
    "Indsatsområde",
    "Årligt tilskud (kr.)",
    "Aftalen underskrevet (dato)",
    "Underskrevet af",
    "Kommunens bidrag",
)
STEPS = ("Aktivt partnerskab", "Aktivt partnerskab", "Dialog med alle aktører", "Skriftlig aftale udformes")
NOW = "2026-11-23T08:00:00+00:00"


def write_file(path: str, n: int) -> None:
    """N rows, as Danish Excel saves a sheet as CSV (UTF-8 with a byte-order mark, ``;``)."""
    rng = random.Random(1)
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADINGS)
        for i in range(n):
            step = STEPS[i % len(STEPS)]
            signed = step == STEPS[0]
            writer.writerow(
                (
                    f"Partnerskab med Forening {i} (Ålholm)",
                    step,
                    f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2015, 2018)}",
                    f"Forening {i}",
                    f"kontakt{i}@forening{i % 500}.dk",
                    rng.choice(("Sundhed, kost og motion", "Friluftsliv", "Socialt arbejde")),
                    f"{rng.randint(1000, 99999)},{rng.randint(0, 99):02d}",
                    f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2019, 2025)}" if signed else "",
                    "Borgmesteren" if signed else "",
                    "Lokaler i medborgerhuset\nog kaffe",
                )
            )


def measure_engine(path: str, db: str) -> dict:
    from samskab.engine.service import open_service

    service = open_service(f"sqlite:{db}", lang="da")
    started = time.perf_counter()
    report = service.import_cases(Path(path), "partnerskab")
    seconds = time.perf_counter() - started
    assert not report.problems_total, report.problems[:3]
    return {"import_s": seconds, "created": report.created}


def measure_sqlite3(path: str, db: str) -> dict:
    from bench.actions import SAMSKAB_SHAPED, connect
    from samskab.engine.importing import BATCH

    conn = connect(db)
    conn.executescript(SAMSKAB_SHAPED)
    started = time.perf_counter()
    created, last = 0, 0
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = csv.reader(file, delimiter=";")
        headings = next(rows)
        batch: list[list[str]] = []
        for row in itertools.chain(rows, [None]):
            if row is not None:
                batch.append(row)
                if len(batch) < BATCH:
                    continue
            ids = range(last + 1, last + 1 + len(batch))
            fields = [
                json.dumps(dict(zip(headings, cells, strict=True)), ensure_ascii=False) for cells in batch
            ]
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO cases (id, title, process_id, version, definition_sha256, state, fields,"
                " created_at, updated_at, revision, owner) VALUES (?, ?, 'partnerskab', 1, 'x', ?, ?, ?, ?, 1, 'bench')",
                [
                    (i, cells[0], cells[1], f, NOW, NOW)
                    for i, cells, f in zip(ids, batch, fields, strict=True)
                ],
            )
            conn.executemany(
                "INSERT INTO events (case_id, at, actor, kind, to_state, changes, note)"
                " VALUES (?, ?, 'bench', 'created', ?, ?, 'importeret')",
                [(i, NOW, cells[1], f) for i, cells, f in zip(ids, batch, fields, strict=True)],
            )
            conn.execute("COMMIT")
            created, last, batch = created + len(batch), last + len(batch), []
    return {"import_s": time.perf_counter() - started, "created": created}


def main() -> None:
    if sys.argv[1] == "file":
        write_file(sys.argv[2], int(sys.argv[3]))
        return
    result = {"engine": measure_engine, "sqlite3": measure_sqlite3}[sys.argv[1]](sys.argv[2], sys.argv[3])
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
