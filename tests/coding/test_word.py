"""Coding in Word: export, comments added with python-docx, import back to exact offsets."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from mio_qual.coding.model import Coding
from mio_qual.coding.word import ID_STYLE, PROP_TRANSCRIPT, SUGGESTION_AUTHOR, read_word_file, runs_for_span, split_runs
from mio_qual.errors import InputError

from helpers import project_state
from helpers.coding import make_project


@pytest.fixture()
def small(tmp_path):
    project = make_project(tmp_path)
    yield project
    project.close()


def _spans(text: str) -> dict[str, tuple[int, int]]:
    """Spans the tests comment on, chosen to be awkward."""
    def at(phrase: str, length: int | None = None) -> tuple[int, int]:
        s = text.index(phrase)
        return s, s + (len(phrase) if length is None else length)

    emoji = text.index("\U0001F3A8")
    participant2 = text.index("PARTICIPANT: Supervision")
    return {
        "word after an emoji": at("Tell me"),
        "starts on an emoji": (emoji, text.index("every week") + len("every week")),
        "curly quotes and accent": at("\u201cperfect\u201d \u2014 Jos\u00e9"),
        "across paragraphs": (text.index("two hours"), text.index("supervision?") + len("supervision")),
        "a whole turn with its label": (participant2, len(text)),
        "one character": at("G", 1),
    }


def _comment(document, runs, text, author="Jordan"):
    assert runs
    return document.add_comment(runs, text=text, author=author, initials="J")


def test_export_recovers_canonical_text_and_marks_the_file(small, tmp_path):
    path = small.export_docx("T01", tmp_path / "T01.docx")
    word = read_word_file(path)
    assert word.properties[PROP_TRANSCRIPT] == "T01"
    styled = [p.text for p in word.paragraphs if p.styled]
    assert "\n\n".join(styled) == small.text("T01")  # turn ids are not part of the text
    document = docx.Document(str(path))
    id_runs = [r.text for p in document.paragraphs for r in p.runs if r.style.name == ID_STYLE]
    assert id_runs == ["T01:t1 ", "T01:t2 ", "T01:t3 ", "T01:t4 "]
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert bold == ["INTERVIEWER:", "PARTICIPANT:", "INTERVIEWER:", "PARTICIPANT:"]


def test_round_trip_comments_at_known_offsets(small, tmp_path):
    text = small.text("T01")
    path = small.export_docx("T01", tmp_path / "T01.docx")
    document = docx.Document(str(path))
    spans = _spans(text)
    codes = ["IS.J2", "IS.A3", "MIO.REC", "IS.D2", "MIO.SUPV", "IND.A"]
    for (name, (s, e)), code in zip(spans.items(), codes):
        runs = runs_for_span(document, s, e)
        # python-docx itself sees exactly the canonical characters in the runs commented
        assert "\n\n".join(_joined(runs)) == text[s:e], name
        _comment(document, runs, code)
    document.save(str(tmp_path / "coded.docx"))
    result = small.import_word_comments([tmp_path / "coded.docx"], coder="jordan")
    assert result.inserted == len(spans) and not result.skipped
    got = {(r.start, r.end): r.code for r in small.codings(coder="jordan").itertuples()}
    assert got == {span: code for span, code in zip(spans.values(), codes)}


def _joined(runs):
    """Text of runs, paragraph by paragraph (runs from different paragraphs split the text)."""
    parts, last = [], None
    for run in runs:
        if run._parent is not last:
            parts.append("")
            last = run._parent
        parts[-1] += run.text
    return parts


def test_coder_edits_and_word_formatting_are_aligned(small, tmp_path):
    """The coder added words in one paragraph and straightened quote marks in another."""
    text = small.text("T01")
    path = small.export_docx("T01", tmp_path / "T01.docx")
    document = docx.Document(str(path))
    s = text.index("Gwen protects it")
    _comment(document, runs_for_span(document, s, s + len("Gwen protects it")), "IS.A3 - protected time")
    paragraphs = [p for p in document.paragraphs if p.style.name == "MIO Transcript"]
    first_text_run = [r for r in paragraphs[0].runs if r.style.name != ID_STYLE][1]
    first_text_run.text = first_text_run.text.replace("How is", "So, how is")
    second_text_run = [r for r in paragraphs[1].runs if r.style.name != ID_STYLE][1]
    second_text_run.text = second_text_run.text.replace("\u201c", '"').replace("\u201d", '"')
    document.save(str(tmp_path / "edited.docx"))
    result = small.import_word_comments([tmp_path / "edited.docx"], coder="jordan")
    assert result.files[0]["aligned"] is True
    row = small.codings(coder="jordan").iloc[0]
    assert (row["start"], row["end"], row["code"], row["memo"]) == (s, s + 16, "IS.A3", "protected time")


def _original_docx(path: Path) -> None:
    """A Word transcript as a transcription service delivers it, with Word's trimmings."""
    document = docx.Document()
    document.add_heading("Interview T02", level=1)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Clinic", "northside"
    table.cell(1, 0).text, table.cell(1, 1).text = "Date", "2026-03-03"
    p = document.add_paragraph()
    p.add_run("INTERVIEWER:").bold = True
    p.add_run(" Tell me about the room.")
    p = document.add_paragraph()
    p.add_run("PARTICIPANT:").bold = True
    p.add_run(" The room is \u201cours\u201d \U0001F600, and ")
    p.add_run("nobody").italic = True
    p.add_run(" walks in. See ")
    link = OxmlElement("w:hyperlink", attrs={qn("w:anchor"): "x"})
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "the plan"
    run.append(t)
    link.append(run)
    p._p.append(link)
    tail = p.add_run(" for details.")
    assert tail.text
    p = document.add_paragraph()
    p.add_run("INTERVIEWER:").bold = True
    p.add_run(" And supervision? ")
    # a tracked insertion (kept) and a tracked deletion (dropped)
    ins = OxmlElement("w:ins", attrs={qn("w:id"): "90", qn("w:author"): "T", qn("w:date"): "2026-01-01T00:00:00Z"})
    r = OxmlElement("w:r")
    t = OxmlElement("w:t", attrs={qn("xml:space"): "preserve"})
    t.text = "Weekly, "
    r.append(t)
    ins.append(r)
    p._p.append(ins)
    dele = OxmlElement("w:del", attrs={qn("w:id"): "91", qn("w:author"): "T", qn("w:date"): "2026-01-01T00:00:00Z"})
    r = OxmlElement("w:r")
    t = OxmlElement("w:delText")
    t.text = "monthly, "
    r.append(t)
    dele.append(r)
    p._p.append(dele)
    p.add_run("I hope.")
    document.add_paragraph("PARTICIPANT: Yes, two hours.")
    document.save(str(path))


