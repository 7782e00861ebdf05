"""The command line: every command that reads the debate takes --domain, and --set is checked."""

from __future__ import annotations

import pytest
from typer.main import get_command

from pipeline.cli import app, parse_settings
from pipeline.domain import DOMAIN_HELP


@pytest.mark.parametrize(
    "path",
    [
        ["run"],
        ["train"],
        ["cv"],
        ["evaluate"],
        ["annotate", "check"],
        ["annotate", "prepare"],
        ["annotate", "import"],
    ],
)
def test_every_command_that_reads_the_debate_takes_the_same_domain_option(path):
    command = get_command(app)
    for name in path:
        command = command.commands[name]
    (option,) = [p for p in command.params if p.name == "domain"]
    assert option.opts == ["--domain"] and option.default is None  # None: the bundled domain
    assert option.help.startswith(DOMAIN_HELP)


def test_settings_from_the_command_line_are_parsed_and_checked():
    assert parse_settings(["linker_weight=1.0", "calibrate_links=false", "epochs=2"]) == {
        "linker_weight": 1.0,
        "calibrate_links": False,
        "epochs": 2,
    }
    with pytest.raises(ValueError, match="not KEY=VALUE with a model setting"):
        parse_settings(["no_such_setting=1"])
    with pytest.raises(ValueError, match="not KEY=VALUE"):
        parse_settings(["linker_weight"])
    with pytest.raises(ValueError, match="not KEY=VALUE"):
        parse_settings(["seed=3"])  # the seed has its own option
