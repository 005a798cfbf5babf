"""The self-check tool file format: content/selfcheck/<id>.yml -> a validated :class:`Tool`.

A tool is data, never code: items, response options with scores, a scoring rule
(sum, reverse-scored items, multiplier), result bands, alert rules (crisis
safety messages) and the instrument's sources. :func:`parse_tool` checks
everything an editor can get wrong and reports each problem as
``path:line: message``; :meth:`Tool.to_dict` / :meth:`Tool.from_dict` move a
checked tool to and from the database as JSON.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

from ..content import ContentError, EditorChecks, Problem, yaml_problem
from ..i18n import N_, SIMPLIFIED, is_chinese

LANGS = ("en", "zh-hk")
KINDS = ("validated", "reflection")
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")
# A wording source that is our own work, not a published one: we never translate a validated instrument.
OWN_WORDING = re.compile(
    r"\b(?:our|ours|we|by us|editors?|family portal|machine|google translate|deepl|chatgpt)\b"
    r"|我們|本網站|本站|編輯|自行|自譯",
    re.IGNORECASE,
)
MAX_ITEMS = 60
MAX_OPTIONS = 12
# What is wrong with a list of response options, worded for its owner: an option set or an item.
OPTION_MESSAGES = {
    ("option set", "too few"): N_("option set '%(name)s' needs at least two response options"),
    ("item", "too few"): N_("item '%(name)s' needs at least two response options"),
    ("option set", "too many"): N_("option set '%(name)s' has more than %(most)s options"),
    ("item", "too many"): N_("item '%(name)s' has more than %(most)s options"),
    ("option set", "not an option"): N_("option set '%(name)s': each option needs 'value' and 'label'"),
    ("item", "not an option"): N_("item '%(name)s': each option needs 'value' and 'label'"),
    ("option set", "bad value"): N_("option set '%(name)s': option 'value' must be a whole number (its score)"),
    ("item", "bad value"): N_("item '%(name)s': option 'value' must be a whole number (its score)"),
    ("option set", "same value"): N_("option set '%(name)s': two options have the value %(value)s"),
    ("item", "same value"): N_("item '%(name)s': two options have the value %(value)s"),
}


# --- YAML with line numbers -----------------------------------------------------------


class LineDict(dict):
    """A YAML mapping that remembers the line it started on (1-based)."""

    line: int = 1


class LineList(list):
    line: int = 1


class _LineLoader(EditorChecks, yaml.SafeLoader):
    """Line numbers on every mapping and list, and the editors' checks (repeated keys, impossible dates)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", EditorChecks.construct_checked_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_with_lines(text: str, shown_as: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ContentError(yaml_problem(exc, text, shown_as)) from exc


def line_of(value: Any, default: int) -> int:
    return getattr(value, "line", default)


# --- the checked tool ---------------------------------------------------------------


@dataclass
class Option:
    value: int
    label: dict[str, str]


@dataclass
class Item:
    id: str
    text: dict[str, str]
    options: list[Option]
    reverse: bool = False

    def points(self, value: int) -> int:
        """The score an answer adds: reverse-scored items count from the other end."""
        if not self.reverse:
            return value
        values = [o.value for o in self.options]
        return max(values) + min(values) - value


@dataclass
class Band:
    min: int
    max: int
    key: str
    label: dict[str, str]
    meaning: dict[str, str]
    next_steps: dict[str, list[str]]
    urgent: bool = False  # a prominent "talk to someone soon" block
    related_tags: list[str] = field(default_factory=list)  # articles for this band first
    hotlines: list[str] = field(default_factory=list)  # extra hotline ids for this band's result


@dataclass
class Alert:
    """A rule on single answers: e.g. PHQ-9 item 9 above 0 -> crisis safety message."""

    items: list[str]
    above: int | None
    at_most: int | None
    crisis: bool
    message: dict[str, str]

    def fires(self, answers: dict[str, int]) -> bool:
        for item_id in self.items:
            value = answers.get(item_id)
            if value is None:
                continue
            if self.above is not None and value > self.above:
                return True
            if self.at_most is not None and value <= self.at_most:
                return True
        return False


