"""Check a learner's machine for the workshop, a week before, without changing it.

Usage (``make preflight`` runs it with the system ``python3``)::

    python3 tools/preflight.py

Each check prints one line: ``ok   …``, ``skip …`` with the reason, or ``FAIL …: what to do``;
a summary line follows, and the exit status is 1 when any check failed. The checks: the Python
version ``pyproject.toml`` requires; free disk where the repository is and free RAM; that the
pinned packages (the `workshop` extra of ``pyproject.toml``) are installed in ``.venv/`` or,
when there is no ``.venv/`` yet, that pip can install them here; and, with a ``.venv/``, that
JupyterLab starts and that a kernel draws an array with ``memlayout``.

Nothing is installed, written or registered outside a temporary directory, which is removed:
pip resolves the pins with ``--dry-run`` in a throwaway venv with its cache turned off, and
JupyterLab, the kernel, IPython and matplotlib keep their runtime files, settings and caches
in the temporary directory. This file runs outside the venv: standard library only, and
syntax that older Pythons parse, so that an old Python is told so rather than crashing.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

# Importing tools/pins.py must not leave a __pycache__ in the learner's clone.
sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parent.parent
GIB = 2**30
MIB = 2**20
# `du -s .venv` after `make lab` (Python 3.11, Linux x86-64): 735 MiB.
VENV_BYTES = 735 * MIB
# pip's downloads while installing, the learner's copies of the notebooks and the lessons'
# temporary files (08_memmap writes tens of MB), with room to spare.
DISK_MARGIN = 768 * MIB
# The largest peak of a lesson's kernel, Going deeper included: benchmarks/kernel_peaks.json,
# recorded by benchmarks/bench_kernel_peaks.py (tests/test_instructor_guide.py holds the two equal).
LESSON_PEAK_MIB = 412
# JupyterLab's server (about 100 MiB resident) and one kernel at that peak, under 1 GiB; the
# browser comes on top.
RAM_NEEDED = 1 * GIB
PIP_TIMEOUT = 300
SERVER_TIMEOUT = 90
KERNEL_TIMEOUT = 120
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RETRY = "run make preflight again"


class Check:
    """The outcome of one check: a status (``ok``, ``skip`` or ``FAIL``) and one line of text."""

    def __init__(self, status, text):
        if status not in ("ok", "skip", "FAIL"):
            raise ValueError(f"Check(): status must be 'ok', 'skip' or 'FAIL', not {status!r}")
        self.status = status
        self.text = text

    def line(self):
        """Return the printed line: the status padded to four characters, then the text.

        Examples
        --------
        >>> Check("ok", "Python 3.11.7").line()
        'ok   Python 3.11.7'
        """
        return f"{self.status:<4} {self.text}"


def size(nbytes):
    """Return a byte count in GiB to one decimal, or MiB below 1 GiB.

    Examples
    --------
    >>> size(3 * 2**30), size(300 * 2**20)
    ('3.0 GiB', '300 MiB')
    """
    return f"{nbytes / GIB:.1f} GiB" if nbytes >= GIB else f"{nbytes // MIB} MiB"


def check_python(version, required, executable):
    """Compare the running Python's version with the one pyproject.toml requires.

    Parameters
    ----------
    version : tuple of int
        ``sys.version_info[:3]``.
    required : tuple of int
        ``(major, minor)`` from ``requires-python``.
    executable : str
        How the learner called this Python (named in the advice).

    Returns
    -------
    Check

    Examples
    --------
    >>> check_python((3, 10, 2), (3, 11), "python3").line()  # doctest: +NORMALIZE_WHITESPACE
    'FAIL Python 3.10.2 is older than the 3.11 the workshop needs: install Python 3.11
    or newer and name it, e.g. make preflight PYTHON=python3.11'
    """
    shown = ".".join(map(str, version))
    wanted = ".".join(map(str, required))
    if tuple(version[:2]) >= tuple(required):
        return Check("ok", f"Python {shown} ({executable}); the workshop needs {wanted} or newer")
    return Check("FAIL", f"Python {shown} is older than the {wanted} the workshop needs: install "
                         f"Python {wanted} or newer and name it, e.g. make preflight "
                         f"PYTHON=python{wanted}")


def check_disk(free, venv_exists):
    """Compare the free bytes where the repository is with what the workshop will write there.

    Parameters
    ----------
    free : int
        Free bytes on the file system of the repository.
    venv_exists : bool
        Whether ``.venv/`` is installed already (then only the margin is needed).

    Returns
    -------
    Check

    Examples
    --------
    >>> check_disk(10 * 2**30, venv_exists=False).status
    'ok'
    >>> print(check_disk(1 * 2**30, venv_exists=False).line())  # doctest: +NORMALIZE_WHITESPACE
    FAIL disk: 1.0 GiB free where the repository is, the workshop needs 1.5 GiB (.venv/ takes
    735 MiB, plus downloads and the lessons' temporary files): free some space or clone the
    repository onto a disk with more
    """
    need = DISK_MARGIN + (0 if venv_exists else VENV_BYTES)
    why = ("downloads and the lessons' temporary files" if venv_exists else
           f".venv/ takes {size(VENV_BYTES)}, plus downloads and the lessons' temporary files")
    if free >= need:
        return Check("ok", f"disk: {size(free)} free where the repository is; "
                           f"the workshop needs {size(need)}")
    return Check("FAIL", f"disk: {size(free)} free where the repository is, the workshop needs "
                         f"{size(need)} ({why}): free some space or clone the repository onto "
                         f"a disk with more")


def check_ram(available):
    """Compare the RAM available now with what JupyterLab and one lesson's kernel use.

    Parameters
    ----------
    available : int or None
        Bytes of RAM available (Linux: ``MemAvailable``), or None when unknown.

    Returns
    -------
    Check

    Examples
    --------
    >>> check_ram(None).status
    'skip'
    >>> print(check_ram(512 * 2**20).line())  # doctest: +NORMALIZE_WHITESPACE
    FAIL RAM: 512 MiB available, the workshop needs 1.0 GiB (JupyterLab and a kernel; the
    lessons' kernels peak at 412 MiB): close other programs, or use the workshop's JupyterHub
    or Binder
    """
    need = (f"{size(RAM_NEEDED)} (JupyterLab and a kernel; the lessons' kernels peak at "
            f"{LESSON_PEAK_MIB} MiB)")
    if available is None:
        return Check("skip", f"RAM: this system does not say how much is available; "
                             f"the workshop needs {need}")
    if available >= RAM_NEEDED:
        return Check("ok", f"RAM: {size(available)} available; the workshop needs {need}")
    return Check("FAIL", f"RAM: {size(available)} available, the workshop needs {need}: close "
                         f"other programs, or use the workshop's JupyterHub or Binder")


def available_ram(meminfo="/proc/meminfo"):
    """Return the bytes of RAM available now, or None where the system does not say.

    Reads ``MemAvailable`` from `meminfo` (Linux); elsewhere the free pages of ``os.sysconf``.
    """
    try:
        with open(meminfo, encoding="ascii") as lines:
            for line in lines:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def compare_versions(pins, installed):
    """List the pinned packages that are missing or at another version.

    Parameters
    ----------
    pins : dict of str to str
        Normalised name to pinned version.
    installed : dict of str to str or None
        Normalised name to the version installed, None when it is not installed.

    Returns
    -------
    list of str
        One phrase per problem, in name order; empty when every pin is met.

    Examples
    --------
    >>> compare_versions({"numpy": "2.4.6", "dask": "2026.8.0", "ruff": "0.17.6"},
    ...                  {"numpy": "2.3.0", "dask": None, "ruff": "0.17.6"})
    ['dask not installed', 'numpy 2.3.0 (pinned 2.4.6)']
    """
    problems = []
    for name in sorted(pins):
        have = installed.get(name)
        if have is None:
            problems.append(f"{name} not installed")
        elif have != pins[name]:
            problems.append(f"{name} {have} (pinned {pins[name]})")
    return problems


def check_installed(pins, installed):
    """Say whether ``.venv/`` holds every pinned package at its pinned version.

    Examples
    --------
    >>> check_installed({"numpy": "2.4.6"}, {"numpy": "2.4.6"}).line()
    'ok   packages: the 1 pinned packages are installed in .venv/ at their pinned versions'
    >>> check_installed({"numpy": "2.4.6"}, {"numpy": "2.3.0"}).line()  # doctest: +NORMALIZE_WHITESPACE
    'FAIL packages: .venv/ has numpy 2.3.0 (pinned 2.4.6): reinstall the pins with
    rm .venv/.installed; make lab'
    """
    problems = compare_versions(pins, installed)
    if not problems:
        return Check("ok", f"packages: the {len(pins)} pinned packages are installed in .venv/ "
                           f"at their pinned versions")
    return Check("FAIL", f"packages: .venv/ has {', '.join(problems)}: reinstall the pins with "
                         f"rm .venv/.installed; make lab")


def check_resolution(returncode, report, stderr, count):
    """Read the outcome of ``pip install --dry-run --report -`` of the pins.

    Parameters
    ----------
    returncode : int or None
        pip's exit status; None when it timed out.
    report : str
        pip's JSON installation report (its standard output).
    stderr : str
        pip's error output.
    count : int
        How many packages are pinned.

    Returns
    -------
    Check

    Examples
    --------
    >>> check_resolution(1, "", "ERROR: Could not find a version that satisfies the requirement "
    ...                  "numpy==2.4.6 (from versions: none)\\nWARNING: Retrying after connection "
    ...                  "broken by 'NewConnectionError'", 15).line()  # doctest: +NORMALIZE_WHITESPACE
    'FAIL packages: pip could not reach the package index: connect to the internet (or set
    PIP_INDEX_URL to your mirror), then run make preflight again'
    """
    if returncode is None:
        return Check("FAIL", f"packages: pip took more than {PIP_TIMEOUT} s to resolve the pins: "
                             f"check your internet connection, then {RETRY}")
    errors = [line for line in stderr.splitlines() if line.startswith("ERROR")]
    offline = any(word in stderr for word in ("NewConnectionError", "Failed to establish",
                                              "Name or service not known", "ConnectTimeout",
                                              "nodename nor servname", "getaddrinfo failed"))
    if returncode == 0:
        planned = len(json.loads(report).get("install", []))
        return Check("ok", f"packages: pip can install the {count} pinned packages here "
                           f"({planned} with their dependencies); make lab will install them")
    if offline:
        return Check("FAIL", f"packages: pip could not reach the package index: connect to the "
                             f"internet (or set PIP_INDEX_URL to your mirror), then {RETRY}")
    reason = errors[0] if errors else (stderr.strip().splitlines() or ["no message"])[-1]
    return Check("FAIL", f"packages: pip cannot install the pins here ({reason}): send this line "
                         f"to the instructor, who can suggest the conda route of the README")


def run_text(command, timeout, env=None, cwd=None):
    """Run `command`; return (exit status or None on timeout, standard output, error output)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=env, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None, "", ""
    except OSError as error:  # the program is missing or cannot run
        return 127, "", str(error)
    return done.returncode, done.stdout, done.stderr


def venv_python(venv):
    """Return the Python of a venv, on Windows and elsewhere."""
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    return scripts / ("python.exe" if os.name == "nt" else "python")


def installed_versions(python, names):
    """Ask `python` (the venv's) for the installed version of each name; None if absent."""
    code = ("import json, sys\nfrom importlib import metadata\nout = {}\n"
            "for name in sys.argv[1:]:\n"
            "    try:\n        out[name] = metadata.version(name)\n"
            "    except metadata.PackageNotFoundError:\n        out[name] = None\n"
            "print(json.dumps(out))")
    status, out, err = run_text([str(python), "-c", code, *names], timeout=60)
    if status != 0:
        raise RuntimeError(err.strip() or "the venv's Python did not answer")
    return json.loads(out)


def resolve_pins(pins, scratch):
    """Resolve the pins with pip in a throwaway venv under `scratch`; return a Check."""
    status, _, err = run_text([sys.executable, "-m", "venv", str(scratch / "venv")], timeout=120)
    if status != 0:
        return Check("FAIL", f"packages: {sys.executable} -m venv failed ({err.strip()[-200:]}): "
                             f"on Debian or Ubuntu, sudo apt-get install python3-venv")
    command = [str(venv_python(scratch / "venv")), "-m", "pip", "install", "--dry-run",
               "--ignore-installed", "--no-cache-dir", "--disable-pip-version-check",
               "--quiet", "--retries", "1", "--timeout", "20", "--report", "-",
               *(f"{name}=={version}" for name, version in sorted(pins.items()))]
    status, out, err = run_text(command, timeout=PIP_TIMEOUT, cwd=scratch)
    return check_resolution(status, out, err, len(pins))


def jupyter_env(scratch):
    """The environment for JupyterLab and its kernel: every file they write goes to `scratch`."""
    env = dict(os.environ)
    env.update({
        "JUPYTER_PREFER_ENV_PATH": "1",
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        "JUPYTER_DATA_DIR": str(scratch / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(scratch / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "lab-workspaces"),
        "IPYTHONDIR": str(scratch / "ipython"),
        "MPLCONFIGDIR": str(scratch / "matplotlib"),
    })
    return env


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_request(url, token, method="GET"):
    """Send one request with the token; return (HTTP status, parsed JSON body or None)."""
    request = urllib.request.Request(url, method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return response.status, (json.loads(body) if body else None)


def check_jupyterlab(venv, scratch):
    """Start the venv's JupyterLab on a free port, ask its /api/status, and shut it down."""
    jupyter = venv_python(venv).with_name("jupyter.exe" if os.name == "nt" else "jupyter")
    port, token = free_port(), secrets.token_hex(16)
    root = scratch / "root"
    root.mkdir()
    command = [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}",
               # jupyter-lsp would run `npm prefix --global`, which leaves a log in ~/.npm/.
               "--LanguageServerManager.autodetect=False"]
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root:
        command.append("--allow-root")
    if not jupyter.exists():
        return Check("FAIL", "JupyterLab is not installed in .venv/: reinstall the pins with "
                             "rm .venv/.installed; make lab")
    started = time.monotonic()
    server = subprocess.Popen(command, env=jupyter_env(scratch), cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        version = wait_for_status(f"http://127.0.0.1:{port}", token, server)
        seconds = time.monotonic() - started
        if version is None:
            server.kill()
            tail = server.communicate()[1].strip().splitlines()[-1:] or ["no message"]
            return Check("FAIL", f"JupyterLab did not answer within {SERVER_TIMEOUT} s "
                                 f"({tail[0]}): run make lab to see its messages")
        server_request(f"http://127.0.0.1:{port}/api/shutdown", token, method="POST")
        server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    note = "; as root, make lab needs ARGS=--allow-root" if as_root else ""
    return Check("ok", f"JupyterLab starts (jupyter_server {version} answered in "
                       f"{seconds:.0f} s){note}")


def wait_for_status(base, token, server):
    """Poll ``/api/status`` until it answers; return the server's version, or None."""
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _ = server_request(f"{base}/api/status", token)
            if status == 200:
                return server_request(f"{base}/api", token)[1]["version"]
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    return None


KERNEL_PROBE = """\
import sys
from jupyter_client.manager import start_new_kernel
CODE = ("import numpy as np, memlayout\\n"
        "png, size = memlayout.show(np.arange(6).reshape(2, 3))._repr_png_()\\n"
        "print(len(png), png[:8].hex())")
km, kc = start_new_kernel(kernel_name="python3", startup_timeout=float(sys.argv[1]))
printed, errors = [], []
def keep(message):
    content = message["content"]
    if message["msg_type"] == "stream":
        printed.append(content["text"])
    elif message["msg_type"] == "error":
        errors.append(content["ename"] + ": " + content["evalue"])
try:
    kc.execute_interactive(CODE, output_hook=keep, timeout=float(sys.argv[1]))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print("ERROR " + errors[0] if errors else "".join(printed).strip())
"""


def check_kernel(venv, scratch):
    """Start the workshop's kernel with jupyter_client and have memlayout draw a 2 × 3 array."""
    started = time.monotonic()
    status, out, err = run_text([str(venv_python(venv)), "-c", KERNEL_PROBE, str(KERNEL_TIMEOUT)],
                                timeout=KERNEL_TIMEOUT + 30, env=jupyter_env(scratch), cwd=scratch)
    seconds = time.monotonic() - started
    return read_kernel_answer(status, out, err, seconds)


def read_kernel_answer(status, out, err, seconds):
    """Turn the kernel probe's output (``<bytes> <first 8 bytes in hex>``) into a Check.

    Examples
    --------
    >>> read_kernel_answer(0, "10234 89504e470d0a1a0a\\n", "", 4.2).line()
    'ok   a kernel runs memlayout.show() and returns a 10,234-byte PNG (in 4 s)'
    >>> read_kernel_answer(0, "ERROR ModuleNotFoundError: No module named 'memlayout'", "",
    ...                    3.0).line()  # doctest: +NORMALIZE_WHITESPACE
    "FAIL the kernel could not draw (ModuleNotFoundError: No module named 'memlayout'):
    reinstall with rm .venv/.installed; make lab"
    """
    fix = "reinstall with rm .venv/.installed; make lab"
    if status is None:
        return Check("FAIL", f"the kernel did not answer within {KERNEL_TIMEOUT} s: {fix}, "
                             f"then {RETRY}")
    answer = out.strip().splitlines()[-1:] or [""]
    if status != 0 or answer[0].startswith("ERROR"):
        reason = answer[0].removeprefix("ERROR ") if answer[0] else (
            (err.strip().splitlines() or ["no message"])[-1])
        return Check("FAIL", f"the kernel could not draw ({reason}): {fix}")
    nbytes, head = answer[0].split()
    if bytes.fromhex(head) != PNG_SIGNATURE:
        return Check("FAIL", f"the kernel's drawing is not a PNG (it starts {head}): {fix}")
    return Check("ok", f"a kernel runs memlayout.show() and returns a {int(nbytes):,}-byte PNG "
                       f"(in {seconds:.0f} s)")


def summary(checks):
    """Return the last line: how many checks passed, and what to do about the others.

    Examples
    --------
    >>> summary([Check("ok", "a"), Check("skip", "b")])
    'preflight: 1 passed, 1 skipped, no problem found: see the skip lines for what was not checked'
    >>> summary([Check("ok", "a")])
    'preflight: 1 passed, no problem found: you are ready for the workshop'
    >>> summary([Check("ok", "a"), Check("FAIL", "b")])
    'preflight: 1 passed, 1 problem: fix the FAIL line above, then run make preflight again'
    """
    counts = {status: sum(c.status == status for c in checks) for status in ("ok", "skip", "FAIL")}
    done = f"preflight: {counts['ok']} passed" + (
        f", {counts['skip']} skipped" if counts["skip"] else "")
    failed = counts["FAIL"]
    if not failed and counts["skip"]:
        return f"{done}, no problem found: see the skip lines for what was not checked"
    if not failed:
        return f"{done}, no problem found: you are ready for the workshop"
    lines = "the FAIL line" if failed == 1 else "the FAIL lines"
    return f"{done}, {failed} problem{'s' if failed > 1 else ''}: fix {lines} above, then {RETRY}"


def run_checks(repo, report):
    """Run every check for the repository at `repo`, passing each Check to `report` as it ends.

    Returns the list of Checks.
    """
    checks = []

    def done(check):
        checks.append(check)
        report(check)

    pyproject = (repo / "pyproject.toml").read_text(encoding="utf-8")
    # pins needs tomllib (3.11): an older Python hears that it is too old, not an ImportError.
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs with whatever python3 is
        done(check_python(sys.version_info[:3], (3, 11), Path(sys.executable).name))
        return checks
    from pins import pyproject_pins, required_python

    done(check_python(sys.version_info[:3], required_python(pyproject),
                      Path(sys.executable).name))
    if checks[-1].status == "FAIL":
        return checks
    venv = repo / ".venv"
    has_venv = venv_python(venv).exists()
    done(check_disk(shutil.disk_usage(repo).free, has_venv))
    done(check_ram(available_ram()))
    pins = pyproject_pins(pyproject)
    with tempfile.TemporaryDirectory(prefix="preflight-") as scratch:
        scratch = Path(scratch)
        if has_venv:
            try:
                done(check_installed(pins, installed_versions(venv_python(venv), sorted(pins))))
            except (RuntimeError, ValueError) as error:  # ValueError: its answer was not JSON
                done(Check("FAIL", f"packages: .venv/'s Python does not run ({error}): "
                                   f"rebuild it with make clean; make lab"))
            progress("starting JupyterLab on a free port (up to a minute)")
            done(check_jupyterlab(venv, scratch))
            progress("starting a kernel and drawing an array (up to a minute)")
            done(check_kernel(venv, scratch))
        else:
            progress(f"asking pip whether the {len(pins)} pinned packages install here "
                     f"(a minute or two; nothing is installed)")
            done(resolve_pins(pins, scratch))
            skipped = "(no .venv/ yet) skipped: run make lab once, then make preflight again"
            done(Check("skip", f"JupyterLab starts {skipped}"))
            done(Check("skip", f"a kernel draws with memlayout {skipped}"))
    return checks


def progress(text):
    """Say on standard error what a slow check is doing."""
    print(f"     ... {text}", file=sys.stderr, flush=True)


def main():
    """Run the checks, print one line each and the summary; return the exit status."""
    checks = run_checks(REPO, lambda check: print(check.line(), flush=True))
    print(summary(checks), flush=True)
    return int(any(check.status == "FAIL" for check in checks))


if __name__ == "__main__":
    sys.exit(main())