def _add_range(document, paragraph, start_el, end_el, text, after=False):
    """Comment a range given by elements (for content python-docx cannot select as runs)."""
    comment = document.comments.add_comment(text=text, author="Casey")
    start = OxmlElement("w:commentRangeStart", attrs={qn("w:id"): str(comment.comment_id)})
    end = OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): str(comment.comment_id)})
    start_el.addprevious(start)
    end_el.addnext(end)
    return comment


def test_comments_on_an_original_transcript_docx(tmp_path):
    from mio_qual import Project

    source = tmp_path / "T02_northside.docx"
    _original_docx(source)
    project = Project.create(tmp_path / "study")
    project.import_transcripts([source])
    text = project.text("T02_northside")
    assert "Weekly, I hope." in text and "monthly" not in text and "the plan" in text

    document = docx.Document(str(source))
    paragraphs = document.paragraphs
    room = paragraphs[2].text  # heading 0, (table), INTERVIEWER 1.., see indexes below
    assert room.startswith("PARTICIPANT: The room")
    expected = {}
    a = room.index("\u201cours\u201d")
    _comment(document, split_runs(paragraphs[2], a, room.index(", and")), "IS.J2", author="Casey")  # one coder
    expected["IS.J2"] = (text.index("\u201cours\u201d"), text.index("\u201cours\u201d") + 8)
    # from inside one paragraph to inside the next: runs of two paragraphs
    b = room.index("nobody")
    first = split_runs(paragraphs[2], b, len(room.rstrip()) - len(" See the plan for details.") + 0)
    last = split_runs(paragraphs[3], 0, len("INTERVIEWER: And"))
    _comment(document, [first[0], last[-1]], "MIO.SUPV", author="Casey")
    expected["MIO.SUPV"] = (text.index("nobody"), text.index("INTERVIEWER: And") + len("INTERVIEWER: And"))
    # over a hyperlink, and over a tracked insertion (range markers placed in the XML)
    link = paragraphs[2]._p.find(qn("w:hyperlink"))
    _add_range(document, paragraphs[2], link, link, "IS.K")
    expected["IS.K"] = (text.index("the plan"), text.index("the plan") + 8)
    ins = paragraphs[3]._p.find(qn("w:ins"))
    _add_range(document, paragraphs[3], ins, ins, "IS.A3")
    expected["IS.A3"] = (text.index("Weekly,"), text.index("Weekly,") + 7)  # trailing space trimmed
    coded = tmp_path / "casey" / "T02_northside.docx"  # the coder's copy of the original file
    coded.parent.mkdir()
    document.save(str(coded))

    result = project.import_word_comments([coded], coder="casey")
    assert result.files[0]["transcript_id"] == "T02_northside"
    got = {r.code: (r.start, r.end) for r in project.codings(coder="casey").itertuples()}
    assert got == expected
    project.close()


