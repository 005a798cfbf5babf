"""Every message ``flask content check`` gives an editor comes in Traditional Chinese with ``--lang zh-hk``."""

from __future__ import annotations

import ast
from pathlib import Path

import portal

# --- (b) no English-only message can come back ------------------------------------------------------

PORTAL = Path(portal.__file__).resolve().parent


class MessageChecker:
    """Finds ``Problem(...)`` calls in one module whose message is not an ``N_("…")`` literal.

    A message may also be a name bound only to such literals (or a dict of them, indexed), a parameter of
    a function whose every call passes one, or an exception carrying one (``str(exc)``, ``exc.message``)
    when every construction of that exception in the module passes one.
    """

    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        self.failures: list[str] = []
        self.forwarded: set[tuple[str, int, str]] = set()  # (function, position, parameter)

    def run(self) -> list[str]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _called(node) == "Problem":
                self.require(_argument(node, 2, "message"), node)
        done: set[tuple[str, int, str]] = set()
        while self.forwarded - done:
            forwarder = (self.forwarded - done).pop()
            done.add(forwarder)
            name, position, parameter = forwarder
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Call) and _called(node) == name:
                    self.require(_argument(node, position, parameter), node)
        return self.failures

    def require(self, node: ast.expr | None, call: ast.AST) -> None:
        if node is not None and not self.acceptable(node, call):
            where = f"{self.path.name if PORTAL not in self.path.parents else self.path.relative_to(PORTAL.parent)}:{call.lineno}"
            self.failures.append(f"{where}: message {ast.unparse(node)!r} is not an N_() literal")

    def acceptable(self, node: ast.expr, at: ast.AST) -> bool:
        if isinstance(node, ast.Call) and _called(node) == "N_":
            return len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
        if isinstance(node, ast.IfExp):
            return self.acceptable(node.body, at) and self.acceptable(node.orelse, at)
        if isinstance(node, ast.Name):
            return self.name_acceptable(node.id, at)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            tables = self.bindings(node.value.id, self.tree)
            return bool(tables) and all(
                isinstance(t, ast.Dict) and all(self.acceptable(v, t) for v in t.values) for t in tables
            )
        carrier = _exception_name(node)
        if carrier is not None:
            return self.carrier_acceptable(carrier, at)
        return False

    def name_acceptable(self, name: str, at: ast.AST) -> bool:
        function = self.enclosing_function(at)
        if function is not None:
            parameters = [a.arg for a in function.args.posonlyargs + function.args.args]
            if name in parameters:
                position = parameters.index(name) - (parameters[:1] == ["self"])
                self.forwarded.add((function.name, position, name))
                return True
            found = self.bindings(name, function)
            if found:
                return all(self.acceptable(value, value) for value in found)
        found = self.bindings(name, self.tree)
        return bool(found) and all(self.acceptable(value, value) for value in found)

    def carrier_acceptable(self, name: str, at: ast.AST) -> bool:
        function = self.enclosing_function(at) or self.tree
        handlers = [h for h in ast.walk(function) if isinstance(h, ast.ExceptHandler) and h.name == name]
        caught = {h.type.id if isinstance(h.type, ast.Name) else "" for h in handlers}
        if len(caught) == 1 and "" not in caught:
            exceptions = {caught.pop(): 0}
        else:  # ``exc.message``: an exception class of this module that carries a message
            exceptions = {
                node.name: [a.arg for a in init.args.args].index("message") - 1
                for node in ast.walk(self.tree)
                if isinstance(node, ast.ClassDef)
                for init in node.body
                if isinstance(init, ast.FunctionDef) and init.name == "__init__"
                if "message" in [a.arg for a in init.args.args]
            }
        made = [(n, exceptions[_called(n)]) for n in ast.walk(self.tree)
                if isinstance(n, ast.Call) and _called(n) in exceptions and n.args]  # fmt: skip
        return bool(made) and all(self.acceptable(_argument(n, at_, "message"), n) for n, at_ in made)

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def bindings(self, name: str, scope: ast.AST) -> list[ast.expr]:
        """Every value assigned to ``name`` directly in ``scope`` (not in functions nested in it)."""
        values = []
        for node in _walk_scope(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    values += _assigned(target, node.value, name)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                values += _assigned(node.target, node.value, name)
        return values


def _walk_scope(scope: ast.AST):
    for child in ast.iter_child_nodes(scope):
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            yield from _walk_scope(child)


def _assigned(target: ast.expr, value: ast.expr, name: str) -> list[ast.expr]:
    if isinstance(target, ast.Name):
        return [value] if target.id == name else []
    if isinstance(target, ast.Tuple):
        if isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts):
            return [v for t, e in zip(target.elts, value.elts, strict=True) for v in _assigned(t, e, name)]
        if any(isinstance(t, ast.Name) and t.id == name for t in target.elts):
            return [target]  # unpacked from something we cannot see into: not acceptable
    return []


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """The argument bound to ``position`` (a starred argument stands for the path and line)."""
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    index = 0
    for arg in call.args:
        if index == position and not isinstance(arg, ast.Starred):
            return arg
        index += 2 if isinstance(arg, ast.Starred) else 1
    return None


def _exception_name(node: ast.expr) -> str | None:
    """``exc`` in ``str(exc)`` or ``exc.message``."""
    if isinstance(node, ast.Call) and _called(node) == "str" and len(node.args) == 1:
        node = node.args[0]
        return node.id if isinstance(node, ast.Name) else None
    if isinstance(node, ast.Attribute) and node.attr == "message" and isinstance(node.value, ast.Name):
        return node.value.id
    return None


def test_every_problem_message_is_marked_for_translation():
    failures = [failure for path in sorted(PORTAL.rglob("*.py")) for failure in MessageChecker(path).run()]
    assert not failures, "\n".join(failures)


def test_the_message_check_catches_an_english_only_message(tmp_path):
    module = tmp_path / "loader.py"
    module.write_text(
        "def check(shown, name):\n"
        "    ok = N_('fine')\n"
        "    Problem(shown, 1, ok)\n"
        "    Problem(shown, 2, f'unknown field {name}')\n"
        "    warn(shown, 'plain English')\n"
        "def warn(shown, message):\n"
        "    Problem(shown, 3, message, 'warning')\n",
        encoding="utf-8",
    )
    failures = MessageChecker(module).run()
    assert len(failures) == 2, failures
    assert "unknown field" in failures[0] or "unknown field" in failures[1]
    assert any("plain English" in f for f in failures)
