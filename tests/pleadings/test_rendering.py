"""Tests for app.pleadings.rendering: sandboxed rendering, validation and document output."""

from __future__ import annotations

import io
import itertools
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from app.pleadings.rendering import (
    CONTEXT_NAMES,
    TemplateError,
    VariableSpec,
    diff_versions,
    markdown_to_docx,
    markdown_to_html,
    render_markdown,
    validate_template,
)

APP = Path(__file__).resolve().parents[2] / "app"
DEMO_PLEADINGS = APP / "pleadings" / "data" / "demo_pleadings.yaml"

CONTEXT: dict[str, Any] = {
    "case": {"title": "A. and Others v. Freedonia", "summary": "The family was detained."},
    "claims": [
        {
            "right": "detention_children",
            "label": "Immigration detention of children",
            "provisions": "ECHR art. 5(1)",
            "facts": "The children were held for 15 days.",
        }
    ],
    "parties": [
        {"name": "A.", "role": "applicant"},
        {"name": "Hub for Migrant Justice", "role": "representative"},
    ],
    "forum": {"id": "ECTHR", "name": "European Court of Human Rights", "level": "regional"},
    "respondents": [{"code": "FR", "name": "France"}],
    "timeline": [{"date": date(2023, 1, 9), "event": "Family detained"}],
    "precedents": [
        {
            "id": "ECTHR-2012-POPOV",
            "title": "Popov v. France",
            "citation": "Popov v. France, nos. 39472/07 and 39474/07, 19 January 2012",
            "rights": ["detention_children", "detention_judicial_review", "family_life_unity"],
        }
    ],
    "today": date(2024, 3, 5),
}

DAYS = VariableSpec("days", "number", "Length of detention in days")
URGENT = VariableSpec("urgent", "boolean", "Ask for interim measures", required=False)


def render(body: str, **kwargs: Any) -> str:
    variables = kwargs.pop("variables", [])
    values = kwargs.pop("values", {})
    return render_markdown(body, variables, values, CONTEXT, **kwargs)


def render_error(body: str, **kwargs: Any) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render(body, **kwargs)
    return caught.value