@dataclass
class Tool:
    id: str
    kind: str
    position: int
    minutes: int
    title: dict[str, str]
    summary: dict[str, str]
    audience: dict[str, str]
    time_frame: dict[str, str]
    stem: dict[str, str]
    items: list[Item]
    bands: list[Band]
    alerts: list[Alert]
    item_languages: list[str]
    english_only_reason: dict[str, str]
    wording_source: dict[str, str]
    citation: str
    licence: str
    attribution: str
    multiplier: int
    score_label: dict[str, str]
    related_tags: list[str] = field(default_factory=list)
    hotlines: list[str] = field(default_factory=list)  # extra hotline ids (content/hotlines.yml) for the result
    show_centres: bool = True
    higher_is_better: bool = False
    # A tool written in both languages to point to where these questions are not in the reader's language.
    alternative: str = ""

    @property
    def raw_range(self) -> tuple[int, int]:
        low = sum(min(item.points(o.value) for o in item.options) for item in self.items)
        high = sum(max(item.points(o.value) for o in item.options) for item in self.items)
        return low, high

    @property
    def score_range(self) -> tuple[int, int]:
        low, high = self.raw_range
        return low * self.multiplier, high * self.multiplier

    def possible_scores(self) -> set[int]:
        """Every score some set of answers can reach (after reverse-scoring and the multiplier)."""
        sums = {0}
        for item in self.items:
            sums = {s + item.points(o.value) for s in sums for o in item.options}
        return {s * self.multiplier for s in sums}

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        raise ValueError(f"no band for score {score} in {self.id}")  # prevented by parse_tool

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def items_lang(self, lang: str) -> str:
        """The language the questions are shown in on a page in ``lang``.

        The Simplified edition shows our own tools' questions converted (``zh-cn`` is then in
        ``item_languages``) but a validated instrument's published Traditional wording as it was published:
        converting it would be a wording nobody validated. Failing both, English.
        """
        if lang in self.item_languages:
            return lang
        if is_chinese(lang) and "zh-hk" in self.item_languages:
            return "zh-hk"
        return "en"

    def has_items_in(self, lang: str) -> bool:
        """Whether a reader of ``lang`` gets the questions in their language (Chinese in either script)."""
        return lang == "en" or self.items_lang(lang) != "en"

    def wording_sources(self, lang: str) -> list[tuple[str, str]]:
        """(language, note) of where each wording comes from, for a page in ``lang``: the written notes, the
        Simplified one instead of the Traditional on the Simplified edition."""
        shown = [code for code in self.wording_source if code != SIMPLIFIED]
        if lang == SIMPLIFIED and SIMPLIFIED in self.wording_source:
            shown = [SIMPLIFIED if code == "zh-hk" else code for code in shown]
        return [(code, self.wording_source[code]) for code in shown]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Tool:
        data = dict(data)
        data["items"] = [Item(**{**item, "options": [Option(**o) for o in item["options"]]}) for item in data["items"]]
        data["bands"] = [Band(**band) for band in data["bands"]]
        data["alerts"] = [Alert(**alert) for alert in data["alerts"]]
        return cls(**data)


# --- parsing and checking -------------------------------------------------------------


