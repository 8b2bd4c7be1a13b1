"""The README's Quick start: exactly two commands, the second the one CI runs."""

import shlex
import subprocess
from pathlib import Path

from conftest import SAMSKAB

ROOT = Path(__file__).parent.parent


def code_blocks(heading: str) -> list[tuple[str, str]]:
    """(language, text) of each fenced block in the README section under ``heading``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    blocks, current, language = [], None, ""
    for line in section.splitlines():
        if line.startswith("```"):
            if current is None:
                current, language = [], line[3:].strip()
            else:
                blocks.append((language, "\n".join(current)))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def quick_start_commands():
    return [text for _, text in code_blocks("Quick start")]


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    install_and_run, install_and_test = quick_start_commands()
    assert "samskab demo" in install_and_run
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_tutorial_commands_work(tmp_path):
    """The tutorial, run as written."""
    blocks = code_blocks("Tutorial")
    process = next(text for language, text in blocks if language == "toml")
    (tmp_path / "processes").mkdir()
    (tmp_path / "processes" / "hoeringssvar.toml").write_text(process, encoding="utf-8")
    for language, block in blocks:
        if language:
            continue
        for line in block.strip().splitlines():
            command = line.split("#")[0].split(">")[0].strip()
            assert command.startswith("samskab ")
            args = [SAMSKAB, *shlex.split(command)[1:]]
            result = subprocess.run(
                args,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                env={"PATH": "/usr/bin:/bin", "SAMSKAB_LOAD_PLUGINS": ""},
            )
            assert result.returncode == 0, (command, result.stderr)
    shown = subprocess.run(
        [SAMSKAB, "--processes", "processes", "cases", "show", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "besvaret" in shown.stdout and "Aftalt med chefen" in shown.stdout
