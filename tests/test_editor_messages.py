"""Every message ``flask content check`` gives an editor comes in Traditional Chinese with ``--lang zh-hk``
(issue 14): a broken file of each kind is told in Chinese with its path:line, and a static check keeps any
``Problem`` message from being English-only again."""

from __future__ import annotations

import ast
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import portal

# --- (a) each kind of file, broken, in Chinese with its path:line -------------------------------------


@dataclass
class Broken:
    """One edit that breaks one file, and what ``check --lang zh-hk`` says about it."""

    path: str  # under content/
    old: str
    new: str
    chinese: str  # part of the message, in Chinese
    english: str  # the same part in English: must not be shown to a Chinese-reading editor
    line_at: str | None = None  # the message is on the first line containing this (None: any line)


def centres_cells(changes: dict[str, str], centre: str = "swd-aberdeen"):
    """An edit of centres.csv: ``changes`` (column -> value) in the row of ``centre``."""

    def edit(text: str) -> str:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            if row["id"] == centre:
                row.update(changes)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    return edit


BROKEN = [
    Broken("site/about/en.md", "(../privacy/en.md)", "(../nowhere/en.md)",
           "連結失效：沒有「nowhere」這個網站頁面或文章", "broken link", "nowhere"),
    Broken("site/contact.yml", "email: editors@family-portal.example", "email: editors at the portal",
           "email「editors at the portal」不是電郵地址", "is not an e-mail address", "email:"),
    Broken("tags.yml", "teenagers: {en: Teenagers, zh-hk: 青少年}",
           "teenagers: {en: Teenagers, zh-hk: 青少年, quick_exit: maybe}",
           "標籤「teenagers」：quick_exit 必須是 true 或 false", "must be true or false", "teenagers:"),
    Broken("search/synonyms.yml", "- note: Family violence", "- label: Family violence",
           "第 1 組（", "add a 'note'", None),
    Broken("search/crisis.yml", "hotlines: [emergency-999, ", "hotlines: [emergency-999, no-such-line, ",
           "危機組別「suicide-self-harm」：hotlines.yml 內沒有熱線「no-such-line」", "is not in hotlines.yml",
           "id: suicide-self-harm"),
    Broken("centres/centres.csv", "", "", "中心「swd-aberdeen」：「2875 868」不是香港電話號碼",
           "is not a Hong Kong number", "swd-aberdeen,"),
    Broken("centres/centres.csv", "", "", "中心「swd-aberdeen」：mon：「9-5」不是時段",
           "is not a time range", "swd-aberdeen,"),
    Broken("holidays.yml", "source: 'python-holidays", "notes: 'python-holidays",
           "「source:」必須註明日期從哪裏抄錄", "must say where the dates were copied from", None),
    Broken("selfcheck/who5.yml", "kind: validated", "kind: homemade",
           "「kind」必須是以下其中一個", "must be one of", None),
    Broken("hotlines.yml", '  number: "999"', '  number: "99x"',
           "熱線「emergency-999」：號碼「99x」只應有數字及空格", "should be digits and spaces", "id: emergency-999"),
    Broken("districts.yml", "centroid: [22.2748, 114.1463]", "centroid: [0, 0]",
           "地區「central-and-western」：中心點 [0, 0] 不在香港", "is not in Hong Kong", "id: central-and-western"),
]  # fmt: skip
CENTRE_EDITS = {
    "中心「swd-aberdeen」：「2875 868」不是香港電話號碼": centres_cells({"phone": "2875 868"}),
    "中心「swd-aberdeen」：mon：「9-5」不是時段": centres_cells(
        {day: "9-5" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: f"{case.path}-{case.english}")
def test_a_broken_file_of_each_kind_is_told_in_chinese_with_its_path_and_line(make_app, content_copy, case):
    path = content_copy / case.path
    text = path.read_text(encoding="utf-8")
    if case.path.endswith(".csv"):
        text = CENTRE_EDITS[case.chinese](text)
    else:
        assert case.old in text, case
        text = text.replace(case.old, case.new, 1)
    path.write_text(text, encoding="utf-8")
    result = (
        make_app(CONTENT_DIR=str(content_copy)).test_cli_runner().invoke(args=["content", "check", "--lang", "zh-hk"])
    )
    assert result.exit_code == 1, result.output
    shown = f"content/{case.path}"
    rows = [row for row in result.output.splitlines() if row.startswith(f"{shown}:") and case.chinese in row]
    assert rows, result.output
    line = text[: text.index(case.line_at)].count("\n") + 1 if case.line_at else None
    named = re.escape(shown) + (f":{line}: " if line else r":[1-9]\d*: ")
    assert any(re.match(named, row) for row in rows), (line, rows)
    assert case.english not in result.output, result.output


def test_the_same_problem_stays_in_english_without_lang(make_app, content_copy):
    hotlines = content_copy / "hotlines.yml"
    hotlines.write_text(hotlines.read_text(encoding="utf-8").replace('  number: "999"', '  number: "99x"', 1), "utf-8")
    result = make_app(CONTENT_DIR=str(content_copy)).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "content/hotlines.yml:" in result.output
    assert "hotline 'emergency-999': number '99x' should be digits and spaces" in result.output


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
            shown = self.path.relative_to(PORTAL.parent) if PORTAL in self.path.parents else self.path.name
            where = f"{shown}:{call.lineno}"
            self.failures.append(f"{where}: message {ast.unparse(node)!r} is not an N_() literal")

    def acceptable(self, node: ast.expr, at: ast.AST) -> bool:
        if isinstance(node, ast.Call) and _called(node) == "N_":
            return (
                len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            )
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
        if not found:
            return self.imported_acceptable(name)
        return all(self.acceptable(value, value) for value in found)

    def imported_acceptable(self, name: str) -> bool:
        """A name imported from another module of ours (``from ..body_checks import MESSAGE``) bound there
        to an ``N_`` literal."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.level and any(a.name == name for a in node.names):
                base = self.path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                source = base.joinpath(*(node.module or "").split(".")).with_suffix(".py")
                if source.is_file():
                    other = MessageChecker(source)
                    found = other.bindings(name, other.tree)
                    return bool(found) and all(other.acceptable(value, value) for value in found)
        return False

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
