"""Prompt templates: strict rendering and versions that change with the template."""
from __future__ import annotations

import pytest

from llmcc.llm.prompts import PromptError, available, render, template_version


def write(directory, name, text):
    (directory / f"{name}.j2").write_text(text)


def test_render_substitutes_and_drops_version_line(tmp_path):
    write(tmp_path, "t", "{# version: 4 #}\nOptimize {{ fn }} in {{ file }}.\n")
    text, version = render("t", prompts_dir=tmp_path, fn="hot", file="a.c")
    assert text == "Optimize hot in a.c.\n"
    assert version.startswith("t@4-")


def test_missing_variable_is_an_error(tmp_path):
    write(tmp_path, "t", "{# version: 1 #}\nOptimize {{ fn }}.\n")
    with pytest.raises(PromptError, match="fn"):
        render("t", prompts_dir=tmp_path)


def test_template_without_version_line_is_rejected(tmp_path):
    write(tmp_path, "t", "Optimize {{ fn }}.\n")
    with pytest.raises(PromptError, match="version"):
        render("t", prompts_dir=tmp_path, fn="f")


def test_missing_template_is_an_error(tmp_path):
    with pytest.raises(PromptError):
        render("nope", prompts_dir=tmp_path)


def test_any_edit_changes_the_version(tmp_path):
    write(tmp_path, "t", "{# version: 1 #}\nA\n")
    before = template_version("t", tmp_path)
    write(tmp_path, "t", "{# version: 1 #}\nB\n")
    assert template_version("t", tmp_path) != before


def test_every_shipped_template_declares_a_version_and_renders_system():
    assert "system" in available()
    for name in available():
        assert template_version(name).startswith(f"{name}@")
    text, _ = render("system")
    assert "llmcc" in text and "{#" not in text
