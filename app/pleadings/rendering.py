"""Render model pleadings: untrusted Markdown/Jinja templates to Markdown, HTML and DOCX.

The module's one job: turn a model pleading written by hub staff, who are *not* trusted, into a
document for one case without letting the template reach anything else. It is pure: no
database, no web, no file access, no clock other than the one passed in.

Template language
-----------------
Jinja2 with ``trim_blocks`` and ``lstrip_blocks`` (a ``{% ... %}`` tag alone on a line leaves no
blank line behind), autoescaping off (the output is Markdown; HTML is escaped later by
:func:`markdown_to_html`). Templates see the case context Comity supplies
(:data:`CONTEXT_NAMES`), the variables the pleading declares (:class:`VariableSpec`), the globals
``range``, ``dict``, ``namespace``, ``cycler`` and ``joiner``, the filters in
:data:`ALLOWED_FILTERS` plus ``date`` (``{{ today|date }}`` -> ``5 March 2024``) and Jinja's
tests. Optional passages are ordinary ``{% if %}`` blocks.

Safety
------
- :class:`jinja2.sandbox.ImmutableSandboxedEnvironment`: no ``_``-prefixed or interpreter
  internal attributes (``''.__class__`` is refused, never evaluated), no mutation of lists and
  dicts; ``str.format``, ``format_map``, ``translate`` and ``expandtabs`` are refused too.
- :class:`jinja2.StrictUndefined`: a misspelt name or missing field fails, naming the line.
- No file or import access: the only loader is a ``DictLoader`` holding the one template, and
  ``include``, ``import``, ``from ... import`` and ``extends`` are refused before compiling.
- Budgets per render: output bytes (counted while streaming ``generate()``, never building the
  whole string first), wall time (checked between chunks and at every step), steps (each loop
  iteration, call, filter, intercepted operator and output), ``range`` length
  (:data:`MAX_RANGE`), call depth, and the size of any value turned into text. Text built out
  of sight of the output stream (inside macros, ``set`` and ``filter`` blocks, ``~``, ``+``,
  ``*``, string methods and filters) is counted too, against four times ``max_bytes``.
- Context and values must be plain data (``str``, numbers, ``bool``, ``None``, dates, lists,
  tuples and ``dict`` with ``str`` keys): a template can reach every public attribute and
  method of what it is given, so ORM objects are refused.

Errors
------
Every failure caused by a template or a value raises :class:`TemplateError` (a ``ValueError``)
with ``kind`` and, where known, the template ``line``. A context that is not plain data or
names something outside :data:`CONTEXT_NAMES` is a programming error: ``TypeError``.

Footnotes
---------
python-docx has no footnote API. Markdown footnotes (``text[^1]`` with a ``[^1]: note`` line)
are therefore numbered in order of first reference, shown as superscript numbers in the text
and collected in a numbered "Notes" section at the end, in DOCX and HTML alike. A reference
with no definition stays as typed.
"""

from __future__ import annotations

import difflib
import functools
import io
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Literal, NoReturn, get_args

import docx
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph
from jinja2 import (
    DictLoader,
    StrictUndefined,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markdown_it import MarkdownIt
from markdown_it.token import Token

ErrorKind = Literal[
    "syntax",
    "undefined_variable",
    "undeclared_variable",
    "sandbox",
    "too_large",
    "too_slow",
    "bad_value",
]
VariableType = Literal["text", "date", "number", "boolean", "list"]

CONTEXT_NAMES: Final = frozenset(
    {"case", "claims", "parties", "forum", "respondents", "timeline", "precedents", "today"}
)
"""Names Comity supplies to every model pleading; declared variables may not reuse them."""

MAX_BYTES: Final = 2 * 1024 * 1024
MAX_SECONDS: Final = 2.0
MAX_STEPS: Final = 1_000_000
MAX_RANGE: Final = 10_000
MAX_CALL_DEPTH: Final = 50
MAX_TEMPLATE_CHARS: Final = 200_000
MAX_INT_BITS: Final = 4096
WORK_FACTOR: Final = 4
"""Text built anywhere during a render may total this many times ``max_bytes``."""

ALLOWED_FILTERS: Final = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "first", "float", "groupby",
        "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
        "reject", "rejectattr", "replace", "reverse", "round", "select", "selectattr", "sort",
        "string", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount",
    }
)  # fmt: skip
"""Jinja's built-in filters a model pleading may use. The rest either amplify output
(``center``, ``indent``, ``wordwrap``, ``batch``, ``slice``, ``format``), emit markup
(``urlize``, ``xmlattr``, ``tojson``, ``safe``) or serve no pleading."""