class TestRenderMarkdown:
    def test_case_context_and_values_are_rendered(self) -> None:
        body = (
            "# {{ case.title }}\n"
            "Before the {{ forum.name }}, {{ today|date }}.\n"
            "{% for c in claims %}- {{ c.label }} ({{ c.provisions }})\n{% endfor %}"
            "Held {{ days }} days.\n"
            "{% for p in precedents %}See {{ p.citation }}.\n{% endfor %}"
        )

        out = render(body, variables=[DAYS], values={"days": 15})

        assert out == (
            "# A. and Others v. Freedonia\n"
            "Before the European Court of Human Rights, 5 March 2024.\n"
            "- Immigration detention of children (ECHR art. 5(1))\n"
            "Held 15 days.\n"
            "See Popov v. France, nos. 39472/07 and 39474/07, 19 January 2012.\n"
        )

    def test_optional_block_appears_only_when_its_flag_is_set(self) -> None:
        body = "Intro\n{% if urgent %}\n## Interim measures\n{% endif %}\nEnd\n"

        with_block = render(body, variables=[URGENT], values={"urgent": True})
        without_block = render(body, variables=[URGENT], values={})

        assert with_block == "Intro\n## Interim measures\nEnd\n"
        assert without_block == "Intro\nEnd\n"

    def test_missing_field_is_undefined_variable_naming_its_line(self) -> None:
        error = render_error("# {{ case.title }}\n\n{{ case.hearing_date }}\n")

        assert error.kind == "undefined_variable"
        assert error.line == 3
        assert "line 3" in str(error)
        assert "hearing_date" in str(error)

    def test_syntax_error_names_its_line(self) -> None:
        error = render_error("# Title\n\n{% if case.title %}\nunclosed\n")

        assert error.kind == "syntax"
        assert error.line == 4
        assert str(error).startswith("line 4:")

    @pytest.mark.parametrize(
        "body",
        [
            "{{ ''.__class__.__mro__ }}",
            "{{ cycler.__init__.__globals__ }}",
            "{{ self.__dict__ }}",
            "{{ case.__class__ }}",
            "{{ claims.append }}",
            "{{ '{0.__class__}'.format(case) }}",
            "{{ '%s' % case }}",
        ],
    )
    def test_internals_and_escape_hatches_are_refused_by_the_sandbox(self, body: str) -> None:
        error = render_error("Intro\n" + body)

        assert error.kind == "sandbox"
        assert error.line == 2

    @pytest.mark.parametrize(
        "body",
        [
            "{% include 'x' %}",
            "{% import 'x' as forms %}",
            "{% from 'x' import field %}",
            "{% extends 'x' %}",
            "{% include 'pleading.md' %}",
        ],
    )
    def test_other_templates_cannot_be_loaded(self, body: str) -> None:
        error = render_error(body)

        assert error.kind == "sandbox"
        assert error.line == 1

    def test_huge_range_fails_fast(self) -> None:
        error = render_error("{% for i in range(10**9) %}x{% endfor %}")

        assert error.kind in {"too_slow", "too_large", "sandbox"}
        assert "range" in str(error)

    def test_nested_loop_bomb_without_output_fails(self) -> None:
        body = (
            "{% for a in range(10000) %}{% for b in range(10000) %}"
            "{% for c in range(10000) %}{% endfor %}{% endfor %}{% endfor %}"
        )

        error = render_error(body)

        assert error.kind in {"too_slow", "too_large"}

    def test_nested_loop_bomb_with_output_fails(self) -> None:
        error = render_error(
            "{% for a in range(10000) %}{% for b in range(10000) %}xxxx{% endfor %}{% endfor %}"
        )

        assert error.kind in {"too_slow", "too_large"}

    def test_output_larger_than_max_bytes_is_too_large(self) -> None:
        body = "{% for i in range(100) %}0123456789{% endfor %}"

        fits = render(body, max_bytes=1000)
        error = render_error(body, max_bytes=999)

        assert len(fits) == 1000
        assert error.kind == "too_large"

    def test_output_buffered_in_a_macro_counts_against_the_budget(self) -> None:
        body = (
            "{% macro m() %}{% for i in range(1000) %}0123456789{% endfor %}{% endmacro %}"
            "{% set kept = m() %}short"
        )

        assert render(body, max_bytes=10_000, max_steps=10_000) == "short"
        assert render_error(body, max_bytes=1_000).kind == "too_large"

    @pytest.mark.parametrize(
        "body",
        [
            "{{ 'x' * 10**9 }}",
            "{{ 'x'.center(10**9) }}",
            "{% set big = 'x' * 1000 %}{{ big.replace('x', big) }}",
            "{% set big = 'x' * 1000 %}{{ big|replace('x', big) }}",
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
            "{% set big = 'x' * 1000 %}{{ range(5000)|map(attribute='no', default=big)|join }}",
            "{% set big = 'x' * 1000 %}{{ range(5000)|map(attribute='no', default=big)|list }}",
            "{{ 10 ** (10 ** 6) }}",
        ],
    )
    def test_text_and_number_amplification_is_too_large(self, body: str) -> None:
        error = render_error(body, max_bytes=100_000)

        assert error.kind == "too_large"

    def test_slow_render_is_too_slow(self) -> None:
        ticks = itertools.count(step=1.0)

        error = render_error(
            "{% for i in range(10) %}{{ i }}{% endfor %}", clock=lambda: next(ticks)
        )

        assert error.kind == "too_slow"

    @pytest.mark.parametrize("ticks_before_deadline", range(1, 8))
    def test_the_time_limit_names_the_line_wherever_it_strikes(
        self, ticks_before_deadline: int
    ) -> None:
        ticks = itertools.chain(itertools.repeat(0.0, ticks_before_deadline), itertools.repeat(9.0))

        error = render_error(
            "# Title\n\n{% for i in range(10) %}{{ i }}\n{% endfor %}",
            clock=lambda: next(ticks),
            max_seconds=1,
        )

        assert error.kind == "too_slow" and error.line in (1, 3)

    def test_step_limit_stops_long_loops(self) -> None:
        body = "{% for i in range(100) %}{% endfor %}done"

        assert render(body, max_steps=200) == "done"
        assert render_error(body, max_steps=50).kind == "too_slow"

    def test_runaway_recursion_is_stopped(self) -> None:
        error = render_error("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(0) }}")

        assert error.kind == "too_slow"

    @pytest.mark.parametrize(
        ("spec", "value"),
        [
            (VariableSpec("v", "text", "d"), 3),
            (VariableSpec("v", "number", "d"), "15"),
            (VariableSpec("v", "number", "d"), True),
            (VariableSpec("v", "number", "d"), float("nan")),
            (VariableSpec("v", "boolean", "d"), "yes"),
            (VariableSpec("v", "date", "d"), "9 January 2023"),
            (VariableSpec("v", "date", "d"), 20230109),
            (VariableSpec("v", "list", "d"), "a, b"),
            (VariableSpec("v", "list", "d"), [object()]),
        ],
    )
    def test_values_of_the_wrong_type_are_bad_values(self, spec: VariableSpec, value: Any) -> None:
        error = render_error("{{ v }}", variables=[spec], values={"v": value})

        assert error.kind == "bad_value"
        assert "'v'" in str(error)

    def test_missing_required_value_is_a_bad_value(self) -> None:
        error = render_error("{{ days }}", variables=[DAYS], values={})

        assert error.kind == "bad_value"
        assert "required" in str(error)

    def test_value_for_an_undeclared_variable_is_a_bad_value(self) -> None:
        error = render_error("{{ days }}", variables=[DAYS], values={"days": 1, "extra": 2})

        assert error.kind == "bad_value"

    def test_iso_date_strings_and_defaults_are_accepted(self) -> None:
        variables = [
            VariableSpec("start", "date", "First day"),
            VariableSpec("ages", "list", "Ages", required=False, default=[4]),
        ]

        out = render(
            "{{ start|date }} {{ ages|join(',') }}",
            variables=variables,
            values={"start": "2023-01-09"},
        )

        assert out == "9 January 2023 4"

    def test_context_must_be_plain_data_with_known_names(self) -> None:
        with pytest.raises(TypeError):
            render_markdown("x", [], {}, {"case": object()})
        with pytest.raises(TypeError):
            render_markdown("x", [], {}, {"session": {}})


