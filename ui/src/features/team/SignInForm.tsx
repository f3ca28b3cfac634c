// Owns signing in to a team database: the connection form (host, port, database, TLS, email, password), the organization picker, and every refusal said in words with what to do.
import { useId, useState, type FormEvent } from "react";
import { api, errorMessage, isIpcError, type Membership, type TeamConnection, type Tls } from "../../ipc";
import { Icon } from "../../shared/icons";

const TLS_CHOICES: { value: Tls; label: string }[] = [
  { value: "verify-full", label: "Verify certificate (verify-full)" },
  { value: "require", label: "Encrypt, don't verify (require)" },
  { value: "disable", label: "No encryption (disable)" },
];

/** What to do about a refused sign-in, by its code (the message says what happened). */
function hint(e: unknown): string | null {
  if (isIpcError(e, "offline")) return "Check the host and port, and that the server is running and reachable from this computer.";
  if (isIpcError(e, "sign_in")) return "The login is made with `neuroflow admin create-user`: ask your team's admin if you don't have one.";
  if (isIpcError(e, "tls")) return "Check the TLS choice and the CA file, or ask your admin how the server is set up.";
  if (isIpcError(e, "keychain_unavailable")) return "The password is kept in the OS keychain, which isn't available. Unlock it, or keep the password in memory for this session.";
  return null;
}

type Props = {
  /** The organization was opened: the window reloads on its local copy. */
  onOpened: () => void;
};