_TEXT_FILTERS: Final = frozenset(
    {"capitalize", "lower", "replace", "string", "title", "trim", "truncate", "upper", "wordcount"}
)
_REFUSED_STR_METHODS: Final = frozenset({"format", "format_map", "translate", "expandtabs"})
_PADDING_STR_METHODS: Final = frozenset({"center", "ljust", "rjust", "zfill"})
_JINJA_NAMES: Final = frozenset(
    {"true", "false", "none", "and", "or", "not", "in", "is", "if", "else", "loop", "self",
     "caller", "varargs", "kwargs", "range", "dict", "namespace", "cycler", "joiner"}
)  # fmt: skip
_TEMPLATE_NAME: Final = "pleading.md"
_TEMPLATE_FILENAME: Final = "<template>"
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class TemplateError(ValueError):
    """A model pleading could not be validated or rendered.

    ``kind`` is a stable key for clients; ``line`` is the template line where known; ``detail``
    is the message without the line prefix.
    """

    def __init__(self, kind: ErrorKind, detail: str, line: int | None = None) -> None:
        self.kind: ErrorKind = kind
        self.line = line
        self.detail = detail
        super().__init__(f"line {line}: {detail}" if line is not None else detail)


@dataclass(frozen=True)
class VariableSpec:
    """A value the litigator fills in, declared by the model pleading."""

    name: str
    type: VariableType
    description: str
    required: bool = True
    default: object = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name.startswith("_"):
            raise TemplateError("bad_value", f"variable name {self.name!r} is not a valid name")
        if self.name in CONTEXT_NAMES or self.name in _JINJA_NAMES:
            raise TemplateError("bad_value", f"variable name {self.name!r} is reserved")
        if self.type not in get_args(VariableType):
            raise TemplateError(
                "bad_value", f"variable {self.name!r} has unknown type {self.type!r}"
            )
        if self.default is not None:
            _coerce(self, self.default)


# -- validation ---------------------------------------------------------------------------------


def validate_template(body: str, variables: list[VariableSpec]) -> None:
    """Check a template without rendering it: syntax, refused constructs, undeclared names."""
    _compile(body, variables, _Budget.unlimited())


def _compile(body: str, variables: Sequence[VariableSpec], budget: _Budget) -> Any:
    if len(body) > MAX_TEMPLATE_CHARS:
        raise TemplateError(
            "too_large", f"template is {len(body)} characters; the limit is {MAX_TEMPLATE_CHARS}"
        )
    _check_specs(variables)
    env = _PleadingEnvironment(body, budget)
    try:
        tree = env.parse(body, name=_TEMPLATE_NAME)
    except TemplateSyntaxError as exc:
        raise TemplateError("syntax", exc.message or "invalid template", exc.lineno) from None
    _check_constructs(tree)
    _check_declared(tree, body, {spec.name for spec in variables})
    _instrument(tree)
    try:
        return env.from_string(tree)
    except TemplateSyntaxError as exc:
        raise TemplateError("syntax", exc.message or "invalid template", exc.lineno) from None


def _check_specs(variables: Sequence[VariableSpec]) -> None:
    seen: set[str] = set()
    for spec in variables:
        if spec.name in seen:
            raise TemplateError("bad_value", f"variable {spec.name!r} is declared twice")
        seen.add(spec.name)