def _coded_file(project, tmp_path, name, comments):
    """An exported T01 with comments ``[(phrase or (start, end) or 'TITLE', text)]``."""
    text = project.text("T01")
    path = project.export_docx("T01", tmp_path / f"{name}.docx")
    document = docx.Document(str(path))
    for where, comment_text in comments:
        if where == "TITLE":
            runs = document.paragraphs[0].runs
        else:
            s, e = where if isinstance(where, tuple) else (text.index(where), text.index(where) + len(where))
            runs = runs_for_span(document, s, e)
        _comment(document, runs, comment_text)
    document.save(str(path))
    return path


def test_problems_are_all_listed_and_nothing_is_written(small, tmp_path):
    good = _coded_file(small, tmp_path, "T01_good", [("Tell me", "IS.J2")])
    small.import_word_comments([good], coder="jordan")
    bad1 = _coded_file(small, tmp_path, "T01_bad1", [("Tell me", "IS.J9"), ("the room", "Spce; MIO.REC"),
                                                      ("Gwen", "MIO.SUPV")])
    bad2 = _coded_file(small, tmp_path, "T01_bad2", [("TITLE", "IS.J2"), ("supervision", "  ")])
    before = project_state(small.folder)
    with pytest.raises(InputError) as info:
        small.import_word_comments([bad1, good, bad2], coder="jordan")
    error = info.value
    assert len(error.details) == 4
    assert "4 problem(s)" in str(error) and "nothing was imported" in str(error)
    joined = "\n".join(error.details)
    assert "T01_bad1.docx: comment 0 by Jordan on 'Tell me': 'IS.J9'" in joined
    assert "did you mean" in joined and "IS.J2" in joined
    assert "'Spce'" in joined and "on 'the room'" in joined
    assert "T01_bad2.docx: comment 0 by Jordan on 'T01: transcript for coding': cannot place" in joined
    assert "T01_bad2.docx: comment 1" in joined and "empty" in joined
    assert project_state(small.folder) == before
    assert len(small.codings(coder="jordan")) == 1

    result = small.import_word_comments([bad1, good, bad2], coder="jordan", skip_problems=True)
    assert len(result.skipped) == 4
    codes = sorted(small.codings(coder="jordan")["code"])
    assert codes == ["IS.J2", "MIO.SUPV"]  # good file's IS.J2 (replaced by itself), bad1's MIO.SUPV


def test_reimport_replaces_instead_of_duplicating(small, tmp_path):
    path = _coded_file(small, tmp_path, "T01_jordan", [("Tell me", "IS.J2; MIO.REC"), ("Gwen", "MIO.SUPV")])
    first = small.import_word_comments([path], coder="jordan")
    again = small.import_word_comments([path], coder="jordan")
    # the same file again: nothing written, nothing in the audit trail, said "unchanged"
    assert (first.inserted, again.inserted, again.removed, again.unchanged) == (3, 0, 0, 3)
    assert len(small.codings(coder="jordan")) == 3
    path = _coded_file(small, tmp_path, "T01_jordan", [("Gwen", "MIO.SUPV")])  # a comment deleted
    small.import_word_comments([path], coder="jordan")
    assert small.codings(coder="jordan")["code"].tolist() == ["MIO.SUPV"]
    other = _coded_file(small, tmp_path, "T01_casey", [("Tell me", "IS.J2")])
    small.import_word_comments([other], coder="casey")
    assert len(small.codings(coder="jordan")) == 1 and len(small.codings(coder="casey")) == 1


