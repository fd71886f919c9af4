"""Every sentence psoas shows is its own: no run of 8 words is copied from a source article.

The articles live beside the project, in ``shared/seeds``; facts carry over from them, their
sentences do not. Citing an article by its title (a ``source:`` value) is the one exception.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 8
"""Eight words in a row shared with an article is copying, not a shared fact."""

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WORD = re.compile(r"[a-z0-9]+")
Words = tuple[str, ...]


def words(text: str) -> Words:
    """Lowercase words with punctuation and apostrophes gone: "Don't arch!" is don, t, arch."""
    return tuple(_WORD.findall(text.lower()))


def ngrams(tokens: Words) -> set[Words]:
    """Every run of RUN words in the tokens."""
    return {tokens[i : i + RUN] for i in range(len(tokens) - RUN + 1)}


def without_titles(tokens: Words, titles: frozenset[Words]) -> Iterator[Words]:
    """The tokens in pieces, split where an article's title is cited, so a citation is no copy."""
    start = index = 0
    while index < len(tokens):
        title = next((t for t in titles if tokens[index : index + len(t)] == t), None)
        if title is None:
            index += 1
            continue
        yield tokens[start:index]
        index = start = index + len(title)
    yield tokens[start:]


def shared_runs(tokens: Words, article: set[Words]) -> list[str]:
    """Each longest run of RUN or more words that also appears in the article, as text."""
    runs: list[str] = []
    index = 0
    while index <= len(tokens) - RUN:
        if tokens[index : index + RUN] not in article:
            index += 1
            continue
        end = index + RUN
        while end < len(tokens) and tokens[end - RUN + 1 : end + 1] in article:
            end += 1
        runs.append(" ".join(tokens[index:end]))
        index = end
    return runs


def read_yaml(path: Path) -> Any:
    """A library file's plain data (lists, mappings, text)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def yaml_texts(data: object, key: str = "") -> Iterator[str]:
    """Every text in a routine or exercise file except its ``source:`` citation."""
    if isinstance(data, dict):
        for name, value in data.items():
            yield from yaml_texts(value, str(name))
    elif isinstance(data, list):
        for item in data:
            yield from yaml_texts(item, key)
    elif isinstance(data, str) and key != "source":
        yield data


def python_texts(source: str) -> Iterator[str]:
    """Every string literal in a module, docstrings and f-string pieces included."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def project_texts() -> Iterator[tuple[str, str]]:
    """(file, text) for each piece of words the project shows or documents."""
    for path in sorted((ROOT / "routines").rglob("*.yaml")):
        for text in yaml_texts(read_yaml(path)):
            yield path.relative_to(ROOT).as_posix(), text
    for path in sorted((ROOT / "psoas_cli").rglob("*.py")):
        for text in python_texts(path.read_text(encoding="utf-8")):
            yield path.relative_to(ROOT).as_posix(), text
    yield "README.md", (ROOT / "README.md").read_text(encoding="utf-8")


def copied(articles: dict[str, set[Words]], titles: frozenset[Words]) -> list[str]:
    """'file: "words" (article)' for every run the project shares with an article."""
    found: list[str] = []
    for name, text in project_texts():
        for piece in without_titles(words(text), titles):
            for article, runs in articles.items():
                found += [f'{name}: "{run}" ({article})' for run in shared_runs(piece, runs)]
    return found


def test_a_run_of_eight_words_is_caught_and_seven_is_not() -> None:
    """Eight shared words in a row count as copied, seven do not, case and commas aside."""
    article = ngrams(words("Keep the pelvis still and breathe into the belly for a minute."))
    assert shared_runs(words("Now keep the Pelvis still, and breathe into the belly."), article)
    assert not shared_runs(words("keep the pelvis still and breathe into"), article)
    assert shared_runs(
        words("x keep the pelvis still and breathe into the belly for"), article
    ) == ["keep the pelvis still and breathe into the belly for"]


def test_a_cited_title_is_not_a_copy() -> None:
    """An article's title, even wrapped over two lines of a transcript, is a citation."""
    title = words("How to Release Your Psoas With Effective Exercises")
    text = words("Source:   How to Release Your Psoas\n   With Effective Exercises. Then more.")
    pieces = list(without_titles(text, frozenset({title})))
    assert pieces == [("source",), ("then", "more")]
    assert not any(shared_runs(piece, ngrams(title)) for piece in pieces)


def test_no_project_text_copies_an_article() -> None:
    """No routine, exercise, message or README sentence shares 8 words in a row with an article.

    The titles cited are the exercises' sources: every article gives at least one exercise.
    """
    if not SEEDS.is_dir():
        pytest.skip(f"the source articles are not here ({SEEDS}), so there is nothing to compare")
    articles = {
        path.name: ngrams(words(path.read_text(encoding="utf-8")))
        for path in sorted(SEEDS.glob("*.txt"))
    }
    titles = frozenset(
        words(str(read_yaml(path)["source"]))
        for path in (ROOT / "routines" / "exercises").glob("*.yaml")
    )
    found = copied(articles, titles)
    if found:
        pytest.fail("These words are an article's, not psoas's own:\n" + "\n".join(found))
