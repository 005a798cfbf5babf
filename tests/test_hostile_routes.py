"""Every route and every parameter a view reads, sent hostile values: never a 5xx, never an echo of markup,
never a redirect off the site, and nothing a visitor typed into a self-check in the logs (issue 13, part 6).

The cases are generated, not listed: routes come from ``app.url_map``, their converters are filled with the
real ids of the synced content (and then with hostile values), and the parameters are found in the views
themselves (``@page_params`` declarations, ``request.args.get("…")`` and ``form.get("…")`` in their source,
the self-check items). A new route or parameter is covered without editing this file; a route whose
argument has no real value here fails :func:`test_every_route_argument_has_a_real_value`, which says what
to add.

Each test walks many requests through one app and reports every problem at once, so a failure reads as a
list of ``METHOD url: problem`` lines. Runs on SQLite and PostgreSQL (``backend_app``).
"""

from __future__ import annotations

import inspect
import logging
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from portal.articles.model import Article, Category
from portal.centres.model import Centre
from portal.db import session_scope
from portal.events.model import Event, Partner
from portal.selfcheck.engine import FIELD_PREFIX
from portal.selfcheck.model import SelfCheckTool

SITE = "http://portal.test"  # SITE_URL in conftest
METHODS = ("GET", "HEAD", "POST")

# Values that must be *escaped* wherever they come back: the raw text in a body is a failure.
MARKUP = ['<script>alert("x")</script>', '"><svg onload=alert(1)>', "'><img src=x onerror=alert(1)>"]
NUMBERS = ["²", "①", "٣", "１", "𝟐", "99999999999999999999", "9" * 400, "-1", "-99999999999999999999", "0", "1e308"]
DAYS_AND_MONTHS = ["0001-01-01", "9999-12-31", "0001-01", "9999-12", "2026-02-30", "２０２６-１２"]
CONTROL = ["a\x00b", "a\r\nSet-Cookie: x=1", "\x1b[31m", "\u202etxt.exe", "\ufeff"]
LONG = ["9" * 10_000, "漢" * 3_400]  # about 10 kB each
HOSTILE_VALUES = [*NUMBERS, *DAYS_AND_MONTHS, *CONTROL, *LONG, *MARKUP, "", " ", "%", "..%2f..%2fetc%2fpasswd"]
# Sent as they are in the query string, not encoded again: invalid UTF-8 and broken escapes.
RAW_ESCAPES = ["%ff%fe", "%c0%af", "%ed%a0%80", "%", "%zz", "%0a%0d", "%00"]
NEXT_TARGETS = ["//evil.example", "/%09/evil.example", "https://evil.example", "\\\\evil.example", "/\\evil.example",
                "/%5cevil.example", "/%2f%2fevil.example", "http:evil.example", "//evil.example/%2e%2e",
                "javascript:alert(1)", "/\t/evil.example", "/%0d%0a//evil.example", "%2f%2fevil.example"]  # fmt: skip
PATH_VALUES = ["²", "１", "99999999999999999999", "-1", "0", "%ff%fe", "x" * 10_000, quote(MARKUP[0], safe=""),
               "..%2f..%2fetc%2fpasswd", "%2e%2e", "a%00b", "9999-12-31", "%E6%BC%A2"]  # fmt: skip
REPEATS = 50
JUNK = "x"  # a parameter no view reads, sent everywhere
# Off-site redirects the site makes on purpose (the quick exit's page is configurable).
INTENDED_EXITS = ("www.hko.gov.hk",)

# Read through a helper or a constant the source scan cannot see (``_coordinate("lat", …)``, HONEYPOT).
READ_THROUGH_HELPERS = {"centres.near": {"lat", "lng"}, "feedback.submit": {"website"}}  # the honeypot
_ARGS_IN_SOURCE = re.compile(r"""(?:args|form)\.(?:get|getlist)\(\s*["']([\w-]+)["']""")
_CONVERTER = re.compile(r"<(?:[^<>]*:)?(\w+)>")


# --- what the site has ---------------------------------------------------------------------------------


