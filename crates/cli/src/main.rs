//! The `neuroflow` command line: running and validating graph files, database migration and
//! team administration.

mod args;
mod database;
mod env_access;
mod json_input;
mod team_sync;
mod workflow;

use std::io::Read;
use std::process::ExitCode;

use neuroflow_model::OrgRole;
use neuroflow_store::{pg_admin, Db};

use crate::args::{Args, UsageError};
use crate::database::{Backend, DatabaseUrl};
use crate::env_access::EnvAccess;

const USAGE: &str = "\
neuroflow — NeuroFlow Studio command line

USAGE:
    neuroflow run FILE.json [--input JSON|@FILE|-] [--allow-env NAME]... [--allow-private-network]
                            [--events pretty|jsonl|none]
    neuroflow validate FILE.json [--allow-env NAME]...
    neuroflow db migrate --database-url URL [--database-password-stdin]
    neuroflow admin create-user --database-url URL --email EMAIL --org SLUG
                                --role OWNER|ADMIN|MEMBER|VIEWER --password-stdin
                                [--database-password-stdin]
    neuroflow admin purge --database-url URL --older-than-days DAYS [--database-password-stdin]
    neuroflow sync --database-url URL --local PATH [--org SLUG] [--watch [--interval SECONDS]]
                   [--database-password-stdin]

run executes a graph file (docs/GRAPH-FORMAT.md): the output JSON goes to stdout, events to
stderr (pretty by default). --input is the triggers' input: JSON text, @FILE for a file's JSON,
or - for stdin's (at most 64 MiB, and 256 MiB once parsed; a graph file 128 MiB and 640 MiB).
validate prints every problem of a graph file and exits 1 if there is any. URLs a graph names
may reach this computer or a private network (a local model server, say) only with
--allow-private-network; link-local and cloud metadata addresses never.

API keys come from the environment variables that nodes name in apiKeyEnv. A graph file chooses
where a key is sent, so it may read only variables named NEUROFLOW_*; --allow-env NAME (repeat it)
lets it read another one, for example --allow-env OPENAI_API_KEY. A file naming any other
variable is refused before it runs.

URL is a Postgres URL (postgres://user@host:port/db) or a SQLite file (sqlite:PATH, or the path
of an existing file or of one ending in .db, .sqlite or .sqlite3); anything else is refused.
Keep the Postgres password out of the URL, where other users of the machine can see it: give it
in PGPASSWORD or on stdin with --database-password-stdin (a password in the URL still works and
wins over PGPASSWORD). Passwords are never printed.

sync pushes the local database's edits (PATH, a SQLite file, made on first use) to the team
Postgres and pulls what others changed, as the person whose LOGIN role the URL names
(postgres://ROLE@host:port/db; the role is what create-user printed; the password from PGPASSWORD
or stdin, never an argument). --org picks one of the person's organizations when they have
several. --watch keeps syncing until Ctrl+C: whenever the team database says another device changed
something, and every 2 seconds (--interval) as well, retrying while the team database is away.
Each sync prints what moved.

purge deletes for good what was deleted more than DAYS ago (the retention window of team sync);
a device that was offline since before the purge reads everything again at its next sync.

create-user makes the organization if it is missing, the user, the membership and the user's
Postgres LOGIN role, and prints the role name. The new user's password is read from stdin
(--password-stdin). With --database-password-stdin as well, stdin holds two lines: the database
password first, then the new user's password.
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() || argv.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if argv.iter().any(|a| a == "-V" || a == "--version") {
        println!("neuroflow {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("neuroflow: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(argv)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            // A leftover argument may be a second --database-url=…: never echo its password.
            let e = error_line(&database::redact(&e.to_string()));
            eprintln!("neuroflow: {e} (see neuroflow --help)");
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            let message = error_line(&message);
            eprintln!("neuroflow: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Cancelled) => {
            eprintln!("neuroflow: the run was cancelled");
            ExitCode::from(130)
        }
    }
}

/// The most characters an error line shows: a message may quote a graph file's label or an
/// argument, and those can be megabytes long.
const MAX_ERROR_CHARS: usize = 4000;

/// A message as the one line printed: printable, and cut to `MAX_ERROR_CHARS`.
fn error_line(message: &str) -> String {
    let mut line =
        env_access::printable(&message.chars().take(MAX_ERROR_CHARS).collect::<String>());
    if message.chars().nth(MAX_ERROR_CHARS).is_some() {
        line.push('…');
    }
    line
}