class _Checker:
    """Collects problems while reading one file, so an editor sees all of them at once."""

    def __init__(self, shown_as: str):
        self.shown = shown_as
        self.problems: list[Problem] = []

    def error(self, line: int, message: str, **params: Any) -> None:
        """``message`` is an ``N_`` text; ``params`` fill its ``%(name)s`` placeholders."""
        self.problems.append(Problem(self.shown, line, message, params=params))

    def text(self, parent: dict, name: str, langs: tuple[str, ...] | list[str] = LANGS, required: bool = True):
        """A bilingual text field {en: …, zh-hk: …}; returns {} when missing or wrong."""
        value = parent.get(name)
        line = line_of(value, line_of(parent, 1))
        if value is None:
            if required:
                self.error(line_of(parent, 1), N_("'%(field)s' is missing: give it as {en: …, zh-hk: …}"), field=name)
            return {}
        if not isinstance(value, dict):
            self.error(line, N_("'%(field)s' must have one text per language (en: …, zh-hk: …)"), field=name)
            return {}
        result = {}
        for lang in langs:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.error(line, N_("'%(field)s' has no '%(lang)s' text"), field=name, lang=lang)
            else:
                result[lang] = text.strip()
        for extra in set(value) - set(LANGS):
            self.error(line, N_("'%(field)s': unknown language '%(lang)s' (use en and zh-hk)"), field=name, lang=extra)
        return result

    def steps(self, parent: dict, name: str) -> dict[str, list[str]]:
        """Bilingual lists of next steps {en: [..], zh-hk: [..]}."""
        value = parent.get(name)
        line = line_of(value, line_of(parent, 1))
        if value is None:
            self.error(line_of(parent, 1), N_("'%(field)s' is missing: give a list per language"), field=name)
            return {}
        if not isinstance(value, dict):
            self.error(line, N_("'%(field)s' must have a list per language (en: [...], zh-hk: [...])"), field=name)
            return {}
        result = {}
        for lang in LANGS:
            entries = value.get(lang)
            good = isinstance(entries, list) and entries and all(isinstance(e, str) and e.strip() for e in entries)
            if not good:
                self.error(line, N_("'%(field)s' needs a non-empty list of '%(lang)s' texts"), field=name, lang=lang)
            else:
                result[lang] = [e.strip() for e in entries]
        if len(result.get("en", [])) != len(result.get("zh-hk", [])) and len(result) == 2:
            message = N_("'%(field)s' has %(english)s English and %(chinese)s Chinese steps")
            self.error(line, message, field=name, english=len(result["en"]), chinese=len(result["zh-hk"]))
        return result

    def integer(self, parent: dict, name: str, default: int | None = None, low: int = 0, high: int = 10_000):
        value = parent.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            message = N_("'%(field)s' must be a whole number from %(low)s to %(high)s")
            self.error(line_of(parent, 1), message, field=name, low=low, high=high)
            return default if default is not None else low
        return value