class TestValidateTemplate:
    def test_undeclared_variable_is_reported_with_its_line(self) -> None:
        body = "# {{ case.title }}\n\nHeld {{ days }} days at {{ facility }}.\n"

        with pytest.raises(TemplateError) as caught:
            validate_template(body, [DAYS])

        assert caught.value.kind == "undeclared_variable"
        assert caught.value.line == 3
        assert "'facility'" in str(caught.value)

    def test_declared_variables_context_names_and_locals_pass(self) -> None:
        body = (
            "{% set n = claims|length %}{% for c in claims %}{{ loop.index }} {{ c }}{% endfor %}"
            "{% macro cite(r) %}{{ r }}{% endmacro %}{{ cite(days) }}{{ n }}{{ range(2)|list }}"
            + "".join(f"{{{{ {name} }}}}" for name in sorted(CONTEXT_NAMES))
        )

        validate_template(body, [DAYS])

    def test_refused_filter_is_a_sandbox_error(self) -> None:
        with pytest.raises(TemplateError) as caught:
            validate_template("a\n{{ case.title|format(1) }}", [])

        assert caught.value.kind == "sandbox"
        assert caught.value.line == 2

    @pytest.mark.parametrize(
        "body",
        [
            "{{ ''.__class__.__mro__ }}",
            "{{ case['__class__'] }}",
            "{{ self._TemplateReference__context }}",
        ],
    )
    def test_internal_attributes_are_refused_without_rendering(self, body: str) -> None:
        with pytest.raises(TemplateError) as caught:
            validate_template("a\n\n" + body, [])

        assert caught.value.kind == "sandbox"
        assert caught.value.line == 3

    def test_syntax_error_names_its_line(self) -> None:
        with pytest.raises(TemplateError) as caught:
            validate_template("a\nb\n{{ case.title }\n", [])

        assert caught.value.kind == "syntax"
        assert caught.value.line == 3


class TestVariableSpec:
    @pytest.mark.parametrize("name", ["case", "today", "range", "loop", "not a name", "_private"])
    def test_reserved_or_invalid_names_are_refused(self, name: str) -> None:
        with pytest.raises(TemplateError) as caught:
            VariableSpec(name, "text", "d")

        assert caught.value.kind == "bad_value"

    def test_unknown_type_and_mistyped_default_are_refused(self) -> None:
        with pytest.raises(TemplateError):
            VariableSpec("v", "money", "d")  # type: ignore[arg-type]
        with pytest.raises(TemplateError):
            VariableSpec("v", "number", "d", required=False, default="three")


class TestMarkdownToHtml:
    def test_raw_html_is_escaped(self) -> None:
        html = markdown_to_html("Hello <script>alert(1)</script>\n\n<div onclick='x()'>hi</div>\n")

        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert "<div" not in html

    def test_javascript_links_are_not_linked(self) -> None:
        html = markdown_to_html("[click](javascript:alert(1))")

        assert "href" not in html

    def test_footnotes_become_superscripts_and_a_notes_section(self) -> None:
        html = markdown_to_html("Held unlawful.[^p][^q]\n\n[^p]: *Popov v. France*\n[^q]: Other\n")

        assert '<sup class="footnote-ref"><a href="#fn-1">1</a>,<a href="#fn-2">2</a></sup>' in html
        assert '<li id="fn-1"><em>Popov v. France</em></li>' in html
        assert "[^p]" not in html


