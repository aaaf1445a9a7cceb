"""The command line: `cfmonitor` opens the TUI; subcommands report, check and build databases.

Every user-facing failure is a `CfmonitorError` (or a click usage error): one sentence
on stderr and exit status 2. No traceback ever reaches the user, because tracebacks
can carry data (names, paths) into terminals and logs.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cfmonitor.errors import CfmonitorError, WrittenThenInterrupted

if TYPE_CHECKING:
    from cfmonitor.data.engine import Scenario, Snapshot, Source
    from cfmonitor.importing.writing_postgres import PostgresTarget

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD or DD/MM/YYYY (as `import` reads them, never
    month-first); anything else is refused in one sentence naming the value."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        from cfmonitor.dates import parse_date

        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


ISO_DATE = IsoDate()


class DatabaseArgument(click.ParamType):
    """A SQLite path (a `Path`) or a `postgresql://` URL, kept exactly as written (a
    `Path` would fold its `//`); the value is never echoed, as a URL may hold a password."""

    name = "PATH|URL"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        from cfmonitor.database.location import is_postgres_url

        text = str(value)
        return text if is_postgres_url(text) else Path(text)


DATABASE = DatabaseArgument()
DB_OPTION = click.option(
    "--db",
    "db",
    type=DATABASE,
    default=None,
    help=(
        "SQLite file or postgresql:// URL (default: $CFMONITOR_DB, else the built-in demo data)."
    ),
)
AS_OF_OPTION = click.option(
    "--as-of",
    "as_of",
    type=ISO_DATE,
    default=None,
    help="Judge caseloads on this day (default today).",
)
POLICY_OPTION = click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Policy TOML file (default: the built-in policy, see db/policy.toml).",
)


def _today() -> dt.date:
    return dt.date.today()


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@DB_OPTION
@AS_OF_OPTION
@POLICY_OPTION
@click.option(
    "--present",
    is_flag=True,
    help="Open the terminal UI in presenter mode: colleagues' names as initials and staff "
    "ref, case and family references only on the open worker's screen (P toggles it).",
)
@click.version_option(package_name="cfmonitor")
@click.pass_context
def cli(
    ctx: click.Context,
    db: Path | None,
    as_of: dt.date | None,
    policy_path: Path | None,
    present: bool = False,
):
    """A caseload monitor for children's social care.

    Without a command, opens the terminal UI.
    """
    if ctx.invoked_subcommand is not None:
        return
    from cfmonitor.locate import choose_database
    from cfmonitor.policy import load_policy
    from cfmonitor.tui.app import run_app

    policy = load_policy(policy_path)
    choice = choose_database(db, _today())
    run_app(choice, policy=policy, as_of=as_of, present=present)


@cli.command()
@DB_OPTION
@AS_OF_OPTION
@POLICY_OPTION
@click.option(
    "--team",
    "teams",
    multiple=True,
    help="Only this team (its name). Repeat for several teams in one list.",
)
@click.option(
    "--service-area",
    "areas",
    multiple=True,
    help="Only the teams of this service area (its name). Repeatable; adds to --team.",
)
@click.option(
    "--only",
    type=click.Choice(["over", "near"]),
    default=None,
    help="Only workers at this status or worse (near includes over).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown", "xlsx"]),
    default="table",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of the terminal.",
)
@click.option("--force", is_flag=True, help="Overwrite the --output file if it exists.")
@click.option(
    "--fail-on",
    type=click.Choice(["over", "near"]),
    default=None,
    help="Exit 1 when anyone is at this status or worse (for scheduled checks).",
)
@click.option(
    "--trend", is_flag=True, help="The figures over time (weekly or monthly) instead of one day."
)
@click.option(
    "--from",
    "start",
    type=ISO_DATE,
    default=None,
    help="With --trend: first date (default two years before --to).",
)
@click.option(
    "--to", "end", type=ISO_DATE, default=None, help="With --trend: last date (default --as-of)."
)
@click.option(
    "--every",
    type=click.Choice(["week", "month"]),
    default=None,
    help="With --trend: one point per week (default) or per month.",
)
@click.option(
    "--move",
    "moves",
    multiple=True,
    metavar="CASE_REF:STAFF_REF",
    help="The figures as if this case moved to this worker (CASE_REF:unallocated to nobody; "
    "CASE_REF:FROM:TO for one worker's share of a co-worked case). Repeat for more. "
    "Nothing is written.",
)
@click.option(
    "--redact",
    is_flag=True,
    help="Workers as initials and staff ref, case and family refs hidden (to share a screen).",
)
@click.option(
    "--redact-names",
    type=click.Choice(["initials", "staff-ref"]),
    default=None,
    help="With --redact: name workers by initials and staff ref (default) or staff ref only.",
)
def report(
    db: Path | None,
    as_of: dt.date | None,
    policy_path: Path | None,
    teams: tuple[str, ...],
    areas: tuple[str, ...],
    only: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    fail_on: str | None,
    trend: bool,
    start: dt.date | None,
    end: dt.date | None,
    every: str | None,
    moves: tuple[str, ...] = (),
    redact: bool = False,
    redact_names: str | None = None,
) -> None:
    """Who is over their threshold? Caseloads by worker and team, without the TUI."""
    from cfmonitor import report as reports
    from cfmonitor.data.engine import Caseloads
    from cfmonitor.locate import choose_database
    from cfmonitor.policy import load_policy

    redact = redact or redact_names is not None
    if trend and (moves or redact):
        raise click.UsageError("--move and --redact apply to one day's report, not to --trend.")
    if trend and (len(teams) > 1 or areas):
        raise click.UsageError(
            "--trend follows one --team; several teams and --service-area apply to one "
            "day's report."
        )
    team = teams[0] if teams else None
    if trend:
        if output is not None or fmt == "xlsx":
            raise click.UsageError(
                "--trend prints to the terminal as table, csv, json or markdown; "
                "redirect it to keep it (no --output or xlsx yet)."
            )
        _report_trend(db, as_of, policy_path, team, only, fmt, fail_on, start, end, every)
        return
    for name, value in (("--from", start), ("--to", end), ("--every", every)):
        if value is not None:
            raise click.UsageError(f"{name} only applies to a trend report; add --trend.")
    policy = load_policy(policy_path)
    day = as_of or _today()
    choice = choose_database(db, _today())
    engine = Caseloads(choice, policy)
    snapshot = engine.report(day)
    scenario = engine.scenario(snapshot, moves) if moves else None
    chosen = reports.select(
        scenario.snapshot if scenario else snapshot, team=teams, only=only, areas=areas
    )
    _warn_outside_data(snapshot.source, [day])
    warning = snapshot.data_age.warning
    if warning and (fmt != "table" or output is not None):  # the table says it on screen
        click.echo(f"cfmonitor: warning: {warning}", err=True)
    if scenario is not None or redact:
        names = (redact_names or "initials") if redact else None
        _scenario_report(scenario, chosen, names, fmt, output, force)
    elif output is not None:
        from cfmonitor.safe_text import visible

        written = reports.write_report(chosen, fmt, output, force=force)
        click.echo(f"Wrote the {fmt} report to {visible(written)}")
    elif fmt == "xlsx":
        raise reports.ReportError("--format xlsx needs --output FILE.")
    elif fmt == "table":
        from rich.console import Console

        reports.render(chosen, fmt, Console(soft_wrap=False, highlight=False))
    else:  # text formats go straight to stdout: Rich is loaded for the table only
        reports.write_text(chosen, fmt, sys.stdout)
    if fail_on is not None and reports.fails(chosen, fail_on):
        sys.exit(EXIT_PROBLEMS)


def _scenario_report(
    scenario: Scenario | None,
    chosen: Snapshot,
    redact_names: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
) -> None:
    """`report --move …` and/or `--redact`, in every format."""
    from rich.console import Console

    from cfmonitor import scenario_report
    from cfmonitor.redact import Redaction, Redactor
    from cfmonitor.safe_text import visible

    redactor = Redactor(Redaction(names=redact_names)) if redact_names else None
    if output is None and fmt == "xlsx":
        raise scenario_report.report.ReportError("--format xlsx needs --output FILE.")
    if output is not None:
        written = scenario_report.write_any(scenario, chosen, fmt, output, force, redactor)
        click.echo(f"Wrote the {fmt} report to {visible(written)}")
        return
    console = Console(soft_wrap=fmt != "table", highlight=False)
    scenario_report.render_any(scenario, chosen, fmt, console, redactor)


def _report_trend(
    db: Path | None,
    as_of: dt.date | None,
    policy_path: Path | None,
    team: str | None,
    only: str | None,
    fmt: str,
    fail_on: str | None,
    start: dt.date | None,
    end: dt.date | None,
    every: str | None,
) -> None:
    """`report --trend`: the snapshot's rows at each week (or month) of a range."""
    from rich.console import Console

    from cfmonitor import report as reports
    from cfmonitor.data.engine import Caseloads, data_age, default_range
    from cfmonitor.locate import choose_database
    from cfmonitor.policy import load_policy

    if fail_on is not None:
        raise click.UsageError("--fail-on judges one day; it cannot be used with --trend.")
    if as_of is not None and end is not None and as_of != end:
        raise click.UsageError("--as-of and --to both set the end of a trend; give only one.")
    last = end or as_of or _today()
    first = start or default_range(last)[0]
    if first > last:
        raise click.UsageError(
            f"--from {first.isoformat()} is after --to {last.isoformat()}; "
            "the range must start before it ends."
        )
    policy = load_policy(policy_path)
    engine = Caseloads(choose_database(db, _today()), policy)
    series = engine.trend(first, last, every or "week")
    source = engine.last_source
    _warn_outside_data(source, [first, last])
    direction = engine.direction(last) if fmt == "table" else None
    age = data_age(source.last_import if source else None, last, policy.stale_after_days)
    if age.warning and fmt != "table":  # the table says it on screen
        click.echo(f"cfmonitor: warning: {age.warning}", err=True)
    console = Console(soft_wrap=fmt != "table", highlight=False)
    reports.render_trend(series, direction, fmt, console, team=team, only=only, age=age)


