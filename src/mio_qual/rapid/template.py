"""Summary templates for rapid qualitative analysis: domains, prompts and their CFIR constructs.

A template is defined once per study in YAML::

    template: my-study
    title: Staff interview summary
    version: 1
    codebooks: [cfir2]
    domains:
      - id: FIT
        name: Need, fit and priority
        prompt: Is there a felt need for the program ...
        constructs: [IS.E, IS.F]

Domain ids are short upper-case names (letters, digits, ``_``); ``constructs`` lists codebook
ids, each covering its children (``IS`` covers ``IS.A`` and ``IS.A1``). The bundled default,
``cfir-staff-interview``, keys its domains to the updated CFIR (Damschroder et al. 2022) as
Gale et al. (2019) keyed theirs to the 2009 CFIR.

References
----------
Hamilton, A. B., & Finley, E. P. (2019). Qualitative methods in implementation research: An
introduction. Psychiatry Research, 280, 112516.
Gale, R. C., Wu, J., Erhardt, T., et al. (2019). Comparison of rapid vs in-depth qualitative
analytic methods from a process evaluation of academic detailing in the Veterans Health
Administration. Implementation Science, 14, 11.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InputError

#: The bundled default template.
DEFAULT_TEMPLATE = Path(__file__).with_name("cfir_staff_interview.yaml")

_DOMAIN_ID = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
_MAX_TEMPLATE_BYTES = 1_000_000


def covers(constructs: Iterable[str], code: str) -> bool:
    """Whether ``code`` is one of ``constructs`` or a child of one (``IS.A`` covers ``IS.A1``
    and ``IS.A.K``, not ``IS.AB``).

    Examples
    --------
    >>> covers(["IS.A", "OUT"], "IS.A1"), covers(["IS.A"], "IS.AB"), covers(["OUT"], "OUT.REACH")
    (True, False, True)
    """
    return any(code == c or code.startswith(c + ".") or (code.startswith(c) and code[len(c):].isdigit())
               for c in constructs)


@dataclass(frozen=True)
class Domain:
    """One row of a summary template.

    Attributes
    ----------
    id : str
        Short upper-case identifier, stable across the study (``FIT``).
    name : str
        What the domain is about, as the summarizer reads it.
    prompt : str
        The question the summary answers.
    constructs : tuple of str
        Codebook ids the domain covers (each with its children).
    """

    id: str
    name: str
    prompt: str = ""
    constructs: tuple[str, ...] = ()

    def covers(self, code: str) -> bool:
        """Whether ``code`` is one of the domain's constructs or a child of one.

        Examples
        --------
        >>> Domain("FIT", "Fit", constructs=("IS.F", "IND")).covers("IND.C.K")
        True
        >>> Domain("FIT", "Fit", constructs=("IS.F",)).covers("IS.FX")
        False
        """
        return covers(self.constructs, code)


@dataclass(frozen=True)
class Template:
    """A summary template: its name, version, codebooks and domains in order."""

    name: str
    title: str
    domains: tuple[Domain, ...]
    version: int = 1
    codebooks: tuple[str, ...] = ()
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def domain_ids(self) -> list[str]:
        """Domain ids in template order."""
        return [d.id for d in self.domains]

    def domain(self, domain_id: str) -> Domain:
        """The domain with id ``domain_id`` (KeyError if the template has none)."""
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    def domains_of(self, code: str) -> list[str]:
        """Ids of the domains covering ``code`` (a code may sit under none or several)."""
        return [d.id for d in self.domains if d.covers(code)]

    def to_json(self) -> str:
        """The template as JSON (how the store keeps it)."""
        data = asdict(self)
        data["domains"] = [asdict(d) for d in self.domains]
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Template":
        """The inverse of :meth:`to_json`.

        Examples
        --------
        >>> t = load_template()
        >>> Template.from_json(t.to_json()) == t
        True
        """
        data = json.loads(text)
        return _build(data, "stored template")


def _build(data: Any, where: str | Path) -> Template:
    """A :class:`Template` from parsed YAML/JSON, with every problem listed."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InputError("a summary template must be a mapping with 'template' and 'domains'", path=where,
                         hint="see the bundled cfir_staff_interview.yaml for the layout")
    name = data.get("template") or data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("'template' (the template's name) is missing")
    domains_raw = data.get("domains")
    if not isinstance(domains_raw, list) or not domains_raw:
        problems.append("'domains' must be a non-empty list")
        domains_raw = []
    domains: list[Domain] = []
    seen: set[str] = set()
    for n, raw in enumerate(domains_raw, start=1):
        if not isinstance(raw, dict):
            problems.append(f"domain {n} is not a mapping")
            continue
        domain_id = str(raw.get("id", "")).strip()
        if not _DOMAIN_ID.match(domain_id):
            problems.append(f"domain {n}: id {domain_id!r} must be upper-case letters, digits or _ (at most 32)")
        elif domain_id in seen:
            problems.append(f"domain {n}: id {domain_id!r} is used twice")
        seen.add(domain_id)
        domain_name = str(raw.get("name") or "").strip()
        if not domain_name:
            problems.append(f"domain {n} ({domain_id}): 'name' is missing")
        constructs = raw.get("constructs") or []
        if not isinstance(constructs, list) or not all(isinstance(c, str) and c.strip() for c in constructs):
            problems.append(f"domain {n} ({domain_id}): 'constructs' must be a list of codebook ids")
            constructs = []
        domains.append(Domain(domain_id, domain_name, " ".join(str(raw.get("prompt") or "").split()),
                              tuple(c.strip() for c in constructs)))
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the summary template. First: {problems[0]}", path=where,
                         hint="fix the template and run the command again", details=problems)
    codebooks = data.get("codebooks") or []
    known = {"template", "name", "title", "version", "codebooks", "source", "domains", "extra"}
    extra = dict(data.get("extra") or {}) | {k: v for k, v in data.items() if k not in known}
    return Template(name=str(name).strip(), title=str(data.get("title") or name).strip(), domains=tuple(domains),
                    version=int(data.get("version") or 1),
                    codebooks=tuple(str(c) for c in (codebooks if isinstance(codebooks, list) else [codebooks])),
                    source=" ".join(str(data.get("source") or "").split()), extra=extra)


