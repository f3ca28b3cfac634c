//! The `neuroflow` binary under a hard address-space cap and a wall-clock guard, fed hostile graph files, inputs, environment names and database URLs: each must end in one `neuroflow:` line and a non-zero exit, never a panic, an abort or a hang.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

/// The address-space cap, in KiB (what `ulimit -v` takes): 1 GiB. Before the value limit a
/// 40 MB graph file of small numbers needed some 1.3 GiB and aborted under it.
const CAP_KIB: u64 = 1024 * 1024;

/// The cap for graphs with a jq node: the jq thread reserves a stack of
/// `JQ_THREAD_STACK_BYTES` (address space, touched only as used), which alone fills the 1 GiB
/// cap, so these run under the cap plus that stack.
const JQ_CAP_KIB: u64 =
    CAP_KIB + (neuroflow_engine::kinds::transform::JQ_THREAD_STACK_BYTES / 1024) as u64;

/// Longer than any of these cases takes in a debug build; a hang is a failure, not a stall.
const HANG_GUARD: Duration = Duration::from_secs(90);

struct Ran {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `program args` through `sh` with `ulimit -v CAP_KIB`, killing it after `HANG_GUARD`.
fn capped(
    program: &str,
    args: &[&str],
    stdin: &[u8],
    env: &[(&str, &str)],
    cwd: Option<&Path>,
) -> Ran {
    capped_at(CAP_KIB, program, args, stdin, env, cwd)
}

/// Runs `program args` through `sh` with `ulimit -v cap_kib`, killing it after `HANG_GUARD`.
fn capped_at(
    cap_kib: u64,
    program: &str,
    args: &[&str],
    stdin: &[u8],
    env: &[(&str, &str)],
    cwd: Option<&Path>,
) -> Ran {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"ulimit -v "$0" && exec "$@""#)
        .arg(cap_kib.to_string())
        .arg(program)
        .args(args)
        .env_remove("PGPASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn().expect("spawn sh");
    let mut pipe = child.stdin.take().expect("stdin");
    let bytes = stdin.to_vec();
    // The child may exit before reading everything: a broken pipe here is expected.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    });
    let read = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = from.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).to_string()
        })
    };
    let out = read(Box::new(child.stdout.take().expect("stdout")));
    let err = read(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} hung for {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = writer.join();
    use std::os::unix::process::ExitStatusExt;
    Ran {
        code: status.code(),
        signal: status.signal(),
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

fn neuroflow(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Ran {
    capped(env!("CARGO_BIN_EXE_neuroflow"), args, stdin, env, None)
}

/// One `neuroflow:` line on stderr, a non-zero exit code, no signal, no panic.
fn assert_refused(what: &str, ran: &Ran) {
    assert_eq!(
        ran.signal, None,
        "{what}: killed by signal {:?}: {}",
        ran.signal, ran.stderr
    );
    let code = ran.code.unwrap_or(0);
    assert!(code != 0, "{what}: exit {code}, stdout {}", ran.stdout);
    let err = ran.stderr.trim_end();
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("neuroflow: "), "{what}: {err}");
    assert!(
        err.len() < 20_000,
        "{what}: an error line of {} bytes",
        err.len()
    );
    for never in [
        "panicked",
        "memory allocation",
        "RUST_BACKTRACE",
        "stack overflow",
    ] {
        assert!(!err.contains(never), "{what}: {err}");
    }
}

fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn node(i: u32, kind: &str, label: &str, config: Json) -> Json {
    json!({"id": format!("0190a000-0000-7000-8000-{i:012}"), "kind": kind, "label": label,
           "position": {"x": 0, "y": 0}, "config": config})
}

fn graph(nodes: Vec<Json>) -> String {
    let edges: Vec<Json> = (1..nodes.len() as u32)
        .map(|i| {
            json!({"id": format!("0190a000-0000-7000-9000-{i:012}"),
                   "source": format!("0190a000-0000-7000-8000-{i:012}"), "sourceHandle": null,
                   "target": format!("0190a000-0000-7000-8000-{:012}", i + 1), "targetHandle": null})
        })
        .collect();
    json!({"format": "neuroflow.graph", "version": 1, "name": "hostile", "nodes": nodes, "edges": edges})
        .to_string()
}

fn small_graph() -> String {
    graph(vec![
        node(1, "trigger.manual", "Start", json!({})),
        node(2, "data.set", "Set", json!({"fields": {"ok": true}})),
    ])
}

/// A valid graph file whose one node carries `values` zeros: the text is small for what it
/// takes to parse.
fn dense_graph(path: &Path, values: usize) {
    let head = graph(vec![
        node(1, "trigger.manual", "Start", json!({})),
        node(
            2,
            "data.set",
            "Set",
            json!({"fields": {"ok": true}, "x": "HOLE"}),
        ),
    ]);
    let (before, after) = head.split_once("\"HOLE\"").expect("hole");
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    f.write_all(before.as_bytes()).expect("write");
    f.write_all(b"[").expect("write");
    for _ in 1..values {
        f.write_all(b"0,").expect("write");
    }
    f.write_all(b"0]").expect("write");
    f.write_all(after.as_bytes()).expect("write");
    f.flush().expect("flush");
}

#[test]
fn the_cap_is_applied_and_leaves_room_for_an_ordinary_run() {
    let ran = capped("sh", &["-c", "ulimit -v"], b"", &[], None);
    assert_eq!(ran.stdout.trim(), CAP_KIB.to_string(), "{}", ran.stderr);

    // Without this, every case below could pass by failing to start at all.
    let dir = dir();
    let ok = dir.join("ok.json");
    std::fs::write(&ok, small_graph()).expect("write");
    let ran = neuroflow(
        &[
            "run",
            &ok.to_string_lossy(),
            "--events",
            "none",
            "--input",
            "-",
        ],
        br#"{"n": 1}"#,
        &[],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let output: Json = serde_json::from_str(&ran.stdout).expect("json");
    assert_eq!(output, json!([{"n": 1, "ok": true}]));
}

#[test]
fn hostile_graph_files_end_in_one_line() {
    let dir = dir();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    };
    let garbage = file(
        "garbage.json",
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<_>>(),
    );
    let deep_arrays = file(
        "deep.json",
        format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)).as_bytes(),
    );
    let deep_objects = file("deep-objects.json", "{\"a\":".repeat(200_000).as_bytes());
    let deep_config = file(
        "deep-config.json",
        small_graph()
            .replace(
                "{\"ok\":true}",
                &format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000)),
            )
            .as_bytes(),
    );
    let not_graph = file("array.json", b"[1, 2, 3]");
    let truncated = file("truncated.json", &small_graph().as_bytes()[..60]);
    // Over the file limit without writing it: refused by its size before a byte is read.
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(neuroflow_engine::file::MAX_FILE_BYTES + 1024 * 1024))
        .expect("sparse file");
    // 10 MB of `{"a":0},`: some 900 MB parsed (each object allocates a B-tree node).
    let objects = dir.join("objects.json");
    {
        let text = format!("[{}{{}}]", "{\"a\":0},".repeat(1_333_000));
        let head = graph(vec![node(
            1,
            "trigger.manual",
            "Start",
            json!({"x": "HOLE"}),
        )]);
        std::fs::write(&objects, head.replace("\"HOLE\"", &text)).expect("write");
    }
    // 40 MB of `0,`: within the byte limit, but 20 million values.
    let dense = dir.join("dense.json");
    dense_graph(&dense, 20_000_000);
    let hostile_label = file(
        "label.json",
        graph(vec![
            node(1, "trigger.manual", "Start\u{1b}[2J\nfake line", json!({})),
            node(
                2,
                "data.transform",
                "Boom\u{1b}]0;title\u{7}",
                json!({"expression": "error(\"a\\nb\\u001b[31m\")"}),
            ),
        ])
        .as_bytes(),
    );
    // An error message of 200 KB (a node's config may hold 256 KiB).
    let long_error = file(
        "long-error.json",
        graph(vec![
            node(1, "trigger.manual", "Start", json!({})),
            node(
                2,
                "data.transform",
                "Boom",
                json!({"expression": format!("error(\"{}\")", "L".repeat(200_000))}),
            ),
        ])
        .as_bytes(),
    );
    let cases: Vec<(String, Vec<String>)> = [
        &garbage,
        &deep_arrays,
        &deep_objects,
        &deep_config,
        &not_graph,
        &truncated,
        &huge,
        &dense,
        &objects,
        Path::new("/dev/zero"),
        &dir,
        Path::new("/no/such/file.json"),
    ]
    .iter()
    .flat_map(|p| {
        let p = p.to_string_lossy().to_string();
        [
            (format!("run {p}"), vec!["run".into(), p.clone()]),
            (format!("validate {p}"), vec!["validate".into(), p]),
        ]
    })
    .chain([(
        "run failing with an error of 200 KB".to_string(),
        vec![
            "run".into(),
            long_error.to_string_lossy().to_string(),
            "--events".into(),
            "none".into(),
        ],
    )])
    .chain([(
        "run with terminal escapes".to_string(),
        vec![
            "run".into(),
            hostile_label.to_string_lossy().to_string(),
            "--events".into(),
            "none".into(),
        ],
    )])
    .collect();
    for (what, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = neuroflow(&args, b"", &[]);
        assert_refused(what, &ran);
        assert!(!ran.stderr.contains('\u{1b}'), "{what}: {:?}", ran.stderr);
    }
    let ran = neuroflow(&["run", &dense.to_string_lossy()], b"", &[]);
    assert!(
        ran.stderr
            .contains("more than 640 MiB of memory once parsed"),
        "{}",
        ran.stderr
    );
    let ran = neuroflow(&["run", &huge.to_string_lossy()], b"", &[]);
    assert!(
        ran.stderr.contains(&format!(
            "the limit is {}",
            neuroflow_engine::file::MAX_FILE_BYTES
        )),
        "{}",
        ran.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// jq programs whose values grow within a few steps end at the jq memory budget, in one line,
/// where the allocator would otherwise fail under the cap and abort the process. A normal jq
/// program runs under the same cap, so the cases cannot pass by failing to start.
#[test]
fn growing_jq_values_end_in_one_line() {
    let dir = dir();
    let jq_graph = |name: &str, expression: &str| {
        let path = dir.join(name);
        let text = graph(vec![
            node(1, "trigger.manual", "Start", json!({})),
            node(
                2,
                "data.transform",
                "Grow",
                json!({ "expression": expression }),
            ),
        ]);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().to_string()
    };
    let run = |path: &str| {
        capped_at(
            JQ_CAP_KIB,
            env!("CARGO_BIN_EXE_neuroflow"),
            &["run", path, "--events", "none"],
            b"",
            &[],
            None,
        )
    };
    let fine = jq_graph("fine.json", "[range(100000)] | length");
    let ran = run(&fine);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(
        ran.stdout.split_whitespace().collect::<String>(),
        "[100000]"
    );

    let budget = "jq memory budget of 256 MiB exceeded";
    for (what, expression, says) in [
        (
            "string doubling",
            r#"reduce range(40) as $i ("x"; . + .)"#,
            budget,
        ),
        ("one 10 GB repeat", r#""x" * 10000000000"#, budget),
        // jaq refuses a string times a decimal literal outright.
        ("times 1e10", r#""x" * 1e10"#, "cannot calculate"),
        // Printing recursed once per level and overflowed the stack, aborting the process.
        (
            "printing a value nested 1.5 million deep",
            "reduce range(1500000) as $i (null; [.]) | tojson",
            "cannot print a value nested deeper than 10000 levels",
        ),
    ] {
        let ran = run(&jq_graph("grow.json", expression));
        assert_refused(what, &ran);
        assert!(ran.stderr.contains("node 'Grow'"), "{what}: {}", ran.stderr);
        assert!(ran.stderr.contains(says), "{what}: {}", ran.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A template that doubles text in a loop over a list (no `range` step to weigh it at) ends
/// at its render's memory ceiling, under the 1 GiB cap.
#[test]
fn growing_template_text_ends_in_one_line() {
    let dir = dir();
    let path = dir.join("double.json");
    let ones = vec!["1"; 40].join(",");
    let template = format!(
        "{{% set ns = namespace(s='x') %}}{{% for i in [{ones}] %}}{{% set ns.s = ns.s ~ ns.s %}}{{% endfor %}}{{{{ ns.s | length }}}}"
    );
    let text = graph(vec![
        node(1, "trigger.manual", "Start", json!({})),
        node(
            2,
            "data.set",
            "Double",
            json!({ "fields": { "s": template } }),
        ),
    ]);
    std::fs::write(&path, text).expect("write");
    let path = path.to_string_lossy().to_string();
    let ran = capped(
        env!("CARGO_BIN_EXE_neuroflow"),
        &["run", &path, "--events", "none"],
        b"",
        &[],
        None,
    );
    assert_refused("template doubling", &ran);
    assert!(
        ran.stderr
            .contains("template budget exceeded: it would hold more than 128 MiB"),
        "{}",
        ran.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_inputs_end_in_one_line() {
    let dir = dir();
    let ok = dir.join("ok.json");
    std::fs::write(&ok, small_graph()).expect("write");
    let ok = ok.to_string_lossy().to_string();
    let deep = "[".repeat(200_000);
    let many = format!("[{}0]", "0,".repeat(10_000_000));
    let objects = format!("[{}{{}}]", "{\"a\":0},".repeat(1_333_000));
    let over = vec![b' '; 64 * 1024 * 1024 + 1];
    let cases: Vec<(&str, Vec<&str>, &[u8], &str)> = vec![
        (
            "text garbage",
            vec!["--input", "{not json"],
            b"",
            "--input is not JSON",
        ),
        (
            "stdin garbage",
            vec!["--input", "-"],
            b"\x00\xff\xfe garbage",
            "--input - (stdin) is not JSON",
        ),
        (
            "stdin deep",
            vec!["--input", "-"],
            deep.as_bytes(),
            "recursion limit",
        ),
        (
            "stdin values",
            vec!["--input", "-"],
            many.as_bytes(),
            "more than 256 MiB of memory once parsed",
        ),
        (
            "stdin objects",
            vec!["--input", "-"],
            objects.as_bytes(),
            "more than 256 MiB of memory once parsed",
        ),
        (
            "stdin over 64 MiB",
            vec!["--input", "-"],
            &over,
            "larger than 64 MiB",
        ),
        (
            "endless file",
            vec!["--input", "@/dev/zero"],
            b"",
            "the limit is 67108864 (64 MiB)",
        ),
        (
            "missing file",
            vec!["--input", "@/no/such.json"],
            b"",
            "cannot open --input @/no/such.json",
        ),
        ("a directory", vec!["--input", "@/"], b"", "directory"),
        (
            "no file name",
            vec!["--input", "@"],
            b"",
            "--input @ needs a file name",
        ),
        ("no value", vec!["--input"], b"", "--input needs a value"),
    ];
    for (what, extra, stdin, says) in cases {
        let mut args = vec!["run", ok.as_str(), "--events", "none"];
        args.extend(extra);
        let ran = neuroflow(&args, stdin, &[]);
        assert_refused(what, &ran);
        assert!(ran.stderr.contains(says), "{what}: {}", ran.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_graph_file_cannot_read_secrets_from_the_environment() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}/collect", listener.local_addr().expect("addr"));
    let dir = dir();
    let canary = "canary-aws-7d2e51";
    let env = [("AWS_SECRET_ACCESS_KEY", canary), ("HOME_TOKEN", canary)];
    let cases = [
        (
            "http",
            node(
                2,
                "http.request",
                "Send",
                json!({"url": url, "method": "POST", "apiKeyEnv": "AWS_SECRET_ACCESS_KEY", "timeoutMs": 3000}),
            ),
            "AWS_SECRET_ACCESS_KEY",
        ),
        (
            "llm",
            node(
                2,
                "ai.llm",
                "Ask",
                json!({"baseUrl": url, "model": "m", "prompt": "p", "apiKeyEnv": "AWS_SECRET_ACCESS_KEY", "timeoutMs": 3000}),
            ),
            "AWS_SECRET_ACCESS_KEY",
        ),
        (
            "not a name",
            node(
                2,
                "http.request",
                "Send",
                json!({"url": url, "apiKeyEnv": "NEUROFLOW_X\u{1b}[31m=1", "timeoutMs": 3000}),
            ),
            "is not an environment variable name",
        ),
        (
            "prefix only",
            node(
                2,
                "http.request",
                "Send",
                json!({"url": url, "apiKeyEnv": "NEUROFLOW_", "timeoutMs": 3000}),
            ),
            "NEUROFLOW_ may not be read",
        ),
    ];
    for (what, exfil, says) in cases {
        let path = dir.join(format!("{what}.json"));
        std::fs::write(
            &path,
            graph(vec![node(1, "trigger.manual", "Start", json!({})), exfil]),
        )
        .expect("write");
        let ran = neuroflow(
            &["run", &path.to_string_lossy(), "--allow-private-network"],
            b"",
            &env,
        );
        assert_refused(what, &ran);
        assert!(ran.stderr.contains(says), "{what}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("--allow-env") || says.contains("name"),
            "{what}: {}",
            ran.stderr
        );
        assert!(!ran.stderr.contains(canary) && !ran.stdout.contains(canary));
        assert!(!ran.stderr.contains('\u{1b}'), "{what}: {:?}", ran.stderr);
    }
    // A carried blueprint and an AI agent are refused the same way.
    let carried = json!({
        "format": "neuroflow.graph", "version": 1, "name": "carried",
        "nodes": [node(1, "trigger.manual", "Start", json!({}))], "edges": [],
        "blueprints": [{"id": "0190a000-0000-7000-8000-0000000000b1", "name": "Tool",
            "nodes": [node(3, "http.request", "Leak", json!({"url": url, "apiKeyEnv": "HOME_TOKEN"}))],
            "edges": []}],
        "agents": [{"id": "0190a000-0000-7000-8000-0000000000a1", "name": "Bot",
            "modelConfig": {"model": "m", "baseUrl": url, "apiKeyEnv": "AWS_SECRET_ACCESS_KEY"}}]
    });
    let path = dir.join("carried.json");
    std::fs::write(&path, carried.to_string()).expect("write");
    let ran = neuroflow(
        &["run", &path.to_string_lossy(), "--allow-private-network"],
        b"",
        &env,
    );
    assert_refused("carried", &ran);
    assert!(ran.stderr.contains("HOME_TOKEN"), "{}", ran.stderr);
    assert!(
        listener.accept().is_err(),
        "no refused run may reach the graph's URL"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_database_urls_end_in_one_line_without_a_password_or_a_junk_file() {
    let cwd = dir();
    let not_a_file = cwd.join("sub");
    std::fs::create_dir_all(&not_a_file).expect("dir");
    let sub = not_a_file.to_string_lossy().to_string();
    let long = format!("postgres://u:pw-long@{}/db", "h".repeat(100_000));
    let cases = [
        "",
        "   ",
        "::: not a url",
        "mysql://user:hunter2-pw@host/db",
        "MySQL://user:hunter2-pw@host/db",
        "user:hunter2-pw@host/db",
        "postgres:user:hunter2-pw@host/db",
        "sqlite:",
        "no/such/dir/x.db",
        "plain-name",
        sub.as_str(),
        "/dev/zero",
        "postgres://nobody:hunter2-pw@127.0.0.1:1/none",
        "postgres://nobody@127.0.0.1:1/none?password=hunter2-pw",
        long.as_str(),
    ];
    let twice = [
        "db",
        "migrate",
        "--database-url",
        "x.db",
        "--database-url=postgres://u:hunter2-pw@h/db",
    ];
    let ran = capped(
        env!("CARGO_BIN_EXE_neuroflow"),
        &twice,
        b"",
        &[],
        Some(&cwd),
    );
    assert_refused("a second --database-url", &ran);
    assert!(!ran.stderr.contains("hunter2"), "{}", ran.stderr);
    for url in cases {
        // Connecting to port 1 takes the pool's whole timeout: once is enough.
        let connects = url.starts_with("postgres://");
        for args in [
            vec!["db", "migrate", "--database-url", url],
            vec![
                "admin",
                "create-user",
                "--database-url",
                url,
                "--email",
                "a@example.com",
                "--org",
                "acme",
                "--role",
                "ADMIN",
                "--password-stdin",
            ],
        ]
        .into_iter()
        .take(if connects { 1 } else { 2 })
        {
            let ran = capped(
                env!("CARGO_BIN_EXE_neuroflow"),
                &args,
                b"correct horse battery\n",
                &[],
                Some(&cwd),
            );
            let what = format!("{args:?}");
            assert_refused(&what, &ran);
            assert!(!ran.stderr.contains("hunter2"), "{what}: {}", ran.stderr);
            assert!(
                ran.stderr.len() < 1000,
                "{what}: {} bytes",
                ran.stderr.len()
            );
        }
    }
    let left: Vec<_> = std::fs::read_dir(&cwd)
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|name| name != "sub")
        .collect();
    assert!(
        left.is_empty(),
        "junk left in the working directory: {left:?}"
    );
    let _ = std::fs::remove_dir_all(&cwd);
}