def _source_path(flag: str, dest: str, help_text: str, *, folder: bool = False):
    """A path option of `import --from` and `check --against` (a folder or a file)."""
    kind = (
        click.Path(file_okay=False, path_type=Path)
        if folder
        else click.Path(dir_okay=False, path_type=Path)
    )
    return click.option(flag, dest, type=kind, default=None, help=help_text)


def _warn_outside_data(source: Source | None, days: list[dt.date]) -> None:
    """A warning on stderr (not an error: the exit status is unchanged) for a day the
    database holds no rows around: before its first date or after its last."""
    if source is None:
        return
    for warning in dict.fromkeys(filter(None, (source.outside_data(day) for day in days))):
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@DB_OPTION
@AS_OF_OPTION
@POLICY_OPTION
@click.option(
    "--against",
    type=click.Choice(["ssd"]),
    default=None,
    help="Instead: set cfmonitor's caseloads beside an SSD extract's own counts.",
)
@_source_path("--dir", "folder", "With --against ssd: the folder of SSD tables.", folder=True)
@_source_path(
    "--csww", "csww", "With --against ssd: the workforce census, XML or CSV (adds Cases30)."
)
@_source_path("--mapping", "mapping_file", "With --against ssd: the mapping TOML.")
@click.option(
    "--repair",
    is_flag=True,
    help="Roll back a write that was interrupted (needs write access to the file and folder).",
)
def check(
    db: Path | None,
    as_of: dt.date | None,
    policy_path: Path | None,
    against: str | None,
    folder: Path | None,
    csww: Path | None,
    mapping_file: Path | None,
    repair: bool,
) -> None:
    """Check a database: schema version, SQLite's quick_check, and data problems.

    With --against ssd --dir FOLDER: reconcile the extract's caseload counts instead.
    """
    from rich.console import Console

    if against is not None:
        from cfmonitor.importing.sources.reconcile import check_against_ssd

        check_against_ssd(folder, csww, mapping_file, Console(highlight=False, soft_wrap=False))
        return
    if any(value is not None for value in (folder, csww, mapping_file)):
        raise click.UsageError("--dir, --csww and --mapping need --against ssd.")

    from cfmonitor.data.engine import Caseloads, data_age
    from cfmonitor.locate import choose_database
    from cfmonitor.policy import load_policy
    from cfmonitor.safe_text import safe_text

    policy = load_policy(policy_path)
    choice = choose_database(db, _today())
    console = Console(highlight=False, soft_wrap=True)
    if repair:
        from cfmonitor.data.engine import roll_back_interrupted_write

        console.print(safe_text(roll_back_interrupted_write(choice.path)))
    checked = Caseloads(choice, policy).check(as_of or _today())
    console.print(safe_text(f"{choice.label}: schema version {checked.source.schema_version}"))
    age = data_age(checked.source.last_import, as_of or _today(), policy.stale_after_days)
    console.print(safe_text(age.text))
    if age.warning:
        console.print(safe_text(f"warning: {age.warning}", "yellow"))
    if checked.snapshot is None:
        for line in checked.damage:
            console.print(safe_text(f"quick_check: {line}", "red"))
        sys.exit(EXIT_PROBLEMS)
    if choice.postgres is not None:
        from cfmonitor.database import QUICK_CHECK_NOTE

        console.print(QUICK_CHECK_NOTE)
    else:
        console.print("quick_check: ok")
    problems = checked.snapshot.problems
    if problems.is_empty():
        console.print("problems: none")
        return
    console.print(f"problems: {problems.height}")
    for kind, detail in problems.select("kind", "detail").iter_rows():
        console.print(safe_text(f"  {kind}: {detail}"))
    sys.exit(EXIT_PROBLEMS)


