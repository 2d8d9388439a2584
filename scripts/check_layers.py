"""Check that the project's apps depend on each other in one direction only.

    .venv/bin/python scripts/check_layers.py            # this repository
    .venv/bin/python scripts/check_layers.py path/to/repo

Prints one line per dependency that points up (or sideways between siblings), as
`path:line: <app> depends on <app> (<how>)`, and exits 1; otherwise prints a one-line summary.
A dependency is anything that names another app: imports, model labels, permissions, dotted paths,
and template or static paths, in each app's Python files (not its migrations) and its templates.
"""

import ast
import functools
import re
import sys
from pathlib import Path
from typing import NamedTuple

# The layers, top (0) to bottom, as docs/architecture.md draws them. Kept here as data rather than
# derived from the code, because the point is to hold the code to the design: an app may depend on
# itself and on apps of a higher rank number only. Siblings (one rank) stay independent of each other
# so that either can be removed or reworked alone.
LAYERS = {
    "elearning": 0,
    "schools": 1,
    "certificates": 1,
    "quizzes": 2,
    "courses": 3,
    "h5p": 4,
    "progress": 5,
    "accounts": 6,
}

ROOT = Path(__file__).resolve().parent.parent

_APP = "|".join(sorted(LAYERS, key=len, reverse=True))
# "courses.LessonPage": the app_label.ModelName that ForeignKey, snippet choosers, page types and
# apps.get_model accept.
MODEL_LABEL = re.compile(rf"({_APP})\.[A-Z][A-Za-z0-9_]*")
PERMISSION = re.compile(rf"({_APP})\.(add|change|delete|view)_[a-z0-9_]+")
# "h5p.middleware.H5PContentOriginMiddleware", "courses.urls": what settings, include(),
# import_string() and Wagtail viewsets resolve to a module.
DOTTED_PATH = re.compile(rf"({_APP})\.[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
FILE_SUFFIXES = {"html", "txt", "xml", "js", "mjs", "css", "svg", "png", "jpg", "jpeg", "gif", "webp", "ico", "json"}
FILE_SUFFIXES |= {"woff", "woff2", "ttf", "otf", "mp3", "mp4", "webm", "pdf", "map"}
# "courses/blocks/h5p_activity.html": templates and static files are named by their app's folder.
FILE_PATH = re.compile(rf"({_APP})/\S*\.({'|'.join(sorted(FILE_SUFFIXES))})")
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}

# The calls that take a module or object path, or an app label, as a plain string.
IMPORT_CALLS = {"import_module", "import_string", "__import__"}
APP_LABEL_CALLS = {"get_model", "get_app_config", "get_by_natural_key"}