def _real_values(app: Flask) -> dict[tuple[str, str], list[str]]:
    """Real values for each (endpoint, argument) from the synced content: the pages that exist."""
    with session_scope(app) as s:
        slugs = sorted(set(s.scalars(select(Article.slug))))
        categories = sorted(set(s.scalars(select(Category.key))))
        centres = list(s.scalars(select(Centre.key).order_by(Centre.key).limit(3)))
        events = [str(i) for i in s.scalars(select(Event.id).order_by(Event.id).limit(3))]
        partners = list(s.scalars(select(Partner.id).order_by(Partner.id)))
        tools = list(s.scalars(select(SelfCheckTool.key).order_by(SelfCheckTool.key)))
    content = Path(app.config["CONTENT_DIR"])
    images = sorted(p for p in (content / "articles").glob("*/*") if p.suffix.lower() in (".png", ".jpg", ".svg"))
    logos = sorted(p.name for p in (content / "partners").iterdir() if p.suffix.lower() in (".png", ".svg", ".jpg"))
    values = {
        ("articles.article", "slug"): slugs[:3],
        ("articles.category", "key"): categories[:3],
        ("centres.centre", "key"): centres,
        ("events.event", "event_id"): events,
        ("events.event_ics", "event_id"): events[:1],
        ("partners.profile", "partner_id"): partners,
        ("partners.logo", "name"): logos[:1] or ["logo.png"],
        ("sitepages.page", "slug"): ["about", "privacy"],
        ("static", "filename"): ["css/site.css"],
        ("site.text_size", "size"): ["large"],
        ("site.switch_language", "code"): ["zh-hk"],
        ("site.sitemap_file", "section"): ["pages", "articles", "events"],
        ("site.sitemap_file", "number"): ["1"],
        ("media.article_image", "slug"): [images[0].parent.name] if images else slugs[:1],
        ("media.article_image", "name"): [images[0].name] if images else ["image.png"],
        ("stages.stage", "key"): ["loss-and-grief", "teenagers"],
        ("topics.topic", "tag"): ["sleep", "grief"],
    }
    for endpoint in ("selfcheck.intro", "selfcheck.questions", "selfcheck.result"):
        values[(endpoint, "tool_id")] = tools
    return values


@dataclass
class Route:
    endpoint: str
    rule: str
    methods: set[str]
    arguments: list[str]
    params: set[str] = field(default_factory=set)  # query parameters (GET) or form fields (POST) it reads

    def url(self, values: dict[str, str]) -> str:
        return _CONVERTER.sub(lambda m: values[m.group(1)], self.rule)


def _read_in_source(view: Callable) -> set[str]:
    """Parameter names a view reads, found in its own source and its module's helpers (``_filters``…)."""
    source = inspect.getsource(sys.modules[view.__module__])
    return set(_ARGS_IN_SOURCE.findall(source)) | ({"page"} if "page_number(" in source else set())


def routes(app: Flask) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        params = set(getattr(view, "page_params", ()))
        if not params or "POST" in rule.methods:
            params |= _read_in_source(view)
        params |= READ_THROUGH_HELPERS.get(rule.endpoint, set())
        if rule.endpoint.startswith("events."):
            from portal.events.views import FILTER_PARAMS

            params |= set(FILTER_PARAMS)
        found.append(Route(rule.endpoint, rule.rule, set(rule.methods) & set(METHODS), list(rule.arguments), params))
    return sorted(found, key=lambda r: r.rule)


def real_urls(app: Flask, route: Route, values: dict, lang: str = "en") -> list[str]:
    """The route's URL with real values (one per real value of each argument in turn)."""
    base = {"lang_code": lang}
    for name in route.arguments:
        if name != "lang_code":
            base[name] = values[(route.endpoint, name)][0]
    urls = [route.url(base)]
    for name in route.arguments:
        for other in values.get((route.endpoint, name), [])[1:]:
            urls.append(route.url({**base, name: other}))
    return urls


# --- what a response must never do ---------------------------------------------------------------------------


def problems_of(response, sent: Iterable[str] = ()) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"answered {response.status_code}")
    body = response.get_data()
    for value in sent:
        if value in MARKUP and value.encode() in body:
            found.append(f"reflects {value!r} unescaped")
    location = response.headers.get("Location")
    if location and _off_site(location):
        found.append(f"redirects off-site to {location!r}")
    return found


def _off_site(location: str) -> bool:
    """What a browser would make of the Location: it drops tabs and line breaks and reads ``\\`` as ``/``."""
    seen = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    netloc = urlsplit(urljoin(SITE + "/", seen)).netloc
    return netloc not in ("", urlsplit(SITE).netloc) and netloc not in INTENDED_EXITS


