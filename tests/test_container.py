"""The container files, checked without a container engine (none runs where CI runs).

- `docker-compose.yml` is valid against the Compose Specification's JSON schema (the copy that
  check-jsonschema vendors), and what its services name exists: build context, Dockerfile, the
  files the image copies, the WSGI and Celery modules, the healthcheck's URL.
- The image installs exactly what `make install` installs (CI runs `make install-dev`, the same
  pins plus the tools), and its other build steps run here as they would in the image.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
# Flags that change how pip prints or caches, not what it installs.
QUIET_FLAGS = {"-q", "--quiet", "--no-cache-dir", "--disable-pip-version-check"}


def compose_schema() -> dict:
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def compose_errors(document: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(compose_schema())
    return [error.message for error in validator.iter_errors(document)]


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_file_follows_the_compose_specification():
    assert compose_errors(compose()) == []


def test_the_schema_check_catches_a_broken_compose_file():
    broken = {"services": {"web": {"image": "concord", "ports": "8000", "restart": ["always"]}}}
    errors = compose_errors(broken)
    assert "'8000' is not of type 'array'" in errors
    assert "['always'] is not of type 'string'" in errors
    assert compose_errors({"service": {}}) != []


def test_services_build_from_files_in_the_repository():
    built = [s for s in compose()["services"].values() if "build" in s]
    assert built, "no service builds the image"
    for service in built:
        build = service["build"]
        build = {"context": build} if isinstance(build, str) else build
        context = ROOT / build.get("context", ".")
        assert (context / build.get("dockerfile", "Dockerfile")).is_file()


def test_services_run_modules_that_exist():
    commands = " ".join(
        s["command"] if isinstance(s["command"], str) else " ".join(s["command"])
        for s in compose()["services"].values()
        if "command" in s
    )
    wsgi = re.findall(r"\b([\w.]+):application\b", commands)
    celery_apps = re.findall(r"celery -A ([\w.]+)", commands)
    assert wsgi and celery_apps
    for module in wsgi:
        assert (ROOT / f"{module.replace('.', '/')}.py").is_file(), module
    for app in celery_apps:
        assert (ROOT / app.replace(".", "/") / "celery.py").is_file(), app


def test_web_healthcheck_asks_a_url_the_app_serves():
    test = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    (path,) = re.findall(r"http://localhost:\d+(/[\w/-]*)", test)
    assert resolve(path).url_name == "healthz"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _commands(shell: str) -> list[list[str]]:
    return [shlex.split(part) for part in shell.split("&&")]


def _pip_install_arguments(command: list[str]) -> tuple[str, ...] | None:
    """The arguments of a `pip install` (any pip path, or python -m pip), flags like --quiet
    dropped; None for another command."""
    if command[:3] in (["python", "-m", "pip"], ["python3", "-m", "pip"]):
        command = ["pip", *command[3:]]
    if not command or Path(command[0]).name != "pip" or command[1:2] != ["install"]:
        return None
    return tuple(arg for arg in command[2:] if arg not in QUIET_FLAGS)


def image_pip_installs() -> list[tuple[str, ...]]:
    return [
        args
        for instruction, shell in dockerfile_instructions()
        if instruction == "RUN"
        for command in _commands(shell)
        if (args := _pip_install_arguments(command)) is not None
    ]


def make_recipe(target: str) -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert match, target
    return [line.strip() for line in match.group(1).splitlines()]


def test_the_image_installs_what_make_install_installs():
    make_installs = [
        args
        for line in make_recipe("$(VENV)/.installed")
        if (args := _pip_install_arguments(shlex.split(line.replace("$(BIN)/", ""))))
    ]
    assert image_pip_installs() == make_installs == [("-r", "requirements.txt")]
    copied = [
        args.split()[0] for instruction, args in dockerfile_instructions() if instruction == "COPY"
    ]
    assert "requirements.txt" in copied


def test_ci_installs_the_images_pins_plus_the_tools():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make install-dev" in ci
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in dev


def test_the_image_runs_the_python_that_the_project_requires():
    (base,) = [args for instruction, args in dockerfile_instructions() if instruction == "FROM"]
    image_version = re.match(r"python:(\d+\.\d+)", base).group(1)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={image_version},' in pyproject
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == image_version


def test_the_images_manage_py_steps_run_here(tmp_path):
    steps = [
        command
        for instruction, shell in dockerfile_instructions()
        if instruction == "RUN"
        for command in _commands(shell)
        if "manage.py" in command
    ]
    assert steps, "the image runs no manage.py step (collectstatic)"
    base_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    for command in steps:
        assignments = [word for word in command if re.match(r"^[A-Z_]+=", word)]
        program = command[len(assignments) :]
        env = {**base_env, **dict(word.split("=", 1) for word in assignments)}
        env["DJANGO_STATIC_ROOT"] = str(tmp_path / "static")
        assert program[0] == "python"
        result = subprocess.run(
            [sys.executable, *program[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert any((tmp_path / "static").rglob("*.css"))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pip install -r requirements.txt", ("-r", "requirements.txt")),
        (".venv/bin/pip install --quiet -r requirements.txt", ("-r", "requirements.txt")),
        ("python -m pip install --no-cache-dir django", ("django",)),
        ("pip freeze", None),
        ("python manage.py migrate", None),
    ],
)
def test_pip_installs_are_recognised_whatever_their_spelling(command, expected):
    assert _pip_install_arguments(shlex.split(command)) == expected
