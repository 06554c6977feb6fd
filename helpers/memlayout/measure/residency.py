"""Which pages of a memory-mapped array are in RAM right now, via the ``mincore`` call.

A memory-mapped file (``np.memmap``, ``np.load(path, mmap_mode="r")``) costs no RAM
until its pages are touched: the operating system reads a page from disk the first
time an element on it is used, keeps it in its page cache, and may drop it again
under memory pressure. :func:`residency` asks the kernel which of an array's pages are
in that cache, so a learner can watch a slice bring in a few pages and a full pass
bring in all of them.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import stat
import sys
from dataclasses import dataclass

import numpy as np

from memlayout.measure._units import exact_size
from memlayout.model._checks import got, require_int
from memlayout.model.layout import find_owner

#: Platforms whose C library provides ``mincore``.
SUPPORTED_PLATFORMS = ("linux", "darwin")


@dataclass(frozen=True, eq=False)
class Residency:
    """The pages spanned by an array and which of them are resident in RAM.

    Attributes
    ----------
    pages : numpy.ndarray of bool
        One entry per page, in address order: True when the page is in RAM.
        The first page is the one holding the array's first byte.
    page_size : int
        Bytes per page (``mmap.PAGESIZE``).

    Examples
    --------
    >>> Residency(pages=np.array([True, False, False]), page_size=4096)
    resident 1 of 3 pages (4 KiB each)
    """

    pages: np.ndarray
    page_size: int

    def __post_init__(self) -> None:
        if not isinstance(self.pages, np.ndarray) or self.pages.dtype != bool:
            raise TypeError(f"memlayout.Residency(): pages must be a NumPy array of bool, "
                            f"not {got(self.pages)}")
        if self.pages.ndim != 1:
            raise ValueError(f"memlayout.Residency(): pages must have one flag per page "
                             f"(1-d), not the shape {self.pages.shape}")
        require_int(self.page_size, "page_size", "Residency", minimum=1)

    @property
    def resident(self) -> int:
        """Number of pages in RAM."""
        return int(np.count_nonzero(self.pages))

    @property
    def total(self) -> int:
        """Number of pages the array spans."""
        return int(self.pages.size)

    def __repr__(self) -> str:
        return (f"resident {self.resident:,} of {self.total:,} pages "
                f"({exact_size(self.page_size)} each)")


def residency(a: np.ndarray) -> Residency:
    """Count the pages of a memory-mapped array that are resident in RAM.

    Parameters
    ----------
    a : numpy.ndarray
        An array whose memory is a memory map: an ``np.memmap``, the result of
        ``np.load(path, mmap_mode=...)``, any view of those, or an array made with
        ``np.frombuffer`` on an ``mmap.mmap``. A zero-byte array spans no pages.

    Returns
    -------
    Residency
        `resident`, `total`, `page_size` and the per-page booleans `pages`, for the
        pages from the one holding the array's first byte to the one holding its last.

    Raises
    ------
    TypeError
        If `a` is not an ndarray.
    ValueError
        If `a`'s memory is not a memory map (an ordinary array lives in RAM already).
    NotImplementedError
        On platforms other than Linux and macOS, which have no ``mincore``.

    Notes
    -----
    For a file mapping, the answer is the file's pages in the operating system's page
    cache, whoever read them: a file written a moment ago is usually fully resident.
    To start cold from a file of your own, flush it and ask the kernel to drop it with
    :func:`drop_from_page_cache`.
    The kernel also reads ahead: touching one page typically brings in the next few
    hundred KiB to a few MiB, and how much varies between machines and runs. To see
    exactly the pages you touch, turn read-ahead off for the mapping first with
    ``mm.base.madvise(mmap.MADV_RANDOM)`` (``mm.base`` is the ``mmap.mmap``).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import memlayout
    >>> path = os.path.join(tempfile.mkdtemp(), "data.bin")
    >>> np.zeros(2**20).tofile(path)                 # 8 MiB
    >>> mm = np.memmap(path, dtype=np.float64, mode="r")
    >>> r = memlayout.residency(mm)
    >>> r.total * r.page_size == mm.nbytes
    True
    """
    if not isinstance(a, np.ndarray):
        raise TypeError(f"memlayout.residency(): a must be a NumPy array backed by a memory "
                        f"map (np.memmap or np.load(path, mmap_mode='r')), not {got(a)}")
    _require_memory_map(a)
    if not sys.platform.startswith(SUPPORTED_PLATFORMS):
        raise NotImplementedError(f"residency() uses the mincore system call, which is "
                                  f"available on Linux and macOS, not on {sys.platform}")
    page_size = mmap.PAGESIZE
    if a.nbytes == 0:
        return Residency(pages=np.zeros(0, dtype=bool), page_size=page_size)
    low, high = np.lib.array_utils.byte_bounds(a)
    start = low - low % page_size
    npages = -(-(high - start) // page_size)
    status = (ctypes.c_ubyte * npages)()
    if _mincore(ctypes.c_void_p(start), ctypes.c_size_t(high - start), status) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mincore failed: {os.strerror(errno)}")
    pages = (np.frombuffer(status, dtype=np.uint8) & 1).astype(bool)
    return Residency(pages=pages, page_size=page_size)


def drop_from_page_cache(path) -> bool:
    """Write a file's changed pages to disk, then ask the kernel to drop its cached pages.

    After this, the next read of the file comes from disk, so :func:`residency` of a new
    memory map of it starts near zero. Use it on files of your own: it changes no byte of
    the file, only how much of it the operating system keeps in RAM.

    Parameters
    ----------
    path : str, bytes or os.PathLike
        A regular file you may open for reading. Not an open file or a file descriptor:
        this function opens (and closes) the file itself.

    Returns
    -------
    bool
        True where the request could be made (``os.posix_fadvise`` exists: Linux and
        other POSIX systems); False where it could not (macOS, Windows), the file left
        as cached as it was. The kernel may still keep pages another process holds.

    Raises
    ------
    TypeError
        If `path` is not a path (an int file descriptor, a bool, an open file ...).
    ValueError
        If `path` is not a regular file (a directory, ``/dev/null``, a FIFO, a socket).
    OSError
        If the file cannot be opened (FileNotFoundError, PermissionError), naming it.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import memlayout
    >>> path = os.path.join(tempfile.mkdtemp(), "data.bin")
    >>> np.zeros(2**20).tofile(path)
    >>> memlayout.drop_from_page_cache(path)          # doctest: +SKIP
    True
    >>> memlayout.drop_from_page_cache("/dev/null")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: memlayout.drop_from_page_cache(): '/dev/null' is a character device, not a ...
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"memlayout.drop_from_page_cache(): path must be the path of a file "
                        f"(a str, bytes or os.PathLike), not {got(path)}")
    try:
        mode = os.stat(path).st_mode
    except ValueError as err:  # a NUL byte in the path
        raise ValueError(f"memlayout.drop_from_page_cache(): {path!r} is not a valid path: "
                         f"{err}") from None
    _require_regular(path, mode)
    # O_NONBLOCK: should the path become a FIFO after the check, opening it cannot hang.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        _require_regular(path, os.fstat(fd).st_mode)
        os.fsync(fd)
        if not hasattr(os, "posix_fadvise"):
            return False
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError as err:  # e.g. a file system that keeps no pages (/proc): name the file
        raise OSError(err.errno, f"memlayout.drop_from_page_cache(): {err.strerror}",
                      os.fsdecode(path)) from None
    finally:
        os.close(fd)
    return True


