"""Add the base model's logits probe (capcheck.probe) to baselines recorded before it existed.

    python scripts/backfill_probe.py baselines/smollm2-135m-instruct [--model M]

Only the "probe" field is added: the script refuses a file whose text would change in
any other way, and a file recorded from another model (by fingerprint). The probe is
scored with the engine and dtype each baseline names, so it is what record mode would
have stored. Suites are not re-run.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from capcheck import baseline, probe
from capcheck.atomic import write_text_atomic
from capcheck.checkpoint import resolve
from capcheck.engines import EngineConfig, load_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a baselines/<model> folder")
    parser.add_argument("--model", default=None, help="the base model (default: the embedded model)")
    parser.add_argument("--force", action="store_true", help="replace a probe that is already there")
    ns = parser.parse_args(argv)
    checkpoint = resolve(ns.model)
    files = sorted(ns.folder.glob("*.json"))
    todo: dict[tuple[str, str], list[tuple[Path, dict]]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        if baseline.dumps(data) != text:
            sys.exit(f"{path}: not in capcheck's stable format; refusing to rewrite it")
        if "probe" in data and not ns.force:
            print(f"{path}: has a probe already")
            continue
        if data["model"]["fingerprint"] != checkpoint.fingerprint:
            sys.exit(f"{path}: recorded from model {data['model']['fingerprint']}, not {checkpoint.fingerprint}")
        engine = data["engine"]
        todo.setdefault((engine["name"], engine["dtype"]), []).append((path, data))
    for (engine_name, dtype), items in todo.items():
        engine = load_engine(engine_name, checkpoint, EngineConfig(dtype=dtype))
        try:
            fingerprint = probe.run(engine)
        finally:
            engine.close()
        if fingerprint is None:
            sys.exit(f"engine {engine_name} gives no probe")
        for path, data in items:
            data["probe"] = fingerprint
            errors = baseline._schema_errors(data)
            if errors:
                sys.exit(f"{path}: the probe would make it invalid: {errors}")
            write_text_atomic(path, baseline.dumps(data))
            print(f"{path}: probe added ({engine_name}, {dtype}, {len(fingerprint['items'])} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
