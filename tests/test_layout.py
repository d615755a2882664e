"""The package's layout holds: the rules import nothing of the web, no module imports itself back
through others, and no module is too long to read at once."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "drafting"
LONGEST_MODULE = 400

# What the rules in drafting.domain may not import, by the module's name or its start. The rules
# run without a request (from the command line, a test, an import), so they take nothing of the
# request, the session, the forms or the pages: no Flask but its current_app, which every
# application context has (the configuration: keys, costs, limits); no Flask extension of the web
# (sign-in, forms, rate limits); none of Werkzeug (requests, responses, HTTP errors) or WTForms;
# and none of drafting.web. They may call drafting.rendering (adoption makes the PDFs it stores),
# drafting.models and drafting.extensions (the database), and libraries that are no part of the
# web: itsdangerous signs tokens, markupsafe marks the HTML that clause markup becomes.
REFUSED = ("flask", "flask_login", "flask_wtf", "flask_limiter", "werkzeug", "wtforms", "drafting.web")
ALLOWED_FROM_FLASK = {"current_app"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def refused(name: str) -> bool:
    return any(name == start or name.startswith(start + ".") for start in REFUSED)


def executed_imports(tree: ast.AST):
    """Yield every import statement that can run: at module level or in a function, not under TYPE_CHECKING."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            yield from (imported for branch in node.orelse for imported in executed_imports(branch))
        else:
            yield from executed_imports(node)


def web_imports(path: Path) -> list[str]:
    """Return what a module imports of the web, as "line: name"."""
    found = []
    for node in executed_imports(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: {alias.name}" for alias in node.names if refused(alias.name)]
        elif node.level == 0 and node.module == "flask":
            found += [f"{node.lineno}: flask.{alias.name}" for alias in node.names if alias.name not in ALLOWED_FROM_FLASK]
        elif node.level == 0 and refused(node.module):
            found.append(f"{node.lineno}: {node.module}")
    return found


def test_the_rules_import_nothing_of_the_web():
    rules = {name: path for name, path in modules().items() if name.startswith("drafting.domain")}
    assert len(rules) > 20
    found = {name: web_imports(path) for name, path in rules.items()}
    assert {name: imports for name, imports in found.items() if imports} == {}


def test_the_check_of_the_rules_sees_what_it_refuses(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from flask import current_app, abort\n"
        "import werkzeug.exceptions\n"
        "if TYPE_CHECKING:\n"
        "    from flask_login import UserMixin\n"
        "def later():\n"
        "    from drafting.web.loading import declaration_or_404\n"
    )
    assert web_imports(sample) == ["2: flask.abort", "3: werkzeug.exceptions", "7: drafting.web.loading"]


def import_graph() -> dict[str, set[str]]:
    """Map each module of the package to the modules of the package it imports.

    Every import that runs counts, at module level or inside a function: an import put off into a
    function to dodge a cycle still makes each module need the other, and only postpones the
    cycle's failure to the first call. An import under TYPE_CHECKING never runs (it names a type
    for the reader, as the models do for their relationships) and does not count. `from a import b`
    depends on the module a.b where b is a module, else on a.
    """
    known = modules()
    graph = {}
    for name, path in known.items():
        needs = set()
        for node in executed_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                needs |= {alias.name for alias in node.names if alias.name in known}
            elif node.level == 0 and node.module in known or any(
                f"{node.module}.{alias.name}" in known for alias in node.names
            ):
                for alias in node.names:
                    needs.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module)
        graph[name] = needs - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import one another, directly or through others (Tarjan)."""
    order, lowest, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for needed in graph[module]:
            if needed not in order:
                visit(needed)
                lowest[module] = min(lowest[module], lowest[needed])
            elif needed in on_stack:
                lowest[module] = min(lowest[module], order[needed])
        if lowest[module] == order[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return found


def test_no_module_imports_itself_back():
    graph = import_graph()
    assert "drafting.domain.signoff" in graph["drafting.web.signoff.routes"]
    assert cycles(graph) == []


def test_the_check_of_cycles_finds_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines():
    lengths = {name: len(path.read_text().splitlines()) for name, path in modules().items()}
    assert {name: lines for name, lines in lengths.items() if lines > LONGEST_MODULE} == {}