def _require_regular(path, mode: int) -> None:
    """ValueError naming `path` and what it is, unless `mode` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    kinds = [(stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISSOCK, "a socket")]
    kind = next((name for test, name in kinds if test(mode)), "not a file")
    raise ValueError(f"memlayout.drop_from_page_cache(): {os.fsdecode(path)!r} is {kind}, "
                     f"not a regular file; pass the path of a file you wrote")


def _require_memory_map(a: np.ndarray) -> None:
    """Raise ValueError unless `a`'s owner is an ``mmap.mmap`` (perhaps via a memoryview)."""
    owner = find_owner(a)
    if isinstance(owner, memoryview):
        owner = owner.obj
    if not isinstance(owner, mmap.mmap):
        raise ValueError(f"memlayout.residency() needs an array backed by a memory-mapped file, but "
                         f"this array's memory is owned by a {type(owner).__name__!r} object; open "
                         f"the file with np.memmap(path, ...) or "
                         f"np.load(path, mmap_mode='r')")


def _load_mincore():
    """Return the C library's ``mincore`` with its argument types, or None if absent."""
    if not sys.platform.startswith(SUPPORTED_PLATFORMS):
        return None
    function = ctypes.CDLL(None, use_errno=True).mincore
    function.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte))
    function.restype = ctypes.c_int
    return function


_mincore = _load_mincore()
