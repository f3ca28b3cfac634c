//! The `neuroflow` command line: running and validating graph files, database migration and
//! team administration.

mod args;
mod workflow;

use std::io::Read;
use std::process::ExitCode;

use neuroflow_model::OrgRole;
use neuroflow_store::{pg_admin, Db};

use crate::args::{Args, UsageError};

const USAGE: &str = "\
neuroflow — NeuroFlow Studio command line

USAGE:
    neuroflow run FILE.json [--input JSON] [--events pretty|jsonl|none]
    neuroflow validate FILE.json
    neuroflow db migrate --database-url URL
    neuroflow admin create-user --database-url URL --email EMAIL --org SLUG
                                --role OWNER|ADMIN|MEMBER|VIEWER --password-stdin

run executes a graph file (docs/GRAPH-FORMAT.md): the output JSON goes to stdout, events to
stderr (pretty by default). API keys come from the environment variables that nodes name in
apiKeyEnv. validate prints every problem of a graph file and exits 1 if there is any.

URL is a Postgres URL (postgres://user:password@host:port/db) or a SQLite file path.
create-user makes the organization if it is missing, the user, the membership and the
user's Postgres LOGIN role, and prints the role name. The password is read from stdin.
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
            eprintln!("neuroflow: {e} (see neuroflow --help)");
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            eprintln!("neuroflow: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Cancelled) => {
            eprintln!("neuroflow: the run was cancelled");
            ExitCode::from(130)
        }
    }
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
    let mut args = Args::new(argv, &["--password-stdin"]);
    let group = args.positional("a command (run, validate, db, admin)")?;
    match group.as_str() {
        "run" => return run_file(args).await,
        "validate" => {
            let path = args.positional("a graph file")?;
            args.finish()?;
            return match workflow::validate(std::path::Path::new(&path)).await {
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
            let url = args.required("--database-url")?;
            args.finish()?;
            let db = connect(&url).await?;
            db.migrate().await.map_err(run_err)?;
            db.close().await;
            println!("database is up to date");
            Ok(())
        }
        ("admin", "create-user") => {
            let url = args.required("--database-url")?;
            let email = args.required("--email")?;
            let org = args.required("--org")?;
            let role: OrgRole = args.required("--role")?.parse().map_err(run_err)?;
            if !args.flag("--password-stdin") {
                return Err(UsageError(
                    "--password-stdin is required: the password is never taken as an argument"
                        .into(),
                )
                .into());
            }
            args.finish()?;
            let password = read_password()?;
            let db = connect(&url).await?;
            let result = match &db {
                Db::Postgres(pool) => {
                    db.migrate().await.map_err(run_err)?;
                    pg_admin::create_user(pool, &email, &org, role, &password)
                        .await
                        .map_err(run_err)
                }
                Db::Sqlite(_) => Err(Failure::Run(
                    "create-user makes a Postgres LOGIN role: give a Postgres --database-url"
                        .into(),
                )),
            };
            db.close().await;
            let created = result?;
            println!("{}", created.role_name);
            Ok(())
        }
        _ => Err(UsageError(format!("unknown command '{group} {action}'")).into()),
    }
}

async fn run_file(mut args: Args) -> Result<(), Failure> {
    // Options first: a JSON value given to --input must not be taken for the file.
    let input = args.optional("--input")?;
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
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| Failure::Run(format!("--input is not JSON: {e}")))?,
    };
    workflow::run(std::path::Path::new(&path), input, style)
        .await
        .map_err(|f| match f {
            workflow::RunFailure::Failed(message) => run_err(message),
            workflow::RunFailure::Cancelled => Failure::Cancelled,
        })
}

async fn connect(url: &str) -> Result<Db, Failure> {
    Db::connect(url).await.map_err(run_err)
}

fn read_password() -> Result<String, Failure> {
    let mut buf = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut buf)
        .map_err(|e| Failure::Run(format!("cannot read the password from stdin: {e}")))?;
    let password = buf.trim_end_matches(['\n', '\r']).to_string();
    if password.chars().count() < 8 {
        return Err(Failure::Run(
            "the password must be at least 8 characters".into(),
        ));
    }
    Ok(password)
}
