"""An on-disk cache of the lexicons' expanded regex sources, so start-up skips the expansion.

Turning a lexicon's word lists into prefix tries (`fast_alternation`) took about as long as
compiling the resulting regexes: 0.1 s of start-up each (issue 14). The expansion is a pure
function of the word lists and of the code that expands them, so its results are kept in one
JSON file keyed by a hash of the lexicon files, the expanding code, the package and the Python
version. Only source strings are kept, never compiled objects: every regex is still compiled
from them, and a file that is unreadable, of another format or key, or whose checksum does not
match its sources is ignored and rewritten (the caller also rebuilds without the cache when a
cached source fails to compile).

Where: `$REDFLAG_CACHE_DIR`, else `$XDG_CACHE_HOME/redflag`, else `~/.cache/redflag`;
`REDFLAG_CACHE_DIR=off` keeps nothing on disk. A directory that cannot be written is no error:
the rules are built as without a cache.
"""

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from services.classifier.wordforms import fast_alternation

#: Bump when the file's layout changes; a file of another format is rebuilt.
FORMAT = 1
_WORDFORMS = Path(__file__).with_name("wordforms.py")


def cache_dir() -> Path | None:
    """The directory for cache files, or None when caching on disk is off."""
    chosen = os.environ.get("REDFLAG_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in {"", "off", "0", "none"} else Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "redflag" if xdg else Path.home() / ".cache" / "redflag"


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
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".lexicons-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(tmp, self.path)
            for stale in self.path.parent.glob("lexicons-*.json"):  # of older lexicons or code
                if stale != self.path:
                    stale.unlink(missing_ok=True)
        except OSError:  # a read-only or full disk: the next start-up expands again
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            return
        self._added = False


def _digest(sources: object) -> str:
    """A checksum of the sources, so a damaged file is noticed before any is used."""
    text = json.dumps(sources, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
