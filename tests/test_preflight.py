"""tools/preflight.py: the pure checks with fake readings, and real runs that change nothing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import preflight
from pins import normalise_name, pyproject_pins, required_python

REPO = Path(__file__).resolve().parent.parent


def test_the_pins_come_from_pyproject_and_the_python_from_requires_python():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pins = pyproject_pins(text)
    assert pins["numpy"].startswith("2.") and "line-profiler" in pins
    assert required_python(text) == (3, 11)


def test_requires_python_of_another_form_is_refused():
    with pytest.raises(ValueError, match="'>=X.Y', not '~=3.11'"):
        required_python('[project]\nrequires-python = "~=3.11"')


@pytest.mark.parametrize(("version", "status"), [((3, 11, 0), "ok"), ((3, 13, 1), "ok"),
                                                 ((3, 10, 14), "FAIL"), ((2, 7, 18), "FAIL")])
def test_python_version_is_compared_by_major_and_minor(version, status):
    assert preflight.check_python(version, (3, 11), "python3").status == status


def test_an_old_python_is_told_how_to_name_a_newer_one():
    line = preflight.check_python((3, 9, 2), (3, 11), "python3").line()
    assert line.startswith("FAIL Python 3.9.2 is older than the 3.11")
    assert line.endswith("make preflight PYTHON=python3.11")


@pytest.mark.parametrize(("free", "venv_exists", "status"), [
    (preflight.VENV_BYTES + preflight.DISK_MARGIN, False, "ok"),
    (preflight.VENV_BYTES + preflight.DISK_MARGIN - 1, False, "FAIL"),
    (preflight.DISK_MARGIN, True, "ok"),
    (preflight.DISK_MARGIN - 1, True, "FAIL"),
])
def test_disk_needs_the_venv_and_a_margin_or_only_the_margin_once_installed(free, venv_exists, status):
    assert preflight.check_disk(free, venv_exists).status == status


def test_the_disk_threshold_is_the_measured_venv_and_as_much_again():
    assert preflight.DISK_MARGIN >= preflight.VENV_BYTES


def test_ram_below_the_need_fails_and_says_what_to_do():
    assert preflight.check_ram(preflight.RAM_NEEDED).status == "ok"
    line = preflight.check_ram(preflight.RAM_NEEDED - 1).line()
    assert line.startswith("FAIL RAM: 1023 MiB available, the workshop needs 1.0 GiB")
    assert "JupyterHub" in line


def test_available_ram_reads_memavailable_not_memfree(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  16000000 kB\nMemFree:  1000 kB\nMemAvailable:  2048 kB\n")
    assert preflight.available_ram(str(meminfo)) == 2048 * 1024


def test_installed_versions_are_compared_with_the_pins_by_normalised_name():
    pins = {normalise_name("line_profiler"): "5.1.0", "numpy": "2.4.6"}
    assert preflight.check_installed(pins, {"line-profiler": "5.1.0", "numpy": "2.4.6"}).status == "ok"
    line = preflight.check_installed(pins, {"line-profiler": None, "numpy": "2.4.6"}).line()
    assert line == ("FAIL packages: .venv/ has line-profiler not installed: reinstall the pins "
                    "with rm .venv/.installed; make lab")


def test_a_resolution_that_finds_no_version_is_not_called_offline():
    line = preflight.check_resolution(
        1, "", "ERROR: Could not find a version that satisfies the requirement numpy==9.9\n"
        "ERROR: No matching distribution found for numpy==9.9", 15).line()
    assert line.startswith("FAIL packages: pip cannot install the pins here (ERROR: Could not find")
    assert "conda" in line


def test_a_resolution_counts_the_packages_pip_would_install():
    report = '{"install": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]}'
    line = preflight.check_resolution(0, report, "", 1).line()
    assert line.startswith("ok   packages: pip can install the 1 pinned packages here (2 with")


def test_a_timeout_of_pip_names_the_connection():
    assert "internet connection" in preflight.check_resolution(None, "", "", 15).text


def test_a_kernel_answer_that_is_not_a_png_fails():
    check = preflight.read_kernel_answer(0, "120 ffd8ffe000104a46\n", "", 1.0)
    assert check.status == "FAIL" and "not a PNG" in check.text


def test_a_kernel_that_crashed_reports_its_last_error_line():
    check = preflight.read_kernel_answer(1, "", "Traceback\nRuntimeError: Kernel died\n", 1.0)
    assert check.text.startswith("the kernel could not draw (RuntimeError: Kernel died)")


def test_a_check_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="not 'pass'"):
        preflight.Check("pass", "x")


def test_summary_counts_problems_in_the_plural():
    checks = [preflight.Check("FAIL", "a"), preflight.Check("FAIL", "b")]
    assert preflight.summary(checks) == ("preflight: 0 passed, 2 problems: fix the FAIL lines "
                                         "above, then run make preflight again")


def files_under(folder):
    """Every path under `folder` with its size and modification time."""
    return {(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in Path(folder).rglob("*")}


def run_preflight(script, env):
    """Run a copy of the preflight with the system Python, as `make preflight` does.

    Without ~/.cargo/bin on PATH: pip's user agent asks `rustc --version`, and a rustup proxy
    writes its settings into an empty HOME (a real HOME has them already).
    """
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".cargo" not in p)
    return subprocess.run([shutil.which("python3") or sys.executable, str(script)], env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_real_preflight_passes_against_the_repositorys_venv(tmp_path):
    """The whole check on this machine: JupyterLab starts and a kernel draws, nothing is left."""
    if not (REPO / ".venv").exists():
        pytest.skip("no .venv/ in the repository: make lab creates it")
    home = tmp_path / "home"
    home.mkdir()
    before = files_under(REPO / "tools")
    done = run_preflight(REPO / "tools" / "preflight.py", {**os.environ, "HOME": str(home)})
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line[:5] for line in lines[:-1]] == ["ok   "] * 6
    assert "JupyterLab starts" in lines[4] and "PNG" in lines[5]
    assert lines[-1].endswith("you are ready for the workshop")
    assert files_under(home) == set() and files_under(REPO / "tools") == before


def test_without_a_venv_and_without_an_index_pip_fails_clearly_and_nothing_is_written(tmp_path):
    repo, home = tmp_path / "repo", tmp_path / "home"
    home.mkdir()
    repo.mkdir()
    shutil.copy(REPO / "pyproject.toml", repo)
    shutil.copytree(REPO / "tools", repo / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    # No pip configuration at all, and an index on a port nothing listens on: no network.
    env.update(HOME=str(home), PIP_CONFIG_FILE=os.devnull,
               PIP_INDEX_URL=f"http://127.0.0.1:{preflight.free_port()}/simple",
               PYTHONDONTWRITEBYTECODE="1")
    before = files_under(repo)
    done = run_preflight(repo / "tools" / "preflight.py", env)
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert lines[3] == ("FAIL packages: pip could not reach the package index: connect to the "
                        "internet (or set PIP_INDEX_URL to your mirror), then run make preflight "
                        "again")
    assert lines[4].startswith("skip JupyterLab starts (no .venv/ yet) skipped: run make lab once")
    assert lines[-1].startswith("preflight: 3 passed, 2 skipped, 1 problem")
    assert files_under(repo) == before and files_under(home) == set()


def test_a_broken_venv_gets_a_fail_line_per_check_and_no_traceback(tmp_path):
    repo, home = tmp_path / "repo", tmp_path / "home"
    home.mkdir()
    (repo / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", repo)
    shutil.copytree(REPO / "tools", repo / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    broken = repo / ".venv" / "bin" / "python"
    broken.write_text("#!/bin/sh\necho 'libpython3.11.so: cannot open shared object file' >&2\nexit 127\n")
    broken.chmod(0o755)
    done = run_preflight(repo / "tools" / "preflight.py", {**os.environ, "HOME": str(home)})
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert lines[3] == ("FAIL packages: .venv/'s Python does not run (libpython3.11.so: cannot open "
                        "shared object file): rebuild it with make clean; make lab")
    assert lines[4] == ("FAIL JupyterLab is not installed in .venv/: reinstall the pins with "
                        "rm .venv/.installed; make lab")
    assert lines[5] == ("FAIL the kernel could not draw (libpython3.11.so: cannot open shared object "
                        "file): reinstall with rm .venv/.installed; make lab")
    assert lines[-1].startswith("preflight: 3 passed, 3 problems")
