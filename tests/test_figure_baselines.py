"""Every figure of the gallery looks as its committed baseline image does.

nbval compares a figure's repr (``<LayoutFigure size …>``), not its pixels, so a drawing could
change unseen. Each case of ``tools/make_baselines.py``'s GALLERY (the lessons' own figures) is
rendered here by that script's ``render`` and compared with ``tests/baseline_images/NAME.png``
by matplotlib's own image comparison. After a deliberate change to a drawing, ``make
baselines`` (or ``make baselines CASES="name …"``) rewrites the images; look at every changed
PNG before committing it.
"""

from __future__ import annotations

import pytest
from matplotlib.testing.compare import compare_images
from matplotlib.testing.exceptions import ImageComparisonFailure

from make_baselines import BASELINES, GALLERY, render

#: Largest RMS difference (0-255 per channel) still taken as "the same figure". Rendered twice,
#: the figures are byte-identical (RMS 0); with the test font settings (no hinting) another
#: FreeType or libpng build moves anti-aliased glyph edges by a few levels, which stays well
#: under 1 on figures that are mostly flat fills. A change a reader could just notice is far
#: above it: shading the "used" blue from #56B4E9 to #4CA0D0 gives RMS 2.7 to 6.6 on every
#: gallery figure that draws that colour.
TOLERANCE = 2


@pytest.mark.parametrize("name", list(GALLERY))
def test_figure_matches_its_baseline(name, tmp_path):
    baseline = BASELINES / f"{name}.png"
    if not baseline.exists():
        pytest.fail(f"no baseline image {baseline}: run `make baselines CASES={name}`, look at "
                    f"the PNG and commit it")
    actual = tmp_path / f"{name}.png"
    render(name, actual)
    try:
        failure = compare_images(str(baseline), str(actual), tol=TOLERANCE)
    except ImageComparisonFailure as error:  # raised when the sizes differ
        pytest.fail(f"{name}: the figure's size changed ({error}); rendered: {actual}. If the "
                    f"change is deliberate, run `make baselines CASES={name}`, look at the "
                    f"changed PNGs (git diff --stat tests/baseline_images) and commit them.")
    if failure is not None:
        diff = actual.with_name(f"{name}-failed-diff.png")
        pytest.fail(f"{name} no longer looks like its baseline; the difference is drawn in "
                    f"{diff}.\n  {failure}\nIf the change is deliberate, run `make baselines "
                    f"CASES={name}`, look at the changed PNGs (git diff --stat "
                    f"tests/baseline_images) and commit them.")