def parse_tool(
    text: str,
    shown_as: str,
    expected_id: str,
    known_tags: set[str] | None = None,
    known_hotlines: set[str] | None = None,
    known_tools: set[str] | None = None,
) -> Tool:
    """Read and check one tool file; raise ContentError listing every problem found."""
    data = load_with_lines(text, shown_as)
    check = _Checker(shown_as)
    if not isinstance(data, dict):
        raise ContentError(Problem(shown_as, 1, N_("a self-check file must be 'field: value' lines (see README.md)")))
    tool_id = data.get("id")
    if tool_id != expected_id or not isinstance(tool_id, str) or not ID.match(tool_id):
        message = N_("'id' must be '%(id)s' (the file name), lower-case letters, digits and '-'")
        check.error(1, message, id=expected_id)
    kind = data.get("kind")
    if kind not in KINDS:
        check.error(data.line, N_("'kind' must be one of: %(known)s"), known=", ".join(KINDS))

    item_languages = data.get("item_languages", list(LANGS))
    if not isinstance(item_languages, list) or "en" not in item_languages or set(item_languages) - set(LANGS):
        check.error(data.line, N_("'item_languages' must be [en] or [en, zh-hk]"))
        item_languages = ["en"]
    item_languages = [lang for lang in LANGS if lang in item_languages]
    english_only_reason = {}
    if "zh-hk" not in item_languages:
        english_only_reason = check.text(data, "english_only_reason")
    item_langs = tuple(item_languages)

    wording_source = check.text(data, "wording_source", item_langs)
    if kind == "validated":
        for name in ("citation", "licence"):
            if not str(data.get(name) or "").strip():
                message = N_("a validated instrument needs '%(field)s' (see shared/reference/selfcheck.md)")
                check.error(data.line, message, field=name)
    if kind == "validated" and str(data.get("translated_by_us", "")).lower() in ("true", "yes"):
        check.error(data.line, N_("never translate a validated instrument ourselves: use a published wording"))

    if kind == "validated":
        _check_chinese_wording_source(check, data, item_languages)
    items = _parse_items(check, data, item_langs)
    scoring = data.get("scoring") if isinstance(data.get("scoring"), dict) else LineDict()
    if not isinstance(data.get("scoring"), dict):
        check.error(data.line, N_("'scoring' is missing: give at least 'method: sum'"))
    if scoring.get("method", "sum") != "sum":
        check.error(line_of(scoring, data.line), N_("scoring 'method' must be 'sum' (the only rule we support)"))
    multiplier = check.integer(scoring, "multiplier", 1, 1, 100)
    reverse = scoring.get("reverse_items", [])
    if not isinstance(reverse, list):
        check.error(line_of(scoring, data.line), N_("'reverse_items' must be a list of item ids"))
        reverse = []
    known = {item.id for item in items}
    for item_id in reverse:
        if item_id not in known:
            check.error(line_of(reverse, line_of(scoring, 1)), N_("reverse_items: no item '%(item)s'"), item=item_id)
    for item in items:
        item.reverse = item.id in reverse

    related_tags = data.get("related_tags", [])
    if not isinstance(related_tags, list) or not all(isinstance(t, str) for t in related_tags):
        check.error(data.line, N_("'related_tags' must be a list of tag ids from content/tags.yml"))
        related_tags = []
    for tag in related_tags:
        if known_tags is not None and tag not in known_tags:
            message = N_("related_tags: '%(tag)s' is not in content/tags.yml")
            check.error(line_of(related_tags, data.line), message, tag=tag)

    tool = Tool(
        id=str(tool_id),
        kind=str(kind),
        position=check.integer(data, "position", 100, 0, 10_000),
        minutes=check.integer(data, "minutes", 3, 1, 60),
        title=check.text(data, "title"),
        summary=check.text(data, "summary"),
        audience=check.text(data, "audience"),
        time_frame=check.text(data, "time_frame"),
        stem=check.text(data, "stem", item_langs, required=False),
        items=items,
        bands=[],
        alerts=[],
        item_languages=item_languages,
        english_only_reason=english_only_reason,
        wording_source=wording_source,
        citation=str(data.get("citation") or "").strip(),
        licence=str(data.get("licence") or "").strip(),
        attribution=str(data.get("attribution") or "").strip(),
        multiplier=multiplier,
        score_label=check.text(scoring, "score_label", required=False),
        related_tags=list(related_tags),
        hotlines=_string_list(check, data, "hotlines"),
        show_centres=bool(data.get("show_centres", True)),
        higher_is_better=bool(scoring.get("higher_is_better", False)),
        alternative=_alternative(check, data, str(tool_id), known_tools),
    )
    for key in tool.hotlines:
        if known_hotlines is not None and key not in known_hotlines:
            message = N_("hotlines: '%(hotline)s' is not an id in content/hotlines.yml")
            check.error(line_of(data.get("hotlines"), data.line), message, hotline=key)
    if items:
        tool.bands = _parse_bands(check, data, tool, known_tags, known_hotlines)
    tool.alerts = _parse_alerts(check, data, known)
    if check.problems:
        raise ContentError(sorted(set(check.problems)))
    return tool


def _has_chinese_text(value: Any) -> bool:
    return isinstance(value, dict) and bool(str(value.get("zh-hk") or "").strip())


def _chinese_item_line(data: dict) -> int | None:
    """The line of the first item (or option) with Chinese text, else None."""
    raw_items = data.get("items") if isinstance(data.get("items"), list) else []
    raw_sets = data.get("option_sets") if isinstance(data.get("option_sets"), dict) else {}
    options = [o for group in raw_sets.values() if isinstance(group, list) for o in group]
    for item in raw_items:
        if isinstance(item, dict):
            options += item.get("options") if isinstance(item.get("options"), list) else []
    for entry in [*raw_items, *options]:
        if isinstance(entry, dict) and (_has_chinese_text(entry.get("text")) or _has_chinese_text(entry.get("label"))):
            return line_of(entry, 1)
    return None


def _check_chinese_wording_source(check: _Checker, data: dict, item_languages: list[str]) -> None:
    """Chinese item text of a validated instrument must be a published wording, named in wording_source.zh-hk:
    the slot is ready for the official wording the day someone has it, and never for our own translation."""
    chinese_line = _chinese_item_line(data)
    if "zh-hk" not in item_languages and chinese_line is None:
        return
    sources = data.get("wording_source")
    source = str(sources.get("zh-hk") or "").strip() if isinstance(sources, dict) else ""
    line = line_of(sources, chinese_line or data.line) if isinstance(sources, dict) else (chinese_line or data.line)
    if not source:
        message = N_("the Chinese wording of a validated questionnaire needs its published source: add "
                     "'zh-hk:' under wording_source naming where that wording was published (the paper, the "
                     "publisher or the official translation)")  # fmt: skip
        check.error(line, message)
    elif OWN_WORDING.search(source):
        message = N_("wording_source zh-hk must name a published source, not our own translation: we never "
                     "translate a validated questionnaire ourselves")  # fmt: skip
        check.error(line, message)


