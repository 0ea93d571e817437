"""An on-disk cache of the lexicons' expanded regex sources, so start-up skips the expansion.

Turning a lexicon's word lists into prefix tries (`fast_alternation`) took about as long as
compiling the resulting regexes: 0.1 s of start-up each (issue 14). The expansion is a pure
function of the word lists and of the code that expands them, so its results are kept in one
JSON file keyed by a hash of the lexicon files, the expanding code, the package and the Python
version. Only source strings are kept, never compiled objects: every regex is still compiled
from them, and a file that is unreadable, of another format or key, or whose checksum does not
match its sources is ignored and rewritten (the caller also rebuilds without the cache when a
cached source fails to compile).

Where: `$XDG_CACHE_HOME/redflag`, else `~/.cache/redflag` (not a `REDFLAG_*` variable: those
are settings). A directory that cannot be written is no error: the rules are built as without
a cache, every time.
"""

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from services.classifier.wordforms import fast_alternation

#: Bump when the file's layout changes; a file of another format is rebuilt.
FORMAT = 1
#: Files of other keys (older lexicons or code) are deleted once this old.
STALE_SECONDS = 86_400
_WORDFORMS = Path(__file__).with_name("wordforms.py")


def cache_dir() -> Path | None:
    """The directory for cache files (the user's cache directory, as XDG places it)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "redflag"
    try:
        return Path.home() / ".cache" / "redflag"
    except RuntimeError:  # no home directory: nothing kept on disk
        return None


def cached_text(name: str, key: str, build: Callable[[], str]) -> str:
    """`build()`, kept on disk under `name` for `key` (a hash of all it depends on).

    The file holds its format, key and a checksum of the text; any mismatch or read error
    rebuilds it, and a directory that cannot be written only costs the build next time.
    """
    directory = cache_dir()
    path = directory / f"{name}-{key[:16]}.json" if directory else None
    if path is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and (data.get("format"), data.get("key")) == (FORMAT, key):
            text = data.get("text")
            if isinstance(text, str) and data.get("digest") == _digest(text):
                return text
    text = build()
    if path is not None:
        _write(path, {"format": FORMAT, "key": key, "digest": _digest(text), "text": text})
    return text


def _write(path: Path, data: dict[str, object]) -> bool:
    """Write JSON atomically and drop the files of other keys; False when it cannot."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".redflag-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(tmp, path)
        now = time.time()
        os.utime(path, (now, now))  # ages in our clock, whatever the file system's says
        prefix = path.name.rsplit("-", 1)[0]
        for stale in path.parent.glob(f"{prefix}-*.json"):  # of older inputs or code
            # a day old: another install sharing the directory rebuilds at most once a day
            if stale != path and stale.stat().st_mtime < now - STALE_SECONDS:
                stale.unlink(missing_ok=True)
    except OSError:  # a read-only or full disk: the next start-up builds again
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return False
    return True


def cache_key(files: Sequence[Path]) -> str:
    """A hash of everything the expansion depends on: inputs, code and versions."""
    from services import __version__  # noqa: PLC0415 - after the package is initialised

    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version_info[:2]}".encode())
    for path in (_WORDFORMS, *sorted(files)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class SourceCache:
    """Expanded alternations by their entries; `save` writes them back if any were added."""

    def __init__(self, key: str, directory: Path | None) -> None:
        self.key = key
        self.path = directory / f"lexicons-{key[:16]}.json" if directory else None
        self.sources: dict[str, str] = self._read()
        self.hits = self.misses = 0
        self._added = False

    def _read(self) -> dict[str, str]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, unreadable or not JSON: rebuilt
            return {}
        if not isinstance(data, dict):
            return {}
        if data.get("format") != FORMAT or data.get("key") != self.key:  # stale: rebuilt
            return {}
        sources = data.get("sources")
        if not isinstance(sources, dict) or data.get("digest") != _digest(sources):
            return {}  # damaged or cut short
        return {k: v for k, v in sources.items() if isinstance(k, str) and isinstance(v, str)}

    def alternation(self, items: Iterable[str]) -> tuple[str, bool]:
        """`fast_alternation(items)` and whether it came from the cache (then not yet checked)."""
        entries = list(items)
        key = json.dumps(entries, ensure_ascii=False)
        found = self.sources.get(key)
        if found is not None:
            self.hits += 1
            return found, True
        source = fast_alternation(entries)
        self.sources[key] = source
        self.misses += 1
        self._added = True
        return source, False

    def forget(self) -> None:
        """Drop every cached source (one failed to compile): the next `save` rewrites the file."""
        self.sources, self.hits, self.misses, self._added = {}, 0, 0, True

    def save(self) -> None:
        """Write the sources atomically when new ones were added; never fails the caller."""
        if self.path is None or not self._added:
            return
        data = {
            "format": FORMAT,
            "key": self.key,
            "digest": _digest(self.sources),
            "sources": self.sources,
        }
        if _write(self.path, data):
            self._added = False


def _digest(sources: object) -> str:
    """A checksum of the sources, so a damaged file is noticed before any is used."""
    text = json.dumps(sources, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
