//! Against the real OS keychain (in CI: gnome-keyring's Secret Service, started by scripts/test.sh), and against no keychain at all in child processes.

use neuroflow_secrets::{KeychainStatus, Secret, SecretBackend, SecretRef, SecretStore};
use uuid::Uuid;

/// Entries of these tests live under their own service name, apart from the app's.
const TEST_SERVICE: &str = "dev.neuroflow.studio.tests";
const CANARY: &str = "canary-5b1d2e8f-never-in-output";

/// The keychain store, or a failure that says how to run these tests: they must never pass
/// without having talked to a real keychain (keyring's mock store would pass them vacuously).
fn keychain() -> SecretStore {
    let store = SecretStore::keychain_with_service(TEST_SERVICE);
    let status = store.probe();
    if status == KeychainStatus::Available {
        return store;
    }
    let how =
        "Run them through ./scripts/test.sh, which starts gnome-keyring's Secret Service in a \
        D-Bus session, or by hand: dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon \
        --unlock --components=secrets >/dev/null; cargo test -p neuroflow-secrets'";
    if std::env::var_os("CI").is_some() {
        panic!("CI is set and the OS keychain is not usable ({status:?}); the keychain tests need a real Secret Service. {how}");
    }
    panic!("the keychain tests need a real, unlocked OS keychain and found {status:?}. {how}");
}

/// Deletes the test's entries even when an assertion fails midway.
struct Cleanup<'a> {
    store: &'a SecretStore,
    references: Vec<SecretRef>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for reference in &self.references {
            let _ = self.store.delete(reference);
        }
    }
}

fn integration_ref() -> SecretRef {
    SecretRef::integration(Uuid::now_v7(), Uuid::now_v7())
}

fn read(store: &SecretStore, reference: &SecretRef) -> Option<String> {
    store
        .get(reference)
        .expect("keychain read")
        .map(|secret| secret.expose().to_owned())
}

#[test]
fn probe_reports_the_keychain_available() {
    let store = keychain();
    assert_eq!(store.backend(), SecretBackend::Keychain);
    assert_eq!(store.keychain_service(), Some(TEST_SERVICE));
    assert!(store.probe().is_available());
}

#[test]
fn put_get_delete_round_trip() {
    let store = keychain();
    let reference = integration_ref();
    let _cleanup = Cleanup {
        store: &store,
        references: vec![reference.clone()],
    };
    assert_eq!(read(&store, &reference), None);
    store
        .put(&reference, &Secret::new("xoxb-round-trip"))
        .expect("put");
    assert_eq!(read(&store, &reference).as_deref(), Some("xoxb-round-trip"));
    store.delete(&reference).expect("delete");
    assert_eq!(read(&store, &reference), None);
}

#[test]
fn put_overwrites_the_entry() {
    let store = keychain();
    let reference = integration_ref();
    let _cleanup = Cleanup {
        store: &store,
        references: vec![reference.clone()],
    };
    store.put(&reference, &Secret::new("first")).expect("put");
    store
        .put(&reference, &Secret::new("second"))
        .expect("overwrite");
    assert_eq!(read(&store, &reference).as_deref(), Some("second"));
    // One entry, not two: a second item would make keyring report the entry as ambiguous.
    store.delete(&reference).expect("delete");
    assert_eq!(read(&store, &reference), None);
}

#[test]
fn delete_is_idempotent() {
    let store = keychain();
    let reference = integration_ref();
    store
        .delete(&reference)
        .expect("deleting an entry that never existed");
    store
        .put(&reference, &Secret::new("gone soon"))
        .expect("put");
    store.delete(&reference).expect("delete");
    store.delete(&reference).expect("deleting again");
    assert_eq!(read(&store, &reference), None);
}

#[test]
fn organizations_and_kinds_have_separate_entries() {
    let store = keychain();
    let integration = Uuid::now_v7();
    let first_org = SecretRef::integration(Uuid::now_v7(), integration);
    let second_org = SecretRef::integration(Uuid::now_v7(), integration);
    let postgres =
        SecretRef::team_postgres(first_org.organization_id(), "nf_team_role").expect("valid role");
    let _cleanup = Cleanup {
        store: &store,
        references: vec![first_org.clone(), second_org.clone(), postgres.clone()],
    };
    store.put(&first_org, &Secret::new("org one")).expect("put");
    store
        .put(&second_org, &Secret::new("org two"))
        .expect("put");
    store
        .put(&postgres, &Secret::new("pg password"))
        .expect("put");
    assert_eq!(read(&store, &first_org).as_deref(), Some("org one"));
    assert_eq!(read(&store, &second_org).as_deref(), Some("org two"));
    assert_eq!(read(&store, &postgres).as_deref(), Some("pg password"));
    store.delete(&first_org).expect("delete");
    assert_eq!(read(&store, &first_org), None);
    assert_eq!(read(&store, &second_org).as_deref(), Some("org two"));
    assert_eq!(read(&store, &postgres).as_deref(), Some("pg password"));
}

