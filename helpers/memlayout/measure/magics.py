"""IPython magics ``%peakmem`` and ``%%peakmem``: :func:`~memlayout.peak_memory` for a cell.

Load them with ``%load_ext memlayout``.
"""

from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from memlayout.measure.peak import peak_memory
from memlayout.model._checks import got


@magics_class
class PeakMemoryMagics(Magics):
    """The ``peakmem`` magic, as a line magic and as a cell magic."""

    @no_var_expand
    @line_cell_magic
    def peakmem(self, line: str = "", cell: str | None = None) -> None:
        """Run a statement or a cell and print its peak and retained memory.

        The code runs in the notebook's namespace, so names it assigns stay defined.
        The printed text is ``repr`` of :func:`memlayout.peak_memory`'s result:
        MiB to one decimal, ``≈ 0 B`` below 64 KiB. Compiling the code happens
        before measuring, so only running it counts. The value of a last expression
        is not displayed; print it if you want to see it.

        Examples
        --------
        ::

            In [1]: %load_ext memlayout
            In [2]: import numpy as np; x = np.ones(1024**2)
            In [3]: %peakmem y = x * 2
            peak 8.0 MiB, retained 8.0 MiB

            In [4]: %%peakmem
               ...: x *= 2
               ...: x += 1
            peak ≈ 0 B, retained ≈ 0 B
        """
        if cell is not None and line.strip():
            raise UsageError("%%peakmem takes no arguments; put the code in the cell body")
        source = self.shell.transform_cell(line if cell is None else cell)
        filename = self.shell.compile.cache(source)
        code = self.shell.compile(source, filename, "exec")
        with peak_memory() as result:
            exec(code, self.shell.user_ns)
        print(result)


def load_ipython_extension(ipython) -> None:
    """Register the ``peakmem`` magics with `ipython` (what ``%load_ext memlayout`` calls)."""
    if not callable(getattr(ipython, "register_magics", None)):
        raise TypeError(f"memlayout.load_ipython_extension() takes the IPython shell, "
                        f"not {got(ipython)}; in a notebook, run %load_ext memlayout")
    ipython.register_magics(PeakMemoryMagics)
