"""``mio-qual autocode``: rule and model suggestions, and how good they are (each command is one
``Project.autocode_*`` call, rendered)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import (ManyValues, coder_option, console, deprecated_alias, emit, escape, format_option, get_project,
                     out_option, say, split_values)

_UNITS = ("sentence", "paragraph", "turn")


def _codebook(names: tuple[str, ...]) -> Any:
    return get_project().codebook_for(split_values(names) or None)


def _codebook_option(func: Any) -> Any:
    return click.option("--codebook", "codebooks", multiple=True, cls=ManyValues,
                        help="Codebooks to use (default: the project's codebook, `mio-qual codebook use`; "
                             "without one cfir2 cfir_outcomes mio).")(func)


def _interviewer_option(func: Any) -> Any:
    return click.option("--include-interviewer", is_flag=True,
                        help="Also code interviewer/facilitator speech (default: staff speech only).")(func)


@click.group()
def autocode() -> None:
    """Suggest codes with keyword rules or a trained model, and evaluate the suggestions.

    \b
    mio-qual autocode rules                       keyword rules -> layer 'rules'
    mio-qual autocode train --from consensus      learn from a layer, store the model
    mio-qual autocode suggest [--min-prob 0.6]    model suggestions -> layer 'model'
    mio-qual autocode evaluate [--method rules]   per-code precision, recall, F1, kappa
    """


@autocode.command("rules")
@click.option("--unit", type=click.Choice(_UNITS), default="sentence", show_default=True,
              help="Unit that receives a code when one of its sentences matches.")
@click.option("--coder", default="rules", show_default=True, help="Layer to write (its rules codings are replaced).")
@click.option("--negation-window", type=click.IntRange(0, 20), default=3, show_default=True,
              help="Drop a hit preceded within this many tokens by no/not/never/n't/without (0: keep negated hits).")
@_codebook_option
@_interviewer_option
@format_option()
def rules_cmd(unit: str, coder: str, negation_window: int, codebooks: tuple[str, ...], include_interviewer: bool,
              fmt: str) -> None:
    """Code every unit whose sentences match a code's keywords (origin 'rules')."""
    book = _codebook(codebooks)
    result = get_project().autocode_rules(book, unit=unit, coder=coder, skip_interviewer=not include_interviewer,
                                          negation_window=negation_window)
    frame = result.frame(book)
    if fmt != "table":
        emit(frame, fmt)
        return
    say(f"{result.inserted:,} rule codings on {unit}s written to layer [bold]{escape(coder)}[/] "
        f"({result.removed:,} earlier ones replaced; {result.codes_with_keywords} codes have keywords)")
    emit(frame, "table", title="Rule codings per code", max_rows=40)


@autocode.command("train")
@click.option("--from", "from_layer", default="consensus", show_default=True,
              help="Layer to learn from: consensus, or a coder's name.")
@click.option("--unit", type=click.Choice(_UNITS), default="sentence", show_default=True)
@click.option("--name", default="default", show_default=True, help="Name of the stored model (replaced if it exists).")
@click.option("--min-examples", "min_positives", type=click.IntRange(1), default=5, show_default=True,
              help="Codes with fewer positive units are not trained.")
@click.option("--C", "C", type=click.FloatRange(0, min_open=True), default=1.0, show_default=True,
              help="Inverse regularization strength of the logistic regressions.")
@click.option("--folds", "threshold_folds", type=click.IntRange(0), default=5, show_default=True,
              help="Grouped (by transcript) folds for choosing thresholds; 0 keeps 0.5.")
@click.option("--no-char", is_flag=True, help="Word n-grams only (no character n-grams).")
@_codebook_option
@_interviewer_option
@format_option()
def train_cmd(from_layer: str, unit: str, name: str, min_positives: int, C: float, threshold_folds: int,
              no_char: bool, codebooks: tuple[str, ...], include_interviewer: bool, fmt: str) -> None:
    """Train a code suggester on a human or consensus layer and store it in the project."""
    params: dict[str, Any] = {"min_positives": min_positives, "C": C, "threshold_folds": threshold_folds}
    if no_char:
        params["char_ngrams"] = None
    result = get_project().autocode_train(from_layer, unit=unit, name=name, codebook=_codebook(codebooks),
                                          skip_interviewer=not include_interviewer, **params)
    frame = result.frame()
    if fmt != "table":
        emit(frame, fmt)
        return
    trained = len(result.model.codes_)
    say(f"model [bold]{escape(name)}[/] trained on {escape(from_layer)} ({result.n_units:,} {unit}s in "
        f"{result.n_transcripts} transcripts): {trained} codes, {len(result.model.skipped_)} with too few "
        f"examples; codebook {escape(result.info.codebook_version)}")
    for note in result.notes:
        say(f"[yellow]note[/]: {escape(note)}")
    emit(frame, "table", title="Codes learned (cv_f1: best out-of-fold F1, optimistic; see `autocode evaluate`)")