export function SignInForm({ onOpened }: Props) {
  const [conn, setConn] = useState<TeamConnection>({
    host: "",
    port: 5432,
    database: "neuroflow",
    tls: "verify-full",
    caFile: null,
    allowUnencrypted: false,
    email: "",
  });
  const [password, setPassword] = useState("");
  // The port as typed (a field a person can clear), sent as a number.
  const [portText, setPortText] = useState("5432");
  const [busy, setBusy] = useState<null | "signing-in" | "opening">(null);
  const [failure, setFailure] = useState<{ message: string; hint: string | null; keychain: boolean } | null>(null);
  const [orgs, setOrgs] = useState<Membership[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const id = useId();
  const set = <K extends keyof TeamConnection>(key: K, value: TeamConnection[K]) => setConn((c) => ({ ...c, [key]: value }));

  const fail = (e: unknown) => setFailure({ message: errorMessage(e), hint: hint(e), keychain: isIpcError(e, "keychain_unavailable") });

  const open = async (organizationId: string) => {
    setBusy("opening");
    setFailure(null);
    try {
      await api.teamOpen(conn, organizationId);
      onOpened();
    } catch (e) {
      fail(e);
      setBusy(null);
    }
  };

  const signIn = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setBusy("signing-in");
    setFailure(null);
    try {
      const signed = await api.teamSignIn({ ...conn, caFile: conn.caFile?.trim() || null }, password);
      setPassword("");
      if (signed.memberships.length === 1) {
        await open(signed.memberships[0].organizationId);
        return;
      }
      setOrgs(signed.memberships);
      setChosen(signed.memberships[0]?.organizationId ?? null);
      setBusy(null);
    } catch (err) {
      fail(err);
      setBusy(null);
    }
  };

  const useMemory = async () => {
    try {
      await api.keychainUseSessionMemory();
      await signIn();
    } catch (e) {
      fail(e);
    }
  };

  if (orgs) {
    return (
      <section className="team-card" aria-labelledby={`${id}-orgs`}>
        <h2 id={`${id}-orgs`} className="team-card-title">
          Choose an organization
        </h2>
        <p className="team-card-sub">You're a member of several. Each one keeps its own copy on this computer.</p>
        <div className="org-choices" role="radiogroup" aria-label="Organization">
          {orgs.map((o) => (
            <label key={o.organizationId} className={`org-choice${chosen === o.organizationId ? " is-chosen" : ""}`}>
              <input type="radio" name={`${id}-org`} checked={chosen === o.organizationId} onChange={() => setChosen(o.organizationId)} />
              <span className="org-choice-name">{o.name}</span>
              <span className="role-badge">{o.role.toLowerCase()}</span>
            </label>
          ))}
        </div>
        {failure && <Failure failure={failure} onUseMemory={useMemory} />}
        <div className="team-card-actions">
          <button type="button" className="btn" onClick={() => setOrgs(null)} disabled={busy !== null}>
            Back
          </button>
          <button type="button" className="btn btn-primary" data-testid="team-open" disabled={!chosen || busy !== null} onClick={() => chosen && void open(chosen)}>
            {busy === "opening" ? "Downloading your team's work…" : "Open"}
          </button>
        </div>
      </section>
    );
  }

  const remote = conn.host.trim() !== "" && !["localhost", "127.0.0.1", "::1", "[::1]"].includes(conn.host.trim().toLowerCase());
  return (
    <form className="team-card sign-in-form" onSubmit={(e) => void signIn(e)} aria-labelledby={`${id}-title`} data-testid="team-sign-in">
      <h2 id={`${id}-title`} className="team-card-title">
        Connect to your team
      </h2>
      <p className="team-card-sub">
        Your team's Postgres keeps everyone's workflows and blueprints. You keep working offline; edits merge field by field when you're back, and
        nothing anyone did is lost.
      </p>
      <div className="form-grid">
        <Field label="Host" htmlFor={`${id}-host`} wide>
          <input id={`${id}-host`} className="input" data-testid="team-host" required placeholder="db.example.com" value={conn.host} onChange={(e) => set("host", e.target.value)} />
        </Field>
        <Field label="Port" htmlFor={`${id}-port`}>
          <input
            id={`${id}-port`}
            className="input"
            data-testid="team-port"
            type="number"
            min={1}
            max={65535}
            required
            value={portText}
            onChange={(e) => {
              setPortText(e.target.value);
              set("port", Number(e.target.value) || 0);
            }}
          />
        </Field>
        <Field label="Database" htmlFor={`${id}-db`}>
          <input id={`${id}-db`} className="input" data-testid="team-database" required value={conn.database} onChange={(e) => set("database", e.target.value)} />
        </Field>
        <Field label="Encryption" htmlFor={`${id}-tls`} wide>
          <select id={`${id}-tls`} className="input select" data-testid="team-tls" value={conn.tls} onChange={(e) => set("tls", e.target.value as Tls)}>
            {TLS_CHOICES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        {conn.tls === "verify-full" && (
          <Field label="CA certificate file (optional)" htmlFor={`${id}-ca`} wide help="A PEM file, for a team that runs its own certificate authority.">
            <input id={`${id}-ca`} className="input" placeholder="/path/to/ca.pem" value={conn.caFile ?? ""} onChange={(e) => set("caFile", e.target.value)} />
          </Field>
        )}
        {conn.tls === "disable" && remote && (
          <label className="check-row wide">
            <input type="checkbox" data-testid="team-allow-unencrypted" checked={conn.allowUnencrypted ?? false} onChange={(e) => set("allowUnencrypted", e.target.checked)} />
            <span>
              Send my password and work unencrypted to <strong>{conn.host.trim()}</strong> anyway
            </span>
          </label>
        )}
        <Field label="Email" htmlFor={`${id}-email`} wide>
          <input id={`${id}-email`} className="input" data-testid="team-email" type="email" required autoComplete="username" value={conn.email} onChange={(e) => set("email", e.target.value)} />
        </Field>
        <Field label="Password" htmlFor={`${id}-password`} wide help="Kept in your OS keychain, never in a file.">
          <input
            id={`${id}-password`}
            className="input"
            data-testid="team-password"
            type="password"
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      </div>
      {failure && <Failure failure={failure} onUseMemory={useMemory} />}
      <div className="team-card-actions">
        <button type="submit" className="btn btn-primary" data-testid="team-sign-in-submit" disabled={busy !== null}>
          <Icon name={busy ? "spinner" : "database"} size={15} />
          {busy === "opening" ? "Downloading your team's work…" : busy ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}

function Failure({ failure, onUseMemory }: { failure: { message: string; hint: string | null; keychain: boolean }; onUseMemory: () => void }) {
  return (
    <div className="form-error team-error" role="alert" data-testid="team-error">
      <div>{failure.message}</div>
      {failure.hint && <div className="team-error-hint">{failure.hint}</div>}
      {failure.keychain && (
        <button type="button" className="btn btn-sm" onClick={onUseMemory}>
          Keep it in memory for this session
        </button>
      )}
    </div>
  );
}

function Field({ label, htmlFor, help, wide, children }: { label: string; htmlFor: string; help?: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <div className={`form-field${wide ? " wide" : ""}`}>
      <label className="form-label" htmlFor={htmlFor}>
        {label}
      </label>
      {children}
      {help && <div className="form-help">{help}</div>}
    </div>
  );
}
