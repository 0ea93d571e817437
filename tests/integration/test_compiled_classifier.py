"""The classifier as wheels ship it (compiled by mypyc, hatch_build.py) gives the outputs of the
sources, byte for byte; a machine that cannot compile still gets a working wheel."""

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CC = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which(CC) is None, reason=f"no C compiler ({CC})"),
    pytest.mark.skipif(
        importlib.util.find_spec("hatchling") is None, reason="hatchling (dev extra) missing"
    ),
]


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=env,
    )


@pytest.mark.timeout(900)
def test_the_compiled_classifier_classifies_every_corpus_as_the_sources_do(
    tmp_path: Path,
) -> None:
    pure, compiled = tmp_path / "pure.jsonl", tmp_path / "compiled.jsonl"
    done = _python("benchmarks/classify_snapshot.py", str(pure))
    assert done.returncode == 0, done.stderr
    done = _python("benchmarks/compiled.py", "benchmarks/classify_snapshot.py", str(compiled))
    assert done.returncode == 0, done.stdout + done.stderr  # names a module left uncompiled
    lines = pure.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 2 * 3 * 3000  # the three mixes, with the watchlist and without
    assert sum('"events": []' not in line for line in lines) > 1000
    assert compiled.read_text(encoding="utf-8").splitlines() == lines


@pytest.mark.timeout(600)
def test_a_machine_without_a_c_compiler_builds_a_pure_python_wheel(tmp_path: Path) -> None:
    env = {**os.environ, "CC": str(tmp_path / "no-such-cc"), "REDFLAG_COMPILE": "auto"}
    done = _python(
        "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
        "--wheel-dir", str(tmp_path), str(ROOT), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("redflag-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "services/classifier/core.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]
    assert "could not compile the classifier" in done.stdout + done.stderr

    env["REDFLAG_COMPILE"] = "require"  # the Docker image: no silent fallback
    done = _python(
        "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
        "--wheel-dir", str(tmp_path / "strict"), str(ROOT), env=env,
    )  # fmt: skip
    assert done.returncode != 0