def load_template(path: str | Path | None = None) -> Template:
    """Read a summary template from YAML (the bundled CFIR staff-interview template by default).

    Raises
    ------
    InputError
        The file is missing, too large, not YAML, or its domains are malformed (every problem
        listed).

    Examples
    --------
    >>> t = load_template()
    >>> t.name, t.domain_ids[:3]
    ('cfir-staff-interview', ['MIO', 'DEMANDS', 'OUTSIDE'])
    >>> t.domains_of("IS.F"), t.domains_of("OUT.REACH")
    (['FIT'], ['OUTCOMES'])
    """
    import yaml

    where = Path(path) if path is not None else DEFAULT_TEMPLATE
    if not where.is_file():
        raise InputError("summary template not found", path=where, hint="give the path of a template .yaml file")
    if where.stat().st_size > _MAX_TEMPLATE_BYTES:
        raise InputError("summary template is larger than 1 MB", path=where, hint="a template lists domains only")
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"summary template is not valid YAML ({exc.__class__.__name__})", path=where,
                         hint="check indentation and quotes") from None
    return _build(data, where)


def check_constructs(template: Template, known: Iterable[str]) -> list[str]:
    """Constructs the template names that the project's codebooks do not hold (empty when all known).

    Examples
    --------
    >>> t = Template("t", "t", (Domain("A", "a", constructs=("IS.F", "NOPE")),))
    >>> check_constructs(t, ["IS", "IS.F"])
    ['NOPE']
    """
    codes = set(known)
    return sorted({c for d in template.domains for c in d.constructs if c not in codes})


__all__ = ["DEFAULT_TEMPLATE", "covers", "Domain", "Template", "load_template", "check_constructs"]
