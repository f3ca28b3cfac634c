//! `neuroflow run` and `neuroflow validate` on graph files in a temp dir, as a person runs them.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value as Json};

fn neuroflow(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_neuroflow"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run neuroflow")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn write_file(name: &str, content: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("graphs-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    path
}

fn n(i: u32, kind: &str, label: &str, config: Json) -> Json {
    json!({"id": format!("0190a000-0000-7000-8000-{i:012}"), "kind": kind, "label": label, "position": {"x": 0, "y": 0}, "config": config})
}

fn e(i: u32, from: u32, port: Option<&str>, to: u32) -> Json {
    json!({"id": format!("0190a000-0000-7000-9000-{i:012}"), "source": format!("0190a000-0000-7000-8000-{from:012}"),
           "sourceHandle": port, "target": format!("0190a000-0000-7000-8000-{to:012}"), "targetHandle": null})
}

fn file(nodes: Vec<Json>, edges: Vec<Json>) -> String {
    json!({"format": "neuroflow.graph", "version": 1, "name": "test", "nodes": nodes, "edges": edges}).to_string()
}

fn greeting_file() -> PathBuf {
    write_file(
        "greet.json",
        &file(
            vec![
                n(1, "trigger.manual", "Start", json!({})),
                n(
                    2,
                    "flow.condition",
                    "Big?",
                    json!({"expression": "item.amount > 100"}),
                ),
                n(
                    3,
                    "data.set",
                    "Thank",
                    json!({"fields": {"message": "Thanks {{ item.name }}"}}),
                ),
                n(4, "output", "Out", json!({})),
            ],
            vec![e(1, 1, None, 2), e(2, 2, Some("true"), 3), e(3, 3, None, 4)],
        ),
    )
}

#[test]
fn run_prints_the_output_json_and_pretty_events() {
    let path = greeting_file();
    let p = path.to_string_lossy();
    let out = neuroflow(
        &[
            "run",
            &p,
            "--input",
            r#"[{"name":"Ada","amount":500},{"name":"Bob","amount":1}]"#,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let output: Json = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        output,
        json!([{"name": "Ada", "amount": 500, "message": "Thanks Ada"}])
    );
    let events = text(&out.stderr);
    assert!(events.contains("✓ Thank: 1 items"), "{events}");
    assert!(events.contains("run completed"), "{events}");
}

#[test]
fn jsonl_events_are_one_json_object_a_line() {
    let path = greeting_file();
    let out = neuroflow(
        &[
            "run",
            "--events",
            "jsonl",
            &path.to_string_lossy(),
            "--input",
            r#"{"amount":1}"#,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<Json> = text(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    assert_eq!(
        lines.first().map(|l| l["type"].clone()),
        Some(json!("runStarted"))
    );
    assert_eq!(
        lines.last().map(|l| l["type"].clone()),
        Some(json!("runFinished"))
    );
    assert!(lines.iter().any(|l| l["type"] == "nodeSkipped"));
}

#[test]
fn a_failed_run_exits_1_with_a_one_line_reason() {
    let path = write_file(
        "fail.json",
        &file(
            vec![
                n(1, "trigger.manual", "Start", json!({})),
                n(
                    2,
                    "data.transform",
                    "Boom",
                    json!({"expression": "error(\"nope\")"}),
                ),
            ],
            vec![e(1, 1, None, 2)],
        ),
    );
    let out = neuroflow(&["run", &path.to_string_lossy(), "--events", "none"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        "neuroflow: run failed: node 'Boom' (data.transform) failed: jq error: nope"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn validate_lists_every_problem_and_exits_1() {
    let bad = write_file(
        "bad.json",
        &file(
            vec![
                n(1, "data.set", "No fields", json!({})),
                n(2, "no.such", "Mystery", json!({})),
            ],
            vec![e(1, 1, None, 2), e(2, 1, None, 9)],
        ),
    );
    let out = neuroflow(&["validate", &bad.to_string_lossy()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    for code in [
        "noTrigger:",
        "missingConfig:",
        "unknownKind:",
        "danglingEdge:",
    ] {
        assert!(report.contains(code), "{code} missing from {report}");
    }
    let good = greeting_file();
    let out = neuroflow(&["validate", &good.to_string_lossy()], &[]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("valid (4 nodes, 3 edges)"));
}

#[test]
fn bad_files_and_arguments_end_in_one_line() {
    let garbage = write_file("garbage.json", "\u{0}\u{1} not json");
    let deep = write_file(
        "deep.json",
        &format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)),
    );
    for (args, code) in [
        (vec!["run", garbage.to_str().unwrap_or("")], 1),
        (vec!["validate", deep.to_str().unwrap_or("")], 1),
        (vec!["run", "/no/such/file.json"], 1),
        (vec!["run"], 2),
        (vec!["run", "x.json", "--events", "xml"], 2),
        (vec!["run", "x.json", "--input"], 2),
    ] {
        let out = neuroflow(&args, &[]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.starts_with("neuroflow: "), "{err}");
    }
}

/// An OpenAI stand-in on 127.0.0.1 for one request: checks the bearer key from the env var.
fn one_shot_openai(key: &'static str) -> (String, std::thread::JoinHandle<Json>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().expect("accept");
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head_end, len) = loop {
            let got = socket.read(&mut chunk).expect("read");
            buf.extend_from_slice(&chunk[..got]);
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = text(&buf[..p]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (p, len);
            }
        };
        while buf.len() < head_end + 4 + len {
            let got = socket.read(&mut chunk).expect("read");
            buf.extend_from_slice(&chunk[..got]);
        }
        let head = text(&buf[..head_end]).to_ascii_lowercase();
        let authorized = head.contains(&format!("authorization: bearer {key}"));
        let body: Json = serde_json::from_slice(&buf[head_end + 4..]).unwrap_or(Json::Null);
        let reply = if authorized {
            json!({"id": "c1", "object": "chat.completion", "created": 1, "model": body["model"],
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi from the stand-in"}, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}})
        } else {
            json!({"error": {"message": "bad key"}})
        };
        let status = if authorized {
            "200 OK"
        } else {
            "401 Unauthorized"
        };
        let reply = reply.to_string();
        let response = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}", reply.len());
        socket.write_all(response.as_bytes()).expect("write");
        body
    });
    (base, handle)
}

#[test]
fn llm_keys_come_from_the_environment_variable_the_node_names() {
    let (base, server) = one_shot_openai("sk-cli");
    let path = write_file(
        "llm.json",
        &file(
            vec![
                n(1, "trigger.manual", "Start", json!({})),
                n(
                    2,
                    "ai.llm",
                    "Ask",
                    json!({"baseUrl": base, "model": "gpt-4o-mini", "prompt": "Say hi to {{ item.who }}", "apiKeyEnv": "NF_TEST_OPENAI_KEY"}),
                ),
            ],
            vec![e(1, 1, None, 2)],
        ),
    );
    // The variable is not NEUROFLOW_*, so the run names it with --allow-env; the stand-in is
    // on this computer, so the run allows that too.
    let out = neuroflow(
        &[
            "run",
            &path.to_string_lossy(),
            "--input",
            r#"{"who":"Ada"}"#,
            "--allow-env",
            "NF_TEST_OPENAI_KEY",
            "--allow-private-network",
        ],
        &[("NF_TEST_OPENAI_KEY", "sk-cli")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let output: Json = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(output[0]["text"], "hi from the stand-in");
    assert_eq!(output[0]["usage"]["totalTokens"], 13);
    assert!(text(&out.stderr).contains("13 tokens"));
    assert!(!text(&out.stderr).contains("sk-cli"));
    let sent = server.join().expect("server");
    assert_eq!(sent["messages"][0]["content"], "Say hi to Ada");

    let out = neuroflow(
        &[
            "run",
            &path.to_string_lossy(),
            "--events",
            "none",
            "--allow-env=NF_TEST_OPENAI_KEY",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("environment variable NF_TEST_OPENAI_KEY is not set"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_documented_example_is_a_valid_graph_file() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/GRAPH-FORMAT.md"
    ))
    .expect("doc");
    let example = doc
        .split("## Example")
        .nth(1)
        .and_then(|s| s.split("```json").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("example block");
    let path = write_file("example.json", example);
    let out = neuroflow(&["validate", &path.to_string_lossy()], &[]);
    assert!(out.status.success(), "{}", text(&out.stdout));
}

/// The desktop's export of a workflow whose blueprint calls another: Greeter adds `greeting`
/// then calls Shout, which adds `shout`.
async fn desktop_export(dir: &std::path::Path) -> String {
    use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
    use neuroflow_store::blueprints::BlueprintMeta;
    use neuroflow_store::versions::SaveAs;
    let db = neuroflow_store::Db::open_sqlite(&dir.join("desktop.db"))
        .await
        .expect("open");
    let id = neuroflow_store::local::ensure_local_identity(&db)
        .await
        .expect("identity");
    let store = neuroflow_store::Store::new(db, id.device);
    let actor = neuroflow_store::workflows::Actor {
        organization_id: id.organization_id,
        user_id: id.user_id,
    };
    let node = |kind: &str, config: Json| GraphNode {
        id: uuid::Uuid::now_v7(),
        kind: kind.into(),
        label: kind.into(),
        position: Position { x: 0.0, y: 0.0 },
        config,
    };
    let chain = |nodes: Vec<GraphNode>| Graph {
        edges: nodes
            .windows(2)
            .map(|p| GraphEdge {
                id: uuid::Uuid::now_v7(),
                source: p[0].id,
                source_handle: None,
                target: p[1].id,
                target_handle: None,
            })
            .collect(),
        nodes,
    };
    let call = |id: uuid::Uuid| node("blueprint.call", json!({"blueprintId": id.to_string()}));
    let mut ids = Vec::new();
    for (name, field, value) in [
        ("Shout", "shout", "{{ item.text }}!"),
        ("Greeter", "greeting", "Hello {{ item.text }}"),
    ] {
        let doc = store
            .blueprint_create(
                actor,
                &BlueprintMeta {
                    name: name.into(),
                    description: String::new(),
                    category: neuroflow_model::AIToolCategory::Automation,
                    is_public: false,
                },
            )
            .await
            .expect("blueprint");
        let mut nodes = vec![
            node(
                "blueprint.input",
                json!({"parameters": [{"name": "text", "type": "string", "required": true}]}),
            ),
            node("data.set", json!({"fields": {field: value}})),
        ];
        nodes.extend(ids.last().map(|shout| call(*shout)));
        nodes.push(node("output", json!({})));
        store
            .blueprint_save_graph_as(actor, doc.summary.id, &chain(nodes), &SaveAs::save())
            .await
            .expect("save blueprint");
        ids.push(doc.summary.id);
    }
    let w = store
        .workflow_create(actor, "Greets loudly")
        .await
        .expect("workflow");
    let graph = chain(vec![
        node("trigger.manual", json!({})),
        call(ids[1]),
        node("output", json!({})),
    ]);
    store
        .workflow_save_graph(actor, w.id, &graph)
        .await
        .expect("save");
    let (_, text) = neuroflow_runs::files::export(&store, actor, w.id)
        .await
        .expect("export");
    store.db().close().await;
    text
}

#[test]
fn a_workflow_the_desktop_exports_runs_with_the_blueprints_it_carries() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("desktop-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let text = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(desktop_export(&dir));
    let path = write_file("exported.neuroflow.json", &text);
    let _ = std::fs::remove_dir_all(&dir);
    let p = path.to_string_lossy();
    let out = neuroflow(&["validate", &p], &[]);
    assert!(out.status.success(), "{}", text_of(&out));
    let out = neuroflow(&["run", &p, "--input", r#"{"text":"Ada"}"#], &[]);
    assert!(out.status.success(), "{}", text_of(&out));
    let output: Json = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        output,
        json!([{"text": "Ada", "greeting": "Hello Ada", "shout": "Ada!"}])
    );
}

fn text_of(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// A listener that must never be called: the graph points its node at it.
fn silent_listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let base = format!("http://{}/v1", listener.local_addr().expect("addr"));
    (listener, base)
}

fn llm_file(base: &str, env_name: &str) -> PathBuf {
    write_file(
        "llm.json",
        &file(
            vec![
                n(1, "trigger.manual", "Start", json!({})),
                n(
                    2,
                    "ai.llm",
                    "Ask",
                    // A short timeout: were the key read, the silent listener would never answer.
                    json!({"baseUrl": base, "model": "gpt-4o-mini", "prompt": "hi", "apiKeyEnv": env_name, "timeoutMs": 3000}),
                ),
            ],
            vec![e(1, 1, None, 2)],
        ),
    )
}

#[test]
fn a_graph_file_reads_only_neuroflow_variables_unless_the_run_allows_one() {
    let (listener, base) = silent_listener();
    let path = llm_file(&base, "NF_CLI_TEST_SECRET");
    let p = path.to_string_lossy();
    let secret = [("NF_CLI_TEST_SECRET", "canary-4f1c9e")];
    // The network allows the listener, as for a local model: only the variable check stands
    // between the file and the secret.
    let out = neuroflow(&["run", &p, "--allow-private-network"], &secret);
    assert_eq!(out.status.code(), Some(1), "{}", text_of(&out));
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "neuroflow: node 'Ask': environment variable NF_CLI_TEST_SECRET may not be read"
        ) && err.contains("--allow-env NF_CLI_TEST_SECRET"),
        "{err}"
    );
    assert!(!text_of(&out).contains("canary-4f1c9e"));
    assert!(out.stdout.is_empty());
    // Refused before any node ran: nothing reached the node's URL.
    assert!(
        listener.accept().is_err(),
        "the refused run must not call the node's URL"
    );

    // Allowing another variable does not allow this one.
    let out = neuroflow(
        &[
            "run",
            &p,
            "--allow-env",
            "OTHER_KEY",
            "--allow-private-network",
        ],
        &secret,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("NF_CLI_TEST_SECRET may not be read"));

    let out = neuroflow(&["validate", &p], &secret);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .contains("envNotAllowed: node 'Ask': environment variable NF_CLI_TEST_SECRET"),
        "{}",
        text_of(&out)
    );
    let out = neuroflow(
        &["validate", &p, "--allow-env", "NF_CLI_TEST_SECRET"],
        &secret,
    );
    assert!(out.status.success(), "{}", text_of(&out));

    let out = neuroflow(&["run", &p, "--allow-env", "NOT A NAME"], &secret);
    assert_eq!(out.status.code(), Some(2), "{}", text_of(&out));
    assert!(listener.accept().is_err());
}

#[test]
fn neuroflow_variables_need_no_flag() {
    let (base, server) = one_shot_openai("sk-prefixed");
    let path = llm_file(&base, "NEUROFLOW_TEST_OPENAI_KEY");
    let out = neuroflow(
        &[
            "run",
            &path.to_string_lossy(),
            "--events",
            "none",
            "--allow-private-network",
        ],
        &[("NEUROFLOW_TEST_OPENAI_KEY", "sk-prefixed")],
    );
    assert!(out.status.success(), "{}", text_of(&out));
    let output: Json = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(output[0]["text"], "hi from the stand-in");
    server.join().expect("server");
}

fn neuroflow_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_neuroflow"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut pipe = child.stdin.take().expect("stdin");
    let bytes = stdin.to_vec();
    // Written from a thread: the child may stop reading (and exit) before taking it all.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    out
}

#[test]
fn input_comes_from_a_file_or_stdin_when_it_is_too_big_for_an_argument() {
    let path = greeting_file();
    let p = path.to_string_lossy();
    // Over 128 KiB, the most one argument may hold on Linux.
    let mut items: Vec<Json> = (0..3000)
        .map(|i| json!({"name": format!("person-{i:06}-{}", "x".repeat(40)), "amount": 1}))
        .collect();
    items.push(json!({"name": "Ada", "amount": 500}));
    let input = Json::Array(items).to_string();
    assert!(input.len() > 128 * 1024);
    let expected = json!([{"name": "Ada", "amount": 500, "message": "Thanks Ada"}]);

    let input_file = write_file("input.json", &input);
    let at = format!("@{}", input_file.display());
    let out = neuroflow(&["run", &p, "--events", "none", "--input", &at], &[]);
    assert!(out.status.success(), "{}", text_of(&out));
    assert_eq!(
        serde_json::from_slice::<Json>(&out.stdout).expect("json"),
        expected
    );

    let out = neuroflow_with_stdin(
        &["run", &p, "--events", "none", "--input", "-"],
        input.as_bytes(),
    );
    assert!(out.status.success(), "{}", text_of(&out));
    assert_eq!(
        serde_json::from_slice::<Json>(&out.stdout).expect("json"),
        expected
    );

    let missing = format!("@{}", input_file.with_extension("none").display());
    let not_json = write_file("bad.json", "{\"name\": ");
    let bad = format!("@{}", not_json.display());
    for (args, stdin, says) in [
        (
            vec!["--input", missing.as_str()],
            &b""[..],
            "cannot open --input @",
        ),
        (vec!["--input", bad.as_str()], &b""[..], "is not JSON: EOF"),
        (
            vec!["--input", "-"],
            &b"[1, 2"[..],
            "--input - (stdin) is not JSON",
        ),
        (
            vec!["--input", "-"],
            &b""[..],
            "--input - (stdin) is not JSON",
        ),
        (
            vec!["--input", "@"],
            &b""[..],
            "--input @ needs a file name",
        ),
    ] {
        let mut all = vec!["run", &p];
        all.extend(args.iter().copied());
        let out = neuroflow_with_stdin(&all, stdin);
        assert_eq!(out.status.code(), Some(1), "{all:?}: {}", text_of(&out));
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(says), "{all:?}: {err}");
    }
}

#[test]
fn a_graph_reaches_this_computer_only_with_allow_private_network() {
    let (listener, base) = silent_listener();
    let path = write_file(
        "local.json",
        &file(
            vec![
                n(1, "trigger.manual", "Start", json!({})),
                n(
                    2,
                    "http.request",
                    "Probe",
                    json!({"url": format!("{base}/admin")}),
                ),
            ],
            vec![e(1, 1, None, 2)],
        ),
    );
    let out = neuroflow(&["run", &path.to_string_lossy(), "--events", "none"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text_of(&out));
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--allow-private-network"), "{err}");
    assert!(listener.accept().is_err(), "the probe must not be sent");
}
