"""The learner's working copies: made once, never overwritten, refreshed only on request."""

import working_copies as wc


def lesson(folder, name, text):
    """Write a stand-in notebook file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def folders(tmp_path):
    """Return (originals, work) with two lessons in originals and no work folder yet."""
    originals = tmp_path / "notebooks"
    originals.mkdir()
    lesson(originals, "01_dtypes.ipynb", "dtypes v1")
    lesson(originals, "02_strides.ipynb", "strides v1")
    lesson(originals, "notes.ipynb", "not a lesson")
    return originals, tmp_path / "my-notebooks"


def test_sync_copies_every_lesson_once(tmp_path):
    originals, work = folders(tmp_path)
    assert wc.sync(originals, work) == [f"new working copy: {work / '01_dtypes.ipynb'}",
                                        f"new working copy: {work / '02_strides.ipynb'}"]
    assert (work / "01_dtypes.ipynb").read_text(encoding="utf-8") == "dtypes v1"
    assert not (work / "notes.ipynb").exists()
    assert wc.sync(originals, work) == []


def test_sync_keeps_the_learners_work_and_names_what_changed_upstream(tmp_path):
    originals, work = folders(tmp_path)
    wc.sync(originals, work)
    (work / "01_dtypes.ipynb").write_text("my answers", encoding="utf-8")
    lesson(originals, "01_dtypes.ipynb", "dtypes v2")
    lesson(originals, "03_views.ipynb", "views v1")
    report = wc.sync(originals, work)
    assert (work / "01_dtypes.ipynb").read_text(encoding="utf-8") == "my answers"
    assert report[0].startswith("01_dtypes.ipynb has changed upstream")
    assert "make fresh NB=01_dtypes" in report[0]
    assert report[1] == f"new working copy: {work / '03_views.ipynb'}"


def test_fresh_moves_the_learners_copy_aside_before_copying(tmp_path):
    originals, work = folders(tmp_path)
    wc.sync(originals, work)
    (work / "02_strides.ipynb").write_text("my answers", encoding="utf-8")
    lesson(originals, "02_strides.ipynb", "strides v2")
    report = wc.fresh(originals, work, "02_strides")
    kept = list((work / wc.PREVIOUS).glob("02_strides-*.ipynb"))
    assert [path.read_text(encoding="utf-8") for path in kept] == ["my answers"]
    assert (work / "02_strides.ipynb").read_text(encoding="utf-8") == "strides v2"
    assert report == [f"your copy is kept as {kept[0]}", f"fresh working copy: {work / '02_strides.ipynb'}"]
    assert wc.sync(originals, work) == []  # up to date again


def test_fresh_names_the_lessons_when_the_name_is_unknown(tmp_path, capsys):
    originals, work = folders(tmp_path)
    assert wc.main(["fresh", str(originals), str(work), "../02_strides"]) == 0  # a path still names it
    assert wc.main(["fresh", str(originals), str(work), "04_nope"]) == 1
    error = capsys.readouterr().err
    assert "'04_nope' is not a lesson of the series; the lessons are: 01_dtypes, 02_strides" in error


def test_main_rejects_bad_usage(tmp_path, capsys):
    assert wc.main(["sync"]) == 2
    assert wc.main(["fresh", str(tmp_path), str(tmp_path)]) == 2
    assert wc.main(["sync", str(tmp_path / "missing"), str(tmp_path / "work")]) == 2
    assert "is not a folder of notebooks" in capsys.readouterr().err
