"""Reading YAML codebooks with the line of every entry and value.

The file is parsed with :func:`yaml.compose` (PyYAML's safe loader), so each node keeps
its position; values are built from the nodes one by one. A syntax error, an unknown key,
a repeated key or a value of the wrong shape becomes a :class:`~.problems.Problem`, and
reading goes on wherever it can so that every problem is reported at once.

Layout (see ``codebooks/cfir2.yaml``)::

    codebook: cfir2            # name, lower case
    title: ...
    version_label: ...
    source: ...                # citation
    requires: [other]          # optional: codebooks whose ids this one refers to
    codes:
      - id: IS
        name: Inner Setting
        children:              # nest entries ...
          - id: IS.J
            name: Available Resources
      - id: IS.J1              # ... or list them flat with parent:
        parent: IS.J
        name: Funding
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .raw import BOOK_FIELDS, CODE_FIELDS, NON_NAME_CHARS, RawBook, RawCode, book_name, read_file_bytes

_MAX_BYTES = 20_000_000

#: libyaml's safe loader when PyYAML was built with it (the same YAML 1.1 safe subset, with
#: line marks, several times faster than the pure-Python parser); the pure-Python one otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _unknown_key_message(key: str, known: tuple[str, ...], where: str) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(known)}"
    return f"unknown field {key!r} {where}{hint}"


class _Reader:
    def __init__(self, book: RawBook) -> None:
        self.book = book
        self.constructor = SafeConstructor()
        self.seen_nodes: set[int] = set()

    def value(self, node: Node) -> object:
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            self.book.problem("syntax", f"cannot read value: {exc.problem}", _line(node))
            return None

    def mapping_items(self, node: MappingNode, where: str) -> list[tuple[str, Node, Node]]:
        """Key/value pairs with string keys; repeated keys are reported and the first kept."""
        out: list[tuple[str, Node, Node]] = []
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.book.problem("bad-structure", f"a key {where} is not plain text", _line(key_node))
                continue
            key = str(key_node.value)
            if key in seen:
                self.book.problem(
                    "duplicate-key",
                    f"key {key!r} appears twice {where} (first at line {seen[key]}); keep one",
                    _line(key_node),
                )
                continue
            seen[key] = _line(key_node)
            out.append((key, key_node, value_node))
        return out

    def read_entries(self, seq: Node, parent: str | None, nested: bool) -> None:
        if isinstance(seq, ScalarNode) and seq.value in ("", "~", "null"):
            return
        if not isinstance(seq, SequenceNode):
            self.book.problem("bad-structure", "expected a list of entries (lines starting with '- ')", _line(seq))
            return
        for item in seq.value:
            if id(item) in self.seen_nodes:
                self.book.problem("bad-structure", "YAML anchors/aliases may not repeat an entry", _line(item))
                continue
            self.seen_nodes.add(id(item))
            self.read_entry(item, parent, nested)

    def read_entry(self, node: Node, parent: str | None, nested: bool) -> None:
        if not isinstance(node, MappingNode):
            self.book.problem(
                "bad-structure", "each entry must be a mapping with at least 'id' and 'name'", _line(node)
            )
            return
        code = RawCode(line=_line(node), nested_parent=parent, nested=nested)
        children: Node | None = None
        for key, key_node, value_node in self.mapping_items(node, "in this entry"):
            if key not in CODE_FIELDS:
                self.book.problem(
                    "unknown-field", _unknown_key_message(key, CODE_FIELDS, "in a code entry"), _line(key_node)
                )
                continue
            if key == "children":
                children = value_node
                continue
            code.lines[key] = _line(value_node)
            if isinstance(value_node, SequenceNode):
                code.item_lines[key] = [_line(v) for v in value_node.value]
            code.values[key] = self.value(value_node)
        self.book.codes.append(code)
        if children is not None:
            own_id = code.values.get("id")
            self.read_entries(children, own_id if isinstance(own_id, str) else None, True)


_MAX_DEPTH = 64


def _shape_ok(text: str, book: RawBook) -> bool:
    """Refuse YAML aliases and very deep nesting before any node is built.

    A codebook never needs anchors and aliases, and a few nested aliases make a tiny file
    expand into billions of values ("billion laughs"); very deep nesting exhausts the
    recursive composer. PyYAML's event stream is walked without building anything.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            book.problem("syntax", "YAML aliases (*name) are not allowed in a codebook; write the value out",
                         event.start_mark.line + 1)
            return False
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > _MAX_DEPTH:
                book.problem("bad-structure", f"entries are nested more than {_MAX_DEPTH} levels deep",
                             event.start_mark.line + 1)
                return False
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return True


def read_yaml(path: str | Path) -> RawBook:
    """Read a YAML codebook into a :class:`RawBook` (problems recorded, never raised).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    RawBook
    """
    path = Path(path)
    book = RawBook(name=book_name(path.stem) or "codebook", path=str(path))
    data = read_file_bytes(path, book, _MAX_BYTES)
    if data is None:
        return book
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        book.problem("encoding", "not UTF-8 text; save the file as UTF-8", line)
        return book
    try:
        if not _shape_ok(text, book):
            return book
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        book.problem("syntax", f"YAML syntax error: {what}", line)
        return book
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        book.problem("syntax", f"YAML error: {exc}")
        return book
    if root is None or not isinstance(root, MappingNode):
        book.problem(
            "bad-structure",
            "a codebook file must be a mapping with 'codebook:' and 'codes:' at the top",
            _line(root) if root is not None else 1,
        )
        return book
    reader = _Reader(book)
    book.line = _line(root)
    codes_node: Node | None = None
    for key, key_node, value_node in reader.mapping_items(root, "at the top of the file"):
        if key not in BOOK_FIELDS:
            book.problem("unknown-field", _unknown_key_message(key, BOOK_FIELDS, "at the top of the file"), _line(key_node))
            continue
        if key == "codes":
            codes_node = value_node
            continue
        value = reader.value(value_node)
        if key == "requires":
            book.requires_line = _line(value_node)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                book.problem("bad-value", "requires must be a list of codebook names", _line(value_node))
                continue
            book.requires = [v.strip() for v in value]
            continue
        if value is not None and not isinstance(value, str):
            book.problem("bad-value", f"{key} must be text; put it in quotes", _line(value_node))
            continue
        value = (value or "").strip()
        if key == "codebook":
            if not value or NON_NAME_CHARS.search(value):
                book.problem(
                    "bad-value",
                    f"codebook name {value!r} must be lower-case letters, digits, '_' or '-'",
                    _line(value_node),
                )
            else:
                book.name = value
        elif key in ("title", "version_label", "source"):
            setattr(book, key, value)
    if codes_node is None:
        book.problem("bad-structure", "no 'codes:' list in the file", _line(root))
        return book
    reader.read_entries(codes_node, None, False)
    return book