# Django template syntax: comments are prose; tags and variables are each on one line.
TEMPLATE_COMMENT = re.compile(r"\{#[^\n]*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
TEMPLATE_CODE = re.compile(r"\{%\s*(\w+)(.*?)%\}|\{\{(.*?)\}\}")
TEMPLATE_STRING = re.compile(r"(\"|')(.*?)\1")
# Wagtail's settings context processor: {{ settings.elearning.HelplineSettings.phone_number }}.
WAGTAIL_SETTING = re.compile(rf"\bsettings\.({_APP})\.[A-Z][A-Za-z0-9_]*")


class Dependency(NamedTuple):
    line: int
    target_app: str
    how: str


def app_of(path: Path | str, root: Path = ROOT) -> str | None:
    """The app whose layer a file is checked as, or None if it is not checked (tests, scripts,
    migrations, anything outside the apps)."""
    path = Path(path)
    if path.is_absolute():
        try:
            path = path.relative_to(root)
        except ValueError:
            return None
    parts = path.parts
    if len(parts) < 2 or parts[0] not in LAYERS or "migrations" in parts[1:-1]:
        return None
    if path.suffix == ".py":
        return parts[0]
    if path.suffix in TEMPLATE_SUFFIXES and len(parts) > 2 and parts[1] == "templates":
        return parts[0]
    return None


def checked_files(root: Path = ROOT) -> list[Path]:
    files = []
    for app in LAYERS:
        folder = root / app
        if folder.is_dir():
            files += (path for path in folder.rglob("*") if path.is_file() and app_of(path, root))
    return sorted(files)


def classify(text: str) -> tuple[str, str] | None:
    """The app a string names and how, if it has one of the shapes Django and Wagtail resolve."""
    if match := MODEL_LABEL.fullmatch(text):
        return match[1], f"model label {text!r}"
    if match := PERMISSION.fullmatch(text):
        return match[1], f"permission {text!r}"
    if match := DOTTED_PATH.fullmatch(text):
        # "h5p.json" is a file name, not the module h5p.json.
        if text.count(".") == 1 and text.rsplit(".", 1)[1] in FILE_SUFFIXES:
            return None
        return match[1], f"dotted path {text!r}"
    if match := FILE_PATH.fullmatch(text):
        return match[1], f"path {text!r}"
    return None


def dependencies(path: Path | str, root: Path = ROOT) -> list[Dependency]:
    """Every app a file names (its own included), in the order of the lines."""
    path = Path(path)
    if not path.is_absolute():
        path = root / path
    text = path.read_text(encoding="utf-8")
    found = _python_dependencies(text, str(path)) if path.suffix == ".py" else _template_dependencies(text, root)
    return sorted(set(found))


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _python_dependencies(source: str, filename: str) -> list[Dependency]:
    tree = ast.parse(source, filename)
    found = []
    # Strings read as something more specific than their shape, or not read at all: a bare string
    # statement (docstrings, and notes after an attribute) is prose, and an f-string's constant
    # parts are fragments of a value that is only known when the code runs.
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and _string(node.value) is not None:
            skipped.add(id(node.value))
        elif isinstance(node, ast.JoinedStr):
            skipped.update(id(value) for value in node.values)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                app = alias.name.split(".")[0]
                if app in LAYERS:
                    found.append(Dependency(node.lineno, app, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            app = (node.module or "").split(".")[0]
            if node.level == 0 and app in LAYERS:
                names = ", ".join(alias.name for alias in node.names)
                found.append(Dependency(node.lineno, app, f"from {node.module} import {names}"))
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            first = _string(node.args[0]) if node.args else None
            if name in IMPORT_CALLS and first is not None:
                skipped.add(id(node.args[0]))
                app = first.split(".")[0]
                if app in LAYERS:
                    found.append(Dependency(node.lineno, app, f"{name}({first!r})"))
            elif name in APP_LABEL_CALLS and first in LAYERS:
                skipped.add(id(node.args[0]))
                args = ", ".join(repr(_string(arg)) for arg in node.args[:2] if _string(arg) is not None)
                found.append(Dependency(node.lineno, first, f"{name}({args})"))
            for keyword in node.keywords:
                label = _string(keyword.value)
                # ContentType and Permission queries: app_label="courses", content_type__app_label=...
                if keyword.arg and keyword.arg.split("__")[-1] == "app_label" and label in LAYERS:
                    skipped.add(id(keyword.value))
                    found.append(Dependency(node.lineno, label, f"{keyword.arg}={label!r}"))
    for node in ast.walk(tree):
        text = _string(node)
        if text is not None and id(node) not in skipped and (named := classify(text)):
            found.append(Dependency(node.lineno, *named))
    return found


@functools.cache
def template_libraries(root: Path) -> dict[str, str]:
    """Each {% load %} library the apps define, and its app."""
    libraries = {}
    for app in LAYERS:
        for module in sorted((root / app / "templatetags").glob("*.py")):
            if module.stem != "__init__":
                libraries.setdefault(module.stem, app)
    return libraries


def _template_dependencies(text: str, root: Path) -> list[Dependency]:
    text = TEMPLATE_COMMENT.sub(lambda match: "\n" * match[0].count("\n"), text)
    found = []
    for match in TEMPLATE_CODE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        tag, rest = match[1], match[2] if match[1] else match[3]
        strings = [string[2] for string in TEMPLATE_STRING.finditer(rest)]
        if tag in {"include", "extends", "static"} and strings:
            # The tag says the string is a template or static path, whatever it ends with
            # ("quizzes/questions/"|add:kind|add:".html").
            path, *strings = strings
            app = path.split("/")[0]
            if "/" in path and app in LAYERS:
                found.append(Dependency(line, app, f"{{% {tag} {path!r} %}}"))
        elif tag == "load":
            names = rest.split()
            names = names[names.index("from") + 1 :] if "from" in names else names
            libraries = template_libraries(root)
            found += (Dependency(line, libraries[name], f"{{% load {name} %}}") for name in names if name in libraries)
        found += (Dependency(line, *named) for string in strings if (named := classify(string)))
        found += (Dependency(line, setting[1], setting[0]) for setting in WAGTAIL_SETTING.finditer(rest))
    return found


def violations(root: Path = ROOT) -> list[str]:
    lines = []
    for path in checked_files(root):
        app = app_of(path, root)
        name = path.relative_to(root)
        try:
            found = dependencies(path, root)
        except (SyntaxError, UnicodeDecodeError) as error:
            # A file that cannot be read cannot be shown to be clean.
            lines.append(f"{name}:{getattr(error, 'lineno', None) or 1}: cannot be checked ({error})")
            continue
        lines += (
            f"{name}:{dependency.line}: {app} depends on {dependency.target_app} ({dependency.how})"
            for dependency in found
            if dependency.target_app != app and LAYERS[dependency.target_app] <= LAYERS[app]
        )
    return lines


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and not Path(argv[0]).is_dir()):
        print("usage: check_layers.py [repository root]", file=sys.stderr)
        return 2
    root = Path(argv[0]).resolve() if argv else ROOT
    found = violations(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} layer violation(s)", file=sys.stderr)
        return 1
    print(f"layers ok: {len(checked_files(root))} files checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