def _check_constructs(tree: nodes.Template) -> None:
    refused: tuple[type[nodes.Node], ...] = (
        nodes.Extends,
        nodes.Include,
        nodes.Import,
        nodes.FromImport,
    )
    for node in tree.find_all(refused):
        tag = {"Extends": "extends", "Include": "include", "Import": "import"}.get(
            type(node).__name__, "from ... import"
        )
        raise TemplateError(
            "sandbox", f"'{{% {tag} %}}' is not allowed: a model pleading is one file", node.lineno
        )
    for flt in tree.find_all(nodes.Filter):
        if flt.name not in ALLOWED_FILTERS and flt.name != "date":
            raise TemplateError(
                "sandbox", f"filter {flt.name!r} is not available in model pleadings", flt.lineno
            )
    # The sandbox refuses these at run time too; refusing them here means a stored template
    # never even tries (`{{ ''.__class__.__mro__ }}` fails validation, not a later render).
    for access in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(access, nodes.Getattr):
            name: object = access.attr
        else:
            name = _constant(access.arg) if isinstance(access, nodes.Getitem) else None
        if isinstance(name, str) and name.startswith("_"):
            raise TemplateError(
                "sandbox", f"attribute {name!r} is internal and not available", access.lineno
            )


def _constant(node: nodes.Node) -> object:
    return node.value if isinstance(node, nodes.Const) else None


def _check_declared(tree: nodes.Template, body: str, declared: set[str]) -> None:
    unknown = meta.find_undeclared_variables(tree) - declared - CONTEXT_NAMES
    if not unknown:
        return
    located = sorted((_first_line(tree, body, name), name) for name in unknown)
    line, name = located[0]
    detail = (
        f"{name!r} is neither a declared variable nor a Comity context name "
        f"({', '.join(sorted(CONTEXT_NAMES))})"
    )
    if len(located) > 1:
        others = ", ".join(f"{n!r} (line {ln})" for ln, n in located[1:])
        detail += f"; also undeclared: {others}"
    raise TemplateError("undeclared_variable", detail, line)


def _first_line(tree: nodes.Template, body: str, name: str) -> int:
    lines = [
        node.lineno
        for node in tree.find_all(nodes.Name)
        if node.name == name and node.ctx == "load"
    ]
    if lines:
        return min(lines)
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for number, text in enumerate(body.splitlines(), start=1):
        if pattern.search(text):
            return number
    return 1


def _instrument(tree: nodes.Template) -> None:
    """Route loops, outputs and ``~`` operands through the environment's budget guards."""
    loops = list(tree.find_all(nodes.For))
    outputs = list(tree.find_all(nodes.Output))
    concats = list(tree.find_all(nodes.Concat))
    for loop in loops:
        loop.iter = _guard("comity_loop", loop.iter)
    for output in outputs:
        output.nodes = [_guard("comity_emit", child) for child in output.nodes]
    for concat in concats:
        concat.nodes = [_guard("comity_sized", operand) for operand in concat.nodes]


def _guard(name: str, node: nodes.Node) -> nodes.Expr:
    # A filter compiles to a direct call, where nodes.Call would pay for the sandbox's call().
    # Authors cannot write these filters (_check_constructs runs first); reaching one by name
    # through map() only applies a budget check.
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


# -- values -------------------------------------------------------------------------------------


def _resolve_values(
    variables: Sequence[VariableSpec], values: Mapping[str, object]
) -> dict[str, object]:
    declared = {spec.name for spec in variables}
    extra = sorted(set(values) - declared)
    if extra:
        raise TemplateError("bad_value", f"values given for undeclared variables: {extra}")
    resolved: dict[str, object] = {}
    for spec in variables:
        given = values.get(spec.name)
        if given is not None:
            resolved[spec.name] = _coerce(spec, given)
        elif spec.default is not None:
            resolved[spec.name] = _coerce(spec, spec.default)
        elif spec.required:
            raise TemplateError("bad_value", f"variable {spec.name!r} is required")
        else:
            resolved[spec.name] = None
    return resolved