@autocode.command("suggest")
@click.option("--model", "model", default=None, help="Stored model to use (default: the newest).")
@click.option("--min-prob", type=click.FloatRange(0, 1), default=None,
              help="Suggest wherever a code's probability reaches this (default: each code's own threshold).")
@click.option("--coder", default="model", show_default=True, help="Layer to write (its model codings are replaced).")
@_codebook_option
@format_option()
def suggest_cmd(model: str | None, min_prob: float | None, coder: str, codebooks: tuple[str, ...], fmt: str) -> None:
    """Write a stored model's suggestions as codings (origin 'model', with probabilities)."""
    result = get_project().autocode_suggest(model, min_prob=min_prob, coder=coder, codebook=_codebook(codebooks))
    frame = result.frame()
    if fmt != "table":
        emit(frame, fmt)
        return
    say(f"{result.inserted:,} suggestions from model [bold]{escape(result.model)}[/] on {result.unit}s written to "
        f"layer [bold]{escape(coder)}[/] ({result.removed:,} earlier ones replaced). Review them in Word with "
        "`mio-qual coding export-docx --with-suggestions`.")
    emit(frame, "table", title="Suggestions per code", max_rows=40)


@autocode.command("evaluate")
@click.option("--method", type=click.Choice(("model", "rules", "layer")), default="model", show_default=True,
              help="model: cross-validated by transcript; rules: the keyword rules; layer: a stored layer (--coder).")
@click.option("--reference", default=None, help="Layer taken as truth (default: consensus, else the first human coder).")
@click.option("--human", default=None,
              help="Second human layer for human-vs-human kappa (default: another human coder; '' for none).")
@coder_option(help="With --method layer: the layer to evaluate (one name).")
@deprecated_alias("--layer", "--coder", "coder")
@click.option("--unit", type=click.Choice(_UNITS), default="sentence", show_default=True)
@click.option("--min-examples", type=click.IntRange(1), default=5, show_default=True,
              help="Codes with fewer examples in the reference are reported as such, not scored.")
@click.option("--folds", "n_splits", type=click.IntRange(2), default=5, show_default=True,
              help="Grouped folds for --method model.")
@click.option("--all-codes", is_flag=True, help="Show codes with too few examples too (always in csv/json/xlsx/docx).")
@_codebook_option
@format_option(choices=("table", "csv", "json", "xlsx", "docx"))
@out_option()
def evaluate_cmd(method: str, reference: str | None, human: str | None, coder: str | None, unit: str,
                 min_examples: int, n_splits: int, all_codes: bool, codebooks: tuple[str, ...], fmt: str,
                 out: Path | None) -> None:
    """Precision, recall, F1 and kappa of suggestions against human coding, per code, beside human-vs-human kappa."""
    from ..reports.render import infer_format, render

    if fmt in ("xlsx", "docx"):
        infer_format(fmt, out)  # a file format without --out is refused before the work starts
    result = get_project().autocode_evaluate(method, reference=reference, human=human, unit=unit,
                                             codebook=_codebook(codebooks), layer=coder, min_examples=min_examples,
                                             n_splits=n_splits)
    if fmt in ("xlsx", "docx"):
        render(result.result(), fmt=fmt, out=out)
        click.echo(f"wrote {out}", err=True)
        return
    if fmt != "table":
        emit(result.table, fmt, out=out)
        return
    frame = result.table
    if not all_codes:
        frame = frame[frame["status"] != "too few examples"]
    shown = frame.drop(columns=["n_units"])
    emit(shown, "table", title=result.title(), out=out)
    too_few = int((result.table["status"] == "too few examples").sum())
    err = console(stderr=True)
    if too_few and not all_codes:
        err.print(f"{too_few} codes with fewer than {min_examples} examples not shown (--all-codes shows them)")
    for note in result.notes:
        err.print(f"note: {note}")


@autocode.command("models")
@format_option()
def models_cmd(fmt: str) -> None:
    """List the models stored in the project."""
    emit(get_project().autocode_models(), fmt, title="Stored models")