def test_suggestions_review_round_trip(small, tmp_path):
    text = small.text("T01")
    spans = [(text.index("Tell me"), text.index("Tell me") + 7, "IS.J2", 0.81),
             (text.index("Gwen"), text.index("Gwen") + 17, "IS.A3", 0.4),
             (text.index("two hours"), text.index("two hours") + 9, "MIO.SUPV", None)]
    small.write_codings([Coding("T01", s, e, c, "rules", "rules", probability=p) for s, e, c, p in spans],
                  coder="rules", origin="rules")
    path = small.export_docx("T01", tmp_path / "T01.docx", with_suggestions=True)
    document = docx.Document(str(path))
    comments = list(document.comments)
    assert [c.text for c in comments] == ["SUGGESTION: IS.J2 (p=0.81)", "SUGGESTION: MIO.SUPV",
                                          "SUGGESTION: IS.A3 (p=0.40)"]
    assert {c.author for c in comments} == {SUGGESTION_AUTHOR}
    # the coder accepts the first (deletes "SUGGESTION: ") and leaves the others
    for run in comments[0].paragraphs[0].runs:
        run.text = run.text.replace("SUGGESTION: ", "")
    document.save(str(path))
    result = small.import_word_comments([path], coder="jordan")
    assert (result.inserted, result.suggestions_not_reviewed, result.suggestions_accepted) == (1, 2, 1)
    row = small.codings(coder="jordan").iloc[0]
    assert (row["start"], row["end"], row["code"], row["memo"]) == (spans[0][0], spans[0][1], "IS.J2", None)
    assert row["evidence"] == "accepted mio-qual suggestion (p=0.81)"


def test_which_transcript_by_property_name_or_option(small, tmp_path):
    from mio_qual.coding.word import TranscriptNames, which_transcript

    names = TranscriptNames.from_frame(small.transcripts())
    assert which_transcript(tmp_path / "whatever.docx", {PROP_TRANSCRIPT: "T01"}, names=names) == "T01"
    assert which_transcript(tmp_path / "T01_jordan.docx", names=names) == "T01"
    assert which_transcript(tmp_path / "t01.docx", names=names) == "T01"
    assert which_transcript(tmp_path / "notes.docx", transcript_id="T01", names=names) == "T01"
    with pytest.raises(InputError, match="--transcript"):
        which_transcript(tmp_path / "notes.docx", names=names)
    with pytest.raises(InputError, match="not in this project"):
        which_transcript(tmp_path / "x.docx", {PROP_TRANSCRIPT: "T99"}, names=names)


def test_styles_lost_in_a_copy_are_still_placed(small, tmp_path):
    """The coder pasted the transcript into a fresh document: no styles, no property."""
    text = small.text("T01")
    path = small.export_docx("T01", tmp_path / "T01.docx")
    exported = docx.Document(str(path))
    fresh = docx.Document()
    for paragraph in exported.paragraphs:
        if paragraph.style.name == "MIO Transcript":
            new = fresh.add_paragraph()
            for run in paragraph.runs:
                new._p.append(copy.deepcopy(run._r))
    for paragraph in fresh.paragraphs:  # the id runs lost their style with the copy
        for run in paragraph.runs:
            run._r.get_or_add_rPr().style = None
    s = text.index("The room is great")
    target = [p for p in fresh.paragraphs if "The room is great" in p.text][0]
    local = target.text.index("The room is great")
    _comment(fresh, split_runs(target, local, local + 17), "IS.J2")
    fresh.save(str(tmp_path / "T01_pasted.docx"))
    small.import_word_comments([tmp_path / "T01_pasted.docx"], coder="jordan")
    row = small.codings(coder="jordan").iloc[0]
    assert (row["start"], row["end"]) == (s, s + 17)