enum Failure {
    Usage(UsageError),
    Run(String),
    Cancelled,
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

fn run_err(e: impl std::fmt::Display) -> Failure {
    // One line, whatever the source error looked like.
    Failure::Run(
        e.to_string()
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

async fn dispatch(argv: Vec<String>) -> Result<(), Failure> {
    let mut args = Args::new(
        argv,
        &[
            "--password-stdin",
            "--database-password-stdin",
            "--watch",
            neuroflow_engine::egress::ALLOW_PRIVATE_NETWORK_FLAG,
        ],
    );
    let group = args.positional("a command (run, validate, sync, db, admin)")?;
    match group.as_str() {
        "run" => return run_file(args).await,
        "sync" => return sync_local(args).await,
        "validate" => {
            let env = env_access(&mut args)?;
            let path = args.positional("a graph file")?;
            args.finish()?;
            return match workflow::validate(std::path::Path::new(&path), env).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(Failure::Run(format!("{path} is not a valid graph"))),
                Err(message) => Err(Failure::Run(message)),
            };
        }
        _ => {}
    }
    let action = args.positional("a subcommand")?;
    match (group.as_str(), action.as_str()) {
        ("db", "migrate") => {
            let raw = args.required("--database-url")?;
            let password_stdin = args.flag("--database-password-stdin");
            args.finish()?;
            let url = read_database_url(&raw, password_stdin, None)?;
            let db = connect(&url).await?;
            db.migrate().await.map_err(|e| db_err(&url, e))?;
            db.close().await;
            println!("database is up to date");
            Ok(())
        }
        ("admin", "create-user") => {
            let raw = args.required("--database-url")?;
            let email = args.required("--email")?;
            let org = args.required("--org")?;
            let role: OrgRole = args.required("--role")?.parse().map_err(run_err)?;
            let db_password_stdin = args.flag("--database-password-stdin");
            if !args.flag("--password-stdin") {
                return Err(UsageError(
                    "--password-stdin is required: the password is never taken as an argument"
                        .into(),
                )
                .into());
            }
            args.finish()?;
            let backend =
                DatabaseUrl::check_before_stdin(&raw, db_password_stdin).map_err(UsageError)?;
            if backend != Backend::Postgres {
                return Err(Failure::Run(CREATE_USER_NEEDS_POSTGRES.into()));
            }
            let (db_password, password) = if db_password_stdin {
                let (db, user) = read_two_passwords()?;
                (Some(db), user)
            } else {
                (None, read_stdin_password("the new user's password")?)
            };
            check_new_password(&password)?;
            let url = database_url(&raw, db_password)?;
            let db = connect(&url).await?;
            let result = match &db {
                Db::Postgres(pool) => match db.migrate().await {
                    Ok(()) => pg_admin::create_user(pool, &email, &org, role, &password)
                        .await
                        .map_err(|e| db_err(&url, e)),
                    Err(e) => Err(db_err(&url, e)),
                },
                Db::Sqlite(_) => Err(Failure::Run(CREATE_USER_NEEDS_POSTGRES.into())),
            };
            db.close().await;
            let created = result?;
            println!("{}", created.role_name);
            Ok(())
        }
        ("admin", "purge") => {
            let raw = args.required("--database-url")?;
            let days = args.required("--older-than-days")?;
            let password_stdin = args.flag("--database-password-stdin");
            args.finish()?;
            let days: i64 = match days.parse() {
                Ok(d) if (1..=36_500).contains(&d) => d,
                _ => {
                    return Err(UsageError(format!(
                        "--older-than-days is a number of days from 1 to 36500, not '{days}'"
                    ))
                    .into())
                }
            };
            let url = read_database_url(&raw, password_stdin, Some("purge"))?;
            let db = connect(&url).await?;
            let result = match &db {
                Db::Postgres(pool) => pg_admin::purge_tombstones(
                    pool,
                    chrono::Utc::now() - chrono::Duration::days(days),
                )
                .await
                .map_err(|e| db_err(&url, e)),
                Db::Sqlite(_) => Err(Failure::Run("purge works on the team's Postgres".into())),
            };
            db.close().await;
            println!("purged {} deleted row(s)", result?.rows);
            Ok(())
        }
        _ => Err(UsageError(format!("unknown command '{group} {action}'")).into()),
    }
}

async fn sync_local(mut args: Args) -> Result<(), Failure> {
    let raw = args.required("--database-url")?;
    let local = args.required("--local")?;
    let org = args.optional("--org")?;
    let watch = args.flag("--watch");
    let interval = match args.optional("--interval")? {
        None => team_sync::DEFAULT_INTERVAL_S,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (1..=86_400).contains(&n) => n,
            _ => {
                return Err(UsageError(format!(
                    "--interval is a number of seconds from 1 to 86400, not '{s}'"
                ))
                .into())
            }
        },
    };
    let password_stdin = args.flag("--database-password-stdin");
    args.finish()?;
    let url = read_database_url(&raw, password_stdin, Some("sync"))?;
    team_sync::run(
        &url,
        std::path::Path::new(&local),
        org.as_deref(),
        watch.then(|| std::time::Duration::from_secs(interval)),
    )
    .await
    .map_err(Failure::Run)
}

const CREATE_USER_NEEDS_POSTGRES: &str =
    "create-user makes a Postgres LOGIN role: give a Postgres --database-url";

/// The `--allow-env` names: the variables outside `NEUROFLOW_*` a graph file may read.
fn env_access(args: &mut Args) -> Result<EnvAccess, Failure> {
    let allowed = args.all("--allow-env")?;
    Ok(EnvAccess::new(allowed).map_err(UsageError)?)
}

async fn run_file(mut args: Args) -> Result<(), Failure> {
    // Options first: a JSON value given to --input must not be taken for the file.
    let input = args.optional("--input")?;
    let env = env_access(&mut args)?;
    // Graph-named URLs on this computer or a private network need the person's say-so.
    let network = neuroflow_engine::NetworkPolicy {
        allow_private_network: args.flag(neuroflow_engine::egress::ALLOW_PRIVATE_NETWORK_FLAG),
    };
    let style = match args.optional("--events")? {
        None => workflow::EventStyle::Pretty,
        Some(s) => workflow::EventStyle::parse(&s).ok_or_else(|| {
            UsageError(format!("--events must be pretty, jsonl or none, not '{s}'"))
        })?,
    };
    let path = args.positional("a graph file")?;
    args.finish()?;
    let input = match input {
        None => serde_json::Value::Null,
        Some(arg) => json_input::read_input(&arg).map_err(run_err)?,
    };
    workflow::run(std::path::Path::new(&path), input, style, env, network)
        .await
        .map_err(|f| match f {
            workflow::RunFailure::Failed(message) => run_err(message),
            workflow::RunFailure::Cancelled => Failure::Cancelled,
        })
}

/// The `--database-url` checked (before stdin is read), with its password from stdin when
/// `password_stdin`, else from `PGPASSWORD` or the URL. `postgres_only` names a command that
/// needs the team's Postgres.
fn read_database_url(
    raw: &str,
    password_stdin: bool,
    postgres_only: Option<&str>,
) -> Result<DatabaseUrl, Failure> {
    let backend = DatabaseUrl::check_before_stdin(raw, password_stdin).map_err(UsageError)?;
    if let Some(command) = postgres_only {
        if backend != Backend::Postgres {
            return Err(UsageError(format!(
                "{command} works on the team's Postgres: give a Postgres --database-url"
            ))
            .into());
        }
    }
    let db_password = if password_stdin {
        Some(read_stdin_password("the database password")?)
    } else {
        None
    };
    database_url(raw, db_password)
}

/// The checked URL with its password from stdin or `PGPASSWORD`.
fn database_url(raw: &str, stdin_password: Option<String>) -> Result<DatabaseUrl, Failure> {
    let pgpassword = std::env::var("PGPASSWORD").ok();
    Ok(DatabaseUrl::parse(raw, stdin_password, pgpassword).map_err(UsageError)?)
}

async fn connect(url: &DatabaseUrl) -> Result<Db, Failure> {
    Db::connect(url.connect_url())
        .await
        .map_err(|e| db_err(url, e))
}

/// A database failure as one line without the password, whatever the error quoted.
fn db_err(url: &DatabaseUrl, e: impl std::fmt::Display) -> Failure {
    match run_err(e) {
        Failure::Run(message) => Failure::Run(url.scrub(&message)),
        other => other,
    }
}

/// The longest password stdin may hold; more is refused rather than cut.
const MAX_PASSWORD_BYTES: u64 = 4096;

fn read_stdin(what: &str) -> Result<String, Failure> {
    let mut buf = String::new();
    std::io::stdin()
        .take(2 * MAX_PASSWORD_BYTES + 2)
        .read_to_string(&mut buf)
        .map_err(|e| Failure::Run(format!("cannot read {what} from stdin: {e}")))?;
    Ok(buf)
}

fn read_stdin_password(what: &str) -> Result<String, Failure> {
    let buf = read_stdin(what)?;
    let password = buf.trim_end_matches(['\n', '\r']).to_string();
    check_length(&password, what)?;
    Ok(password)
}

/// With both `--database-password-stdin` and `--password-stdin`, stdin holds two lines: the
/// database password, then the new user's.
fn read_two_passwords() -> Result<(String, String), Failure> {
    let what = "the passwords";
    let buf = read_stdin(what)?;
    let Some((first, rest)) = buf.split_once('\n') else {
        return Err(Failure::Run(
            "with --database-password-stdin and --password-stdin, stdin holds two lines: the database password, then the new user's password".into(),
        ));
    };
    let db = first.trim_end_matches('\r').to_string();
    let user = rest.trim_end_matches(['\n', '\r']).to_string();
    check_length(&db, "the database password")?;
    check_length(&user, "the new user's password")?;
    Ok((db, user))
}

fn check_length(password: &str, what: &str) -> Result<(), Failure> {
    if password.is_empty() {
        return Err(Failure::Run(format!("{what} on stdin is empty")));
    }
    if password.len() as u64 > MAX_PASSWORD_BYTES {
        return Err(Failure::Run(format!(
            "{what} on stdin is longer than {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

fn check_new_password(password: &str) -> Result<(), Failure> {
    if password.chars().count() < 8 {
        return Err(Failure::Run(
            "the password must be at least 8 characters".into(),
        ));
    }
    Ok(())
}