def _coerce(spec: VariableSpec, value: object) -> object:
    def wrong(expected: str) -> NoReturn:
        raise TemplateError(
            "bad_value",
            f"variable {spec.name!r} must be {expected}, not {type(value).__name__} {value!r:.60}",
        )

    if spec.type == "text":
        if not isinstance(value, str):
            wrong("text")
        return value
    if spec.type == "date":
        if isinstance(value, datetime):
            wrong("a date (without a time)")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                wrong("a date in ISO format (YYYY-MM-DD)")
        wrong("a date")
    if spec.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            wrong("a number")
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            wrong("a finite number")
        return value
    if spec.type == "boolean":
        if not isinstance(value, bool):
            wrong("true or false")
        return value
    if not isinstance(value, list | tuple):
        wrong("a list")
    try:
        _check_plain(value, f"variable {spec.name!r}")
    except TypeError as exc:
        raise TemplateError("bad_value", str(exc)) from None
    return list(value)


_PLAIN_SCALARS: Final = (str, int, float, Decimal, date, type(None))


def _check_plain(value: object, where: str, depth: int = 0) -> None:
    if depth > 32:
        raise TypeError(f"{where} is nested too deeply")
    if isinstance(value, _PLAIN_SCALARS):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(item, where, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a non-string key {key!r}")
            _check_plain(item, f"{where}.{key}", depth + 1)
        return
    raise TypeError(f"{where} holds {type(value).__name__}; only plain data may reach templates")


def _check_context(context: Mapping[str, object]) -> None:
    unknown = sorted(set(context) - CONTEXT_NAMES)
    if unknown:
        raise TypeError(f"context names outside CONTEXT_NAMES: {unknown}")
    for name, value in context.items():
        _check_plain(value, name)


# -- budget and environment ---------------------------------------------------------------------


class _Abort(Exception):
    """Raised inside a render by a budget guard; carries the public error kind."""

    def __init__(self, kind: ErrorKind, detail: str) -> None:
        super().__init__(detail)
        self.kind: ErrorKind = kind
        self.detail = detail


class _Budget:
    def __init__(
        self, *, max_bytes: int, max_seconds: float, max_steps: int, clock: Callable[[], float]
    ) -> None:
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.max_steps = max_steps
        self.max_work = max_bytes * WORK_FACTOR
        self.clock = clock
        self.deadline = clock() + max_seconds
        self.steps = 0
        self.work = 0
        self.depth = 0

    @classmethod
    def unlimited(cls) -> _Budget:
        return cls(
            max_bytes=MAX_BYTES, max_seconds=math.inf, max_steps=MAX_STEPS, clock=time.monotonic
        )

    def check_time(self) -> None:
        if self.clock() > self.deadline:
            raise _Abort("too_slow", f"rendering took longer than {self.max_seconds:g} s")

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise _Abort(
                "too_slow",
                f"rendering took more than {self.max_steps} steps (loop iterations and calls)",
            )
        self.check_time()

    def charge(self, size: int) -> None:
        self.work += size
        if self.work > self.max_work:
            raise _Abort(
                "too_large", f"the template built more than {self.max_work} characters of text"
            )

    def allow_size(self, size: int, what: str) -> None:
        if size > self.max_bytes:
            raise _Abort("too_large", f"{what} would exceed {self.max_bytes} characters")

    def check_weight(self, value: object, what: str) -> None:
        self.allow_size(_weight(value, self.max_bytes), what)


def _weight(value: object, limit: int) -> int:
    """Approximate size of ``value`` as text, stopping once it passes ``limit``."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        else:
            total += 8
    return total


class _GuardedIterable:
    """A loop's iterable that spends one budget step per item."""

    def __init__(self, inner: Any, budget: _Budget) -> None:
        self._inner = inner
        self._budget = budget

    def __iter__(self) -> Iterator[Any]:
        for item in self._inner:
            self._budget.step()
            yield item

    def __len__(self) -> int:
        return len(self._inner)


class _PleadingEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, body: str, budget: _Budget) -> None:
        super().__init__(
            loader=DictLoader({_TEMPLATE_NAME: body}),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            cache_size=0,
            auto_reload=False,
        )
        self.budget = budget
        self.globals = {
            "range": self._range,
            "dict": dict,
            "namespace": Namespace,
            "cycler": Cycler,
            "joiner": Joiner,
        }
        filters: dict[str, Callable[..., Any]] = {
            name: self._wrap_filter(DEFAULT_FILTERS[name], name in _TEXT_FILTERS)
            for name in ALLOWED_FILTERS
        }
        filters["join"] = self._wrap_filter(self._join_filter(DEFAULT_FILTERS["join"]), False)
        filters["replace"] = self._wrap_filter(
            self._replace_filter(DEFAULT_FILTERS["replace"]), False
        )
        filters["date"] = self._wrap_filter(_format_date, False)
        filters.update(comity_loop=self._loop, comity_emit=self._emit, comity_sized=self._sized)
        self.filters = filters

    # Guards that _instrument() wires into the compiled template.

    def _loop(self, iterable: Any) -> _GuardedIterable:
        return _GuardedIterable(iterable, self.budget)

    def _emit(self, value: Any) -> str:
        self.budget.check_weight(value, "this output")
        text = str(value)
        self.budget.charge(len(text))
        return text

    def _sized(self, value: Any) -> Any:
        self.budget.check_weight(value, "this text")
        return value

    def _range(self, *args: int) -> range:
        rng = range(*args)
        try:
            length = len(rng)
        except OverflowError:
            length = MAX_RANGE + 1
        if length > MAX_RANGE:
            raise _Abort("too_large", f"range() is limited to {MAX_RANGE} items")
        return rng

    # Sandbox hooks.

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        bound_to = getattr(value, "__self__", None)
        if isinstance(bound_to, str) and getattr(value, "__name__", None) in _REFUSED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        # str.format and format_map are refused in is_safe_attribute rather than sandboxed:
        # their padding widths would bypass the size budget.
        return None

    def call(
        __self,
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        budget = __self.budget
        budget.step()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            args = __self._check_str_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        if budget.depth >= MAX_CALL_DEPTH:
            raise _Abort("too_slow", f"calls are nested more than {MAX_CALL_DEPTH} deep")
        budget.depth += 1
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        if isinstance(result, str):
            budget.charge(len(result))
        return result

    def _check_str_method(
        self, owner: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        budget = self.budget
        if name in _REFUSED_STR_METHODS:
            raise SecurityError(f"str.{name}() is not available in model pleadings")
        if name in _PADDING_STR_METHODS and args and isinstance(args[0], int):
            budget.allow_size(args[0], f"str.{name}()")
        elif name == "replace" and len(args) >= 2:
            budget.allow_size(_replaced_size(owner, args[0], args[1], args[2:]), "str.replace()")
        elif name == "join" and args:
            return (self._bounded_items(args[0], owner),)
        return args

    def _bounded_items(self, iterable: Any, separator: Any) -> list[Any]:
        budget = self.budget
        items: list[Any] = []
        size = 0
        sep = len(separator) if isinstance(separator, str) else 0
        for item in iterable:
            budget.step()
            size += _weight(item, budget.max_bytes) + sep
            budget.allow_size(size, "joined text")
            items.append(item)
        return items

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget = self.budget
        budget.step()
        if operator == "%" and isinstance(left, str):
            raise SecurityError("'%' string formatting is not available; join text with '~'")
        if operator == "*":
            _check_multiply(budget, left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+" and isinstance(left, str | list | tuple):
            budget.allow_size(
                _weight(left, budget.max_bytes) + _weight(right, budget.max_bytes), "'+'"
            )
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str):
            budget.charge(len(result))
        return result

    def _wrap_filter(self, func: Callable[..., Any], stringifies: bool) -> Callable[..., Any]:
        budget = self.budget
        offset = 1 if hasattr(func, "jinja_pass_arg") else 0

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            budget.step()
            if stringifies and len(args) > offset:
                budget.check_weight(args[offset], "this filter's input")
            result = func(*args, **kwargs)
            if isinstance(result, str):
                budget.charge(len(result))
            return result

        return guarded

    def _join_filter(self, join: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(join)
        def bounded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
            return join(eval_ctx, self._bounded_items(value, d), d, attribute)

        return bounded_join

    def _replace_filter(self, replace: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(replace)
        def bounded_replace(
            eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None
        ) -> Any:
            self.budget.check_weight(s, "replace's input")
            rest = () if count is None else (count,)
            self.budget.allow_size(_replaced_size(str(s), old, new, rest), "replace")
            return replace(eval_ctx, s, old, new, count)

        return bounded_replace


def _replaced_size(text: str, old: Any, new: Any, rest: tuple[Any, ...]) -> int:
    old_s, new_s = str(old), str(new)
    hits = text.count(old_s) if old_s else len(text) + 1
    if rest and isinstance(rest[0], int) and rest[0] >= 0:
        hits = min(hits, rest[0])
    return len(text) + hits * max(0, len(new_s) - len(old_s))


def _check_multiply(budget: _Budget, left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int):
            budget.allow_size(_weight(seq, budget.max_bytes) * max(count, 0), "'*'")
            return
    both_ints = isinstance(left, int) and isinstance(right, int)
    if both_ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise _Abort("too_large", "the product is too large a number")


def _check_power(left: Any, right: Any) -> None:
    both_ints = isinstance(left, int) and isinstance(right, int)
    if both_ints and right > 0 and right * max(1, abs(left).bit_length()) > MAX_INT_BITS:
        raise _Abort("too_large", "the power is too large a number")


def _format_date(value: Any) -> str:
    """Format a date as ``5 March 2024`` (English month names, no locale)."""
    if not isinstance(value, date):
        raise TypeError(f"the date filter needs a date, not {type(value).__name__}")
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


# -- rendering ----------------------------------------------------------------------------------


def render_markdown(
    body: str,
    variables: list[VariableSpec],
    values: Mapping[str, object],
    context: Mapping[str, object],
    *,
    max_bytes: int = MAX_BYTES,
    max_seconds: float = MAX_SECONDS,
    max_steps: int = MAX_STEPS,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Render a model pleading for one case; the result is Markdown.

    ``values`` fill the declared ``variables`` (type-checked; dates may be ISO strings);
    ``context`` holds the case data under :data:`CONTEXT_NAMES`, as plain data. Raises
    :class:`TemplateError` for anything the template or the values get wrong.
    """
    _check_context(context)
    budget = _Budget(max_bytes=max_bytes, max_seconds=max_seconds, max_steps=max_steps, clock=clock)
    template = _compile(body, variables, budget)
    data = {**context, **_resolve_values(variables, values)}
    chunks: list[str] = []
    size = 0
    stream = template.generate(data)
    try:
        for chunk in stream:
            size += len(chunk.encode("utf-8"))
            if size > max_bytes:
                raise TemplateError(
                    "too_large", f"the rendered pleading is larger than {max_bytes} bytes"
                )
            try:
                budget.check_time()
            except _Abort as abort:
                # Raised where the template is suspended, so that the error names its line.
                stream.throw(abort)
            chunks.append(chunk)
    except TemplateError:
        raise
    except Exception as exc:
        raise _translate(exc) from None
    finally:
        stream.close()
    return "".join(chunks)


def _translate(exc: Exception) -> TemplateError:
    line = _template_line(exc.__traceback__)
    if isinstance(exc, _Abort):
        return TemplateError(exc.kind, exc.detail, line)
    if isinstance(exc, SecurityError):
        return TemplateError("sandbox", f"not allowed: {exc}", line)
    if isinstance(exc, UndefinedError):
        return TemplateError("undefined_variable", str(exc.message or exc), line)
    if isinstance(exc, TemplateSyntaxError):
        return TemplateError("syntax", exc.message or "invalid template", exc.lineno)
    if isinstance(exc, RecursionError):
        return TemplateError("too_slow", "the template recursed too deeply", line)
    if isinstance(exc, MemoryError | OverflowError):
        return TemplateError("too_large", "a value in the template grew too large", line)
    return TemplateError("bad_value", f"rendering failed: {type(exc).__name__}: {exc}", line)


def _template_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# -- Markdown to HTML and DOCX ------------------------------------------------------------------

_NOTE_OPEN: Final = "\ue000"
_NOTE_CLOSE: Final = "\ue001"
_NOTE_MARKS: Final = re.compile(f"(?:{_NOTE_OPEN}\\d+{_NOTE_CLOSE})+")
_NOTE_DEF: Final = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_NOTE_REF: Final = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FENCE: Final = re.compile(r"^ {0,3}(```|~~~)")


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def _extract_notes(md: str) -> tuple[str, list[tuple[int, str]]]:
    """Split footnote definitions off the text and number the references.

    Returns the text with each reference replaced by a private-use marker, and the notes as
    ``(number, text)`` in number order.
    """
    md = md.replace(_NOTE_OPEN, "").replace(_NOTE_CLOSE, "")
    definitions: dict[str, list[str]] = {}
    body: list[tuple[str, bool]] = []
    in_fence = False
    current: list[str] | None = None
    for line in md.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            current = None
        elif not in_fence:
            match = _NOTE_DEF.match(line)
            if match:
                current = definitions.setdefault(match.group(1), [])
                if current:
                    current = []  # a repeated label: the first definition wins
                current.append(match.group(2).strip())
                continue
            if current is not None and line.startswith(("    ", "\t")) and line.strip():
                current.append(line.strip())
                continue
            current = None
        body.append((line, in_fence))

    numbers: dict[str, int] = {}

    def mark(match: re.Match[str]) -> str:
        label = match.group(1)
        if label not in definitions:
            return match.group(0)
        number = numbers.setdefault(label, len(numbers) + 1)
        return f"{_NOTE_OPEN}{number}{_NOTE_CLOSE}"

    text = "\n".join(line if fenced else _NOTE_REF.sub(mark, line) for line, fenced in body)
    for label in definitions:
        numbers.setdefault(label, len(numbers) + 1)
    notes = sorted((number, " ".join(definitions[label])) for label, number in numbers.items())
    return text + "\n", notes


def _note_numbers(marks: str) -> list[str]:
    """The numbers in a run of adjacent note markers, which print as one "1,2"."""
    return re.findall(r"\d+", marks)


def markdown_to_html(md: str) -> str:
    """Render Markdown to an HTML fragment; raw HTML in the Markdown is escaped, not passed on."""
    text, notes = _extract_notes(md)
    parser = _parser()
    html = _NOTE_MARKS.sub(
        lambda m: (
            '<sup class="footnote-ref">'
            + ",".join(f'<a href="#fn-{n}">{n}</a>' for n in _note_numbers(m[0]))
            + "</sup>"
        ),
        parser.render(text),
    )
    if notes:
        items = "".join(
            f'<li id="fn-{number}">{parser.renderInline(note)}</li>\n' for number, note in notes
        )
        html += f'<section class="footnotes">\n<h2>Notes</h2>\n<ol>\n{items}</ol>\n</section>\n'
    return html


def markdown_to_docx(md: str, *, title: str) -> bytes:
    """Render Markdown to a Word document with ``title`` as its title.

    Headings map to Word headings 1-3 (deeper ones to 3), lists to the List Bullet and List
    Number styles (each ordered list restarts its numbering), ``**bold**`` and ``*italic*`` to
    runs, block quotes to Quote, code to Courier New. Footnotes become superscript numbers and
    a "Notes" section at the end (python-docx has no footnote API; see the module docstring).
    """
    text, notes = _extract_notes(md)
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    parser = _parser()
    _DocxWriter(document).write(parser.parse(text))
    if notes:
        document.add_heading("Notes", level=1)
        for number, note in notes:
            paragraph = document.add_paragraph()
            paragraph.add_run(str(number)).font.superscript = True
            paragraph.add_run(" ")
            for token in parser.parseInline(note):
                _add_inline(paragraph, token.children or [])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DocxWriter:
    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.lists: list[tuple[str, int | None]] = []  # ("bullet" | "number", numbering id)
        self.first_in_item = False
        self.quote_depth = 0

    def write(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                level = min(int(token.tag[1:]), 3)
                heading = self.document.add_heading("", level=level)
                _add_inline(heading, tokens[index + 1].children or [])
            elif kind == "paragraph_open":
                self._paragraph(tokens[index + 1].children or [])
            elif kind == "bullet_list_open":
                self.lists.append(("bullet", None))
            elif kind == "ordered_list_open":
                start = token.attrGet("start")
                self.lists.append(("number", self._restart_numbering(int(start or 1))))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.first_in_item = True
            elif kind == "blockquote_open":
                self.quote_depth += 1
            elif kind == "blockquote_close":
                self.quote_depth -= 1
            elif kind in ("fence", "code_block"):
                self._code(token.content)
            elif kind == "hr":
                self.document.add_paragraph()

    def _list_style(self) -> str:
        kind = self.lists[-1][0]
        depth = min(len(self.lists), 3)
        if not self.first_in_item:
            base = "List Continue"
        else:
            base = "List Bullet" if kind == "bullet" else "List Number"
        return base if depth == 1 else f"{base} {depth}"

    def _paragraph(self, inline: list[Token]) -> None:
        if self.lists:
            paragraph = self.document.add_paragraph(style=self._list_style())
            num_id = self.lists[-1][1]
            if self.first_in_item and num_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            self.first_in_item = False
        elif self.quote_depth:
            paragraph = self.document.add_paragraph(style="Quote")
        else:
            paragraph = self.document.add_paragraph()
        _add_inline(paragraph, inline)

    def _restart_numbering(self, start: int) -> int | None:
        """A fresh numbering instance for the list style at this depth, starting at ``start``."""
        depth = min(len(self.lists) + 1, 3)
        style = self.document.styles["List Number" if depth == 1 else f"List Number {depth}"]
        p_pr = style.element.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return int(num.numId)

    def _code(self, content: str) -> None:
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run()
        run.font.name = "Courier New"
        for number, line in enumerate(content.rstrip("\n").split("\n")):
            if number:
                run.add_break()
            run.add_text(line)


def _add_inline(paragraph: Paragraph, children: list[Token]) -> None:
    bold = italic = 0
    link: list[str] = []
    href: str | None = None
    for token in children:
        kind = token.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            target = token.attrGet("href")
            href = str(target) if target is not None else None
            link = []
        elif kind == "link_close":
            if href and href != "".join(link):
                _add_text(paragraph, f" ({href})", False, False)
            href = None
        elif kind in ("text", "image"):
            content = token.content
            link.append(content)
            _add_text(paragraph, content, bold > 0, italic > 0)
        elif kind == "code_inline":
            paragraph.add_run(token.content).font.name = "Courier New"
        elif kind == "softbreak":
            _add_text(paragraph, " ", bold > 0, italic > 0)
        elif kind == "hardbreak":
            paragraph.add_run().add_break()


def _add_text(paragraph: Paragraph, text: str, bold: bool, italic: bool) -> None:
    """Add runs for ``text``, turning footnote markers into superscript numbers."""
    position = 0
    for match in _NOTE_MARKS.finditer(text):
        if match.start() > position:
            run = paragraph.add_run(text[position : match.start()])
            run.bold, run.italic = bold or None, italic or None
        paragraph.add_run(",".join(_note_numbers(match[0]))).font.superscript = True
        position = match.end()
    if position < len(text):
        run = paragraph.add_run(text[position:])
        run.bold, run.italic = bold or None, italic or None


# -- versions -----------------------------------------------------------------------------------


def diff_versions(
    old: str, new: str, *, old_label: str = "upstream", new_label: str = "local"
) -> str:
    """Unified diff of two versions of a pleading; empty when they are the same."""
    old_lines = [f"{line}\n" for line in old.splitlines()]
    new_lines = [f"{line}\n" for line in new.splitlines()]
    return "".join(difflib.unified_diff(old_lines, new_lines, fromfile=old_label, tofile=new_label))