def _store_text(project, tid, text):
    """Put a transcript with exactly this canonical text into the store (no reader involved)."""
    from mio_qual.store import transcripts as store_transcripts
    from mio_qual.transcripts.model import Transcript

    with project.store.transaction():
        store_transcripts.insert_transcript(project.store, Transcript(id=tid, text=text))


_ALPHABET = st.sampled_from(list("ab cé\t") + ["\n", "\n\n", "\n\n\n", "\U0001F600", "e\u0301", "\u201c", "\u2014",
                                                "  ", "x"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ALPHABET, min_size=1, max_size=60), st.data())
def test_property_export_then_comment_anywhere_imports_the_same_span(tmp_path_factory, pieces, data):
    """Any canonical text comes back exactly from an export, and any comment on it lands where it was put."""
    from mio_qual import Project
    from mio_qual.offsets import canonicalize

    text = canonicalize("".join(pieces))
    if not text.strip():
        return
    folder = tmp_path_factory.mktemp("prop")
    project = Project.create(folder / "study")
    _store_text(project, "H1", text)
    path = project.export_docx("H1", folder / "H1.docx")
    assert "\n\n".join(p.text for p in read_word_file(path).paragraphs if p.styled) == text
    inner = [i for i, ch in enumerate(text) if not ch.isspace()]
    s = data.draw(st.sampled_from(inner))
    e = data.draw(st.sampled_from([i + 1 for i in inner if i >= s]))
    document = docx.Document(str(path))
    _comment(document, runs_for_span(document, s, e), "IS.J2")
    document.save(str(path))
    project.import_word_comments([path], coder="prop")
    row = project.codings(coder="prop").iloc[0]
    assert (int(row["start"]), int(row["end"])) == (s, e)
    project.close()