def _create_private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only; refuse if it exists."""
    from cfmonitor.private_file import create_private_file

    create_private_file(path)


@cli.command()
@click.argument("path", type=DATABASE)
def init(path: Path | str) -> None:
    """Create an empty cfmonitor database at PATH, or its tables in a postgresql:// database
    (never overwrites)."""
    if isinstance(path, str):
        from cfmonitor.database.location import parse_postgres
        from cfmonitor.database.pg_schema import create_schema_in

        label = create_schema_in(parse_postgres(path))
        click.echo(f"Created cfmonitor's tables in {label}")
        return
    from cfmonitor.data.engine import create_schema

    _create_private_file(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        create_schema(connection)
    except BaseException:
        connection.close()
        path.unlink(missing_ok=True)
        raise
    connection.close()
    click.echo(f"Created an empty cfmonitor database at {path}")


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option("--today", type=ISO_DATE, default=None, help="The demo's 'today' (default today).")
def demo(path: Path | None, seed: int, today: dt.date | None) -> None:
    """Write the invented demo database to PATH (default: the built-in demo location)."""
    from cfmonitor.data.engine import write_demo_database
    from cfmonitor.locate import demo_database

    day = today or _today()
    if path is None:
        target = demo_database(day)
        click.echo(f"The built-in demo database is at {target}")
        return
    _create_private_file(path)
    try:
        summary = write_demo_database(path, seed=seed, today=day)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    click.echo(f"Wrote invented demo data to {path}: {summary}")


# --- import / dump (issue 4) -----------------------------------------------------------


def _file_option(table: str):
    return click.option(
        f"--{table}",
        table,
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"{table.capitalize()} file (.csv or .xlsx).",
    )


def _required_db(help_text: str):
    return click.option("--db", "db", required=True, type=DATABASE, help=help_text)


def _import_target(db: Path | str) -> Path | PostgresTarget:
    """Where an import writes: a SQLite file, or (a postgresql:// URL) a PostgreSQL database."""
    if isinstance(db, Path):
        return db
    from cfmonitor.importing.writing_postgres import PostgresTarget

    return PostgresTarget.from_url(db)


@cli.command("import")
@_required_db("The database to write (created, owner-only, if it does not exist).")
@_file_option("teams")
@_file_option("workers")
@_file_option("reductions")
@_file_option("cases")
@_file_option("allocations")
@POLICY_OPTION
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option(
    "--replace",
    "mode",
    flag_value="replace",
    default=None,
    help="Make the tables given exactly the files.",
)
@click.option(
    "--update", "mode", flag_value="update", help="Add and change rows by their natural key."
)
@click.option(
    "--from",
    "source",
    type=click.Choice(["ssd", "annex-a"]),
    default=None,
    help="Read a council extract instead of cfmonitor's own files (see README).",
)
@_source_path(
    "--dir", "folder", "With --from: the folder of SSD tables or Annex A list CSVs.", folder=True
)
@_source_path("--file", "workbook", "With --from annex-a: the Annex A workbook (.xlsx).")
@_source_path("--csww", "csww", "With --from ssd: the workforce census (CSWW), XML or CSV.")
@_source_path(
    "--mapping",
    "mapping_file",
    "With --from: the mapping TOML (default: built-in, see db/mapping.toml).",
)
@click.option(
    "--extract-date",
    type=ISO_DATE,
    default=None,
    help=(
        "The day the files were extracted from the source system "
        "(shown as 'data as of'; needed for --from annex-a)."
    ),
)
@click.option(
    "--allow-removals",
    is_flag=True,
    help="Let --replace remove more than half of a table's rows.",
)
def import_(
    db: Path | str,
    teams: Path | None,
    workers: Path | None,
    reductions: Path | None,
    cases: Path | None,
    allocations: Path | None,
    policy_path: Path | None,
    dry_run: bool,
    mode: str | None,
    source: str | None,
    folder: Path | None,
    workbook: Path | None,
    csww: Path | None,
    mapping_file: Path | None,
    extract_date: dt.date | None,
    allow_removals: bool,
) -> None:
    """Import CSV/XLSX exports into a cfmonitor database: all or nothing, after a backup.

    With --from ssd or --from annex-a, reads a council's extract instead (--workers is
    then Annex A's optional file of known workers).
    """
    from rich.console import Console

    from cfmonitor.importing.problems import ImportProblems, print_problems
    from cfmonitor.importing.provenance import Provenance
    from cfmonitor.importing.reading import RawTable
    from cfmonitor.importing.run import run_import
    from cfmonitor.importing.summary import ImportProgress, print_outcome
    from cfmonitor.policy import load_policy

    if extract_date is not None and extract_date > _today():
        raise click.BadParameter(
            f"{extract_date.isoformat()} is in the future; give the day the files were extracted.",
            param_hint="--extract-date",
        )
    policy = load_policy(policy_path)
    target = _import_target(db)
    given = {
        "teams": teams,
        "workers": workers,
        "reductions": reductions,
        "cases": cases,
        "allocations": allocations,
    }
    files = {table: path for table, path in given.items() if path is not None}
    tables: dict[str, RawTable] = {}
    source_problems = None
    provenance = Provenance("cfmonitor", extract_date)
    if source is not None:
        from cfmonitor.importing.sources.choose import convert_source

        if set(files) - {"workers"}:
            raise click.UsageError(
                "--from reads the source's own files; drop --teams … --allocations."
            )
        converted = convert_source(
            source,
            folder=folder,
            workbook=workbook,
            census=csww,
            mapping_file=mapping_file,
            extract_date=extract_date,
            workers_file=files.pop("workers", None),
            updating=target if mode == "update" else None,
        )
        tables, source_problems = converted.tables, converted.problems
        provenance = converted.provenance
    elif any(v is not None for v in (folder, workbook, csww, mapping_file)):
        raise click.UsageError("--dir, --file, --csww and --mapping need --from.")
    console = Console(highlight=False, stderr=False)
    try:
        with ImportProgress(console) as progress:
            outcome = run_import(
                target,
                files,
                mode=mode,
                policy=policy,
                dry_run=dry_run,
                step=progress.step,
                progress=progress.advance,
                on_plan=progress.planned,
                tables=tables,
                source_problems=source_problems,
                provenance=provenance,
                allow_removals=allow_removals,
            )
    except ImportProblems as problems:
        print_problems(problems.problems, console)
        raise
    try:
        print_problems(outcome.problems, console)
        print_outcome(outcome, str(target), console)  # a PostgresTarget's str is its label
    except KeyboardInterrupt:
        if outcome.result is None or outcome.result.unchanged:
            raise
        raise WrittenThenInterrupted(
            f"{target}: interrupted after the import was written; the new rows are in the database."
        ) from None
    if dry_run and isinstance(db, Path) and db.exists():
        from cfmonitor.data.engine import SCHEMA_VERSION, inspect

        version = inspect(db).schema_version
        if version < SCHEMA_VERSION:
            click.echo(
                f"The import itself would also upgrade the file from schema version {version} "
                f"to {SCHEMA_VERSION} (in the same transaction)."
            )


@cli.command()
@_required_db("The database to dump (opened read-only).")
@click.option(
    "--dir",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for teams.csv … allocations.csv (created if missing).",
)
@click.option("--force", is_flag=True, help="Overwrite files already in the folder.")
def dump(db: Path | str, folder: Path, force: bool) -> None:
    """Write every table as CSV in the import format (natural keys, ISO dates)."""
    from cfmonitor.dump import dump_database
    from cfmonitor.safe_text import visible

    written = dump_database(db, folder, force=force)
    click.echo(f"Wrote {', '.join(path.name for path in written)} to {visible(folder)}")


@cli.command()
@DB_OPTION
@AS_OF_OPTION
@POLICY_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free."
)
@click.option(
    "--public-url", default=None, help="The https:// address people open, behind a proxy."
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Tabs open at once (each is an app process of ~150 MiB).",
)
@click.option(
    "--idle-minutes",
    type=click.FloatRange(0, min_open=True),
    default=30.0,
    show_default=True,
    help="End a tab nobody has used for this long.",
)
def serve(
    db: Path | None,
    as_of: dt.date | None,
    policy_path: Path | None,
    host: str,
    port: int,
    public_url: str | None,
    max_sessions: int,
    idle_minutes: float,
) -> None:
    """Serve the TUI to a web browser: loopback only, a secret token per start."""
    from cfmonitor.serve.start import run

    run(
        db=db,
        as_of=as_of,
        policy=policy_path,
        host=host,
        port=port,
        public_url=public_url,
        max_sessions=max_sessions,
        idle_minutes=idle_minutes,
    )


