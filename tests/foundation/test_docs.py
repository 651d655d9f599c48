"""The repository explains itself: no tracked file refers to a path outside it, every cited
document and § section exists in docs/, and every `file:function` anchor of
docs/message-path.md names a function that is still there."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
THIS = Path(__file__).resolve()

# Spelled in pieces so that this file does not match itself.
OUTSIDE = ("../" + "shared", "/" + "work/", "shared" + "/docs", "shared" + "/fixtures")
DOC_MENTION = re.compile(r"docs/([a-z][a-z-]*\.md)|\]\(([a-z][a-z-]*\.md)\)")
SECTION = re.compile(r"§ ?([A-Z]?\d+(?:\.\d+)*)")
# A document named without its docs/ path (the old shorthands): a reader cannot follow it.
SHORTHAND = re.compile(
    r"(?<![\w/.-])(?:whatsapp-cloud-api|cloud-api|reference-bot|credex-core-api)(?:\.md)?(?![\w-])"
    r"|\bARCHITECTURE\b|\bSTYLE §"
)
HEADING = re.compile(r"^#{1,6} (?:§ ?)?([A-Z]?\d+(?:\.\d+)*)\.? ", re.M)
ANCHOR = re.compile(r"`([\w/]+\.py):([A-Za-z_][\w.]*)`")


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=30
        ).stdout.decode()
        names = [n for n in listed.split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
        names = [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
        ]
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def texts() -> list[tuple[Path, str]]:
    found = []
    for path in tracked_files():
        if path.resolve() == THIS:
            continue
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue  # binary
    return found


def sections(doc: str) -> set[str]:
    return set(HEADING.findall((DOCS / doc).read_text(encoding="utf-8")))


def citation_problems(path: Path, text: str, docs: dict[str, set[str]]) -> list[str]:
    """Each § resolves against the document the file named last before it (a file in docs/
    starts out naming itself)."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    current = path.name if path.parent == DOCS else None
    problems = []
    marks = [(m.start(), "doc", m.group(1) or m.group(2)) for m in DOC_MENTION.finditer(text)]
    marks += [(m.start(), "section", m.group(1)) for m in SECTION.finditer(text)]
    for at, kind, value in sorted(marks):
        line = text.count("\n", 0, at) + 1
        if kind == "doc":
            if value not in docs:
                problems.append(f"{where}:{line}: cites docs/{value}, which does not exist")
            current = value
        elif current is None:
            problems.append(f"{where}:{line}: §{value} names no document before it")
        elif current in docs and value not in docs[current]:
            problems.append(f"{where}:{line}: {current} has no section {value}")
    return problems


def test_no_tracked_file_refers_to_a_path_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, text.index(bad)) + 1}: {bad}"
        for path, text in texts()
        for bad in OUTSIDE
        if bad in text
    ]
    assert offenders == []


def test_every_cited_document_and_section_exists() -> None:
    docs = {p.name: sections(p.name) for p in DOCS.glob("*.md")}
    problems = [p for path, text in texts() for p in citation_problems(path, text, docs)]
    assert problems == []


def test_documents_are_cited_by_their_path_in_docs() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for path, text in texts()
        if path.parent != DOCS
        for m in SHORTHAND.finditer(text)
        if text[max(0, m.start() - 5) : m.start()] != "docs/"
    ]
    assert offenders == []


def test_the_message_walk_names_functions_that_exist() -> None:
    walk = (DOCS / "message-path.md").read_text(encoding="utf-8")
    anchors = ANCHOR.findall(walk)
    assert len(anchors) >= 30
    missing = []
    for file, name in anchors:
        source = ROOT / file
        if not source.is_file():
            missing.append(f"{file} does not exist")
            continue
        code = source.read_text(encoding="utf-8")
        *owner, function = name.split(".")
        if owner and not re.search(rf"^class {owner[0]}\b", code, re.M):
            missing.append(f"{file}: no class {owner[0]}")
        if not re.search(rf"^\s*(?:async )?(?:def|class) {re.escape(function)}\b", code, re.M):
            missing.append(f"{file}: no {name}")
    assert missing == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("see §8.3", "names no document"),
        ("docs/credex-core-api.md §8.3 and §99.1", "has no section 99.1"),
        ("docs/nowhere.md §1", "does not exist"),
        ("docs/whatsapp-cloud-api.md §A4, then docs/credex-core-api.md §A4", "has no section A4"),
    ],
)
def test_the_citation_check_catches_what_it_should(text: str, problem: str) -> None:
    docs = {p.name: sections(p.name) for p in DOCS.glob("*.md")}
    problems = citation_problems(ROOT / "example.py", text, docs)
    assert len(problems) == 1 and problem in problems[0]


def test_the_citation_check_accepts_good_citations() -> None:
    docs = {p.name: sections(p.name) for p in DOCS.glob("*.md")}
    text = "docs/credex-core-api.md §8.3, §11; docs/whatsapp-cloud-api.md §A4 (§0 fact 10)"
    assert citation_problems(ROOT / "example.py", text, docs) == []
