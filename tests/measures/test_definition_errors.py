"""A bad instrument definition is refused with a message naming the file, the field and
the problem, so a user can fix their own YAML without reading code."""

from __future__ import annotations

from pathlib import Path

import pytest

from measures import InstrumentError, load_instrument, load_instrument_file, parse_instrument

GOOD = """\
id: my-scale
name: My scale
version: 1
citation: "Written by us"
license: "Ours"
use: pre-post
response_scale: {min: 1, max: 4, labels: {en: [never, sometimes, often, always]}}
higher_is: better
items:
  - {id: myscale_1}
  - {id: myscale_2, reverse: true}
  - {id: myscale_3}
scales:
  - {id: total, name: Total, items: [myscale_1, myscale_2, myscale_3], max_missing: 1}
norms:
  total: {reliability: 0.8, source: "our pilot"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(path)
    message = str(caught.value)
    assert str(path) in message, "the message must name the file"
    return message


def test_the_good_definition_loads(tmp_path):
    instrument = load_instrument(write(tmp_path, GOOD))
    assert instrument.id == "my-scale" and instrument.version == "1"


def test_missing_field(tmp_path):
    message = error_for(tmp_path, GOOD.replace("higher_is: better\n", ""))
    assert "field 'higher_is'" in message and "required field is missing" in message


def test_unknown_item_in_a_scale(tmp_path):
    message = error_for(tmp_path, GOOD.replace("myscale_3]", "myscale_4]"))
    assert "scales[0] (total)" in message and "unknown item(s) myscale_4" in message


def test_bad_instrument_id(tmp_path):
    message = error_for(tmp_path, GOOD.replace("id: my-scale", "id: My Scale"))
    assert "field 'id'" in message
    assert "'My Scale' is not a valid id" in message and "lowercase" in message


def test_bad_item_id(tmp_path):
    message = error_for(tmp_path, GOOD.replace("{id: myscale_1}", "{id: my-scale-1}"))
    assert "field 'items.0.id'" in message and "'my-scale-1' is not a valid id" in message


def test_labels_count_mismatch(tmp_path):
    message = error_for(tmp_path, GOOD.replace("often, always]", "often]"))
    assert "field 'response_scale'" in message
    assert "labels.en has 3 labels but the scale has 4 points (1 to 4)" in message


def test_max_missing_too_large(tmp_path):
    message = error_for(tmp_path, GOOD.replace("max_missing: 1", "max_missing: 3"))
    assert "field 'scales.0'" in message
    assert "max_missing (3) must be smaller than the number of items (3)" in message


def test_invalid_yaml(tmp_path):
    message = error_for(tmp_path, GOOD.replace("use: pre-post", "use: pre-post: again"))
    assert "not valid YAML at line 6" in message and "mapping values are not allowed" in message


def test_norm_for_a_scale_that_does_not_exist(tmp_path):
    message = error_for(tmp_path, GOOD.replace("  total: {reliability", "  totl: {reliability"))
    assert "norms: 'totl' is not one of the scales" in message


def test_misspelt_field(tmp_path):
    message = error_for(tmp_path, GOOD.replace("higher_is: better", "higher_is: better\nhigher: x"))
    assert "field 'higher'" in message and "unknown field" in message


def test_duplicate_item(tmp_path):
    message = error_for(tmp_path, GOOD.replace("{id: myscale_3}", "{id: myscale_1}"))
    assert "item id used more than once: myscale_1" in message


def test_discrete_scale_needs_whole_numbers(tmp_path):
    message = error_for(tmp_path, GOOD.replace("{min: 1, max: 4,", "{min: 1, max: 4.5,"))
    assert "field 'response_scale'" in message and "add `step`" in message


def test_not_a_mapping(tmp_path):
    message = error_for(tmp_path, "- just\n- a list\n")
    assert "must be a YAML mapping" in message


def test_missing_file_and_unknown_id(tmp_path):
    with pytest.raises(InstrumentError, match="no such instrument file"):
        load_instrument(tmp_path / "absent.yaml")
    with pytest.raises(InstrumentError, match="neither a built-in instrument nor a YAML file"):
        load_instrument("phq-10")


def test_the_example_in_the_docs_is_a_valid_definition():
    docs = Path(__file__).resolve().parents[2] / "docs" / "instruments.md"
    example = docs.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    instrument = load_instrument(parse_instrument(example, source="docs/instruments.md"))
    assert instrument.item("myscale_2").reverse
    assert instrument.norms["total"].reliability == 0.84
