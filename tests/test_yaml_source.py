"""Reading YAML safely: positions kept, hostile input refused quickly."""

from __future__ import annotations

import time

import pytest

from ivfp_bt.errors import TreeFileError
from ivfp_bt.tree.yaml_source import MAX_BYTES, read_yaml


def problem_of(path) -> str:
    with pytest.raises(TreeFileError) as caught:
        read_yaml(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_marks_point_at_keys_and_values(write):
    write("t.yaml", "a: 1\nb:\n  c: [x, y]\n")
    data = read_yaml("t.yaml")
    assert str(data.key_origin("b")) == "t.yaml:2:1"
    assert str(data["b"].value_origin("c")) == "t.yaml:3:6"
    assert str(data["b"]["c"].item_origin(1)) == "t.yaml:3:10"


def test_alias_bomb_fails_fast(write):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write("bomb.yaml", "\n".join(lines) + "\n")
    started = time.monotonic()
    assert "alias bomb" in problem_of(path)
    assert time.monotonic() - started < 2.0


def test_deep_nesting_is_refused(write):
    path = write("deep.yaml", "x: " + "[" * 3000 + "]" * 3000 + "\n")
    assert "nested deeper than" in problem_of(path)


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    assert "binary data" in problem_of(path)


def test_non_utf8_is_refused_with_line(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    assert problem_of(path).endswith("latin.yaml:2:1: not UTF-8 text (binary file?)")


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("a: " + "x" * (MAX_BYTES + 10))
    assert "limited to" in problem_of(path)


def test_duplicate_keys_are_an_error(write):
    write("dup.yaml", "tree: 1\nother: 2\ntree: 3\n")
    assert problem_of("dup.yaml") == "dup.yaml:3:1: YAML: duplicate key 'tree' (first at line 1)"


@pytest.mark.parametrize("text,expected", [
    ("- a\n- b\n", "the top level must be a mapping"),
    ("a: 1\n---\nb: 2\n", "more than one YAML document"),
    ("", "the file is empty"),
    ("a: [1, 2\n", "YAML:"),
    ("a: !!python/object:os.system x\n", "YAML:"),
])
def test_malformed_documents(write, text, expected):
    assert expected in problem_of(write("m.yaml", text))


def test_missing_file(tmp_path):
    assert problem_of(tmp_path / "nope.yaml").endswith("no such file")