def _alternative(check: _Checker, data: dict, tool_id: str, known_tools: set[str] | None) -> str:
    value = data.get("alternative")
    if value is None:
        return ""
    if not isinstance(value, str) or value == tool_id or (known_tools is not None and value not in known_tools):
        message = N_("'alternative' must be the id of another self-check in content/selfcheck/ (its file name)")
        check.error(data.line, message)
        return ""
    return value


def _string_list(check: _Checker, data: dict, name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        check.error(line_of(value, line_of(data, 1)), N_("'%(field)s' must be a list of ids"), field=name)
        return []
    return list(value)


def _parse_options(
    check: _Checker, raw: Any, line: int, langs: tuple[str, ...], owner: tuple[str, str]
) -> list[Option]:
    """The response options of ``owner``: ("option set" or "item", its name)."""
    kind, name = owner
    if not isinstance(raw, list) or len(raw) < 2:
        check.error(line, OPTION_MESSAGES[kind, "too few"], name=name)
        return []
    if len(raw) > MAX_OPTIONS:
        check.error(line, OPTION_MESSAGES[kind, "too many"], name=name, most=MAX_OPTIONS)
    options, seen = [], set()
    for entry in raw:
        entry_line = line_of(entry, line)
        if not isinstance(entry, dict):
            check.error(entry_line, OPTION_MESSAGES[kind, "not an option"], name=name)
            continue
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or not -100 <= value <= 100:
            check.error(entry_line, OPTION_MESSAGES[kind, "bad value"], name=name)
            continue
        if value in seen:
            check.error(entry_line, OPTION_MESSAGES[kind, "same value"], name=name, value=value)
            continue
        seen.add(value)
        options.append(Option(value, check.text(entry, "label", langs)))
    return options


def _parse_items(check: _Checker, data: dict, langs: tuple[str, ...]) -> list[Item]:
    option_sets: dict[str, list[Option]] = {}
    raw_sets = data.get("option_sets", {})
    if not isinstance(raw_sets, dict):
        check.error(data.line, N_("'option_sets' must map a name to a list of options"))
        raw_sets = {}
    for name, raw in raw_sets.items():
        line = line_of(raw, line_of(raw_sets, 1))
        option_sets[name] = _parse_options(check, raw, line, langs, ("option set", name))
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        check.error(data.line, N_("'items' is missing: list the questions (- id: …, text: …, options: …)"))
        return []
    if len(raw_items) > MAX_ITEMS:
        check.error(line_of(raw_items, 1), N_("more than %(most)s items"), most=MAX_ITEMS)
    items, seen = [], set()
    for raw in raw_items:
        line = line_of(raw, line_of(raw_items, 1))
        if not isinstance(raw, dict):
            check.error(line, N_("each item needs 'id', 'text' and 'options'"))
            continue
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not ITEM_ID.match(item_id):
            check.error(line, N_("item 'id' must be short: lower-case letters, digits, '-' or '_'"))
            continue
        if item_id in seen:
            check.error(line, N_("two items have the id '%(item)s'"), item=item_id)
            continue
        seen.add(item_id)
        options_ref = raw.get("options")
        if isinstance(options_ref, str):
            options = option_sets.get(options_ref)
            if options is None:
                message = N_("item '%(item)s': no option set '%(set)s' under option_sets")
                check.error(line, message, item=item_id, set=options_ref)
                options = []
        elif options_ref is None:
            check.error(line, N_("item '%(item)s' has no options"), item=item_id)
            options = []
        else:
            options = _parse_options(check, options_ref, line, langs, ("item", item_id))
        if not options:
            continue
        items.append(Item(item_id, check.text(raw, "text", langs), options))
    return items


def _parse_bands(
    check: _Checker, data: dict, tool: Tool, known_tags: set[str] | None, known_hotlines: set[str] | None
) -> list[Band]:
    raw_bands = data.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        check.error(data.line, N_("'bands' is missing: list the result bands (- min: …, max: …)"))
        return []
    bands = []
    for raw in raw_bands:
        line = line_of(raw, line_of(raw_bands, 1))
        if not isinstance(raw, dict):
            check.error(line, N_("each band needs min, max, key, label, meaning and next_steps"))
            continue
        low, high = raw.get("min"), raw.get("max")
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (low, high)) or low > high:
            check.error(line, N_("band 'min' and 'max' must be whole numbers with min <= max"))
            continue
        band = Band(
            min=low,
            max=high,
            key=str(raw.get("key") or f"band-{low}"),
            label=check.text(raw, "label"),
            meaning=check.text(raw, "meaning"),
            next_steps=check.steps(raw, "next_steps"),
            urgent=bool(raw.get("urgent", False)),
            related_tags=_string_list(check, raw, "related_tags"),
            hotlines=_string_list(check, raw, "hotlines"),
        )
        for tag in band.related_tags:
            if known_tags is not None and tag not in known_tags:
                check.error(line, N_("related_tags: '%(tag)s' is not in content/tags.yml"), tag=tag)
        for key in band.hotlines:
            if known_hotlines is not None and key not in known_hotlines:
                check.error(line, N_("hotlines: '%(hotline)s' is not an id in content/hotlines.yml"), hotline=key)
        band.line = line  # type: ignore[attr-defined] - only for the coverage messages below
        bands.append(band)
    _check_coverage(check, bands, tool, line_of(raw_bands, 1))
    return bands