class TestMarkdownToDocx:
    MD = (
        "# Facts\n\nThe family was **detained** for *15 days*.[^popov]\n\n"
        "## Law\n\n### Liberty\n\n1. First\n2. Second\n\nBetween.\n\n1. Again first\n\n"
        "- bullet\n\n<script>x</script>\n\n"
        "[^popov]: Popov v. France, nos. 39472/07 and 39474/07, 19 January 2012.\n"
    )

    def read(self) -> Any:
        return docx.Document(io.BytesIO(markdown_to_docx(self.MD, title="Application of A.")))

    def test_title_headings_and_notes_are_in_the_document(self) -> None:
        document = self.read()
        styled = [(p.style.name, p.text) for p in document.paragraphs]

        assert styled[0] == ("Title", "Application of A.")
        assert ("Heading 1", "Facts") in styled
        assert ("Heading 2", "Law") in styled
        assert ("Heading 3", "Liberty") in styled
        assert ("Heading 1", "Notes") in styled
        assert styled[-1][1] == "1 Popov v. France, nos. 39472/07 and 39474/07, 19 January 2012."
        assert document.core_properties.title == "Application of A."

    def test_runs_keep_emphasis_and_references_are_superscript(self) -> None:
        paragraph = next(p for p in self.read().paragraphs if p.text.startswith("The family"))
        runs = {run.text: run for run in paragraph.runs}

        assert paragraph.text == "The family was detained for 15 days.1"
        assert runs["detained"].bold
        assert runs["15 days"].italic
        assert runs["1"].font.superscript

    def test_lists_use_list_styles_and_each_ordered_list_restarts(self) -> None:
        paragraphs = self.read().paragraphs
        numbered = [p for p in paragraphs if p.style.name == "List Number"]
        num_ids = [p._p.pPr.numPr.numId.val for p in numbered]

        assert [p.text for p in numbered] == ["First", "Second", "Again first"]
        assert num_ids[0] == num_ids[1] != num_ids[2]
        assert [p.text for p in paragraphs if p.style.name == "List Bullet"] == ["bullet"]
        assert any(p.text == "<script>x</script>" for p in paragraphs)


class TestDiffVersions:
    def test_changed_lines_are_shown_as_a_unified_diff(self) -> None:
        diff = diff_versions("a\nb\nc", "a\nB\nc\n")

        assert diff.splitlines() == [
            "--- upstream",
            "+++ local",
            "@@ -1,3 +1,3 @@",
            " a",
            "-b",
            "+B",
            " c",
        ]

    def test_identical_versions_give_an_empty_diff(self) -> None:
        assert diff_versions("same\n", "same") == ""


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def demo_pleadings() -> list[dict[str, Any]]:
    pleadings: list[dict[str, Any]] = load_yaml(DEMO_PLEADINGS)["pleadings"]
    return pleadings


def sample_value(spec: VariableSpec) -> Any:
    return {
        "text": "sample text",
        "date": date(2023, 1, 9),
        "number": 15,
        "boolean": True,
        "list": ["one", "two"],
    }[spec.type]


class TestDemoPleadings:
    @pytest.mark.parametrize("pleading", demo_pleadings(), ids=lambda p: p["id"])
    def test_template_validates_and_renders_with_a_case_context(
        self, pleading: dict[str, Any]
    ) -> None:
        variables = [VariableSpec(**raw) for raw in pleading["variables"]]
        validate_template(pleading["body"], variables)

        for flag in (True, False):
            values = {
                spec.name: flag if spec.type == "boolean" else sample_value(spec)
                for spec in variables
            }
            out = render_markdown(pleading["body"], variables, values, CONTEXT)
            data = markdown_to_docx(out, title=pleading["title"])
            texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]

            assert out.startswith("# A. and Others v. Freedonia\n")
            assert "European Court of Human Rights" in out
            assert "{{" not in out and "{%" not in out
            lines = out.splitlines()
            assert all(lines[i - 1] == "" for i, line in enumerate(lines) if line[:1] == "#" and i)
            assert "Notes" in texts
            assert any(t.endswith("19 January 2012") for t in texts)

    def test_metadata_refers_to_known_rights_forum_levels_and_cases(self) -> None:
        rights = {r["id"] for r in load_yaml(APP / "reference/data/rights.yaml")["rights"]}
        levels = set(load_yaml(APP / "reference/data/vocab.yaml")["enums"]["forum_level"])
        cases = {c["id"] for c in load_yaml(APP / "cases/data/demo_cases.yaml")["cases"]}
        pleadings = demo_pleadings()

        assert [p["id"] for p in pleadings] == [
            "child-immigration-detention",
            "covid-19-vaccination-exclusion",
            "collective-expulsion-pushbacks",
        ]
        for pleading in pleadings:
            assert 60 <= len(pleading["body"].splitlines()) <= 150
            assert pleading["language"] == "en"
            assert set(pleading["rights"]) <= rights
            assert set(pleading["forum_levels"]) <= levels
            for section in pleading["sections"]:
                assert set(section["rights"]) <= set(pleading["rights"]), section["heading"]
                assert set(section["authorities"]) <= cases, section["heading"]
