"""Wheels ship the classifier's pure modules compiled with mypyc; editable installs do not.

The classifier is ordinary typed Python between many small regex calls, and mypyc turns those
modules into C extensions that give the same outputs faster (docs/benchmarks.md, "Compiled
classifier"). The modules to compile are `modules` in pyproject's
`[tool.hatch.build.targets.wheel.hooks.custom]`. A wheel keeps each module's `.py` beside its
`.so` (Python imports the extension first). Editable installs stay pure Python, so an edited
module takes effect at once. A machine without a C compiler gets a pure-Python wheel and a
warning; `REDFLAG_COMPILE=require` makes that an error (the Docker image sets it), and
`REDFLAG_COMPILE=no` skips compiling.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Installed packages (pydantic, opencc) are read as untyped, so the compiled code is the same
# whatever the build environment holds: an isolated build's, or a venv's in the test.
MYPY_ARGS = ("--no-site-packages", "--ignore-missing-imports", "--follow-imports=silent")


def compile_modules(root: Path, packages: list[str], modules: list[str], out: Path) -> list[Path]:
    """Compile `modules` (paths under `root`) in a copy of the wheel's `packages` at `out`
    (whole: mypy reads what the modules import); the built extensions (one per module and the
    shared library mypyc links them to)."""
    for package in packages:
        shutil.copytree(
            root / package,
            out / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"),
        )
    subprocess.run(  # noqa: S603 - our interpreter, our module list
        [sys.executable, "-m", "mypyc", *MYPY_ARGS, *modules],
        cwd=out,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    found = [*out.glob("*"), *(p for package in packages for p in (out / package).rglob("*"))]
    return sorted(p for p in found if p.suffix in {".so", ".pyd"})


class CompileClassifier(BuildHookInterface):  # type: ignore[misc]
    """Adds the compiled classifier to a wheel build."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        mode = os.environ.get("REDFLAG_COMPILE", "auto")
        if version == "editable" or mode == "no":
            return
        self._out = Path(tempfile.mkdtemp(prefix="redflag-mypyc-"))
        try:
            packages = list(self.build_config.target_config["packages"])
            modules = list(self.config["modules"])
            built = compile_modules(Path(self.root), packages, modules, self._out)
        except (OSError, subprocess.CalledProcessError) as exc:
            output = getattr(exc, "stdout", b"") or b""
            if mode == "require":
                sys.stderr.write(output.decode(errors="replace")[-4000:])
                raise
            self.app.display_warning(
                f"redflag: mypyc could not compile the classifier ({exc}); "
                "this wheel is pure Python (same outputs, slower)"
            )
            return
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(self._out).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