def _check_coverage(check: _Checker, bands: list[Band], tool: Tool, line: int) -> None:
    """Bands must cover every possible score exactly once: no gap, no overlap."""
    low, high = tool.score_range
    ordered = sorted(bands, key=lambda b: b.min)
    if ordered and ordered[0].min > low:
        message = N_("bands start at %(start)s but the lowest possible score is %(low)s")
        check.error(ordered[0].line, message, start=ordered[0].min, low=low)
    if ordered and ordered[-1].max < high:
        message = N_("bands end at %(end)s but the highest possible score is %(high)s")
        check.error(ordered[-1].line, message, end=ordered[-1].max, high=high)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.min <= before.max:
            message = N_("band %(band)s overlaps band %(other)s")
            check.error(after.line, message, band=f"{after.min}-{after.max}", other=f"{before.min}-{before.max}")
        elif after.min > before.max + 1:
            check.error(after.line, N_("gap: no band covers %(scores)s"), scores=f"{before.max + 1}-{after.min - 1}")
    for band in ordered:
        if band.max < low or band.min > high:
            message = N_("band %(band)s is outside the possible scores %(scores)s")
            check.error(band.line, message, band=f"{band.min}-{band.max}", scores=f"{low}-{high}")
    for band in bands:
        del band.line  # type: ignore[attr-defined]


def _parse_alerts(check: _Checker, data: dict, known: set[str]) -> list[Alert]:
    raw_alerts = data.get("alerts", [])
    if not isinstance(raw_alerts, list):
        check.error(data.line, N_("'alerts' must be a list"))
        return []
    alerts = []
    for raw in raw_alerts:
        line = line_of(raw, line_of(raw_alerts, 1))
        if not isinstance(raw, dict):
            check.error(line, N_("each alert needs 'items', 'above' or 'at_most', and 'message'"))
            continue
        items = raw.get("items")
        if items == "all":
            items = sorted(known)
        if not isinstance(items, list) or not items:
            check.error(line, N_("alert 'items' must be a list of item ids or 'all'"))
            continue
        for item_id in items:
            if item_id not in known:
                check.error(line, N_("alert: no item '%(item)s'"), item=item_id)
        above, at_most = raw.get("above"), raw.get("at_most")
        if (above is None) == (at_most is None):
            check.error(line, N_("an alert needs exactly one of 'above' or 'at_most'"))
            continue
        if any(v is not None and (isinstance(v, bool) or not isinstance(v, int)) for v in (above, at_most)):
            check.error(line, N_("alert 'above' / 'at_most' must be a whole number"))
            continue
        alerts.append(Alert(list(items), above, at_most, bool(raw.get("crisis", False)), check.text(raw, "message")))
    return alerts