#[test]
fn fingerprint_survives_the_keychain() {
    let store = keychain();
    let reference = integration_ref();
    let _cleanup = Cleanup {
        store: &store,
        references: vec![reference.clone()],
    };
    let written = Secret::new("token with spaces, ünïcode and = signs");
    store.put(&reference, &written).expect("put");
    let read_back = store.get(&reference).expect("get").expect("present");
    assert_eq!(read_back.fingerprint(), written.fingerprint());
    assert_eq!(read_back.expose(), written.expose());
}

/// keyring's mock store keeps a value only inside the Entry that set it: a value that a fresh
/// Entry (and a fresh store) reads back went through the real keychain.
#[test]
fn a_fresh_entry_reads_what_the_store_wrote() {
    let store = keychain();
    let reference = integration_ref();
    let _cleanup = Cleanup {
        store: &store,
        references: vec![reference.clone()],
    };
    store
        .put(&reference, &Secret::new("written by the store"))
        .expect("put");
    let fresh_entry =
        keyring::Entry::new(TEST_SERVICE, &reference.keychain_account()).expect("keyring entry");
    assert_eq!(
        fresh_entry.get_password().expect("fresh entry reads it"),
        "written by the store"
    );
    let other_entry =
        keyring::Entry::new(TEST_SERVICE, &reference.keychain_account()).expect("keyring entry");
    other_entry
        .set_password("written by another entry")
        .expect("set through keyring");
    let fresh_store = SecretStore::keychain_with_service(TEST_SERVICE);
    assert_eq!(
        read(&fresh_store, &reference).as_deref(),
        Some("written by another entry")
    );
    #[cfg(target_os = "linux")]
    assert_secret_service_item_exists(&reference);
}

