import pytest

from scoring_core.io import atomic_path, atomic_write_text


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "model.txt"
    atomic_write_text(target, "good")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["model.txt"]