def main() -> None:
    """Entry point: run the CLI, turning every failure into one sentence and exit 2.

    Every message goes through `visible`, so a value from a file or a damaged database
    cannot move the cursor, retitle the window or span several lines.
    """

    def say(message: str) -> None:
        from cfmonitor.safe_text import visible

        click.echo(f"cfmonitor: {visible(message)}", err=True)

    try:
        cli.main(prog_name="cfmonitor", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        say(error.format_message())
        sys.exit(EXIT_USAGE)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("Interrupted; nothing was changed.", err=True)
        sys.exit(130)
    except CfmonitorError as error:
        say(str(error))
        sys.exit(getattr(error, "exit_code", EXIT_USAGE))
    except RecursionError:
        say("the input is nested too deeply to read; nothing was changed.")
        sys.exit(EXIT_USAGE)
    except Exception as error:
        say(f"unexpected {type(error).__name__}; nothing was changed. Please report what you ran.")
        sys.exit(EXIT_USAGE)
    except BaseException as error:
        if type(error).__module__ != "pyo3_runtime":  # SystemExit and the like go on
            raise
        # A panic in Polars' Rust code is a BaseException, not an Exception. The one seen
        # is ctrl-c landing inside it (while it looked NumPy up): say so, as for any other.
        if "KeyboardInterrupt" in str(error):
            click.echo("Interrupted; nothing was changed.", err=True)
            sys.exit(130)
        say("unexpected error inside Polars; nothing was changed. Please report what you ran.")
        sys.exit(EXIT_USAGE)