class Report:
    """Collects every problem of a run, so one failure lists them all."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.requests = 0

    def check(self, method: str, url: str, response, sent: Iterable[str] = ()) -> None:
        self.requests += 1
        for problem in problems_of(response, sent):
            self.lines.append(f"{method} {url[:160]}: {problem}")

    def assert_clean(self) -> None:
        shown = "\n".join(self.lines[:60])
        assert not self.lines, f"{len(self.lines)} problems in {self.requests} requests:\n{shown}"


def _encoded(value: str) -> str:
    return quote(value, safe="")


def _no_errors_logged(caplog) -> list[str]:
    return [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records if r.levelno >= logging.ERROR]


# --- the tests -----------------------------------------------------------------------------------------------


def test_every_route_argument_has_a_real_value(app):
    values = _real_values(app)
    missing = [
        f"{route.endpoint} <{name}>"
        for route in routes(app)
        for name in route.arguments
        if name != "lang_code" and not values.get((route.endpoint, name))
    ]
    assert not missing, f"add real values for these route arguments to _real_values(): {missing}"


def test_the_generator_finds_the_parameters_the_views_read(app):
    """If the discovery broke, the hostile tests below would quietly send nothing."""
    by_endpoint = {route.endpoint: route.params for route in routes(app)}
    assert {"page"} <= by_endpoint["articles.index"]
    assert {"q", "kind", "page", "spell"} <= by_endpoint["search.search"]
    assert {"month", "from", "to", "district", "topic", "audience"} <= by_endpoint["events.month"]
    assert {"q", "district", "type"} <= by_endpoint["centres.index"]
    assert {"next"} <= by_endpoint["site.text_size"]
    assert {"lat", "lng"} <= by_endpoint["centres.near"]
    assert {"comment", "useful", "page", "category", "website"} <= by_endpoint["feedback.submit"]
    assert len([r for r in routes(app) if "GET" in r.methods]) >= 35


def test_every_real_page_answers_without_a_server_error(backend_app, caplog):
    client, values, report = backend_app.test_client(), _real_values(backend_app), Report()
    for route in routes(backend_app):
        for lang in ("en", "zh-hk"):
            for url in real_urls(backend_app, route, values, lang):
                for method in sorted(route.methods - {"POST"}):
                    report.check(method, url, client.open(url, method=method))
    report.assert_clean()
    assert not _no_errors_logged(caplog)


def test_hostile_values_in_every_route_argument_are_refused_without_a_server_error(backend_app, caplog):
    client, values, report = backend_app.test_client(), _real_values(backend_app), Report()
    for route in routes(backend_app):
        real = {n: "en" if n == "lang_code" else values[(route.endpoint, n)][0] for n in route.arguments}
        for name in route.arguments:
            for hostile in PATH_VALUES:
                url = route.url({**real, name: hostile})
                for method in sorted(route.methods):
                    report.check(method, url, client.open(url, method=method), [hostile])
    report.assert_clean()
    assert not _no_errors_logged(caplog)


def test_hostile_values_in_every_query_parameter_never_answer_5xx_nor_echo_markup(backend_app, caplog):
    client, values, report = backend_app.test_client(), _real_values(backend_app), Report()
    for route in routes(backend_app):
        if "GET" not in route.methods:
            continue
        url = real_urls(backend_app, route, values)[0]
        for name in sorted(route.params | {JUNK}):
            queries = [(f"{name}={_encoded(v)}", [v]) for v in HOSTILE_VALUES]
            queries += [(f"{name}={raw}", []) for raw in RAW_ESCAPES]
            queries.append(("&".join(f"{name}={_encoded(v)}" for v in NUMBERS * 5), NUMBERS))  # repeated
            queries.append(("&".join([f"{name}=1"] * REPEATS), []))
            for query, sent in queries:
                report.check("GET", f"{url}?{query}", client.get(f"{url}?{query}"), sent)
        if route.params:  # every parameter hostile at once
            for value in (*MARKUP, "²", "9999-12-31", LONG[1]):
                query = urlencode({name: value for name in route.params})
                report.check("GET", f"{url}?{query}", client.get(f"{url}?{query}"), [value])
    report.assert_clean()
    assert not _no_errors_logged(caplog)


def test_next_targets_never_lead_off_the_site(backend_app):
    client, report = backend_app.test_client(), Report()
    for size in ("large", "normal", "bogus"):
        for target in NEXT_TARGETS:
            for query in (f"next={target}", f"next={_encoded(target)}"):
                url = f"/text-size/{size}?{query}"
                response = client.get(url)
                report.check("GET", url, response)
                assert response.status_code < 400 or response.status_code == 400, url
    report.assert_clean()


def _post_routes(app: Flask, values: dict) -> list[tuple[Route, str]]:
    return [(r, url) for r in routes(app) if "POST" in r.methods for url in real_urls(app, r, values)]


def _tool_fields(app: Flask, tool_id: str) -> list[str]:
    with session_scope(app) as s:
        tool = s.get(SelfCheckTool, tool_id).tool()
    return [FIELD_PREFIX + item.id for item in tool.items]


def test_hostile_forms_on_every_post_route_never_answer_5xx(backend_app, caplog):
    backend_app.config["FEEDBACK_PER_HOUR"] = 10**6  # reach the form handling, not only the rate limit
    client, values, report = backend_app.test_client(), _real_values(backend_app), Report()
    for route, url in _post_routes(backend_app, values):
        fields = set(route.params) | {JUNK}
        if route.endpoint == "selfcheck.result":
            fields |= set(_tool_fields(backend_app, url.split("/")[-2]))
        for name in sorted(fields):
            for value in HOSTILE_VALUES:
                report.check("POST", url, client.post(url, data={name: value}), [value])
        for value in (*MARKUP, "²", LONG[1]):
            report.check("POST", url, client.post(url, data=dict.fromkeys(fields, value)), [value])
        bodies = {
            "a 2 MB field": urlencode({sorted(fields)[0]: "9" * 2_000_000}),
            "20,000 fields": "&".join(f"f{i}=1" for i in range(20_000)),
            "20,000 repeats of one field": "&".join(f"{sorted(fields)[0]}=1" for _ in range(20_000)),
            "invalid UTF-8": f"{sorted(fields)[0]}=%ff%fe&{JUNK}=%c0%af",
        }
        for what, body in bodies.items():
            response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
            report.check("POST", f"{url} ({what})", response)
        multipart = client.post(url, data={JUNK: "1"}, content_type="multipart/form-data; boundary=")
        report.check("POST", f"{url} (a broken multipart body)", multipart)
    report.assert_clean()
    assert not _no_errors_logged(caplog)


# Distinctive enough that finding one in a log can only mean the answer was logged.
SECRET_ANSWERS = ["²", "①", "٣", "１", "987654321987", "-77777777", "zq-private-answer", *MARKUP]


def test_nothing_a_visitor_submits_to_a_self_check_reaches_the_logs(backend_app, caplog):
    caplog.set_level(logging.DEBUG)
    client, values, report = backend_app.test_client(), _real_values(backend_app), Report()
    for tool_id in values[("selfcheck.result", "tool_id")]:
        url = f"/en/self-check/{tool_id}/result"
        fields = _tool_fields(backend_app, tool_id)
        for secret in SECRET_ANSWERS:
            report.check("POST", url, client.post(url, data=dict.fromkeys(fields, secret)), [secret])
            report.check("POST", url, client.post(url, data={fields[0]: secret, fields[-1]: "0"}), [secret])
            report.check("POST", url, client.post(url, data={f"{FIELD_PREFIX}{secret}": "1"}))
        report.check("POST", url, client.post(url, data=dict.fromkeys(fields, "0")))  # a real, complete form
    report.assert_clean()
    logged = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records
    )  # every record, any level
    assert not [secret for secret in SECRET_ANSWERS if secret in logged]
    assert FIELD_PREFIX not in logged  # not even the names of the questions answered


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_head_on_a_result_page_answers_like_get_does_without_answers(app, lang):
    client = app.test_client()
    url = f"/{lang}/self-check/phq9/result"
    got, head = client.get(url), client.head(url)
    assert got.status_code == 302 and got.headers["Location"].endswith(f"/{lang}/self-check/phq9")
    assert (head.status_code, head.headers["Location"]) == (got.status_code, got.headers["Location"])
    assert head.get_data() == b""