def test_replies_join_their_comment_memo(small, tmp_path):
    """Word threads replies in commentsExtended.xml; a reply is discussion, added to the memo."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    text = small.text("T01")
    path = small.export_docx("T01", tmp_path / "T01.docx")
    document = docx.Document(str(path))
    s = text.index("Gwen")
    runs = runs_for_span(document, s, s + 4)
    parent = _comment(document, runs, "IS.A3 - she protects it")
    reply = _comment(document, runs, "I would add IND.B here", author="Casey")
    w14 = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
    parent.paragraphs[0]._p.set(w14, "00000001")
    reply.paragraphs[0]._p.set(w14, "00000002")
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    blob = (f'<w15:commentsEx xmlns:w15="{w15}"><w15:commentEx w15:paraId="00000001" w15:done="0"/>'
            f'<w15:commentEx w15:paraId="00000002" w15:paraIdParent="00000001" w15:done="0"/>'
            f'</w15:commentsEx>').encode()
    part = Part(PackURI("/word/commentsExtended.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml", blob,
                document.part.package)
    document.part.relate_to(part, "http://schemas.microsoft.com/office/2011/relationships/commentsExtended")
    document.save(str(path))
    result = small.import_word_comments([path], coder="jordan")
    assert (result.inserted, result.replies) == (1, 1)
    row = small.codings(coder="jordan").iloc[0]
    assert (row["code"], row["memo"]) == ("IS.A3", "she protects it\nCasey: I would add IND.B here")


ROSTER = ("transcript_id,speaker_label,study_id,role,aliases\n"
          "T01,INTERVIEWER,IV1,interviewer,\n"
          "T01,PARTICIPANT,P1,counselor,Gwen Harlow; Gwen\n"
          "*,José Núñez,S91,supervisor,José\n")


def test_redacted_copy_comments_land_on_the_stored_text(tmp_path):
    """The coder's copy shows [name]; comments across a name import onto the stored characters."""
    from helpers.coding import RAW
    from mio_qual import Project

    source, roster = tmp_path / "T01.txt", tmp_path / "roster.csv"
    source.write_bytes(RAW.encode("utf-8"))
    roster.write_text(ROSTER, encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([source], roster=roster)
    text = project.text("T01")
    path = project.export_docx("T01", tmp_path / "copy.docx")
    word = read_word_file(path)
    shown = "\n\n".join(p.text for p in word.paragraphs if p.styled)
    assert "Gwen" not in shown and "José" not in shown and shown.count("[name]") == 2
    document = docx.Document(str(path))
    wanted = {"José painted it": "IS.A3", "Gwen protects it": "MIO.SUPV", "two hours": "IS.J2"}
    for phrase, code in wanted.items():
        on_copy = phrase.replace("José", "[name]").replace("Gwen", "[name]")
        s = shown.index(on_copy)
        _comment(document, runs_for_span(document, s, s + len(on_copy)), code)
    document.save(str(tmp_path / "coded.docx"))
    result = project.import_word_comments([tmp_path / "coded.docx"], coder="jordan")
    assert result.inserted == 3 and not result.skipped
    got = {(r.start, r.end): r.code for r in project.codings(coder="jordan").itertuples()}
    expected = {(text.index(p), text.index(p) + len(p)): code for p, code in wanted.items()}
    assert got == expected
    named = read_word_file(project.export_docx("T01", tmp_path / "named.docx", show_names=True))
    assert "\n\n".join(p.text for p in named.paragraphs if p.styled) == text
    project.close()


def _isolate(paragraph, words):
    """The paragraph's runs rebuilt as before / ``words`` / after; returns the run holding ``words``."""
    full = paragraph.text
    i = full.index(words)
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = full[:i]
    middle = paragraph.add_run(words)
    paragraph.add_run(full[i + len(words):])
    return middle


def test_comments_in_the_cells_of_a_table_transcript_written_by_libreoffice(tmp_path):
    """Issue 16: a transcript laid out as a table (speaker, time, text columns; written by
    LibreOffice, tests/data/interop/libreoffice) is coded by commenting on its cells: inside a
    cell, on a cell's second paragraph, on a speaker cell, across two rows, and in the table's
    rest after a page break. Each coding lands on exactly the commented words of the stored text."""
    import shutil

    from helpers import REPO
    from mio_qual import Project

    source = tmp_path / "INT21.docx"
    shutil.copy(REPO / "tests" / "data" / "interop" / "libreoffice" / "table_transcript.docx", source)
    project = Project.create(tmp_path / "study")
    project.import_transcripts([source])
    text = project.text("INT21")
    document = docx.Document(str(source))
    first, second = document.tables
    cell = first.rows[3].cells[2]  # Counselor, 00:00:14: two paragraphs
    _comment(document, _isolate(cell.paragraphs[0], "no private room"), "IS.J2")
    _comment(document, _isolate(cell.paragraphs[1], "Later on it got better."), "MIO.SCHED")
    _comment(document, _isolate(first.rows[4].cells[0].paragraphs[0], "Interviewer"), "IS.A")
    start = _isolate(first.rows[4].cells[2].paragraphs[0], "What changed?")
    end = _isolate(first.rows[5].cells[2].paragraphs[0], "the café upstairs")
    _comment(document, [start, end], "IS.J")
    _comment(document, _isolate(second.rows[1].cells[2].paragraphs[0], "failed twice"), "MIO.REC")
    coded = tmp_path / "casey" / "INT21.docx"
    coded.parent.mkdir()
    document.save(str(coded))

    project.import_word_comments([coded], coder="casey")
    got = {r.code: text[r.start:r.end] for r in project.codings(coder="casey").itertuples()}
    interviewer = text.index("Interviewer (00:01:02)")
    assert got == {"IS.J2": "no private room", "MIO.SCHED": "Later on it got better.",
                   "IS.A": text[interviewer:interviewer + len("Interviewer")],
                   "IS.J": text[text.index("What changed?"):text.index("the café upstairs") + len("the café upstairs")],
                   "MIO.REC": "failed twice"}
    assert got["IS.J"].count("\n\n") == 1  # across two rows, so two turns
    project.close()


def test_a_coders_copy_saved_by_libreoffice_imports_onto_the_commented_words(tmp_path):
    """A coder without Word opens the copy `coding export-docx` wrote and saves it in LibreOffice
    7.4 (tests/data/interop/libreoffice/coded_copy_saved_by_libreoffice.docx: exported from
    table_transcript.docx, four comments added, saved by LibreOffice, which rewrites the whole
    package). The comments, and the words each is anchored on, are read here with zipfile and
    ElementTree; every coding lands on exactly those words of the stored text."""
    import shutil
    import xml.etree.ElementTree as ET
    import zipfile

    from helpers import REPO
    from mio_qual import Project

    data = REPO / "tests" / "data" / "interop" / "libreoffice"
    coded = data / "coded_copy_saved_by_libreoffice.docx"
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(coded) as archive:
        assert "LibreOffice/7.4" in archive.read("docProps/app.xml").decode("utf-8")
        comments = {c.get(w + "id"): "".join(t.text or "" for t in c.iter(w + "t"))
                    for c in ET.fromstring(archive.read("word/comments.xml")).iter(w + "comment")}
        anchored: dict[str, str] = {}
        open_ids: list[str] = []
        for el in ET.fromstring(archive.read("word/document.xml")).iter():
            if el.tag == w + "commentRangeStart":
                open_ids.append(el.get(w + "id"))
                anchored.setdefault(el.get(w + "id"), "")
            elif el.tag == w + "commentRangeEnd":
                open_ids.remove(el.get(w + "id"))
            elif el.tag == w + "t" and open_ids:
                for cid in open_ids:
                    anchored[cid] += el.text or ""
    want = sorted((comments[cid].split(" - ")[0], words) for cid, words in anchored.items())
    assert len(want) == 4
    source = tmp_path / "table_transcript.docx"
    shutil.copy(data / "table_transcript.docx", source)
    project = Project.create(tmp_path / "study")
    project.import_transcripts([source])
    project.import_word_comments([coded], coder="casey")
    text = project.text("table_transcript")
    got = sorted((r.code, text[r.start:r.end]) for r in project.codings(coder="casey").itertuples())
    assert got == want
    project.close()


def test_a_file_two_coders_commented_is_split_by_author_never_merged(small, tmp_path):
    """One shared copy, each coder's comments under their own Word user name: without --author the
    import is refused (one layer would hold two coders' coding, and agreement would be wrong);
    with it each layer gets exactly its author's comments."""
    text = small.text("T01")
    path = small.export_docx("T01", tmp_path / "T01.docx")
    document = docx.Document(str(path))
    planned = [("Tell me", "IS.J2", "Jordan"), ("Gwen", "MIO.SUPV", "Jordan"),
               ("Tell me", "IS.A3", "Casey Lin"), ("two hours", "MIO.REC", "Casey Lin")]
    spans = {}
    for phrase, code, author in planned:
        s = text.index(phrase)
        spans[code] = (s, s + len(phrase))
        _comment(document, runs_for_span(document, s, s + len(phrase)), code, author=author)
    document.save(str(path))
    before = project_state(small.folder)
    with pytest.raises(InputError) as info:
        small.import_codings([path], coder="jordan")
    assert "comments by 2 authors (Casey Lin: 2, Jordan: 2) would all go into layer 'jordan'" in str(info.value)
    assert "--author 'Casey Lin' --coder jordan" in str(info.value)
    assert project_state(small.folder) == before
    skipped = small.import_codings([path], coder="jordan", skip_problems=True)  # listed, not imported
    assert len(skipped.skipped) == 1 and "comments by 2 authors" in skipped.skipped[0]
    assert small.codings().empty  # nothing of either coder

    small.import_codings([path], coder="jordan", authors=["  JORDAN "])   # case and spaces ignored
    small.import_codings([path], coder="casey", authors=["casey lin"])
    got = {coder: sorted((r.code, r.start, r.end) for r in small.codings(coder=coder).itertuples())
           for coder in ("jordan", "casey")}
    assert got == {"jordan": sorted([("IS.J2", *spans["IS.J2"]), ("MIO.SUPV", *spans["MIO.SUPV"])]),
                   "casey": sorted([("IS.A3", *spans["IS.A3"]), ("MIO.REC", *spans["MIO.REC"])])}

    # a name that wrote nothing is refused (even with skip_problems: the file would empty the layer)
    after = project_state(small.folder)
    with pytest.raises(InputError) as info:
        small.import_codings([path], coder="casey", authors=["Casey"], skip_problems=True)
    assert "no comment in these files is by 'Casey'; their authors: Casey Lin, Jordan" in str(info.value)
    assert project_state(small.folder) == after