/// The item is visible to any Secret Service client, under the documented attributes.
#[cfg(target_os = "linux")]
fn assert_secret_service_item_exists(reference: &SecretRef) {
    use dbus_secret_service::{EncryptionType, SecretService};
    let account = reference.keychain_account();
    let service = SecretService::connect(EncryptionType::Dh).expect("Secret Service");
    let found = service
        .search_items(
            [("service", TEST_SERVICE), ("username", account.as_str())]
                .into_iter()
                .collect(),
        )
        .expect("search");
    assert_eq!(
        found.unlocked.len() + found.locked.len(),
        1,
        "one Secret Service item for {account}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_wrappers_use_the_keychain() {
    let store = keychain();
    let reference = integration_ref();
    let _cleanup = Cleanup {
        store: &store,
        references: vec![reference.clone()],
    };
    assert!(store.probe_async().await.is_available());
    store
        .put_async(reference.clone(), Secret::new("async value"))
        .await
        .expect("put");
    let value = store.get_async(reference.clone()).await.expect("get");
    assert_eq!(value.expect("present").expose(), "async value");
    store.delete_async(reference.clone()).await.expect("delete");
    assert!(store.get_async(reference).await.expect("get").is_none());
}

#[test]
fn canary_round_trips_without_showing_up_in_formatting() {
    let store = keychain();
    let reference = integration_ref();
    let _cleanup = Cleanup {
        store: &store,
        references: vec![reference.clone()],
    };
    store.put(&reference, &Secret::new(CANARY)).expect("put");
    let read_back = store.get(&reference).expect("get");
    let formatted = format!("{read_back:?} {store:?} {reference:?} {reference}");
    assert!(!formatted.contains(CANARY), "{formatted}");
    assert_eq!(read_back.expect("present").expose(), CANARY);
}

/// "No keychain" and "locked" cannot be arranged on the developer's real keychain, so these
/// tests re-run this binary in a child process with a broken or private D-Bus session.
#[cfg(target_os = "linux")]
mod child_processes {
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use neuroflow_secrets::{SecretError, UnavailableCause};

    use super::*;

    /// Set in a child process to the scenario it runs (see `child_process_scenario`).
    const CHILD_SCENARIO_ENV: &str = "NEUROFLOW_SECRETS_TEST_CHILD";
    /// Printed by a child that ran its scenario to the end: a child whose test filter matched
    /// nothing would also exit 0, so the parent wants this line, not just the exit status.
    const CHILD_DONE_MARKER: &str = "NEUROFLOW-SECRETS-CHILD-DONE";
    const CHILD_TIMEOUT: Duration = Duration::from_secs(90);

    /// The entry point of child processes: a no-op in a normal run, a scenario when the parent
    /// test re-runs this binary with `NEUROFLOW_SECRETS_TEST_CHILD` set.
    #[test]
    fn child_process_scenario() {
        let Ok(scenario) = std::env::var(CHILD_SCENARIO_ENV) else {
            return;
        };
        let reason = match scenario.as_str() {
            "no-keychain" => child_without_keychain(),
            "locked" => child_with_locked_keyring(),
            other => panic!("unknown child scenario {other:?}"),
        };
        println!("{CHILD_DONE_MARKER} {scenario} reason={reason}");
    }

    /// Asserts what the app relies on when there is no keychain; returns the probe's reason.
    fn child_without_keychain() -> String {
        let keychain = SecretStore::keychain_with_service(TEST_SERVICE);
        let status = keychain.probe();
        let KeychainStatus::Unavailable { cause, reason } = &status else {
            panic!("expected the keychain to be unavailable, got {status:?}");
        };
        assert_eq!(*cause, UnavailableCause::NoKeychainService, "{reason}");
        assert!(!reason.trim().is_empty());
        assert!(
            status.describe().contains("memory for this session only"),
            "{}",
            status.describe()
        );

        let reference = integration_ref();
        let err = keychain
            .put(&reference, &Secret::new(CANARY))
            .expect_err("put must fail without a keychain");
        assert_unavailable_error(&err);
        assert_unavailable_error(&keychain.get(&reference).expect_err("get must fail"));
        assert_unavailable_error(&keychain.delete(&reference).expect_err("delete must fail"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("tokio runtime");
        let async_err = runtime
            .block_on(keychain.put_async(reference.clone(), Secret::new(CANARY)))
            .expect_err("async put must fail without a keychain");
        assert_unavailable_error(&async_err);

        // What the app offers instead, with the user's consent.
        let memory = SecretStore::session_memory();
        memory.put(&reference, &Secret::new(CANARY)).expect("put");
        assert_eq!(read(&memory, &reference).as_deref(), Some(CANARY));
        reason.clone()
    }

    fn assert_unavailable_error(err: &SecretError) {
        let (display, debug) = (err.to_string(), format!("{err:?}"));
        assert!(
            matches!(err, SecretError::KeychainUnavailable { .. }),
            "{debug}"
        );
        assert!(err.is_keychain_unusable());
        assert!(
            display.starts_with("the OS keychain is unavailable: "),
            "{display}"
        );
        assert!(!display.contains('\n'), "one line: {display}");
        assert!(
            !display.contains(CANARY) && !debug.contains(CANARY),
            "{debug}"
        );
    }

    /// Locks the default collection of this child's own gnome-keyring, then checks that the
    /// probe says Locked (without prompting) and that reads and writes fail cleanly, headless.
    fn child_with_locked_keyring() -> String {
        use dbus_secret_service::{EncryptionType, SecretService};
        let keychain = SecretStore::keychain_with_service(TEST_SERVICE);
        assert_eq!(keychain.probe(), KeychainStatus::Available);
        let reference = integration_ref();
        keychain
            .put(&reference, &Secret::new("written before the lock"))
            .expect("put while unlocked");

        let service = SecretService::connect(EncryptionType::Dh).expect("Secret Service");
        service
            .get_default_collection()
            .expect("default collection")
            .lock()
            .expect("lock");
        assert_eq!(keychain.probe(), KeychainStatus::Locked);
        assert!(KeychainStatus::Locked.describe().contains("locked"));

        let err = keychain
            .put(&reference, &Secret::new(CANARY))
            .expect_err("put must fail on a locked keyring with no one to unlock it");
        let (display, debug) = (err.to_string(), format!("{err:?}"));
        assert!(err.is_keychain_unusable(), "{debug}");
        assert!(
            !display.contains(CANARY) && !debug.contains(CANARY),
            "{debug}"
        );
        let err = keychain
            .get(&reference)
            .expect_err("get must fail on a locked keyring");
        assert!(err.is_keychain_unusable(), "{err:?}");
        display
    }

    #[test]
    fn no_keychain_when_the_session_bus_socket_is_missing() {
        let mut command = child_command("no-keychain");
        command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
        let reason = run_child(command, "no-keychain (bus socket missing)");
        assert!(reason.contains("D-Bus session bus"), "{reason}");
        assert!(reason.contains("/nonexistent"), "{reason}");
    }

    #[test]
    fn no_keychain_without_any_session_bus() {
        let mut command = child_command("no-keychain");
        // libdbus falls back to $XDG_RUNTIME_DIR/bus, then to X11 autolaunch: neither is there.
        command
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("XDG_RUNTIME_DIR");
        let reason = run_child(command, "no-keychain (no session bus)");
        assert!(reason.contains("autolaunch"), "{reason}");
    }

    #[test]
    fn no_keychain_when_no_secret_service_is_on_the_bus() {
        let scratch = ScratchDir::new();
        // A session bus that activates nothing: no service directories, so nothing owns (or can
        // be started as) org.freedesktop.secrets.
        let config = scratch.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
     "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
    <busconfig>
      <type>session</type>
      <listen>unix:dir={}</listen>
      <auth>EXTERNAL</auth>
      <policy context="default">
        <allow send_destination="*" eavesdrop="true"/>
        <allow eavesdrop="true"/>
        <allow own="*"/>
      </policy>
    </busconfig>
    "#,
                scratch.path().display()
            ),
        )
        .expect("write bus config");
        let mut command = in_dbus_session(Some(&config), "no-keychain");
        command.env("XDG_RUNTIME_DIR", scratch.path());
        let reason = run_child(command, "no-keychain (bus without Secret Service)");
        assert!(reason.contains("no Secret Service"), "{reason}");
        assert!(reason.contains("org.freedesktop.secrets"), "{reason}");
    }

    #[test]
    fn locked_keyring_is_reported_and_fails_cleanly() {
        let scratch = ScratchDir::new();
        let data = scratch.path().join("data");
        let runtime = scratch.path().join("runtime");
        std::fs::create_dir_all(&data).expect("data dir");
        std::fs::create_dir_all(&runtime).expect("runtime dir");
        let mut command = Command::new("dbus-run-session");
        command
            .args([
                "--",
                "sh",
                "-c",
                r#"printf %s "$NF_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@""#,
                "sh",
            ])
            .arg(std::env::current_exe().expect("test binary path"))
            .args(child_args())
            .env(CHILD_SCENARIO_ENV, "locked")
            .env("NF_TEST_KEYRING_PASSWORD", Uuid::now_v7().simple().to_string())
            .env("XDG_DATA_HOME", &data)
            .env("XDG_RUNTIME_DIR", &runtime);
        headless(&mut command);
        let message = run_child(command, "locked keyring");
        // Headless, gnome-keyring cannot show its unlock prompt (gcr-prompter has no display),
        // which it reports as a dismissed prompt.
        assert_eq!(
            message,
            "access to the OS keychain was denied: the keyring's unlock prompt was dismissed or could not be shown"
        );
    }

    fn child_args() -> [&'static str; 4] {
        [
            "child_processes::child_process_scenario",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ]
    }

    /// No display: nothing may autolaunch a bus or show a prompt on a developer's screen.
    fn headless(command: &mut Command) {
        command
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("GNOME_KEYRING_CONTROL");
    }

    fn child_command(scenario: &str) -> Command {
        let mut command = Command::new(std::env::current_exe().expect("test binary path"));
        command.args(child_args()).env(CHILD_SCENARIO_ENV, scenario);
        headless(&mut command);
        command
    }

    fn in_dbus_session(config: Option<&Path>, scenario: &str) -> Command {
        let mut command = Command::new("dbus-run-session");
        if let Some(config) = config {
            command.arg("--config-file").arg(config);
        }
        command
            .arg("--")
            .arg(std::env::current_exe().expect("test binary path"))
            .args(child_args())
            .env(CHILD_SCENARIO_ENV, scenario);
        headless(&mut command);
        command
    }

    /// Runs the child in its own process group (killed whole on timeout), fails with its output
    /// unless it exits 0 having printed the done marker, and returns what follows `reason=`.
    fn run_child(mut command: Command, what: &str) -> String {
        use std::os::unix::process::CommandExt;
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {what} child ({command:?}): {e}"));
        let stdout = drain(child.stdout.take().expect("piped stdout"));
        let stderr = drain(child.stderr.take().expect("piped stderr"));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for child") {
                break status;
            }
            if started.elapsed() > CHILD_TIMEOUT {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                panic!("the {what} child did not finish within {CHILD_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stdout = stdout.join().expect("stdout reader");
        let stderr = stderr.join().expect("stderr reader");
        let output = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
        assert!(
            status.success(),
            "the {what} child failed ({status}):\n{output}"
        );
        assert!(!output.contains(CANARY), "the canary leaked:\n{output}");
        // The harness prints "test ... " on the same line before the scenario's output.
        let reason = stdout
            .lines()
            .find_map(|line| line.split_once(CHILD_DONE_MARKER))
            .and_then(|(_, done)| done.split_once(" reason="))
            .map(|(_, reason)| reason.to_owned())
            .unwrap_or_else(|| panic!("the {what} child did not run its scenario:\n{output}"));
        eprintln!("{what}: {reason}");
        reason
    }

    fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    }

    /// A directory under the system temp dir, removed when dropped.
    struct ScratchDir(PathBuf);

    impl ScratchDir {
        fn new() -> Self {
            let path =
                std::env::temp_dir().join(format!("neuroflow-secrets-test-{}", Uuid::now_v7()));
            std::fs::create_dir_all(&path).expect("scratch dir");
            // gnome-keyring and dbus want a private runtime directory.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                .expect("chmod scratch dir");
            ScratchDir(path)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
