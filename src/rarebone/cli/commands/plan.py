"""``rarebone plan``: day-by-day transplant protocol calendar for one child."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

import typer

from rarebone.cli.options import OutputOption, resolve_format, write_output
from rarebone.errors import InputError

SCHEMAS = {"transplant-plan": "rarebone.workflows.plan:TransplantPlan"}


class PlanFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    ICS = "ics"
    HTML = "html"
    PDF = "pdf"
    FHIR = "fhir"


def parse_date(text: str, option: str) -> dt.date:
    """A date option (day 0, a first infusion): a real date from 1900 to about five years ahead of today
    (``--start 9999-12-31`` would overflow every calendar built on it)."""
    from rarebone.core import clock, limits

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("not a date such as 2027-01-15", path=option, value=text) from None
    return limits.plan_date(day, clock.today(), path=option)


def parse_options(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        group, sep, choice = value.partition("=")
        if not sep or not group or not choice:
            raise InputError("expected GROUP=CHOICE, e.g. serotherapy=alg", path="--option", value=value)
        group, choice = group.strip(), choice.strip()
        if group in out and out[group] != choice:
            raise InputError(f"conflicting choices for option group '{group}': {out[group]} and {choice}",
                             path=f"--option {group}", value=value)
        out[group] = choice
    return out


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan(
        phenopacket: Path = typer.Argument(..., help="The child's Phenopacket v2 JSON or FHIR R4 Bundle."),
        protocol: str = typer.Option(..., "--protocol", help="Protocol key, e.g. beijing-haplo, iewp-treo-flu-thiotepa."),
        day0: str = typer.Option(..., "--day0", help="Date of stem-cell infusion (day 0), YYYY-MM-DD."),
        weight: float = typer.Option(None, "--weight", help="Actual body weight in kg (else the latest in the file)."),
        height: float = typer.Option(None, "--height", help="Height/length in cm (else the latest in the file)."),
        bsa_formula: str = typer.Option("mosteller", "--bsa-formula", help="mosteller (default) or haycock."),
        busulfan_auc: float = typer.Option(None, "--busulfan-auc", help="Measured busulfan AUC per dose, uM.min."),
        after_dose: int = typer.Option(None, "--after-dose", help="Dose number after which the AUC was measured."),
        busulfan_label: str = typer.Option("ema", "--busulfan-label", help="Weight bands: ema (default) or fda."),
        small_child_rule: str = typer.Option(None, "--small-child-rule",
                                             help="For per-m2 drugs at <= 10 kg: bsa or per-kg (else the protocol's rule)."),
        override_reason: str = typer.Option(None, "--override-reason",
                                            help="Plan although HSCT is not indicated for the genotype; printed on the plan."),
        option: list[str] = typer.Option(None, "--option", help="Choose a published alternative, GROUP=CHOICE "
                                         "(e.g. serotherapy=alg); repeatable."),
        until: int = typer.Option(30, "--until", help="Last study day of the calendar for open-ended drugs."),
        format: PlanFormat = typer.Option(None, "--format", help="text, json, csv, ics, html, pdf or fhir (CarePlan); default from -o's suffix."),
        output: Path = OutputOption,
    ) -> None:
        """Day-by-day conditioning, GVHD prophylaxis and supportive-care calendar with doses for this child."""
        from rarebone.intake.phenopacket import read_phenopacket
        from rarebone.knowledge import load
        from rarebone.transplant.dosing import BsaFormula
        from rarebone.transplant.protocol import BusulfanLabel, SmallChildRule
        from rarebone.workflows.plan import make_plan

        def choice(enum, value, option):
            try:
                return enum(value) if value is not None else None
            except ValueError:
                raise InputError(f"must be one of {', '.join(e.value for e in enum)}", path=option, value=value) from None

        format = resolve_format(format, output, PlanFormat, PlanFormat.TEXT)
        kb = load()
        patient = read_phenopacket(phenopacket).patient
        result = make_plan(
            kb, patient, protocol_key=protocol, day0=parse_date(day0, "--day0"), weight_kg=weight, height_cm=height,
            bsa_formula=choice(BsaFormula, bsa_formula, "--bsa-formula"), busulfan_auc_umol_min=busulfan_auc,
            after_dose=after_dose, busulfan_label=choice(BusulfanLabel, busulfan_label, "--busulfan-label"),
            small_child_rule=choice(SmallChildRule, small_child_rule, "--small-child-rule"),
            override_reason=override_reason, horizon_day=until, options=parse_options(option or []))
        write_output(render_plan(result, format), output)


def render_plan(result, format: PlanFormat) -> str | bytes:
    from rarebone.report import calendar, transplant

    if format == PlanFormat.JSON:
        return result.model_dump_json(indent=2)
    if format == PlanFormat.FHIR:
        from rarebone.report.fhir_out import dumps, plan_bundle

        return dumps(plan_bundle(result))
    if format == PlanFormat.CSV:
        return calendar.plan_csv(result)
    if format == PlanFormat.ICS:
        return calendar.plan_ics(result, dt.datetime.now(dt.timezone.utc))
    if format == PlanFormat.HTML:
        return transplant.plan_html(result)
    if format == PlanFormat.PDF:
        from rarebone.report.pdf import html_to_pdf

        return html_to_pdf(transplant.plan_html(result))
    return transplant.plan_text(result)
