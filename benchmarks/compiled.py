"""Run a script against the classifier as wheels ship it: compiled by mypyc.

    python benchmarks/compiled.py SCRIPT [ARGS...]
    python benchmarks/compiled.py benchmarks/bench_classify.py --items 3000 --cpu-time

An editable install runs the classifier as pure Python; the wheel (`pip install .`, the Docker
image) runs it compiled (hatch_build.py). This builds that wheel from the working tree, with
`REDFLAG_COMPILE=require` and no build isolation (the dev extra holds hatchling and mypy),
unpacks it under .cache/compiled/<digest of the sources>, and runs SCRIPT with that tree first on
`sys.path`, so `services` and `schemas` come from the wheel. It stops if a module pyproject lists
for compiling was imported as Python. A start-up the script times in a fresh interpreter of its
own is not covered (it imports the sources).
"""

import hashlib
import os
import runpy
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILD = ("--no-build-isolation", "--wheel-dir")


def _wheel_config() -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(config["tool"]["hatch"]["build"]["targets"]["wheel"])


def compiled_modules() -> list[str]:
    """The modules pyproject lists for mypyc, as dotted names."""
    paths = _wheel_config()["hooks"]["custom"]["modules"]
    return [p.removesuffix(".py").replace("/", ".") for p in paths]


def digest() -> str:
    """What the compiled tree is built from: the packages' sources and the build files."""
    h = hashlib.sha256()
    files = [ROOT / "pyproject.toml", ROOT / "hatch_build.py"]
    packages = _wheel_config()["packages"]
    files += sorted(p for d in packages for p in (ROOT / d).rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" not in path.parts and path.suffix not in {".so", ".pyc"}:
            h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def build(dest: Path | None = None) -> Path:
    """The unpacked compiled wheel of the working tree (built once per `digest`)."""
    site = dest or ROOT / ".cache" / "compiled" / digest()
    if (site / "services").is_dir():
        return site
    with tempfile.TemporaryDirectory() as wheels:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                *BUILD,
                wheels,
                str(ROOT),
            ],
            check=True,
            env={**os.environ, "REDFLAG_COMPILE": "require"},
        )
        (wheel,) = Path(wheels).glob("redflag-*.whl")
        partial = site.with_name(site.name + ".part")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(partial)
        partial.rename(site)
    return site


def run(site: Path, script: str, args: list[str]) -> None:
    """Run `script` as `__main__` with the compiled tree first on the path."""
    sys.path.insert(0, str(site))
    for name in compiled_modules():
        module = __import__(name, fromlist=["_"])
        if not str(module.__file__).endswith((".so", ".pyd")):
            raise SystemExit(f"{name} was imported from {module.__file__}, not compiled")
    sys.argv = [script, *args]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    run(build(), sys.argv[1], sys.argv[2:])
